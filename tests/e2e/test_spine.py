#!/usr/bin/python3
"""End to end: pae-agent against a libvirtd the test starts, driven with virsh."""

import os
import signal
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from paetest import PAE_AGENT, PaeTestCase, domain_xml, wait_until  # noqa: E402

UUID_A = "aaaaaaaa-0000-4000-8000-000000000001"
UUID_B = "bbbbbbbb-0000-4000-8000-000000000002"
UUID_C = "cccccccc-0000-4000-8000-000000000003"


class SpineTest(PaeTestCase):

    def setUp(self):
        super().setUp()
        self.libvirtd = self.start_libvirtd()
        self.uri = self.libvirtd.uri()
        self.virsh = self.start_virsh(self.uri)

    def wait_kinds(self, agent, vm, expected, source=None):
        """Wait until the VM's history ends with the expected kinds."""
        def check():
            try:
                history = agent.vm(vm)["history"]
            except AssertionError:
                return None
            # what libvirt said, not what the engine decided about it; an
            # update (an event the resync had already reported) changes nothing
            kinds = [h["kind"] for h in history if h["source"] != "engine"
                     and h["kind"] != "update"
                     and (source is None or h["source"] == source)]
            return kinds[-len(expected):] == expected and kinds
        return wait_until(check, what=f"{expected} in the history of {vm}")

    def test_lifecycle_through_virsh(self):
        agent = self.make_agent(self.uri).start()
        self.virsh.define(domain_xml("web-1", UUID_A, tenant="acme", category="test",
                                     clock_tz="Asia/Kathmandu"), self.workdir)
        self.wait_kinds(agent, UUID_A, ["provision"])
        facts = agent.vm(UUID_A)["vm"]
        self.assertEqual(facts["name"], "web-1")
        self.assertEqual(facts["tenant"], "acme")
        self.assertEqual(facts["category"], "test")
        self.assertEqual(facts["timezone"], "Asia/Kathmandu")
        self.assertEqual(facts["timezone_source"], "clock")
        self.assertEqual(facts["state"], "shutoff")

        self.virsh("start", "web-1")
        self.wait_kinds(agent, UUID_A, ["start"])
        self.virsh("suspend", "web-1")
        self.wait_kinds(agent, UUID_A, ["suspend"])
        self.virsh("resume", "web-1")
        self.wait_kinds(agent, UUID_A, ["resume"])
        self.virsh("snapshot-create-as", "web-1", "s1")
        self.virsh("metadata", "web-1", "--uri", "urn:x-pae:vm:1", "--key", "pae", "--set",
                   "<vm><tenant>acme</tenant><category>production</category></vm>")
        self.wait_kinds(agent, UUID_A, ["category-change"])
        self.assertEqual(agent.vm(UUID_A)["vm"]["category"], "production")
        self.virsh("snapshot-revert", "web-1", "s1")
        self.wait_kinds(agent, UUID_A, ["revert"])
        # the revert brought back the snapshot's metadata
        vm = agent.vm(UUID_A)["vm"]
        self.assertEqual(vm["category"], "test")
        self.assertEqual(vm["current_snapshot"], "s1")
        self.virsh("destroy", "web-1")
        self.wait_kinds(agent, UUID_A, ["stop"])
        self.virsh("undefine", "web-1", "--snapshots-metadata")
        self.wait_kinds(agent, UUID_A, ["deprovision"])

        vm = agent.vm(UUID_A)["vm"]
        self.assertEqual(vm["state"], "undefined")
        self.assertIsNotNone(vm["retired"])
        self.assertNotIn(UUID_A, [v["uuid"] for v in agent.vms()])
        self.assertIn(UUID_A, [v["uuid"] for v in agent.vms("--all")])
        history = [h for h in agent.vm(UUID_A)["history"] if h["source"] == "event"]
        self.assertEqual([h["kind"] for h in history],
                         ["provision", "start", "suspend", "resume", "category-change",
                          "revert", "stop", "deprovision"])
        # every record carries the facts as they were then
        self.assertEqual(history[0]["facts"]["category"], "test")
        self.assertEqual(history[4]["facts"]["category"], "production")
        self.assertEqual(agent.stop(), 0)

    def test_libvirtd_restart_while_running(self):
        agent = self.make_agent(self.uri).start()
        self.virsh.define(domain_xml("before", UUID_A, category="dev"), self.workdir)
        self.wait_kinds(agent, UUID_A, ["provision"])

        # the test driver keeps its domains in memory: a restarted daemon has lost them
        self.virsh.close()
        self.libvirtd.kill()
        self.libvirtd.start()
        self.virsh = self.start_virsh(self.uri)
        self.virsh.define(domain_xml("after", UUID_B, category="test"), self.workdir)

        self.wait_kinds(agent, UUID_A, ["vanished"], source="resync")
        self.wait_kinds(agent, UUID_B, ["provision"])
        log = agent.process.output()
        self.assertIn("lost the connection", log)
        self.assertGreaterEqual(log.count("connected to "), 2)
        self.assertTrue(agent.process.alive())

    def test_agent_stopped_while_domains_change(self):
        agent = self.make_agent(self.uri).start()
        self.virsh.define(domain_xml("stays", UUID_A, category="dev"), self.workdir)
        self.virsh.define(domain_xml("goes", UUID_B, category="dev"), self.workdir)
        self.wait_kinds(agent, UUID_B, ["provision"])
        self.assertEqual(agent.stop(), 0)

        self.virsh("domrename", "stays", "renamed")
        self.virsh("start", "renamed")
        self.virsh("metadata", "renamed", "--uri", "urn:x-pae:vm:1", "--key", "pae", "--set",
                   "<vm><category>production</category></vm>")
        self.virsh("undefine", "goes")
        self.virsh.define(domain_xml("new", UUID_C, category="test"), self.workdir)

        agent.start()
        self.wait_kinds(agent, UUID_C, ["provision"], source="resync")
        self.wait_kinds(agent, UUID_B, ["vanished"], source="resync")
        kinds = set(agent.history_kinds(UUID_A, source="resync"))
        self.assertTrue({"start", "category-change", "rename"} <= kinds, kinds)
        self.assertEqual(agent.vm(UUID_A)["vm"]["name"], "renamed")
        # paectl works while the agent is stopped
        self.assertEqual(agent.stop(), 0)
        self.assertEqual(agent.vm("renamed")["vm"]["uuid"], UUID_A)


