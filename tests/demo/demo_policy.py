"""The demo's policy part: a critical patch released on Tuesday moves through
test → dev → production, each stage in its own change window, on each VM's
own clock, with a change record opened and closed for every window.

The built-in default policy is at work (pae.conf(5)): critical patches are
due on the second Saturday of the month; test patches on Saturday 02:00,
dev on Sunday 02:00 after a 12-hour soak, production on Saturday 02:00
after two days; the builtin change management pre-approves standard
changes.
"""

from paetest import domain_xml, wait_until

FIXLET = 801010
FLEET = [
    # name, uuid, category, zone, BigFix computer id
    ("initech-test-1", "7b2d0000-0000-4000-8000-000000000001", "test", "Europe/London", 1101),
    ("initech-dev-1", "7b2d0000-0000-4000-8000-000000000002", "dev", "Asia/Kathmandu", 1102),
    ("initech-prod-1", "7b2d0000-0000-4000-8000-000000000003", "production", "America/New_York",
     1103),
]


def change_states(demo):
    return {c["category"]: (c["change_id"], c["state"], c["close_code"])
            for c in demo.agent.paectl("change", "list", "--all")["changes"]
            if c["tenant"] == "initech"}


def run_until(demo, what, predicate, rate=3600):
    """Let the shared clock run fast (one simulated hour a second) until done."""
    demo.emulator.admin("POST", "clock", {"rate": rate})
    print(f"(the shared clock runs at {rate}x: {what})", flush=True)
    try:
        wait_until(predicate, timeout=90, interval=0.5, what=what)
    finally:
        now = demo.emulator.admin("POST", "clock", {"rate": 0})["now"]
        print(f"(the clock stops at {now})", flush=True)


def jump_to(demo, iso, why):
    now = demo.emulator.admin("POST", "clock", {"set": iso})["now"]
    print(f"(the shared clock jumps to {now}: {why})", flush=True)


def closed(demo, category):
    state = change_states(demo).get(category)
    return state is not None and state[1] == "closed"


def policy(demo):
    demo.say("policy: a critical patch through test → dev → production, window by window")
    demo.emulator.admin("POST", "computers", [
        {"id": cid, "name": name, "uuid": uuid, "timezone": zone, "relevant": []}
        for name, uuid, _, zone, cid in FLEET])
    for name, uuid, category, zone, _ in FLEET:
        demo.virsh.define(domain_xml(name, uuid, tenant="initech", category=category,
                                     clock_tz=zone), demo.workdir)
        demo.virsh("start", name)
    demo.agent.reconcile()
    wait_until(lambda: all(demo.lifecycle_state(name).get("state") == "ready"
                           for name, *_ in FLEET), what="initech's VMs in service")
    print("initech has one VM per stage, in London, Kathmandu and New York: activated, "
          "nothing to apply, in service")
    demo.emulator.admin("POST", "fixlets", {
        "site": "Patches for RHEL 8", "id": FIXLET,
        "name": "RHSA-2026:0110: glibc security update (Critical)",
        "severity": "Critical", "category": "Security Advisory",
        "release_date": "2026-03-03", "cves": ["CVE-2026-0110"]})
    for *_, cid in FLEET:
        demo.emulator.admin("POST", f"computer/{cid}/relevance", {"add": [FIXLET]})
    print("RHSA-2026:0110 (Critical) is released on 2026-03-03 and relevant to all three")
    demo.agent.reconcile()
    wait_until(lambda: "test" in change_states(demo), what="the test stage's change")
    demo.show("plan")
    print()
    demo.show("plan", "initech-test-1")
    print()
    demo.show("change", "list")

    demo.say("test: Saturday 14 March 02:00 London time")
    jump_to(demo, "2026-03-14T00:00:00Z", "two hours before the test window")
    run_until(demo, "the test window", lambda: closed(demo, "test"))
    demo.show("change", "show", change_states(demo)["test"][0])
    wait_until(lambda: "dev" in change_states(demo), what="the dev stage's change")
    print()
    demo.show("plan", "initech-dev-1")

    demo.say("dev: Sunday 15 March 02:00 Kathmandu time, after test passed and 12 hours of soak")
    jump_to(demo, "2026-03-14T19:00:00Z", "an hour before the dev window (20:15 UTC)")
    run_until(demo, "the dev window", lambda: closed(demo, "dev"))
    wait_until(lambda: "production" in change_states(demo), what="the production change")
    demo.show("plan", "initech-prod-1")

    demo.say("production: Saturday 21 March 02:00 New York time, two days after dev passed")
    jump_to(demo, "2026-03-21T04:00:00Z", "two hours before the production window (06:00 UTC)")
    run_until(demo, "the production window", lambda: closed(demo, "production"))
    demo.show("change", "list", "--all")
    print()
    demo.show("vm", "initech-prod-1")


def incidents(demo):
    demo.say("incidents: what a person must look at, as journald alerts (PRIORITY=2)")
    demo.show("incidents")
    print()
    print("$ journalctl -o short-iso SYSLOG_IDENTIFIER=pae-agent PRIORITY=2", flush=True)
    wait_until(lambda: demo.journald.entries("SYSLOG_IDENTIFIER=pae-agent", "PRIORITY=2"),
               what="the alerts in the journal")
    for entry in demo.journald.entries("SYSLOG_IDENTIFIER=pae-agent", "PRIORITY=2"):
        print(f"  MESSAGE_ID={entry.get('MESSAGE_ID')} PAE_VM_UUID={entry.get('PAE_VM_UUID', '-')}"
              f" PAE_PATCH={entry.get('PAE_PATCH', '-')}\n    {entry.get('MESSAGE')}")
