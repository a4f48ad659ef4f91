"""Action time constraints: when may a target computer run an action?

An action's Settings give (each gated by its Has... flag):
  * a start and an end, each as an offset from the issue time (GMT or
    server-local reference) or as an absolute 'yyyy-mm-dd hh:mm:ss';
  * a daily time range (StartTime..EndTime, may wrap past midnight);
  * allowed days of the week;
  * UseUTCTime: true -> every constraint names one UTC instant/window for
    all targets; false -> each computer applies the wall-clock values on
    its own clock (its IANA zone), so runs are staggered across zones.

Start/end are first reduced to a *wall clock* (a naive datetime) at issue
time, exactly like the console does:
  ...Offset        wall = issue time as a GMT wall clock + duration
  ...LocalOffset   wall = issue time as a server-zone wall clock + duration
  ...DateTime      wall = the given value (GMT reference)
  ...DateTimeLocal wall = the given value (local reference)
and then placed in a zone per computer:
  UseUTCTime=true : GMT forms in UTC, Local forms in the server zone
  UseUTCTime=false: every form in the computer's own zone
(A DateTime with an explicit Z/+hh:mm suffix is one absolute instant.)

Local wall times that fall in a DST gap map to the first valid instant after
the gap (the transition); repeated hours map to their first occurrence.
"""

import datetime
import functools
import zoneinfo

from . import timefmt

UTC = datetime.timezone.utc
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # weekday() order
_SEARCH_DAYS = 800


@functools.lru_cache(maxsize=None)
def zone(name):
    if name in (None, "", "UTC", "Etc/UTC", "GMT"):
        return UTC
    return zoneinfo.ZoneInfo(name)


def check_zone(name):
    """Raise ValueError for an unknown IANA zone name."""
    try:
        zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError("unknown time zone %r" % (name,)) from e


def wall(t, tz):
    """Instant -> naive wall clock in tz."""
    return datetime.datetime.fromtimestamp(t, tz).replace(tzinfo=None)


def localize(naive, tz):
    """Naive wall clock in tz -> instant (first occurrence; gaps -> after)."""
    if tz is UTC:
        return naive.replace(tzinfo=UTC).timestamp()
    t0 = naive.replace(tzinfo=tz, fold=0).timestamp()
    if wall(t0, tz) == naive:
        return t0
    # In a gap: find the first instant whose wall clock is past `naive`.
    t1 = naive.replace(tzinfo=tz, fold=1).timestamp()
    lo, hi = min(t0, t1), max(t0, t1)
    lo, hi = int(lo) - 1, int(hi) + 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if wall(mid, tz) > naive:
            hi = mid
        else:
            lo = mid
    return float(hi)


class WallSpec:
    """A start or end value reduced at issue time.

    Either `absolute` (one instant) or a `naive` wall clock plus whether it
    used the GMT (`gmt=True`) or the local reference.
    """

    __slots__ = ("absolute", "naive", "gmt", "source", "value")

    def __init__(self, source, value, issue_t, server_tz):
        self.source, self.value = source, value
        self.absolute, self.naive = None, None
        self.gmt = not source.endswith("Local") and "LocalOffset" not in source
        if source.endswith("Offset"):
            delta = timefmt.duration_to_timedelta(value)
            ref = UTC if self.gmt else server_tz
            self.naive = wall(issue_t, ref) + delta
        else:
            naive, offset = timefmt.parse_bes_datetime(value)
            if offset is not None:
                self.absolute = naive.replace(tzinfo=UTC).timestamp() - offset
            else:
                self.naive = naive

    def instant(self, use_utc, computer_tz, server_tz):
        if self.absolute is not None:
            return self.absolute
        if use_utc:
            tz = UTC if self.gmt else server_tz
        else:
            tz = computer_tz
        return localize(self.naive, tz)

    def to_json(self):
        return {"element": self.source, "value": self.value}


