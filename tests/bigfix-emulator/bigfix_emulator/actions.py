"""Actions and the simulated BigFix clients that carry them out.

Every target computer of an action has a *run*, a small state machine driven
by timed events.  Events are processed lazily, in time order, whenever a
request arrives (`Engine.advance_to(now)`); their times depend only on the
model and on when things were issued, never on when they are processed, so
jumping the clock forward by days gives the same result as waiting.

Per target computer (online; times are simulated):

  issue                      no row yet ("Not Reported")
  + notice_delay (10 s)      Evaluating                       the client reports
  + eval_delay (10 s)        not relevant -> Not Relevant     (final)
                             else Waiting until the first instant inside
                             the start/end/time-range/weekday constraints
  run start                  Running (relevance re-checked: Not Relevant)
  + outcome duration (60 s)  Fixed | Failed | Pending Restart | Download
                             Failed | Hash Mismatch | Cancelled | Locked
  end time, not yet run      Expired
  stop, not yet run          Stopped (a run in progress still finishes)

A MultipleActionGroup runs its members one after the other on each computer
(not-relevant members are skipped as Not Relevant); a failing member stops
the group unless Settings/ContinueOnErrors is true; members after it get no
row.  An offline computer neither reports nor starts anything: its events
wait until it comes back online.
"""

import heapq
import itertools

from . import model, schedule, timefmt

# Phases of a run.
PENDING, EVALUATING, WAITING, RUNNING, DONE = (
    "pending", "evaluating", "waiting", "running", "done")

NON_FINAL = ("Evaluating", "Waiting", "Running")
ERROR_RESULTS = ("Failed", "Download Failed", "Hash Mismatch", "Cancelled",
                 "Locked")
_ADVANCE_ORDER = {None: -1, "Evaluating": 0, "Waiting": 1, "Running": 2}

# Non-outcome row states: short status -> (State code, IsError, long status)
STATES = {
    "Evaluating": (1, False, "Evaluating relevance and action constraints."),
    "Running": (2, False, "The action is currently running."),
    "Not Relevant": (0, False, "The action is not relevant on this computer."),
    "Expired": (20, False, "The action expired before it could run."),
    "Stopped": (20, False, "The action was stopped before it could run."),
}
WAITING_STATES = {
    "start": (12, False, "Waiting until the action start time."),
    "window": (11, False, "Waiting to run in specified time range."),
    "member": (10, False, "Waiting on action dependency."),
}


class ActionRejected(Exception):
    """A POST /api/actions body the server refuses: (HTTP status, text)."""

    def __init__(self, status, text):
        super().__init__(text)
        self.status, self.text = status, text


class Row:
    """One member action's state on one computer, as the client reported."""

    __slots__ = ("status", "state", "is_error", "long", "exit_code",
                 "apply_count", "retry_count", "line", "start", "end",
                 "reported")

    def __init__(self):
        self.status = None
        self.state, self.is_error, self.long = 0, False, ""
        self.exit_code = None
        self.apply_count = self.retry_count = self.line = 0
        self.start = self.end = None
        self.reported = None

    def set(self, status, t, spec=None):
        state, is_error, long = spec or STATES[status]
        self.status, self.state, self.is_error, self.long = (
            status, state, is_error, long)
        self.reported = t

    def to_json(self):
        return {
            "status": self.status, "state": self.state,
            "is_error": self.is_error, "long_status": self.long,
            "exit_code": self.exit_code, "apply_count": self.apply_count,
            "start": timefmt.iso(self.start) if self.start is not None else None,
            "end": timefmt.iso(self.end) if self.end is not None else None,
            "reported": (timefmt.iso(self.reported)
                         if self.reported is not None else None),
        }


class Run:
    """One action on one target computer."""

    def __init__(self, action, cid, n_members):
        self.action, self.cid = action, cid
        self.phase = PENDING
        self.gen = 0
        self.need_online = False
        self.expired_unreported = False
        self.removed = False
        self.rows = [None] * n_members
        self.current = 0
        self.outcome = None
        self.t_start = None
        self.t_expire = None

    def row(self, i):
        if self.rows[i] is None:
            self.rows[i] = Row()
        return self.rows[i]

    def display(self):
        """The row the server shows for the action on this computer (for a
        group: the aggregate over its members), or None if none reported."""
        if len(self.rows) == 1:
            return self.rows[0]
        return aggregate(self)


