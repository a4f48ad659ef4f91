#!/usr/bin/python3
"""End to end: policy, stages, windows, change records and incidents.

Twelve VMs, three categories (test → dev → production) in four zones
(London, New York, Kathmandu, Sydney), two patches of two severities, on
a simulated clock from Monday 2026-03-02:

* both patches land in the test stage's Saturday 02:00 window, as one local-
  time action each, and every computer runs them at 02:00 on its own clock;
* the high patch fails on half of the test stage: incidents for each
  failure, the change closes "successful with issues", the stage halts and
  no later stage ever gets that patch, which raises a stage-halted incident;
* the critical patch moves on to dev only after test passed plus its 12 h
  soak (Sydney's Sunday comes too early and waits a week; New York's 02:00
  falls in the DST gap and opens at 03:00), and to production only after
  dev passed plus a day;
* an exception keeps the patch from one production VM;
* a reply lost after the patch server created an action, and a crash
  right after, leave exactly one action per key;
* incidents are journald entries with their MESSAGE_ID, read back with
  journalctl.

With approval required, nothing reaches the patch server before
`paectl change approve`; a change not approved before its window is
cancelled and its patches go to the next window; a rejected change keeps
them out of its window. An exception made after planning takes its VM out
of the plan (its action is replaced by one without it) and the VM's other
patches are placed again.
"""

import datetime
import json
import os
import signal
import sys
import unittest
import zoneinfo

sys.path.insert(0, os.path.dirname(__file__))
from paetest import Clock, PaeTestCase, domain_xml, wait_until  # noqa: E402

SITE = "Patches for RHEL 8"
CRITICAL = 801101
HIGH = 801102
ZONES = (("lon", "Europe/London"), ("nyc", "America/New_York"),
         ("ktm", "Asia/Kathmandu"), ("syd", "Australia/Sydney"))
STAGES = ("test", "dev", "production")
PATCH_FAILED = "24a6618591e54599b37da36ee042492d"
STAGE_HALTED = "4cf03d0b33374b42b8996fe670b8e84b"

AGENT = """\
    check_interval=10m
    reconcile_interval=1h
    agent_id=ctl-1
    """

POLICY = """\
    [policy]
    stages=test;dev;production
    reference_timezone=UTC
    stage_settle=1d

    [severity:critical]
    cadence=immediate
    approve_after=0
    deadline=60d

    [severity:high]
    cadence=weekly Saturday
    approve_after=0
    deadline=60d

    [severity:low]
    cadence=weekly Saturday
    approve_after=0
    deadline=1d

    [stage:test]
    days=Sat
    start=02:00
    length=4h
    failure_threshold=0.2

    [stage:dev]
    days=Sun
    start=02:00
    length=4h
    soak=12h
    failure_threshold=0.2

    [stage:production]
    days=Sat
    start=02:00
    length=4h
    soak=1d
    failure_threshold=0.2
    """


def vm(stage, zone):
    s = STAGES.index(stage)
    z = [short for short, _ in ZONES].index(zone)
    return {"name": f"{stage}-{zone}", "uuid": f"5e000000-0000-4000-8000-0000000000{s}{z}",
            "computer": 2000 + 10 * s + z, "zone": dict(ZONES)[zone]}


VMS = [vm(stage, zone) for stage in STAGES for zone, _ in ZONES]


def scenario():
    return {
        "uuid_property": "VM UUID",
        "defaults": {"report_interval": 900, "notice_delay": 10, "eval_delay": 10,
                     "outcome": {"result": "Fixed", "duration": 60}},
        "fixlets": [
            {"site": SITE, "id": CRITICAL, "name": "RHSA-2026:1101: openssl (Critical)",
             "severity": "Critical", "category": "Security Advisory",
             "release_date": "2026-03-02", "cves": ["CVE-2026-1101"]},
            {"site": SITE, "id": HIGH, "name": "RHSA-2026:1102: kernel (Important)",
             "severity": "Important", "category": "Security Advisory",
             "release_date": "2026-03-02", "cves": ["CVE-2026-1102"]},
        ],
        "computers": [{"id": v["computer"], "name": v["name"], "uuid": v["uuid"],
                       "timezone": v["zone"], "last_report": "2026-03-01T23:50:00Z",
                       "relevant": [CRITICAL, HIGH]} for v in VMS],
        "outcomes": [{"computer": vm("test", "lon")["computer"], "fixlet": HIGH,
                      "result": "Failed", "exit_code": 3},
                     {"computer": vm("test", "nyc")["computer"], "fixlet": HIGH,
                      "result": "Failed", "exit_code": 3}],
    }


def parse(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))


