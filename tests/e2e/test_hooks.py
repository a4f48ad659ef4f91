#!/usr/bin/python3
"""The libvirt hook with real QEMU guests (TCG): what happens while the
agent is down reaches its history through the hook's spool, a VM restored
while it was down catches up on what became due while it was away, and a
domain name no shell or file format would survive arrives intact.

The configured hook is installed into /etc/libvirt/hooks/qemu.d/ under a
name of its own, pointed at the agent's spool in this test's work
directory, before libvirtd starts (libvirtd looks for hooks only then), and
removed afterwards."""

import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from paetest import Clock, Libvirtd, PaeTestCase, Virtlogd, domain_xml, wait_until  # noqa: E402
# the patch server's week from Monday 2026-03-02: CRITICAL released Tuesday
# and due Saturday 7 March, LOW released Sunday 8 March and due next quarter
from test_lifecycle import AGENT, CRITICAL, LOW, POLICY, SITE, computer, scenario  # noqa: E402

HAVE_QEMU = shutil.which("qemu-system-x86_64") is not None
SAVED_UUID = "5b0c7f0e-1d2a-4c3b-9e8f-a1b2c3d4e5f6"
HOSTILE_UUID = "6c1d8a1f-2e3b-4d4c-8f90-b2c3d4e5f6a7"
AWAY_UUID = "7d2e9b20-3f4c-4e5d-9a01-c3d4e5f6a7b8"
AWAY_COMPUTER = 3101
# quotes, a command substitution, a backtick, non-ASCII and a path: the
# characters a hook must not let loose (libvirt refuses '/' in a name)
HOSTILE_NAME = 'pae "quoted" \'single\' $(reboot) `id` é 1 ..'


