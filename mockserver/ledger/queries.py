"""Read-only questions over one client's books: GetTransactions and friends (SPEC T1) and
REST /transactionlines (R1-R4). No SOAP or HTTP here: each surface maps its own parameters to
these and renders the ``TransactionRow`` views in its own shape.

Only posted (ledger) lines are ever returned; journal lines appear once the journal is approved.
A date range is answered from the book's date index (``ClientBook.ledger_lines``) and a
DateChangedUTC range from its modification index (``ClientBook.changed_lines``), so a query
touches only the lines in its range. Callers hold the ledger lock while calling these and while
building rows (lines are mutable); the rows themselves are immutable snapshots.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import operator
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from . import interpretations as rules
from .book import KEYED, ClientBook
from .model import FiscalYear, Line, TransactionType
from .money import ZERO, add

#: ``date`` for annotations written after a field named ``date``
Day = date

_NS_VOUCHER = UUID("6c1f7e52-3a0b-4d8e-9f3c-24500000f00d")
_CURRENCY_RE = re.compile(r"^([A-Z]{3}|LOCAL)$")

#: The vendor's DimensionType enumeration, in order; the position is the REST dimensionType.
DIMENSION_TYPES = ("None", "Project", "Department", "Employee", "Product", "Customer",
                   "CustomerOrderSlip", "SupplierOrderSlip", "UserDefined")


def utc(value: datetime | None) -> datetime | None:
    """An instant as aware UTC; a value without an offset is taken as UTC (W8)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def voucher_id(book: ClientBook, line: Line) -> UUID:
    """A stable GUID for the voucher a line belongs to (REST ``transaction.id``)."""
    return _voucher_guid(book.client_id, line.series_id, line.year, line.transaction_no)


def voucher_guid(client_id: int, series_id: int, year: int, number: int) -> UUID:
    """The voucher id of (client, entry series, year, TransactionNo)."""
    return _voucher_guid(client_id, series_id, year, number)


@functools.lru_cache(maxsize=1 << 16)
def _voucher_guid(client_id: int, series_id: int, year: int, number: int) -> UUID:
    # uuid5 hashes with SHA-1 on every call; a page of lines names the same vouchers again
    return uuid.uuid5(_NS_VOUCHER, f"{client_id}/{series_id}/{year}/{number}")


def currency_code(line: Line) -> str:
    """The line's currency as the vendor shows it: its CurrencyId, or the client's own."""
    return (line.currency or rules.BASE_CURRENCY).strip().upper()


# --- the view both surfaces render ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DimensionValue:
    kind: str  # one of DIMENSION_TYPES
    type_id: int  # Project 1, Department 2, ...; a user-defined dimension's own Type
    value: str
    #: the project's or department's name, when the client has one with this id (M4)
    label: str | None = None

    @property
    def type_name(self) -> str:
        return self.kind if self.kind != "UserDefined" else f"Dimension {self.type_id}"

    @property
    def name(self) -> str:
        return self.label or f"{self.type_name} with ID {self.value}"


@dataclass(frozen=True, slots=True)
class TransactionRow:
    """One posted line with everything the surfaces show, read under the ledger lock."""

    line_id: UUID
    voucher_id: UUID
    transaction_no: int
    account_id: int | None
    account_no: int
    account_name: str | None
    type_id: int
    type_no: int
    system_type: str
    tax_no: int
    tax_id: int | None
    tax_rate: Decimal | None
    amount: Decimal
    currency: str
    currency_rate: Decimal
    currency_unit: int
    date: date
    period_date: Day | None  # ``date`` is the field above from here on
    due_date: Day | None
    invoice_no: str
    ocr: str
    customer_id: int
    dimensions: tuple[DimensionValue, ...]
    comment: str
    stamp_no: int
    link_id: int | None
    sequence_no: int
    created_at: datetime | None
    modified_at: datetime | None
    open: bool

    @property
    def currency_ok(self) -> bool:
        """The code matches the vendor's ``^([A-Z]{3}|LOCAL)$`` and the rate is positive."""
        return bool(_CURRENCY_RE.match(self.currency)) and self.currency_rate > 0


