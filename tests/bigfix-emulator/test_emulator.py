#!/usr/bin/python3
"""Tests for the BigFix emulator: start it as a subprocess, talk HTTPS.

Run:  /usr/bin/python3 -m unittest discover -s tests/bigfix-emulator
  or  tests/bigfix-emulator/test_emulator.py
"""

import datetime
import email.utils
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from lxml import etree

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bigfix_emulator import relevance, schedule, timefmt  # noqa: E402

EMULATOR = os.path.join(HERE, "bigfix-emulator")
SCHEMAS = os.path.join(HERE, "schemas")
DEMO = os.path.join(HERE, "scenarios", "demo.json")
SITE = "Patches for RHEL 8"
SITE_PATH = urllib.parse.quote(SITE, safe="")
START = "2026-03-01T00:00:00Z"
PASSWORD = "s3cret:with colon"
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True,
                              load_dtd=False)

Q1 = ('(id of computer of it, name of computer of it | "", value of it | "", '
      '(last report time of computer of it as string) | "") of results of '
      'bes properties whose (name of it = "%s")')
Q2 = ('(id of computer of it, name of site of fixlet of it, id of fixlet of '
      'it) of results whose (relevant flag of it) of bes fixlets whose (%s)')
Q3 = ('(name of site of it, id of it, name of it, source severity of it | "", '
      'category of it | "", (source release date of it as string) | "", '
      'cve id list of it | "") of bes fixlets whose (%s)')
Q4 = ('(id of it, name of it, state of it, (time issued of it as string) | "")'
      ' of bes actions whose (%s)')
Q5 = ('(id of action of it, id of computer of it, status of it as string, '
      'exit code of it | -1, apply count of it, (start time of it as string) '
      '| "", (end time of it as string) | "") of results of bes actions '
      'whose (%s)')
PATCH_FILTER = 'fixlet flag of it and name of site of it = "%s"' % SITE


def load_schema(name):
    return etree.XMLSchema(etree.parse(os.path.join(SCHEMAS, name),
                                       SAFE_PARSER))


def besapi_v11_schema():
    """The bundled BESAPI.xsd plus the optional ActionResults fields that
    BESAPI.xsd 11.0.4 adds (DateIssued, Computer@Name, ExitCode, StartTime,
    EndTime), so that status replies in the 11 format validate too."""
    xs = "{http://www.w3.org/2001/XMLSchema}"
    tree = etree.parse(os.path.join(SCHEMAS, "BESAPI.xsd"), SAFE_PARSER)
    root = tree.getroot()

    def element(name, typ):
        return etree.Element(xs + "element", name=name, type=typ,
                             minOccurs="0")

    crt = root.find(xs + "complexType[@name='ComputerResultType']")
    seq = crt.find(xs + "sequence")
    names = [e.get("name") for e in seq]
    seq.insert(names.index("State") + 1, element("ExitCode", "xs:integer"))
    seq.append(element("StartTime", "xs:normalizedString"))
    seq.append(element("EndTime", "xs:normalizedString"))
    crt.append(etree.Element(xs + "attribute", name="Name",
                             type="xs:normalizedString"))
    ar = root.find(".//%selement[@name='ActionResults']" % xs)
    seq = ar.find("%scomplexType/%ssequence" % (xs, xs))
    seq.insert(2, element("DateIssued", "xs:normalizedString"))
    return etree.XMLSchema(tree)


BESAPI = load_schema("BESAPI.xsd")
BESAPI11 = besapi_v11_schema()
BES = load_schema("BES.xsd")


def action_xml(fixlet, targets=None, settings="", title="pae test",
               names=None, kind="SourcedFixletAction", members=None,
               target_xml=None):
    if target_xml is None:
        if names:
            target_xml = "".join("<ComputerName>%s</ComputerName>" % n
                                 for n in names)
        else:
            target_xml = "".join("<ComputerID>%d</ComputerID>" % t
                                 for t in targets)
    settings_xml = "<Settings>%s</Settings>" % settings if settings else ""
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<BES xmlns:xsi='
            '"http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="BES.xsd">')
    if kind == "MultipleActionGroup":
        body = "".join(
            "<SourcedMemberAction><SourceFixlet><Sitename>%s</Sitename>"
            "<FixletID>%d</FixletID><Action>Action1</Action></SourceFixlet>"
            "</SourcedMemberAction>" % (SITE, m) for m in members)
        return ("%s<MultipleActionGroup><Title>%s</Title>%s%s<Target>%s"
                "</Target></MultipleActionGroup></BES>" % (
                    head, title, body, settings_xml, target_xml)).encode()
    return ("%s<SourcedFixletAction><SourceFixlet><Sitename>%s</Sitename>"
            "<FixletID>%d</FixletID><Action>Action1</Action></SourceFixlet>"
            "<Target>%s</Target>%s<Title>%s</Title></SourcedFixletAction>"
            "</BES>" % (head, SITE, fixlet, target_xml, settings_xml,
                        title)).encode()


LOCAL_WINDOW = ("<HasTimeRange>true</HasTimeRange><TimeRange><StartTime>02:00:00"
                "</StartTime><EndTime>04:00:00</EndTime></TimeRange>"
                "<HasStartTime>true</HasStartTime><StartDateTimeLocalOffset>PT0S"
                "</StartDateTimeLocalOffset><HasEndTime>true</HasEndTime>"
                "<EndDateTimeLocalOffset>P2D</EndDateTimeLocalOffset>"
                "<UseUTCTime>false</UseUTCTime>")
UTC_WINDOW = LOCAL_WINDOW.replace("<UseUTCTime>false", "<UseUTCTime>true")


