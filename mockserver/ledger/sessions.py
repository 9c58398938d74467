"""Logins, sessions and REST tokens (SPEC A1-A5) as ledger operations: a part of ``Ledger``.

A mixin like ``control.py``: each change runs in ``self._write()``, is logged as one row and has
its ``_ev_<kind>`` replay handler right below it. Sessions and tokens are in the log, so they
survive a restart and every process serving a SQLite store shares them; a session's use is
written at most every ``SESSION_TOUCH``, so a read stays a read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from .. import errors
from . import interpretations as rules
from .directory import Identity, Session
from .tokens import AccessToken

#: A session's last use is written to the log at most this often (emulated time), so reads stay
#: reads; another process sees a session's idle time this coarsely.
SESSION_TOUCH = timedelta(seconds=30)


class SessionOperations:
    """Mixed into ``Ledger``; uses its lock, log, clock, books, directory and tokens."""

    if TYPE_CHECKING:  # what Ledger (core.py) provides
        from contextlib import AbstractContextManager
        from threading import RLock

        from ..clock import Clock
        from .book import ClientBook
        from .directory import Directory
        from .tokens import TokenStore

        lock: RLock
        store: Any
        clock: Clock
        books: dict[int, ClientBook]
        directory: Directory
        tokens: TokenStore
        _touched: dict[str, datetime]
        _write: Callable[[], AbstractContextManager]
        _log: Callable[[str, Any], None]
        sync: Callable[[], None]

    def login(self, application_id: UUID, username: str, password: str,
              identity_id: UUID) -> Session | None:
        with self._write():
            now = self.clock.now()
            directory = self.directory
            directory.swept = []
            session = directory.login(application_id, username, password, identity_id, now)
            if directory.swept:  # idle sessions swept: their rows go
                self.store.forget_sessions(directory.swept)
                for sid in directory.swept:
                    self._touched.pop(sid, None)
            if session is not None:
                self._touched[session.session_id] = now
                self._log("login", lambda: {
                    "sid": session.session_id, "user": session.user.username,
                    "identity": str(session.identity.identity_id), "app": str(application_id),
                    "now": now.isoformat()})
            return session

    def _ev_login(self, b: dict) -> None:
        user = self.directory.users[b["user"].lower()]
        now = datetime.fromisoformat(b["now"])
        identity = user.identity(UUID(b["identity"]))
        if identity is None:
            raise KeyError("identity")
        session = Session(b["sid"], user, identity, now, UUID(b["app"]))
        self.directory.hold(session)
        self._touched[session.session_id] = now

    def session(self, session_ids: list[str]) -> Session | None:
        if not session_ids:
            return None
        with self.lock:
            self.sync()
            return self._live_session(session_ids, self.clock.now())

    def _live_session(self, session_ids: list[str], now: datetime) -> Session | None:
        """The live session among the cookie values (clients may send the cookie twice). An
        idle session ends (A4) for every process (decided in ``_write()``, after catching up
        on other processes' uses of it); a use is written to the log when the last written
        one is ``SESSION_TOUCH`` old."""
        idle = timedelta(seconds=rules.SESSION_IDLE_SECONDS)
        sessions = self.directory.sessions
        for sid in session_ids:
            session = sessions.get(sid)
            if session is None:
                continue
            if now - session.last_seen > idle:
                with self._write():
                    session = sessions.get(sid)
                    if session is not None and now - session.last_seen > idle:
                        del sessions[sid]
                        self._touched.pop(sid, None)
                        self._log("session_end", {"sid": sid})
                        session = None
                if session is None:
                    continue
            session.last_seen = now
            touched = self._touched.get(sid)
            if touched is None or now - touched >= SESSION_TOUCH:
                with self._write():
                    if sessions.get(sid) is session:
                        self._touched[sid] = now
                        self._log("touch", lambda sid=sid: {"sid": sid, "now": now.isoformat()})
            return session
        return None

    def _ev_touch(self, b: dict) -> None:
        session = self.directory.sessions.get(b["sid"])
        if session is not None:
            now = datetime.fromisoformat(b["now"])
            if now > session.last_seen:
                session.last_seen = now
            self._touched[b["sid"]] = now

    def _ev_session_end(self, b: dict) -> None:
        self.directory.sessions.pop(b["sid"], None)
        self._touched.pop(b["sid"], None)

    def set_identity(self, session: Session, identity: Identity) -> None:
        """SetIdentity: the session works on another identity of its login from now on."""
        with self._write():
            session.identity = identity
            self.directory.regroup(session)
            if self.directory.sessions.get(session.session_id) is session:
                self._log("identity", lambda: {"sid": session.session_id,
                                               "identity": str(identity.identity_id)})

    def _ev_identity(self, b: dict) -> None:
        session = self.directory.sessions.get(b["sid"])
        identity = session.user.identity(UUID(b["identity"])) if session is not None else None
        if session is not None and identity is not None:
            session.identity = identity
            self.directory.regroup(session)

    def expire_sessions(self, client_id: int | None = None) -> int:
        """Control API and injected faults: end the sessions and REST tokens of one client (or
        all); returns how many ended."""
        with self._write():
            n = self.directory.expire(client_id) + self.tokens.expire(client_id)
            self._log("expire", {"c": client_id})
            return n

    def _ev_expire(self, b: dict) -> None:
        self.directory.expire(b["c"])
        self.tokens.expire(b["c"])

    def _token_issued(self, token: AccessToken) -> None:
        with self._write():
            self.tokens.add(token)
            self._log("token", lambda: {"token": token.token, "app": token.application,
                                        "c": token.client_id, "org": token.organization,
                                        "scopes": sorted(token.scopes),
                                        "issued": token.issued_at.isoformat(),
                                        "expires": token.expires_at.isoformat()})

    def _ev_token(self, b: dict) -> None:
        token = AccessToken(b["token"], b["app"], b["c"], b["org"], frozenset(b["scopes"]),
                            datetime.fromisoformat(b["issued"]),
                            datetime.fromisoformat(b["expires"]))
        self.tokens.add(token)

    def session_client(self, session_ids: list[str]) -> int | None:
        """The client a session cookie names, without touching the session (front door)."""
        with self.lock:
            for sid in session_ids:
                session = self.directory.sessions.get(sid)
                if session is not None:
                    return session.identity.client_id
        return None

    def client_for_username(self, username: str) -> int | None:
        """The default client of a login name (whose quota a Login call counts against)."""
        with self.lock:
            user = self.directory.users.get((username or "").strip().lower())
            identity = user.default_identity() if user is not None else None
            return identity.client_id if identity is not None else None

    def require_book(self, session_ids: list[str]) -> ClientBook:
        """A4: the session's current client, or NotAuthenticated."""
        session = self.session(session_ids)
        if session is None:
            raise errors.NotAuthenticated()
        return self.books[session.identity.client_id]

    def check_header_credential(self, session_ids: list[str], credential: dict) -> None:
        """PersonService's ``Authentication`` header (``rules.PERSON_HEADER``): not a way in
        (the session decides); each member it sets must name the session's own login
        (Username, Password, UserId: its contact id or user GUID) and client (ConsumerId), else
        NotAuthenticated. Empty members and ConsumerId 0 are not set; EmployeeId is not read."""
        session = self.session(session_ids)
        if session is None:
            raise errors.NotAuthenticated()
        user = session.user
        name = str(credential.get("Username") or "").strip()
        password = credential.get("Password") or ""
        user_id = str(credential.get("UserId") or "").strip()
        consumer = credential.get("ConsumerId") or 0
        if (name and name.lower() != user.username.lower()
                or password and not user.password_matches(password)
                or user_id and user_id.lower() not in (str(user.contact_id), str(user.user_id))
                or consumer and consumer != session.identity.client_id):
            raise errors.NotAuthenticated()
