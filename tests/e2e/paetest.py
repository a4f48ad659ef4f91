"""Shared harness for pae's end-to-end tests.

Every service a test needs (libvirtd, virtlogd, journald, the BigFix
emulator, pae-agent) is started here by hand, in a private temporary
directory, and stopped by its PID when the test ends, whatever happens.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import textwrap
import time
import unittest

SRCDIR = os.environ.get("PAE_TEST_SRCDIR", os.path.join(os.path.dirname(__file__), ".."))
PAE_AGENT = os.environ.get("PAE_AGENT", "pae-agent")
PAECTL = os.environ.get("PAECTL", "paectl")
# the libvirt hook as meson configured it (hooks/pae-spool.in)
SPOOL_HOOK = os.environ.get("PAE_SPOOL_HOOK")
QEMU_HOOK_DIR = "/etc/libvirt/hooks/qemu.d"


def wait_until(predicate, timeout=20.0, interval=0.05, what="condition"):
    """Poll predicate() until it returns a true value, or fail after timeout.
    An AssertionError from the predicate (say, paectl not finding a VM yet)
    counts as not yet."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except AssertionError as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def stop_pid(pid, timeout=10.0):
    """SIGTERM a process we started, SIGKILL it if it will not go."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Process:
    """A child process with its output in a log file, stopped by PID."""

    def __init__(self, argv, log_path, env=None, stdin=None):
        self.argv = argv
        self.log_path = log_path
        self.log = open(log_path, "ab")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=stdin, env=env, start_new_session=True)
        self.pid = self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def stop(self, timeout=15.0):
        """SIGTERM, then SIGKILL after timeout; returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def output(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""


class Libvirtd:
    """A hand-started libvirtd with its sockets in a private directory."""

    def __init__(self, workdir, name="libvirtd"):
        self.dir = os.path.join(workdir, name)
        self.run_dir = os.path.join(self.dir, "run")
        os.makedirs(self.run_dir, exist_ok=True)
        self.conf = os.path.join(self.dir, "libvirtd.conf")
        with open(self.conf, "w") as f:
            f.write(textwrap.dedent(f"""\
                unix_sock_dir = "{self.run_dir}"
                unix_sock_rw_perms = "0770"
                auth_unix_rw = "none"
                auth_unix_ro = "none"
                """))
        self.socket = os.path.join(self.run_dir, "libvirt-sock")
        self.process = None

    def uri(self, driver="test", path="/default"):
        return f"{driver}+unix://{path}?socket={self.socket}"

    def start(self):
        if os.path.exists(self.socket):
            os.unlink(self.socket)
        self.process = Process(["libvirtd", "--config", self.conf, "--pid-file",
                                os.path.join(self.run_dir, "libvirtd.pid")],
                               os.path.join(self.dir, "libvirtd.log"))
        wait_until(lambda: os.path.exists(self.socket) or not self.process.alive(),
                   what="libvirtd's socket")
        if not self.process.alive():
            raise RuntimeError("libvirtd died:\n" + self.process.output())
        return self

    def kill(self):
        self.process.kill()

    def stop(self):
        if self.process is not None:
            self.process.stop()


class Virtlogd:
    """virtlogd, needed by the QEMU driver to start guests."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "virtlogd")
        os.makedirs(self.dir, exist_ok=True)
        self.process = None

    def start(self):
        self.process = Process(["virtlogd"], os.path.join(self.dir, "virtlogd.log"))
        wait_until(lambda: os.path.exists("/run/libvirt/virtlogd-sock") or not self.process.alive(),
                   what="virtlogd's socket")
        return self

    def stop(self):
        if self.process is not None:
            self.process.stop()


class LibvirtHook:
    """A copy of the configured pae hook that writes into a private spool,
    installed into libvirt's qemu.d. libvirtd looks for hooks only when it
    starts: install before starting it. uninstall() removes the script and
    the directories install() created, and nothing else. A hook left behind
    by a killed test is harmless: its spool is gone, so it exits 0 at once."""

    def __init__(self, spool_dir, hook_dir=QEMU_HOOK_DIR, source=SPOOL_HOOK):
        if not source or not os.path.exists(source):
            raise RuntimeError("PAE_SPOOL_HOOK does not name the configured hook: "
                               "run through meson test")
        self.spool_dir = spool_dir
        self.hook_dir = hook_dir
        self.source = source
        self.path = os.path.join(hook_dir, f"50-pae-spool-test-{os.getpid()}")
        self.created_dirs = []

    def text(self):
        """The hook with its one configured line pointed at our spool."""
        with open(self.source) as f:
            text = f.read()
        line = f"spool_directory='{self.spool_dir}'"
        text, count = re.subn(r"^spool_directory=.*$", lambda _: line, text, flags=re.M)
        if count != 1:
            raise RuntimeError(f"{self.source} has {count} spool_directory lines, not one")
        return text

    def install(self):
        missing = []
        parent = self.hook_dir
        while not os.path.exists(parent):
            missing.append(parent)
            parent = os.path.dirname(parent)
        for directory in reversed(missing):
            os.mkdir(directory, 0o755)
            self.created_dirs.append(directory)
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write(self.text())
        os.chmod(tmp, 0o755)
        os.rename(tmp, self.path)
        return self

    def uninstall(self):
        for path in (self.path, self.path + ".tmp"):
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        for directory in reversed(self.created_dirs):
            try:
                os.rmdir(directory)
            except OSError:  # someone else put something there since
                pass
        self.created_dirs = []


class Virsh:
    """virsh against one URI, and one long-lived connection that keeps the
    test driver's state alive while the agent is stopped."""

    def __init__(self, uri, workdir):
        self.uri = uri
        # The test driver frees its state when its last connection closes, so
        # a virsh shell stays connected; it echoes its URI once it is.
        self.keeper = Process(["virsh", "-c", uri], os.path.join(workdir, "virsh-keeper.log"),
                              stdin=subprocess.PIPE)
        self.keeper.proc.stdin.write(b"uri\n")
        self.keeper.proc.stdin.flush()
        wait_until(lambda: uri in self.keeper.output() or not self.keeper.alive(),
                   what="virsh's connection")
        if not self.keeper.alive():
            raise AssertionError("virsh could not connect:\n" + self.keeper.output())

    def __call__(self, *args, check=True, input=None):
        result = subprocess.run(["virsh", "-q", "-c", self.uri, *args], capture_output=True,
                                text=True, input=input, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"virsh {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def define(self, xml, workdir):
        path = os.path.join(workdir, "domain.xml")
        with open(path, "w") as f:
            f.write(xml)
        return self("define", path)

    def close(self):
        if self.keeper.proc.stdin is not None and not self.keeper.proc.stdin.closed:
            self.keeper.proc.stdin.close()
        self.keeper.stop()


class Journald:
    """systemd-journald on its global socket: the one running, or one started
    here by PID and cleaned up after (only one test may use it at a time)."""

    DIR = "/run/systemd/journal"
    SOCKET = DIR + "/socket"
    LEFTOVERS = ("socket", "stdout", "dev-log", "io.systemd.journal", "syslog",
                 "kernel-seqnum")

    def __init__(self, workdir):
        self.log_path = os.path.join(workdir, "journald.log")
        self.process = None
        self.made_dir = False
        self.before = set()
        # the journal outlives a test: read only what came after this
        self.since = int(time.time()) - 1

    @classmethod
    def answers(cls):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            sock.connect(cls.SOCKET)
            return True
        except OSError:
            return False
        finally:
            sock.close()

    def start(self):
        if self.answers():
            return self
        self.made_dir = not os.path.isdir(self.DIR)
        os.makedirs(self.DIR, exist_ok=True)
        self.before = set(os.listdir(self.DIR))
        self.process = Process(["/lib/systemd/systemd-journald"], self.log_path)
        wait_until(lambda: self.answers() or not self.process.alive(), what="journald's socket")
        if not self.process.alive():
            raise RuntimeError("journald died:\n" + self.process.output())
        return self

    def entries(self, *matches):
        """Entries matching journalctl's FIELD=VALUE arguments, as dicts."""
        result = subprocess.run(["journalctl", "--no-pager", "-o", "json",
                                 f"--since=@{self.since}", *matches],
                                capture_output=True, text=True, timeout=60)
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    def stop(self):
        if self.process is None:
            return
        self.process.stop()
        self.process = None
        for name in self.LEFTOVERS:
            try:
                os.unlink(os.path.join(self.DIR, name))
            except FileNotFoundError:
                pass
        for name in set(os.listdir(self.DIR)) - self.before:
            shutil.rmtree(os.path.join(self.DIR, name), ignore_errors=True)
        if self.made_dir:
            try:
                os.rmdir(self.DIR)
            except OSError:
                pass


class NotifySocket:
    """The service manager's side of sd_notify: collects what the agent sends."""

    def __init__(self, workdir):
        self.path = os.path.join(workdir, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.setblocking(False)
        self.messages = []

    def drain(self):
        while True:
            try:
                data = self.sock.recv(4096)
            except BlockingIOError:
                return self.messages
            self.messages.extend(data.decode().splitlines())

    def has(self, message):
        return message in self.drain()

    def close(self):
        self.sock.close()


class Agent:
    """pae-agent with a configuration of the test's own."""

    def reconcile(self):
        """Ask for a reconcile pass and wait for it to finish; returns the pass."""
        return self.run_pass("reconcile")

    def run_pass(self, name):
        def runs():
            passes = self.paectl("status")["passes"]
            return passes[name]["runs"] if passes[name] else 0
        before = runs()
        self.paectl(name, "--wait")

        def finished():
            current = self.paectl("status")["passes"][name]
            return current and current["runs"] > before and current["finished"] and current
        return wait_until(finished, what=f"a {name} pass")

    def __init__(self, workdir, libvirt_uri, extra_config="", name="agent"):
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.state_dir = os.path.join(self.dir, "state")
        self.config = os.path.join(self.dir, "pae.conf")
        self.write_config(libvirt_uri, extra_config)
        self.process = None
        self.notify = None

    def write_config(self, libvirt_uri, extra_config=""):
        with open(self.config, "w") as f:
            f.write(textwrap.dedent(f"""\
                [agent]
                libvirt_uri={libvirt_uri}
                state_directory={self.state_dir}
                log_target=stderr
                debug_domains=all
                reconnect_min=200ms
                reconnect_max=1s
                batch_delay=20ms
                """))
            f.write(textwrap.dedent(extra_config))

    def start(self, env=None, wait_ready=True):
        self.notify = NotifySocket(self.dir) if self.notify is None else self.notify
        environ = dict(os.environ)
        environ["NOTIFY_SOCKET"] = self.notify.path
        environ.update(env or {})
        self.process = Process([PAE_AGENT, "--config", self.config],
                               os.path.join(self.dir, "agent.log"), env=environ)
        if wait_ready:
            wait_until(lambda: self.notify.has("READY=1") or not self.process.alive(),
                       what="READY=1 from pae-agent")
            if not self.process.alive():
                raise RuntimeError("pae-agent died:\n" + self.process.output())
        return self

    def stop(self):
        code = self.process.stop() if self.process is not None else None
        self.process = None
        return code

    def signal(self, signum):
        os.kill(self.process.pid, signum)

    def paectl(self, *args, check=True):
        result = subprocess.run([PAECTL, "--config", self.config, "--json", *args],
                                capture_output=True, text=True, timeout=30)
        if check and result.returncode != 0:
            raise AssertionError(f"paectl {' '.join(args)} failed ({result.returncode}): "
                                 f"{result.stderr}")
        return json.loads(result.stdout) if result.stdout.strip() else None

    def vm(self, uuid_or_name):
        return self.paectl("vm", uuid_or_name)

    def vms(self, *args):
        return self.paectl("vms", *args)["vms"]

    @property
    def spool_dir(self):
        """Where the agent reads the hook's records (the default spool_directory)."""
        return os.path.join(self.state_dir, "spool")

    def spool_records(self):
        """The records waiting in the spool, oldest first."""
        try:
            names = os.listdir(self.spool_dir)
        except FileNotFoundError:
            return []
        return sorted(n for n in names if n.endswith(".rec") and not n.startswith("."))

    def history_kinds(self, uuid_or_name, source=None):
        history = self.vm(uuid_or_name)["history"]
        return [h["kind"] for h in history if source is None or h["source"] == source]

    def close(self):
        self.stop()
        if self.notify is not None:
            self.notify.close()


class PaeTestCase(unittest.TestCase):
    """A test case with a private work directory and a list of things to
    stop, stopped in reverse order even when the test fails."""

    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="pae-e2e-")
        self._agents = []
        self.addCleanup(self._remove_workdir)

    def _remove_workdir(self):
        if not os.environ.get("PAE_TEST_KEEP"):
            shutil.rmtree(self.workdir, ignore_errors=True)

    def later(self, func):
        """Stop something when the test ends, even when setUp fails half-way."""
        self.addCleanup(self._stop_quietly, func)

    @staticmethod
    def _stop_quietly(func):
        try:
            func()
        except Exception as exc:  # a cleanup must not hide the others
            print(f"cleanup failed: {exc}")

    def _failed(self):
        result = getattr(self._outcome, "result", None)
        if result is None:
            return False
        return any(test is self for test, _ in result.errors + result.failures)

    def tearDown(self):
        failed = self._failed()
        if failed or os.environ.get("PAE_TEST_KEEP"):
            for agent in self._agents:
                print(f"--- {agent.dir}/agent.log ---")
                log = os.path.join(agent.dir, "agent.log")
                if os.path.exists(log):
                    with open(log, errors="replace") as f:
                        print(f.read()[-6000:])

    def start_libvirtd(self, name="libvirtd"):
        daemon = Libvirtd(self.workdir, name).start()
        self.later(daemon.stop)
        return daemon

    def install_hook(self, spool_dir):
        """Install the pae hook into libvirt's qemu.d, writing into spool_dir;
        removed when the test ends, even when it fails. Call it before
        start_libvirtd()."""
        hook = LibvirtHook(spool_dir)
        self.later(hook.uninstall)
        return hook.install()

    def start_journald(self):
        journald = Journald(self.workdir).start()
        self.later(journald.stop)
        return journald

    def start_virsh(self, uri):
        virsh = Virsh(uri, self.workdir)
        self.later(virsh.close)
        wait_until(lambda: virsh("list", "--all", check=False) is not None, what="virsh")
        return virsh

    def start_emulator(self, clock=None, scenario=None, extra_args=()):
        emulator = Emulator(self.workdir, clock, scenario, extra_args)
        self.later(emulator.stop)
        return emulator

    def make_agent(self, uri, extra_config="", name="agent"):
        agent = Agent(self.workdir, uri, extra_config, name)
        self._agents.append(agent)
        self.later(agent.close)
        return agent


def domain_xml(name, uuid, tenant=None, category=None, timezone=None, clock_tz=None,
               domain_type="test", extra=""):
    """A minimal domain with pae metadata."""
    meta = ""
    for tag, value in (("tenant", tenant), ("category", category), ("timezone", timezone)):
        if value is not None:
            meta += f"<pae:{tag}>{value}</pae:{tag}>"
    metadata = (f"<metadata><pae:vm xmlns:pae='urn:x-pae:vm:1'>{meta}</pae:vm></metadata>"
                if meta else "")
    clock = f"<clock offset='timezone' timezone='{clock_tz}'/>" if clock_tz else ""
    return (f"<domain type='{domain_type}'><name>{name}</name><uuid>{uuid}</uuid>"
            f"<memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os>"
            f"{clock}{metadata}{extra}</domain>")


EMULATOR = os.path.join(SRCDIR, "bigfix-emulator", "bigfix-emulator")


class Clock:
    """The simulated clock file shared by the agent and the emulator."""

    def __init__(self, workdir, start="2026-03-02T00:00:00Z", rate=0.0):
        self.path = os.path.join(workdir, "clock.ini")
        self.write(start, rate)

    def write(self, start, rate=0.0):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"[clock]\nstart={start}\nanchor={time.time():.6f}\nrate={rate}\n")
        os.rename(tmp, self.path)


class Emulator:
    """The BigFix emulator over HTTPS, with its admin API."""

    def __init__(self, workdir, clock=None, scenario=None, extra_args=()):
        self.dir = os.path.join(workdir, "bigfix")
        os.makedirs(self.dir, exist_ok=True)
        self.password_file = os.path.join(self.dir, "password")
        with open(self.password_file, "w") as f:
            f.write("s3cret-pass\n")
        os.chmod(self.password_file, 0o600)
        self.ready_file = os.path.join(self.dir, "ready.json")
        argv = ["/usr/bin/python3", EMULATOR, "--port", "0", "--state-dir", self.dir,
                "--user", "pae", "--password-file", self.password_file,
                "--ready-file", self.ready_file, *extra_args]
        if clock is not None:
            argv += ["--clock-file", clock.path]
        if scenario is not None:
            argv += ["--scenario", scenario]
        self.process = Process(argv, os.path.join(self.dir, "emulator.log"))
        wait_until(lambda: os.path.exists(self.ready_file) or not self.process.alive(),
                   what="the emulator's ready file")
        if not self.process.alive():
            raise RuntimeError("the emulator died:\n" + self.process.output())
        with open(self.ready_file) as f:
            ready = json.load(f)
        self.base_url = ready["base_url"]
        self.ca_file = ready["ca_file"]
        import ssl
        self._ssl = ssl.create_default_context(cafile=self.ca_file)

    def admin(self, method, path, body=None):
        import urllib.request
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + "/admin/" + path, data=data,
                                         method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=self._ssl, timeout=30) as reply:
            text = reply.read().decode()
        return json.loads(text) if text else None

    def requests(self):
        return self.admin("GET", "requests")["requests"]

    def actions(self):
        return self.admin("GET", "actions")

    def config(self, sites=("Patches for RHEL 8",), extra=""):
        """The [bigfix] group for an agent talking to this emulator."""
        return textwrap.dedent(f"""\
            patch_server=bigfix

            [bigfix]
            url={self.base_url}
            user=pae
            password_file={self.password_file}
            ca_file={self.ca_file}
            patch_sites={";".join(sites)};
            retries=1
            retry_min=100ms
            retry_max=200ms
            breaker_cooldown=2s
            """) + textwrap.dedent(extra)

    def stop(self):
        self.process.stop()
