"""Time formats used on the wire and in the admin API.

All instants are float seconds since the Unix epoch (UTC).
"""

import calendar
import datetime
import re
import time

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

UTC = datetime.timezone.utc


def rfc1123(t, tz=None):
    """BigFix's time form: 'Wed, 25 May 2016 22:28:02 +0000'.

    In GMT unless a zone (tzinfo) is given, e.g. 'Wed, 25 May 2016 18:28:02
    -0400'.  Independent of the process locale (strftime's %a/%b are not).
    """
    t = int(t // 1)
    if tz is None or tz is UTC:
        g = time.gmtime(t)
        return "%s, %02d %s %04d %02d:%02d:%02d +0000" % (
            _DAYS[g.tm_wday], g.tm_mday, _MONTHS[g.tm_mon - 1], g.tm_year,
            g.tm_hour, g.tm_min, g.tm_sec)
    d = datetime.datetime.fromtimestamp(t, tz)
    off = int(d.utcoffset().total_seconds()) // 60
    sign = "-" if off < 0 else "+"
    off = abs(off)
    return "%s, %02d %s %04d %02d:%02d:%02d %s%02d%02d" % (
        _DAYS[d.weekday()], d.day, _MONTHS[d.month - 1], d.year, d.hour,
        d.minute, d.second, sign, off // 60, off % 60)


def rfc1123_date(date):
    """The relevance 'date as string' form: 'Tue, 10 Mar 2026'."""
    return "%s, %02d %s %04d" % (_DAYS[date.weekday()], date.day,
                                 _MONTHS[date.month - 1], date.year)


def iso(t):
    """ISO-8601 UTC with a Z, whole seconds unless there is a fraction."""
    dt = datetime.datetime.fromtimestamp(t, UTC)
    if dt.microsecond:
        return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


_ISO_RE = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$")


def parse_iso(text):
    """Parse 'YYYY-MM-DDTHH:MM[:SS[.f]][Z|+hh:mm]' (no zone = UTC)."""
    m = _ISO_RE.match(str(text))
    if not m:
        raise ValueError("not an ISO-8601 time: %r" % (text,))
    y, mo, d, h, mi = (int(m.group(i)) for i in range(1, 6))
    s = int(m.group(6) or 0)
    frac = float(m.group(7) or 0.0)
    t = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)) + frac
    zone = m.group(8)
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        t -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return t


def parse_date(text):
    """Parse 'YYYY-MM-DD' into a datetime.date."""
    return datetime.date.fromisoformat(str(text).strip())


_DURATION_RE = re.compile(
    r"^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def parse_duration(text):
    """BigFix's ISO-8601 subset: -?P(nD)?(T(nH)?(nM)?(n[.f]S)?)? -> seconds."""
    m = _DURATION_RE.match(text.strip())
    if not m or text.strip() in ("P", "-P", "PT", "-PT"):
        raise ValueError("not a D/H/M/S duration: %r" % (text,))
    secs = (int(m.group(2) or 0) * 86400 + int(m.group(3) or 0) * 3600
            + int(m.group(4) or 0) * 60 + float(m.group(5) or 0))
    return -secs if m.group(1) else secs


def duration_to_timedelta(text):
    return datetime.timedelta(seconds=parse_duration(text))


_BES_DT_RE = re.compile(
    r"^(-?\d{4})-(\d{2})-(\d{2}).(\d{2}):(\d{2}):(\d{2})(\.\d+)?"
    r"(Z|[+-]\d{2}:\d{2})?$")


def parse_bes_datetime(text):
    """BES.xsd DateTime: 'yyyy-mm-dd hh:mm:ss[.f][Z|+hh:mm]'.

    Returns (naive datetime, zone offset seconds or None).  A value with a
    zone suffix names one absolute instant; without one it is a wall clock.
    """
    m = _BES_DT_RE.match(text.strip())
    if not m:
        raise ValueError("not a yyyy-mm-dd hh:mm:ss time: %r" % (text,))
    naive = datetime.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)),
                              int(m.group(4)), int(m.group(5)),
                              min(int(m.group(6)), 59))
    zone = m.group(8)
    if zone is None:
        return naive, None
    if zone == "Z":
        return naive, 0
    sign = -1 if zone[0] == "-" else 1
    return naive, sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)


def parse_xs_time(text):
    """xs:time 'hh:mm:ss[.f][zone]' -> seconds after midnight (zone ignored)."""
    m = re.match(r"^\s*(\d{2}):(\d{2}):(\d{2})", text)
    if not m:
        raise ValueError("not an xs:time: %r" % (text,))
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
