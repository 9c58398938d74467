"""The request journal: what the emulator received, per client, newest last (SPEC C).

Bounded (oldest entries fall off) and free of secrets: no bodies, no headers, no cookies, no
query strings; only what a test needs to verify what its integration sent: time, service,
SOAP operation or REST path, client, status, duration, and the fault or SaveBundleList result
type and description when there was one. For a value the SOAP reader could not convert,
``fault_detail`` names the element and the value (.NET's fault text does not), and ``warnings``
lists elements the WSDL does not have that were skipped (as .NET skips them, silently on the
wire). The path, operation and fault of a failed request, and a result's description, can carry
what the caller put where it does not belong (a password as an ApplicationId, a token in the URL):
those are scrubbed of every secret the emulator knows (``SecretScrubber``) before they are kept.

Every criterion is a matcher returning ``(matched, reason)`` (as the ``responses`` library does),
so a failed verification says what did and did not match.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections import deque
from datetime import UTC, datetime

from .codec_utils import iso_utc

#: Criteria a query or a verification can use, and how each value is read.
CRITERIA = ("client_id", "operation", "service", "status", "method", "path", "since", "after",
            "result_type", "rate_limited")


class CriteriaError(ValueError):
    """A filter that cannot be read (names the field)."""


def parse_time(value) -> datetime:
    """An ISO 8601 time; without an offset it is UTC."""
    if isinstance(value, datetime):
        when = value
    else:
        text = str(value).strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        when = datetime.fromisoformat(text)
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes"):
        return True
    if text in ("0", "false", "no"):
        return False
    raise ValueError(value)


def read_criteria(raw: dict) -> dict:
    """Typed criteria from query parameters or a JSON body; unknown or bad ones raise."""
    out: dict = {}
    for key, value in raw.items():
        if value is None or value == "":
            continue
        if key not in CRITERIA:
            raise CriteriaError(f"Unknown criterion '{key}'; use {', '.join(CRITERIA)}")
        try:
            if key in ("client_id", "status", "after"):
                if isinstance(value, bool):
                    raise ValueError(value)
                out[key] = int(value)
            elif key == "since":
                out[key] = parse_time(value)
            elif key == "rate_limited":
                out[key] = _bool(value)
            else:
                out[key] = str(value)
        except (TypeError, ValueError, OverflowError):
            kind = {"since": "an ISO 8601 time", "rate_limited": "true or false"}.get(key, "an integer")
            raise CriteriaError(f"{key} must be {kind}, not {value!r}") from None
    return out


def match(entry: dict, criteria: dict) -> tuple[bool, str]:
    """(matched, reason): the reason names every criterion the entry does not meet."""
    misses = []
    for key, want in criteria.items():
        if key == "since":
            if entry["_at"] < want:
                misses.append(f"time {entry['time']} is before {iso_utc(want)}")
        elif key == "after":
            if entry["id"] <= want:
                misses.append(f"id {entry['id']} is not after {want}")
        elif key == "path":
            if not (entry.get("path") or "").lower().startswith(want.lower()):
                misses.append(f"path is {entry.get('path')!r}, not under {want!r}")
        elif key == "rate_limited":
            if bool(entry.get("rate_limited")) != want:
                misses.append("was rate limited" if want is False else "was not rate limited")
        else:
            have = entry.get(key)
            if isinstance(want, str):
                ok = have is not None and str(have).lower() == want.lower()
            else:
                ok = have == want
            if not ok:
                misses.append(f"{key} is {have!r}, not {want!r}")
    return (not misses, "; ".join(misses))


def describe(criteria: dict) -> str:
    if not criteria:
        return "any request"
    parts = []
    for key, value in criteria.items():
        shown = iso_utc(value) if isinstance(value, datetime) else value
        parts.append(f"{key}={shown}")
    return ", ".join(parts)


_WORDS = re.compile(r"[^\s'\"<>()\[\]{},;/?&=:]+")
REDACTED = "***"


class SecretScrubber:
    """Replaces every word of a text that is a live session id, an access token, an OAuth client
    secret or a password of the ledger's users with ``***``. Only failed requests are scrubbed
    (a request that succeeded names a known path and operation), so the hot path pays nothing."""

    def __init__(self, ledger):
        self.ledger = ledger
        self._cache: tuple = (None, frozenset())

    def _static(self) -> frozenset:
        """Passwords and client secrets, rebuilt when clients come or go."""
        ledger = self.ledger
        users, apps = ledger.directory.users, ledger.tokens.applications
        key = (id(users), len(users), id(apps), len(apps))
        if self._cache[0] != key:
            values = {u.password for u in list(users.values())}
            values |= {a.client_secret for a in list(apps.values())}
            self._cache = (key, frozenset(v for v in values if v))
        return self._cache[1]

    def __call__(self, text):
        if not text or not isinstance(text, str):
            return text
        sessions, tokens = self.ledger.directory.sessions, self.ledger.tokens.tokens
        static = None
        for word in set(_WORDS.findall(text)):
            if static is None:
                static = self._static()
            if word in sessions or word in tokens or word in static:
                text = text.replace(word, REDACTED)
        return text


#: longest path, operation and fault text kept (what is cut is said, with its length)
PATH_MAX = 512
TEXT_MAX = 1024
#: what one entry costs beside its texts (the dict, its keys, numbers, the time), in bytes
ENTRY_OVERHEAD = 600
_SCRUB_MAX = 8192  # what is scrubbed before the cut (bounds the cost of scrubbing)


def shorten(text: str, limit: int, length: int | None = None) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was (``length``: of the text
    before scrubbing). Journal entries are bounded whatever a caller sends: a 244 KB path is
    kept as its first 512 characters."""
    length = len(text) if length is None else length
    if len(text) <= limit and length <= _SCRUB_MAX:
        return text
    return f"{text[:limit]}... ({length} characters)"


