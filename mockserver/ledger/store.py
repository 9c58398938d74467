"""The SQLite store: an append-only log of committed changes, shared by processes, kept on disk.

Every process keeps the in-memory ``ClientBook``s as its working model (all reads and every rule
stay in memory); SQLite is the durable, shared source of truth. Each change the ledger commits
(a client created, a bundle booked with its planned lines, links, due dates, a journal approved,
fiscal years, entry series, blocked identities, sessions, tokens, a reset) is one row of the
``log`` table, written inside the same SQLite transaction that decided it:

- a write takes SQLite's write lock first (``BEGIN IMMEDIATE``), catches up on rows other
  processes appended, checks its rules against that state, appends its row and commits before the
  caller answers: numbering decided in one process can never be decided again in another;
- before serving a request a process applies the rows it has not seen (``id > last seen``);
  ``PRAGMA data_version`` tells it, without reading the table, when no other process wrote;
- start-up replays the log; a reset appends a ``reset`` row and deletes every row before it.

Row bodies are JSON (``codec.py`` in this module's terms: Decimals as strings, dates and times
ISO 8601, GUIDs as text), never pickle. WAL journal, ``synchronous=NORMAL``: a commit is in the
WAL (the operating system's page cache) before the answer is sent, so it survives the server
process being killed (``kill -9``); only an operating-system crash or power loss can lose the last
commits (``synchronous=FULL`` would fsync every commit to cover that, at several ms a commit).

``MemoryLog`` is the same interface for ``--store memory``: one process holds the only copy of
the state, so it keeps no rows (nothing else reads them) and never builds a row's body.

This module knows nothing about the ledger's objects: it stores and reads ``(kind, body)`` rows;
a body is a dict, or a function making it (called only by a store that writes rows).
"""

from __future__ import annotations

import json
import sqlite3

from ..errors import StoreDamaged