class PolicyTest(PaeTestCase):

    def setUp(self):
        super().setUp()
        self.journald = self.start_journald()
        self.clock = Clock(self.workdir, start="2026-03-02T00:00:00Z", rate=0)
        path = os.path.join(self.workdir, "scenario.json")
        with open(path, "w") as f:
            json.dump(scenario(), f)
        self.emulator = self.start_emulator(self.clock, path)
        self.libvirtd = self.start_libvirtd()
        self.virsh = self.start_virsh(self.libvirtd.uri())
        for v in VMS:
            stage = v["name"].split("-")[0]
            self.virsh.define(domain_xml(v["name"], v["uuid"], category=stage,
                                         clock_tz=v["zone"]), self.workdir)
        self.agent = None

    def start_agent(self, extra=""):
        self.agent = self.make_agent(self.libvirtd.uri(),
                                     f"clock_file={self.clock.path}\n" + AGENT
                                     + self.emulator.config() + POLICY + extra)
        self.agent.start(env={"PAE_JOURNAL_SOCKET": self.journald.SOCKET})
        return self.agent

    def set_clock(self, iso):
        self.emulator.admin("POST", "clock", {"set": iso})

    def window_actions(self, stage=None, fixlet=None):
        prefix = "[pae:w:default:" + (f"{stage}:" if stage else "")
        return [a for a in self.emulator.actions()
                if a["title"].startswith(prefix)
                and (fixlet is None or a["title"].split(":")[5] == str(fixlet))]

    def wait_actions(self, stage, fixlet, count, timeout=40):
        return wait_until(lambda: (lambda found: len(found) == count and found)(
                              self.window_actions(stage, fixlet)),
                          timeout=timeout, what=f"{count} {stage} action(s) for {fixlet}")

    def wait_runs_final(self, actions):
        """Every computer of the actions has a final row."""
        ids = {a["id"] for a in actions}

        def final():
            rows = [(c["computer"], c["row"]) for a in self.emulator.actions() if a["id"] in ids
                    for c in a["computers"]]
            done = all(row and row["status"] in ("Fixed", "Failed") for _, row in rows)
            return done and rows
        return wait_until(final, timeout=40, what="the actions' final results")

    def changes(self):
        return self.agent.paectl("change", "list", "--all")["changes"]

    def assert_ran_in_local_window(self, rows, weekday, hour_from, hour_to):
        zone_of = {v["computer"]: v["zone"] for v in VMS}
        for computer, row in rows:
            local = parse(row["start"]).astimezone(zoneinfo.ZoneInfo(zone_of[computer]))
            self.assertEqual(local.strftime("%a"), weekday, (computer, local))
            self.assertTrue(hour_from <= local.hour < hour_to, (computer, local))

    def test_stages_windows_changes_and_incidents(self):
        # a lost reply after the first action was created on the server
        self.emulator.admin("POST", "faults", {"kind": "reset", "phase": "after",
                                               "method": "POST", "path": "/api/actions",
                                               "count": 1})
        self.start_agent()
        wait_until(lambda: {v["uuid"] for v in VMS} <= {v["uuid"] for v in self.agent.vms()},
                   what="every VM known")
        self.agent.paectl("exception", "add", "--vm", "production-lon", "--kind", "exclude",
                          "--patch", f"{SITE}/{CRITICAL}", "--reason", "vendor certification",
                          "--requester", "app-owner")

        # Monday: both patches placed in test's Saturday window, nothing later
        def fault_hit():
            return any(r["fault"] for r in self.emulator.requests())
        wait_until(fault_hit, what="the lost reply")
        # a crash right after the lost reply; the restarted agent finds the action by its key
        self.agent.process.proc.send_signal(signal.SIGKILL)
        self.agent.process.proc.wait()
        self.set_clock("2026-03-02T00:05:00Z")
        self.agent.start(env={"PAE_JOURNAL_SOCKET": self.journald.SOCKET})
        self.set_clock("2026-03-02T01:00:00Z")
        critical = self.wait_actions("test", str(CRITICAL), 1)[0]
        high = self.wait_actions("test", str(HIGH), 1)[0]
        for action in (critical, high):
            settings = action["settings"]
            self.assertFalse(settings["use_utc"])
            self.assertEqual(settings["start"]["element"], "StartDateTimeLocalOffset")
            self.assertEqual(settings["time_range"], ["02:00:00", "06:00:00"])
            self.assertIn(":20260307T0200L:ctl-1]", action["title"])
            self.assertEqual(sorted(action["target"]["ids"]),
                             [vm("test", z)["computer"] for z, _ in ZONES])
        self.assertEqual(self.window_actions("dev") + self.window_actions("production"), [])
        # one change record for the window, pre-approved, correlated with the plan
        change = [c for c in self.changes() if c["category"] == "test"]
        self.assertEqual(len(change), 1)
        self.assertTrue(change[0]["correlation_id"].startswith("pae:c:ctl-1:default:test:"))
        # exactly one POST per key reached the server, the faulted one included
        posts = [r for r in self.emulator.requests()
                 if r["method"] == "POST" and r["path"] == "/api/actions"]
        keys = [r["body"].split("[", 1)[1].split("]", 1)[0] for r in posts]
        self.assertEqual(len(keys), len(set(keys)), keys)
        self.assertEqual(len(self.window_actions()), 2)

        # Saturday: every computer ran at 02:00 on its own clock
        self.set_clock("2026-03-07T12:00:00Z")
        rows = self.wait_runs_final([critical, high])
        self.assert_ran_in_local_window(rows, "Sat", 2, 6)
        failed = [c for c, row in rows if row["status"] == "Failed"]
        self.assertEqual(sorted(failed), [vm("test", "lon")["computer"],
                                          vm("test", "nyc")["computer"]])
        change = wait_until(lambda: (lambda c: c and c[0]["state"] == "closed" and c)(
            [c for c in self.changes() if c["category"] == "test"]), what="the test change closed")
        self.assertEqual(change[0]["close_code"], "successful_issues")
        self.assertIn("test-lon", change[0]["close_notes"])

        # the critical patch goes on to dev; Sydney's Sunday 02:00 is before the
        # soak ends and waits a week; New York's falls in the DST gap
        dev = self.wait_actions("dev", str(CRITICAL), 2)
        by_start = {a["title"].split(":")[6]: a for a in dev}
        self.assertEqual(sorted(by_start), ["20260308T0200L", "20260315T0200L"])
        self.assertEqual(by_start["20260315T0200L"]["target"]["ids"],
                         [vm("dev", "syd")["computer"]])
        # the high patch never leaves the halted test stage; its failures are
        # tried again in the test stage's next window
        self.assertEqual(self.window_actions("dev", str(HIGH)), [])
        retry = [a for a in self.wait_actions("test", str(HIGH), 2)
                 if ":20260314T0200L:" in a["title"]]
        self.assertEqual(sorted(retry[0]["target"]["ids"]),
                         [vm("test", "lon")["computer"], vm("test", "nyc")["computer"]])
        halted = wait_until(lambda: self.journald.entries(f"MESSAGE_ID={STAGE_HALTED}",
                                                          f"PAE_PATCH={SITE}/{HIGH}"),
                            what="the stage-halted alert")
        self.assertEqual(halted[0]["PRIORITY"], "2")
        failures = self.journald.entries(f"MESSAGE_ID={PATCH_FAILED}", f"PAE_PATCH={SITE}/{HIGH}")
        self.assertEqual(sorted(e["PAE_VM_UUID"] for e in failures),
                         sorted([vm("test", "lon")["uuid"], vm("test", "nyc")["uuid"]]))
        self.assertTrue(all(e.get("PAE_CHANGE") for e in failures))

        # Monday 9th: three dev zones ran; production waits for Sydney's dev
        self.set_clock("2026-03-09T00:00:00Z")
        rows = self.wait_runs_final([by_start["20260308T0200L"]])
        zone_of = {v["computer"]: v["zone"] for v in VMS}
        for computer, row in rows:
            local = parse(row["start"]).astimezone(zoneinfo.ZoneInfo(zone_of[computer]))
            expected = 3 if zone_of[computer] == "America/New_York" else 2
            self.assertEqual((local.strftime("%a"), local.hour), ("Sun", expected), local)
        self.agent.reconcile()
        self.assertEqual(self.window_actions("production"), [])

        # Sunday 15th: dev passed; production after a day's soak, without the excepted VM
        self.set_clock("2026-03-15T00:00:00Z")
        production = self.wait_actions("production", str(CRITICAL), 1)[0]
        self.assertIn(":20260321T0200L:ctl-1]", production["title"])
        self.assertEqual(sorted(production["target"]["ids"]),
                         [vm("production", z)["computer"] for z in ("nyc", "ktm", "syd")])
        planned = [h["detail"] for h in self.agent.vm("production-lon")["history"]
                   if h["kind"] == "planned"]
        self.assertFalse([d for d in planned if f"/{CRITICAL} " in d], planned)
        self.assertTrue([d for d in self.agent.vm("production-nyc")["history"]
                         if d["kind"] == "planned" and f"/{CRITICAL} " in d["detail"]])

        self.set_clock("2026-03-22T00:00:00Z")
        rows = self.wait_runs_final([production])
        self.assert_ran_in_local_window(rows, "Sat", 2, 6)
        wait_until(lambda: all(c["state"] == "closed" for c in self.changes())
                   and len(self.changes()) >= 4, what="every change closed")
        closed = {c["category"]: c["close_code"] for c in self.changes()
                  if c["category"] == "production"}
        self.assertEqual(closed, {"production": "successful"})
        self.assertEqual(self.agent.stop(), 0)

    def change_of(self, stamp):
        found = [c for c in self.changes() if c["correlation_id"].endswith(stamp)]
        return found[0] if found else None

    def wait_change(self, stamp, state):
        return wait_until(lambda: (lambda c: c and c["state"] == state and c)(
            self.change_of(stamp)), timeout=40, what=f"the change of {stamp} {state}")

    def test_approval_missed_window_and_rejection(self):
        self.start_agent("[changes]\nrequire_approval=true\n")
        # the test stage's change waits for approval; nothing reaches the server
        change = self.wait_change("test:20260307T0200L", "new")
        self.agent.reconcile()
        self.assertEqual(self.window_actions(), [])
        self.agent.paectl("change", "approve", change["change_id"])
        self.wait_actions("test", str(CRITICAL), 1)
        self.wait_actions("test", str(HIGH), 1)

        # dev is planned after test passed; nobody approves Sunday's change in time
        self.set_clock("2026-03-07T12:00:00Z")
        self.wait_change("dev:20260308T0200L", "new")
        self.set_clock("2026-03-08T12:00:00Z")
        self.wait_change("dev:20260308T0200L", "cancelled")
        history = self.agent.vm("dev-lon")["history"]
        self.assertIn("plan-missed", [h["kind"] for h in history])
        self.assertEqual(self.window_actions("dev"), [])

        # its VMs go to the next Sunday, beside Sydney's plan; rejected, they
        # are not put back into that window but into the one after
        wait_until(lambda: self.change_of("dev:20260315T0200L-2"), what="a second plan for the 15th")
        for stamp in ("dev:20260315T0200L", "dev:20260315T0200L-2"):
            change = self.wait_change(stamp, "new")
            self.agent.paectl("change", "reject", change["change_id"], "--reason", "freeze week")
        self.wait_change("dev:20260322T0200L", "new")
        self.assertEqual(self.window_actions("dev"), [])
        plans = [p for p in self.agent.paectl("plan")["plans"]
                 if p["key"].endswith("dev:20260322T0200L")]
        self.assertEqual([(p["vm_count"], p["state"]) for p in plans], [(4, "change-open")])

    def test_exception_after_planning(self):
        # a low patch due a day after its release cannot wait for Saturday
        low = {"site": SITE, "id": 801103, "name": "RHSA-2026:1103: tzdata (Low)",
               "severity": "Low", "release_date": "2026-03-02"}
        self.emulator.admin("POST", "fixlets", low)
        syd = vm("test", "syd")
        self.emulator.admin("POST", f"computer/{syd['computer']}/relevance", {"add": [801103]})
        self.start_agent()
        late = wait_until(lambda: self.journald.entries("MESSAGE_ID=d6364219444540169f572018ea4806fd",
                                                        f"PAE_VM_UUID={syd['uuid']}"),
                          what="the deadline alert")
        self.assertIn("before its deadline", late[0]["MESSAGE"])
        items = self.agent.paectl("plan", syd["name"])["items"]
        self.assertEqual([i["late"] for i in items if i["fixlet_id"] == "801103"], [True])
        self.wait_actions("test", str(HIGH), 1)
        ktm = vm("test", "ktm")
        self.agent.paectl("exception", "add", "--vm", ktm["name"], "--kind", "exclude",
                          "--patch", f"{SITE}/{HIGH}", "--reason", "kernel pinned by the vendor",
                          "--requester", "app-owner")
        self.agent.reconcile()

        def open_targets(fixlet):
            actions = [a for a in self.window_actions("test", str(fixlet)) if a["state"] == "Open"]
            return sorted(i for a in actions for i in a["target"]["ids"])
        everyone = sorted(vm("test", z)["computer"] for z, _ in ZONES)
        # the excluded patch: its action stopped and replaced without the VM
        wait_until(lambda: open_targets(HIGH) == sorted(set(everyone) - {ktm["computer"]}),
                   what="the high patch without the excepted VM")
        self.assertTrue([a for a in self.window_actions("test", str(HIGH))
                         if a["state"] == "Stopped"])
        # its other patch is placed again, in the same window
        wait_until(lambda: open_targets(CRITICAL) == everyone, what="the critical patch on every VM")
        kinds = self.agent.history_kinds(ktm["uuid"])
        for kind in ("action-withdrawn", "plan-left", "planned"):
            self.assertIn(kind, kinds)


if __name__ == "__main__":
    unittest.main(verbosity=2)
