"""Log row bodies as JSON: booked lines and planned vouchers (``store.py``).

Money is a ``Decimal`` written as its string (``str(Decimal)`` reads back to the same value and
exponent), dates and times are ISO 8601, GUIDs are text. A line is a JSON array in the order of
``LINE_FIELDS`` (a million lines replay several times faster than from objects with names);
``LINE_FIELDS`` is kept in the log's ``meta`` so a reader can tell when the order changed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID, SafeUUID

from .model import Line, VoucherRecord
from .posting import PlannedVoucher

_UNKNOWN = SafeUUID.unknown
#: the values most lines have: shared (a Decimal is immutable), not parsed per line
_ONE, _ZERO = Decimal(1), Decimal(0)

LINE_FIELDS = (
    "line_id", "seq", "transaction_no", "series_id", "year", "type_no", "type_id", "account_no",
    "date", "amount", "customer_id", "due_date", "period_date", "currency", "currency_rate",
    "currency_unit", "vat_amount", "tax_no", "department_id", "project_id", "dimensions",
    "invoice_no", "ocr", "comment", "stamp_no", "bank_account_no", "link_id", "link_guid",
    "sequence_no", "system_type", "created_at", "modified_at", "posted",
)

_fromiso_date = date.fromisoformat
_fromiso_time = datetime.fromisoformat
_new_uuid = UUID.__new__
_set = object.__setattr__


def uuid_hex(text: str) -> UUID:
    """``UUID(text)`` for the 32 hex digits this codec writes (``UUID.hex``), without the
    constructor's parsing of every spelling a UUID may have: a replay reads one per line (a
    third of a line's decoding with ``UUID()``). Anything else is refused as ``UUID()`` would."""
    if len(text) != 32 or text[0] == "-":  # UUID() drops hyphens; int() would read a sign
        return UUID(text)
    u = _new_uuid(UUID)
    _set(u, "int", int(text, 16))  # ValueError for a non-hex digit, as UUID() raises
    _set(u, "is_safe", _UNKNOWN)
    return u


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
    (line_id, seq, number, series_id, year, type_no, type_id, account_no, day, amount,
     customer_id, due, period, currency, rate, unit, vat, tax_no, department_id, project_id,
     dims, invoice_no, ocr, comment, stamp_no, bank_account_no, link_id, guid, sequence_no,
     system_type, created, modified, posted) = a
    return Line(
        uuid_hex(line_id), seq, number, series_id, year, type_no, type_id, account_no,
        _fromiso_date(day), Decimal(amount), customer_id,
        None if due is None else _fromiso_date(due),
        None if period is None else _fromiso_date(period), currency,
        _ONE if rate == "1" else Decimal(rate), unit, _ZERO if vat == "0" else Decimal(vat),
        tax_no, department_id, project_id, tuple((t, v) for t, v in dims) if dims else (),
        invoice_no, ocr, comment, stamp_no, bank_account_no, link_id,
        None if guid is None else uuid_hex(guid), sequence_no, system_type,
        None if created is None else _fromiso_time(created),
        None if modified is None else _fromiso_time(modified), posted,
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
    lines = [decode_line(a) for a in body["lines"]]
    series_id, year, number, type_no, fingerprint, posted, bundle_name = body["record"]
    record = VoucherRecord(series_id=series_id, year=year, transaction_no=number,
                           type_no=type_no, fingerprint=fingerprint,
                           line_ids=[ln.line_id for ln in lines], posted=posted,
                           bundle_name=bundle_name)
    ops = [(UUID(guid), [UUID(x) for x in ids]) for guid, ids in body.get("link_ops", ())]
    return PlannedVoucher(record, lines, body.get("stamps", []),
                          [tuple(k) for k in body.get("invoices", ())], link_ops=ops)
