#!/usr/bin/python3
"""End to end: the cloud cases of a VM's life, through a test-started
libvirtd and the BigFix emulator on a simulated clock from Monday
2026-03-02.

* activation: a newly defined VM gets its baseline at once, outside any
  window, when its computer reports; once done it is ready and the hand-over
  is in its own metadata (`virsh metadata … urn:x-pae:handover:1`); one that
  no computer reports for raises a baseline-timeout incident;
* resume: a VM suspended across its window catches up on what became due
  while it was away, at once, after a report newer than the resume, and
  leaves what is not due yet to its windows;
* category change: its actions not started under the old category are
  stopped, the change record cancelled, and it waits for its new stage;
* undefine: its pending actions are stopped, its change cancelled, it is
  retired with its history kept;
* migration: a VM moved to another controller (the destination's hook
  says so, as libvirt runs it) is adopted there without activation, and the
  destination makes no second action for what the source already planned.

The revert and re-baseline case runs in test_compliance.py; hooks with real
QEMU guests in test_hooks.py.
"""

import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from paetest import Clock, LibvirtHook, PaeTestCase, domain_xml, wait_until  # noqa: E402

SITE = "Patches for RHEL 8"
OLD_CRITICAL = 801201   # released before the VMs exist: part of any baseline
OLD_HIGH = 801202
CRITICAL = 801203       # released Tuesday, due Saturday 7 March
LOW = 801204            # released 8 March, due in the next quarter

AGENT = """\
    check_interval=1m
    reconcile_interval=1h
    baseline_timeout=2h
    revert_report_wait=1h
    """

POLICY = """\
    [severity:critical]
    cadence=weekly Saturday
    approve_after=0

    [severity:high]
    cadence=weekly Saturday
    approve_after=0
    """


def computer(cid, name, uuid, relevant, timezone="UTC"):
    return {"id": cid, "name": name, "uuid": uuid, "timezone": timezone,
            "last_report": "2026-03-01T23:50:00Z", "relevant": relevant}


def scenario(computers):
    return {
        "uuid_property": "VM UUID",
        "defaults": {"report_interval": 900, "notice_delay": 10, "eval_delay": 10,
                     "outcome": {"result": "Fixed", "duration": 60}},
        "fixlets": [
            {"site": SITE, "id": OLD_CRITICAL, "name": "RHSA-2026:1201: openssl (Critical)",
             "severity": "Critical", "release_date": "2026-02-10"},
            {"site": SITE, "id": OLD_HIGH, "name": "RHSA-2026:1202: kernel (Important)",
             "severity": "Important", "release_date": "2026-02-12"},
            {"site": SITE, "id": CRITICAL, "name": "RHSA-2026:1203: glibc (Critical)",
             "severity": "Critical", "release_date": "2026-03-03"},
            {"site": SITE, "id": LOW, "name": "RHBA-2026:1204: tzdata (Low)",
             "severity": "Low", "release_date": "2026-03-08"},
        ],
        "computers": computers,
    }