def aggregate(run):
    rows = [r for r in run.rows if r is not None and r.status is not None]
    if not rows:
        return None
    out = Row()
    out.apply_count = max(r.apply_count for r in rows)
    out.reported = max(r.reported for r in rows)
    out.start = run.t_start
    if run.phase in (EVALUATING, WAITING):
        src = rows[0]
        out.set(src.status, src.reported, (src.state, src.is_error, src.long))
        return out
    if run.phase == RUNNING:
        out.set("Running", out.reported)
        return out
    statuses = [r.status for r in rows]
    failing = [r for r in rows if r.status in ERROR_RESULTS]
    if failing:
        pick, status = failing[0], "Failed"
    elif any(s in NON_FINAL for s in statuses):
        pick = min(rows, key=lambda r: _ADVANCE_ORDER.get(r.status, 9))
        status = pick.status
    elif "Pending Restart" in statuses:
        pick, status = rows[statuses.index("Pending Restart")], "Pending Restart"
    elif "Fixed" in statuses:
        pick, status = rows[statuses.index("Fixed")], "Fixed"
    elif all(s == "Not Relevant" for s in statuses):
        pick, status = rows[0], "Not Relevant"
    else:
        pick = rows[0]
        status = "Stopped" if "Stopped" in statuses else pick.status
    if status in model.RESULTS:
        spec = model.RESULTS[status][:3]
    elif status == pick.status:
        spec = (pick.state, pick.is_error, pick.long)
    else:
        spec = STATES[status]
    out.set(status, out.reported, spec)
    done = [r for r in rows if r.end is not None]
    if done:
        out.end = max(r.end for r in done)
        last = max(done, key=lambda r: r.end)
        out.exit_code = (pick.exit_code if status == "Failed"
                         else last.exit_code)
        out.line = 1
    return out


class Member:
    def __init__(self, mid, fixlet):
        self.id = mid
        self.key = fixlet.key
        self.fixlet_name = fixlet.name
        self.action_name = fixlet.action_id


class Action:
    def __init__(self, aid, kind, title, members, target, constraints,
                 issue_t, document, continue_on_errors=False):
        self.id = aid
        self.kind = kind                    # SourcedFixletAction | MultipleActionGroup
        self.title = title
        self.members = members              # list of Member
        self.target = target                # dict, see parse_target
        self.constraints = constraints      # schedule.Constraints
        self.issued = issue_t
        self.document = document            # bytes: the stored BES XML
        self.continue_on_errors = continue_on_errors
        self.stopped = None
        self.deleted = False
        self.runs = {}                      # computer id -> Run
        self.expiry = None                  # instant the action expires

    @property
    def dynamic(self):
        return self.target["kind"] == "all"

    def state(self, now):
        if self.stopped is not None:
            return "Stopped"
        if self.expiry is not None and now >= self.expiry:
            return "Expired"
        return "Open"

    def is_open(self, t):
        return (not self.deleted and self.stopped is None
                and (self.expiry is None or t < self.expiry))

    def to_json(self, now):
        return {
            "id": self.id, "title": self.title, "kind": self.kind,
            "state": self.state(now), "issued": timefmt.iso(self.issued),
            "stopped": (timefmt.iso(self.stopped)
                        if self.stopped is not None else None),
            "expires": (timefmt.iso(self.expiry)
                        if self.expiry is not None else None),
            "target": self.target,
            "settings": self.constraints.to_json(),
            "continue_on_errors": self.continue_on_errors,
            "members": [{"id": m.id, "site": m.key[0], "fixlet_id": m.key[1],
                         "fixlet_name": m.fixlet_name} for m in self.members],
            "computers": [self._run_json(r) for _, r in sorted(self.runs.items())],
        }

    def _run_json(self, run):
        shown = run.display()
        return {
            "computer": run.cid, "phase": run.phase,
            "waiting_for_online": run.need_online,
            "expires": (timefmt.iso(run.t_expire)
                        if run.t_expire is not None else None),
            "row": shown.to_json() if shown else None,
            "members": [r.to_json() if r else None for r in run.rows],
        }


# -- parsing POST /api/actions ----------------------------------------------

def _bool(text):
    return (text or "").strip().lower() in ("true", "1")


