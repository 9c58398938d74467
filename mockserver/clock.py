"""The emulator's clock: real UTC time, optionally pinned or shifted by the control API.

Every time-dependent rule (sessions, quarantine windows, DateChanged, createdAt) reads
``Clock.now()`` so a test can move time instead of waiting for it.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self):
        self._lock = threading.Lock()
        self._fixed: datetime | None = None
        self._offset = timedelta(0)

    def now(self) -> datetime:
        """Aware UTC now, truncated to milliseconds (what .NET round-trips)."""
        base = self._fixed if self._fixed is not None else datetime.now(UTC) + self._offset
        return base.replace(microsecond=base.microsecond // 1000 * 1000)

    def set(self, when: datetime) -> None:
        with self._lock:
            self._fixed = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)

    def advance(self, seconds: float) -> None:
        with self._lock:
            if self._fixed is not None:
                self._fixed += timedelta(seconds=seconds)
            else:
                self._offset += timedelta(seconds=seconds)

    def reset(self) -> None:
        with self._lock:
            self._fixed = None
            self._offset = timedelta(0)

    @property
    def is_real(self) -> bool:
        return self._fixed is None and not self._offset
