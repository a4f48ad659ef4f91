"""The session-relevance subset that the pae client sends to /api/query.

A query is tokenised (so whitespace does not matter), then matched against a
small catalogue of projections (Q1..Q5, see README.md).  Each ends in
`whose ( FILTER )`, a boolean expression over `it`, parsed by a small
recursive-descent parser:

    expr    := and ('or' and)*
    and     := unary ('and' unary)*
    unary   := 'not' unary | '(' expr ')' | atom
    atom    := 'true' | 'false'
             | 'fixlet flag of it'
             | 'name of site of it' ('=' | '!=') STRING
             | 'id of it' ('=' | '!=') INTEGER
             | 'id of it is contained by set of (' INTEGER (';' INTEGER)* ')'
             | 'name of it' ('=' | '!=') STRING
             | 'name of it starts with' STRING
             | 'name of it contains' STRING
             | 'name of it does not contain' STRING

String constants are in double quotes; inside them %XX (two hex digits)
stands for that byte, so %22 is '"' and %25 is '%'.

Anything else answers like the real server does for an expression it
cannot evaluate: HTTP 200 with an error text.
"""

import re
import time

from . import timefmt


class RelevanceError(Exception):
    """The text the server puts in <Error> / {"error": ...}."""


PARSE_ERROR = "This expression could not be parsed."

_TOKEN_RE = re.compile(r"""
    (?P<space>\s+)
  | (?P<str>"[^"]*")
  | (?P<int>\d+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>!=|<=|>=|[()|,;=<>\-])
""", re.VERBOSE)

_PCT_RE = re.compile(r"%([0-9A-Fa-f]{2})")


def decode_string(body):
    """Relevance string constant body: %XX -> that byte (UTF-8 text)."""
    raw = _PCT_RE.sub(lambda m: "\x00%s" % m.group(1), body)
    if "\x00" not in raw:
        return body
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == "\x00":
            out.append(int(raw[i + 1:i + 3], 16))
            i += 3
        else:
            out.extend(raw[i].encode("utf-8"))
            i += 1
    return out.decode("utf-8", errors="replace")


def tokenize(text):
    tokens = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            if text[pos] == '"':
                raise RelevanceError("A string constant has no closing quote.")
            raise RelevanceError(PARSE_ERROR)
        pos = m.end()
        kind = m.lastgroup
        if kind == "space":
            continue
        value = m.group(kind)
        if kind == "str":
            value = decode_string(value[1:-1])
        elif kind == "int":
            value = int(value)
        elif kind == "word":
            value = value.lower()
        tokens.append((kind, value))
    return tokens


# -- filters -----------------------------------------------------------------

# What `it` exposes, per object kind: relevance phrase -> accessor
FIELDS = {
    "fixlet": {
        "name": lambda f: f.name,
        "id": lambda f: f.id,
        "name of site": lambda f: f.site,
        "fixlet flag": lambda f: f.kind == "Fixlet",
    },
    "action": {
        "name": lambda a: a.title,
        "id": lambda a: a.id,
        "name of site": lambda a: "ActionSite",
    },
    "property": {
        "name": lambda p: p.name,
        "id": lambda p: p.id,
    },
}