def _label(book: ClientBook, kind: str, rid: int) -> str | None:
    rec = book.master.get(kind, rid)
    return str(rec.data.get("Name") or "") or None if rec is not None else None


def _dimensions(line: Line, book: ClientBook) -> tuple[DimensionValue, ...]:
    dims = []
    if line.department_id:
        dims.append(DimensionValue("Department", 2, str(line.department_id),
                                   _label(book, "department", line.department_id)))
    if line.project_id:
        dims.append(DimensionValue("Project", 1, str(line.project_id),
                                   _label(book, "project", line.project_id)))
    dims += [DimensionValue("UserDefined", t, v) for t, v in line.dimensions]
    return tuple(dims)


class _LinkTotals:
    """Sum of each link's lines, computed once per query."""

    def __init__(self, book: ClientBook):
        self.book = book
        self.memo: dict[int, Decimal] = {}

    def __call__(self, link_id: int) -> Decimal:
        total = self.memo.get(link_id)
        if total is None:
            lines = self.book.lines
            total = self.memo[link_id] = add(
                *(lines[lid].amount for lid in self.book.links.get(link_id, ()) if lid in lines))
        return total


def rows(book: ClientBook, lines: Iterable[Line]) -> list[TransactionRow]:
    totals = _LinkTotals(book)
    out = []
    for ln in lines:
        account = book.accounts.get(ln.account_no)
        tax = book.tax_codes.get(ln.tax_no)
        out.append(TransactionRow(
            line_id=ln.line_id, voucher_id=voucher_id(book, ln), transaction_no=ln.transaction_no,
            account_id=account.account_id if account else None, account_no=ln.account_no,
            account_name=account.name if account else None, type_id=ln.type_id,
            type_no=ln.type_no, system_type=ln.system_type, tax_no=ln.tax_no,
            tax_id=tax.tax_id if tax else None, tax_rate=tax.rate if tax else None,
            amount=ln.amount, currency=currency_code(ln), currency_rate=ln.currency_rate,
            currency_unit=ln.currency_unit, date=ln.date, period_date=ln.period_date,
            due_date=ln.due_date, invoice_no=ln.invoice_no, ocr=ln.ocr,
            customer_id=ln.customer_id, dimensions=_dimensions(ln, book), comment=ln.comment,
            stamp_no=ln.stamp_no, link_id=ln.link_id, sequence_no=ln.sequence_no,
            created_at=ln.created_at, modified_at=ln.modified_at,
            open=rules.is_open(ln, totals),
        ))
    return out


# --- GetTransactions (T1) ---------------------------------------------------------------------


@dataclass(frozen=True)
class TransactionSearch:
    """GetTransactions' searchParams in ledger terms; None means "not given"."""

    by_changed: bool = False  # DateSearchParameters=DateChangedUTC: the range is modified_at
    start: datetime | None = None
    end: datetime | None = None  # inclusive (interpretations.SOAP_DATE_END_INCLUSIVE)
    account_no_start: int | None = None
    account_no_end: int | None = None
    transaction_no_start: int | None = None
    transaction_no_end: int | None = None
    type_id: int | None = None
    customer_id: int | None = None
    invoice_no: str | None = None
    link_id: int | None = None
    project_id: int | None = None
    department_id: int | None = None
    has_invoice: bool | None = None
    registered_after: datetime | None = None
    vat_code: int | None = None
    system_type: str | None = None
    open_entries: bool | None = None  # ShowOpenEntries


def _compare(attr: str, op: Callable[[Any, Any], bool], value: object) -> Callable[[Line], bool]:
    """A test of one attribute of a line against a value (its own closure: no late binding)."""
    get = operator.attrgetter(attr)
    return lambda ln: op(get(ln), value)


