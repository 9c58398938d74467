"""The emulator's clock: real UTC time, optionally pinned or shifted by the control API.

Every time-dependent rule (sessions, quarantine windows, DateChanged, createdAt) reads
``Clock.now()`` so a test can move time instead of waiting for it.

Time can be moved for the whole emulator, or for one client only: the front door runs each
request inside ``clock.scope(client_id)``, and a client with its own setting sees its own time
(so tests sharing one emulator, e.g. xdist workers, can each move their client's clock without
moving anyone else's).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

#: The span the clock can be moved within. Wider than any fiscal year the control API sets up
#: (1900-9998), narrower than what datetime holds, so "the next full hour", token expiry and
#: "the previous year" can never overflow.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: the last real millisecond read and its datetime (one tuple: replaced whole, never torn)
_last_real: tuple[int, datetime] = (-1, _EPOCH)


def utc_now_ms() -> datetime:
    """Real UTC now truncated to milliseconds, one shared datetime per millisecond: a request
    reads the clock several times, and ``datetime.now().replace(microsecond=…)`` costs about
    3 µs where this costs well under one (issue 18)."""
    global _last_real
    ms = time.time_ns() // 1_000_000
    last = _last_real
    if last[0] == ms:
        return last[1]
    value = _EPOCH + timedelta(milliseconds=ms)
    _last_real = (ms, value)
    return value


class ClockRangeError(ValueError):
    """A clock setting outside EARLIEST..LATEST (nothing is changed)."""


def _aware(when: datetime) -> datetime:
    try:
        return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    except OverflowError:
        raise ClockRangeError(f"{when.isoformat()} is outside what the clock can show") from None


def _check(when: datetime) -> None:
    if not EARLIEST <= when <= LATEST:
        raise ClockRangeError(
            f"the clock can be set from {EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d} (UTC); "
            f"that would make it {when.isoformat()}")


class _Setting:
    """A pinned time or an offset from real time."""

    __slots__ = ("fixed", "offset")

    def __init__(self):
        self.fixed: datetime | None = None
        self.offset = timedelta(0)


class _Scope:
    __slots__ = ("local", "client_id", "previous")

    def __init__(self, local: threading.local, client_id: int | None) -> None:
        self.local, self.client_id = local, client_id

    def __enter__(self) -> None:
        local = self.local
        self.previous = getattr(local, "scope", None)
        local.scope = self.client_id

    def __exit__(self, *exc) -> None:
        self.local.scope = self.previous


class Clock:
    def __init__(self):
        self._lock = threading.Lock()
        self._global = _Setting()
        self._clients: dict[int, _Setting] = {}
        self._local = threading.local()

    # --- reading ----------------------------------------------------------------------------

    def now(self) -> datetime:
        """Aware UTC now, truncated to milliseconds (what .NET round-trips)."""
        clients = self._clients  # every request reads the clock a few times: no client's own
        setting = None  # setting (the usual case) costs no look-up of the request's scope
        if clients:
            scope = getattr(self._local, "scope", None)
            if scope is not None:
                setting = clients.get(scope)
        if setting is None:
            g = self._global
            if g.fixed is None and not g.offset:  # the usual case: three times a request
                return utc_now_ms()  # whole milliseconds already
            base = self._base_global()
        elif setting.fixed is not None:
            base = setting.fixed
        else:
            base = self._base_global() + setting.offset
        micro = base.microsecond % 1000
        return base.replace(microsecond=base.microsecond - micro) if micro else base

    def now_for(self, client_id: int | None) -> datetime:
        """``now()`` as ``client_id`` sees it, from any thread (sweeping expired sessions and
        tokens of every client, each by its own time)."""
        with self.scope(client_id):
            return self.now()

    def _base_global(self) -> datetime:
        g = self._global
        if g.fixed is not None:
            return g.fixed
        return utc_now_ms() + g.offset if g.offset else utc_now_ms()

    def scope(self, client_id: int | None) -> _Scope:
        """Read the clock as ``client_id`` sees it for the duration of a request (a ``with``
        block; a plain class rather than ``@contextmanager``: it runs on every request)."""
        return _Scope(self._local, client_id)

    # --- moving -----------------------------------------------------------------------------

    def _setting(self, client_id: int | None) -> _Setting:
        """The setting of ``client_id`` (None: the emulator's), made when it has none."""
        if client_id is None:
            return self._global
        setting = self._clients.get(client_id)
        if setting is None:
            setting = self._clients[client_id] = _Setting()
        return setting

    def _existing(self, client_id: int | None) -> _Setting | None:
        return self._global if client_id is None else self._clients.get(client_id)

    def set(self, when: datetime, client_id: int | None = None) -> None:
        """Pin the time (of the whole emulator, or of one client); ClockRangeError outside
        EARLIEST..LATEST."""
        when = _aware(when)
        _check(when)
        with self._lock:
            setting = self._setting(client_id)
            old = setting.fixed
            setting.fixed = when
            try:
                self._check_all(client_id)
            except (OverflowError, ClockRangeError) as err:
                setting.fixed = old
                if isinstance(err, ClockRangeError):
                    raise
                raise ClockRangeError(f"{when.isoformat()} is out of range") from None

    def advance(self, seconds: float, client_id: int | None = None) -> None:
        """Move time forward (or back, with a negative value); a pinned clock stays pinned.
        ClockRangeError, and nothing moves, when the emulator's time or that of any client it
        carries along would leave EARLIEST..LATEST."""
        try:
            delta = timedelta(seconds=seconds)
        except (OverflowError, ValueError):  # 1e300, NaN
            raise ClockRangeError(f"cannot move the clock by {seconds!r} seconds") from None
        with self._lock:
            setting = self._setting(client_id)
            old = (setting.fixed, setting.offset)
            try:
                if setting.fixed is not None:
                    setting.fixed += delta
                else:
                    setting.offset += delta
                self._check_all(client_id)
            except (OverflowError, ClockRangeError) as err:
                setting.fixed, setting.offset = old
                if isinstance(err, ClockRangeError):
                    raise
                raise ClockRangeError(f"cannot move the clock by {seconds!r} seconds") from None

    def _check_all(self, client_id: int | None) -> None:
        """The times a change of ``client_id``'s setting (None: the emulator's) moves."""
        real = datetime.now(UTC)
        g = self._global
        base = g.fixed if g.fixed is not None else real + g.offset
        if client_id is None:
            _check(base)
            for setting in self._clients.values():
                if setting.fixed is None:
                    _check(base + setting.offset)
        else:
            setting = self._clients[client_id]
            _check(setting.fixed if setting.fixed is not None else base + setting.offset)

    def reset(self, client_id: int | None = None) -> None:
        """Back to real time: the whole emulator (every client too), or one client."""
        with self._lock:
            if client_id is None:
                self._global = _Setting()
                self._clients = {}
            else:
                self._clients.pop(client_id, None)

    # --- describing -------------------------------------------------------------------------

    def describe(self, client_id: int | None = None) -> dict:
        """What the control API shows: now as that client sees it, and how it was set."""
        with self.scope(client_id):
            now = self.now()
        setting = self._existing(client_id)
        if setting is None:
            mode = "emulator"  # follows the emulator's clock
        elif setting.fixed is not None:
            mode = "fixed"
        elif setting.offset:
            mode = "offset"
        else:
            mode = "real"
        return {"now": now, "mode": mode,
                "offset_seconds": setting.offset.total_seconds() if setting else 0.0}

    def clients(self) -> list[int]:
        return sorted(self._clients)

    @property
    def is_real(self) -> bool:
        return self._global.fixed is None and not self._global.offset and not self._clients