class Constraints:
    """Parsed action Settings relevant to scheduling."""

    def __init__(self, use_utc=False, start=None, end=None, time_range=None,
                 days=None):
        self.use_utc = use_utc          # bool
        self.start = start              # WallSpec or None
        self.end = end                  # WallSpec or None
        self.time_range = time_range    # (start_s, end_s) seconds of day
        self.days = days                # frozenset of weekday() ints or None

    def zone_for(self, computer_tz):
        return UTC if self.use_utc else computer_tz

    def start_instant(self, issue_t, computer_tz, server_tz):
        if self.start is None:
            return issue_t
        return self.start.instant(self.use_utc, computer_tz, server_tz)

    def end_instant(self, computer_tz, server_tz):
        if self.end is None:
            return None
        return self.end.instant(self.use_utc, computer_tz, server_tz)

    def first_run(self, t_from, issue_t, computer_tz, server_tz):
        """First instant >= t_from inside every constraint, or None if the
        action ends first.  Also returns why it waits before that:
        'start' (before the start time) or 'window' (time range/weekday)."""
        start = self.start_instant(issue_t, computer_tz, server_tz)
        end = self.end_instant(computer_tz, server_tz)
        x = max(t_from, start)
        reason = "start" if start > t_from else None
        if end is not None and x >= end:
            return None, reason or "window"
        if self.time_range is None and self.days is None:
            return x, reason
        tz = self.zone_for(computer_tz)
        cand = _first_in_windows(x, tz, self.time_range, self.days)
        if cand is None or (end is not None and cand >= end):
            return None, reason or "window"
        if cand > x and reason is None:
            reason = "window"
        return cand, reason

    def to_json(self):
        tr = None
        if self.time_range is not None:
            tr = ["%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
                  for s in self.time_range]
        return {
            "use_utc": self.use_utc,
            "start": self.start.to_json() if self.start else None,
            "end": self.end.to_json() if self.end else None,
            "time_range": tr,
            "days": (sorted(DAY_NAMES[d] for d in self.days)
                     if self.days is not None else None),
        }


def _day_pieces(time_range):
    """The allowed [a, b) second-of-day pieces of one calendar day."""
    if time_range is None:
        return [(0, 86400)]
    s, e = time_range
    if s == e:
        return [(0, 86400)]
    if s < e:
        return [(s, e)]
    return [(0, e), (s, 86400)]  # wraps past midnight


def _first_in_windows(x, tz, time_range, days):
    pieces = _day_pieces(time_range)
    day = wall(x, tz).date()
    for _ in range(_SEARCH_DAYS):
        if days is None or day.weekday() in days:
            midnight = datetime.datetime.combine(day, datetime.time())
            for a, b in pieces:
                if a == b:
                    continue
                ta = localize(midnight + datetime.timedelta(seconds=a), tz)
                tb = localize(midnight + datetime.timedelta(seconds=b), tz)
                if tb <= x or tb <= ta:
                    continue
                return max(ta, x)
        day += datetime.timedelta(days=1)
    return None


def parse_settings(settings, issue_t, server_tz):
    """lxml <Settings> element (or None) -> Constraints.  Raises ValueError."""
    c = Constraints()
    if settings is None:
        return c

    def text(name):
        el = settings.find(name)
        return None if el is None or el.text is None else el.text.strip()

    def flag(name):
        return (text(name) or "").lower() in ("true", "1")

    c.use_utc = flag("UseUTCTime")
    if flag("HasTimeRange"):
        tr = settings.find("TimeRange")
        if tr is not None:
            st, et = tr.findtext("StartTime"), tr.findtext("EndTime")
            c.time_range = (timefmt.parse_xs_time(st) if st else 0,
                            timefmt.parse_xs_time(et) if et else 86400)
    if flag("HasStartTime"):
        for name in ("StartDateTimeOffset", "StartDateTimeLocalOffset",
                     "StartDateTime", "StartDateTimeLocal"):
            if text(name):
                c.start = WallSpec(name, text(name), issue_t, server_tz)
    if flag("HasEndTime"):
        for name in ("EndDateTimeOffset", "EndDateTimeLocalOffset",
                     "EndDateTime", "EndDateTimeLocal"):
            if text(name):
                c.end = WallSpec(name, text(name), issue_t, server_tz)
    if flag("HasDayOfWeekConstraint"):
        dow = settings.find("DayOfWeekConstraint")
        days = set()
        if dow is not None:
            for i, name in enumerate(DAY_NAMES):
                if (dow.findtext(name) or "").strip().lower() in ("true", "1"):
                    days.add(i)
        c.days = frozenset(days)
    return c
