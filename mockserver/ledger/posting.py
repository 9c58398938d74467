"""The posting rules of SaveBundleList (SPEC S1-S11, K2) and entry numbering (E1-E3).

``plan_voucher`` checks one voucher and turns it into lines without touching the book; a bundle
is committed only when every voucher in it planned cleanly, so a bundle is all-or-nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .. import errors
from . import interpretations as rules
from .book import ClientBook, VoucherKey
from .ids import new_line_id
from .model import NIL_GUID, Bundle, BundleList, Entry, Line, TaxCode, Voucher, VoucherRecord
from .money import CENT, HUNDRED, MONEY, ZERO, add, div, mul, ore

# --- numbering (GetEntryId) -------------------------------------------------------------------


def next_entry_no(book: ClientBook, day: date, series_id: int) -> int:
    """E1-E3: the next free number of a series in the fiscal year containing ``day``."""
    fy = book.fiscal_year_for(day)
    if fy is None:
        return -1  # E2: not a fault
    series = book.series.get(series_id)
    if series is None:
        raise errors.NoNextEntryId()
    last = book.last_number.get((series_id, fy.year))
    if last is not None:
        return last + 1
    if series.start_no is None:
        raise errors.NoNextEntryId()
    return series.start_no


# --- SaveBundleList -------------------------------------------------------------------------


@dataclass
class PlannedVoucher:
    record: VoucherRecord
    lines: list[Line]
    stamps: list[int]
    invoice_keys: list[tuple[int, int, str]]
    difference: Decimal = ZERO
    #: K2: (link GUID, existing line ids) to join when the bundle is committed
    link_ops: list[tuple[uuid.UUID, list[uuid.UUID]]] = None  # type: ignore[assignment]


def cents(value: Decimal) -> Decimal:
    """Two decimals exactly, by the emulator's rounding rule (S12, ``rules.AMOUNT_ROUNDING``)."""
    return value.quantize(CENT, rounding=rules.AMOUNT_ROUNDING, context=MONEY)


def booked(value: Decimal) -> Decimal:
    """S12: an amount as the ledger books it: at most two decimals (øre)."""
    return ore(value, rules.AMOUNT_ROUNDING, rules.AMOUNT_DECIMALS)


def _local(entry: Entry) -> Decimal:
    """An entry's amount in the client's currency, rounded to cents (where differences arise)."""
    if entry.currency_rate and entry.currency_id and entry.currency_id.upper() not in rules.LOCAL_CURRENCIES:
        unit = Decimal(entry.currency_unit or 1)
        return cents(div(mul(entry.amount, entry.currency_rate), unit))
    return cents(entry.amount)




def _fingerprint(year: int, type_no: int, entries: Sequence[Any]) -> str:
    """S11's content fingerprint of ``Entry``s or a scenario's ``EntrySpec``s (the same members)."""
    parts = [f"{year!s}\n{type_no!s}"]
    for e in entries:  # each member as str() writes it, joined by "|"
        parts.append(
            f"{e.account_no!s}|{e.customer_id!s}|{e.date!s}|{e.due_date!s}|"
            f"{e.amount.normalize(MONEY)!s}|{e.vat_amount.normalize(MONEY)!s}|{e.currency_id!s}|"
            f"{e.tax_no!s}|{e.comment!s}|{e.invoice_reference_no!s}|{e.stamp_no!s}"
        )
    return hashlib.sha1("\n".join(parts).encode()).hexdigest()


def _tax_code(book: ClientBook, tax_no: str) -> TaxCode | None:
    if not tax_no.strip():
        return None
    try:
        code = book.tax_codes.get(int(tax_no))
    except ValueError:
        code = None
    if code is None:
        raise errors.UnknownTaxCode(tax_no)
    return code


def included_vat(book: ClientBook, e: Entry) -> Decimal:
    """The VAT inside a gross amount at the entry's tax code's rate (0 without a rated code)."""
    code = _tax_code(book, e.tax_no)
    if code is None or not code.rate or code.account_no is None:
        return ZERO
    return cents(div(mul(e.amount, code.rate), add(HUNDRED, code.rate)))