FORMAT = "tfso-mock-log/1"
#: how long the health check waits for SQLite's write lock before calling the store unwritable
HEALTH_WAIT_MS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    kind   TEXT NOT NULL,
    body   TEXT NOT NULL,
    client INTEGER
);
CREATE TABLE IF NOT EXISTS blob (
    key  TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


class StoreError(RuntimeError):
    pass


class MemoryLog:
    """The log of ``--store memory``: the interface of ``SqliteStore`` over no file.

    Nothing else reads the state of this process, so no row is kept and no body is made; a
    transaction that fails keeps in memory what its changes made before the failure (each
    operation checks before it changes; ``rollback`` returns False: nothing to rebuild from).
    """

    path = "memory"
    #: no other process writes this log: nothing to catch up on (``Ledger.sync``)
    shared = False

    def __init__(self) -> None:
        self.in_transaction = False
        self._last = 0
        self._blobs: dict[str, bytes] = {}  # AttachmentService file contents by key

    def begin(self) -> None:
        self.in_transaction = True

    def commit(self) -> None:
        self.in_transaction = False

    def rollback(self) -> bool:
        self.in_transaction = False
        return False

    def changed(self) -> bool:
        return False

    def rows_after(self, last_id: int, unread=()):
        return ()

    def bodies(self, row_ids) -> dict:
        return {}

    def append(self, kind: str, body) -> int:
        if not self.in_transaction:
            raise StoreError("append outside a transaction")
        self._last += 1
        return self._last

    def check_writable(self) -> str | None:
        return None

    def check_integrity(self) -> None:
        return None

    def forget_sessions(self, session_ids: list[str]) -> int:
        return 0

    def forget_before(self, row_id: int) -> None:
        self._blobs.clear()  # a reset: the files were records of the books before it

    def put_blob(self, key: str, data: bytes) -> None:
        self._blobs[key] = bytes(data)

    def get_blob(self, key: str) -> bytes | None:
        return self._blobs.get(key)

    def count(self) -> int:
        return 0

    def close(self) -> None:
        return None


def parse_store(spec: str) -> str | None:
    """``memory`` -> None; ``sqlite:PATH`` -> PATH. Anything else: ValueError."""
    spec = (spec or "memory").strip()
    if spec == "memory":
        return None
    if spec.startswith("sqlite:") and spec[len("sqlite:"):].strip():
        return spec[len("sqlite:"):].strip()
    raise ValueError(f"store must be 'memory' or 'sqlite:PATH', not {spec!r}")


class SqliteStore:
    """One connection per process, used under the ledger's lock (so from one thread at a time)."""

    #: other processes (workers, other servers over the same file) may commit to it
    shared = True

    def __init__(self, path: str, timeout: float = 60.0):
        self.path = path
        self.timeout = timeout
        try:
            self._open(path, timeout)
        except sqlite3.DatabaseError as err:  # damaged, not a database, read-only, locked
            raise StoreDamaged(path, str(err)) from None
        self._version: int | None = None
        self.in_transaction = False

    def _open(self, path: str, timeout: float) -> None:
        self.conn = sqlite3.connect(path, timeout=timeout, isolation_level=None,
                                    check_same_thread=False)
        self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        mode = self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{path}: SQLite refused WAL mode (journal_mode={mode})")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.conn.execute(statement)
            columns = {r[1] for r in self.conn.execute("PRAGMA table_info(log)")}
            if "client" not in columns:  # a log written before the column: filled in once
                self.conn.execute("ALTER TABLE log ADD COLUMN client INTEGER")
                self.conn.execute("UPDATE log SET client = json_extract(body, '$.c') WHERE "
                                  "json_valid(body) AND json_type(body, '$.c') = 'integer'")
            row = self.conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            if row is None:
                self.conn.execute("INSERT INTO meta (key, value) VALUES ('format', ?)", (FORMAT,))
            elif row[0] != FORMAT:
                raise StoreError(f"{path}: written as {row[0]}, this emulator reads {FORMAT}")
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self.conn.close()
            raise

    # --- transactions ---------------------------------------------------------------------

    def begin(self) -> None:
        """Take the write lock (waits up to the timeout for other processes)."""
        self.conn.execute("BEGIN IMMEDIATE")
        self.in_transaction = True

    def commit(self) -> None:
        self.in_transaction = False
        self.conn.execute("COMMIT")

    def rollback(self) -> bool:
        """Drop the open transaction's rows; True: the caller's memory must be rebuilt."""
        self.in_transaction = False
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        return True

    # --- the log --------------------------------------------------------------------------

    def changed(self) -> bool:
        """Whether another connection committed since the last call (cheap: no table read)."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        if version == self._version:
            return False
        self._version = version
        return True

    def rows_after(self, last_id: int, unread=()):
        """``(id, kind, client, body)`` of every row after ``last_id``, in order (an iterator):
        ``client`` is the body's ``c`` when it is an integer, and ``body`` is None for a row of
        a kind in ``unread`` that has one (``bodies`` reads it later)."""
        skip = ",".join(f"'{k}'" for k in unread if k.isidentifier()) or "''"
        return self.conn.execute(
            "SELECT id, kind, c, CASE WHEN typeof(c) = 'integer' AND kind IN (" + skip + ") "
            "THEN NULL ELSE body END FROM (SELECT id, kind, body, CASE WHEN client IS NOT NULL "
            "THEN client WHEN json_valid(body) THEN json_extract(body, '$.c') END AS c "
            "FROM log WHERE id > ?) ORDER BY id", (last_id,))

    def bodies(self, row_ids) -> dict:
        """Row id -> body of the rows ``row_ids`` (those ``rows_after`` left unread)."""
        out: dict = {}
        ids = list(row_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update(self.conn.execute(
                f"SELECT id, body FROM log WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def append(self, kind: str, body) -> int:
        """One row inside the open transaction (``body``: a dict or a function making it);
        returns its id."""
        if not self.in_transaction:
            raise StoreError("append outside a transaction")
        if callable(body):
            body = body()
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        client = body.get("c")  # the client a row of one client's book is about: its own column
        return self.conn.execute("INSERT INTO log (kind, body, client) VALUES (?, ?, ?)",
                                 (kind, text, client if type(client) is int else None)
                                 ).lastrowid or 0

    def check_writable(self) -> str | None:
        """None when a row can be written now (a write taken and rolled back), else why not:
        a read-only file, a full disk, a lock held too long, a damaged page."""
        if self.in_transaction:
            return None  # a write is under way in this process: it will tell
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {HEALTH_WAIT_MS}")
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES "
                                  "('health', 'probe')")
                self.conn.execute("SELECT count(*) FROM log WHERE id > "
                                  "(SELECT coalesce(max(id), 0) - 1 FROM log)").fetchone()
            finally:
                self.conn.execute("ROLLBACK")
        except sqlite3.Error as err:
            return f"{self.path}: {err}"
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        return None

    def check_integrity(self) -> None:
        """StoreError when SQLite finds the file damaged (``PRAGMA quick_check``, at start-up)."""
        try:
            rows = self.conn.execute("PRAGMA quick_check(3)").fetchall()
        except sqlite3.DatabaseError as err:
            raise StoreDamaged(self.path, str(err)) from None
        problems = [r[0] for r in rows if r[0] != "ok"]
        if problems:
            raise StoreDamaged(self.path, "; ".join(problems))

    def forget_sessions(self, session_ids: list[str]) -> int:
        """Delete the rows of sessions that ended (their login, uses, identity changes, end),
        inside the open transaction: a start-up does not replay every Login ever made."""
        gone = 0
        for i in range(0, len(session_ids), 500):
            chunk = session_ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            gone += self.conn.execute(
                "DELETE FROM log WHERE kind IN ('login', 'touch', 'identity', 'session_end') "
                f"AND json_extract(body, '$.sid') IN ({marks})", chunk).rowcount
        return gone

    def forget_before(self, row_id: int) -> None:
        """Delete every row before ``row_id`` (a reset: nothing before it matters any more),
        and every file's content (the files were records of those rows)."""
        self.conn.execute("DELETE FROM log WHERE id < ?", (row_id,))
        self.conn.execute("DELETE FROM blob")

    # --- file contents (AttachmentService: kept as blobs, out of the JSON log) ---------------

    def put_blob(self, key: str, data: bytes) -> None:
        """A file's whole content, inside the open transaction (with the row that names it)."""
        if not self.in_transaction:
            raise StoreError("put_blob outside a transaction")
        self.conn.execute("INSERT OR REPLACE INTO blob (key, data) VALUES (?, ?)",
                          (key, sqlite3.Binary(data)))

    def get_blob(self, key: str) -> bytes | None:
        row = self.conn.execute("SELECT data FROM blob WHERE key = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM log").fetchone()[0]

    def close(self) -> None:
        self.conn.close()