def parse_target(el, fleet, target_limit):
    if el is None:
        raise ActionRejected(400, "The action has no Target: the emulator "
                                  "needs ComputerID, ComputerName, "
                                  "CustomRelevance or AllComputers.")
    ids = [int(e.text) for e in el.findall("ComputerID")]
    names = [(e.text or "").strip() for e in el.findall("ComputerName")]
    explicit = len(ids) + len(names)
    if explicit > target_limit:
        raise ActionRejected(
            413, "The action names %d computers; the limit for an explicit "
                 "target list is %d (targetBySpecificListLimit)."
                 % (explicit, target_limit))
    if ids:
        return {"kind": "ids", "ids": ids}
    if names:
        return {"kind": "names", "names": names}
    custom = el.find("CustomRelevance")
    if custom is not None:
        value = (custom.text or "").strip().lower()
        if value not in ("true", "false"):
            raise ActionRejected(400, "The emulator supports only 'true' or "
                                      "'false' as CustomRelevance targets.")
        return {"kind": "all" if value == "true" else "none",
                "custom_relevance": value}
    allc = el.find("AllComputers")
    return {"kind": "all" if _bool(allc.text) else "none",
            "all_computers": _bool(allc.text)}


def _source_fixlet(el, fleet):
    if el.find("GatherURL") is not None or el.find("SiteID") is not None:
        raise ActionRejected(400, "The emulator identifies the source site "
                                  "by Sitename only.")
    site = (el.findtext("Sitename") or "").strip() or model.MASTER_SITE
    fid = int(el.findtext("FixletID"))
    fixlet = fleet.find_fixlet(site, fid)
    if fixlet is None:
        raise ActionRejected(400, 'Fixlet %d was not found in site "%s".'
                                  % (fid, site))
    name = (el.findtext("Action") or fixlet.action_id).strip()
    if name != fixlet.action_id:
        raise ActionRejected(400, 'Fixlet %d has no action "%s".' % (fid, name))
    return fixlet


def parse_action(root, fleet, target_limit):
    """A schema-valid <BES> tree -> dict(kind, title, fixlets, target,
    settings element, continue_on_errors).  Raises ActionRejected."""
    children = [c for c in root if isinstance(c.tag, str)]
    if len(children) != 1:
        raise ActionRejected(400, "The emulator accepts exactly one action "
                                  "per request.")
    el = children[0]
    if el.tag == "SourcedFixletAction":
        fixlets = [_source_fixlet(el.find("SourceFixlet"), fleet)]
        title = (el.findtext("Title") or "").strip() or fixlets[0].name
    elif el.tag == "MultipleActionGroup":
        if el.find("MemberAction") is not None:
            raise ActionRejected(400, "The emulator supports only "
                                      "SourcedMemberAction members in a "
                                      "MultipleActionGroup.")
        members = el.findall("SourcedMemberAction")
        if not members:
            raise ActionRejected(400, "The MultipleActionGroup has no "
                                      "SourcedMemberAction.")
        fixlets = [_source_fixlet(m.find("SourceFixlet"), fleet)
                   for m in members]
        title = (el.findtext("Title") or "").strip() or "Multiple Action Group"
    else:
        raise ActionRejected(400, "The emulator does not support %s actions: "
                                  "use SourcedFixletAction or "
                                  "MultipleActionGroup." % el.tag)
    settings = el.find("Settings")
    return {
        "kind": el.tag, "title": title, "fixlets": fixlets,
        "target": parse_target(el.find("Target"), fleet, target_limit),
        "settings": settings,
        "continue_on_errors": (settings is not None
                               and _bool(settings.findtext("ContinueOnErrors"))),
    }


# -- the engine ----------------------------------------------------------------

NOTICE, EVALUATE, RUN, COMPLETE, EXPIRE = range(5)


