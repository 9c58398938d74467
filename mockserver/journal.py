"""The request journal: what the emulator received, per client, newest last.

Bounded (oldest entries fall off) and free of secrets: no bodies, no headers, no query strings
of the token endpoint; only what a test needs to verify what its integration sent.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque

from .codec_utils import iso_utc


class RequestJournal:
    def __init__(self, clock, size: int = 10000):
        self.clock = clock
        self._entries: deque[dict] = deque(maxlen=size)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def record(self, environ, status: int, started: float, meta: dict) -> dict:
        entry = {
            "id": next(self._ids),
            "time": iso_utc(self.clock.now()),
            "method": environ.get("REQUEST_METHOD", ""),
            "path": environ.get("PATH_INFO", ""),
            "service": meta.get("service"),
            "operation": meta.get("operation"),
            "client_id": meta.get("client_id"),
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 3),
        }
        if meta.get("fault"):
            entry["fault"] = meta["fault"]
        if meta.get("result_type"):
            entry["result_type"] = meta["result_type"]
        with self._lock:
            self._entries.append(entry)
        return entry

    def entries(self, **filters) -> list[dict]:
        with self._lock:
            items = list(self._entries)
        for key, value in filters.items():
            if value is None:
                continue
            items = [e for e in items if str(e.get(key)).lower() == str(value).lower()]
        return items

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
