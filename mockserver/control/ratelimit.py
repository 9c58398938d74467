"""The hourly quota (SPEC L1, L2) and the burst throttle (L4), per caller. No HTTP here.

Readings (README fidelity table, *interpretation* where marked):

- **Caller.** The FAQ suggests the vendor counts per IP address ("contact API support with your IP
  address"). The emulator counts per *client* whenever the request names one (a SOAP session
  cookie, a Login's Username, a REST bearer token, an OAuth client_id), so tests sharing one
  emulator never eat each other's quota; requests that name no client are counted per remote
  address. *Interpretation.*
- **Window.** The clock hour (FAQ: "Wait for the next hour to begin"): counts start again at
  HH:00:00 of the emulator clock, and a quarantine ends at the next full hour.
- **N.** Every request over the limit is refused and counted: the first refused request of the
  hour reads "Limit exceeded by 1", the next "by 2", and so on.
- **Burst.** A sliding one-second window (L4); refused bursts do not count against the hour.
  *Interpretation.*

Counting is exact under concurrency: one lock around every decision, so with limit N exactly N
requests of an hour are served.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from .. import errors

HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)

#: The FAQ's quarantine time: "Quarantine ends at YYYY-MM-DD HH:MM:SS" (UTC, W8).
QUARANTINE_FORMAT = "%Y-%m-%d %H:%M:%S"
#: APILimitReset as a public PHP client parses it.
RESET_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

#: Sentinel for "leave this setting as it is".
KEEP = object()


def client_key(client_id: int) -> tuple[str, object]:
    return ("client", client_id)


def address_key(address: str) -> tuple[str, object]:
    return ("address", address or "unknown")


@dataclass(frozen=True)
class Decision:
    """What the limiter decided about one request."""

    allowed: bool
    #: the hourly limit that applied (0: the quota is off)
    limit: int
    #: requests left this hour after this one
    remaining: int
    #: the next full hour: when the count starts again
    reset: datetime
    #: requests over the limit this hour, this one included (0 when allowed)
    over_by: int = 0
    #: refused by the burst throttle (L4), not the hourly quota
    burst: bool = False
    #: seconds until a refused request may be sent again
    retry_after: int = 0

    @property
    def reset_header(self) -> str:
        return _reset_text(self.reset)

    def error(self) -> errors.RateLimited:
        """L1: the vendor error for a request refused by the hourly quota."""
        return errors.RateLimited(self.over_by, self.reset.strftime(QUARANTINE_FORMAT))


def _hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


@lru_cache(maxsize=64)
def _reset_text(reset: datetime) -> str:
    """APILimitReset's text: the same few hours on every response, formatted once each."""
    return reset.strftime(RESET_FORMAT)