class Emulator:
    """One emulator process on a temporary state directory."""

    def __init__(self, *extra, scenario=DEMO, rate=0, clock_start=START,
                 clock_file=True):
        self.dir = tempfile.mkdtemp(prefix="bigfix-emulator-test-")
        self.ready = os.path.join(self.dir, "ready.json")
        pw = os.path.join(self.dir, "password")
        with open(pw, "w") as f:
            f.write(PASSWORD + "\n")
        self.clock_file = os.path.join(self.dir, "clock.ini")
        with open(self.clock_file, "w") as f:
            f.write("[clock]\nstart=%s\nanchor=%f\nrate=%s\n"
                    % (clock_start, time.time(), rate))
        args = [EMULATOR, "--port", "0", "--state-dir",
                os.path.join(self.dir, "state"), "--password-file", pw,
                "--ready-file", self.ready]
        if clock_file:
            args += ["--clock-file", self.clock_file]
        if scenario:
            args += ["--scenario", scenario]
        self.proc = subprocess.Popen(args + list(extra),
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.monotonic() + 15
        while not os.path.exists(self.ready):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                err = self.proc.stderr.read().decode(errors="replace")
                self.stop()
                raise RuntimeError("emulator did not start: %s" % err)
            time.sleep(0.02)
        with open(self.ready) as f:
            self.info = json.load(f)
        self.port = self.info["port"]
        self.ctx = ssl.create_default_context(cafile=self.info["ca_file"])
        token = ("pae:" + PASSWORD).encode()
        import base64
        self.auth = "Basic " + base64.b64encode(token).decode()

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        if self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- HTTP ----------------------------------------------------------------
    def conn(self, timeout=20):
        return http.client.HTTPSConnection("127.0.0.1", self.port,
                                           context=self.ctx, timeout=timeout)

    def request(self, method, path, body=None, auth=True, headers=None):
        h = dict(headers or {})
        if auth is True:
            h["Authorization"] = self.auth
        elif auth:
            h["Authorization"] = auth
        c = self.conn()
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            return r.status, r, r.read()
        finally:
            c.close()

    def get(self, path):
        return self.request("GET", path)

    def urlopen(self, path):
        """GET through urllib, as a plain client would."""
        req = urllib.request.Request("https://127.0.0.1:%d%s" % (self.port,
                                                                path))
        req.add_header("Authorization", self.auth)
        with urllib.request.urlopen(req, context=self.ctx, timeout=20) as r:
            return r.status, r.read()

    def admin(self, method, path, obj=None):
        body = json.dumps(obj).encode() if obj is not None else None
        status, _, data = self.request(method, "/admin/" + path, body,
                                       auth=False)
        return status, json.loads(data)

    def adm(self, method, path, obj=None):
        status, data = self.admin(method, path, obj)
        if status != 200:
            raise AssertionError("admin %s %s -> %d %s" % (method, path,
                                                           status, data))
        return data

    def advance(self, seconds):
        return self.adm("POST", "clock", {"advance": seconds})

    def query(self, rel, output_json=False, post=False):
        params = {"relevance": rel}
        if output_json:
            params["output"] = "json"
        enc = urllib.parse.urlencode(params)
        if post:
            return self.request("POST", "/api/query", enc, headers={
                "Content-Type": "application/x-www-form-urlencoded"})
        return self.request("GET", "/api/query?" + enc)

    def rows(self, rel):
        status, _, data = self.query(rel, output_json=True)
        assert status == 200, status
        d = json.loads(data)
        assert "error" not in d, d
        return [tuple(r) for r in d["result"]]

    def post_action(self, xml):
        return self.request("POST", "/api/actions", xml)

    def issue(self, xml):
        status, _, data = self.post_action(xml)
        assert status == 200, (status, data)
        doc = etree.fromstring(data, SAFE_PARSER)
        BESAPI.assertValid(doc)
        return int(doc.findtext("Action/ID"))


def parse_valid(data, schema=BESAPI):
    doc = etree.fromstring(data, SAFE_PARSER)
    schema.assertValid(doc)
    return doc


class EmulatorCase(unittest.TestCase):
    EXTRA = ()
    SCENARIO = DEMO

    def setUp(self):
        self.emu = Emulator(*self.EXTRA, scenario=self.SCENARIO)

    def tearDown(self):
        self.emu.stop()

    def status_rows(self, aid):
        status, _, data = self.emu.get("/api/action/%d/status" % aid)
        self.assertEqual(status, 200)
        doc = parse_valid(data, BESAPI11)
        return doc, {int(c.get("ID")): c for c in doc.findall(
            "ActionResults/Computer")}

    def q5(self, aid):
        return {r[1]: r for r in self.emu.rows(Q5 % ("id of it = %d" % aid))}


# -- module-level unit tests (no server) ----------------------------------------

class TestUnits(unittest.TestCase):
    def test_rfc1123(self):
        self.assertEqual(timefmt.rfc1123(timefmt.parse_iso(
            "2016-05-25T22:28:02Z")), "Wed, 25 May 2016 22:28:02 +0000")
        self.assertEqual(timefmt.rfc1123_date(datetime.date(2026, 3, 10)),
                         "Tue, 10 Mar 2026")

    def test_durations(self):
        self.assertEqual(timefmt.parse_duration("P1DT2H3M4S"), 93784)
        self.assertEqual(timefmt.parse_duration("-P1D"), -86400)
        self.assertEqual(timefmt.parse_duration("PT0.5S"), 0.5)
        with self.assertRaises(ValueError):
            timefmt.parse_duration("P1W")

    def test_dst_gap_starts_at_transition(self):
        ny = schedule.zone("America/New_York")
        t = schedule.localize(datetime.datetime(2026, 3, 8, 2, 30), ny)
        self.assertEqual(timefmt.iso(t), "2026-03-08T07:00:00Z")
        # repeated hour: first occurrence (EDT)
        t = schedule.localize(datetime.datetime(2026, 11, 1, 1, 30), ny)
        self.assertEqual(timefmt.iso(t), "2026-11-01T05:30:00Z")

    def test_skipped_day(self):
        apia = schedule.zone("Pacific/Apia")  # 2011-12-30 did not exist
        t = schedule.localize(datetime.datetime(2011, 12, 30, 12, 0), apia)
        self.assertEqual(timefmt.iso(t), "2011-12-30T10:00:00Z")

    def test_wrapping_time_range_and_weekdays(self):
        c = schedule.Constraints(use_utc=True, time_range=(22 * 3600, 2 * 3600),
                                 days=frozenset([2]))  # Wednesday only
        t0 = timefmt.parse_iso("2026-03-02T12:00:00Z")  # a Monday
        t, why = c.first_run(t0, t0, schedule.UTC, schedule.UTC)
        self.assertEqual(timefmt.iso(t), "2026-03-04T00:00:00Z")
        self.assertEqual(why, "window")

    def test_relevance_strings(self):
        toks = relevance.tokenize('name of it = "a%22b%25c"')
        self.assertEqual(toks[-1], ("str", 'a"b%c'))
        name, pred = relevance.compile_query(
            Q4 % '(name   of it starts with "x") or\n not (id of it = 3)')
        self.assertEqual(name, "Q4")

    def test_relevance_errors(self):
        with self.assertRaisesRegex(relevance.RelevanceError,
                                    'The operator "foo" is not defined'):
            relevance.compile_query("foo of bes computers")
        with self.assertRaisesRegex(relevance.RelevanceError,
                                    '"fixlet flag" is not defined'):
            relevance.compile_query(Q4 % "fixlet flag of it")


# -- the server ------------------------------------------------------------------

class TestBasics(EmulatorCase):
    def test_ready_file_and_auth(self):
        info = self.emu.info
        self.assertEqual(set(info), {"port", "pid", "ca_file", "base_url"})
        self.assertEqual(info["base_url"], "https://127.0.0.1:%d" % info["port"])
        self.assertEqual(info["pid"], self.emu.proc.pid)
        for auth in (None, "Basic " + "cGFlOndyb25n", "Bearer x"):
            status, r, body = self.emu.request("GET", "/api/computers",
                                               auth=auth)
            self.assertEqual(status, 401)
            self.assertEqual(r.getheader("WWW-Authenticate"),
                             'Basic realm="BigFix Server"')
            self.assertTrue(body)
        status, body = self.emu.urlopen("/api/login")
        self.assertEqual(status, 200)
        status, _, body = self.emu.get("/api/help")
        self.assertIn(b"/api/query", body)

    def test_computers(self):
        status, r, data = self.emu.get("/api/computers")
        self.assertEqual(status, 200)
        self.assertEqual(r.getheader("Content-Type"), "application/xml")
        self.assertTrue(data.startswith(
            b'<?xml version="1.0" encoding="UTF-8"?>'))
        doc = parse_valid(data)
        self.assertEqual([c.findtext("ID") for c in doc.findall("Computer")],
                         ["1001", "1002", "1003", "1004", "1005"])
        self.assertEqual(doc.find("Computer").findtext("LastReportTime"),
                         "Sat, 28 Feb 2026 23:50:00 +0000")
        status, _, data = self.emu.get("/api/computer/1004")
        doc = parse_valid(data)
        props = {p.get("Name"): p.text for p in doc.findall("Computer/Property")}
        self.assertEqual(props["Computer Name"], "vm-syd-1")
        self.assertEqual(props["ID"], "1004")
        self.assertEqual(props["VM UUID"],
                         "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f04")
        self.assertEqual(props["Last Report Time"],
                         "Sat, 28 Feb 2026 23:58:00 +0000")

    def test_unknown_ids_404_empty(self):
        for method, path in (
                ("GET", "/api/computer/999"), ("GET", "/api/computer/x"),
                ("GET", "/api/action/999"), ("GET", "/api/action/999/status"),
                ("POST", "/api/action/999/stop"), ("DELETE", "/api/action/999"),
                ("GET", "/api/fixlet/external/%s/1" % SITE_PATH),
                ("GET", "/api/fixlet/custom/%s/801001" % SITE_PATH),
                ("GET", "/api/nothing")):
            status, r, body = self.emu.request(method, path)
            self.assertEqual((status, body), (404, b""), path)
            self.assertEqual(r.getheader("Content-Length"), "0")

    def test_fixlet_content(self):
        status, _, data = self.emu.get("/api/fixlet/external/%s/801001"
                                       % SITE_PATH)
        self.assertEqual(status, 200)
        doc = parse_valid(data, BES)
        f = doc.find("Fixlet")
        self.assertEqual(f.findtext("Title"),
                         "RHSA-2026:0101: kernel security update (Important)")
        self.assertEqual(f.findtext("SourceSeverity"), "Important")
        self.assertEqual(f.findtext("SourceReleaseDate"), "2026-02-10")
        self.assertEqual(f.findtext("Category"), "Security Advisory")
        self.assertEqual(f.findtext("CVENames"), "CVE-2026-0001, CVE-2026-0002")
        self.assertEqual(f.find("DefaultAction").get("ID"), "Action1")
        doc = parse_valid(self.emu.get("/api/fixlets/external/%s" % SITE_PATH)[2])
        self.assertEqual(len(doc.findall("Fixlet")), 5)
        doc = parse_valid(self.emu.get("/api/sites")[2])
        self.assertEqual(doc.findtext("ExternalSite/Name"), SITE)

    def test_q1_uuid_property(self):
        rows = self.emu.rows(Q1 % "VM UUID")
        self.assertEqual(rows[0], (1001, "vm-lon-1",
                                   "3f6c2a4e-8b1d-4c55-9a0e-1b2c3d4e5f01",
                                   "Sat, 28 Feb 2026 23:50:00 +0000"))
        self.assertEqual([r[0] for r in rows], [1001, 1002, 1003, 1004])
        status, _, data = self.emu.query(Q1 % "VM UUID")
        doc = parse_valid(data)
        q = doc.find("Query")
        self.assertEqual(q.get("Resource"), Q1 % "VM UUID")
        self.assertEqual(q.findtext("Evaluation/Plurality"), "Plural")
        self.assertTrue(q.findtext("Evaluation/Time").endswith("ms"))
        tuples = q.findall("Result/Tuple")
        self.assertEqual(len(tuples), 4)
        self.assertEqual([a.get("type") for a in tuples[0]],
                         ["integer", "string", "string", "string"])
        # the property name is configurable
        self.emu.adm("POST", "config", {"uuid_property": "SMBIOS UUID"})
        self.assertEqual(self.emu.rows(Q1 % "VM UUID"), [])
        self.assertEqual(len(self.emu.rows(Q1 % "SMBIOS UUID")), 4)

    def test_q2_relevant_fixlets(self):
        want = {(1001, SITE, 801001), (1001, SITE, 801002), (1001, SITE, 801003),
                (1002, SITE, 801001), (1002, SITE, 801003),
                (1003, SITE, 801002), (1003, SITE, 801004),
                (1004, SITE, 801001), (1004, SITE, 801002), (1004, SITE, 801004),
                (1005, SITE, 801001)}
        self.assertEqual(set(self.emu.rows(Q2 % PATCH_FILTER)), want)
        # POST form, XML, odd whitespace
        messy = (Q2 % PATCH_FILTER).replace(", ", " ,\n\t").replace(
            "(", "(  ").replace(" of ", "   of\n")
        status, _, data = self.emu.query(messy, post=True)
        doc = parse_valid(data)
        got = {(int(t[0].text), t[1].text, int(t[2].text))
               for t in doc.findall("Query/Result/Tuple")}
        self.assertEqual(got, want)
        self.assertEqual(
            set(self.emu.rows(Q2 % ('fixlet flag of it and (id of it = 801004 '
                                    'or name of it starts with "RHSA-2026:0102")'
                                    ))),
            {(1003, SITE, 801004), (1004, SITE, 801004), (1001, SITE, 801002),
             (1003, SITE, 801002), (1004, SITE, 801002)})

    def test_q3_fixlet_metadata(self):
        rows = self.emu.rows(Q3 % (PATCH_FILTER + ' and not (name of it '
                                   'contains "Superseded")'))
        self.assertEqual([r[1] for r in rows], [801001, 801002, 801003, 801004])
        self.assertEqual(rows[0], (
            SITE, 801001, "RHSA-2026:0101: kernel security update (Important)",
            "Important", "Security Advisory", "Tue, 10 Feb 2026",
            "CVE-2026-0001, CVE-2026-0002"))
        self.assertEqual(rows[3][3:], ("Low", "Bug Fix Advisory",
                                       "Tue, 03 Mar 2026", ""))
        rows = self.emu.rows(Q3 % "id of it is contained by set of (801005; 801002)")
        self.assertEqual([r[1] for r in rows], [801002, 801005])
        # %22 and %25 in string constants
        self.emu.adm("POST", "fixlets", {
            "site": SITE, "id": 801099, "name": 'Say "hi" 100% now',
            "severity": "Low"})
        rows = self.emu.rows(Q3 % 'name of it = "Say %22hi%22 100%25 now"')
        self.assertEqual([r[1] for r in rows], [801099])
        status, _, data = self.emu.query(Q3 % 'name of it contains "%22hi"')
        parse_valid(data)

    def test_unknown_relevance_error(self):
        status, _, data = self.emu.query("foo of bes computers")
        self.assertEqual(status, 200)
        doc = parse_valid(data)
        q = doc.find("Query")
        self.assertEqual(q.findtext("Error"), 'The operator "foo" is not defined.')
        self.assertEqual(len(q.find("Result")), 0)
        self.assertIsNone(q.find("Evaluation"))
        status, _, data = self.emu.query("names of bes computers",
                                         output_json=True)
        self.assertEqual(json.loads(data),
                         {"error": 'The operator "names" is not defined.'})
        status, _, data = self.emu.query(Q2 % "id of it = ")
        self.assertIn(b"could not be parsed", data)


class TestActions(EmulatorCase):
    def test_bad_action_bodies(self):
        good = action_xml(801001, [1001])
        bad = good.replace(b"<Title>pae test</Title>", b"").replace(
            b"<Target>", b"<Title>pae test</Title><Target>")
        status, r, body = self.emu.post_action(bad)
        self.assertEqual(status, 400)
        self.assertTrue(r.getheader("Content-Type").startswith("text/plain"))
        self.assertEqual(body.decode(), "XML parsing error: Element 'Target': "
                                        "This element is not expected.")
        status, _, body = self.emu.post_action(b"<BES><SourcedFixletAction>")
        self.assertEqual(status, 400)
        self.assertTrue(body.startswith(b"XML parsing error: "))
        entity = (b'<?xml version="1.0"?><!DOCTYPE BES [<!ENTITY x SYSTEM '
                  b'"file:///etc/passwd">]><BES>&x;</BES>')
        status, _, body = self.emu.post_action(entity)
        self.assertEqual(status, 400)
        self.assertNotIn(b"root:", body)
        single = (b'<BES><SingleAction><Title>t</Title><Relevance>true'
                  b'</Relevance><ActionScript>x</ActionScript><Target>'
                  b'<ComputerID>1001</ComputerID></Target></SingleAction></BES>')
        status, _, body = self.emu.post_action(single)
        self.assertEqual(status, 400)
        self.assertIn(b"does not support SingleAction", body)
        status, _, body = self.emu.post_action(action_xml(
            801001, target_xml="<CustomRelevance>exists file "
                               "&quot;/x&quot;</CustomRelevance>"))
        self.assertEqual(status, 400)
        status, _, body = self.emu.post_action(action_xml(9, [1001]))
        self.assertEqual((status, body),
                         (400, b'Fixlet 9 was not found in site "%s".'
                          % SITE.encode()))
        self.assertEqual(self.emu.adm("GET", "actions"), [])

    def test_target_limit_413(self):
        xml = action_xml(801001, range(1, 10002))
        status, _, body = self.emu.post_action(xml)
        self.assertEqual(status, 413)
        self.assertIn(b"10001", body)
        status, _, _ = self.emu.post_action(action_xml(801001, range(1, 10001)))
        self.assertEqual(status, 200)

    def test_ids_increase_and_stored_document(self):
        a = self.emu.issue(action_xml(801001, [1001], title="pae:k1"))
        b = self.emu.issue(action_xml(801002, names=["vm-lon-1", "VM-KTM-1"],
                                      title="pae:k2"))
        g = self.emu.issue(action_xml(None, kind="MultipleActionGroup",
                                      members=[801001, 801002],
                                      target_xml="<AllComputers>true"
                                                 "</AllComputers>"))
        c = self.emu.issue(action_xml(801003, [1001]))
        self.assertTrue(a < b < g < c)
        self.assertEqual(c, g + 3)  # the group's two members have ids too
        status, r, data = self.emu.get("/api/action/%d" % a)
        doc = parse_valid(data, BES)
        self.assertEqual(doc.findtext("SourcedFixletAction/Title"), "pae:k1")
        listing = parse_valid(self.emu.get("/api/actions")[2])
        self.assertEqual([int(x.findtext("ID")) for x in
                          listing.findall("Action")], [a, b, g, c])
        dump = {x["id"]: x for x in self.emu.adm("GET", "actions")}
        self.assertEqual(sorted(x["computer"] for x in dump[b]["computers"]),
                         [1001, 1003])
        self.assertEqual(len(dump[g]["computers"]), 5)

    def test_local_and_utc_windows_and_outcomes(self):
        emu = self.emu
        local = emu.issue(action_xml(801002, [1001, 1003, 1004],
                                     LOCAL_WINDOW, "pae:local"))
        utc = emu.issue(action_xml(801003, [1001, 1002], UTC_WINDOW,
                                   "pae:utc"))
        kernel = emu.issue(action_xml(801001, [1002, 1003, 1004],
                                      LOCAL_WINDOW, "pae:kernel"))
        self.assertEqual(self.q5(local), {})  # nothing reported yet
        emu.advance(15)
        self.assertEqual({r[2] for r in self.q5(local).values()},
                         {"Evaluating"})
        emu.advance(60)
        doc, rows = self.status_rows(local)
        self.assertEqual(doc.findtext("ActionResults/Status"), "Open")
        self.assertEqual(rows[1001].findtext("State"), "11")
        self.assertEqual(self.q5(kernel)[1003][2], "Not Relevant")
        # each computer runs at 02:00 on its own clock
        emu.advance(3 * 86400)
        starts = {cid: r[5] for cid, r in self.q5(local).items()}
        self.assertEqual(starts, {
            1001: "Sun, 01 Mar 2026 02:00:00 +0000",   # London, GMT
            1003: "Sun, 01 Mar 2026 20:15:00 +0000",   # Kathmandu, +05:45
            1004: "Sun, 01 Mar 2026 15:00:00 +0000"})  # Sydney, +11:00
        # ... and a UTC action at one instant for all
        self.assertEqual({r[5] for r in self.q5(utc).values()},
                         {"Sun, 01 Mar 2026 02:00:00 +0000"})
        utc_rows = self.q5(utc)
        self.assertEqual(utc_rows[1001][2:5], ("Fixed", 0, 1))
        self.assertEqual(utc_rows[1002][2:5], ("Failed", 1, 1))
        self.assertEqual(utc_rows[1001][6], "Sun, 01 Mar 2026 02:01:00 +0000")
        k = self.q5(kernel)
        self.assertEqual(k[1002][5], "Sun, 01 Mar 2026 07:00:00 +0000")  # EST
        self.assertEqual(k[1004][2], "Pending Restart")
        doc, rows = self.status_rows(utc)
        self.assertEqual(rows[1002].findtext("State"), "4")
        self.assertEqual(rows[1002].find("State").get("IsError"), "1")
        self.assertEqual(rows[1002].findtext("ExitCode"), "1")
        self.assertEqual(rows[1002].get("Name"), "vm-nyc-1")
        # Fixed -> no longer relevant; Failed / Pending Restart -> still are
        rel = set(emu.rows(Q2 % PATCH_FILTER))
        self.assertNotIn((1001, SITE, 801003), rel)
        self.assertIn((1002, SITE, 801003), rel)
        self.assertIn((1004, SITE, 801001), rel)
        emu.adm("POST", "computer/1004/restart")
        self.assertEqual(self.q5(kernel)[1004][2], "Fixed")
        self.assertNotIn((1004, SITE, 801001), set(emu.rows(Q2 % PATCH_FILTER)))
        # every computer that reported got a newer last report time
        lrt = {r[0]: r[3] for r in emu.rows(Q1 % "VM UUID")}
        self.assertEqual(lrt[1002], "Tue, 03 Mar 2026 23:55:00 +0000")
        # the end time passed for all zones: Expired
        self.assertEqual({r[2] for r in emu.rows(Q4 % 'name of it starts with "pae:"')},
                         {"Expired"})

    def test_clock_jump_equals_waiting(self):
        emu = self.emu
        emu.adm("POST", "outcomes", {"fixlet": 801002, "result": "Failed",
                                     "exit_code": 5, "duration": 600})

        def run(step):
            emu.adm("POST", "clock", {"set": START})
            aid = emu.issue(action_xml(801002, [1001, 1003, 1004], LOCAL_WINDOW))
            gid = emu.issue(action_xml(None, kind="MultipleActionGroup",
                                       members=[801001, 801004, 801002],
                                       settings=UTC_WINDOW,
                                       target_xml="<CustomRelevance>true"
                                                  "</CustomRelevance>"))
            total = 0
            while total < 3 * 86400:
                emu.advance(step)
                total += step
            out = sorted(r[1:] for r in emu.rows(Q5 % ("id of it = %d or id of "
                                                       "it = %d" % (aid, gid))))
            rel = sorted(emu.rows(Q2 % PATCH_FILTER))
            lrt = emu.rows(Q1 % "VM UUID")
            status = emu.get("/api/action/%d/status" % gid)[2]
            status = status.replace(b"/%d/" % gid, b"/G/").replace(
                b">%d<" % gid, b">G<")
            for i in (1, 2, 3):
                status = status.replace(b"/%d/" % (gid + i), b"/M%d/" % i)
                status = status.replace(b">%d<" % (gid + i), b">M%d<" % i)
            with open(DEMO) as f:
                emu.adm("POST", "scenario", json.load(f))
            emu.adm("POST", "outcomes", {"fixlet": 801002, "result": "Failed",
                                         "exit_code": 5, "duration": 600})
            return out, rel, lrt, status

        jump = run(3 * 86400)
        steps = run(1800)
        self.assertEqual(jump, steps)
        self.assertIn((1001, "Failed", 5, 1, "Sun, 01 Mar 2026 02:00:00 +0000",
                       "Sun, 01 Mar 2026 02:10:00 +0000"), jump[0])

    def test_group_action(self):
        emu = self.emu
        emu.adm("POST", "outcomes", {"computer": 1001, "fixlet": 801002,
                                     "result": "Download Failed"})
        ok = emu.issue(action_xml(None, kind="MultipleActionGroup",
                                  members=[801001, 801003, 801004],
                                  target_xml="<ComputerID>1001</ComputerID>"
                                             "<ComputerID>1004</ComputerID>"))
        emu.advance(25)
        self.assertEqual(self.q5(ok)[1001][2], "Running")
        emu.advance(3600)
        rows = self.q5(ok)
        self.assertEqual(rows[1001][2:5], ("Fixed", 0, 1))
        self.assertEqual(rows[1001][5], "Sun, 01 Mar 2026 00:00:20 +0000")
        self.assertEqual(rows[1001][6], "Sun, 01 Mar 2026 00:02:20 +0000")
        self.assertEqual(rows[1004][2], "Pending Restart")
        doc, comps = self.status_rows(ok)
        members = doc.findall("ActionResults/MemberActionResult")
        self.assertEqual([int(m.findtext("ActionID")) for m in members],
                         [ok + 1, ok + 2, ok + 3])
        m = {(int(x.findtext("ActionID")), int(c.get("ID"))): c.findtext("State")
             for x in members for c in x.findall("Computer")}
        self.assertEqual(m[(ok + 1, 1001)], "3")   # Fixed
        self.assertEqual(m[(ok + 2, 1001)], "3")
        self.assertEqual(m[(ok + 3, 1001)], "0")   # Not Relevant
        self.assertEqual(m[(ok + 1, 1004)], "7")   # Pending Restart
        bad = emu.issue(action_xml(None, kind="MultipleActionGroup",
                                   members=[801002, 801001],
                                   target_xml="<ComputerID>1001</ComputerID>"
                                              "<ComputerID>1003</ComputerID>"))
        emu.advance(3600)
        rows = self.q5(bad)
        self.assertEqual(rows[1001][2:4], ("Failed", -1))
        self.assertEqual(rows[1003][2], "Fixed")
        doc, _ = self.status_rows(bad)
        second = doc.findall("ActionResults/MemberActionResult")[1]
        self.assertEqual(second.findall("Computer")[0].get("ID"), "1003")

    def test_expiry_stop_delete(self):
        emu = self.emu
        never = ("<HasTimeRange>true</HasTimeRange><TimeRange><StartTime>02:00:00"
                 "</StartTime><EndTime>04:00:00</EndTime></TimeRange>"
                 "<HasEndTime>true</HasEndTime><EndDateTimeOffset>PT1H"
                 "</EndDateTimeOffset><UseUTCTime>true</UseUTCTime>")
        exp = emu.issue(action_xml(801001, [1001, 1002], never, "pae:exp"))
        later = ("<HasStartTime>true</HasStartTime><StartDateTimeOffset>P1D"
                 "</StartDateTimeOffset><HasEndTime>true</HasEndTime>"
                 "<EndDateTimeOffset>P3D</EndDateTimeOffset>")
        stop = emu.issue(action_xml(801001, [1001, 1002], later, "pae:stop"))
        gone = emu.issue(action_xml(801002, [1001], later, "pae:del"))
        emu.advance(120)
        self.assertEqual({r[2] for r in self.q5(exp).values()}, {"Waiting"})
        doc, rows = self.status_rows(stop)
        self.assertEqual(rows[1001].findtext("State"), "12")
        emu.advance(3600)
        rows = self.q5(exp)
        self.assertEqual({r[2] for r in rows.values()}, {"Expired"})
        self.assertEqual(rows[1001][3:], (-1, 0, "", ""))
        doc, rows = self.status_rows(exp)
        self.assertEqual(doc.findtext("ActionResults/Status"), "Expired")
        self.assertEqual(rows[1001].findtext("State"), "20")
        status, _, body = emu.request("POST", "/api/action/%d/stop" % stop)
        self.assertEqual(status, 200)
        states = dict((r[0], r[2]) for r in emu.rows(Q4 % 'name of it starts with "pae:"'))
        self.assertEqual(states, {exp: "Expired", stop: "Stopped", gone: "Open"})
        emu.advance(2 * 86400)
        self.assertEqual({r[2] for r in self.q5(stop).values()}, {"Stopped"})
        self.assertEqual(emu.request("POST", "/api/action/%d/stop" % stop)[0],
                         200)
        status, _, _ = emu.request("DELETE", "/api/action/%d" % gone)
        self.assertEqual(status, 200)
        for path in ("/api/action/%d", "/api/action/%d/status"):
            self.assertEqual(emu.get(path % gone)[0::2], (404, b""))
        self.assertNotIn(gone, [r[0] for r in emu.rows(Q4 % "true")])

    def test_revert_reruns_open_actions(self):
        emu = self.emu
        aid = emu.issue(action_xml(801001, [1002]))  # no end time: stays open
        emu.advance(600)
        self.assertEqual(self.q5(aid)[1002][2:5], ("Fixed", 0, 1))
        emu.adm("POST", "computer/1002/reset")
        self.assertEqual(self.q5(aid)[1002][2:5], ("Fixed", 0, 1))  # old report
        emu.advance(1800)   # next report: the reverted client runs it again
        self.assertEqual(self.q5(aid)[1002][2:5], ("Fixed", 0, 2))

    def test_offline_reset_reregister(self):
        emu = self.emu
        emu.adm("POST", "computer/1001", {"online": False})
        ends = ("<HasEndTime>true</HasEndTime><EndDateTimeOffset>PT2H"
                "</EndDateTimeOffset>")
        aid = emu.issue(action_xml(801001, [1001, 1002], ends))
        emu.advance(3600)
        self.assertNotIn(1001, self.q5(aid))  # offline: never reported
        self.assertEqual(self.q5(aid)[1002][2], "Fixed")
        lrt = dict((r[0], r[3]) for r in emu.rows(Q1 % "VM UUID"))
        self.assertEqual(lrt[1001], "Sat, 28 Feb 2026 23:50:00 +0000")
        emu.adm("POST", "computer/1001", {"online": True})
        emu.advance(100)
        self.assertEqual(self.q5(aid)[1001][2:5], ("Fixed", 0, 1))
        self.assertNotIn((1001, SITE, 801001), set(emu.rows(Q2 % PATCH_FILTER)))
        emu.advance(4000)  # the action expires (an open one would re-run)
        # snapshot revert: relevant again, but the server shows the old report
        before = dict((r[0], r[3]) for r in emu.rows(Q1 % "VM UUID"))[1001]
        emu.adm("POST", "computer/1001/reset")
        emu.advance(60)
        self.assertNotIn((1001, SITE, 801001), set(emu.rows(Q2 % PATCH_FILTER)))
        self.assertEqual(dict((r[0], r[3]) for r in emu.rows(Q1 % "VM UUID"))[1001],
                         before)
        emu.advance(900)   # the next periodic report
        self.assertIn((1001, SITE, 801001), set(emu.rows(Q2 % PATCH_FILTER)))
        self.assertNotEqual(
            dict((r[0], r[3]) for r in emu.rows(Q1 % "VM UUID"))[1001], before)
        # a reverted client re-registers under a new id with the same UUID
        out = emu.adm("POST", "computer/1001/reregister", {"new_id": 1101})
        self.assertEqual(out["new_id"], 1101)
        emu.advance(60)
        uuid1 = [r for r in emu.rows(Q1 % "VM UUID") if r[2].endswith("5f01")]
        self.assertEqual([r[0] for r in uuid1], [1001, 1101])
        old, new = uuid1
        self.assertNotEqual(old[3], new[3])


class TestServerZone(EmulatorCase):
    """--server-timezone: ...LocalOffset reference and relevance times."""
    EXTRA = ("--server-timezone", "America/New_York")

    def starts(self, aid):
        return {cid: email.utils.parsedate_to_datetime(r[5]).astimezone(
            datetime.timezone.utc).strftime("%d %H:%M") if r[5] else ""
            for cid, r in self.q5(aid).items()}

    def test_offset_forms(self):
        emu = self.emu
        rows = emu.rows(Q1 % "VM UUID")
        self.assertEqual(rows[0][3], "Sat, 28 Feb 2026 18:50:00 -0500")
        targets = [1001, 1002, 1003, 1004]

        def issue(start, use_utc):
            return emu.issue(action_xml(801001, targets,
                                        "<HasStartTime>true</HasStartTime>%s"
                                        "<UseUTCTime>%s</UseUTCTime>"
                                        % (start, use_utc)))

        local_utc = issue("<StartDateTimeLocalOffset>PT2H"
                          "</StartDateTimeLocalOffset>", "true")
        local_own = issue("<StartDateTimeLocalOffset>PT2H"
                          "</StartDateTimeLocalOffset>", "false")
        gmt_own = issue("<StartDateTimeOffset>PT2H</StartDateTimeOffset>",
                        "false")
        absolute = issue("<StartDateTime>2026-03-01 06:00:00</StartDateTime>",
                         "true")
        emu.adm("POST", "outcomes", {"result": "Failed", "duration": 1})
        emu.advance(86400)
        # relevant: 1001, 1002, 1004 (1003 not: Not Relevant, no start time)
        # server wall clock at issue: Feb 28 19:00 (EST); +2 h = 21:00
        self.assertEqual(self.starts(local_utc), {
            1001: "01 02:00", 1002: "01 02:00", 1003: "", 1004: "01 02:00"})
        self.assertEqual(self.starts(local_own), {  # 21:00 on each clock
            1001: "01 00:00", 1002: "01 02:00", 1003: "", 1004: "01 00:00"})
        self.assertEqual(self.starts(gmt_own), {    # 02:00 on each clock
            1001: "01 02:00", 1002: "01 07:00", 1003: "", 1004: "01 00:00"})
        self.assertEqual(self.starts(absolute), {
            1001: "01 06:00", 1002: "01 06:00", 1003: "", 1004: "01 06:00"})


class TestFaults(EmulatorCase):
    def test_status_and_latency(self):
        emu = self.emu
        emu.adm("POST", "faults", {"kind": "status", "status": 503, "count": 2})
        self.assertEqual(emu.get("/api/login")[0], 503)
        self.assertEqual(emu.get("/api/computers")[0], 503)
        self.assertEqual(emu.get("/api/login")[0], 200)
        emu.adm("POST", "faults", {"kind": "latency", "ms": 300,
                                   "path": "/api/query"})
        t0 = time.monotonic()
        self.assertEqual(emu.get("/api/login")[0], 200)
        self.assertLess(time.monotonic() - t0, 0.25)
        t0 = time.monotonic()
        self.assertEqual(len(emu.rows(Q4 % "true")), 0)
        self.assertGreaterEqual(time.monotonic() - t0, 0.3)
        self.assertEqual(emu.adm("GET", "faults")["faults"], [])

    def test_reset_truncated_malformed(self):
        emu = self.emu
        emu.adm("POST", "faults", [{"kind": "reset"}, {"kind": "truncated"},
                                   {"kind": "malformed"}])
        with self.assertRaises((ConnectionError, http.client.HTTPException,
                                ssl.SSLError, OSError)):
            emu.get("/api/computers")
        with self.assertRaises(http.client.IncompleteRead):
            emu.get("/api/computers")
        status, _, body = emu.get("/api/computers")
        self.assertEqual(status, 200)
        with self.assertRaises(etree.XMLSyntaxError):
            etree.fromstring(body, SAFE_PARSER)
        self.assertEqual(emu.get("/api/computers")[0], 200)

    def test_oversized(self):
        emu = self.emu
        emu.adm("POST", "faults", [{"kind": "oversized", "bytes": 3 << 20},
                                   {"kind": "oversized"}])
        status, _, body = emu.get("/api/computers")
        self.assertEqual((status, len(body)), (200, 3 << 20))
        c = emu.conn()
        c.request("GET", "/api/computers", headers={"Authorization": emu.auth})
        r = c.getresponse()
        self.assertEqual(r.getheader("Content-Length"), str(64 << 20))
        self.assertEqual(len(r.read(1 << 20)), 1 << 20)
        c.close()   # the client gives up; the server must survive
        self.assertEqual(emu.get("/api/login")[0], 200)

    def test_random_faults_are_reproducible(self):
        emu = self.emu

        def pattern():
            emu.adm("DELETE", "faults")
            emu.adm("POST", "faults", {"kind": "status", "status": 500,
                                       "rate": 0.5, "seed": 7})
            return [emu.get("/api/login")[0] for _ in range(16)]

        first = pattern()
        self.assertEqual(set(first), {200, 500})
        self.assertEqual(first, pattern())

    def test_lost_reply_and_request_log(self):
        emu = self.emu
        emu.adm("DELETE", "requests")
        emu.adm("POST", "faults", {"kind": "reset", "phase": "after",
                                   "method": "POST", "path": "/api/actions"})
        with self.assertRaises((ConnectionError, http.client.HTTPException,
                                ssl.SSLError, OSError)):
            emu.post_action(action_xml(801001, [1001], title="pae:idem-1"))
        # the action exists although the reply was lost; the client finds it
        rows = emu.rows(Q4 % 'name of it = "pae:idem-1"')
        self.assertEqual(len(rows), 1)
        emu.request("GET", "/api/computers", auth=None)
        log = emu.adm("GET", "requests")["requests"]
        self.assertEqual([e["method"] + " " + e["path"].split("?")[0]
                          for e in log],
                         ["POST /api/actions", "GET /api/query",
                          "GET /api/computers"])
        self.assertEqual([e["seq"] for e in log], [1, 2, 3])
        self.assertEqual(log[0]["fault"], "reset")
        self.assertIn("pae:idem-1", log[0]["body"])
        self.assertEqual(log[1]["relevance"], Q4 % 'name of it = "pae:idem-1"')
        self.assertEqual(log[1]["status"], 200)
        self.assertEqual(log[2]["status"], 401)
        self.assertEqual(emu.adm("DELETE", "requests")["requests"], [])
        self.assertEqual(emu.adm("GET", "requests")["requests"], [])


class TestClockFile(EmulatorCase):
    def test_shared_clock_file(self):
        emu = self.emu
        t0 = emu.adm("GET", "clock")["now_epoch"]
        self.assertEqual(t0, timefmt.parse_iso(START))
        # the agent (or a test) rewrites the file: the emulator follows
        with open(emu.clock_file + ".new", "w") as f:
            f.write("[clock]\nstart=2026-06-01T12:00:00Z\nanchor=%f\nrate=3600\n"
                    % time.time())
        os.replace(emu.clock_file + ".new", emu.clock_file)
        time.sleep(0.05)
        now = emu.adm("GET", "clock")["now_epoch"]
        self.assertGreater(now, timefmt.parse_iso("2026-06-01T12:00:00Z"))
        self.assertLess(now, timefmt.parse_iso("2026-06-01T13:00:00Z"))
        # moving the clock through the admin API rewrites the file
        emu.adm("POST", "clock", {"set": "2026-07-01T00:00:00Z", "rate": 0})
        with open(emu.clock_file) as f:
            text = f.read()
        self.assertIn("start=2026-07-01T00:00:00Z", text)
        self.assertIn("rate=0.0", text)


class TestStatusFormat10(EmulatorCase):
    EXTRA = ("--status-format", "10")

    def test_status_validates_against_bundled_schema(self):
        emu = self.emu
        a = emu.issue(action_xml(801003, [1001, 1002]))
        g = emu.issue(action_xml(None, kind="MultipleActionGroup",
                                 members=[801001, 801002],
                                 target_xml="<ComputerID>1004</ComputerID>"))
        emu.advance(600)
        for aid in (a, g):
            status, _, data = emu.get("/api/action/%d/status" % aid)
            doc = parse_valid(data, BESAPI)   # the bundled, older schema
            self.assertIsNone(doc.find("ActionResults/Computer/ExitCode"))
            self.assertIsNone(doc.find("ActionResults/DateIssued"))
        self.assertEqual(self.q5(a)[1002][2:4], ("Failed", 1))


class TestRealTimeClock(EmulatorCase):
    def setUp(self):
        self.emu = Emulator(clock_file=False)

    def test_offset_clock(self):
        emu = self.emu
        c = emu.adm("GET", "clock")
        self.assertIsNone(c["file"])
        self.assertEqual(c["rate"], 1.0)
        self.assertLess(abs(c["now_epoch"] - time.time()), 5)
        c = emu.advance(86400)
        self.assertLess(abs(c["now_epoch"] - time.time() - 86400), 5)
        c = emu.adm("POST", "clock", {"set": START, "rate": 0})
        self.assertEqual(c["now"], START)


class TestLifecycle(unittest.TestCase):
    def test_sigterm_exits_zero(self):
        emu = Emulator(scenario=None)
        try:
            self.assertEqual(emu.get("/api/computers")[0], 200)
            os.kill(emu.proc.pid, signal.SIGTERM)
            self.assertEqual(emu.proc.wait(timeout=10), 0)
        finally:
            emu.stop()


class TestScale(EmulatorCase):
    SCENARIO = None

    def test_5000_computers(self):
        emu = self.emu
        out = emu.adm("POST", "scenario", {"generate": {
            "computers": 5000, "fixlets": 20, "relevant_per_computer": 5,
            "seed": 1}})
        self.assertEqual((out["computers"], out["fixlets"]), (5000, 20))
        t0 = time.monotonic()
        status, _, q1 = emu.query(Q1 % "VM UUID")
        t_q1 = time.monotonic() - t0
        t0 = time.monotonic()
        status, _, q2 = emu.query(Q2 % PATCH_FILTER)
        t_q2 = time.monotonic() - t0
        n1 = len(parse_valid(q1).findall("Query/Result/Tuple"))
        n2 = len(parse_valid(q2).findall("Query/Result/Tuple"))
        self.assertEqual((n1, n2), (5000, 25000))
        log = emu.adm("GET", "requests")["requests"]
        self.assertEqual(len([e for e in log if e["path"].startswith(
            "/api/query")]), 2)
        sys.stderr.write(
            "\n  5,000 computers: generated in %.0f ms; Q1 %.0f ms (%d KiB), "
            "Q2 %.0f ms (%d KiB, 25,000 rows) ... " % (
                out["elapsed_ms"], t_q1 * 1000, len(q1) >> 10, t_q2 * 1000,
                len(q2) >> 10))
        self.assertLess(t_q2, 10)


if __name__ == "__main__":
    unittest.main()
