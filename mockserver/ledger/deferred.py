"""Books replayed after start-up: a server over a big SQLite log serves before its biggest books
are read, and never answers from a book that is half read.

At start-up (and when a failed write rebuilds memory) the ledger reads the log in one pass
without reading its heavy rows (``bundles``: booked lines, nearly all of a big log): from a
client's first heavy row on, every row that changes only that client's
book (``BOOK_KINDS``) is queued for that client, in log order; every other row (clients,
users, sessions, tokens, resets) is applied at once, so logins, tokens and the client list are
right from the first request. A queue is then replayed by the same ``_ev_<kind>`` handlers as
any row, a chunk of rows per hold of the ledger's lock: inline for up to ``STARTUP_BUDGET_S``
(a small log is read whole before the server starts, as before), then by a background thread.

Reading a client's book (``Books.get``, ``[]``, ``values()``, ``items()``: ``Ledger.book``,
``_current``, ``require_book``, the capacity checks) first replays that client's whole queue,
under the lock, in the reading thread; so a request for a client still queued waits for its
books, and one for any other client is served meanwhile. Rows other processes append for a
queued client join the end of its queue: the order of a client's rows is never changed.
"""

from __future__ import annotations

import gc
import threading
import time
from collections import deque

#: rows that change one client's book and nothing else (their body's ``c``)
BOOK_KINDS = frozenset({"bundles", "scenario", "new_link", "link", "due", "master", "relation",
                        "year", "year_end", "series", "series_end", "approve"})
#: rows whose body is read only when its client's book is replayed: booked lines, nearly all
#: of a big log (a ``scenario`` row is small and replays at start-up unless its client waits:
#: the banner shows the demo client's scenario)
HEAVY_KINDS = ("bundles",)
#: rows replayed per hold of the ledger's lock by the background thread
CHUNK = 200
#: how long start-up replays queued rows itself before handing them to the background thread
STARTUP_BUDGET_S = 0.3


class Deferred:
    """The queued rows of each client, and the thread replaying them."""

    def __init__(self, ledger) -> None:
        self.ledger = ledger
        #: client id -> its queued (row id, kind, body text or None: read it from the store)
        self.pending: dict[int, deque] = {}
        #: client id -> the error its rows raised (the book is not served)
        self.failed: dict[int, Exception] = {}
        self.loading: int | None = None  # the client whose rows are being applied now
        self._thread: threading.Thread | None = None

    # --- queueing (called by the ledger's catch-up, under its lock) ---------------------------

    def wants(self, kind: str, client, body) -> bool:
        """Whether this row waits in its client's queue (``body`` None: a heavy row unread)."""
        if kind not in BOOK_KINDS:
            return False
        return client in self.pending or body is None

    def queue(self, row_id: int, kind: str, client: int, body) -> None:
        self.pending.setdefault(client, deque()).append((row_id, kind, body))

    def queued(self, client_id: int, kind: str) -> bool:
        """Whether a row of ``kind`` waits in the client's queue."""
        return any(k == kind for _, k, _ in self.pending.get(client_id, ()))

    def drop(self, client_ids) -> None:
        """Clients that ended: their queued rows mean nothing any more."""
        for cid in client_ids:
            self.pending.pop(cid, None)
            self.failed.pop(cid, None)

    def clear(self) -> None:
        self.pending.clear()
        self.failed.clear()

    # --- replaying ------------------------------------------------------------------------------

    def ensure(self, client_id) -> None:
        """Replay ``client_id``'s queue now (a reader needs its book); raise its error if its
        rows could not be replayed."""
        if client_id not in self.pending and client_id not in self.failed:
            return
        with self.ledger.lock:
            if self.loading == client_id:  # the queue's own rows read their book
                return
            while client_id in self.pending:
                self._step(client_id, None)
            err = self.failed.get(client_id)
        if err is not None:
            raise err

    def ensure_all(self) -> None:
        if self.pending or self.failed:
            for cid in [*self.pending, *self.failed]:
                self.ensure(cid)

    def _step(self, client_id: int, limit: int | None) -> None:
        """Apply up to ``limit`` (None: all) of the client's queued rows (the lock is held)."""
        queue = self.pending[client_id]
        n = len(queue) if limit is None else min(limit, len(queue))
        rows = [queue.popleft() for _ in range(n)]
        unread = [row_id for row_id, _, body in rows if body is None]
        bodies = self.ledger.store.bodies(unread) if unread else {}
        was_enabled = gc.isenabled()
        gc.disable()  # a book of a million lines: collect once, after
        self.loading = client_id
        try:
            for row_id, kind, body in rows:
                self.ledger._apply_row(row_id, kind, bodies[row_id] if body is None else body,
                                       client_id)
        except Exception as err:  # noqa: BLE001 - kept and raised to every reader of the book
            self.failed[client_id] = err
            self.pending.pop(client_id, None)
            return
        finally:
            self.loading = None
            if was_enabled:
                gc.enable()
        if not queue:
            self.pending.pop(client_id, None)
            # The book is whole and lives as long as its client: out of the cyclic collector's
            # way, or the next full collection walks every replayed line (a long pause for
            # whoever's request triggers it), as the bulk loader does after a big load.
            gc.freeze()

    def start(self, budget_s: float) -> None:
        """Replay queues inline for up to ``budget_s``, then leave the rest to a thread."""
        deadline = time.monotonic() + budget_s
        with self.ledger.lock:
            while self.pending and time.monotonic() < deadline:
                self._step(next(iter(self.pending)), CHUNK)
            for err in self.failed.values():
                raise err  # read at start-up: the server does not start, as before
        if self.pending and (self._thread is None or not self._thread.is_alive()):
            self._thread = threading.Thread(target=self._run, name="tfso-replay", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        lock = self.ledger.lock
        while True:
            with lock:
                if not self.pending:
                    return
                self._step(next(iter(self.pending)), CHUNK)
            time.sleep(0.001)  # let a waiting request take the lock between chunks

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the background replay to end (tests, benchmarks); True when it has."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.pending


class Books(dict):
    """Client id -> ``ClientBook``; a book whose rows are queued is replayed before it is read."""

    def __init__(self, deferred: Deferred) -> None:
        super().__init__()
        self._deferred = deferred

    def __getitem__(self, client_id):
        if self._deferred.pending or self._deferred.failed:
            self._deferred.ensure(client_id)
        return dict.__getitem__(self, client_id)

    def get(self, client_id, default=None):
        if self._deferred.pending or self._deferred.failed:
            self._deferred.ensure(client_id)
        return dict.get(self, client_id, default)

    def values(self):
        self._deferred.ensure_all()
        return dict.values(self)

    def items(self):
        self._deferred.ensure_all()
        return dict.items(self)
