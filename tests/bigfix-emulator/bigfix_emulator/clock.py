"""Simulated time.

simulated now = start + (real unix time - anchor) * rate

With a clock file the three numbers live in a small INI file that the agent
under test reads too, so both run on the same simulated time:

    [clock]
    start=2026-03-01T00:00:00Z
    anchor=1764326400.25
    rate=3600

The file is re-read whenever its modification time (or size/inode) changes.
Moving the clock (set/advance/rate) rewrites it atomically.  Without a file
the same three numbers are kept in memory, starting at real time, rate 1.
A rate of 0 freezes simulated time (handy for deterministic tests).
"""

import configparser
import os
import threading
import time

from . import timefmt


class ClockError(ValueError):
    pass


class Clock:
    def __init__(self, path=None, real_time=time.time):
        self._real = real_time
        self._path = path
        self._lock = threading.Lock()
        self._stamp = None
        now = self._real()
        self._start, self._anchor, self._rate = now, now, 1.0
        if path is not None:
            if os.path.exists(path):
                self._reload(force=True)
            else:
                self._write()

    # -- reading -----------------------------------------------------------
    @property
    def path(self):
        return self._path

    def now(self):
        with self._lock:
            if self._path is not None:
                self._reload()
            return self._start + (self._real() - self._anchor) * self._rate

    def describe(self):
        now = self.now()
        with self._lock:
            return {
                "now": timefmt.iso(now),
                "now_epoch": now,
                "start": timefmt.iso(self._start),
                "anchor": self._anchor,
                "rate": self._rate,
                "file": self._path,
            }

    # -- moving ------------------------------------------------------------
    def set(self, instant):
        """Jump to a simulated instant (epoch seconds); the rate is kept."""
        with self._lock:
            if self._path is not None:
                self._reload()
            self._start, self._anchor = float(instant), self._real()
            self._write()

    def advance(self, seconds):
        self.set(self.now() + float(seconds))

    def set_rate(self, rate):
        rate = float(rate)
        if rate < 0:
            raise ClockError("rate must be >= 0")
        now = self.now()
        with self._lock:
            self._start, self._anchor, self._rate = now, self._real(), rate
            self._write()

    # -- file --------------------------------------------------------------
    def _file_stamp(self):
        try:
            st = os.stat(self._path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _reload(self, force=False):
        stamp = self._file_stamp()
        if stamp is None or (stamp == self._stamp and not force):
            return
        parser = configparser.ConfigParser()
        try:
            with open(self._path, encoding="utf-8") as f:
                parser.read_file(f)
            sec = parser["clock"]
            start = timefmt.parse_iso(sec["start"])
            anchor = float(sec["anchor"])
            rate = float(sec.get("rate", "1"))
        except (OSError, KeyError, ValueError, configparser.Error) as e:
            if force:
                raise ClockError("bad clock file %s: %s" % (self._path, e))
            return  # a half-written file from a non-atomic writer: keep old
        self._start, self._anchor, self._rate = start, anchor, rate
        self._stamp = stamp

    def _write(self):
        if self._path is None:
            return
        text = "[clock]\nstart=%s\nanchor=%.6f\nrate=%s\n" % (
            timefmt.iso(self._start), self._anchor, repr(self._rate))
        tmp = "%s.tmp.%d" % (self._path, os.getpid())
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, self._path)
        self._stamp = self._file_stamp()