class _Planner:
    """Plans one voucher: checks every rule, then builds its lines."""

    def __init__(self, book: ClientBook, blist: BundleList, bundle: Bundle, now: datetime,
                 taken: dict[VoucherKey, str], zero_mode: str = rules.TRANSACTION_NO_ZERO):
        #: LinkIds that entries of this bundle declare (K2: they cannot be linked to each other)
        self.bundle_link_guids = {
            e.link_id for v in bundle.vouchers for e in v.entries if e.link_id != NIL_GUID
        }
        self.book = book
        self.blist = blist
        self.bundle = bundle
        self.now = now
        self.ignore = {w.strip().lower() for w in blist.ignore_warnings}
        self.ledger = blist.save_option == 0
        self.taken = taken  # numbers claimed by earlier vouchers of the same call
        self.zero_mode = zero_mode  # what TransactionNo 0 means (rules.TRANSACTION_NO_ZERO)

    def warn(self, err: errors.SaveRefused) -> None:
        if err.warning_key not in self.ignore:
            raise err

    def plan(self, voucher: Voucher) -> PlannedVoucher:
        book, bundle = self.book, self.bundle
        type_no = voucher.sort or bundle.sort
        for sort in (bundle.sort, voucher.sort):
            if sort < 0:
                raise errors.SystemTypeRefused(sort)
        ttype = book.types.get(type_no)
        if ttype is None:
            raise errors.UnknownType(type_no)
        if ttype.type_no < 0:
            raise errors.SystemTypeRefused(type_no)
        entries = [self._with_defaults(e) for e in voucher.entries]
        if not entries:
            raise errors.NoEntries()
        if not self.ledger and rules.SEQUENCE_ID_ORDERS_JOURNALS:
            # S12: "SequenceId ... Can be set to define the order of entries when using
            # SaveOption 1." A stable sort: equal SequenceIds (and the default 0, which sorts
            # first) keep the order they were sent in.
            entries.sort(key=lambda e: e.sequence_id)
        fiscal_year = book.fiscal_years[bundle.year_id]
        for e in entries:
            if not fiscal_year.contains(e.date):
                raise errors.EntryOutsideFiscalYear(e.date, bundle.year_id)
            if e.account_no not in book.accounts:
                raise errors.UnknownAccount(e.account_no)
            if len(e.comment) > rules.COMMENT_MAX:
                raise errors.CommentTooLong(len(e.comment))

        series_id, year = ttype.series_id, bundle.year_id
        number = voucher.transaction_no
        if number <= 0 and self.zero_mode != "as-sent":
            if self.zero_mode == "refuse":
                raise errors.TransactionNoMissing(number)
            number = rules.auto_number(book, series_id, year, self.taken)
        key = (series_id, year, number)
        fingerprint = _fingerprint(year, type_no, entries)
        existing = book.vouchers.get(key)
        claimed = self.taken.get(key)
        if existing is not None or claimed is not None:
            if (existing.fingerprint if existing else claimed) == fingerprint:
                raise errors.DuplicateData(number)
            raise errors.DataAlreadySaved(number, series_id, year)

        stamps = sorted({e.stamp_no for e in entries if e.stamp_no})
        for stamp in stamps:
            if stamp in book.stamps:
                raise errors.AttachmentPosted()

        link_ops = self._check_links(entries)
        self._check_warnings(type_no, entries)
        lines_in = self._vat_lines(entries)
        difference = self._balance(voucher, lines_in)

        lines = self._lines(lines_in, ttype, number, year)
        invoice_keys = [
            (type_no, e.customer_id, e.invoice_reference_no)
            for e in entries if e.invoice_reference_no
        ]
        record = VoucherRecord(
            series_id=series_id, year=year, transaction_no=number, type_no=type_no,
            fingerprint=fingerprint, line_ids=[ln.line_id for ln in lines], posted=self.ledger,
            bundle_name=bundle.name,
        )
        self.taken[key] = fingerprint
        return PlannedVoucher(record, lines, stamps, invoice_keys, difference, link_ops)

    def _with_defaults(self, e: Entry) -> Entry:
        """S10: DefaultCustomerId, PeriodDate and CurrencyUnit defaults; S12: amounts in øre."""
        e.amount = booked(e.amount)
        e.vat_amount = booked(e.vat_amount)
        if not e.customer_id and self.blist.default_customer_id:
            e.customer_id = self.blist.default_customer_id
        if e.period_date is None:
            e.period_date = e.date.replace(day=1)
        if not e.currency_unit:
            e.currency_unit = 1
        return e

    def _check_links(self, entries: list[Entry]) -> list[tuple[uuid.UUID, list[uuid.UUID]]]:
        """K2: links go to existing lines, never between two entries of this bundle."""
        ops: list[tuple[uuid.UUID, list[uuid.UUID]]] = []
        for e in entries:
            existing: list[uuid.UUID] = []
            for link in e.links:
                if link.line_id == NIL_GUID:
                    if link.link_id != NIL_GUID and link.link_id in self.bundle_link_guids:
                        raise errors.LinkInsideBundle()
                    continue
                if link.line_id not in self.book.lines:
                    raise errors.LinkedLineMissing(line_id=link.line_id)
                existing.append(link.line_id)
            if existing:
                guid = e.link_id if e.link_id != NIL_GUID else next(
                    (lk.link_id for lk in e.links if lk.link_id != NIL_GUID), None)
                if guid is None:
                    raise errors.LinkIdNeeded()
                e.link_id = guid
                ops.append((guid, existing))
        return ops

    def _check_warnings(self, type_no: int, entries: list[Entry]) -> None:
        """S8: invoice reference already in the ledger; bank account not the customer's."""
        for e in entries:
            if e.invoice_reference_no and (type_no, e.customer_id, e.invoice_reference_no) in self.book.invoices:
                self.warn(errors.InvoiceAlreadyExists(reference=e.invoice_reference_no))
            if e.bank_account_no and e.customer_id:
                customer = self.book.customers.get(e.customer_id)
                if customer and customer.bank_account and _digits(customer.bank_account) != _digits(e.bank_account_no):
                    self.warn(errors.CustomerMismatchBankAccount(
                        bank_account=e.bank_account_no, customer_id=e.customer_id))

    def _vat_lines(self, entries: list[Entry]) -> list[tuple[Entry, Decimal, int, bool]]:
        """S5/S6: VAT handling. Returns (entry, amount, account_no, is_generated) rows."""
        rows: list[tuple[Entry, Decimal, int, bool]] = []
        by_code: dict[int, tuple[TaxCode, Decimal]] = {}
        calculate = not self.ledger and not self.bundle.bundle_direct_accounting
        for e in entries:
            code = _tax_code(self.book, e.tax_no)
            if code is None or not code.rate or code.account_no is None:
                rows.append((e, e.amount, e.account_no, False))
                continue
            if calculate:
                # Journal: the amount is gross; the VAT is calculated (S5, SaveOption 1), and
                # "both VAT and partial deduction is automatically calculated" (S6): the same
                # lines as SaveOption 0 with the calculated VAT as VatAmount.
                net = cents(div(mul(e.amount, HUNDRED), add(HUNDRED, code.rate)))
                self._split_vat(rows, e, code, net, add(e.amount, net.copy_negate()))
            elif self.ledger and e.vat_amount:
                # S6: gross amount with the original VAT; deductible part to the VAT account,
                # the non-deductible rest as a new entry on the same account.
                self._split_vat(rows, e, code, add(e.amount, e.vat_amount.copy_negate()),
                                e.vat_amount)
            else:
                rows.append((e, e.amount, e.account_no, False))
                if self.ledger:
                    _, base = by_code.get(code.tax_no, (code, ZERO))
                    by_code[code.tax_no] = (code, add(base, _local(e)))
        if self.ledger:
            self._check_vat(entries, by_code)
        return rows

    def _split_vat(self, rows, e: Entry, code: TaxCode, net: Decimal, vat: Decimal) -> None:
        """The net amount on the entry's account, the deductible VAT on the code's account and
        the non-deductible rest as a new entry on the entry's account (S6)."""
        rate = self._base_rate(e) if rules.is_input_vat(code) else HUNDRED
        deductible = cents(div(mul(vat, rate), HUNDRED))
        rest = add(vat, deductible.copy_negate())
        rows.append((e, net, e.account_no, False))
        if deductible:
            rows.append((e, deductible, code.account_no, True))
        if rest:
            rows.append((e, rest, e.account_no, True))

    def _base_rate(self, e: Entry) -> Decimal:
        if e.base_rate >= 0:
            return e.base_rate
        return self.book.vat_base_rate if self.bundle.use_auto_base_rate else HUNDRED

    def _check_vat(self, entries: list[Entry], by_code: dict[int, tuple[TaxCode, Decimal]]) -> None:
        # S5: entries without VAT treatment carry the VAT amounts: no TaxNo, or a code without
        # a rate or VAT account ("TaxNo 0": no VAT treatment), also on the VAT account itself.
        plain = [e for e in entries if _no_vat(_tax_code(self.book, e.tax_no))]
        expected_by_account: dict[int | None, Decimal] = {}
        for code, base in by_code.values():
            vat = cents(div(mul(base, code.rate), HUNDRED))
            expected_by_account[code.account_no] = add(expected_by_account.get(code.account_no, ZERO), vat)
        for account_no, expected in expected_by_account.items():
            posted = [_local(e) for e in plain if e.account_no == account_no]
            if not posted:
                self.warn(errors.MissingVatAmount())
                continue
            if add(*posted, expected.copy_negate()).copy_abs() > rules.VAT_TOLERANCE:
                self.warn(errors.VatNotInBalance(account_no=account_no, posted=add(*posted),
                                                 expected=expected))
        vat_accounts = self.book.vat_accounts() if plain else ()
        for e in plain:
            if e.account_no in vat_accounts and e.account_no not in expected_by_account and e.amount:
                self.warn(errors.VatMissingFoundation(account_no=e.account_no))

    def _balance(self, voucher: Voucher, rows) -> Decimal:
        """S4 and S9: the voucher must balance, or the difference is covered."""
        difference = add(*(_local_row(e, amount) for e, amount, _, _ in rows))
        if not difference:
            return difference
        opts = voucher.difference_options
        if opts is not None and opts.threshold and difference.copy_abs() <= opts.threshold.copy_abs():
            return difference
        if self.blist.allow_difference and not self.ledger:
            return ZERO  # journal only: saved as it is, no rounding entry
        raise errors.NotInBalance(difference)

    def _lines(self, rows, ttype, number: int, year: int) -> list[Line]:
        book, now = self.book, self.now
        lines: list[Line] = []
        for pos, (e, amount, account_no, generated) in enumerate(rows, start=1):
            code = _tax_code(book, e.tax_no) if not generated else None
            lines.append(Line(
                line_id=new_line_id(), seq=book.next_seq(), transaction_no=number,
                series_id=ttype.series_id, year=year, type_no=ttype.type_no, type_id=ttype.type_id,
                account_no=account_no, date=e.date, amount=amount, customer_id=e.customer_id,
                due_date=e.due_date, period_date=e.period_date, currency=e.currency_id,
                currency_rate=e.currency_rate or Decimal(1), currency_unit=e.currency_unit or 1,
                vat_amount=e.vat_amount if not generated else ZERO,
                tax_no=code.tax_no if code else 0, department_id=e.department_id,
                project_id=e.project_id,
                dimensions=tuple([(d.type, d.value) for d in e.dimensions]) if e.dimensions else (),
                invoice_no=e.invoice_reference_no, ocr=e.invoice_ocr, comment=e.comment,
                stamp_no=e.stamp_no, bank_account_no=e.bank_account_no,
                link_guid=e.link_id if e.link_id != NIL_GUID else None,
                sequence_no=pos, system_type=ttype.system_type, created_at=now, modified_at=now,
                posted=self.ledger,
            ))
        return lines