def _search_tests(book: ClientBook, s: TransactionSearch) -> list[Callable[[Line], bool]]:
    tests: list[Callable[[Line], bool]] = []
    for attr, op, value in (("account_no", operator.ge, s.account_no_start),
                            ("account_no", operator.le, s.account_no_end),
                            ("transaction_no", operator.ge, s.transaction_no_start),
                            ("transaction_no", operator.le, s.transaction_no_end),
                            ("type_id", operator.eq, s.type_id),
                            ("customer_id", operator.eq, s.customer_id),
                            ("link_id", operator.eq, s.link_id),
                            ("project_id", operator.eq, s.project_id),
                            ("department_id", operator.eq, s.department_id),
                            ("invoice_no", operator.eq, s.invoice_no),
                            ("tax_no", operator.eq, s.vat_code),
                            ("system_type", operator.eq, s.system_type)):
        if value is not None:
            tests.append(_compare(attr, op, value))
    if s.has_invoice is not None:
        has_invoice = s.has_invoice
        tests.append(lambda ln: bool(ln.invoice_no) == has_invoice)
    if s.registered_after is not None:
        after = utc(s.registered_after)
        assert after is not None  # utc() keeps an instant an instant
        tests.append(lambda ln: ln.created_at is not None and ln.created_at > after)
    if s.open_entries or (s.open_entries is False and rules.SHOW_OPEN_FALSE_FILTERS_CLOSED):
        totals, want = _LinkTotals(book), bool(s.open_entries)
        tests.append(lambda ln: rules.is_open(ln, totals) == want)
    return tests


# --- the query planner: which index a query reads (GetTransactions and /transactionlines) ------


@dataclass(frozen=True)
class _Lookups:
    """What of a query an index can answer; each look-up gives a superset of the answer:
    ``accounts``: sets of account numbers (each: the query's lines have one of them),
    ``keyed``: ``(attribute, value)`` of ``book.keyed`` indexes, ``link_id``, ``numbers``:
    the voucher numbers the lines have."""

    accounts: tuple[tuple[int, ...], ...] = ()
    keyed: tuple[tuple[str, object], ...] = ()
    link_id: int | None = None
    numbers: Iterable[int] | None = None


#: at most this many accounts are read from their own indexes and merged (else: the date index)
_MERGED_ACCOUNTS = 64


def _spans(book: ClientBook, lines: list[Line], start, end) -> tuple[int, list[Line], int, int]:
    lo, hi = book.date_span(lines, start, end)
    return hi - lo, lines, lo, hi


def _merged(book: ClientBook, lists: list[list[Line]], start, end):
    """Several date-ordered lists as one source (the lines in [start, end) of each)."""
    parts = [lines[lo:hi] for lines in lists for lo, hi in [book.date_span(lines, start, end)]]
    parts = [p for p in parts if p]
    if len(parts) == 1:
        return len(parts[0]), parts[0], 0, len(parts[0])
    merged = list(heapq.merge(*parts, key=book.order_key))
    return len(merged), merged, 0, len(merged)


def _numbered(book: ClientBook, numbers: Iterable[int], start, end):
    found = [ln for n in numbers for ln in book.numbered_lines(n)
             if (start is None or ln.date >= start) and (end is None or ln.date < end)]
    if len(found) > 1:
        found.sort(key=book.order_key)
    return len(found), found, 0, len(found)


def _sources(book: ClientBook, q: _Lookups, start, end):
    """The index look-ups of ``q`` over [start, end), as ``(count, lines, lo, hi)`` (counts
    that are free) or a callable making one (counts that cost a merge or a gather)."""
    for numbers in q.accounts:
        if len(numbers) == 1:
            yield _spans(book, book.keyed("account_no", numbers[0]), start, end)
        elif len(numbers) <= _MERGED_ACCOUNTS:
            yield lambda ns=numbers: _merged(book, [book.keyed("account_no", n) for n in ns],
                                             start, end)
    defaults = dict(KEYED)
    for attr, value in q.keyed:
        if value != defaults[attr]:
            yield _spans(book, book.keyed(attr, value), start, end)
    if q.link_id is not None:
        yield lambda: _spans(book, book.linked_lines(q.link_id), start, end)
    if q.numbers is not None:
        yield lambda: _numbered(book, q.numbers, start, end)


