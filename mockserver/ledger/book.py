"""One client's books: reference data, journal and ledger lines, and the indexes over them.

Lines are indexed by date (a sorted list of distinct dates, each with its lines in booking
order), so a date-range query touches only the days in the range, never every line; a
Fenwick tree of line counts over those dates answers "how many lines in this range" and "skip
the first N lines" (a REST page far into a large ledger) in O(log days), without walking dates
or lines. Posted
lines are also indexed by account number, type, customer and invoice number (``keyed``: per value
one list in the date index's order, so a filtered page is a bisect and a slice), each line's place
in the date index is kept (``order_key``, to merge several such lists), and by ``modified_at`` (GetTransactions with DateChangedUTC): change a line's
``modified_at`` only through ``touch`` so that index stays right. Numbering,
stamps, invoices and links have their own maps so every rule is a dictionary look-up.
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from uuid import UUID

from .masterdata import MasterData
from .model import (
    Account,
    Customer,
    EntrySeries,
    FiscalYear,
    Line,
    TaxCode,
    TransactionType,
    VoucherRecord,
)

VoucherKey = tuple[int, int, int]  # (series_id, year, transaction_no)

_DATE = attrgetter("date")

#: The secondary indexes of posted lines: attribute, and the value that is left out (most lines
#: have it, and nobody filters on it alone); ``transaction_no`` is found through ``vouchers``.
KEYED = (("account_no", None), ("type_id", None), ("customer_id", 0), ("invoice_no", ""))
_KEYED_VALUES = attrgetter(*(attr for attr, _ in KEYED))  # a line's KEYED values, in one call
_LEFT_OUT = tuple(left_out for _, left_out in KEYED)


@dataclass
class ClientBook:
    client_id: int
    name: str
    accounts: dict[int, Account] = field(default_factory=dict)
    tax_codes: dict[int, TaxCode] = field(default_factory=dict)
    types: dict[int, TransactionType] = field(default_factory=dict)  # by TypeNo
    series: dict[int, EntrySeries] = field(default_factory=dict)
    fiscal_years: dict[int, FiscalYear] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    #: share of input VAT that is deductible, in percent (partial deduction, S6)
    vat_base_rate: Decimal = Decimal(100)
    #: companies, persons, projects, products... (``masterdata.py``; companies are ``customers``)
    master: MasterData = field(default_factory=MasterData)
    #: ledger lines a scenario generated into this book (the ``generated_lines_total`` limit)
    generated_lines: int = 0

    lines: dict[UUID, Line] = field(default_factory=dict)
    vouchers: dict[VoucherKey, VoucherRecord] = field(default_factory=dict)
    last_number: dict[tuple[int, int], int] = field(default_factory=dict)
    stamps: dict[int, VoucherKey] = field(default_factory=dict)
    invoices: dict[tuple[int, int, str], VoucherKey] = field(default_factory=dict)
    links: dict[int, set[UUID]] = field(default_factory=dict)
    link_guids: dict[UUID, int] = field(default_factory=dict)
    journal: list[VoucherKey] = field(default_factory=list)

    _dates: list[date] = field(default_factory=list)
    _by_date: dict[date, list[Line]] = field(default_factory=dict)
    #: Fenwick tree of line counts over the positions of ``_dates`` (1-based); None while stale
    #: (a new date shifts positions), built again by the next count or skip that needs it
    _counts: list[int] | None = None
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1))
    _link_seq: itertools.count = field(default_factory=lambda: itertools.count(1))
    #: posted lines by (modified_at, seq), sorted up to ``_mod_sorted`` (a key added out of
    #: order, as a replay adds them, is appended and sorted in with the rest by the next read:
    #: one sort instead of an insertion per line); seq -> line
    _mod_keys: list[tuple[datetime, int]] = field(default_factory=list)
    _mod_sorted: bool = True
    _mod_lines: dict[int, Line] = field(default_factory=dict)
    #: attribute (KEYED) -> value -> posted lines with it, in the date index's order
    _keyed: dict[str, dict] = field(default_factory=lambda: {a: {} for a, _ in KEYED})
    #: seq -> the line's place in the order lines entered the date index (0: not there)
    _order: array = field(default_factory=lambda: array("q"))
    _indexed: int = 0
    #: every (series_id, year) that has a voucher
    _number_keys: set[tuple[int, int]] = field(default_factory=set)

    # --- look-ups ------------------------------------------------------------------------

    def fiscal_year_for(self, day: date) -> FiscalYear | None:
        fy = self.fiscal_years.get(day.year)
        if fy is not None and fy.contains(day):
            return fy
        return next((f for f in self.fiscal_years.values() if f.contains(day)), None)

    def account_by_id(self, account_id: int) -> Account | None:
        """The chart's account with this id (what REST's ``/accounts`` shows), or None."""
        return next((a for a in self.accounts.values() if a.account_id == account_id), None)

    def tax_code_by_id(self, tax_id: int) -> TaxCode | None:
        """The tax code with this id (what REST's ``/taxes`` shows), or None."""
        return next((t for t in self.tax_codes.values() if t.tax_id == tax_id), None)

    def vat_accounts(self) -> set[int]:
        return {t.account_no for t in self.tax_codes.values() if t.rate and t.account_no}

    def next_seq(self) -> int:
        return next(self._seq)

    # --- ledger lines by date ----------------------------------------------------------------

    def _index(self, line: Line) -> None:
        bucket = self._by_date.get(line.date)
        if bucket is None:
            bucket = self._by_date[line.date] = []
            bisect.insort(self._dates, line.date)
            self._counts = None
        elif self._counts is not None:
            tree = self._counts
            i = bisect.bisect_left(self._dates, line.date) + 1
            while i < len(tree):
                tree[i] += 1
                i += i & -i
        bucket.append(line)
        self._mod_add(line)
        self._key_add(line)

    def _key_add(self, line: Line) -> None:
        order, seq = self._order, line.seq
        if seq >= len(order):
            order.frombytes(bytes(8 * (seq + 1 - len(order) + len(order) // 2 + 1024)))
        self._indexed += 1
        order[seq] = self._indexed
        day = line.date
        for index, left_out, value in zip(self._keyed.values(), _LEFT_OUT, _KEYED_VALUES(line),
                                          strict=True):
            if value == left_out:
                continue
            lines = index.get(value)
            if lines is None:
                index[value] = [line]
            elif lines[-1].date <= day:
                lines.append(line)
            else:  # after the lines of its date, as in the date index
                lines.insert(bisect.bisect_right(lines, day, key=_DATE), line)

    def _tree(self) -> list[int]:
        tree = self._counts
        if tree is None:
            n = len(self._dates)
            tree = [0] * (n + 1)
            by_date = self._by_date
            for i, day in enumerate(self._dates, start=1):
                tree[i] += len(by_date[day])
                parent = i + (i & -i)
                if parent <= n:
                    tree[parent] += tree[i]
            self._counts = tree
        return tree

    def _lines_before(self, pos: int) -> int:
        """Lines on the first ``pos`` dates."""
        tree = self._tree()
        total = 0
        while pos > 0:
            total += tree[pos]
            pos &= pos - 1
        return total

    def _seek(self, k: int) -> tuple[int, int]:
        """Where the line with 0-based rank ``k`` (by date, then booking) is: the position of its
        date, and its place among that date's lines. (len(dates), 0) when there are fewer."""
        tree = self._tree()
        n = len(tree) - 1
        pos = 0
        step = 1 << n.bit_length()
        while step:
            nxt = pos + step
            if nxt <= n and tree[nxt] <= k:
                pos = nxt
                k -= tree[nxt]
            step >>= 1
        return pos, k

    # --- posted lines by modification time ---------------------------------------------------

    def _mod_add(self, line: Line) -> None:
        modified = line.modified_at
        if modified is None:
            return
        keys, key = self._mod_keys, (modified, line.seq)
        if self._mod_sorted and keys and key < keys[-1]:
            self._mod_sorted = False
        keys.append(key)
        self._mod_lines[line.seq] = line

    def _mod_index(self) -> list[tuple[datetime, int]]:
        """The modification keys, sorted (Timsort merges the appended run in linear time)."""
        if not self._mod_sorted:
            self._mod_keys.sort()
            self._mod_sorted = True
        return self._mod_keys

    def _mod_remove(self, line: Line) -> None:
        if self._mod_lines.pop(line.seq, None) is None:
            return
        key = (line.modified_at, line.seq)
        i = bisect.bisect_left(self._mod_index(), key)
        if i < len(self._mod_keys) and self._mod_keys[i] == key:
            del self._mod_keys[i]

    def touch(self, line: Line, now: datetime) -> None:
        """Set a line's ``modified_at`` (and keep the modification index right)."""
        posted = line.seq in self._mod_lines
        if posted:
            self._mod_remove(line)
        line.modified_at = now
        if posted:
            self._mod_add(line)

    def changed_lines(self, start: datetime | None = None,
                      end: datetime | None = None) -> Iterator[Line]:
        """Posted lines with start <= modified_at < end (either bound open), oldest first."""
        keys = self._mod_index()
        lo = 0 if start is None else bisect.bisect_left(keys, (start,))
        hi = len(keys) if end is None else bisect.bisect_left(keys, (end,))
        lines = self._mod_lines
        for _, seq in keys[lo:hi]:
            yield lines[seq]

    def ledger_lines(self, start: date | None = None, end: date | None = None,
                     skip: int = 0) -> Iterator[Line]:
        """Posted lines with start <= date < end (either bound open), by date then booking,
        leaving out the first ``skip`` of them (found through the count tree, not by reading)."""
        dates, by_date = self._dates, self._by_date
        lo = 0 if start is None else bisect.bisect_left(dates, start)
        hi = len(dates) if end is None else bisect.bisect_left(dates, end)
        if skip > 0 and lo < hi:
            pos, offset = self._seek(self._lines_before(lo) + skip)
            if pos >= hi:
                return
            yield from by_date[dates[pos]][offset:]
            lo = pos + 1
        for day in dates[lo:hi]:
            yield from by_date[day]

    def count_ledger_lines(self, start: date | None = None, end: date | None = None) -> int:
        lo = 0 if start is None else bisect.bisect_left(self._dates, start)
        hi = len(self._dates) if end is None else bisect.bisect_left(self._dates, end)
        if lo >= hi:
            return 0
        return self._lines_before(hi) - self._lines_before(lo)

    # --- posted lines by account, type, customer, invoice, voucher number ----------------------

    def order_key(self, line: Line) -> tuple[date, int]:
        """Sorts posted lines as the date index has them (date, then when they were posted)."""
        return line.date, self._order[line.seq]

    def keyed(self, attr: str, value) -> list[Line]:
        """The posted lines whose ``attr`` (one of KEYED) is ``value``, by date then booking.
        The list is the index itself: do not change it."""
        return self._keyed[attr].get(value, [])

    def keyed_values(self, attr: str):
        return self._keyed[attr].keys()

    @staticmethod
    def date_span(lines: list[Line], start: date | None, end: date | None) -> tuple[int, int]:
        """The slice of a date-ordered list with start <= date < end (either bound open)."""
        lo = 0 if start is None else bisect.bisect_left(lines, start, key=_DATE)
        hi = len(lines) if end is None else bisect.bisect_left(lines, end, key=_DATE)
        return lo, max(lo, hi)

    def numbered_lines(self, transaction_no: int) -> list[Line]:
        """Posted lines of the vouchers with this number (in any series and year), by date then
        booking."""
        found = []
        for series_id, year in self._number_keys:
            rec = self.vouchers.get((series_id, year, transaction_no))
            if rec is not None:
                for lid in rec.line_ids:
                    line = self.lines[lid]
                    if line.posted:
                        found.append(line)
        found.sort(key=self.order_key)
        return found

    def linked_lines(self, link_id: int) -> list[Line]:
        """Posted lines of one link, by date then booking."""
        lines = self.lines
        found = [lines[lid] for lid in self.links.get(link_id, ()) if lid in lines]
        found = [ln for ln in found if ln.posted]
        found.sort(key=self.order_key)
        return found

    def journal_lines(self) -> Iterator[Line]:
        for key in self.journal:
            rec = self.vouchers[key]
            for lid in rec.line_ids:
                yield self.lines[lid]

    # --- changes (called by the posting rules, under the ledger lock) ------------------------

    def add_voucher(self, rec: VoucherRecord, lines: list[Line], stamp_nos, invoice_keys) -> None:
        key = (rec.series_id, rec.year, rec.transaction_no)
        self.vouchers[key] = rec
        nk = (rec.series_id, rec.year)
        self._number_keys.add(nk)
        if rec.transaction_no > self.last_number.get(nk, 0):
            self.last_number[nk] = rec.transaction_no
        for stamp in stamp_nos:
            self.stamps[stamp] = key
        for line in lines:
            self.lines[line.line_id] = line
            if line.link_id is not None:
                self.links.setdefault(line.link_id, set()).add(line.line_id)
            if line.posted:
                self._index(line)
        if rec.posted:
            for ik in invoice_keys:
                self.invoices[ik] = key
        else:
            self.journal.append(key)

    def post_journal(self, now: datetime) -> int:
        """Move every journal voucher to the ledger (the reviewer's approval). Returns lines."""
        posted = 0
        for key in self.journal:
            rec = self.vouchers[key]
            rec.posted = True
            for lid in rec.line_ids:
                line = self.lines[lid]
                line.posted = True
                line.modified_at = now
                self._index(line)  # dates and modification time
                if line.invoice_no:
                    self.invoices[(rec.type_no, line.customer_id, line.invoice_no)] = key
                posted += 1
        self.journal.clear()
        return posted

    def new_link(self) -> int:
        link_id = next(self._link_seq)
        while link_id in self.links:
            link_id = next(self._link_seq)
        self.links[link_id] = set()
        return link_id

    def link_for_guid(self, guid: UUID) -> int:
        """The integer link a SaveBundleList LinkId GUID stands for (created on first use)."""
        link_id = self.link_guids.get(guid)
        if link_id is None:
            link_id = self.link_guids[guid] = self.new_link()
        return link_id

    def set_link(self, line_ids: list[UUID], link_id: int, now: datetime) -> None:
        members = self.links.setdefault(link_id, set())
        for lid in line_ids:
            line = self.lines[lid]
            if line.link_id is not None and line.link_id != link_id:
                self.links.get(line.link_id, set()).discard(lid)
            line.link_id = link_id
            self.touch(line, now)
            members.add(lid)
