"""The /admin/ JSON API: scenario, fleet changes, clock, faults, logs.

No authentication.  Every handler runs under the model lock with the model
advanced to the current simulated time.  See README.md for the reference.
"""

import time
import urllib.parse

from . import clock as clockmod, faults as faultsmod, model, scenario
from . import schedule, timefmt


class AdminError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def _refs(fleet, items):
    if not isinstance(items, list):
        raise AdminError(400, "expected a list of fixlet references")
    return {fleet.fixlet_ref(r) for r in items}


def _object(body):
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise AdminError(400, "expected a JSON object")
    return body


class Admin:
    def __init__(self, emu):
        self.emu = emu

    def handle(self, method, segs, query, body):
        """segs: path segments after /admin.  Returns (status, JSON value)."""
        emu = self.emu
        try:
            if segs and segs[0] in ("clock", "faults", "requests"):
                # these work on their own locks / the clock itself
                return 200, getattr(self, "_" + segs[0])(method, segs, query,
                                                          body)
            with emu.lock:
                now = emu.advance()
                route = {
                    "state": self._state, "scenario": self._scenario,
                    "config": self._config, "computers": self._computers,
                    "computer": self._computer, "fixlets": self._fixlets,
                    "fixlet": self._fixlet, "outcomes": self._outcomes,
                    "actions": self._actions,
                }.get(segs[0] if segs else "state")
                if route is None:
                    raise AdminError(404, "no such admin resource")
                return 200, route(method, segs, query, body, now)
        except AdminError as e:
            return e.status, {"error": e.message}
        except model.NotFound as e:
            return 404, {"error": str(e.args[0])}
        except (model.ModelError, faultsmod.FaultError,
                clockmod.ClockError) as e:
            return 400, {"error": str(e)}
        except (KeyError, TypeError, ValueError) as e:
            return 400, {"error": "bad request: %s: %s" % (type(e).__name__, e)}

    # -- overview, scenario, config --------------------------------------------
    def _state(self, method, segs, query, body, now):
        self._only(method, "GET")
        emu = self.emu
        return {
            "now": timefmt.iso(now), "base_url": emu.base_url,
            "computers": len(emu.fleet.computers),
            "fixlets": len(emu.fleet.fixlets),
            "actions": len(emu.engine.actions),
            "requests": emu.request_count(),
            "uuid_property": emu.fleet.uuid_property,
        }

    def _scenario(self, method, segs, query, body, now):
        self._only(method, "POST")
        started = time.perf_counter()
        body = _object(body)
        fleet = scenario.load(body, now, None if "uuid_property" in body
                              else self.emu.fleet.uuid_property)
        self.emu.replace_fleet(fleet)
        return {"computers": len(fleet.computers),
                "fixlets": len(fleet.fixlets),
                "elapsed_ms": round((time.perf_counter() - started) * 1000, 1)}

    def _config(self, method, segs, query, body, now):
        emu = self.emu
        if method == "POST":
            body = _object(body)
            if "uuid_property" in body:
                emu.fleet.uuid_property = str(body["uuid_property"])
            if "notice_delay" in body:
                emu.fleet.notice_delay = float(body["notice_delay"])
            if "eval_delay" in body:
                emu.fleet.eval_delay = float(body["eval_delay"])
            if "target_limit" in body:
                emu.target_limit = int(body["target_limit"])
        else:
            self._only(method, "GET")
        return {"uuid_property": emu.fleet.uuid_property,
                "notice_delay": emu.fleet.notice_delay,
                "eval_delay": emu.fleet.eval_delay,
                "target_limit": emu.target_limit,
                "server_timezone": emu.server_tz_name,
                "status_format": "11" if emu.status_v11 else "10"}

    # -- computers --------------------------------------------------------------
    def _computers(self, method, segs, query, body, now):
        fleet = self.emu.fleet
        if method == "GET":
            return [fleet.computers[k].to_json(now)
                    for k in sorted(fleet.computers)]
        self._only(method, "POST")
        items = body if isinstance(body, list) else [_object(body)]
        added = []
        for d in items:
            c = scenario.computer_from_json(d, fleet, now)
            if d.get("last_report") is None:
                c.online_since = now
            fleet.add_computer(c)
            self.emu.engine.computer_added(c, now)
            added.append(c.id)
        return {"added": added}

    def _computer(self, method, segs, query, body, now):
        emu = self.emu
        if len(segs) < 2:
            raise AdminError(404, "computer id missing")
        c = emu.fleet.computer(segs[1])
        op = segs[2] if len(segs) > 2 else None
        body = _object(body)
        if op is None:
            if method == "GET":
                return c.to_json(now)
            if method == "DELETE":
                del emu.fleet.computers[c.id]
                emu.engine.computer_removed(c.id)
                return {"deleted": c.id}
            self._only(method, "POST")
            return self._patch_computer(c, body, now)
        self._only(method, "POST")
        if op == "relevance":
            fleet = emu.fleet
            if "set" in body:
                c.relevant = _refs(fleet, body["set"])
            c.relevant |= _refs(fleet, body.get("add", []))
            c.relevant -= _refs(fleet, body.get("remove", []))
            if body.get("initial"):
                c.initial_relevant = frozenset(c.relevant)
            c.report(now)
            c.stale = c.stale_since = None
            emu.engine.relevance_changed(c, now)
        elif op == "reset":
            relevant = (_refs(emu.fleet, body["relevant"])
                        if "relevant" in body else c.initial_relevant)
            c.revert(relevant, now)
            emu.engine.relevance_changed(c, now, reverted=True)
        elif op == "reregister":
            return self._reregister(c, body, now)
        elif op == "report":
            c.report(now)
        elif op == "restart":
            emu.engine.restart(c, now)
        else:
            raise AdminError(404, "no such computer operation %r" % op)
        return c.to_json(now)

    def _patch_computer(self, c, body, now):
        emu = self.emu
        if "name" in body:
            c.name = str(body["name"])
        if "uuid" in body:
            c.uuid = body["uuid"]
        if "timezone" in body:
            schedule.check_zone(body["timezone"])
            c.timezone, c.tz = body["timezone"], schedule.zone(body["timezone"])
        if "report_interval" in body:
            c.report_interval = float(body["report_interval"])
            c.report(c.last_report(now))
            c.online_since = c.last_report(now)
        if "online" in body:
            online = bool(body["online"])
            was = c.online
            c.set_online(online, now)
            if online and not was:
                emu.engine.computer_online(c, now)
        return c.to_json(now)

    def _reregister(self, old, body, now):
        emu = self.emu
        fleet = emu.fleet
        new_id = body.get("new_id")
        new_id = int(new_id) if new_id is not None else fleet.next_computer_id()
        new = model.Computer(new_id, old.name, uuid=old.uuid,
                             timezone=old.timezone, last_report=now,
                             online=True,
                             report_interval=old.report_interval,
                             relevant=old.relevant, os_name=old.os_name)
        new.initial_relevant = old.initial_relevant
        fleet.add_computer(new)
        old.set_online(False, now)
        old.retired = True
        emu.engine.computer_added(new, now)
        return {"old_id": old.id, "new_id": new.id,
                "computer": new.to_json(now)}

    # -- content ----------------------------------------------------------------
    def _fixlets(self, method, segs, query, body, now):
        fleet = self.emu.fleet
        if method == "GET":
            return [f.to_json() for _, f in sorted(fleet.fixlets.items())]
        self._only(method, "POST")
        items = body if isinstance(body, list) else [_object(body)]
        added = []
        for d in items:
            f = scenario.fixlet_from_json(d)
            fleet.add_fixlet(f)
            added.append([f.site, f.id])
        return {"added": added}

    def _fixlet(self, method, segs, query, body, now):
        self._only(method, "DELETE")
        if len(segs) != 3:
            raise AdminError(404, "use /admin/fixlet/{site}/{id}")
        key = (segs[1], int(segs[2]))
        fleet = self.emu.fleet
        if key not in fleet.fixlets:
            raise AdminError(404, "no fixlet %s/%d" % key)
        del fleet.fixlets[key]
        for c in fleet.computers.values():
            c.relevant.discard(key)
        if not any(k[0] == key[0] for k in fleet.fixlets):
            fleet.sites.pop(key[0], None)
        return {"deleted": list(key)}

    def _outcomes(self, method, segs, query, body, now):
        fleet = self.emu.fleet
        if method == "POST":
            items = body if isinstance(body, list) else [_object(body)]
            for d in items:
                fleet.set_outcome(*scenario.outcome_from_json(d, fleet))
        elif method == "DELETE":
            fleet.outcomes.clear()
            fleet.default_outcome = model.Outcome()
        else:
            self._only(method, "GET")
        return fleet.outcomes_json()

    def _actions(self, method, segs, query, body, now):
        self._only(method, "GET")
        engine = self.emu.engine
        wanted = query.get("id")
        return [engine.actions[a].to_json(now) for a in sorted(engine.actions)
                if wanted is None or str(a) in wanted]

    # -- clock, faults, request log (own locks) ----------------------------------
    def _clock(self, method, segs, query, body):
        emu = self.emu
        out = {}
        if method == "POST":
            body = _object(body)
            before = emu.clock.now()
            if "rate" in body:
                emu.clock.set_rate(body["rate"])
            if "set" in body:
                emu.clock.set(timefmt.parse_iso(body["set"]))
            if "advance" in body:
                emu.clock.advance(float(body["advance"]))
            if emu.clock.now() < before - 1e-6:
                out["warning"] = ("the clock moved backwards: what already "
                                  "happened is not undone")
        else:
            self._only(method, "GET")
        with emu.lock:
            emu.advance()
        out.update(emu.clock.describe())
        return out

    def _faults(self, method, segs, query, body):
        emu = self.emu
        if method == "POST":
            return {"added": emu.faults.add(body), "faults": emu.faults.list()}
        if method == "DELETE":
            emu.faults.clear()
        else:
            self._only(method, "GET")
        return {"faults": emu.faults.list()}

    def _requests(self, method, segs, query, body):
        emu = self.emu
        if method == "DELETE":
            emu.clear_requests()
            return {"requests": []}
        self._only(method, "GET")
        since = int(query.get("since", ["0"])[0])
        return {"requests": emu.requests(since)}

    @staticmethod
    def _only(method, *allowed):
        if method not in allowed:
            raise AdminError(405, "method %s not allowed here" % method)


def split_path(raw_path):
    """'/admin/fixlet/Patches%20for%20RHEL%208/1' -> decoded segments."""
    return [urllib.parse.unquote(s) for s in raw_path.split("/") if s]