def _narrowest(sources, bound: int):
    """The source with the fewest lines (plain tuples first: their counts are free), or None
    when none is narrower than ``bound`` lines."""
    best = None
    lazy = []
    for src in sources:
        if callable(src):
            lazy.append(src)
        elif best is None or src[0] < best[0]:
            best = src
    if best is not None:
        bound = min(bound, best[0])
    for make in lazy:
        if bound == 0:
            break
        src = make()
        if src[0] < bound:
            best, bound = src, src[0]
    return best


def _plan(book: ClientBook, q: _Lookups, start: date | None, end: date | None):
    """The narrowest index that covers the posted lines of ``q`` in [start, end), as
    ``(lines, lo, hi)``, or None when the date index itself is as narrow."""
    best = _narrowest(_sources(book, q, start, end), book.count_ledger_lines(start, end))
    return None if best is None else best[1:]


#: a TransactionNo range no wider than this is looked up number by number
_NUMBER_RANGE = 256


def _search_lookups(book: ClientBook, s: TransactionSearch) -> _Lookups:
    accounts: tuple[tuple[int, ...], ...] = ()
    lo_acc, hi_acc = s.account_no_start, s.account_no_end
    if lo_acc is not None and lo_acc == hi_acc:
        accounts = ((lo_acc,),)
    elif lo_acc is not None or hi_acc is not None:
        accounts = (tuple(sorted(
            n for n in book.keyed_values("account_no")
            if (lo_acc is None or n >= lo_acc) and (hi_acc is None or n <= hi_acc))),)
    first, last = s.transaction_no_start, s.transaction_no_end
    numbers = None
    if first is not None and last is not None and 0 <= last - first < _NUMBER_RANGE:
        numbers = range(first, last + 1)
    keyed = tuple((attr, value) for attr, value in (
        ("type_id", s.type_id), ("customer_id", s.customer_id), ("invoice_no", s.invoice_no))
        if value is not None)
    return _Lookups(accounts, keyed, s.link_id, numbers)


def entry_date_range(start: date | None, end: date | None):
    """GetTransactions with EntryDate: ``(first day, day after the last)``; None is open."""
    if end is not None and rules.SOAP_DATE_END_INCLUSIVE:
        end = end + timedelta(days=1) if end < date.max else None
    return start, end


def changed_range(start: datetime | None, end: datetime | None):
    """GetTransactions with DateChangedUTC: ``(from, until)`` instants, until exclusive."""
    if end is not None and rules.SOAP_DATE_END_INCLUSIVE:
        try:
            end = end + timedelta(microseconds=1)
        except OverflowError:  # DateEnd 9999-12-31T23:59:59.9999999: no upper bound
            end = None
    return start, end


def search_transactions(book: ClientBook, s: TransactionSearch) -> list[Line]:
    """T1: posted lines matching every given parameter, by date (or by change time).

    A date range is read from the narrowest index that covers the answer (an account, a type,
    a customer, an invoice number, a link, voucher numbers), else from the date index."""
    tests = _search_tests(book, s)
    if s.by_changed:
        start, end = changed_range(utc(s.start), utc(s.end))
        source: Iterable[Line] = book.changed_lines(start, end)
    else:
        start_day = s.start.date() if s.start is not None else None
        end_day = s.end.date() if s.end is not None else None
        first, after = entry_date_range(start_day, end_day)
        if first is not None and after is not None and after <= first:
            return []
        best = _plan(book, _search_lookups(book, s), first, after)
        if best is not None:
            lines, lo, hi = best
            source = itertools.islice(lines, lo, hi)
        else:
            source = book.ledger_lines(first, after)
    return [ln for ln in source if all(t(ln) for t in tests)]


