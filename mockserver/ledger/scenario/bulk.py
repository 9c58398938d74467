"""The bulk loader: ledger lines written straight into a ``ClientBook`` (Line objects and the
book's indexes, no SOAP round trips), fast enough for a million lines."""

from __future__ import annotations

import gc
import random
import uuid
from collections.abc import Iterable
from datetime import date, datetime

from ... import errors
from .. import interpretations as rules
from ..book import ClientBook
from ..ids import uuid4_from
from ..model import Line, VoucherRecord
from ..money import add
from .marks import ScenarioError
from .spec import RelativeDay, VoucherSpec

# --- the bulk loader --------------------------------------------------------------------------


_seeded_uuid4 = uuid4_from


#: A load at least this big ends with ``gc.freeze()`` (see ``load_vouchers``).
_FREEZE_AFTER = 50_000


def load_vouchers(book: ClientBook, vouchers: Iterable[VoucherSpec], now: datetime,
                  check: bool = True, id_seed=None, fingerprints: bool = True) -> int:
    """Write vouchers straight into the book as ledger (or journal) lines; returns lines written.

    The caller holds the ledger lock. ``check``: refuse unknown accounts, types, tax codes,
    customers, dates outside the fiscal years, unbalanced vouchers and taken numbers, naming the
    voucher (generated data is built valid and skips the checks). ``id_seed``: line ids drawn
    from a seeded generator, so a seeded scenario gives the same ids on every run.
    ``fingerprints``: record each voucher's content fingerprint, so the integration re-sending
    the same voucher gets DuplicateData (S11); generated vouchers skip it (a re-send of other
    content under that number is still DataAlreadySaved).

    The cyclic garbage collector is paused meanwhile: a million lines are millions of new
    objects, and collecting while they are made doubles the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    written = 0
    try:
        written = _load(book, vouchers, now, check, id_seed, fingerprints)
        return written
    finally:
        if was_enabled:
            gc.enable()
        if written >= _FREEZE_AFTER:
            # A full collection walks every tracked object: after a million lines it would stop
            # every request for seconds, again and again as the heap grows. The loaded lines
            # live as long as their client, so move everything alive out of the collector's way.
            gc.freeze()


def _load(book: ClientBook, vouchers: Iterable[VoucherSpec], now: datetime, check: bool,
          id_seed, fingerprints: bool) -> int:
    from ..posting import _fingerprint  # the same fingerprint SaveBundleList uses (S11)

    rng = random.Random(repr(id_seed)) if id_seed is not None else None
    months: dict[date, date] = {}
    written = 0
    for v in vouchers:
        ttype = book.types.get(v.type_no)
        if ttype is None:
            raise errors.ScenarioNoType(where=v.where, type_no=v.type_no)
        first = v.entries[0].date
        assert not isinstance(first, RelativeDay)  # loaders get resolve_days's vouchers
        fy = book.fiscal_year_for(first)
        if check:
            _check_voucher(book, v, fy)
        year = fy.year if fy is not None else first.year
        number = v.transaction_no or rules.auto_number(book, ttype.series_id, year, ())
        key = (ttype.series_id, year, number)
        if key in book.vouchers:
            taken = errors.DataAlreadySaved(number, ttype.series_id, year)
            raise ScenarioError(f"{v.where}.transaction_no: {taken.text}")
        lines = []
        for pos, e in enumerate(v.entries, start=1):
            line_id = _seeded_uuid4(rng) if rng else uuid.uuid4()
            tax_no = int(e.tax_no) if e.tax_no else 0
            day, due, period = e.date, e.due_date, e.period_date
            assert not isinstance(day, RelativeDay) and not isinstance(due, RelativeDay) \
                and not isinstance(period, RelativeDay)  # loaders get resolve_days's vouchers
            if period is None:
                period = months.get(day)
                if period is None:
                    period = months[day] = day.replace(day=1)
            lines.append(Line(
                line_id=line_id, seq=book.next_seq(), transaction_no=number,
                series_id=ttype.series_id, year=year, type_no=ttype.type_no,
                type_id=ttype.type_id, account_no=e.account_no, date=day, amount=e.amount,
                customer_id=e.customer_id, due_date=due,
                period_date=period, currency=e.currency_id,
                vat_amount=e.vat_amount, tax_no=tax_no, department_id=e.department_id,
                project_id=e.project_id, invoice_no=e.invoice_reference_no, ocr=e.invoice_ocr,
                comment=e.comment, stamp_no=e.stamp_no, bank_account_no=e.bank_account_no,
                sequence_no=pos, system_type=ttype.system_type, created_at=now,
                modified_at=now, posted=v.posted,
            ))
        record = VoucherRecord(
            series_id=ttype.series_id, year=year, transaction_no=number, type_no=ttype.type_no,
            fingerprint=_fingerprint(year, ttype.type_no, v.entries) if fingerprints else "",
            line_ids=[ln.line_id for ln in lines], posted=v.posted, bundle_name="scenario",
        )
        stamps = sorted({e.stamp_no for e in v.entries if e.stamp_no})
        invoices = [(ttype.type_no, e.customer_id, e.invoice_reference_no)
                    for e in v.entries if e.invoice_reference_no]
        book.add_voucher(record, lines, stamps, invoices)
        written += len(lines)
    return written


def _check_voucher(book: ClientBook, v: VoucherSpec, fy) -> None:
    if fy is None:
        years = ", ".join(str(y) for y in sorted(book.fiscal_years)) or "none"
        raise errors.ScenarioDateInNoYear(where=v.where, day=v.entries[0].date, years=years)
    for j, e in enumerate(v.entries):
        where = v.entry_where[j] if v.entry_where else f"{v.where}.lines[{j}]"
        if not fy.contains(e.date):
            raise errors.ScenarioDateOutsideYear(where=where, day=e.date, year=fy.year)
        if e.account_no not in book.accounts:
            raise errors.ScenarioNoAccount(where=where, account_no=e.account_no)
        if e.tax_no and int(e.tax_no) not in book.tax_codes:
            raise errors.ScenarioNoTaxCode(where=where, tax_no=e.tax_no)
        if e.customer_id and e.customer_id not in book.customers:
            raise errors.ScenarioNoCustomer(where=where, customer_id=e.customer_id)
    if add(*(e.amount for e in v.entries)):
        raise errors.ScenarioVoucherNotInBalance(where=v.where)