def _local_row(e: Entry, amount: Decimal) -> Decimal:
    if amount == e.amount:
        return _local(e)
    scaled = Entry(date=e.date, amount=amount, currency_id=e.currency_id,
                   currency_rate=e.currency_rate, currency_unit=e.currency_unit)
    return _local(scaled)


def _no_vat(code: TaxCode | None) -> bool:
    return code is None or not code.rate or code.account_no is None


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _difference_line(planner: _Planner, voucher: Voucher, planned: PlannedVoucher) -> None:
    """S9: book the covered difference as a new entry on DifferenceOptions.AccountId."""
    difference = planned.difference
    opts = voucher.difference_options
    if not difference or opts is None or not opts.threshold or difference.copy_abs() > opts.threshold.copy_abs():
        return
    book = planner.book
    if opts.account_id not in book.accounts:
        raise errors.UnknownAccount(opts.account_id)
    first = planned.lines[0]
    day = opts.date or first.date
    line = Line(
        line_id=new_line_id(), seq=book.next_seq(), transaction_no=first.transaction_no,
        series_id=first.series_id, year=first.year, type_no=first.type_no, type_id=first.type_id,
        account_no=opts.account_id, date=day, amount=difference.copy_negate(),
        customer_id=opts.customer_id, due_date=opts.due_date,
        period_date=day.replace(month=opts.period) if 1 <= opts.period <= 12 else day.replace(day=1),
        comment=opts.comment[: rules.COMMENT_MAX], department_id=opts.department_id,
        project_id=opts.project_id, sequence_no=len(planned.lines) + 1,
        system_type=first.system_type, created_at=first.created_at,
        modified_at=first.modified_at, posted=first.posted,
    )
    planned.lines.append(line)
    planned.record.line_ids.append(line.line_id)