def transaction_types(book: ClientBook) -> list[TransactionType]:
    """GetTransactionTypes: the client's types, ordinary ones by TypeNo, then system types."""
    return sorted(book.types.values(), key=lambda t: (t.type_no < 0, abs(t.type_no)))


def fiscal_years(book: ClientBook) -> list[tuple[FiscalYear, date]]:
    """GetFiscalYears: each year with its EndingDate, which is exclusive (the day after the
    last day), as the vendor's documentation of the operation says."""
    return [(fy, fy.end + timedelta(days=1)) for fy in sorted(book.fiscal_years.values(),
                                                               key=lambda f: f.start)]


def _all_lines(book: ClientBook) -> Iterator[Line]:
    return iter(book.lines.values())


def user_dimension_types(book: ClientBook) -> list[int]:
    """GetUserDefinedDimensions: the user-defined dimension types the client has used."""
    return sorted({t for ln in _all_lines(book) for t, _ in ln.dimensions})


def user_dimension_values(book: ClientBook, type_id: int) -> list[str]:
    """GetUserDefinedDimensionValues: the values used for one user-defined dimension type."""
    return sorted({v for ln in _all_lines(book) for t, v in ln.dimensions if t == type_id})


# --- GetAggregated ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Aggregate:
    account_no: int
    dimension: DimensionValue | None
    incoming: Decimal
    total: Decimal
    periods: tuple[tuple[str, Decimal], ...]  # ("2024-01", change in that month)


def _dimension_test(dim: DimensionValue | None) -> Callable[[Line], bool]:
    if dim is None:
        return lambda ln: True
    if dim.kind == "Department":
        return lambda ln: str(ln.department_id) == dim.value
    if dim.kind == "Project":
        return lambda ln: str(ln.project_id) == dim.value
    if dim.kind == "Customer":
        return lambda ln: str(ln.customer_id) == dim.value
    if dim.kind == "UserDefined":
        return lambda ln: (dim.type_id, dim.value) in ln.dimensions
    return lambda ln: False


def aggregated(book: ClientBook, start: date, account_nos: list[int],
               dimensions: list[DimensionValue], monthly: bool,
               incoming_balance: bool) -> list[Aggregate]:
    """GetAggregated: per account (and per requested dimension) the balance before ``start``
    (when asked for), the balance including everything from ``start`` on, and the change per
    month from ``start``'s month."""
    lines = list(book.ledger_lines())
    accounts = sorted(set(account_nos)) if account_nos else sorted({ln.account_no for ln in lines})
    out = []
    wanted: list[DimensionValue | None] = list(dimensions) or [None]
    for dim in wanted:
        match = _dimension_test(dim)
        for account_no in accounts:
            mine = [ln for ln in lines if ln.account_no == account_no and match(ln)]
            before = add(*(ln.amount for ln in mine if ln.date < start))
            incoming = before if incoming_balance else ZERO
            months: dict[str, Decimal] = {}
            for ln in mine:
                if ln.date >= start:
                    key = f"{ln.date.year:04d}-{ln.date.month:02d}"
                    months[key] = add(months.get(key, ZERO), ln.amount)
            change = add(*months.values())
            out.append(Aggregate(account_no, dim, incoming, add(incoming, change),
                                 tuple(sorted(months.items())) if monthly else ()))
    return out


# --- REST /transactionlines (R1-R4) -----------------------------------------------------------


@dataclass(frozen=True)
class LineFilter:
    """GET /v1/transactionlines query: dateFrom inclusive, dateTo exclusive (vendor spec)."""

    date_from: date
    date_to: date
    transaction_no: Decimal | None = None
    type_id: int | None = None
    customer_id: int | None = None
    account_id: int | None = None
    account_no: int | None = None
    invoice_no: str | None = None
    currency: str | None = None
    #: R5 (0.56.0): createdFrom/createdAfter, modifiedFrom/modifiedAfter, aware UTC instants
    created_from: datetime | None = None
    modified_from: datetime | None = None


