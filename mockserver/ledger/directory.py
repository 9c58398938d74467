"""Users, identities and sessions (SPEC A1-A4).

A user (one login) reaches one or more identities; each identity is one client's books. A session
works on one identity at a time. Session ids look like ASP.NET's: 24 lower-case alphanumerics.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from . import interpretations as rules
from .model import NIL_GUID

_SESSION_ALPHABET = "abcdefghijklmnopqrstuvwxyz012345"  # ASP.NET session id alphabet
#: base32's 32 letters, position by position, onto the session id alphabet
_FROM_BASE32 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _SESSION_ALPHABET.encode())


def new_session_id() -> str:
    """24 characters, each uniform over the 32-letter alphabet: 120 random bits from one system
    call (24 ``secrets.choice`` calls made 48, most of a Login's time)."""
    return base64.b32encode(secrets.token_bytes(15)).translate(_FROM_BASE32).decode("ascii")


def md5_utf16le(password: str) -> str:
    """What older clients send instead of the password (Authenticate_2018 WSDL)."""
    return hashlib.md5(password.encode("utf-16-le")).hexdigest()


@dataclass
class Identity:
    identity_id: UUID
    client_id: int
    client_name: str
    blocked: bool = False
    is_default: bool = False


@dataclass
class User:
    username: str
    password: str
    user_id: UUID
    name: str
    contact_id: int
    identities: list[Identity] = field(default_factory=list)

    def password_matches(self, given: str) -> bool:
        if hmac.compare_digest(given.encode(), self.password.encode()):
            return True
        return hmac.compare_digest(given.strip().lower().encode(), md5_utf16le(self.password).encode())

    def default_identity(self) -> Identity | None:
        return next((i for i in self.identities if i.is_default), self.identities[0] if self.identities else None)

    def identity(self, identity_id: UUID) -> Identity | None:
        return next((i for i in self.identities if i.identity_id == identity_id), None)


@dataclass
class Session:
    session_id: str
    user: User
    identity: Identity
    last_seen: datetime
    application_id: UUID


#: a full sweep of idle sessions runs at least once per this many logins (amortised O(1))
SWEEP_EVERY = 1000
#: how long an unused session lives (A4)
_IDLE = timedelta(seconds=rules.SESSION_IDLE_SECONDS)


class Directory:
    """All users and sessions. Callers hold the ledger lock.

    Idle sessions end when next used (A4) and are swept: every ``SWEEP_EVERY`` logins, and
    before a login would pass ``session_limit`` live ones (then refused: ``LimitReached``).
    ``now_for(client_id)`` is that client's time (clients' clocks can be moved apart). A sweep
    reads only what may have gone idle: each client's sessions wait in a heap by the time they
    would go idle if not used again (a session used since goes back in with its new time), so
    a sweep costs the clients plus what it ends, not every session: at the limit every login
    sweeps, and walking 50,000 sessions there took each refused login ~10 ms under the ledger's
    lock.
    """

    def __init__(self, session_limit: int = 50_000, now_for=None):
        self.users: dict[str, User] = {}
        self.sessions: dict[str, Session] = {}
        self.session_limit = session_limit
        self.now_for = now_for
        self._logins = 0
        #: client id -> heap of (the time a session goes idle if not used again, its id)
        self._idle: dict[int, list[tuple[datetime, str]]] = {}
        #: the session ids the last sweep ended (the shared store forgets their log rows)
        self.swept: list[str] = []

    def hold(self, session: Session) -> None:
        """Keep a live session (made here, or replayed from the shared log)."""
        self.sessions[session.session_id] = session
        self.regroup(session)

    def regroup(self, session: Session) -> None:
        """A live session under its client now (made, or moved by SetIdentity): swept by
        that client's clock."""
        if self.sessions.get(session.session_id) is session:
            heapq.heappush(self._idle.setdefault(session.identity.client_id, []),
                           (session.last_seen + _IDLE, session.session_id))

    def add_user(self, user: User) -> None:
        self.users[user.username.lower()] = user

    def check_credentials(self, username: str, password: str) -> User | None:
        user = self.users.get((username or "").strip().lower())
        if user is None or not user.password_matches(password or ""):
            return None
        return user

    def login(self, application_id: UUID, username: str, password: str, identity_id: UUID,
              now: datetime) -> Session | None:
        """A1/A3: a new session on the default or requested identity, or None."""
        from .. import errors

        if application_id == NIL_GUID:
            return None
        user = self.check_credentials(username, password)
        if user is None:
            return None
        identity = user.default_identity() if identity_id == NIL_GUID else user.identity(identity_id)
        if identity is None:
            return None
        if identity.blocked:
            raise errors.IdentityBlocked()
        self._logins += 1
        if self._logins >= SWEEP_EVERY or len(self.sessions) >= self.session_limit:
            self._logins = 0
            self.sweep(now)
        if len(self.sessions) >= self.session_limit:
            raise errors.LimitReached("sessions", self.session_limit)
        session = Session(new_session_id(), user, identity, now, application_id)
        self.hold(session)
        return session

    def sweep(self, now: datetime) -> list[str]:
        """End every idle session, each by its client's clock (``now`` without ``now_for``);
        returns their ids."""
        sessions, gone = self.sessions, []
        for cid, heap in list(self._idle.items()):
            when = self.now_for(cid) if self.now_for is not None else now
            while heap and heap[0][0] < when:
                _, sid = heapq.heappop(heap)
                session = sessions.get(sid)
                if session is None:
                    continue  # ended already (logged out, expired, swept, a reset)
                owner, its_heap, its_now = session.identity.client_id, heap, when
                if owner != cid:  # SetIdentity moved it to another client: by that one's clock
                    its_heap = self._idle.setdefault(owner, [])
                    its_now = self.now_for(owner) if self.now_for is not None else now
                if session.last_seen + _IDLE < its_now:
                    del sessions[sid]
                    gone.append(sid)
                else:  # used since it went in (or moved): back in with its new time
                    heapq.heappush(its_heap, (session.last_seen + _IDLE, sid))
            if not heap:
                del self._idle[cid]
        self.swept = gone
        return gone

    def expire(self, client_id: int | None = None) -> int:
        """Control API: end sessions (of one client, or all)."""
        gone = [sid for sid, s in self.sessions.items()
                if client_id is None or s.identity.client_id == client_id]
        for sid in gone:
            del self.sessions[sid]
        return len(gone)
