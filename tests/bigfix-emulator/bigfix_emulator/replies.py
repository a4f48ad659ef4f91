"""Renderings of the model in BigFix's wire formats.

XML replies are built as text (fast enough for 25,000-row query results)
with the same shapes as a real server: root BESAPI (lists, query results,
status) or BES (content), schema-location attributes, GMT RFC-1123 times.
The emulator's tests validate every one against BESAPI.xsd / BES.xsd.
"""

import json
import re
import urllib.parse

from . import timefmt

XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def esc(text):
    text = _BAD_XML_CHARS.sub("", str(text))
    return (text.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def attr(text):
    return '"%s"' % esc(text).replace('"', "&quot;").replace(
        "\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def document(root, body):
    """Wrap body text in a BESAPI/BES root; return UTF-8 bytes."""
    schema = "BESAPI.xsd" if root == "BESAPI" else "BES.xsd"
    return ("%s<%s%s xsi:noNamespaceSchemaLocation=%s>\n%s</%s>\n" % (
        XML_DECL, root, _NS, attr(schema), body, root)).encode("utf-8")


def site_path(site, site_type):
    if site_type == "master":
        return "master"
    return "%s/%s" % (site_type, urllib.parse.quote(site, safe=""))


# -- computers -------------------------------------------------------------------

def computers(fleet, now, base):
    parts = []
    for cid in sorted(fleet.computers):
        c = fleet.computers[cid]
        parts.append(
            '<Computer Resource=%s>\n<LastReportTime>%s</LastReportTime>\n'
            '<ID>%d</ID>\n</Computer>\n' % (
                attr("%s/api/computer/%d" % (base, c.id)),
                timefmt.rfc1123(c.last_report(now)), c.id))
    return document("BESAPI", "".join(parts))


def computer(c, fleet, now, base):
    props = [
        ("Computer Name", c.name),
        ("OS", c.os_name),
        ("Computer Type", "Virtual"),
        ("Last Report Time", timefmt.rfc1123(c.last_report(now))),
        ("ID", str(c.id)),
        ("Agent Version", "11.0.4.60"),
        ("Locked", "No"),
    ]
    if c.uuid is not None:
        props.append((fleet.uuid_property, c.uuid))
    body = "".join('<Property Name=%s>%s</Property>\n' % (attr(n), esc(v))
                   for n, v in props)
    return document("BESAPI", '<Computer Resource=%s>\n%s</Computer>\n' % (
        attr("%s/api/computer/%d" % (base, c.id)), body))


# -- content ---------------------------------------------------------------------

def sites(fleet, base):
    parts = []
    for name in sorted(fleet.sites):
        stype = fleet.sites[name]
        res = attr("%s/api/site/%s" % (base, site_path(name, stype)))
        if stype == "master":
            parts.append('<ActionSite Resource=%s>\n<Name>%s</Name>\n'
                         '</ActionSite>\n' % (res, esc(name)))
        elif stype in ("external", "custom"):
            tag = "ExternalSite" if stype == "external" else "CustomSite"
            parts.append('<%s Resource=%s>\n<Name>%s</Name>\n<DisplayName>%s'
                         '</DisplayName>\n</%s>\n' % (tag, res, esc(name),
                                                      esc(name), tag))
    return document("BESAPI", "".join(parts))


def fixlet_list(fixlets, base):
    parts = []
    for f in fixlets:
        parts.append(
            '<%s Resource=%s LastModified=%s>\n<Name>%s</Name>\n<ID>%d</ID>\n'
            '</%s>\n' % (
                f.kind, attr("%s/api/fixlet/%s/%d" % (
                    base, site_path(f.site, f.site_type), f.id)),
                attr(_modified(f)), esc(f.name), f.id, f.kind))
    return document("BESAPI", "".join(parts))


def _modified(f):
    if f.release_date is None:
        return timefmt.rfc1123(0)
    return "%s 00:00:00 +0000" % timefmt.rfc1123_date(f.release_date)


def fixlet(f):
    rel = f.relevance or (
        'exists installed package "%s"' % f.name.split(":", 1)[0]
        if ":" in f.name else "true")
    desc = f.description or (
        "<P>%s</P><P>Severity: %s. CVEs: %s.</P>" % (
            f.name, f.severity or "unrated", f.cve_list or "none"))
    parts = [
        "<Title>%s</Title>\n" % esc(f.name),
        "<Description>%s</Description>\n" % esc(desc),
        "<Relevance>%s</Relevance>\n" % esc(rel),
    ]
    if f.category:
        parts.append("<Category>%s</Category>\n" % esc(f.category))
    if f.download_size is not None:
        parts.append("<DownloadSize>%d</DownloadSize>\n" % int(f.download_size))
    if f.source:
        parts.append("<Source>%s</Source>\n" % esc(f.source))
    if f.source_id:
        parts.append("<SourceID>%s</SourceID>\n" % esc(f.source_id))
    if f.release_date is not None:
        parts.append("<SourceReleaseDate>%s</SourceReleaseDate>\n"
                     % f.release_date.isoformat())
    parts.append("<SourceSeverity>%s</SourceSeverity>\n" % esc(f.severity))
    parts.append("<CVENames>%s</CVENames>\n" % esc(f.cve_list))
    parts.append("<SANSID></SANSID>\n")
    parts.append("<MIMEField>\n<Name>x-fixlet-modification-time</Name>\n"
                 "<Value>%s</Value>\n</MIMEField>\n" % esc(_modified(f)))
    parts.append("<Domain>BESC</Domain>\n")
    parts.append(
        '<DefaultAction ID=%s>\n<Description>\n<PreLink>Click </PreLink>\n'
        '<Link>here</Link>\n<PostLink> to deploy this action.</PostLink>\n'
        '</Description>\n<ActionScript MIMEType="application/x-Fixlet-Windows-'
        'Shell">%s</ActionScript>\n<SuccessCriteria Option="OriginalRelevance">'
        '</SuccessCriteria>\n</DefaultAction>\n' % (
            attr(f.action_id),
            esc("// emulated content\nwait /usr/bin/yum -y update-minimal "
                "--advisory %s" % f.source_id)))
    return document("BES", "<%s>\n%s</%s>\n" % (f.kind, "".join(parts), f.kind))


# -- queries ---------------------------------------------------------------------

def _answer(value, typ):
    if typ == "integer":
        return '<Answer type="integer">%d</Answer>' % value
    return '<Answer type=%s>%s</Answer>' % (attr(typ), esc(value))


def query(relevance, rows, types, ms):
    if len(types) == 1:
        result = "".join(_answer(r[0], types[0]) + "\n" for r in rows)
    else:
        result = "".join(
            "<Tuple>%s</Tuple>\n" % "".join(
                _answer(v, t) for v, t in zip(r, types)) for r in rows)
    body = ('<Query Resource=%s>\n<Result>\n%s</Result>\n<Evaluation>\n'
            '<Time>%.3fms</Time>\n<Plurality>Plural</Plurality>\n'
            '</Evaluation>\n</Query>\n' % (attr(relevance), result, ms))
    return document("BESAPI", body)


def query_error(relevance, message):
    return document("BESAPI", '<Query Resource=%s>\n<Result></Result>\n'
                              '<Error>%s</Error>\n</Query>\n' % (
                                  attr(relevance), esc(message)))


def query_json(rows, types, ms):
    type_text = types[0] if len(types) == 1 else "( %s )" % ", ".join(types)
    result = [r[0] for r in rows] if len(types) == 1 else [list(r) for r in rows]
    return json.dumps({"result": result, "count": len(rows), "plural": True,
                       "type": type_text, "evaltime_ms": round(ms, 3)}
                      ).encode("utf-8")


def query_json_error(message):
    return json.dumps({"error": message}).encode("utf-8")


# -- actions -------------------------------------------------------------------

def _action_element(a, base):
    return ('<Action Resource=%s LastModified=%s>\n<Name>%s</Name>\n'
            '<ID>%d</ID>\n</Action>\n' % (
                attr("%s/api/action/%d" % (base, a.id)),
                attr(timefmt.rfc1123(a.stopped if a.stopped is not None
                                     else a.issued)),
                esc(a.title), a.id))


def action_created(a, base):
    return document("BESAPI", _action_element(a, base))


def action_list(actions, base):
    return document("BESAPI", "".join(_action_element(a, base)
                                      for a in actions))


def _result_computer(row, cid, name, v11):
    parts = ["<Status>%s</Status>\n" % esc(row.long),
             '<State IsError="%d">%d</State>\n' % (row.is_error, row.state)]
    if v11 and row.exit_code is not None:
        parts.append("<ExitCode>%d</ExitCode>\n" % row.exit_code)
    parts.append("<ApplyCount>%d</ApplyCount>\n<RetryCount>%d</RetryCount>\n"
                 "<LineNumber>%d</LineNumber>\n" % (
                     row.apply_count, row.retry_count, row.line))
    if v11 and row.start is not None:
        parts.append("<StartTime>%s</StartTime>\n" % timefmt.rfc1123(row.start))
    if v11 and row.end is not None:
        parts.append("<EndTime>%s</EndTime>\n" % timefmt.rfc1123(row.end))
    name_attr = " Name=%s" % attr(name) if v11 else ""
    return '<Computer ID="%d"%s>\n%s</Computer>\n' % (cid, name_attr,
                                                     "".join(parts))


def action_status(a, fleet, now, base, v11=True):
    """ActionResults.  v11 adds DateIssued, Computer@Name, ExitCode,
    StartTime and EndTime (BESAPI.xsd 11.0.4); v10 is the shape the bundled
    BESAPI.xsd allows."""
    parts = ["<ActionID>%d</ActionID>\n<Status>%s</Status>\n" % (
        a.id, a.state(now))]
    if v11:
        parts.append("<DateIssued>%s</DateIssued>\n" % timefmt.rfc1123(a.issued))
    runs = [(cid, a.runs[cid]) for cid in sorted(a.runs)
            if cid in fleet.computers]
    for cid, run in runs:
        shown = run.display()
        if shown is not None and shown.status is not None:
            parts.append(_result_computer(shown, cid,
                                          fleet.computers[cid].name, v11))
    if a.kind == "MultipleActionGroup":
        for i, m in enumerate(a.members):
            inner = []
            for cid, run in runs:
                row = run.rows[i]
                if row is not None and row.status is not None:
                    inner.append(_result_computer(
                        row, cid, fleet.computers[cid].name, v11))
            parts.append('<MemberActionResult Resource=%s>\n'
                         '<ActionID>%d</ActionID>\n%s</MemberActionResult>\n' % (
                             attr("%s/api/action/%d/status" % (base, m.id)),
                             m.id, "".join(inner)))
    return document("BESAPI", '<ActionResults Resource=%s>\n%s'
                              '</ActionResults>\n' % (
                                  attr("%s/api/action/%d/status" % (base, a.id)),
                                  "".join(parts)))


def help_text():
    return "\n".join([
        "BigFix REST API (emulated subset)",
        "",
        "GET    /api/login",
        "GET    /api/help",
        "GET    /api/computers",
        "GET    /api/computer/{id}",
        "GET    /api/sites",
        "GET    /api/fixlets/{site type}/{site}",
        "GET    /api/fixlet/{site type}/{site}/{id}",
        "GET    /api/query?relevance=...[&output=json]",
        "POST   /api/query (relevance=...[&output=json])",
        "GET    /api/actions",
        "POST   /api/actions",
        "GET    /api/action/{id}",
        "GET    /api/action/{id}/status",
        "POST   /api/action/{id}/stop",
        "DELETE /api/action/{id}",
        "",
    ]).encode("utf-8")

