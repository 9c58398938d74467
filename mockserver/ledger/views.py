"""Read-only views of one client's books as a person reads them (the dashboard, ``/__admin/ui``).

The ledger stores lines; an accountant reads vouchers: the lines of one (series, fiscal year,
TransactionNo), with their debit and credit sums. These views group lines through the book's own
voucher records and indexes and render each line with ``queries.rows`` (the same row the SOAP
and REST surfaces show), so no ledger rule is repeated here. Each function takes the ledger lock
itself and returns immutable snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .. import errors
from . import interpretations as rules
from . import queries
from .book import ClientBook, VoucherKey
from .model import Line
from .money import ZERO, add
from .posting import next_entry_no


@dataclass(frozen=True, slots=True)
class VoucherView:
    series_id: int
    year: int
    transaction_no: int
    type_no: int
    type_title: str | None
    date: date
    bundle_name: str
    posted: bool
    rows: tuple[queries.TransactionRow, ...]
    #: sums of the positive (debit) and of the negative (credit, shown as a positive) amounts
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        """Debit minus credit: zero for a voucher in balance."""
        return self.debit - self.credit


@dataclass(frozen=True, slots=True)
class VoucherPage:
    vouchers: tuple[VoucherView, ...]
    #: whether vouchers after this page match too
    more: bool
    #: posted lines in the date range (before the account filter)
    lines_in_range: int


@dataclass(frozen=True, slots=True)
class SeriesView:
    series_id: int
    name: str
    start_no: int | None
    #: fiscal year -> the number GetEntryId answers for a day of that year; None: it faults (E3)
    next_numbers: tuple[tuple[int, int | None], ...]


def _voucher(book: ClientBook, key: VoucherKey) -> VoucherView:
    rec = book.vouchers[key]
    lines = [book.lines[lid] for lid in rec.line_ids if lid in book.lines]
    rows = tuple(queries.rows(book, lines))
    debit = add(*(r.amount for r in rows if r.amount > 0))
    credit = -add(*(r.amount for r in rows if r.amount < 0))
    kind = book.types.get(rec.type_no)
    return VoucherView(
        series_id=rec.series_id, year=rec.year, transaction_no=rec.transaction_no,
        type_no=rec.type_no, type_title=kind.title if kind else None,
        date=min((ln.date for ln in lines), default=date.min), bundle_name=rec.bundle_name,
        posted=rec.posted, rows=rows, debit=debit or ZERO, credit=credit or ZERO)


def _key(line: Line) -> VoucherKey:
    return line.series_id, line.year, line.transaction_no


def ledger_vouchers(ledger, client_id: int, start: date | None = None, end: date | None = None,
                    account_no: int | None = None, offset: int = 0,
                    limit: int = 50) -> VoucherPage:
    """Posted vouchers with a line dated start <= date <= end (either bound open) and, when
    ``account_no`` is given, a line on that account; by the date of their first such line, then
    booking order. Skips the first ``offset`` vouchers and reads no further than it needs."""
    after = end.toordinal() + 1 if end is not None else None
    end_excl = date.fromordinal(after) if after is not None and after <= date.max.toordinal() else None
    with ledger.lock:
        book = ledger.book(client_id)
        in_range = book.count_ledger_lines(start, end_excl)
        if account_no is not None:
            lines = book.keyed("account_no", account_no)
            lo, hi = book.date_span(lines, start, end_excl)
            source = (lines[i] for i in range(lo, hi))
        else:
            source = book.ledger_lines(start, end_excl)
        seen: set[VoucherKey] = set()
        keys: list[VoucherKey] = []
        for line in source:
            key = _key(line)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) <= offset:
                continue
            if len(keys) == limit:
                return VoucherPage(tuple(_voucher(book, k) for k in keys), True, in_range)
            keys.append(key)
        return VoucherPage(tuple(_voucher(book, k) for k in keys), False, in_range)


def journal_vouchers(ledger, client_id: int, limit: int = 100) -> tuple[tuple[VoucherView, ...], int]:
    """The first ``limit`` drafts (SaveBundleList with SaveOption 1) waiting in the journal,
    oldest first, and how many there are."""
    with ledger.lock:
        book = ledger.book(client_id)
        return tuple(_voucher(book, key) for key in book.journal[:limit]), len(book.journal)


def entry_series(ledger, client_id: int) -> tuple[SeriesView, ...]:
    """Each entry series with the number GetEntryId gives next in each fiscal year (E1-E3)."""
    with ledger.lock:
        book = ledger.book(client_id)
        years = sorted(book.fiscal_years.values(), key=lambda fy: fy.start)
        out = []
        for series in sorted(book.series.values(), key=lambda s: s.series_id):
            numbers: list[tuple[int, int | None]] = []
            for fy in years:
                try:
                    numbers.append((fy.year, next_entry_no(book, fy.start, series.series_id)))
                except errors.VendorError:
                    numbers.append((fy.year, None))
            out.append(SeriesView(series.series_id, series.name, series.start_no, tuple(numbers)))
        return tuple(out)


def client_summary(ledger, client_id: int) -> dict:
    """Name, fiscal years and how much is booked, for the clients list."""
    with ledger.lock:
        book = ledger.book(client_id)
        return {"client_id": client_id, "name": book.name,
                "fiscal_years": [fy for fy, _ in queries.fiscal_years(book)],
                "ledger_lines": book.count_ledger_lines(),
                "journal_vouchers": len(book.journal)}


def oauth_application(ledger, client_id: int) -> dict:
    """The client's OAuth application as the dashboard shows it: its client id, organization
    and default scopes (what a token asked for without ``scope`` carries), never its secret.
    ``every_read``: the default scopes are every read scope, the set a client made without
    ``oauth.scopes`` gets."""
    with ledger.lock:
        oauth = dict(ledger.credentials.get(client_id, {}).get("oauth") or {})
    scopes = list(oauth.get("scopes") or ())
    return {"client_id": oauth.get("client_id"), "organization": oauth.get("organization"),
            "scopes": scopes, "every_read": tuple(scopes) == rules.OAUTH_DEFAULT_SCOPES}