def _filter_tests(book: ClientBook, f: LineFilter) -> list[Callable[[Line], bool]] | None:
    """The filter as tests, or None when it cannot match anything."""
    tests: list[Callable[[Line], bool]] = []
    for attr, value in (("transaction_no", f.transaction_no), ("type_id", f.type_id),
                        ("customer_id", f.customer_id), ("account_no", f.account_no),
                        ("invoice_no", f.invoice_no)):
        if value is not None:
            tests.append(_compare(attr, operator.eq, value))
    if f.account_id is not None:
        numbers = {a.account_no for a in book.accounts.values() if a.account_id == f.account_id}
        if not numbers:
            return None
        tests.append(lambda ln: ln.account_no in numbers)
    if f.currency is not None:
        code = f.currency.strip().upper()
        tests.append(lambda ln: currency_code(ln) == code)
    if f.created_from is not None:
        created = f.created_from
        tests.append(lambda ln: rules.changed_since(ln.created_at, created))
    if f.modified_from is not None:
        modified = f.modified_from
        tests.append(lambda ln: rules.changed_since(ln.modified_at, modified))
    return tests


def _line_lookups(book: ClientBook, f: LineFilter) -> _Lookups:
    accounts: list[tuple[int, ...]] = []
    if f.account_no is not None:
        accounts.append((f.account_no,))
    if f.account_id is not None:
        accounts.append(tuple(sorted({a.account_no for a in book.accounts.values()
                                      if a.account_id == f.account_id})))
    keyed = tuple((attr, value) for attr, value in (
        ("type_id", f.type_id), ("customer_id", f.customer_id), ("invoice_no", f.invoice_no))
        if value is not None)
    number, numbers = f.transaction_no, None
    # (a huge or fractional number matches no voucher: left to the plain test, never int()ed)
    if (number is not None and number.is_finite() and number.adjusted() < 19
            and number == number.to_integral_value()):
        numbers = (int(number),)
    return _Lookups(tuple(accounts), keyed, None, numbers)


def find_lines(book: ClientBook, f: LineFilter, limit: int, page: int) -> tuple[list[Line], bool]:
    """One page of posted lines in [date_from, date_to), by date then booking order, and
    whether a further page has lines. Stops reading as soon as it knows.

    A filtered page is read from the narrowest index that covers it (an account, a type, a
    customer, an invoice number, a voucher number); when that index is the whole filter, the
    earlier pages are skipped by position, without reading them."""
    tests = _filter_tests(book, f)
    if tests is None or f.date_to <= f.date_from:
        return [], False
    skip = (page - 1) * limit
    if not tests:  # the date index skips the earlier pages without reading them
        source, skip = book.ledger_lines(f.date_from, f.date_to, skip=skip), 0
    else:
        best = _plan(book, _line_lookups(book, f), f.date_from, f.date_to)
        if best is None:
            source = book.ledger_lines(f.date_from, f.date_to)
        else:
            lines, lo, hi = best
            if len(tests) == 1 and f.currency is None and f.created_from is None \
                    and f.modified_from is None:  # the index is the filter
                first = lo + skip
                return lines[first:min(hi, first + limit)], first + limit < hi
            source = itertools.islice(lines, lo, hi)
    found: list[Line] = []
    for ln in source:
        if tests and not all(t(ln) for t in tests):
            continue
        if skip:
            skip -= 1
            continue
        if len(found) == limit:
            return found, True
        found.append(ln)
    return found, False


def posted_line(book: ClientBook, line_id: UUID) -> Line | None:
    """GET /v1/transactionlines/{id}: a posted line of this client, or None."""
    line = book.lines.get(line_id)
    return line if line is not None and line.posted else None
