#!/usr/bin/python3
"""A smoke test with a real QEMU guest (TCG, no KVM needed): the events of
the QEMU driver, which differ from the test driver's, reach the store with
the right meaning."""

import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from paetest import PaeTestCase, Virtlogd, domain_xml, wait_until  # noqa: E402

UUID = "9e3c1d2a-5b6f-4a7e-8c9d-0e1f2a3b4c5d"
HAVE_QEMU = shutil.which("qemu-system-x86_64") is not None


@unittest.skipUnless(HAVE_QEMU, "qemu-system-x86 is not installed")
class QemuSmokeTest(PaeTestCase):

    def setUp(self):
        super().setUp()
        # QEMU runs as its own user and must reach the disk image
        os.chmod(self.workdir, 0o755)
        virtlogd = Virtlogd(self.workdir).start()
        self.later(virtlogd.stop)
        self.libvirtd = self.start_libvirtd()
        self.uri = self.libvirtd.uri("qemu", "/system")
        self.virsh = self.start_virsh(self.uri)
        self.disk = os.path.join(self.workdir, "disk.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", self.disk, "64M"], check=True)
        self.later(lambda: self.virsh("destroy", "pae-smoke", check=False))
        self.later(lambda: self.virsh("undefine", "pae-smoke", "--snapshots-metadata",
                                      "--managed-save", check=False))

    def new_kinds(self, agent, seen):
        kinds = [h["kind"] for h in agent.vm(UUID)["history"] if h["id"] > seen]
        return kinds

    def step(self, agent, operation, expect, forbid=()):
        seen = max([h["id"] for h in agent.vm(UUID)["history"]], default=0)
        self.virsh(*operation)
        try:
            kinds = wait_until(
                lambda: (lambda k: set(expect) <= set(k) and k)(self.new_kinds(agent, seen)),
                timeout=60, what=f"{expect} after {operation}")
        except AssertionError as exc:
            state = self.virsh("domstate", "--reason", "pae-smoke", check=False).strip()
            raise AssertionError(f"{exc}; the guest is {state}") from None
        for kind in forbid:
            self.assertNotIn(kind, kinds, f"{operation} recorded {kinds}")
        return kinds

    def test_qemu_guest(self):
        # a resync every 10s: libvirt may drop the RESUMED ending a snapshot
        agent = self.make_agent(self.uri, "resync_interval=10s\n").start()
        disk = (f"<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                f"<source file='{self.disk}'/><target dev='vda' bus='virtio'/></disk></devices>")
        xml = domain_xml("pae-smoke", UUID, tenant="acme", category="test",
                         clock_tz="Europe/Paris", domain_type="qemu", extra=disk)
        xml = xml.replace("<os><type>hvm</type></os>",
                          "<os><type arch='x86_64' machine='pc'>hvm</type></os>")
        self.virsh.define(xml, self.workdir)
        wait_until(lambda: agent.vm(UUID)["history"], what="the guest's provision")

        # QEMU unpauses a guest it starts: one start, not a resume
        self.step(agent, ["start", "pae-smoke"], ["start"], forbid=["resume"])
        self.step(agent, ["suspend", "pae-smoke"], ["suspend"])
        self.step(agent, ["resume", "pae-smoke"], ["resume"])
        save = os.path.join(self.workdir, "pae-smoke.save")
        self.step(agent, ["save", "pae-smoke", save], ["suspend"])
        # QEMU ends a restore with RESUMED/FROM_SNAPSHOT: a resume, never a revert
        self.step(agent, ["restore", save], ["resume"], forbid=["revert"])
        # an internal snapshot pauses the guest and runs it again; the QEMU
        # driver emits that RESUMED only when the monitor's RESUME beats its
        # own state change, so the stored state must not depend on it: the
        # facts read with the pause, or the periodic resync, say running
        self.step(agent, ["snapshot-create-as", "pae-smoke", "s1"], ["suspend"], forbid=["revert"])
        wait_until(lambda: agent.vm(UUID)["vm"]["state"] == "running",
                   what="the guest running again after its snapshot")
        self.step(agent, ["snapshot-revert", "pae-smoke", "s1"], ["revert"])
        self.step(agent, ["destroy", "pae-smoke"], ["stop"])
        self.step(agent, ["undefine", "pae-smoke", "--snapshots-metadata"], ["deprovision"])

        vm = agent.vm(UUID)["vm"]
        self.assertEqual(vm["state"], "undefined")
        self.assertEqual(vm["timezone"], "Europe/Paris")
        events = [h["event"] for h in agent.vm(UUID)["history"]]
        self.assertIn("STARTED/RESTORED+RESUMED/FROM_SNAPSHOT", events)
        self.assertEqual(agent.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
