#!/usr/bin/python3
"""The demo behind ./demo: pae-agent at work on an embedded default.

Starts, by hand and by PID, a libvirtd with libvirt's test driver, the
bundled BigFix emulator (HTTPS, the real wire format) and pae-agent, sharing
one simulated clock. Then it drives VMs through their life with virsh and
the clock forward, and shows with paectl what the agent saw, decided and
stored. Every process it starts is stopped at the end.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from paetest import (PAECTL, SRCDIR, Agent, Clock, Emulator, Journald, Libvirtd,  # noqa: E402
                     Virsh, domain_xml, wait_until)
from demo_policy import incidents, policy  # noqa: E402

BOLD = "\033[1m" if sys.stdout.isatty() else ""
RESET = "\033[0m" if sys.stdout.isatty() else ""
SCENARIO = os.path.join(SRCDIR, "bigfix-emulator", "scenarios", "demo.json")

# the first four are BigFix clients in the emulator's demo fleet
VMS = [
    ("vm-lon-1", "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f01", "acme", "test", "Europe/London"),
    ("vm-nyc-1", "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f02", "acme", "production", "America/New_York"),
    ("vm-ktm-1", "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f03", "globex", "dev", "Asia/Kathmandu"),
    ("vm-syd-1", "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f04", "globex", "production", "Australia/Sydney"),
    ("batch-7", "6a1f0c3e-0000-4000-8000-000000000003", "globex", "dev", "UTC"),
]


class Demo:

    def __init__(self):
        self.workdir = tempfile.mkdtemp(prefix="pae-demo-")
        os.chmod(self.workdir, 0o755)
        self.stoppers = []

    def say(self, text):
        print(f"\n{BOLD}== {text}{RESET}", flush=True)

    def show(self, *args):
        print(f"$ paectl {' '.join(args)}", flush=True)
        result = subprocess.run([PAECTL, "--config", self.agent.config, *args],
                                capture_output=True, text=True)
        print(result.stdout, end="", flush=True)
        if result.returncode != 0:
            print(result.stderr, end="")

    def settle(self, vm, kind):
        # the engine's own records come in between: look at what libvirt said
        wait_until(lambda: kind in self.agent.history_kinds(vm, "event")[-2:],
                   what=f"{kind} of {vm}")

    def advance(self, seconds, why):
        now = self.emulator.admin("POST", "clock", {"advance": seconds})["now"]
        print(f"(the shared clock moves {seconds // 60} minutes to {now}: {why})")

    def start(self):
        self.say("starting libvirtd (test driver), the BigFix emulator and pae-agent")
        self.clock = Clock(self.workdir, start="2026-03-02T00:00:00Z", rate=0)
        # incidents are journald alerts: the one running, or one started here
        self.journald = Journald(self.workdir).start()
        self.stoppers.append(self.journald.stop)
        self.libvirtd = Libvirtd(self.workdir).start()
        self.stoppers.append(self.libvirtd.stop)
        self.emulator = Emulator(self.workdir, self.clock, SCENARIO)
        self.stoppers.append(self.emulator.stop)
        self.virsh = Virsh(self.libvirtd.uri(), self.workdir)
        self.stoppers.append(self.virsh.close)
        self.agent = Agent(self.workdir, self.libvirtd.uri(),
                           f"clock_file={self.clock.path}\ncheck_interval=1m\n"
                           + self.emulator.config())
        self.agent.start()
        self.stoppers.append(self.agent.close)
        print(f"libvirtd   pid {self.libvirtd.process.pid}  {self.libvirtd.uri()}")
        print(f"emulator   pid {self.emulator.process.pid}  {self.emulator.base_url}")
        print(f"pae-agent  pid {self.agent.process.pid}  database {self.agent.state_dir}/state.db")

    def show_tail(self, lines, *args):
        """Like show(), only the table's header and its last lines."""
        print(f"$ paectl {' '.join(args)}   (the last {lines} records)", flush=True)
        result = subprocess.run([PAECTL, "--config", self.agent.config, *args],
                                capture_output=True, text=True)
        text = result.stdout.splitlines()
        table = next(i for i, line in enumerate(text) if line.startswith("TIME "))
        print("\n".join(text[:table + 1] + text[table + 1:][-lines:]), flush=True)

    def virsh_show(self, *args):
        print(f"$ virsh {' '.join(args)}", flush=True)
        print(self.virsh(*args).strip(), flush=True)

    def lifecycle_state(self, vm):
        return self.agent.paectl("history", vm)["lifecycle"] or {}

    def actions(self, vm, purpose):
        return [a for a in self.agent.vm(vm)["actions"] if a["purpose"] == purpose]

    def on_server(self, vm, purpose):
        """Wait until the VM's action of that purpose is on the patch server."""
        wait_until(lambda: [a for a in self.actions(vm, purpose) if a["action_id"]],
                   what=f"the {purpose} of {vm} on the server")

    def run_actions(self, vm, purpose, minutes=10):
        """Once the action is on the server, move the shared clock a minute at
        a time while the client runs it, the agent checking it each time,
        until it has an outcome."""
        def outcome():
            actions = self.actions(vm, purpose)
            return actions and actions[0]["target"]["outcome"]
        self.on_server(vm, purpose)
        for _ in range(minutes):
            self.emulator.admin("POST", "clock", {"advance": 60})
            self.agent.run_pass("check")
            if outcome() not in ("pending", "running", None):
                break
        now = self.emulator.admin("GET", "clock")["now"]
        print(f"(the shared clock moved on to {now} while the client ran the action: "
              f"{outcome()})", flush=True)

    def events(self):
        for name, uuid, tenant, category, tz in VMS:
            self.say(f"virsh define {name}: tenant {tenant}, category {category}, clock {tz}")
            self.virsh.define(domain_xml(name, uuid, tenant=tenant, category=category,
                                         clock_tz=tz), self.workdir)
            self.settle(uuid, "provision")
            self.virsh("start", name)
            self.settle(uuid, "start")

        lon = VMS[0][1]
        self.say("vm-lon-1: suspend and resume, a snapshot, moved to production")
        self.virsh("suspend", "vm-lon-1")
        self.settle(lon, "suspend")
        self.virsh("resume", "vm-lon-1")
        self.settle(lon, "resume")
        self.virsh("snapshot-create-as", "vm-lon-1", "before-move")
        self.virsh("metadata", "vm-lon-1", "--uri", "urn:x-pae:vm:1", "--key", "pae", "--set",
                   "<vm><tenant>acme</tenant><category>production</category></vm>")
        self.settle(lon, "category-change")

        batch = VMS[4][1]
        self.say("batch-7: saved and restored, then undefined")
        save = os.path.join(self.workdir, "batch-7.save")
        self.virsh("save", "batch-7", save)
        self.settle(batch, "suspend")
        self.virsh("restore", save)
        self.settle(batch, "resume")
        self.virsh("destroy", "batch-7")
        self.virsh("undefine", "batch-7")
        self.settle(batch, "deprovision")

        self.say("pae-agent stopped; a VM is renamed and one defined while nobody listens")
        self.agent.stop()
        self.virsh("destroy", "vm-ktm-1")
        self.virsh("domrename", "vm-ktm-1", "vm-ktm-primary")
        self.virsh("start", "vm-ktm-primary")
        self.virsh.define(domain_xml("cache-1", "6a1f0c3e-0000-4000-8000-000000000004",
                                     tenant="globex", category="test"), self.workdir)
        self.agent.start()
        print("pae-agent started again: the resync after connecting finds the changes")
        wait_until(lambda: "provision" in self.agent.history_kinds("cache-1"), what="cache-1")
        self.show("vms", "--all")

    def activation(self):
        self.say("activation: each new VM gets its baseline at once, outside any window, "
                 "when its BigFix computer reports")
        self.agent.reconcile()
        self.show("vms")
        print()
        self.show("status")
        print()
        self.show("patches")
        for name in ("vm-lon-1", "vm-nyc-1", "vm-ktm-primary", "vm-syd-1"):
            self.on_server(name, "activation")
        self.run_actions("vm-lon-1", "activation")
        self.emulator.admin("POST", "computer/1004/restart", {})
        print("(vm-syd-1's kernel patch waits for a restart: the emulator restarts it)")
        self.agent.run_pass("check")
        self.agent.reconcile()
        wait_until(lambda: self.lifecycle_state("vm-lon-1").get("handover"),
                   what="vm-lon-1's hand-over")
        print()
        self.show("vms")
        print()
        self.show("history", "vm-lon-1")
        print()
        self.virsh_show("metadata", "vm-lon-1", "urn:x-pae:handover:1")
        print("(vm-nyc-1's sudo patch failed on its client: an incident, shown at the end; "
              "cache-1 has no BigFix computer: it stays provisioning until its deadline)")

    def catch_up(self):
        self.say("resume catch-up: vm-lon-1 suspended for three weeks, "
                 "a critical patch became due meanwhile")
        lon = VMS[0][1]
        self.virsh("suspend", "vm-lon-1")
        self.settle(lon, "suspend")
        self.emulator.admin("POST", "computer/1001", {"online": False})
        now = self.emulator.admin("POST", "clock", {"set": "2026-04-13T08:00:00Z"})["now"]
        print(f"(the shared clock jumps to {now}; RHSA-2026:0120 (Critical), released "
              "2026-03-24, was due on the second Saturday of April)")
        self.emulator.admin("POST", "fixlets", {
            "site": "Patches for RHEL 8", "id": 801020,
            "name": "RHSA-2026:0120: openssh security update (Critical)",
            "severity": "Critical", "category": "Security Advisory",
            "release_date": "2026-03-24", "cves": ["CVE-2026-0120"]})
        self.virsh("resume", "vm-lon-1")
        self.settle(lon, "resume")
        wait_until(lambda: self.lifecycle_state("vm-lon-1").get("state") == "catching-up",
                   what="catching up")
        self.agent.reconcile()
        self.show_tail(2, "history", "vm-lon-1")
        print("(no BigFix report older than the resume is trusted: the agent waits for one)")
        self.emulator.admin("POST", "clock", {"advance": 60})
        self.emulator.admin("POST", "computer/1001", {"online": True})
        self.emulator.admin("POST", "computer/1001/relevance", {"add": [801020]})
        print("(the client is back and reports: RHSA-2026:0120 is relevant)")
        self.agent.reconcile()
        self.run_actions("vm-lon-1", "catch-up")
        self.agent.reconcile()
        wait_until(lambda: self.lifecycle_state("vm-lon-1").get("state") == "ready", what="ready")
        self.show_tail(6, "history", "vm-lon-1")

    def revert(self):
        self.say("snapshot revert: vm-lon-1 back to 'before-move', its patch level and its "
                 "category with it")
        lon = VMS[0][1]
        self.virsh("snapshot-revert", "vm-lon-1", "before-move")
        self.settle(lon, "revert")
        self.emulator.admin("POST", "computer/1001/reset", {})
        print("(the client's state is the snapshot's: what the activation applied is "
              "missing again; its last report predates the revert)")
        self.agent.reconcile()
        wait_until(lambda: self.lifecycle_state("vm-lon-1").get("state") == "rebaselining",
                   what="rebaselining")
        self.show_tail(3, "history", "vm-lon-1")
        self.emulator.admin("POST", "clock", {"advance": 60})
        self.emulator.admin("POST", "computer/1001/report", {})
        print("(a report newer than the revert comes in)")
        self.agent.reconcile()
        self.run_actions("vm-lon-1", "rebaseline")
        self.agent.reconcile()
        wait_until(lambda: not self.lifecycle_state("vm-lon-1").get("handover_pending")
                   and self.lifecycle_state("vm-lon-1").get("state") == "ready",
                   what="ready and handed over")
        self.show_tail(6, "history", "vm-lon-1")
        print()
        self.virsh_show("metadata", "vm-lon-1", "urn:x-pae:handover:1")
        print()
        self.show("vm", "vm-lon-1")

    def stop(self):
        self.say("stopping every process started, by PID")
        for stop in reversed(self.stoppers):
            try:
                stop()
            except Exception as exc:  # keep stopping the others
                print(f"stop failed: {exc}")
        if not os.environ.get("PAE_DEMO_KEEP"):
            shutil.rmtree(self.workdir, ignore_errors=True)


def main():
    demo = Demo()
    try:
        demo.start()
        demo.events()
        demo.activation()
        policy(demo)
        demo.catch_up()
        demo.revert()
        incidents(demo)
    finally:
        demo.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