class LifecycleTest(PaeTestCase):

    def start_fleet(self, computers, vms_before=(), name="agent", libvirtd=None, clock=None):
        """The emulator (unless shared), a libvirtd with VMs defined before the
        agent starts (adopted as in service), and the agent."""
        if clock is None:
            self.clock = Clock(self.workdir, start="2026-03-02T00:00:00Z", rate=0)
            path = os.path.join(self.workdir, "scenario.json")
            with open(path, "w") as f:
                json.dump(scenario(computers), f)
            self.emulator = self.start_emulator(self.clock, path)
        libvirtd = libvirtd or self.start_libvirtd(f"libvirtd-{name}")
        virsh = self.start_virsh(libvirtd.uri())
        for xml in vms_before:
            virsh.define(xml, self.workdir)
        agent = self.make_agent(libvirtd.uri(), f"clock_file={self.clock.path}\n"
                                f"agent_id=ctl-{name}\n" + AGENT
                                + self.emulator.config() + POLICY, name=name)
        agent.start()
        # what its first resync finds is the fleet in service; what comes
        # after, new VMs: the test driver's own domain marks that resync
        wait_until(lambda: agent.vms(), what="the agent's first resync")
        return agent, virsh

    def advance(self, seconds):
        self.emulator.admin("POST", "clock", {"advance": seconds})

    def set_clock(self, iso):
        self.emulator.admin("POST", "clock", {"set": iso})

    def lifecycle(self, agent, vm):
        return [h for h in agent.vm(vm)["history"] if h["kind"] == "lifecycle"]

    def actions(self, agent, vm, purpose=None):
        return [a for a in agent.vm(vm)["actions"] if purpose is None or a["purpose"] == purpose]

    def define_while_down(self, agent, virsh, name, uuid):
        """Stop the agent, define a VM, start the agent: the VM's first lifecycle step."""
        self.assertEqual(agent.stop(), 0)
        virsh.define(domain_xml(name, uuid, category="test"), self.workdir)
        agent.start()
        return wait_until(lambda: self.lifecycle(agent, name), what=f"{name}'s lifecycle")[0]["event"]

    def server_actions(self, computer_id):
        return [a for a in self.emulator.actions()
                if computer_id in a["target"].get("ids", [])]

    def test_activation_hand_over_and_timeout(self):
        uuid = "1c000000-0000-4000-8000-000000000001"
        agent, virsh = self.start_fleet(
            [computer(3001, "new-web", uuid, [OLD_CRITICAL, OLD_HIGH], "Europe/London")])
        virsh.define(domain_xml("new-web", uuid, category="production",
                                clock_tz="Europe/London"), self.workdir)
        virsh("start", "new-web")
        orphan = "1c000000-0000-4000-8000-0000000000ff"
        virsh.define(domain_xml("orphan-1", orphan, category="production"), self.workdir)

        # provisioning, then its baseline at once when its computer reports
        wait_until(lambda: self.lifecycle(agent, "new-web"), what="provisioning")
        self.assertEqual(self.lifecycle(agent, "new-web")[0]["event"], "provisioning")
        agent.reconcile()
        activation = wait_until(lambda: self.actions(agent, "new-web", "activation"),
                                what="the activation action")[0]
        self.assertEqual(len(activation["patches"]), 2)
        # outside any window: production's is on Saturday, this runs now
        posted = wait_until(lambda: self.server_actions(3001), what="the action on the server")
        self.assertEqual(len(posted), 1)
        self.assertTrue(posted[0]["settings"]["use_utc"])

        def ready():
            self.advance(120)
            agent.paectl("check")
            return [h for h in agent.vm("new-web")["history"] if h["kind"] == "handover"]
        wait_until(ready, timeout=40, interval=0.3, what="the hand-over")
        handover = virsh("metadata", "new-web", "urn:x-pae:handover:1")
        self.assertIn("<state>ready</state>", handover)
        self.assertIn(f"2 patches applied by action {posted[0]['id']}", handover)
        self.assertIn("<agent>ctl-agent</agent>", handover)
        # its facts survived the write; no window plan was made for what it got at once
        self.assertEqual(agent.vm("new-web")["vm"]["category"], "production")
        self.assertEqual(len(self.server_actions(3001)), 1)

        # paectl history: each lifecycle decision, in order, without the routine records
        trail = agent.paectl("history", "new-web")
        self.assertEqual(trail["lifecycle"]["state"], "ready")
        lifecycles = {v["name"]: v["lifecycle"] for v in agent.vms()}
        self.assertEqual(lifecycles["new-web"], "ready")
        self.assertEqual(lifecycles["orphan-1"], "provisioning")
        self.assertFalse(trail["lifecycle"]["handover_pending"])
        steps = [(h["kind"], h["event"]) for h in trail["history"]
                 if h["kind"] in ("provision", "lifecycle", "action-planned", "ready", "handover")]
        self.assertEqual([k for k, _ in steps],
                         ["provision", "lifecycle", "action-planned", "lifecycle", "ready",
                          "handover"], steps)
        self.assertEqual(steps[4][1], "ready")
        kinds = {h["kind"] for h in trail["history"]}
        self.assertFalse(kinds & {"compliance", "mapped", "start"}, kinds)
        everything = agent.paectl("history", "new-web", "--all")["history"]
        self.assertTrue({"compliance", "mapped", "start"} <= {h["kind"] for h in everything})
        self.assertEqual([h["id"] for h in everything], sorted(h["id"] for h in everything))

        # no computer ever reports for orphan-1: an incident after baseline_timeout
        self.advance(3 * 3600)
        agent.reconcile()
        incidents = wait_until(lambda: [i for i in agent.paectl("incidents")["incidents"]
                                        if i["kind"] == "baseline-timeout"],
                               what="the baseline-timeout incident")
        self.assertEqual([i["vm"] for i in incidents], [orphan])

        # defined while nobody listened: the resync after the restart finds a
        # new VM, not one of the fleet in service the first resync adopted
        self.assertEqual(self.define_while_down(agent, virsh, "late-1",
                                                "1c000000-0000-4000-8000-0000000000fe"),
                         "provisioning")
        self.assertEqual(agent.paectl("history", "new-web")["lifecycle"]["state"], "ready")

    def test_new_host_adopts_only_its_first_resync(self):
        # a new compute node, no domain yet: its agent's first resync adopts
        # nothing, and a VM defined later while the agent is down is new
        libvirtd = self.start_libvirtd()
        virsh = self.start_virsh(libvirtd.uri())
        virsh("destroy", "test")
        virsh("undefine", "test")
        agent = self.make_agent(libvirtd.uri(), AGENT)
        agent.start()
        wait_until(lambda: "resync: 0 domains" in agent.process.output(),
                   what="the first resync of an empty host")
        self.assertEqual(self.define_while_down(agent, virsh, "first-1",
                                                "1c000000-0000-4000-8000-0000000000fd"),
                         "provisioning")
        self.assertEqual(agent.stop(), 0)

    def test_resume_catches_up_on_what_became_due(self):
        uuid = "1c000000-0000-4000-8000-000000000002"
        agent, virsh = self.start_fleet(
            [computer(3002, "app-1", uuid, [CRITICAL, LOW])],
            [domain_xml("app-1", uuid, category="test")])
        virsh("start", "app-1")
        agent.reconcile()
        # adopted as in service; the critical patch goes to Saturday's window
        self.assertEqual(self.lifecycle(agent, "app-1")[0]["event"], "ready")
        wait_until(lambda: self.server_actions(3002), what="the window action")

        # suspended (its client with it) across the window
        virsh("suspend", "app-1")
        self.emulator.admin("POST", "computer/3002", {"online": False})
        self.set_clock("2026-03-09T00:00:00Z")
        virsh("resume", "app-1")
        wait_until(lambda: [h for h in self.lifecycle(agent, "app-1")
                            if h["event"] == "catching-up"], what="catching up")
        agent.reconcile()
        # the last report predates the resume: nothing is planned on it
        self.assertEqual(self.actions(agent, "app-1", "catch-up"), [])

        self.emulator.admin("POST", "computer/3002", {"online": True})
        self.advance(60)
        agent.reconcile()
        catchup = wait_until(lambda: self.actions(agent, "app-1", "catch-up"),
                             what="the catch-up action")[0]
        # what became due while it was away, not what is due next quarter
        self.assertEqual(catchup["patches"], [f"{SITE}/{CRITICAL}"])

    def window_action(self, agent, vm, computer_id):
        agent.reconcile()
        return wait_until(lambda: [a for a in self.server_actions(computer_id)
                                   if a["title"].startswith("[pae:w:")], what="the window action")

    def test_category_change_and_undefine_stop_what_did_not_start(self):
        moving = "1c000000-0000-4000-8000-000000000003"
        leaving = "1c000000-0000-4000-8000-000000000004"
        agent, virsh = self.start_fleet(
            [computer(3003, "svc-1", moving, [CRITICAL]), computer(3004, "gone-1", leaving, [CRITICAL])],
            [domain_xml("svc-1", moving, category="test"),
             domain_xml("gone-1", leaving, category="test")])
        planned = self.window_action(agent, "svc-1", 3003)
        self.assertEqual(sorted(planned[0]["target"]["ids"]), [3003, 3004])

        virsh("metadata", "svc-1", "--uri", "urn:x-pae:vm:1", "--key", "pae", "--set",
              "<vm><category>production</category></vm>")
        # the shared action is stopped and replaced by one without svc-1
        wait_until(lambda: any(a["state"] == "Stopped" for a in self.server_actions(3003)),
                   what="the old action stopped")
        wait_until(lambda: [a for a in self.server_actions(3004)
                            if a["state"] == "Open" and a["target"]["ids"] == [3004]],
                   what="the replacement without svc-1")
        kinds = agent.history_kinds("svc-1")
        for kind in ("plan-left", "action-withdrawn"):
            self.assertIn(kind, kinds)
        # production waits for test and dev: nothing new for svc-1 yet
        agent.reconcile()
        self.assertEqual([a for a in self.server_actions(3003) if a["state"] == "Open"], [])

        virsh("undefine", "gone-1")
        wait_until(lambda: all(a["state"] == "Stopped" for a in self.server_actions(3004)),
                   what="gone-1's action stopped")
        changes = agent.paectl("change", "list", "--all")["changes"]
        wait_until(lambda: all(c["state"] == "cancelled"
                               for c in agent.paectl("change", "list", "--all")["changes"]),
                   what="every change cancelled")
        self.assertEqual(len(changes), 1)
        vm = agent.vm("gone-1")
        self.assertIsNotNone(vm["vm"]["retired"])
        self.assertEqual(self.lifecycle(agent, "gone-1")[-1]["event"], "retired")
        self.assertIn("provision", [h["kind"] for h in vm["history"]])

    def test_migration_adopts_without_a_second_action(self):
        uuid = "1c000000-0000-4000-8000-000000000005"
        xml = domain_xml("mover", uuid, category="test")
        source, source_virsh = self.start_fleet([computer(3005, "mover", uuid, [CRITICAL])],
                                                [xml], name="a")
        source_virsh("start", "mover")
        self.window_action(source, "mover", 3005)
        # its client has seen the action and waits for Saturday's window
        self.advance(60)
        wait_until(lambda: [c for a in self.server_actions(3005) for c in a["computers"]
                            if c["row"] and c["row"]["status"] == "Waiting"],
                   what="the client waiting for its window")

        # The destination: its own libvirt and agent, the same patch server.
        # libvirt runs the destination's hook with "migrate begin" before the
        # guest arrives; the guest then runs there (a second root libvirtd
        # cannot run beside the first, so the destination is libvirt's
        # in-process test driver with the guest in its node) and the source
        # keeps a shut-off definition.
        destination = self.make_agent(f"test://{self.workdir}/node-b.xml",
                                      f"clock_file={self.clock.path}\nagent_id=ctl-b\n" + AGENT
                                      + self.emulator.config() + POLICY, name="b")
        os.makedirs(destination.spool_dir, exist_ok=True)
        hook = LibvirtHook(destination.spool_dir,
                           hook_dir=os.path.join(self.workdir, "hooks-b")).install()
        subprocess.run([hook.path, "mover", "migrate", "begin", "-"], input=xml, text=True,
                       check=True, timeout=10)
        with open(os.path.join(self.workdir, "node-b.xml"), "w") as f:
            f.write(f"<node>{xml}</node>")
        destination.start()
        source_virsh("destroy", "mover")

        wait_until(lambda: "migration-in" in destination.history_kinds("mover"),
                   what="the migration at the destination")
        destination.reconcile()
        destination.reconcile()
        lifecycle = self.lifecycle(destination, "mover")
        self.assertEqual(lifecycle[0]["event"], "ready")
        self.assertIn("migration", lifecycle[0]["detail"])
        self.assertEqual(self.actions(destination, "mover"), [])
        # one action on the server for the VM's computer, the source's
        self.assertEqual(len(self.server_actions(3005)), 1)
        self.assertIn(":ctl-a]", self.server_actions(3005)[0]["title"])
        # and the source did not stop it: the VM left, it was not undefined
        self.assertEqual(self.server_actions(3005)[0]["state"], "Open")


if __name__ == "__main__":
    unittest.main(verbosity=2)