def xml_text(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@unittest.skipUnless(HAVE_QEMU, "qemu-system-x86 is not installed")
class HookTest(PaeTestCase):

    def setUp(self):
        super().setUp()
        # QEMU runs as its own user and must reach the disk images
        os.chmod(self.workdir, 0o755)
        virtlogd = Virtlogd(self.workdir).start()
        self.later(virtlogd.stop)
        libvirtd = Libvirtd(self.workdir)
        self.uri = libvirtd.uri("qemu", "/system")
        self.agent = self.make_agent(self.uri)
        # the hook writes into the agent's spool; libvirtd finds it only at its start
        self.install_hook(self.agent.spool_dir)
        self.later(libvirtd.stop)
        libvirtd.start()
        self.virsh = self.start_virsh(self.uri)

    def define(self, name, uuid):
        disk = os.path.join(self.workdir, f"{uuid}.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "64M"], check=True)
        self.later(lambda: self.virsh("undefine", uuid, "--managed-save", check=False))
        self.later(lambda: self.virsh("destroy", uuid, check=False))
        devices = (f"<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                   f"<source file='{disk}'/><target dev='vda' bus='virtio'/></disk></devices>")
        xml = domain_xml(xml_text(name), uuid, domain_type="qemu", extra=devices)
        xml = xml.replace("<os><type>hvm</type></os>",
                          "<os><type arch='x86_64' machine='pc'>hvm</type></os>")
        self.virsh.define(xml, self.workdir)

    def hook_history(self, uuid):
        return [h for h in self.agent.vm(uuid)["history"] if h["source"] == "hook"]

    def use_patch_server(self, computers):
        """The BigFix emulator on a stopped simulated clock from Monday
        2026-03-02, and the agent (not started yet) pointed at it and at
        that clock."""
        clock = Clock(self.workdir, start="2026-03-02T00:00:00Z", rate=0)
        path = os.path.join(self.workdir, "scenario.json")
        with open(path, "w") as f:
            json.dump(scenario(computers), f)
        self.emulator = self.start_emulator(clock, path)
        self.agent.write_config(self.uri, f"clock_file={clock.path}\nagent_id=ctl-hooks\n"
                                + AGENT + self.emulator.config() + POLICY)

    def set_clock(self, iso):
        self.emulator.admin("POST", "clock", {"set": iso})

    def lifecycle_state(self, uuid):
        lifecycle = self.agent.vm(uuid)["lifecycle"]
        return lifecycle and lifecycle["state"]

    def test_saved_and_restored_while_the_agent_was_down(self):
        self.agent.start()
        self.define("pae-hook-saved", SAVED_UUID)
        wait_until(lambda: self.agent.history_kinds(SAVED_UUID), what="the provision")
        self.assertEqual(self.agent.stop(), 0)
        seen = max(h["id"] for h in self.agent.vm(SAVED_UUID)["history"])

        # nobody listens: only the hook sees these
        self.virsh("start", SAVED_UUID)
        save = os.path.join(self.workdir, "saved.img")
        self.virsh("save", SAVED_UUID, save)
        self.virsh("restore", save)
        self.assertTrue(self.agent.spool_records(), "the hook left no record")

        self.agent.start()
        wait_until(lambda: not self.agent.spool_records(), what="an empty spool")

        def restore_recorded():
            events = [h["event"] for h in self.hook_history(SAVED_UUID)]
            return any("hook:restore/begin" in e.split("+") for e in events) and events

        events = wait_until(restore_recorded, what="the restore from the spool")
        hooks = self.hook_history(SAVED_UUID)
        by_event = {}
        for h in hooks:
            for event in h["event"].split("+"):
                by_event.setdefault(event, h)
        for event in ("hook:started/begin", "hook:stopped/end", "hook:restore/begin"):
            self.assertIn(event, by_event, events)
        self.assertEqual(by_event["hook:started/begin"]["kind"], "start")
        self.assertEqual(by_event["hook:stopped/end"]["kind"], "stop")
        self.assertEqual(by_event["hook:restore/begin"]["kind"], "resume")
        # in the order they happened, and before the resync that followed
        self.assertLess(seen, by_event["hook:started/begin"]["id"])
        self.assertLess(by_event["hook:started/begin"]["id"], by_event["hook:restore/begin"]["id"])
        resyncs = [h["id"] for h in self.agent.vm(SAVED_UUID)["history"]
                   if h["source"] == "resync" and h["id"] > seen]
        if resyncs:
            self.assertLess(by_event["hook:restore/begin"]["id"], min(resyncs))
        self.assertFalse(os.path.exists(os.path.join(self.agent.spool_dir, "bad")),
                         "a record of the real hook was refused")

        # connected now: a hook's record is drained at once, its facts read
        # through the agent's connection while the loop waits for the flush
        last = max(h["id"] for h in self.agent.vm(SAVED_UUID)["history"])
        self.virsh("destroy", SAVED_UUID)
        wait_until(lambda: any(h["id"] > last and "hook:stopped/end" in h["event"]
                               for h in self.hook_history(SAVED_UUID)),
                   what="the stop from the hook while connected")
        wait_until(lambda: not self.agent.spool_records(), what="an empty spool")
        self.assertTrue(self.agent.process.alive())
        self.assertEqual(self.agent.vm(SAVED_UUID)["vm"]["state"], "shutoff")
        self.assertEqual(self.agent.stop(), 0)

    def test_restore_while_down_is_caught_up(self):
        computer_path = f"computer/{AWAY_COMPUTER}"
        self.use_patch_server([computer(AWAY_COMPUTER, "pae-hook-away", AWAY_UUID, [])])
        self.agent.start()
        self.define("pae-hook-away", AWAY_UUID)
        # its computer has reported, nothing relevant: activated and ready at once
        wait_until(lambda: self.lifecycle_state(AWAY_UUID) == "ready", what="ready")
        self.assertEqual([(h["kind"], h["event"]) for h in self.agent.vm(AWAY_UUID)["history"]
                          if h["kind"] in ("lifecycle", "ready")],
                         [("lifecycle", "provisioning"), ("ready", "ready")])
        wait_until(lambda: self.agent.vm(AWAY_UUID)["lifecycle"]["handover"],
                   what="the hand-over")
        self.assertEqual(self.agent.vm(AWAY_UUID)["actions"], [])
        self.assertEqual(self.agent.stop(), 0)

        # nobody listens: the VM runs, its client reports glibc missing on
        # Wednesday (released Tuesday, due Saturday), it is saved on Thursday
        # (its client with it) and restored the Monday after
        self.virsh("start", AWAY_UUID)
        self.set_clock("2026-03-04T12:00:00Z")
        self.emulator.admin("POST", f"{computer_path}/relevance", {"add": [CRITICAL]})
        self.set_clock("2026-03-05T00:00:00Z")
        save = os.path.join(self.workdir, "away.img")
        self.virsh("save", AWAY_UUID, save)
        self.emulator.admin("POST", computer_path, {"online": False})
        self.set_clock("2026-03-09T00:00:00Z")
        self.virsh("restore", save)
        self.assertTrue(self.agent.spool_records(), "the hook left no record")

        self.agent.start()
        wait_until(lambda: not self.agent.spool_records(), what="an empty spool")

        def restore_recorded():
            return [h for h in self.hook_history(AWAY_UUID)
                    if "hook:restore/begin" in h["event"].split("+")]
        # the hook's real time lands on the stopped clock: Monday 9 March
        restore = wait_until(restore_recorded, what="the restore from the spool")[0]
        self.assertEqual(restore["kind"], "resume")
        self.assertEqual(restore["at"], "2026-03-09T00:00:00Z")
        wait_until(lambda: self.lifecycle_state(AWAY_UUID) == "catching-up", what="catching up")
        catching_up = [h for h in self.agent.vm(AWAY_UUID)["history"]
                       if h["kind"] == "lifecycle" and h["event"] == "catching-up"]
        self.assertEqual(len(catching_up), 1)
        self.assertLess(restore["id"], catching_up[0]["id"])

        # its last report (glibc missing, from before the save) predates the
        # restore: stale, nothing is planned on it
        self.agent.reconcile()
        vm = self.agent.vm(AWAY_UUID)
        self.assertEqual(vm["compliance"]["state"], "stale", vm["compliance"])
        self.assertEqual(vm["compliance"]["trust_after"], restore["at"])
        self.assertLess(vm["compliance"]["report"], restore["at"])
        self.assertEqual([a for a in vm["actions"] if a["purpose"] == "catch-up"], [])
        self.assertEqual(vm["lifecycle"]["state"], "catching-up")

        # its client comes back a minute after the restore and reports glibc
        # and Sunday's tzdata update missing
        self.emulator.admin("POST", "clock", {"advance": 60})
        self.emulator.admin("POST", computer_path, {"online": True})
        self.emulator.admin("POST", f"{computer_path}/relevance", {"add": [LOW]})
        self.agent.reconcile()
        catchup = wait_until(lambda: [a for a in self.agent.vm(AWAY_UUID)["actions"]
                                      if a["purpose"] == "catch-up"],
                             what="the catch-up action")
        self.assertEqual(len(catchup), 1, catchup)
        # what became due while it was away, not what is due next quarter
        vm = self.agent.vm(AWAY_UUID)
        self.assertEqual(sorted(f"{p['site']}/{p['fixlet_id']}" for p in vm["missing_patches"]),
                         [f"{SITE}/{CRITICAL}", f"{SITE}/{LOW}"])
        self.assertEqual(catchup[0]["patches"], [f"{SITE}/{CRITICAL}"])
        posted = wait_until(lambda: [a for a in self.emulator.actions()
                                     if AWAY_COMPUTER in a["target"].get("ids", [])],
                            what="the catch-up action on the server")
        self.assertEqual(len(posted), 1, posted)
        self.assertEqual(self.lifecycle_state(AWAY_UUID), "catching-up")
        self.assertFalse(os.path.exists(os.path.join(self.agent.spool_dir, "bad")))
        self.assertEqual(self.agent.stop(), 0)

    def test_hostile_name_arrives_intact(self):
        # the agent ran once (its spool exists) but never saw this domain
        self.agent.start()
        self.assertEqual(self.agent.stop(), 0)
        self.define(HOSTILE_NAME, HOSTILE_UUID)
        self.virsh("start", HOSTILE_UUID)
        self.assertTrue(self.agent.spool_records(), "the hook left no record")

        self.agent.start()
        wait_until(lambda: not self.agent.spool_records(), what="an empty spool")
        # the resync after the connection compares the hook's name with libvirt's
        wait_until(lambda: self.agent.vm(HOSTILE_UUID)["vm"]["state"] == "running",
                   what="the resync")
        vm = self.agent.vm(HOSTILE_UUID)
        self.assertEqual(vm["vm"]["name"], HOSTILE_NAME)
        first = vm["history"][0]
        self.assertEqual(first["source"], "hook")
        self.assertEqual(first["kind"], "provision")
        self.assertIn("hook:started/begin", first["event"])
        self.assertIn(f"'{HOSTILE_NAME}'", first["detail"])
        self.assertNotIn("rename", [h["kind"] for h in vm["history"]])
        self.assertFalse(os.path.exists(os.path.join(self.agent.spool_dir, "bad")))
        self.assertEqual(self.agent.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
