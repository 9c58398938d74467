"""Which books a change may have touched: one change counter per client, and one for all.

A reader keeping an answer built from one client's book (a REST page of its lines) keeps it
while ``ChangeCounts.of(client_id)`` stays the same, so one client's writes do not drop another
client's kept answers. Every row of the log says what it changes: a row of ``BOOK_KINDS``
changes its client's book only (its body's ``c``); a row of ``SESSION_KINDS`` changes no book
(sessions, logins, tokens); any other row (a reset, a client made or ended, a client blocked, a
kind added later) counts for every client. A write that fails counts for the clients whose
books it read (``Ledger._current``), or for all when it named none: memory may keep what it
did before failing. The ledger bumps these under its lock, after the change is made.
"""

from __future__ import annotations

from .deferred import BOOK_KINDS

#: rows that change no client's book: the kept answers stay
SESSION_KINDS = frozenset({"login", "session_end", "touch", "identity", "token", "expire"})
#: what a change touched when it may have touched every book
ALL = "all"


def touched(kind: str, body, client: int | None = None):
    """The client whose book a row of ``kind`` changes, None for no book, or ``ALL``.
    ``body``: the row's body (a dict, or a function not to call); ``client``: its ``c`` when
    the caller knows it."""
    if kind in SESSION_KINDS:
        return None
    if kind in BOOK_KINDS:
        if client is None and isinstance(body, dict):
            client = body.get("c")
        if type(client) is int:
            return client
    return ALL


class ChangeCounts:
    def __init__(self) -> None:
        self._all = 0
        self._by_client: dict[int, int] = {}

    def of(self, client_id: int) -> tuple[int, int]:
        """What a kept answer of this client's book is valid for: changes when anything that
        may have changed the book happens (compare with ``==``)."""
        return self._all, self._by_client.get(client_id, 0)

    def count(self, who) -> None:
        """Count one change of each of ``who`` (client ids, None: no book, ``ALL``)."""
        if ALL in who:  # every earlier value had a smaller ``_all``: the per-client counts go
            self._all += 1
            self._by_client.clear()
            return
        by_client = self._by_client
        for cid in who:
            if cid is not None:
                by_client[cid] = by_client.get(cid, 0) + 1
