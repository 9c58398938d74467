"""What a SOAP operation sees of its request: the ledger, the session cookie, a reply cookie."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ledger import interpretations as rules
from ..ledger.book import ClientBook
from ..ledger.core import Ledger
from ..ledger.directory import Session

SESSION_COOKIE = "ASP.NET_SessionId"


def session_ids(cookie_header: str) -> list[str]:
    """Every ASP.NET_SessionId value in a Cookie header (zeep may send the cookie twice)."""
    ids = []
    for part in (cookie_header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE and value:
            ids.append(value.strip().strip('"'))
    return ids


@dataclass
class OperationContext:
    ledger: Ledger
    session_ids: list[str]
    set_cookie: str | None = None
    client_id: int | None = None  # the client the call acted on, for the request journal
    notes: dict = field(default_factory=dict)
    #: SOAP headers the operation declares and the request carried (``dispatch._read_headers``)
    headers: dict = field(default_factory=dict)

    def session(self) -> Session | None:
        session = self.ledger.session(self.session_ids)
        if session is not None:
            self.client_id = session.identity.client_id
        return session

    def book(self) -> ClientBook:
        """A4: the session's client, or the NotAuthenticated fault."""
        book = self.ledger.require_book(self.session_ids)
        self.client_id = book.client_id
        credential = self.headers.get(rules.PERSON_HEADER)
        if credential is not None:  # PersonService: the session decides, the header must agree
            self.ledger.check_header_credential(self.session_ids, credential)
        return book
