"""The ledger: every client's books, the user directory, and the operations the surfaces call.

One lock guards all state; every operation is short and in memory, so requests from many threads
serialise cheaply and a bundle is never seen half-written.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from .. import errors
from ..clock import Clock
from . import fixtures, posting
from .book import ClientBook
from .directory import Directory, Identity, Session, User
from .model import BundleList, FiscalYear, Line
from .tokens import TokenStore

DEMO_USERNAME = "demo@24sevenoffice.mock"
DEMO_PASSWORD = "demo"
DEMO_APPLICATION_ID = UUID("2f9a1c7e-7d1e-4c3b-9e2a-245000000001")
DEMO_IDENTITY_ID = UUID("2f9a1c7e-7d1e-4c3b-9e2a-245000000002")
DEMO_CLIENT_ID = 1000
_NS_FY = UUID("b1d6a3a0-24ae-4f4b-9c55-6f0f6a1c0001")


@dataclass
class ClientOptions:
    """What ``POST /__admin/clients`` (or a scenario) asks for."""

    name: str | None = None
    fiscal_years: list[int] | None = None  # None: the current and previous year
    blocked: bool = False
    extra_identities: list[dict] = field(default_factory=list)
    vat_base_rate: Decimal = Decimal(100)
    username: str | None = None
    password: str | None = None
    application_id: UUID | None = None
    identity_id: UUID | None = None
    client_id: int | None = None


@dataclass
class SaveResult:
    type: str
    description: str


class Ledger:
    def __init__(self, clock: Clock | None = None):
        self.clock = clock or Clock()
        self.lock = threading.RLock()
        self._client_ids = itertools.count(DEMO_CLIENT_ID + 1)
        self.directory = Directory()
        self.books: dict[int, ClientBook] = {}
        self.credentials: dict[int, dict] = {}
        self.reset()

    # --- clients ---------------------------------------------------------------------------

    def reset(self, demo: ClientOptions | None = None) -> dict:
        """Back to the startup state: only the demo client (``demo``: its options), no sessions."""
        with self.lock:
            self.directory = Directory()
            self.tokens = TokenStore()  # REST OAuth2 applications and tokens (A5)
            self.books = {}
            self.credentials = {}
            return self.create_client(demo or self.demo_options())

    @staticmethod
    def demo_options() -> ClientOptions:
        """The demo client as ``tfso-mock serve`` starts it (fixtures/scenarios/demo.yaml)."""
        return ClientOptions(
            name="Demo AS", username=DEMO_USERNAME, password=DEMO_PASSWORD,
            application_id=DEMO_APPLICATION_ID, identity_id=DEMO_IDENTITY_ID,
            client_id=DEMO_CLIENT_ID,
        )

    def _new_book(self, client_id: int, name: str, years: list[int], base_rate: Decimal) -> ClientBook:
        book = ClientBook(
            client_id=client_id, name=name, accounts=fixtures.default_accounts(),
            tax_codes=fixtures.default_tax_codes(), types=fixtures.default_types(),
            series=fixtures.default_series(), customers=dict(fixtures.default_customers()),
            vat_base_rate=base_rate,
        )
        for year in years:
            self.add_fiscal_year(book, year)
        self.books[client_id] = book
        return book

    @staticmethod
    def add_fiscal_year(book: ClientBook, year: int) -> FiscalYear:
        fy = FiscalYear(year=year, id=uuid.uuid5(_NS_FY, f"{book.client_id}/{year}"),
                        start=date(year, 1, 1), end=date(year, 12, 31))
        book.fiscal_years[year] = fy
        return fy

    def create_client(self, opts: ClientOptions) -> dict:
        """An isolated client (its own user, identities and books); returns its credentials."""
        with self.lock:
            this_year = self.clock.now().year
            years = opts.fiscal_years if opts.fiscal_years is not None else [this_year - 1, this_year]
            client_id = opts.client_id or next(self._client_ids)
            name = opts.name or f"Mock Client {client_id} AS"
            self._new_book(client_id, name, years, opts.vat_base_rate)
            identity = Identity(opts.identity_id or uuid.uuid4(), client_id, name,
                                blocked=opts.blocked, is_default=True)
            user = User(
                username=opts.username or f"client{client_id}@24sevenoffice.mock",
                password=opts.password or secrets.token_urlsafe(12),
                user_id=uuid.uuid4(), name=f"Integrator {client_id}", contact_id=client_id,
                identities=[identity],
            )
            extra = []
            for spec in opts.extra_identities:
                extra_id = next(self._client_ids)
                extra_name = spec.get("name") or f"Mock Client {extra_id} AS"
                self._new_book(extra_id, extra_name,
                               spec.get("fiscal_years", years), opts.vat_base_rate)
                ident = Identity(uuid.uuid4(), extra_id, extra_name, blocked=bool(spec.get("blocked")))
                user.identities.append(ident)
                extra.append(ident)
            self.directory.add_user(user)
            info = {
                "client_id": client_id,
                "name": name,
                "identity_id": str(identity.identity_id),
                "username": user.username,
                "password": user.password,
                "application_id": str(opts.application_id or uuid.uuid4()),
                "fiscal_years": sorted(years),
                "blocked": opts.blocked,
                "oauth": {
                    "client_id": f"mock-{client_id}-{secrets.token_hex(4)}",
                    "client_secret": secrets.token_urlsafe(24),
                    "organization": str(uuid.uuid5(_NS_FY, f"organization/{client_id}")),
                },
                "identities": [
                    {"identity_id": str(i.identity_id), "client_id": i.client_id,
                     "name": i.client_name, "blocked": i.blocked, "default": i.is_default}
                    for i in user.identities
                ],
            }
            self.credentials[client_id] = info
            self.tokens.register(info["oauth"], client_id)
            for ident in extra:
                self.credentials[ident.client_id] = {**info, "client_id": ident.client_id,
                                                     "identity_id": str(ident.identity_id)}
            return info

    def book(self, client_id: int) -> ClientBook:
        book = self.books.get(client_id)
        if book is None:
            raise KeyError(client_id)
        return book

    # --- authentication --------------------------------------------------------------------

    def login(self, application_id: UUID, username: str, password: str,
              identity_id: UUID) -> Session | None:
        with self.lock:
            return self.directory.login(application_id, username, password, identity_id,
                                        self.clock.now())

    def session(self, session_ids: list[str]) -> Session | None:
        if not session_ids:
            return None
        with self.lock:
            return self.directory.session(session_ids, self.clock.now())

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

    # --- AccountService --------------------------------------------------------------------

    def entry_id(self, book: ClientBook, day: date, series_id: int) -> int:
        with self.lock:
            return posting.next_entry_no(book, day, series_id)

    def save_bundle_list(self, book: ClientBook, blist: BundleList) -> SaveResult:
        """S: bundles in order, each all-or-nothing; stop at the first refused bundle."""
        if not blist.bundles:
            err = errors.NothingToSave()
            return SaveResult(err.result_type, err.text)
        with self.lock:
            now = self.clock.now()
            taken: dict = {}
            for index, bundle in enumerate(blist.bundles, start=1):
                try:
                    planned = posting.plan_bundle(book, blist, bundle, now, taken)
                except errors.SaveRefused as err:
                    where = errors.locate(err, index, getattr(err, "voucher", None))
                    return SaveResult(err.result_type, where)
                posting.commit_bundle(book, planned, now)
            return SaveResult("Ok", "")

    def create_link(self, book: ClientBook) -> int:
        with self.lock:
            return book.new_link()

    def link_entries(self, book: ClientBook, line_ids: list[UUID], link_id: int,
                     replace: bool) -> bool:
        """K1: Add- or ReplaceLinkEntries. Unknown lines or links fault; nothing changes then."""
        with self.lock:
            for lid in line_ids:
                if lid not in book.lines:
                    raise errors.UnknownLine(lid)
            if link_id not in book.links:
                raise errors.UnknownLink(link_id)
            now = self.clock.now()
            if replace:
                old = {book.lines[lid].link_id for lid in line_ids} - {None, link_id}
                for old_link in old:  # every line of the old link moves to the new one
                    book.set_link(sorted(book.links.get(old_link, ())), link_id, now)
            book.set_link(line_ids, link_id, now)
            return True

    def update_due_dates(self, book: ClientBook, items: list[tuple[UUID, date]]) -> list[Line]:
        with self.lock:
            for lid, _ in items:
                if lid not in book.lines:
                    raise errors.UnknownLine(lid)
            now = self.clock.now()
            updated = []
            for lid, due in items:
                line = book.lines[lid]
                line.due_date = due
                book.touch(line, now)
                updated.append(line)
            return updated

    # --- control ---------------------------------------------------------------------------

    def approve_journal(self, client_id: int) -> int:
        with self.lock:
            return self.book(client_id).post_journal(self.clock.now())

    def snapshot(self, client_id: int) -> dict:
        """Ledger and journal lines of one client, for the control API and for tests."""
        with self.lock:
            book = self.book(client_id)
            return {
                "ledger": [line_json(ln) for ln in book.ledger_lines()],
                "journal": [line_json(ln) for ln in book.journal_lines()],
            }


def _d(value) -> str | None:
    return value.isoformat() if value is not None else None


def line_json(ln: Line) -> dict:
    return {
        "line_id": str(ln.line_id),
        "transaction_no": ln.transaction_no,
        "series_id": ln.series_id,
        "year": ln.year,
        "type_no": ln.type_no,
        "account_no": ln.account_no,
        "customer_id": ln.customer_id,
        "date": _d(ln.date),
        "due_date": _d(ln.due_date),
        "period_date": _d(ln.period_date),
        "amount": f"{ln.amount:f}",
        "currency": ln.currency,
        "currency_rate": f"{ln.currency_rate:f}",
        "currency_unit": ln.currency_unit,
        "tax_no": ln.tax_no,
        "vat_amount": f"{ln.vat_amount:f}",
        "department_id": ln.department_id,
        "project_id": ln.project_id,
        "dimensions": [{"type": t, "value": v} for t, v in ln.dimensions],
        "invoice_no": ln.invoice_no,
        "ocr": ln.ocr,
        "comment": ln.comment,
        "stamp_no": ln.stamp_no,
        "bank_account_no": ln.bank_account_no,
        "link_id": ln.link_id,
        "sequence_no": ln.sequence_no,
        "posted": ln.posted,
        "created_at": _d(ln.created_at),
        "modified_at": _d(ln.modified_at),
    }