class _Parser:
    def __init__(self, tokens, pos, kind):
        self.t, self.i, self.kind = tokens, pos, kind

    def peek(self, k=0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else (None, None)

    def word(self, *words):
        """Consume the word sequence if it is next; return success."""
        for k, w in enumerate(words):
            if self.peek(k) != ("word", w):
                return False
        self.i += len(words)
        return True

    def expect(self, kind, value=None):
        tok = self.peek()
        if tok[0] != kind or (value is not None and tok[1] != value):
            self.fail()
        self.i += 1
        return tok[1]

    def fail(self):
        tok = self.peek()
        if tok[0] == "word" and tok[1] not in VOCABULARY:
            raise RelevanceError('The operator "%s" is not defined.' % tok[1])
        raise RelevanceError(PARSE_ERROR)

    def field(self, phrase):
        get = FIELDS[self.kind].get(phrase)
        if get is None:
            raise RelevanceError('The operator "%s" is not defined.' % phrase)
        return get

    # expr := and ('or' and)*
    def expr(self):
        terms = [self.conj()]
        while self.word("or"):
            terms.append(self.conj())
        if len(terms) == 1:
            return terms[0]
        return lambda o: any(f(o) for f in terms)

    def conj(self):
        terms = [self.unary()]
        while self.word("and"):
            terms.append(self.unary())
        if len(terms) == 1:
            return terms[0]
        return lambda o: all(f(o) for f in terms)

    def unary(self):
        if self.word("not"):
            inner = self.unary()
            return lambda o: not inner(o)
        if self.peek() == ("punct", "("):
            self.i += 1
            inner = self.expr()
            self.expect("punct", ")")
            return inner
        return self.atom()

    def atom(self):
        if self.word("true"):
            return lambda o: True
        if self.word("false"):
            return lambda o: False
        if self.word("fixlet", "flag", "of", "it"):
            get = self.field("fixlet flag")
            return lambda o: bool(get(o))
        if self.word("name", "of", "site", "of", "it"):
            return self.compare(self.field("name of site"), "str")
        if self.word("id", "of", "it"):
            get = self.field("id")
            if self.word("is", "contained", "by", "set", "of"):
                self.expect("punct", "(")
                values = {self.integer()}
                while self.peek() == ("punct", ";"):
                    self.i += 1
                    values.add(self.integer())
                self.expect("punct", ")")
                return lambda o: get(o) in values
            return self.compare(get, "int")
        if self.word("name", "of", "it"):
            get = self.field("name")
            if self.word("starts", "with"):
                s = self.expect("str")
                return lambda o: get(o).startswith(s)
            if self.word("contains"):
                s = self.expect("str")
                return lambda o: s in get(o)
            if self.word("does", "not", "contain"):
                s = self.expect("str")
                return lambda o: s not in get(o)
            return self.compare(get, "str")
        self.fail()

    def integer(self):
        neg = self.peek() == ("punct", "-")
        if neg:
            self.i += 1
        v = self.expect("int")
        return -v if neg else v

    def compare(self, get, kind):
        op = self.peek()
        if op not in (("punct", "="), ("punct", "!=")):
            self.fail()
        self.i += 1
        value = self.integer() if kind == "int" else self.expect("str")
        if op[1] == "=":
            return lambda o: get(o) == value
        return lambda o: get(o) != value


def parse_filter(tokens, pos, kind):
    """Parse a filter starting at tokens[pos]; return (predicate, new pos)."""
    p = _Parser(tokens, pos, kind)
    pred = p.expr()
    return pred, p.i


# -- the catalogue -------------------------------------------------------------

QUERIES = [
    # name, object kind of FILTER, projection text (FILTER = the placeholder)
    ("Q1", "property",
     '(id of computer of it, name of computer of it | "", value of it | "", '
     '(last report time of computer of it as string) | "") '
     'of results of bes properties whose (FILTER)'),
    ("Q2", "fixlet",
     '(id of computer of it, name of site of fixlet of it, id of fixlet of it) '
     'of results whose (relevant flag of it) of bes fixlets whose (FILTER)'),
    ("Q3", "fixlet",
     '(name of site of it, id of it, name of it, source severity of it | "", '
     'category of it | "", (source release date of it as string) | "", '
     'cve id list of it | "") of bes fixlets whose (FILTER)'),
    ("Q4", "action",
     '(id of it, name of it, state of it, (time issued of it as string) | "") '
     'of bes actions whose (FILTER)'),
    ("Q5", "action",
     '(id of action of it, id of computer of it, status of it as string, '
     'exit code of it | -1, apply count of it, (start time of it as string) '
     '| "", (end time of it as string) | "") of results of bes actions '
     'whose (FILTER)'),
]

TYPES = {
    "Q1": ("integer", "string", "string", "string"),
    "Q2": ("integer", "string", "integer"),
    "Q3": ("string", "integer", "string", "string", "string", "string",
           "string"),
    "Q4": ("integer", "string", "string", "string"),
    "Q5": ("integer", "integer", "string", "integer", "integer", "string",
           "string"),
}

_TEMPLATES = [(name, kind, tokenize(text)) for name, kind, text in QUERIES]

VOCABULARY = {tok[1] for _, _, toks in _TEMPLATES for tok in toks
              if tok[0] == "word"} | {
    "and", "or", "not", "true", "false", "starts", "with", "contains",
    "does", "contain", "is", "contained", "by", "set", "flag"}


def _match(template, tokens, kind):
    """Match a template; the trailing 'whose (FILTER)' is optional."""
    i = 0
    pred = lambda o: True
    for j, tok in enumerate(template):
        if tok == ("word", "filter"):
            pred, i = parse_filter(tokens, i, kind)
            continue
        if (tok == ("word", "whose") and j + 1 < len(template)
                and template[j + 1] == ("punct", "(")
                and template[j + 2] == ("word", "filter")
                and i == len(tokens)):
            return pred  # the filter is optional: 'of bes fixlets' alone
        if i >= len(tokens) or tokens[i] != tok:
            return None
        i += 1
    if i != len(tokens):
        return None
    return pred


def compile_query(text):
    """-> (query name, filter predicate).  Raises RelevanceError."""
    tokens = tokenize(text)
    if not tokens:
        raise RelevanceError(PARSE_ERROR)
    for name, kind, template in _TEMPLATES:
        # A filter error propagates: the projection before it matched.
        pred = _match(template, tokens, kind)
        if pred is not None:
            return name, pred
    for tok in tokens:
        if tok[0] == "word" and tok[1] not in VOCABULARY:
            raise RelevanceError('The operator "%s" is not defined.' % tok[1])
    raise RelevanceError(PARSE_ERROR)


# -- evaluation ----------------------------------------------------------------

class _Property:
    def __init__(self, pid, name, value_of):
        self.id, self.name, self.value_of = pid, name, value_of


def _properties(fleet):
    return [
        _Property(1, "Computer Name", lambda c: c.name),
        _Property(2, "OS", lambda c: c.os_name),
        _Property(3, fleet.uuid_property, lambda c: c.uuid),
    ]


def evaluate(text, fleet, engine, now, tz=None):
    """Evaluate a catalogue query -> (rows, types, elapsed ms).

    Times `as string` are rendered in `tz` (the server's zone; a real
    server renders them in its local time with that offset)."""
    started = time.perf_counter()

    def _t(value):
        return timefmt.rfc1123(value, tz) if value is not None else ""

    name, pred = compile_query(text)
    rows = []
    comps = [fleet.computers[k] for k in sorted(fleet.computers)]
    if name == "Q1":
        for prop in _properties(fleet):
            if not pred(prop):
                continue
            for c in comps:
                value = prop.value_of(c)
                if value is None:
                    continue
                rows.append((c.id, c.name, str(value),
                             _t(c.last_report(now))))
    elif name == "Q2":
        fixlets = [f for _, f in sorted(fleet.fixlets.items()) if pred(f)]
        wanted = {f.key: [] for f in fixlets}
        for c in comps:
            for key in c.reported_relevant(now):
                hits = wanted.get(key)
                if hits is not None:
                    hits.append(c.id)
        for f in fixlets:
            rows.extend((cid, f.site, f.id) for cid in wanted[f.key])
    elif name == "Q3":
        for _, f in sorted(fleet.fixlets.items()):
            if pred(f):
                rows.append((f.site, f.id, f.name, f.severity, f.category,
                             (timefmt.rfc1123_date(f.release_date)
                              if f.release_date else ""),
                             f.cve_list))
    elif name == "Q4":
        for aid in sorted(engine.actions):
            a = engine.actions[aid]
            if pred(a):
                rows.append((a.id, a.title, a.state(now), _t(a.issued)))
    elif name == "Q5":
        for aid in sorted(engine.actions):
            a = engine.actions[aid]
            if not pred(a):
                continue
            for cid in sorted(a.runs):
                shown = a.runs[cid].display()
                if shown is None or shown.status is None:
                    continue
                rows.append((a.id, cid, shown.status,
                             shown.exit_code if shown.exit_code is not None
                             else -1,
                             shown.apply_count, _t(shown.start),
                             _t(shown.end)))
    elapsed = (time.perf_counter() - started) * 1000.0
    return rows, TYPES[name], elapsed