class Engine:
    def __init__(self, fleet, server_tz, first_action_id=2001):
        self.fleet = fleet
        self.server_tz = server_tz
        self.actions = {}
        self.next_id = first_action_id
        self._heap = []
        self._seq = itertools.count()
        self.processed_to = None

    # -- event queue -------------------------------------------------------
    def _at(self, t, kind, run):
        # An event is stale once its run's generation moves on; the expiry
        # event (gen None) stays valid for the life of the run.
        gen = None if kind == EXPIRE else run.gen
        heapq.heappush(self._heap, (t, next(self._seq), kind, run, gen))

    def advance_to(self, now):
        """Process every event due at or before `now`."""
        heap = self._heap
        while heap and heap[0][0] <= now:
            t, _, kind, run, gen = heapq.heappop(heap)
            if (gen is not None and gen != run.gen) or run.removed \
                    or run.action.deleted:
                continue
            c = self.fleet.computers.get(run.cid)
            if c is None:
                continue
            (self._notice, self._evaluate, self._run, self._complete,
             self._expire)[kind](run, c, t)
        self.processed_to = now

    # -- issuing -----------------------------------------------------------
    def issue(self, spec, document, now):
        try:
            constraints = schedule.parse_settings(spec["settings"], now,
                                                  self.server_tz)
        except ValueError as e:
            raise ActionRejected(400, "Bad action settings: %s" % e) from None
        aid = self.next_id
        fixlets = spec["fixlets"]
        if spec["kind"] == "MultipleActionGroup":
            # member actions get their own ids, right after the group's
            members = [Member(aid + 1 + i, f) for i, f in enumerate(fixlets)]
        else:
            members = [Member(aid, fixlets[0])]
        self.next_id = aid + 1 + (len(members)
                                  if spec["kind"] == "MultipleActionGroup"
                                  else 0)
        action = Action(aid, spec["kind"], spec["title"], members,
                        spec["target"], constraints, now, document,
                        spec["continue_on_errors"])
        self.actions[aid] = action
        for cid in self._resolve_targets(action):
            self._add_run(action, self.fleet.computers[cid], now)
        if constraints.end is not None and not action.runs:
            action.expiry = constraints.end_instant(schedule.UTC,
                                                    self.server_tz)
        return action

    def _resolve_targets(self, action):
        comps = self.fleet.computers
        tgt = action.target
        if tgt["kind"] == "ids":
            return sorted({i for i in tgt["ids"] if i in comps})
        if tgt["kind"] == "names":
            wanted = {n.lower() for n in tgt["names"]}
            return sorted(c.id for c in comps.values()
                          if c.name.lower() in wanted and not c.retired)
        if tgt["kind"] == "all":
            return sorted(c.id for c in comps.values() if not c.retired)
        return []

    def _add_run(self, action, c, now):
        run = Run(action, c.id, len(action.members))
        action.runs[c.id] = run
        run.t_expire = action.constraints.end_instant(c.tz, self.server_tz)
        if run.t_expire is not None:
            action.expiry = max(action.expiry or run.t_expire, run.t_expire)
            self._at(run.t_expire, EXPIRE, run)
        self._at(max(now, action.issued) + self.fleet.notice_delay, NOTICE, run)
        return run

    # -- event handlers ----------------------------------------------------
    def _set_rows(self, run, status, t, spec=None, only_unfinished=False):
        for i in range(len(run.rows)):
            row = run.rows[i]
            if only_unfinished and row is not None and row.status not in (
                    None,) + NON_FINAL:
                continue
            run.row(i).set(status, t, spec)

    def _notice(self, run, c, t):
        if run.phase != PENDING or not run.action.is_open(t):
            return
        if not c.online:
            run.need_online = True
            return
        run.phase = EVALUATING
        self._set_rows(run, "Evaluating", t)
        for row in run.rows:  # a re-run after a revert starts afresh
            row.start = row.end = row.exit_code = None
            row.line = 0
        c.report(t)
        self._at(t + self.fleet.eval_delay, EVALUATE, run)

    def _evaluate(self, run, c, t):
        action = run.action
        if run.phase != EVALUATING or not action.is_open(t):
            return
        if not c.online:
            run.need_online = True
            return
        c.report(t)
        if not any(m.key in c.relevant for m in action.members):
            self._set_rows(run, "Not Relevant", t)
            run.phase = DONE
            return
        self._schedule_run(run, c, t)

    def _schedule_run(self, run, c, t):
        action = run.action
        t_run, reason = action.constraints.first_run(
            t, action.issued, c.tz, self.server_tz)
        if t_run is not None and t_run <= t:
            self._start_run(run, c, t)
            return
        run.phase = WAITING
        self._set_rows(run, "Waiting", t, WAITING_STATES[reason or "window"])
        if t_run is not None:
            self._at(t_run, RUN, run)

    def _run(self, run, c, t):
        if run.phase != WAITING or not run.action.is_open(t):
            return
        if not c.online:
            run.need_online = True
            return
        self._start_run(run, c, t)

    def _start_run(self, run, c, t):
        run.phase = RUNNING
        run.t_start = t
        if len(run.rows) > 1:
            self._set_rows(run, "Waiting", t, WAITING_STATES["member"])
        self._start_member(run, c, 0, t)

    def _start_member(self, run, c, i, t):
        members = run.action.members
        while i < len(members):
            m = members[i]
            row = run.row(i)
            if m.key not in c.relevant:
                row.set("Not Relevant", t)
                i += 1
                continue
            outcome = self.fleet.take_outcome(c.id, m.key)
            row.set("Running", t)
            row.start, row.end, row.exit_code = t, None, None
            row.apply_count += 1
            row.line = 0
            run.current, run.outcome = i, outcome
            c.report(t)
            self._at(t + outcome.duration, COMPLETE, run)
            return
        run.phase = DONE
        c.report(t)

    def _complete(self, run, c, t):
        if run.phase != RUNNING:
            return
        i, outcome = run.current, run.outcome
        key = run.action.members[i].key
        state, is_error, long, fixed = model.RESULTS[outcome.result]
        row = run.row(i)
        row.set(outcome.result, t, (state, is_error, long))
        row.end, row.exit_code, row.line = t, outcome.exit_code, 1
        if fixed:
            c.relevant.discard(key)
        elif outcome.result == "Pending Restart":
            c.pending_restart.add(key)
        c.report(t)
        if outcome.result in ERROR_RESULTS and not run.action.continue_on_errors:
            for j in range(i + 1, len(run.rows)):
                run.rows[j] = None
            run.phase = DONE
            return
        self._start_member(run, c, i + 1, t)

    def _expire(self, run, c, t):
        if run.action.stopped is not None or run.phase in (RUNNING, DONE):
            return
        run.gen += 1
        if not c.online:
            run.expired_unreported = True
        else:
            self._set_rows(run, "Expired", t, only_unfinished=True)
            c.report(t)
        run.phase = DONE

    # -- operator and admin operations ---------------------------------------
    def stop(self, action, now):
        if not action.is_open(now):
            return  # already stopped or expired: nothing changes
        action.stopped = now
        for run in action.runs.values():
            if run.phase == PENDING:
                run.gen += 1
                run.phase = DONE
            elif run.phase in (EVALUATING, WAITING):
                run.gen += 1
                self._set_rows(run, "Stopped", now, only_unfinished=True)
                run.phase = DONE

    def delete(self, action, now):
        self.stop(action, now)
        action.deleted = True
        self.actions.pop(action.id, None)

    def _runs_of(self, cid):
        for action in list(self.actions.values()):
            run = action.runs.get(cid)
            if run is not None:
                yield action, run

    def computer_online(self, c, now):
        """c has just come online (its report at `now` is already made)."""
        for action, run in self._runs_of(c.id):
            if run.expired_unreported:
                run.expired_unreported = False
                self._set_rows(run, "Expired", now, only_unfinished=True)
                continue
            if not run.need_online or not action.is_open(now):
                continue
            run.need_online = False
            run.gen += 1
            if run.phase == PENDING:
                self._at(now, NOTICE, run)
            elif run.phase == EVALUATING:
                self._at(now, EVALUATE, run)
            elif run.phase == WAITING:
                self._schedule_run(run, c, now)

    def computer_added(self, c, now):
        for action in list(self.actions.values()):
            if action.dynamic and action.is_open(now) and c.id not in action.runs:
                self._add_run(action, c, now)

    def computer_removed(self, cid):
        for action in self.actions.values():
            run = action.runs.pop(cid, None)
            if run is not None:
                run.removed = True

    def relevance_changed(self, c, now, reverted=False):
        """Admin changed c's relevance.  After a revert (`reverted`) the
        client has forgotten every action it ran since the snapshot: each
        open action is evaluated again from scratch.  Otherwise only rows
        that ended Not Relevant are re-evaluated (clients re-evaluate
        relevance continuously; Fixed/Failed rows are not re-run without
        Reapply)."""
        for action, run in self._runs_of(c.id):
            if not action.is_open(now):
                continue
            if reverted:
                # the reverted client picks the action up again at its
                # next report; until then the server shows the old rows
                run.gen += 1
                run.phase = PENDING
                when = c.next_report(now)
                run.need_online = when is None
                if when is not None:
                    self._at(when, NOTICE, run)
            elif run.phase == DONE:
                shown = run.display()
                if (shown is not None and shown.status == "Not Relevant"
                        and any(m.key in c.relevant for m in action.members)):
                    run.gen += 1
                    run.phase = EVALUATING
                    self._at(now, EVALUATE, run)

    def restart(self, c, now):
        """Restart computer c: Pending Restart rows become Fixed."""
        for action, run in self._runs_of(c.id):
            for i, row in enumerate(run.rows):
                if row is not None and row.status == "Pending Restart":
                    state, is_error, long, _ = model.RESULTS["Fixed"]
                    row.set("Fixed", now, (state, is_error, long))
                    row.end = now
                    c.relevant.discard(action.members[i].key)
        for key in c.pending_restart:
            c.relevant.discard(key)
        c.pending_restart.clear()
        c.report(now)
