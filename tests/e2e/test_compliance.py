#!/usr/bin/python3
"""End to end: the compliance loop against the BigFix emulator over HTTPS.

VMs in a libvirtd are mapped to the emulator's computers by their UUID
property; compliance is read in bulk; a baseline runs to Fixed, Failed and
Pending Restart; a revert makes the last report stale until a new one; a
re-registered client leaves a stale duplicate; a VM nobody reports for
becomes unmanaged; faults cost a pass, never the agent; and a pass costs
the same number of requests for 10 computers as for 5,000.
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from paetest import SRCDIR, Clock, PaeTestCase, domain_xml, wait_until  # noqa: E402

SCENARIO = os.path.join(SRCDIR, "bigfix-emulator", "scenarios", "demo.json")
LON = ("vm-lon-1", "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f01", "1001")
NYC = ("vm-nyc-1", "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f02", "1002")
SYD = ("vm-syd-1", "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f04", "1004")
ORPHAN = ("orphan", "0d0d0d0d-0000-4000-8000-00000000dead", None)


class ComplianceTest(PaeTestCase):

    def setUp(self):
        super().setUp()
        self.clock = Clock(self.workdir, start="2026-03-02T00:00:00Z", rate=0)
        self.emulator = self.start_emulator(self.clock, SCENARIO)
        self.libvirtd = self.start_libvirtd()
        self.uri = self.libvirtd.uri()
        self.virsh = self.start_virsh(self.uri)
        for name, uuid, _ in (LON, NYC, SYD, ORPHAN):
            self.virsh.define(domain_xml(name, uuid, tenant="acme", category="test"),
                              self.workdir)
            self.virsh("start", name)
        self.agent = self.make_agent(self.uri, f"""\
            clock_file={self.clock.path}
            unmanaged_grace=1h
            check_interval=1m
            """ + self.emulator.config())
        self.agent.start()

    def advance(self, seconds):
        self.emulator.admin("POST", "clock", {"advance": seconds})

    def compliance(self, vm):
        return self.agent.vm(vm)["compliance"]

    def reconcile(self):
        return self.agent.reconcile()

    def wait_state(self, vm, state):
        return wait_until(lambda: (lambda c: c and c["state"] == state and c)(self.compliance(vm)),
                          timeout=30, what=f"{vm} {state}")

    def baseline(self, vm):
        result = self.agent.paectl("baseline", vm, "--wait")["request"]["result"]
        self.assertTrue(result.startswith("planned action "), result)
        return result.split()[-1]

    def wait_outcome(self, vm, key, outcome, advance=0):
        def check():
            if advance:
                self.advance(advance)
            for action in self.agent.vm(vm)["actions"]:
                if action["key"] == key and action["target"]["outcome"] == outcome:
                    return action
            return None
        return wait_until(check, timeout=40, interval=0.3, what=f"{outcome} of {key}")

    def test_mapping_compliance_and_patches(self):
        self.reconcile()
        lon = self.wait_state(LON[0], "non-compliant")
        self.assertEqual(lon["computer_id"], LON[2])
        self.assertEqual(lon["missing"], 3)
        self.assertEqual(self.wait_state(NYC[0], "non-compliant")["missing"], 2)
        self.assertEqual(self.compliance(ORPHAN[0])["state"], "pending")

        patches = {p["fixlet_id"]: p for p in self.agent.paectl("patches")["patches"]}
        self.assertEqual(sorted(patches), ["801001", "801002", "801003", "801004"])
        self.assertEqual(len(patches["801001"]["vms"]), 3)
        kernel = patches["801001"]
        self.assertEqual(kernel["source_severity"], "Important")
        self.assertEqual(kernel["released"], "2026-02-10")
        self.assertEqual(kernel["cves"], ["CVE-2026-0001", "CVE-2026-0002"])
        self.assertIn("kernel", kernel["name"])
        status = self.agent.paectl("status")
        self.assertEqual(status["compliance"]["non-compliant"], 3)
        self.assertTrue(status["passes"]["reconcile"]["ok"])

        # nobody reports for the orphan: unmanaged once the grace period is over
        self.advance(2 * 3600)
        self.reconcile()
        self.wait_state(ORPHAN[0], "unmanaged")
        self.assertIn("compliance", self.agent.history_kinds(ORPHAN[0]))
        # one open incident, however many passes find it unmanaged
        self.reconcile()
        incidents = [i for i in self.agent.paectl("incidents")["incidents"]
                     if i["kind"] == "vm-unmanaged" and i["vm"] == ORPHAN[1]]
        self.assertEqual(len(incidents), 1)
        # its client registers: the incident is resolved
        self.emulator.admin("POST", "computers", {"id": 1099, "name": ORPHAN[0],
                                                  "uuid": ORPHAN[1], "timezone": "UTC"})
        self.reconcile()
        self.assertEqual([i for i in self.agent.paectl("incidents")["incidents"]
                          if i["kind"] == "vm-unmanaged" and i["vm"] == ORPHAN[1]], [])
        resolved = [i for i in self.agent.paectl("incidents", "--all")["incidents"]
                    if i["kind"] == "vm-unmanaged" and i["vm"] == ORPHAN[1]]
        self.assertIsNotNone(resolved[0]["resolved"])

    def test_baseline_outcomes(self):
        self.reconcile()
        self.wait_state(LON[0], "non-compliant")
        self.wait_state(NYC[0], "non-compliant")
        self.wait_state(SYD[0], "non-compliant")

        key = self.baseline(LON[0])
        created = wait_until(lambda: [a for a in self.emulator.actions()
                                      if a["title"].startswith(f"[{key}]")],
                             what="the action on the server")
        self.assertEqual(len(created), 1)
        self.wait_outcome(LON[0], key, "done", advance=120)
        self.reconcile()
        self.wait_state(LON[0], "compliant")
        kinds = self.agent.history_kinds(LON[0])
        for kind in ("action-planned", "action-created", "action-done", "compliance"):
            self.assertIn(kind, kinds)
        done = [h for h in self.agent.vm(LON[0])["history"] if h["kind"] == "action-done"][0]
        self.assertIn("Fixed", done["detail"])
        self.assertIn("exit code 0", done["detail"])

        # the scenario fails 801003 on vm-nyc-1
        key = self.baseline(NYC[0])
        failed = self.wait_outcome(NYC[0], key, "failed", advance=120)
        self.assertEqual(failed["target"]["status"], "Failed")
        self.assertEqual(failed["target"]["exit_code"], 1)

        # and leaves 801001 pending a restart on vm-syd-1
        key = self.baseline(SYD[0])
        waiting = self.wait_outcome(SYD[0], key, "waiting", advance=120)
        self.assertEqual(waiting["target"]["status"], "Pending Restart")
        self.emulator.admin("POST", f"computer/{SYD[2]}/restart", {})
        self.wait_outcome(SYD[0], key, "done", advance=60)
        # exactly one action per baseline reached the server
        posts = [r for r in self.emulator.requests()
                 if r["method"] == "POST" and r["path"] == "/api/actions"
                 and ":baseline:" in r.get("body", "")]
        self.assertEqual(len(posts), 3)

    def test_revert_makes_the_report_stale(self):
        self.virsh("snapshot-create-as", LON[0], "clean")
        self.reconcile()
        self.wait_state(LON[0], "non-compliant")
        key = self.baseline(LON[0])
        self.wait_outcome(LON[0], key, "done", advance=120)
        self.reconcile()
        self.wait_state(LON[0], "compliant")

        # the guest goes back to before the patches; so does its BigFix client
        self.advance(60)
        self.virsh("snapshot-revert", LON[0], "clean")
        self.emulator.admin("POST", f"computer/{LON[2]}/reset", {})
        self.wait_state(LON[0], "stale")
        self.reconcile()
        # the server still shows the report from before the revert: not trusted
        self.assertEqual(self.wait_state(LON[0], "stale")["missing"], 0)
        # a baseline now would trust the old report: it waits for a new one
        waiting = self.agent.paectl("baseline", LON[0])["request"]
        self.reconcile()
        self.assertEqual(self.agent.paectl("status")["requests_pending"], 1)
        self.advance(60)
        self.emulator.admin("POST", f"computer/{LON[2]}/report", {})
        self.reconcile()
        self.assertEqual(self.wait_state(LON[0], "non-compliant")["missing"], 3)
        # the agent re-baselines the reverted VM by itself, with the patches
        # the new report lists; the operator's baseline, behind it, finds
        # nothing left to do and makes no second action
        wait_until(lambda: self.agent.paectl("status")["requests_pending"] == 0,
                   what="the waiting baseline")
        actions = self.agent.vm(LON[0])["actions"]
        rebaseline = [a for a in actions if a["purpose"] == "rebaseline"]
        self.assertEqual(len(rebaseline), 1, waiting)
        self.assertEqual(len(rebaseline[0]["patches"]), 3)
        self.assertEqual(len([a for a in actions if a["purpose"] == "baseline"]), 1)
        self.assertIn("lifecycle", self.agent.history_kinds(LON[0]))

    def test_reregistered_client_leaves_a_stale_duplicate(self):
        self.reconcile()
        self.wait_state(NYC[0], "non-compliant")
        self.advance(60)
        new = self.emulator.admin("POST", f"computer/{NYC[2]}/reregister", {})["new_id"]
        self.reconcile()
        mapped = wait_until(lambda: (lambda c: c["computer_id"] == str(new) and c)(
            self.compliance(NYC[0])), what="the new computer")
        self.assertEqual(mapped["stale_computers"], [NYC[2]])
        self.assertIn("stale-duplicates", self.agent.history_kinds(NYC[0]))

    def test_faults_cost_a_pass_not_the_agent(self):
        self.reconcile()
        self.wait_state(LON[0], "non-compliant")
        for fault in ({"kind": "status", "status": 503, "count": 50},
                      {"kind": "malformed", "count": 50, "path": "/api/query"},
                      {"kind": "truncated", "count": 50, "path": "/api/query"},
                      {"kind": "reset", "count": 50, "path": "/api/query"}):
            self.emulator.admin("POST", "faults", fault)
            failed = self.reconcile()
            self.assertFalse(failed["ok"], fault)
            self.assertTrue(self.agent.process.alive())
            self.emulator.admin("DELETE", "faults")
            self.advance(600)
            self.assertTrue(self.reconcile()["ok"], fault)
        self.assertEqual(self.compliance(LON[0])["state"], "non-compliant")


class ScaleTest(PaeTestCase):
    """A pass costs the same number of requests whatever the fleet's size."""

    def requests_per_pass(self, computers):
        self.emulator.admin("POST", "scenario", {"generate": {
            "computers": computers, "fixlets": 20, "relevant_per_computer": 5, "seed": 7}})
        self.reconcile_and_schedule()
        # a second pass: the patch metadata is cached now
        self.emulator.admin("DELETE", "requests")
        self.reconcile_and_schedule()
        return [r["path"].split("?")[0] for r in self.emulator.requests()]

    def reconcile_and_schedule(self):
        """A reconcile pass and the scheduling pass that follows it."""
        def schedule_runs():
            passes = self.agent.paectl("status")["passes"]
            return passes["schedule"]["runs"] if passes["schedule"] else 0
        before = schedule_runs()
        self.agent.reconcile()
        wait_until(lambda: schedule_runs() > before, what="a scheduling pass")

    def test_requests_do_not_grow_with_the_fleet(self):
        clock = Clock(self.workdir, rate=0)
        self.emulator = self.start_emulator(clock)
        libvirtd = self.start_libvirtd()
        agent = self.make_agent(libvirtd.uri(), f"clock_file={clock.path}\n"
                                + self.emulator.config())
        self.agent = agent.start()
        small = self.requests_per_pass(10)
        large = self.requests_per_pass(5000)
        self.assertEqual(small, large)
        # computers, relevant patches; the fleet's window actions
        self.assertEqual(small, ["/api/query", "/api/query", "/api/query"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