class DaemonTest(PaeTestCase):
    """Signals, the service manager protocol and configuration checks."""

    def setUp(self):
        super().setUp()
        self.libvirtd = self.start_libvirtd()
        self.uri = self.libvirtd.uri()

    def test_notify_and_watchdog(self):
        agent = self.make_agent(self.uri)
        agent.start(env={"WATCHDOG_USEC": "200000"})
        wait_until(lambda: agent.notify.drain().count("WATCHDOG=1") >= 3,
                   what="three watchdog pings")
        self.assertEqual(agent.stop(), 0)
        self.assertIn("STOPPING=1", agent.notify.drain())

    def test_sighup_keeps_a_good_config(self):
        agent = self.make_agent(self.uri).start()
        with open(agent.config, "a") as f:
            f.write("reconcile_interval=soon\n")
        agent.signal(signal.SIGHUP)
        wait_until(lambda: "keeping the previous configuration" in agent.process.output(),
                   what="the reload to be refused")
        self.assertIn("reconcile_interval", agent.process.output())
        self.assertTrue(agent.process.alive())

        agent.write_config(self.uri, "reconcile_interval=30m\n")
        agent.signal(signal.SIGHUP)
        wait_until(lambda: "configuration reloaded" in agent.process.output(),
                   what="the reload")
        self.assertEqual(agent.stop(), 0)

    def test_periodic_resync(self):
        # libvirt may drop an event while connected: every resync_interval
        # the agent compares every domain again, not only after a reconnect
        agent = self.make_agent(self.uri, "resync_interval=10s\n").start()

        def resyncs():
            return agent.process.output().count("resync: ")
        wait_until(lambda: resyncs() >= 1, what="the resync after connecting")
        wait_until(lambda: resyncs() >= 2, timeout=25, interval=0.5, what="a periodic resync")
        self.assertEqual(agent.stop(), 0)

    def test_check_config(self):
        agent = self.make_agent(self.uri)
        ok = subprocess.run([PAE_AGENT, "--check-config", "--config", agent.config],
                            capture_output=True, text=True)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        with open(agent.config, "a") as f:
            f.write("default_timezone=Mars/Olympus\n")
        bad = subprocess.run([PAE_AGENT, "--check-config", "--config", agent.config],
                             capture_output=True, text=True)
        self.assertEqual(bad.returncode, 1)
        self.assertRegex(bad.stderr, r"pae\.conf:\d+: \[agent\] default_timezone: 'Mars/Olympus'")
        version = subprocess.run([PAE_AGENT, "--version"], capture_output=True, text=True)
        self.assertRegex(version.stdout, r"^pae-agent \d+\.\d+")


if __name__ == "__main__":
    unittest.main(verbosity=2)
