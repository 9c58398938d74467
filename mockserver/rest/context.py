"""Per-app plumbing every resource module uses: the ledger, the clock as the client sees it, the
request's journal metadata and bearer-token authentication with the operation's scopes."""

from __future__ import annotations

import contextlib

from flask import request

from .. import errors
from ..ledger.book import ClientBook
from ..ledger.tokens import AccessToken
from . import vendor


class RestContext:
    def __init__(self, server):
        self.server = server
        self.ledger = server.ledger
        self.clock = server.clock

    def clock_scope(self, client_id: int | None):
        """Read the clock as that client sees it, where the clock has per-client time."""
        scope = getattr(self.clock, "scope", None)
        return scope(client_id) if scope is not None else contextlib.nullcontext()

    @staticmethod
    def meta(**values) -> None:
        request.environ.setdefault("mockserver.meta", {}).update(values)

    def authenticate(self, method: str, path: str) -> AccessToken:
        """A5: a live bearer token holding every scope the vendor's document requires for
        ``method path`` (a vendor path such as ``/accounts/{id}``), or 401/403 in the vendor
        shape."""
        token = self.bearer(request.headers.get("Authorization", ""))
        self.meta(client_id=token.client_id)
        missing = sorted(vendor.required_scopes(method, path) - token.scopes)
        if missing:
            raise errors.MissingScope(scope=" ".join(missing))
        return token

    def bearer(self, header: str) -> AccessToken:
        """The live token an ``Authorization`` header carries, read on its client's clock, or
        the vendor's 401 (raised). Also ``lean.py``'s check, which falls back to Flask on any."""
        scheme, _, value = header.strip().partition(" ")
        if not header.strip():
            raise errors.MissingAuthorization()
        if scheme.lower() != "bearer" or not value.strip():
            raise errors.NotBearer()
        ledger = self.ledger
        found = ledger.tokens.lookup(value.strip())
        if found is None:  # never issued, or expired and swept
            _, why = ledger.tokens.validate(value.strip(), self.clock.now())
            raise why or errors.InvalidToken()
        with self.clock_scope(found.client_id):
            token, why = ledger.tokens.validate(found.token, self.clock.now())
        if token is None or token.client_id not in ledger.books:
            raise why or errors.InvalidToken()
        return token

    def book(self, token: AccessToken) -> ClientBook:
        return self.ledger.book(token.client_id)