def plan_bundle(book: ClientBook, blist: BundleList, bundle: Bundle, now: datetime,
                taken: dict[VoucherKey, str],
                zero_mode: str = rules.TRANSACTION_NO_ZERO) -> list[PlannedVoucher]:
    """Check a whole bundle; raise (with ``.voucher`` set) on the first failing voucher."""
    if bundle.year_id not in book.fiscal_years:
        raise errors.FiscalYearMissing()
    planner = _Planner(book, blist, bundle, now, taken, zero_mode)
    planned: list[PlannedVoucher] = []
    claimed: list[VoucherKey] = []
    try:
        for index, voucher in enumerate(bundle.vouchers, start=1):
            try:
                pv = planner.plan(voucher)
                claimed.append((pv.record.series_id, pv.record.year, pv.record.transaction_no))
                _difference_line(planner, voucher, pv)
            except errors.SaveRefused as err:
                err.voucher = index  # type: ignore[attr-defined]
                raise
            planned.append(pv)
    except errors.SaveRefused:
        for key in claimed:  # the bundle is refused whole: release its numbers
            taken.pop(key, None)
        raise
    if not planned:
        raise errors.NoVouchers()
    return planned


def commit_bundle(book: ClientBook, planned: list[PlannedVoucher], now: datetime) -> None:
    """Apply a planned bundle. Nothing here can fail, so a bundle is never half-written."""
    for pv in planned:
        for line in pv.lines:
            if line.link_guid is not None:
                line.link_id = book.link_for_guid(line.link_guid)
        book.add_voucher(pv.record, pv.lines, pv.stamps, pv.invoice_keys)
        for guid, existing in pv.link_ops or ():
            book.set_link(existing, book.link_for_guid(guid), now)