class RateLimiter:
    """Counts requests per caller key and decides; limits are global or per client."""

    def __init__(self, clock, rate_limit: int = 7200, burst_limit: int = 0):
        self.clock = clock
        self._lock = threading.Lock()
        self.rate_limit = rate_limit
        self.burst_limit = burst_limit
        self._client_limits: dict[int, dict[str, int | None]] = {}
        self._hours: dict[tuple, list] = {}  # key -> [hour start, count]
        self._bursts: dict[tuple, deque] = {}  # key -> times of recent admitted requests
        #: the hour of the last decision, its end, and the answer while the quota is off:
        #: every request falls in the same hour as the one before it, almost always
        self._span: tuple[datetime, datetime, Decision] | None = None

    def _hour_span(self, now: datetime) -> tuple[datetime, datetime, Decision]:
        """``(hour start, next full hour, the allowed answer with the quota off)`` of ``now``."""
        span = self._span
        if span is None or not span[0] <= now < span[1]:
            hour = _hour(now)
            reset = hour + HOUR
            span = self._span = (hour, reset, Decision(True, 0, 0, reset))
        return span

    # --- configuration ------------------------------------------------------------------

    def configure(self, rate_limit=KEEP, burst_limit=KEEP) -> None:
        """The emulator-wide limits (0 switches one off)."""
        with self._lock:
            if rate_limit is not KEEP:
                self.rate_limit = int(rate_limit)
            if burst_limit is not KEEP:
                self.burst_limit = int(burst_limit)

    def configure_client(self, client_id: int, rate_limit=KEEP, burst_limit=KEEP) -> None:
        """One client's limits; ``None`` goes back to the emulator-wide value."""
        with self._lock:
            own = self._client_limits.setdefault(client_id, {"rate_limit": None, "burst_limit": None})
            if rate_limit is not KEEP:
                own["rate_limit"] = None if rate_limit is None else int(rate_limit)
            if burst_limit is not KEEP:
                own["burst_limit"] = None if burst_limit is None else int(burst_limit)
            if own == {"rate_limit": None, "burst_limit": None}:
                del self._client_limits[client_id]

    def limits(self, key: tuple) -> tuple[int, int]:
        """(hourly, burst) for a caller key."""
        own = self._client_limits.get(key[1]) if key[0] == "client" else None
        hourly = self.rate_limit if own is None or own["rate_limit"] is None else own["rate_limit"]
        burst = self.burst_limit if own is None or own["burst_limit"] is None else own["burst_limit"]
        return hourly, burst

    def client_settings(self, client_id: int) -> dict:
        own = self._client_limits.get(client_id) or {}
        return {"rate_limit": own.get("rate_limit"), "burst_limit": own.get("burst_limit")}

    # --- deciding -----------------------------------------------------------------------

    def hit(self, key: tuple) -> Decision:
        """Count one request of ``key`` and decide. Read the clock in the caller's scope."""
        now = self.clock.now()
        hour, reset, off = self._hour_span(now)
        with self._lock:
            hourly, burst = self.limits(key)
            recent: deque | None = None  # the burst window, when there is a burst limit
            if burst > 0:
                recent = self._bursts.get(key)
                if recent is None:
                    recent = self._bursts[key] = deque()
                while recent and (recent[0] <= now - SECOND or recent[0] > now):
                    recent.popleft()
                if len(recent) >= burst:
                    wait = (recent[0] + SECOND - now).total_seconds()
                    window = self._hours.get(key)
                    used = window[1] if window and window[0] == hour else 0
                    return Decision(False, hourly, max(0, hourly - used) if hourly else 0, reset,
                                    burst=True, retry_after=max(1, math.ceil(wait)))
            if hourly <= 0:
                if recent is not None:
                    recent.append(now)
                return off
            window = self._hours.get(key)
            if window is None or window[0] != hour:
                if len(self._hours) > 50000:
                    self._forget(hour)
                window = self._hours[key] = [hour, 0]
            window[1] += 1
            count = window[1]
            if count > hourly:
                wait = (reset - now).total_seconds()
                return Decision(False, hourly, 0, reset, over_by=count - hourly,
                                retry_after=max(1, math.ceil(wait)))
            if recent is not None:
                recent.append(now)
            return Decision(True, hourly, hourly - count, reset)

    def peek(self, key: tuple) -> Decision:
        """The state of ``key`` without counting a request (WSDL documents, status calls)."""
        now = self.clock.now()
        hour, reset, off = self._hour_span(now)
        with self._lock:
            hourly, _ = self.limits(key)
            window = self._hours.get(key)
            used = window[1] if window and window[0] == hour else 0
        if hourly <= 0:
            return off
        over = max(0, used - hourly)
        return Decision(over == 0, hourly, max(0, hourly - used), reset, over_by=over)

    def usage(self, key: tuple) -> dict:
        """Counters of one caller for the control API."""
        decision = self.peek(key)
        hourly, burst = self.limits(key)
        with self._lock:
            window = self._hours.get(key)
            used = window[1] if window and window[0] == _hour(self.clock.now()) else 0
        return {
            "rate_limit": hourly,
            "burst_limit": burst,
            "used": used,
            "remaining": decision.remaining,
            "reset": decision.reset_header,
            "quarantined": hourly > 0 and used > hourly,
            "quarantine_ends": decision.reset.strftime(QUARANTINE_FORMAT)
            if hourly > 0 and used >= hourly else None,
        }

    # --- clearing -----------------------------------------------------------------------

    def clear_counters(self, client_id: int | None = None) -> None:
        """Forget counts (ends quarantines): of one client, or of every caller."""
        with self._lock:
            if client_id is None:
                self._hours.clear()
                self._bursts.clear()
            else:
                self._hours.pop(client_key(client_id), None)
                self._bursts.pop(client_key(client_id), None)

    def reset(self, rate_limit: int, burst_limit: int) -> None:
        """Back to the start-up state."""
        with self._lock:
            self.rate_limit, self.burst_limit = rate_limit, burst_limit
            self._client_limits.clear()
            self._hours.clear()
            self._bursts.clear()

    def _forget(self, hour: datetime) -> None:
        for key in [k for k, (start, _) in self._hours.items() if start != hour]:
            del self._hours[key]
        for key in [k for k, q in self._bursts.items() if not q]:
            del self._bursts[key]