#: what a request's meta may add to its entry, in the entry's order
_OPTIONAL = ("fault", "fault_detail", "warnings", "result_type", "result_description",
             "rate_limited", "injected_fault", "dropped")
_OPTIONAL_KEYS = frozenset(_OPTIONAL)
#: texts kept at most this long
_BOUNDED = (("path", PATH_MAX), ("operation", TEXT_MAX), ("fault", TEXT_MAX),
            ("fault_detail", TEXT_MAX))
#: those every entry has (the others come with a meta that is not plain)
_BOUNDED_ALWAYS = tuple((k, n) for k, n in _BOUNDED if k not in _OPTIONAL)


def _cost(entry: dict) -> int:
    cost = ENTRY_OVERHEAD
    for value in entry.values():
        if value.__class__ is str:
            cost += len(value)
    return cost


def _public(entry: dict) -> dict:
    """The entry as read: without its private keys, its duration rounded to the microsecond
    (kept unrounded: ``round`` to digits costs a request about a microsecond, issue 18)."""
    public = {k: v for k, v in entry.items() if not k.startswith("_")}
    duration = public.get("duration_ms")
    if duration is not None:
        public["duration_ms"] = round(duration, 3)
    return public


class RequestJournal:
    """The last ``size`` requests, and at most ``max_bytes`` of them (``--limit
    journal_bytes``): the oldest entries go first."""

    def __init__(self, clock, size: int = 10000, scrub=None, max_bytes: int = 32 * 1024 * 1024):
        self.clock = clock
        self.size = size
        self.max_bytes = max_bytes
        self._bytes = 0
        #: applied to the path, operation and fault of failed requests (``SecretScrubber``)
        self.scrub = scrub
        self._entries: deque[dict] = deque(maxlen=size)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        #: the last time recorded and its text
        self._time: tuple = (None, "")

    def record(self, environ, status: int | None, started: float, meta: dict) -> dict:
        now = self.clock.now()
        when = self._time
        if when[0] is not now:  # the clock gives one datetime per millisecond: format it once
            when = self._time = (now, iso_utc(now))
        get = meta.get
        entry = {
            "id": 0,
            "time": when[1],
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "service": get("service"),
            "operation": get("operation"),
            "client_id": get("client_id"),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "status": status,
            "duration_ms": (time.perf_counter() - started) * 1000,  # rounded when read
            "_at": now,
        }
        plain = _OPTIONAL_KEYS.isdisjoint(meta)
        if not plain:
            for key in _OPTIONAL:
                if get(key):
                    entry[key] = meta[key]
        scrub = self.scrub is not None and (status is None or status >= 400 or "fault" in entry)
        bound = scrub or not plain
        for key, limit in _BOUNDED_ALWAYS:
            if bound:
                break
            text = entry[key]
            bound = isinstance(text, str) and len(text) > limit
        if bound:  # (else it would change nothing)
            self._bound(entry, scrub)
        cost = entry["_cost"] = _cost(entry)
        with self._lock:
            entry["id"] = next(self._ids)
            entries = self._entries
            if len(entries) == self.size:
                self._bytes -= entries[0]["_cost"]
            entries.append(entry)
            self._bytes += cost
            while self._bytes > self.max_bytes and len(entries) > 1:
                self._bytes -= entries.popleft()["_cost"]
        return entry

    def _bound(self, entry: dict, scrub: bool) -> None:
        """Scrub (``scrub``) and cut the entry's texts."""
        for key, limit in _BOUNDED:
            text = entry.get(key)
            if not text or not isinstance(text, str) or (not scrub and len(text) <= limit):
                continue  # (what ``shorten`` would give back unchanged)
            if scrub:  # scrubbed, then cut: a secret is never kept half
                text = self.scrub(text[:_SCRUB_MAX])
            entry[key] = shorten(text, limit, len(entry[key]))
        if self.scrub is not None and "result_description" in entry:
            entry["result_description"] = shorten(self.scrub(entry["result_description"][:_SCRUB_MAX]),
                                                  TEXT_MAX, len(entry["result_description"]))

    def _snapshot(self) -> list[dict]:
        with self._lock:
            return list(self._entries)

    def entries(self, limit: int | None = None, **criteria) -> list[dict]:
        """Recorded requests meeting every criterion, oldest first (the last ``limit``)."""
        criteria = read_criteria(criteria)
        items = [e for e in self._snapshot() if match(e, criteria)[0]]
        if limit is not None and limit >= 0:
            items = items[-limit:] if limit else []
        return [_public(e) for e in items]

    def verify(self, count: int | None = None, at_least: int | None = None,
               at_most: int | None = None, **criteria) -> dict:
        """How many recorded requests meet the criteria, against what was expected.

        Without count/at_least/at_most: at least one. The answer always says why: on a failure
        the reason counts the matches and lists the closest misses with what did not match.
        """
        criteria = read_criteria(criteria)
        if count is None and at_least is None and at_most is None:
            at_least = 1
        entries = self._snapshot()
        hits, misses = [], []
        for e in entries:
            ok, why = match(e, criteria)
            if ok:
                hits.append(e)
            else:
                misses.append((why.count(";") + 1, e, why))
        n = len(hits)
        expectations = []
        if count is not None:
            expectations.append((n == count, f"exactly {count}"))
        if at_least is not None:
            expectations.append((n >= at_least, f"at least {at_least}"))
        if at_most is not None:
            expectations.append((n <= at_most, f"at most {at_most}"))
        ok = all(good for good, _ in expectations)
        wanted = " and ".join(text for _, text in expectations)
        what = describe(criteria)
        plural = "request" if n == 1 else "requests"
        if ok:
            reason = f"{n} {plural} matched {what} (expected {wanted})"
        else:
            reason = f"Expected {wanted} request(s) matching {what}, found {n}."
            if hits:
                reason += " Matched: " + ", ".join(_line(e) for e in hits[-5:]) + "."
            misses.sort(key=lambda m: (m[0], -m[1]["id"]))
            near = misses[:5]
            if near:
                reason += " Closest requests that did not match: " + "; ".join(
                    f"{_line(e)} ({why})" for _, e, why in near) + "."
            elif not entries:
                reason += " The journal is empty."
        near_misses = sorted(misses, key=lambda m: (m[0], -m[1]["id"]))[:5]
        return {
            "matched": ok,
            "count": n,
            "expected": wanted,
            "criteria": {k: (iso_utc(v) if isinstance(v, datetime) else v) for k, v in criteria.items()},
            "reason": reason,
            "requests": [_public(e) for e in hits],
            "near_misses": [{"request": _public(e), "reason": why} for _, e, why in near_misses],
        }

    def clear(self, **criteria) -> int:
        """Forget recorded requests: all, or those meeting the criteria. Returns how many."""
        criteria = read_criteria(criteria)
        with self._lock:
            if not criteria:
                n = len(self._entries)
                self._entries.clear()
                self._bytes = 0
                return n
            keep = [e for e in self._entries if not match(e, criteria)[0]]
            n = len(self._entries) - len(keep)
            self._entries = deque(keep, maxlen=self.size)
            self._bytes = sum(e["_cost"] for e in keep)
            return n


def _line(e: dict) -> str:
    what = e.get("operation") or e.get("path")
    return f"#{e['id']} {e.get('service')}.{what} client {e.get('client_id')} status {e.get('status')}"
