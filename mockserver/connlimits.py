"""Connection limits: no client, leaky pool or slow sender can hold the door shut.

- ``total`` connections at most, ``per_client`` from one remote address. A connection over either
  limit makes room by closing the least recently active connection that is not being answered
  (an idle keep-alive connection, or one still trickling in its request), of that address when
  the address is over its own limit; when there is none, the new connection is closed. Closing
  an idle keep-alive connection is ordinary HTTP/1.1 (RFC 9112 9.8): clients reopen.
- ``request_timeout`` seconds from a request's first byte to its last (headers and body): a
  request that takes longer is not answered and its connection is closed.
- ``idle_timeout`` seconds of silence close a keep-alive connection (waitress's channel timeout).

The server loop runs every check (on accept, and once a second in waitress's maintenance).
"""

from __future__ import annotations

import logging
import resource
import time
from dataclasses import dataclass

log = logging.getLogger("mockserver")

#: descriptors kept back for the store, the journal, the trigger pipe and the listener
_RESERVED_FDS = 64


@dataclass
class ConnectionLimits:
    total: int = 1000
    per_client: int = 128
    request_timeout: float = 15.0
    idle_timeout: int = 120
    #: connections closed to make room, and refused, since start (for tests and figures)
    evicted: int = 0
    refused: int = 0
    timed_out: int = 0

    @classmethod
    def from_settings(cls, settings) -> ConnectionLimits:
        limits = cls()
        if settings is not None:
            limits = cls(total=getattr(settings, "connection_limit", cls.total),
                         per_client=getattr(settings, "connections_per_client", cls.per_client),
                         request_timeout=getattr(settings, "request_timeout", cls.request_timeout),
                         idle_timeout=getattr(settings, "idle_timeout", cls.idle_timeout))
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and limits.total > soft - _RESERVED_FDS:
            limits.total = max(16, soft - _RESERVED_FDS)
        return limits

    def attach(self, listener) -> None:
        """Run the request timeout in the listener's maintenance, next to waitress's own."""
        idle_sweep = listener.maintenance

        def maintenance(now):
            idle_sweep(now)
            self.sweep(listener)

        listener.maintenance = maintenance

    # --- on accept ----------------------------------------------------------------------

    def admit(self, channel) -> None:
        """A new connection: make room for it, or close it."""
        channels = [c for c in list(channel.server.active_channels.values())
                    if c is not channel and c.connected]
        address = _host(channel.addr)
        mine = [c for c in channels if _host(c.addr) == address]
        if len(mine) >= self.per_client:
            pool = mine
        elif len(channels) >= self.total:
            pool = channels
        else:
            return
        victim = _least_recently_active(pool)
        if victim is None:
            self.refused += 1
            log.warning("connection from %s refused: %d open from it, %d in all, none idle",
                        address, len(mine), len(channels))
            channel.handle_close()
            return
        self.evicted += 1
        victim.handle_close()

    # --- once a second ------------------------------------------------------------------

    def sweep(self, listener) -> None:
        """Close connections whose request has been arriving for longer than the timeout."""
        cutoff = time.monotonic() - self.request_timeout
        for channel in list(listener.active_channels.values()):
            started = getattr(channel, "request_started", None)
            if started is not None and started < cutoff and not channel.requests:
                self.timed_out += 1
                channel.handle_close()


def _host(addr) -> str:
    return addr[0] if isinstance(addr, tuple) and addr else str(addr)


def _least_recently_active(channels):
    """The connection that waits longest for nothing: not being answered, nothing to send."""
    idle = [c for c in channels if not c.requests and not c.total_outbufs_len]
    return min(idle, key=lambda c: c.last_activity, default=None)
