"""OAuth2 client credentials for the REST API (SPEC A5): applications, access tokens, scopes.

Every emulated client gets one application (``oauth: {client_id, client_secret, organization}``
in ``POST /__admin/clients``, with ``scopes``: its default scopes when the client set them). A token is bound to that one client, carries scopes and expires
by the emulator's clock. Tokens look like the vendor's (Auth0) JWTs, so clients that decode them
to read ``exp`` work, but they are checked by look-up: a reset or an expiry ends them for good.
Nothing here knows about HTTP: it raises the catalogue's OAuth errors (``errors.OAuthError``
subclasses), which carry their status and RFC 6749 code; the REST surface renders them.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import SequenceMatcher

from .. import errors
from . import interpretations as rules

GRANT_TYPE = "client_credentials"
ISSUER = "https://login.24sevenoffice.com/"

#: how alike (``difflib`` ratio) a mistyped scope's resource and action must each be to a
#: scope's to be suggested: a typo or a plural, not another resource sharing ``api.``/``:write``
RESOURCE_CUTOFF = 0.85
ACTION_CUTOFF = 0.6


def _scope_parts(scope: str) -> tuple[str, str]:
    """``api.crm.customer:read`` -> ``("crm.customer", "read")``; a '.' for the ':' is read
    as one (``api.crm.customer.read``)."""
    text = scope.strip().lower()
    resource, sep, action = text.rpartition(":")
    if not sep:
        resource, _, action = text.rpartition(".")
    return resource.removeprefix("api."), action


def closest_scope(value: str, scopes: Iterable[str]) -> str | None:
    """The scope a mistyped one most likely meant, or None when none is close or two are
    equally close. Resource and action are compared apart: on the whole string every scope
    shares ``api.`` and an action, so ``api.files:write`` came out as
    ``api.crm.bankdetails:write``. A resource without its group (``api.product:write``,
    ``api.customer:read``) is compared with the resources' last parts too."""
    resource, action = _scope_parts(value)
    bare = "." not in resource
    best: list[str] = []
    best_score = 0.0
    for scope in scopes:
        their_resource, their_action = _scope_parts(scope)
        near = SequenceMatcher(None, resource, their_resource).ratio()
        if bare and near < RESOURCE_CUTOFF:
            near = SequenceMatcher(None, resource, their_resource.rpartition(".")[2]).ratio()
        act = SequenceMatcher(None, action, their_action).ratio()
        if near < RESOURCE_CUTOFF or act < ACTION_CUTOFF:
            continue
        if near + act > best_score:
            best, best_score = [scope], near + act
        elif near + act == best_score:
            best.append(scope)
    return best[0] if len(best) == 1 else None


@dataclass(frozen=True)
class Application:
    """An OAuth2 application connected to one client (organization)."""

    client_id: str
    client_secret: str
    organization: str
    ledger_client_id: int
    scopes: tuple[str, ...] = rules.OAUTH_SCOPES
    #: what a token asked for without ``scope`` carries: the scopes approved for the
    #: application (``oauth: {scopes}`` of the client), else every read scope
    default_scopes: tuple[str, ...] = rules.OAUTH_DEFAULT_SCOPES


