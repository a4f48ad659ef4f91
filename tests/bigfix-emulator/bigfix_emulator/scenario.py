"""Fleets from scenario JSON, or generated (see README.md for the format)."""

import datetime
import random
import uuid as uuidlib

from . import model, timefmt

DEFAULT_SITE = "Patches for RHEL 8"
ZONES = ("Europe/London", "America/New_York", "Asia/Kathmandu",
         "Australia/Sydney", "America/Los_Angeles", "Asia/Tokyo",
         "Europe/Berlin", "UTC")
SEVERITIES = ("Critical", "Important", "Moderate", "Low")
PACKAGES = ("kernel", "openssl", "glibc", "systemd", "sudo", "curl", "bind",
            "python3", "nss", "libxml2", "openssh", "samba", "podman",
            "httpd", "nginx", "postgresql", "git", "vim", "tzdata", "expat")


def _time(value, now):
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return now - abs(float(value))  # a number: seconds ago
    return timefmt.parse_iso(value)


def fixlet_from_json(d):
    try:
        return model.Fixlet(
            site=d.get("site", DEFAULT_SITE), fid=d["id"], name=d["name"],
            severity=d.get("severity", ""), category=d.get("category", ""),
            release_date=model.date_or_none(d.get("release_date")),
            cves=d.get("cves", ()), site_type=d.get("site_type", "external"),
            kind=d.get("kind", "Fixlet"), source=d.get("source", "Red Hat"),
            source_id=d.get("source_id"), description=d.get("description"),
            relevance=d.get("relevance"),
            download_size=d.get("download_size"))
    except KeyError as e:
        raise model.ModelError("fixlet needs %s" % e) from None
    except (TypeError, ValueError) as e:
        raise model.ModelError("bad fixlet %r: %s" % (d, e)) from None


def computer_from_json(d, fleet, now, defaults=None):
    defaults = defaults or {}
    try:
        cid = int(d["id"]) if d.get("id") is not None else fleet.next_computer_id()
        lrt = _time(d.get("last_report"), now)
        c = model.Computer(
            cid, d.get("name", "computer-%d" % cid), uuid=d.get("uuid"),
            timezone=d.get("timezone", defaults.get("timezone", "UTC")),
            last_report=now if lrt is None else lrt,
            online=d.get("online", True),
            report_interval=d.get("report_interval",
                                  defaults.get("report_interval", 900)),
            relevant=[fleet.fixlet_ref(r) for r in d.get("relevant", ())],
            os_name=d.get("os", "Linux Red Hat Enterprise Linux 8.9"))
    except (TypeError, ValueError) as e:
        raise model.ModelError("bad computer %r: %s" % (d, e)) from None
    return c


def outcome_from_json(d, fleet):
    cid = d.get("computer")
    key = fleet.fixlet_ref(d["fixlet"]) if d.get("fixlet") is not None else None
    try:
        o = model.Outcome(d.get("result", "Fixed"), d.get("exit_code"),
                          d.get("duration", 60), d.get("count"))
    except (TypeError, ValueError) as e:
        raise model.ModelError("bad outcome %r: %s" % (d, e)) from None
    return (int(cid) if cid is not None else None), key, o


def load(data, now, uuid_property=None):
    """Scenario dict -> new Fleet."""
    if not isinstance(data, dict):
        raise model.ModelError("a scenario is a JSON object")
    if "generate" in data:
        return generate(now=now, uuid_property=uuid_property,
                        **data["generate"])
    fleet = model.Fleet(data.get("uuid_property", uuid_property or "VM UUID"))
    defaults = data.get("defaults", {})
    if "notice_delay" in defaults:
        fleet.notice_delay = float(defaults["notice_delay"])
    if "eval_delay" in defaults:
        fleet.eval_delay = float(defaults["eval_delay"])
    if "outcome" in defaults:
        _, _, fleet.default_outcome = outcome_from_json(
            dict(defaults["outcome"]), fleet)
    for f in data.get("fixlets", ()):
        fleet.add_fixlet(fixlet_from_json(f))
    for d in data.get("computers", ()):
        fleet.add_computer(computer_from_json(d, fleet, now, defaults))
    for d in data.get("outcomes", ()):
        fleet.set_outcome(*outcome_from_json(d, fleet))
    return fleet


def generate(computers=100, fixlets=20, relevant_per_computer=5, seed=1,
             site=DEFAULT_SITE, timezones=ZONES, first_id=1000001,
             first_fixlet_id=801001, uuid_fraction=1.0, offline_fraction=0.0,
             report_interval=900, now=0.0, uuid_property=None):
    """A deterministic random fleet.  5,000 computers take ~0.1 s."""
    rng = random.Random(seed)
    fleet = model.Fleet(uuid_property or "VM UUID")
    base_date = datetime.date(2026, 1, 5)
    for i in range(int(fixlets)):
        pkg = PACKAGES[i % len(PACKAGES)]
        sev = SEVERITIES[rng.randrange(len(SEVERITIES))]
        year_seq = 1000 + i
        fleet.add_fixlet(model.Fixlet(
            site, first_fixlet_id + i,
            "RHSA-2026:%04d: %s security update (%s)" % (year_seq, pkg, sev),
            severity=sev, category="Security Advisory",
            release_date=base_date + datetime.timedelta(days=3 * i),
            cves=["CVE-2026-%05d" % (20000 + 2 * i + k)
                  for k in range(1 + i % 3)],
            source_id="RHSA-2026:%04d" % year_seq))
    keys = sorted(fleet.fixlets)
    per = min(int(relevant_per_computer), len(keys))
    zones = list(timezones)
    for n in range(int(computers)):
        cid = first_id + n
        u = uuidlib.UUID(int=rng.getrandbits(128), version=4)
        c = model.Computer(
            cid, "vm-%05d" % n,
            uuid=str(u) if rng.random() < uuid_fraction else None,
            timezone=zones[n % len(zones)],
            last_report=now - rng.uniform(0, report_interval),
            online=rng.random() >= offline_fraction,
            report_interval=report_interval,
            relevant=rng.sample(keys, per))
        fleet.computers[cid] = c
    return fleet
