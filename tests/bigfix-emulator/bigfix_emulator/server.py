"""HTTPS server: Basic auth, /api/ routing, fault injection, request log."""

import argparse
import base64
import hmac
import json
import os
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lxml import etree

from . import actions, admin, model, relevance, replies, scenario, schedule
from . import timefmt
from .clock import Clock, ClockError
from .faults import Faults

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_DIR = os.path.join(os.path.dirname(HERE), "schemas")
REALM = "BigFix Server"
MAX_BODY = 32 * 1024 * 1024

XML = "application/xml"
JSON = "application/json"
TEXT = "text/plain; charset=UTF-8"


class Emulator:
    """Everything the handlers share.  `lock` guards fleet and engine."""

    def __init__(self, clock, fleet, server_tz_name="UTC", target_limit=10000,
                 status_v11=True, user="pae", password="pae"):
        self.lock = threading.RLock()
        self.clock = clock
        self.server_tz_name = server_tz_name
        self.server_tz = schedule.zone(server_tz_name)
        self.fleet = fleet
        self.engine = actions.Engine(fleet, self.server_tz)
        self.target_limit = target_limit
        self.status_v11 = status_v11
        self.user, self.password = user, password
        self.faults = Faults()
        self.base_url = "https://127.0.0.1"
        self._log_lock = threading.Lock()
        self._log = []
        self._seq = 0
        self.admin = admin.Admin(self)
        parser = etree.XMLParser(resolve_entities=False, no_network=True,
                                 load_dtd=False)
        self.bes_schema = etree.XMLSchema(
            etree.parse(os.path.join(SCHEMA_DIR, "BES.xsd"), parser))

    def advance(self):
        """Current simulated time, with every due event processed.
        Call with the lock held."""
        now = self.clock.now()
        self.engine.advance_to(now)
        return now

    def replace_fleet(self, fleet):
        self.fleet = fleet
        self.engine = actions.Engine(fleet, self.server_tz,
                                     first_action_id=self.engine.next_id)

    # -- request log ------------------------------------------------------------
    def log_request(self, entry):
        with self._log_lock:
            self._seq += 1
            entry["seq"] = self._seq
            self._log.append(entry)

    def requests(self, since=0):
        with self._log_lock:
            return [dict(e) for e in self._log if e["seq"] > since]

    def request_count(self):
        with self._log_lock:
            return len(self._log)

    def clear_requests(self):
        with self._log_lock:
            self._log.clear()

    # -- /api/ ------------------------------------------------------------------
    def check_auth(self, header):
        if not header or not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(
                header[6:].strip(), validate=True).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return (hmac.compare_digest(user.encode(), self.user.encode())
                and hmac.compare_digest(password.encode(),
                                        self.password.encode()))

    def api(self, method, segs, query, body, ctype, entry):
        """-> (status, content type, body bytes, extra headers)."""
        if not segs:
            return 404, XML, b"", {}
        head = segs[0]
        if head == "login" and len(segs) == 1:
            return self._only(method, "GET") or (200, TEXT, b"ok", {})
        if head == "help":
            return self._only(method, "GET") or (200, TEXT, replies.help_text(),
                                                 {})
        if head == "query" and len(segs) == 1:
            return self._query(method, query, body, ctype, entry)
        with self.lock:
            now = self.advance()
            fleet, engine, base = self.fleet, self.engine, self.base_url
            if head == "computers" and len(segs) == 1:
                return self._only(method, "GET") or (
                    200, XML, replies.computers(fleet, now, base), {})
            if head == "computer" and len(segs) == 2:
                c = fleet.computers.get(_int(segs[1]))
                if c is None:
                    return 404, XML, b"", {}
                return self._only(method, "GET") or (
                    200, XML, replies.computer(c, fleet, now, base), {})
            if head == "sites" and len(segs) == 1:
                return self._only(method, "GET") or (
                    200, XML, replies.sites(fleet, base), {})
            if head == "fixlets":
                site = _site_from_path(segs[1:])
                if site is None or site not in fleet.sites:
                    return 404, XML, b"", {}
                items = [f for _, f in sorted(fleet.fixlets.items())
                         if f.site == site]
                return self._only(method, "GET") or (
                    200, XML, replies.fixlet_list(items, base), {})
            if head == "fixlet":
                site = _site_from_path(segs[1:-1])
                f = (fleet.find_fixlet(site, _int(segs[-1]))
                     if site is not None and _int(segs[-1]) is not None
                     else None)
                if f is None or segs[1] != f.site_type:
                    return 404, XML, b"", {}
                return self._only(method, "GET") or (200, XML, replies.fixlet(f),
                                                     {})
            if head == "actions" and len(segs) == 1:
                if method == "POST":
                    entry["body"] = body.decode("utf-8", errors="replace")
                    return self._post_action(body, now)
                return self._only(method, "GET") or (
                    200, XML, replies.action_list(
                        [engine.actions[a] for a in sorted(engine.actions)],
                        base), {})
            if head == "action" and len(segs) in (2, 3):
                a = engine.actions.get(_int(segs[1]))
                if a is None:
                    return 404, XML, b"", {}
                if len(segs) == 2:
                    if method == "DELETE":
                        engine.delete(a, now)
                        return 200, TEXT, b"ok", {}
                    return self._only(method, "GET", "DELETE") or (
                        200, XML, a.document, {})
                if segs[2] == "status":
                    return self._only(method, "GET") or (
                        200, XML, replies.action_status(
                            a, fleet, now, base, self.status_v11), {})
                if segs[2] == "stop":
                    if method != "POST":
                        return self._only(method, "POST")
                    engine.stop(a, now)
                    return 200, TEXT, b"ok", {}
        return 404, XML, b"", {}

    @staticmethod
    def _only(method, *allowed):
        if method in allowed:
            return None
        return (405, TEXT, b"Method Not Allowed",
                {"Allow": ", ".join(allowed)})

    def _query(self, method, query, body, ctype, entry):
        if method == "POST":
            if ctype and "json" in ctype:
                return (400, TEXT, b"The emulator accepts form-encoded "
                        b"relevance only.", {})
            query = urllib.parse.parse_qs(body.decode("utf-8", "replace"),
                                          keep_blank_values=True)
        elif method != "GET":
            return self._only(method, "GET", "POST")
        rel = query.get("relevance", [None])[0]
        json_out = query.get("output", [""])[0].lower() == "json"
        if rel is None:
            return 400, TEXT, b"Missing parameter: relevance", {}
        entry["relevance"] = rel
        headers = {"x-bes-relevance-engine-type": "BigFix Web Reports Server"}
        with self.lock:
            now = self.advance()
            try:
                rows, types, ms = relevance.evaluate(
                    rel, self.fleet, self.engine, now, self.server_tz)
            except relevance.RelevanceError as e:
                entry["relevance_error"] = str(e)
                if json_out:
                    return 200, JSON, replies.query_json_error(str(e)), headers
                return 200, XML, replies.query_error(rel, str(e)), headers
        if json_out:
            return 200, JSON, replies.query_json(rows, types, ms), headers
        return 200, XML, replies.query(rel, rows, types, ms), headers

    def _post_action(self, body, now):
        parser = etree.XMLParser(resolve_entities=False, no_network=True,
                                 load_dtd=False, remove_blank_text=False)
        try:
            root = etree.fromstring(body, parser)
        except etree.XMLSyntaxError as e:
            return 400, TEXT, ("XML parsing error: %s" % e).encode(), {}
        if root.getroottree().docinfo.internalDTD is not None:
            return (400, TEXT, b"XML parsing error: a DOCTYPE is not allowed",
                    {})
        try:
            valid = self.bes_schema.validate(root)
        except etree.Error as e:
            return 400, TEXT, ("XML parsing error: %s" % e).encode(), {}
        if not valid:
            err = list(self.bes_schema.error_log)[0]
            return 400, TEXT, ("XML parsing error: %s" % err.message).encode(), {}
        try:
            spec = actions.parse_action(root, self.fleet, self.target_limit)
            document = (replies.XML_DECL
                        + etree.tostring(root, encoding="unicode")
                        + "\n").encode("utf-8")
            a = self.engine.issue(spec, document, now)
        except actions.ActionRejected as e:
            return e.status, TEXT, e.text.encode("utf-8"), {}
        return 200, XML, replies.action_created(a, self.base_url), {}


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def _site_from_path(segs):
    """['external', 'Patches for RHEL 8'] -> site name; ['master'] -> ..."""
    if len(segs) == 1 and segs[0] == "master":
        return model.MASTER_SITE
    if len(segs) == 2 and segs[0] in ("external", "custom", "operator"):
        return segs[1]
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "BigFixEmulator/1.0"

    def version_string(self):
        return self.server_version
    timeout = 120

    # TLS handshake in the worker thread, not in accept()
    def setup(self):
        self.aborted = None
        self.request.settimeout(self.timeout)
        self.request = self.server.tls.wrap_socket(self.request,
                                                   server_side=True)
        super().setup()

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass
        try:
            if self.aborted == "reset":
                self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                        struct.pack("ii", 1, 0))
            self.request.close()
        except OSError:
            pass

    def handle(self):
        try:
            super().handle()
        except (ConnectionError, ssl.SSLError, socket.timeout, OSError):
            self.close_connection = True

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("bigfix-emulator: %s %s\n" % (
                self.address_string(), fmt % args))

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PUT(self):
        self._dispatch("PUT")

    # -- plumbing ---------------------------------------------------------------
    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks, total = [], 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise ValueError("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status, ctype, body, headers=None):
        self.send_response(status)
        if body or status != 204:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _dispatch(self, method):
        raw_path, _, qs = self.path.partition("?")
        segs = admin.split_path(raw_path)
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self._send(413, TEXT, b"Request body too large or malformed")
            return
        if segs and segs[0] == "admin":
            self._admin(method, segs[1:], qs, body)
        elif segs and segs[0] == "api":
            self._api(method, raw_path, segs[1:], qs, body)
        else:
            self._send(404, TEXT, b"Not Found")

    def _admin(self, method, segs, qs, body):
        try:
            data = json.loads(body) if body.strip() else None
        except ValueError as e:
            self._send(400, JSON, json.dumps({"error": "bad JSON: %s" % e})
                       .encode())
            return
        status, obj = self.server.emu.admin.handle(
            method, segs, urllib.parse.parse_qs(qs), data)
        self._send(status, JSON, (json.dumps(obj, indent=1) + "\n").encode())

    def _api(self, method, raw_path, segs, qs, body):
        emu = self.server.emu
        entry = {"method": method,
                 "path": raw_path + ("?" + qs if qs else ""),
                 "time": timefmt.iso(emu.clock.now()),
                 "real_time": time.time(), "fault": None}
        try:
            if not emu.check_auth(self.headers.get("Authorization")):
                entry["status"] = 401
                self._send(401, TEXT, b"Unauthorized: bad or missing "
                                      b"credentials\n",
                           {"WWW-Authenticate": 'Basic realm="%s"' % REALM})
                return
            fault = emu.faults.take(method, raw_path)
            if fault is not None:
                entry["fault"] = fault.kind
                if fault.kind == "latency":
                    time.sleep(fault.ms / 1000.0)
                    fault = None
                elif fault.phase == "before":
                    entry["status"] = self._fault(fault, b"", qs)
                    return
            query = urllib.parse.parse_qs(qs, keep_blank_values=True)
            try:
                status, ctype, reply, headers = emu.api(
                    method, segs, query, body,
                    self.headers.get("Content-Type"), entry)
            except Exception:  # a bug in the emulator: say so, keep serving
                traceback.print_exc(file=sys.stderr)
                status, ctype, reply, headers = (
                    500, TEXT, b"Internal error in the BigFix emulator", {})
            if fault is not None:
                entry["status"] = self._fault(fault, reply, qs, query)
                return
            entry["status"] = status
            self._send(status, ctype, reply, headers)
        finally:
            emu.log_request(entry)

    # -- faults -----------------------------------------------------------------
    def _fault(self, fault, reply, qs, query=None):
        """Answer with `fault`; return the status to log (0 = no reply)."""
        self.close_connection = True
        if fault.kind == "status":
            text = ("Injected fault: HTTP %d\n" % fault.status).encode()
            self._send(fault.status, TEXT, text)
            return fault.status
        if fault.kind == "reset":
            self.aborted = "reset"   # finish() closes with a TCP reset
            return 0
        if fault.kind == "truncated":
            body = reply or (replies.XML_DECL.encode() + b"<BESAPI>"
                             + b" " * 200 + b"</BESAPI>\n")
            self.send_response(200)
            self.send_header("Content-Type", XML)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.aborted = "close"   # finish() closes: fewer bytes than said
            return 200
        if fault.kind == "malformed":
            wants_json = "output=json" in qs
            body = (b'{"result": [[1, "vm-a"], [2, "vm-' if wants_json else
                    replies.XML_DECL.encode()
                    + b'<BESAPI xmlns:xsi="http://www.w3.org/2001/XMLSchema-'
                      b'instance"><Query Resource="x"><Result><Tuple>'
                      b'<Answer type="integer">1</Answ')
            self._send(200, JSON if wants_json else XML, body)
            return 200
        if fault.kind == "oversized":
            self._oversized(fault.bytes)
            return 200
        raise AssertionError(fault.kind)

    def _oversized(self, size):
        head = (replies.XML_DECL + '<BESAPI xmlns:xsi="http://www.w3.org/2001/'
                'XMLSchema-instance">\n').encode()
        chunk = b"<Computer><ID>1</ID></Computer>\n" * 2048
        self.send_response(200)
        self.send_header("Content-Type", XML)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        try:
            sent = 0
            first = head[:size]
            self.wfile.write(first)
            sent += len(first)
            while sent < size:
                piece = chunk[:size - sent]
                self.wfile.write(piece)
                sent += len(piece)
            self.wfile.flush()
        except (ConnectionError, ssl.SSLError, OSError):
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, emu, tls, port=0, verbose=False):
        self.emu, self.tls, self.verbose = emu, tls, verbose
        super().__init__(("127.0.0.1", port), Handler)

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)


