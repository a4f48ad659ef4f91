#!/usr/bin/python3
"""The demo behind ./demo: pae-agent at work on an embedded default.

Starts a libvirtd with libvirt's test driver by hand, pae-agent watching it,
drives VMs through their life with virsh, and shows what the agent saw and
stored with paectl. Every process it starts is stopped by PID at the end.
"""

import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from paetest import PAECTL, Agent, Libvirtd, Virsh, domain_xml, wait_until  # noqa: E402

BOLD = "\033[1m" if sys.stdout.isatty() else ""
RESET = "\033[0m" if sys.stdout.isatty() else ""

VMS = [
    ("web-1", "6a1f0c3e-0000-4000-8000-000000000001", "acme", "test", "Europe/London"),
    ("db-1", "6a1f0c3e-0000-4000-8000-000000000002", "acme", "production", "America/New_York"),
    ("batch-7", "6a1f0c3e-0000-4000-8000-000000000003", "globex", "dev", "Asia/Kathmandu"),
]


def say(text):
    print(f"\n{BOLD}== {text}{RESET}", flush=True)


def show(agent, *args):
    print(f"$ paectl {' '.join(args)}", flush=True)
    result = subprocess.run([PAECTL, "--config", agent.config, *args], capture_output=True,
                            text=True)
    print(result.stdout, end="", flush=True)
    if result.returncode != 0:
        print(result.stderr, end="")


def settle(agent, uuid, kind):
    wait_until(lambda: agent.history_kinds(uuid)[-1:] == [kind], what=f"{kind} of {uuid}")


def main():
    workdir = tempfile.mkdtemp(prefix="pae-demo-")
    stoppers = []
    try:
        say("starting libvirtd with the test driver")
        libvirtd = Libvirtd(workdir).start()
        stoppers.append(libvirtd.stop)
        print(f"libvirtd pid {libvirtd.process.pid}, {libvirtd.uri()}")
        virsh = Virsh(libvirtd.uri(), workdir)
        stoppers.append(virsh.close)

        say("starting pae-agent")
        agent = Agent(workdir, libvirtd.uri())
        agent.write_config(libvirtd.uri())
        agent.start()
        stoppers.append(agent.close)
        print(f"pae-agent pid {agent.process.pid}, database {agent.state_dir}/state.db")

        for name, uuid, tenant, category, tz in VMS:
            say(f"virsh define {name}: tenant {tenant}, category {category}, clock {tz}")
            virsh.define(domain_xml(name, uuid, tenant=tenant, category=category, clock_tz=tz),
                         workdir)
            settle(agent, uuid, "provision")
            virsh("start", name)
            settle(agent, uuid, "start")

        web = VMS[0]
        say("web-1: suspend, resume, snapshot, move to production, revert the snapshot")
        for operation, kind in ((["suspend", "web-1"], "suspend"), (["resume", "web-1"], "resume")):
            virsh(*operation)
            settle(agent, web[1], kind)
        virsh("snapshot-create-as", "web-1", "before-move")
        virsh("metadata", "web-1", "--uri", "urn:x-pae:vm:1", "--key", "pae", "--set",
              "<vm><tenant>acme</tenant><category>production</category></vm>")
        settle(agent, web[1], "category-change")
        virsh("snapshot-revert", "web-1", "before-move")
        settle(agent, web[1], "revert")

        say("batch-7: saved and restored, then undefined")
        save = os.path.join(workdir, "batch-7.save")
        virsh("save", "batch-7", save)
        settle(agent, VMS[2][1], "suspend")
        virsh("restore", save)
        settle(agent, VMS[2][1], "resume")
        virsh("destroy", "batch-7")
        settle(agent, VMS[2][1], "stop")
        virsh("undefine", "batch-7")
        settle(agent, VMS[2][1], "deprovision")

        say("pae-agent stopped; db-1 is renamed and a VM is defined while nobody listens")
        agent.stop()
        virsh("destroy", "db-1")
        virsh("domrename", "db-1", "db-primary")
        virsh.define(domain_xml("cache-1", "6a1f0c3e-0000-4000-8000-000000000004",
                                tenant="globex", category="test"), workdir)
        agent.start()
        print("pae-agent started again: the resync after connecting finds the changes")
        wait_until(lambda: "provision" in agent.history_kinds("cache-1"), what="cache-1")
        time.sleep(0.2)

        say("what the agent stored")
        show(agent, "vms", "--all")
        print()
        show(agent, "vm", "web-1")
        print()
        show(agent, "vm", "db-primary")
    finally:
        say("stopping every process started, by PID")
        for stop in reversed(stoppers):
            try:
                stop()
            except Exception as exc:  # keep stopping the others
                print(f"stop failed: {exc}")
        if not os.environ.get("PAE_DEMO_KEEP"):
            subprocess.run(["rm", "-rf", workdir])
    return 0


if __name__ == "__main__":
    sys.exit(main())