@dataclass(frozen=True)
class AccessToken:
    token: str
    application: str  # the OAuth client_id
    client_id: int  # the emulated client (its books)
    organization: str
    scopes: frozenset[str]
    issued_at: datetime
    expires_at: datetime

    @property
    def expires_in(self) -> int:
        return int((self.expires_at - self.issued_at).total_seconds())

    @property
    def scope(self) -> str:
        return " ".join(sorted(self.scopes))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class TokenStore:
    """Applications and the tokens issued to them. Has its own lock.

    Expired tokens are swept as time passes: per client, a heap ordered by expiry gives the
    next one to go in O(log n), so issuing stays cheap with any number of live tokens
    (rebuilding the map at each issue made it quadratic). Each client is swept by its own
    clock (``now_for``: clients' clocks can be moved apart). ``limit`` bounds the live ones
    (``--limit tokens``).
    """

    def __init__(self, limit: int = 50_000, now_for=None):
        self._lock = threading.Lock()
        self._key = secrets.token_bytes(32)
        self.limit = limit
        self.now_for = now_for  # client_id -> that client's now; None: only the caller's now
        self.applications: dict[str, Application] = {}
        self.tokens: dict[str, AccessToken] = {}
        #: per client, a heap of (expires_at, token)
        self._expiry: dict[int, list[tuple[datetime, str]]] = {}
        #: the last ``limit`` tokens swept, to answer "has expired" rather than "is invalid"
        self._expired: OrderedDict[str, None] = OrderedDict()
        #: a shared store's hook: called with each token issued, to keep it (``Ledger``)
        self.on_issue: Callable[[AccessToken], None] | None = None

    def register(self, oauth: dict, ledger_client_id: int,
                 scopes: tuple[str, ...] = rules.OAUTH_SCOPES) -> Application:
        defaults = oauth.get("scopes")
        app = Application(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                          ledger_client_id, tuple(scopes),
                          rules.OAUTH_DEFAULT_SCOPES if defaults is None else tuple(defaults))
        with self._lock:
            self.applications[app.client_id] = app
        return app

    def unregister(self, client_id: str) -> None:
        """Remove an application and end its tokens (its client is gone)."""
        with self._lock:
            self.applications.pop(client_id, None)
            self.tokens = {k: t for k, t in self.tokens.items() if t.application != client_id}

    def issue(self, *, grant_type: str | None, client_id: str | None, client_secret: str | None,
              audience: str | None, organization: str | None, scope: str | None,
              now: datetime) -> AccessToken:
        """The client credentials grant; raises the catalogue's ``errors.OAuthError`` kinds."""
        if not grant_type:
            raise errors.MissingGrantType()
        if grant_type != GRANT_TYPE:
            raise errors.UnsupportedGrantType(grant_type=grant_type)
        if not client_id:
            raise errors.MissingClientId()
        with self._lock:
            app = self.applications.get(client_id)
        if app is None or not hmac.compare_digest((client_secret or "").encode(),
                                                  app.client_secret.encode()):
            raise errors.ClientAuthenticationFailed()
        if audience and audience.rstrip("/") != rules.OAUTH_AUDIENCE:
            raise errors.UnknownAudience(audience=audience)
        if organization and organization != app.organization:
            raise errors.NotConnected(organization=organization)
        if scope and scope.strip():
            granted = frozenset(scope.split()) & frozenset(app.scopes)
            if not granted:
                raise errors.ScopeNotGranted(scope=scope.strip())
        else:
            granted = frozenset(app.scopes) & frozenset(app.default_scopes)
        expires = now + timedelta(seconds=rules.TOKEN_LIFETIME_SECONDS)
        text = self._jwt(app, audience or rules.OAUTH_AUDIENCE, granted, now, expires)
        token = AccessToken(text, app.client_id, app.ledger_client_id, app.organization,
                            granted, now, expires)
        with self._lock:
            self.sweep(app.ledger_client_id, now)
            if len(self.tokens) >= self.limit and self.now_for is not None:
                for cid in list(self._expiry):
                    self.sweep(cid, self.now_for(cid))
            if len(self.tokens) >= self.limit:
                raise errors.LimitReached("tokens", self.limit)
            self.add(token)
        if self.on_issue is not None:
            self.on_issue(token)
        return token

    def add(self, token: AccessToken) -> None:
        """Hold one token (issued here, or replayed from the shared log); caller holds the lock
        or owns the store alone."""
        if token.token not in self.tokens:
            heap = self._expiry.setdefault(token.client_id, [])
            heapq.heappush(heap, (token.expires_at, token.token))
        self.tokens[token.token] = token

    def sweep(self, client_id: int, now: datetime) -> int:
        """Forget one client's tokens expired at ``now``; returns how many (caller holds the
        lock)."""
        heap, tokens, gone = self._expiry.get(client_id), self.tokens, 0
        while heap and heap[0][0] <= now:
            _, text = heapq.heappop(heap)
            found = tokens.get(text)
            if found is not None and found.expires_at <= now:
                del tokens[text]
                self._expired[text] = None
                if len(self._expired) > self.limit:
                    self._expired.popitem(last=False)
                gone += 1
        return gone

    def _jwt(self, app: Application, audience: str, scopes, now: datetime,
             expires: datetime) -> str:
        header = {"alg": "HS256", "typ": "JWT", "kid": "tfso-mockserver"}
        claims = {
            "iss": ISSUER, "sub": f"{app.client_id}@clients", "aud": audience,
            "iat": int(now.timestamp()), "exp": int(expires.timestamp()),
            "scope": " ".join(sorted(scopes)), "gty": "client-credentials",
            "azp": app.client_id, "org_id": app.organization,
            "jti": secrets.token_hex(8),
        }
        signing = ".".join(_b64(json.dumps(part, separators=(",", ":")).encode())
                           for part in (header, claims))
        signature = hmac.new(self._key, signing.encode("ascii"), hashlib.sha256).digest()
        return f"{signing}.{_b64(signature)}"

    def lookup(self, token: str) -> AccessToken | None:
        """The token as issued (expired or not), or None for a token never issued here."""
        with self._lock:
            return self.tokens.get(token)

    def validate(self, token: str, now: datetime) -> tuple[AccessToken | None,
                                                           errors.InvalidToken | None]:
        """``(token, None)`` for a live token, else ``(None, why)``: the catalogue's error."""
        with self._lock:
            found = self.tokens.get(token)
            if found is not None:
                self.sweep(found.client_id, now)
                found = self.tokens.get(token)
            swept = found is None and token in self._expired
        if swept:
            return None, errors.ExpiredToken()
        if found is None:
            return None, errors.InvalidToken()
        if now >= found.expires_at:
            return None, errors.ExpiredToken()
        return found, None

    def expire(self, client_id: int | None = None) -> int:
        """End the tokens of one client, or all; returns how many."""
        with self._lock:
            gone = [k for k, t in self.tokens.items() if client_id is None or t.client_id == client_id]
            for k in gone:
                del self.tokens[k]
            if client_id is None:
                self._expiry = {}
                self._expired.clear()
            else:
                self._expiry.pop(client_id, None)
            return len(gone)