# -- start-up -----------------------------------------------------------------------

def make_certificate(state_dir):
    cert = os.path.join(state_dir, "cert.pem")
    key = os.path.join(state_dir, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", key, "-out", cert],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.chmod(key, 0o600)
    return cert, key


def write_ready(path, data):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
        f.write("\n")
    os.replace(tmp, path)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="bigfix-emulator",
        description="A BigFix REST API server emulator (test fixture).")
    p.add_argument("--port", type=int, default=52311,
                   help="TCP port on 127.0.0.1 (0 = any free port)")
    p.add_argument("--state-dir", required=True,
                   help="directory for the certificate and key")
    p.add_argument("--user", default="pae", help="Basic-auth user")
    p.add_argument("--password-file",
                   help="file holding the password (one trailing newline "
                        "is stripped); default password: pae")
    p.add_argument("--clock-file",
                   help="INI clock shared with the agent (created if missing)")
    p.add_argument("--scenario", help="scenario JSON file to load at start")
    p.add_argument("--server-timezone", default="UTC",
                   help="IANA zone for ...LocalOffset action times")
    p.add_argument("--ready-file", help="written atomically when serving")
    p.add_argument("--target-limit", type=int, default=10000,
                   help="max explicit targets per action (else 413)")
    p.add_argument("--uuid-property", default=None,
                   help="name of the VM UUID property (default: VM UUID)")
    p.add_argument("--status-format", choices=("10", "11"), default="11",
                   help="action status shape: 11 adds ExitCode, StartTime, "
                        "EndTime, DateIssued and Computer@Name")
    p.add_argument("--verbose", action="store_true",
                   help="log every request to stderr")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        schedule.check_zone(args.server_timezone)
    except ValueError as e:
        sys.exit("bigfix-emulator: %s" % e)
    password = "pae"
    if args.password_file:
        with open(args.password_file, encoding="utf-8") as f:
            password = f.read()
        if password.endswith("\n"):
            password = password[:-1]
    os.makedirs(args.state_dir, exist_ok=True)
    try:
        clock = Clock(args.clock_file)
    except ClockError as e:
        sys.exit("bigfix-emulator: %s" % e)
    now = clock.now()
    if args.scenario:
        with open(args.scenario, encoding="utf-8") as f:
            data = json.load(f)
        try:
            fleet = scenario.load(data, now, args.uuid_property)
        except model.ModelError as e:
            sys.exit("bigfix-emulator: scenario %s: %s" % (args.scenario, e))
    else:
        fleet = model.Fleet(args.uuid_property or "VM UUID")
    if args.uuid_property:
        fleet.uuid_property = args.uuid_property

    cert, key = make_certificate(args.state_dir)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.minimum_version = ssl.TLSVersion.TLSv1_2
    tls.load_cert_chain(cert, key)

    emu = Emulator(clock, fleet, args.server_timezone, args.target_limit,
                   args.status_format == "11", args.user, password)
    server = Server(emu, tls, args.port, args.verbose)
    port = server.server_address[1]
    emu.base_url = "https://127.0.0.1:%d" % port

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.ready_file:
        write_ready(args.ready_file, {
            "port": port, "pid": os.getpid(),
            "ca_file": os.path.abspath(cert), "base_url": emu.base_url})
    if args.verbose:
        sys.stderr.write("bigfix-emulator: serving %s\n" % emu.base_url)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0
