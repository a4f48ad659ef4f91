"""The fleet: computers, fixlets (patch content) and scripted outcomes.

A computer's *actual* relevance is the set of (site, fixlet id) that its
client would find relevant now.  What the server *shows* is what the client
last reported: normally the same, except after a snapshot revert
(`reset`), when the server keeps showing the pre-revert report until the
computer's next report.

Last report time: a computer reports when it comes online, on every action
state change, and every `report_interval` seconds while online (periodic
reports are computed from the clock, not stored, so that jumping the clock
forward gives the same answer as waiting).
"""

import datetime
import math

from . import schedule, timefmt

SEVERITIES = ("Critical", "Important", "Moderate", "Low", "")
SITE_TYPES = ("external", "custom", "master", "operator")
MASTER_SITE = "ActionSite"


class ModelError(ValueError):
    """A bad admin/scenario request (reported as HTTP 400)."""


class NotFound(KeyError):
    pass


class Fixlet:
    def __init__(self, site, fid, name, severity="", category="",
                 release_date=None, cves=(), site_type="external",
                 kind="Fixlet", source="Red Hat", source_id=None,
                 description=None, relevance=None, download_size=None,
                 action_id="Action1"):
        if site_type not in SITE_TYPES:
            raise ModelError("site_type must be one of %s" % (SITE_TYPES,))
        if kind not in ("Fixlet", "Task"):
            raise ModelError("kind must be Fixlet or Task")
        self.site = site if site_type != "master" else MASTER_SITE
        self.site_type = site_type
        self.id = int(fid)
        self.name = str(name)
        if not 1 <= len(self.name) <= 255:
            raise ModelError("fixlet name must be 1..255 characters")
        self.severity = severity or ""
        self.category = category or ""
        if isinstance(release_date, str) and release_date:
            release_date = timefmt.parse_date(release_date)
        self.release_date = release_date or None
        if isinstance(cves, str):
            cves = [c.strip() for c in cves.replace(",", " ").split()]
        self.cves = list(cves)
        self.kind = kind
        self.source = source
        self.source_id = source_id or self.name.split(":", 2)[0]
        self.description = description
        self.relevance = relevance
        self.download_size = download_size
        self.action_id = action_id

    @property
    def key(self):
        return (self.site, self.id)

    @property
    def cve_list(self):
        return ", ".join(self.cves)

    def to_json(self):
        return {
            "site": self.site, "site_type": self.site_type, "id": self.id,
            "name": self.name, "severity": self.severity,
            "category": self.category,
            "release_date": (self.release_date.isoformat()
                             if self.release_date else None),
            "cves": self.cves, "kind": self.kind, "source": self.source,
            "source_id": self.source_id,
        }


class Computer:
    def __init__(self, cid, name, uuid=None, timezone="UTC",
                 last_report=0.0, online=True, report_interval=900,
                 relevant=(), os_name="Linux Red Hat Enterprise Linux 8.9"):
        schedule.check_zone(timezone)
        self.id = int(cid)
        self.name = str(name)
        self.uuid = uuid
        self.timezone = timezone
        self.tz = schedule.zone(timezone)
        self.os_name = os_name
        self.online = bool(online)
        self.report_interval = float(report_interval)
        self._lrt = float(last_report)
        self.online_since = float(last_report)   # anchor of periodic reports
        self.relevant = set(relevant)            # actual state
        self.initial_relevant = frozenset(self.relevant)
        self.stale = None                        # shown while a report is due
        self.stale_since = None
        self.pending_restart = set()             # fixlet keys awaiting restart
        self.retired = False                     # replaced by a re-registration

    # -- reports -----------------------------------------------------------
    def last_report(self, now):
        t = self._lrt
        if self.online and self.report_interval > 0 and now >= self.online_since:
            k = math.floor((now - self.online_since) / self.report_interval)
            t = max(t, self.online_since + k * self.report_interval)
        return t

    def next_report(self, now):
        """The next periodic report after `now` (None while offline)."""
        if not self.online or self.report_interval <= 0:
            return None
        if now < self.online_since:
            return self.online_since
        k = math.floor((now - self.online_since) / self.report_interval)
        return self.online_since + (k + 1) * self.report_interval

    def report(self, t):
        """The client sends a report at instant t."""
        if t > self._lrt:
            self._lrt = t

    def reported_relevant(self, now):
        if self.stale is not None:
            if self.last_report(now) > self.stale_since:
                self.stale, self.stale_since = None, None
            else:
                return self.stale
        return self.relevant

    def set_online(self, online, now):
        if online and not self.online:
            self.online_since = now
            self.report(now)
        elif not online and self.online:
            self._lrt = self.last_report(now)
        self.online = online

    def revert(self, relevant, now):
        """Snapshot revert: actual relevance changes, the server keeps the
        previous report until the next one."""
        if self.stale is None:
            self.stale = frozenset(self.reported_relevant(now))
            self.stale_since = now
        self.relevant = set(relevant)
        self.pending_restart.clear()

    def to_json(self, now):
        def keys(s):
            return [[site, fid] for site, fid in sorted(s)]
        return {
            "id": self.id, "name": self.name, "uuid": self.uuid,
            "timezone": self.timezone, "online": self.online,
            "report_interval": self.report_interval,
            "last_report": timefmt.iso(self.last_report(now)),
            "relevant": keys(self.relevant),
            "reported_relevant": keys(self.reported_relevant(now)),
            "initial_relevant": keys(self.initial_relevant),
            "pending_restart": keys(self.pending_restart),
            "stale": self.stale is not None,
            "retired": self.retired,
        }


