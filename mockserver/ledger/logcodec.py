"""Log row bodies as JSON: booked lines and planned vouchers (``store.py``).

Money is a ``Decimal`` written as its string (``str(Decimal)`` reads back to the same value and
exponent), dates and times are ISO 8601, GUIDs are text. A line is a JSON array in the order of
``LINE_FIELDS`` (a million lines replay several times faster than from objects with names);
``LINE_FIELDS`` is kept in the log's ``meta`` so a reader can tell when the order changed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from .model import Line, VoucherRecord

LINE_FIELDS = (
    "line_id", "seq", "transaction_no", "series_id", "year", "type_no", "type_id", "account_no",
    "date", "amount", "customer_id", "due_date", "period_date", "currency", "currency_rate",
    "currency_unit", "vat_amount", "tax_no", "department_id", "project_id", "dimensions",
    "invoice_no", "ocr", "comment", "stamp_no", "bank_account_no", "link_id", "link_guid",
    "sequence_no", "system_type", "created_at", "modified_at", "posted",
)

_fromiso_date = date.fromisoformat
_fromiso_time = datetime.fromisoformat


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def day(text: str | None) -> date | None:
    return None if text is None else _fromiso_date(text)


def when(text: str | None) -> datetime | None:
    return None if text is None else _fromiso_time(text)


def encode_line(ln: Line) -> list:
    return [
        ln.line_id.hex, ln.seq, ln.transaction_no, ln.series_id, ln.year, ln.type_no, ln.type_id,
        ln.account_no, ln.date.isoformat(), str(ln.amount), ln.customer_id, _iso(ln.due_date),
        _iso(ln.period_date), ln.currency, str(ln.currency_rate), ln.currency_unit,
        str(ln.vat_amount), ln.tax_no, ln.department_id, ln.project_id,
        [[t, v] for t, v in ln.dimensions], ln.invoice_no, ln.ocr, ln.comment, ln.stamp_no,
        ln.bank_account_no, ln.link_id, None if ln.link_guid is None else ln.link_guid.hex,
        ln.sequence_no, ln.system_type, _iso(ln.created_at), _iso(ln.modified_at), ln.posted,
    ]


def decode_line(a: list) -> Line:
    due, period, guid, created, modified = a[11], a[12], a[27], a[30], a[31]
    return Line(
        UUID(a[0]), a[1], a[2], a[3], a[4], a[5], a[6], a[7], _fromiso_date(a[8]), Decimal(a[9]),
        a[10], None if due is None else _fromiso_date(due),
        None if period is None else _fromiso_date(period), a[13], Decimal(a[14]), a[15],
        Decimal(a[16]), a[17], a[18], a[19], tuple((t, v) for t, v in a[20]) if a[20] else (),
        a[21], a[22], a[23], a[24], a[25], a[26], None if guid is None else UUID(guid), a[28],
        a[29], None if created is None else _fromiso_time(created),
        None if modified is None else _fromiso_time(modified), a[32],
    )


def encode_voucher(pv) -> dict:
    """A ``posting.PlannedVoucher`` as committed (its lines before links are resolved)."""
    rec = pv.record
    out = {
        "record": [rec.series_id, rec.year, rec.transaction_no, rec.type_no, rec.fingerprint,
                   rec.posted, rec.bundle_name],
        "lines": [encode_line(ln) for ln in pv.lines],
    }
    if pv.stamps:
        out["stamps"] = list(pv.stamps)
    if pv.invoice_keys:
        out["invoices"] = [list(k) for k in pv.invoice_keys]
    if pv.link_ops:
        out["link_ops"] = [[guid.hex, [lid.hex for lid in ids]] for guid, ids in pv.link_ops]
    return out


def decode_voucher(body: dict):
    from .posting import PlannedVoucher

    lines = [decode_line(a) for a in body["lines"]]
    series_id, year, number, type_no, fingerprint, posted, bundle_name = body["record"]
    record = VoucherRecord(series_id=series_id, year=year, transaction_no=number,
                           type_no=type_no, fingerprint=fingerprint,
                           line_ids=[ln.line_id for ln in lines], posted=posted,
                           bundle_name=bundle_name)
    ops = [(UUID(guid), [UUID(x) for x in ids]) for guid, ids in body.get("link_ops", ())]
    return PlannedVoucher(record, lines, body.get("stamps", []),
                          [tuple(k) for k in body.get("invoices", ())], link_ops=ops)
