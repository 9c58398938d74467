"""The hot GET of ``/v1/transactionlines`` (and ``/{id}``) answered without Flask (issue 18).

A sync job reads the same pages again and again. Once Flask has answered a page
(``transactionlines.py``: it read and checked the query, rendered the lines, built the Link
header) the answer is kept per client and request URL (``KeptPages``) while that client's book
has not changed (``Ledger.client_changes``). Reading it again then costs Flask's request
context, routing and response object for a few header lines; ``LeanLines.answer`` writes the
same status, headers (names, order and values as Flask writes them) and body itself.

The front door still does everything it does for any request (``app.py``: identify the
caller, the client's clock, the rate limiter and its headers, injected faults, the journal);
only the REST app's part is replaced, and only when nothing is unusual: GET (not HEAD), the
exact path, a bearer token that is live and holds the operation's scopes, and (for a page) a
kept answer for the very same URL and book. Anything else returns None and Flask answers,
with its exact errors. Nothing here changes state (but the token table's sweep of expired
tokens, which ``RestContext.bearer`` does too): falling through after a look is free.

The token is the one the front door looked up to find the caller (the same reading of the
``Authorization`` header as ``RestContext.bearer``'s): it is checked here as ``bearer`` checks
it, in the caller's clock the front door runs us in, without parsing and hashing the 1.4 KB
header a second time (issue 18).
"""

from __future__ import annotations

import re
import threading
import uuid
from typing import TYPE_CHECKING

from ..ledger.ids import trace_id
from . import openapi, vendor
from .http import LINK_KEY

if TYPE_CHECKING:
    from ..ledger.tokens import AccessToken

PAGES_PATH = "/v1/transactionlines"
LINE_PREFIX = PAGES_PATH + "/"
_CONTENT_TYPE = ("Content-Type", "application/json; charset=utf-8")
#: ``includeDimensions`` as a by-id read may give it, when it gives nothing else
_BY_ID_QUERIES = {"": False, "includeDimensions=false": False, "includeDimensions=true": True}
_HEX = frozenset("0123456789abcdefABCDEF-")
_GUID_RE = re.compile(openapi.GUID_PATTERN)


class KeptPages:
    """Request URL per client -> the answer Flask gave and what it was valid for: the client's
    change count and its book (a reset or a replay replaces the book)."""

    def __init__(self, capacity: int = 256):
        self.capacity = capacity
        self._pages: dict[tuple, tuple] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(client_id: int, environ) -> tuple:
        """What the answer is made of: the client, the query and the host its Link names."""
        return (client_id, *map(environ.get, LINK_KEY))

    def get(self, key: tuple, changes, book) -> tuple[bytes, tuple, tuple] | None:
        """``(body, its Content-Length header, its link header)`` when kept for ``changes``
        and ``book``, else None."""
        kept = self._pages.get(key)
        if kept is None or kept[1] is not book or kept[0] != changes:
            return None
        return kept[2]

    def put(self, key: tuple, changes, book, body: bytes, link: str) -> None:
        with self._lock:
            if len(self._pages) >= self.capacity:
                self._pages.clear()
            self._pages[key] = (changes, book, (body, ("Content-Length", str(len(body))),
                                                ("link", link)))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


class LeanLines:
    def __init__(self, server, pages: KeptPages, line_text):
        """``line_text(book, line_id, dimensions)``: one line's JSON text, or None (read
        under the ledger's lock, as the Flask view reads it)."""
        self.ledger = server.ledger
        self.clock = server.clock
        self.pages = pages
        self.line_text = line_text
        self._pages_scopes = vendor.required_scopes("GET", "/transactionlines")
        self._line_scopes = vendor.required_scopes("GET", "/transactionlines/{id}")

    def answer(self, environ, found: AccessToken | None) -> tuple[list, bytes, dict] | None:
        """``(headers, body, journal meta)`` of a 200 as Flask would write it, or None: let
        Flask answer. Called by the front door in the caller's clock, after the quota, with
        the token its ``Authorization`` header names (``TokenStore.lookup``), if any."""
        if found is None or environ.get("REQUEST_METHOD") != "GET":
            return None
        path = environ.get("PATH_INFO")
        if path == PAGES_PATH:
            token = self._token(found, self._pages_scopes)
            if token is None:
                return None
            return self._page(environ, token.client_id)
        if path is not None and path.startswith(LINE_PREFIX):
            token = self._token(found, self._line_scopes)
            if token is None:
                return None
            return self._line(environ, token.client_id, path[len(LINE_PREFIX):])
        return None

    def _token(self, found: AccessToken, scopes: frozenset[str]) -> AccessToken | None:
        """``found`` if it is live (``RestContext.bearer``'s check, on the caller's clock: the
        front door's scope is ``found``'s client) and holds ``scopes``, else None: Flask then
        answers with the exact error. (A client without a book: ``_page`` and ``_line``.)"""
        token, _ = self.ledger.tokens.validate(found.token, self.clock.now())
        return token if token is not None and scopes <= token.scopes else None

    def _page(self, environ, client_id: int):
        book = self.ledger.books.get(client_id)
        if book is None:
            return None
        kept = self.pages.get(KeptPages.key(client_id, environ),
                              self.ledger.client_changes(client_id), book)
        if kept is None:
            return None
        body, length, link = kept
        return ([_CONTENT_TYPE, length, ("X-Trace-Id", trace_id()), link], body,
                {"operation": "GetTransactionLines", "client_id": client_id})

    def _line(self, environ, client_id: int, line_id: str):
        dimensions = _BY_ID_QUERIES.get(environ.get("QUERY_STRING", ""))
        if (dimensions is None or len(line_id) != 36 or not _HEX.issuperset(line_id)
                or not _GUID_RE.match(line_id)):
            return None
        book = self.ledger.books.get(client_id)
        if book is None:
            return None
        text = self.line_text(book, uuid.UUID(line_id), dimensions)
        if text is None:  # Flask's 404, in the vendor's shape
            return None
        body = text.encode()
        return (_headers(body), body, {"operation": "GetTransactionLine", "client_id": client_id})


def _headers(body: bytes) -> list[tuple[str, str]]:
    """Flask's headers of ``http.json_response``, in its order (a page's add its link)."""
    return [_CONTENT_TYPE, ("Content-Length", str(len(body))), ("X-Trace-Id", trace_id())]