RESULTS = {
    # short status: (State code, IsError, long status, fixed?)
    "Fixed": (3, False, "The action executed successfully.", True),
    "Failed": (4, True, "The action failed.", False),
    "Pending Restart": (7, False,
                        "The action is waiting for a restart to complete.",
                        False),
    "Download Failed": (18, True, "A required download failed.", False),
    "Hash Mismatch": (31, True,
                      "A downloaded file did not match its expected hash.",
                      False),
    "Cancelled": (17, False, "The action was canceled by the user.", False),
    "Locked": (5, False, "This computer is locked.", False),
}

DEFAULT_EXIT = {"Fixed": 0, "Pending Restart": 0, "Failed": 1,
                "Download Failed": -1, "Hash Mismatch": -1,
                "Cancelled": -1, "Locked": -1}


class Outcome:
    def __init__(self, result="Fixed", exit_code=None, duration=60.0,
                 count=None):
        if result not in RESULTS:
            raise ModelError("result must be one of %s" % (sorted(RESULTS),))
        self.result = result
        self.exit_code = (DEFAULT_EXIT[result] if exit_code is None
                          else int(exit_code))
        self.duration = float(duration)
        if self.duration < 0:
            raise ModelError("duration must be >= 0")
        self.count = None if count is None else int(count)

    def to_json(self):
        return {"result": self.result, "exit_code": self.exit_code,
                "duration": self.duration, "count": self.count}


class Fleet:
    """Computers, fixlets and outcome scripts.  Not thread-safe: the server
    holds one model lock around every use."""

    def __init__(self, uuid_property="VM UUID"):
        self.uuid_property = uuid_property
        self.computers = {}          # id -> Computer
        self.fixlets = {}            # (site, id) -> Fixlet
        self.sites = {}              # site name -> site type
        self.outcomes = {}           # (cid|None, key|None) -> Outcome
        self.default_outcome = Outcome()
        self.notice_delay = 10.0     # issue -> first report of the action
        self.eval_delay = 10.0       # first report -> evaluation done

    # -- fixlets -----------------------------------------------------------
    def add_fixlet(self, fixlet):
        self.fixlets[fixlet.key] = fixlet
        self.sites.setdefault(fixlet.site, fixlet.site_type)

    def fixlet_ref(self, ref):
        """Resolve a fixlet reference: id, [site, id] or {site, id}."""
        if isinstance(ref, dict):
            ref = [ref.get("site"), ref.get("id")]
        if isinstance(ref, (list, tuple)):
            if len(ref) != 2:
                raise ModelError("fixlet reference must be [site, id]")
            key = (str(ref[0]), int(ref[1]))
            if key not in self.fixlets:
                raise ModelError("no fixlet %s/%d" % key)
            return key
        try:
            fid = int(ref)
        except (TypeError, ValueError):
            raise ModelError("bad fixlet reference %r" % (ref,)) from None
        keys = [k for k in self.fixlets if k[1] == fid]
        if len(keys) != 1:
            raise ModelError("fixlet id %d is %s; use [site, id]"
                             % (fid, "ambiguous" if keys else "unknown"))
        return keys[0]

    def find_fixlet(self, site, fid):
        return self.fixlets.get((site, int(fid)))

    # -- computers ---------------------------------------------------------
    def computer(self, cid):
        try:
            return self.computers[int(cid)]
        except (KeyError, ValueError):
            raise NotFound("no computer %s" % (cid,)) from None

    def add_computer(self, computer):
        if computer.id in self.computers:
            raise ModelError("computer %d exists" % computer.id)
        self.computers[computer.id] = computer

    def next_computer_id(self):
        return max(self.computers, default=1000000) + 1

    # -- outcomes ----------------------------------------------------------
    def set_outcome(self, computer_id, fixlet_key, outcome):
        if computer_id is None and fixlet_key is None:
            self.default_outcome = outcome
        else:
            self.outcomes[(computer_id, fixlet_key)] = outcome

    def take_outcome(self, computer_id, fixlet_key):
        """The outcome for one run; counted outcomes are used up."""
        for k in ((computer_id, fixlet_key), (None, fixlet_key),
                  (computer_id, None)):
            o = self.outcomes.get(k)
            if o is not None:
                if o.count is not None:
                    o.count -= 1
                    if o.count <= 0:
                        del self.outcomes[k]
                return o
        return self.default_outcome

    def outcomes_json(self):
        out = [dict(self.default_outcome.to_json(), computer=None,
                    fixlet=None)]
        for (cid, key), o in sorted(self.outcomes.items(),
                                    key=lambda kv: repr(kv[0])):
            out.append(dict(o.to_json(), computer=cid,
                            fixlet=list(key) if key else None))
        return out


def date_or_none(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return timefmt.parse_date(value)
