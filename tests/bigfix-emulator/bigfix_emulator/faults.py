"""Faults injected into /api/ requests.

A fault rule (JSON, see README.md):
  kind     status | latency | reset | truncated | malformed | oversized
  count    deterministic: the next N matching requests (default 1)
  rate     random instead: each matching request with this probability,
  seed     ... drawn from a generator seeded with this (default 0)
  method   only requests with this method (optional)
  path     only paths starting with this (optional, e.g. "/api/query")
  phase    "before" (default): the request is not carried out;
           "after": it is carried out (an action IS created) and then the
           reply is replaced by the fault -- the lost-reply case.
  status   for kind=status: the code (default 503)
  ms       for kind=latency: the delay (default 1000); the request then
           proceeds normally
  bytes    for kind=oversized: the body size (default 64 MiB)

Deterministic rules are used in the order they were added; a request takes
at most one rule (the first that matches).
"""

import random
import threading

KINDS = ("status", "latency", "reset", "truncated", "malformed", "oversized")


class FaultError(ValueError):
    pass


class Fault:
    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise FaultError("a fault is a JSON object")
        self.kind = spec.get("kind")
        if self.kind not in KINDS:
            raise FaultError("kind must be one of %s" % (KINDS,))
        self.method = spec.get("method")
        self.path = spec.get("path")
        self.phase = spec.get("phase", "before")
        if self.phase not in ("before", "after"):
            raise FaultError("phase must be before or after")
        self.status = int(spec.get("status", 503))
        if not 100 <= self.status <= 599:
            raise FaultError("status must be an HTTP status code")
        self.ms = float(spec.get("ms", 1000))
        self.bytes = int(spec.get("bytes", 64 * 1024 * 1024))
        self.rate = spec.get("rate")
        if self.rate is not None:
            self.rate = float(self.rate)
            if not 0 <= self.rate <= 1:
                raise FaultError("rate must be within 0..1")
            self.rng = random.Random(spec.get("seed", 0))
            self.count = None
        else:
            self.count = int(spec.get("count", 1))
            if self.count < 1:
                raise FaultError("count must be >= 1")
        self.used = 0
        self.spec = dict(spec)

    def matches(self, method, path):
        if self.method and self.method.upper() != method:
            return False
        return not self.path or path.startswith(self.path)

    def to_json(self):
        d = dict(self.spec)
        d["used"] = self.used
        if self.count is not None:
            d["remaining"] = self.count
        return d


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []

    def add(self, spec):
        rules = [Fault(s) for s in (spec if isinstance(spec, list) else [spec])]
        with self._lock:
            self._rules.extend(rules)
        return [r.to_json() for r in rules]

    def clear(self):
        with self._lock:
            self._rules.clear()

    def list(self):
        with self._lock:
            return [r.to_json() for r in self._rules]

    def take(self, method, path):
        """The fault for this request, or None."""
        with self._lock:
            for rule in list(self._rules):
                if not rule.matches(method, path):
                    continue
                if rule.count is not None:
                    rule.count -= 1
                    rule.used += 1
                    if rule.count <= 0:
                        self._rules.remove(rule)
                    return rule
                if rule.rng.random() < rule.rate:
                    rule.used += 1
                    return rule
            return None
