"""``POST /v1/transactions`` (SPEC R7, scope ``api.accounting.transaction:write``): a voucher
in the 0.56.0 ``TransactionInput`` shape, checked against that schema here (every problem as a
(path, keyword) pair), then booked by the ledger core through SaveBundleList's own rules
(``Ledger.save_voucher``). 201 with the voucher's id (the ``transaction.id`` its lines show on
``/transactionlines``); refused: 400, nothing booked."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask import request

from .. import errors
from ..codec_utils import read_json
from ..ledger import interpretations as rules
from ..ledger import queries
from ..ledger.model import Dimension, Entry
from . import jsonout
from .body import Reader
from .http import INT32, json_response

_CODE_RE = re.compile(r"^[A-Z]{3}\Z")
MAX_LINES = 1000
MAX_DIMENSIONS = 10


def _line(r: Reader, raw, path: str, head: dict) -> Entry | None:
    d = r.obj(raw, path)
    if d is None:
        return None
    account_no = r.get(d, "accountNumber", path, "integer", True)
    amount = r.get(d, "amount", path, "number", True)
    comment = r.get(d, "comment", path, "string", maxLength=rules.COMMENT_MAX)
    day = r.get(d, "date", path, "date")
    period = r.get(d, "periodDate", path, "date")
    entry = Entry(date=day or head["date"] or date.min)
    if "tax" not in d or d["tax"] is None:
        r.bad(f"{path}.tax", "required")
    else:
        tax = r.obj(d["tax"], f"{path}.tax")
        if tax is not None:
            number = r.get(tax, "number", f"{path}.tax", "integer", True, minimum=0)
            vat = r.get(tax, "amount", f"{path}.tax", "number")
            base = r.get(tax, "baseRate", f"{path}.tax", "integer", minimum=0, maximum=100)
            r.get(tax, "specificationNumber", f"{path}.tax", "integer")
            entry.tax_no = str(number) if number is not None else ""
            entry.vat_amount = vat if vat is not None else Decimal(0)
            entry.base_rate = Decimal(base) if base is not None else Decimal(-1)
    if d.get("currency") is not None:
        cur = r.obj(d["currency"], f"{path}.currency")
        if cur is not None:
            code = r.get(cur, "code", f"{path}.currency", "string", True, pattern=_CODE_RE)
            rate = r.get(cur, "rate", f"{path}.currency", "number", True, minimum=0)
            entry.currency_id, entry.currency_rate = code or "", rate or Decimal(0)
    if d.get("dimensions") is not None:
        dims = d["dimensions"]
        if not isinstance(dims, list):
            r.bad(f"{path}.dimensions", "type")
        elif len(dims) > MAX_DIMENSIONS:
            r.bad(f"{path}.dimensions", "maxItems")
        else:
            for j, raw_dim in enumerate(dims):
                where = f"{path}.dimensions.{j}"
                dim = r.obj(raw_dim, where)
                if dim is None:
                    continue
                kind = r.get(dim, "dimensionType", where, "integer", True)
                value = r.get(dim, "value", where, "string", True)
                if kind is None or value is None:
                    continue
                _dimension(r, entry, kind, value, where)
    if d.get("invoice") is not None:
        inv = r.obj(d["invoice"], f"{path}.invoice")
        if inv is not None:
            p = f"{path}.invoice"
            entry.due_date = r.get(inv, "dueDate", p, "date")
            entry.invoice_reference_no = r.get(inv, "number", p, "string", maxLength=50) or ""
            entry.invoice_ocr = r.get(inv, "remittanceReference", p, "string", maxLength=32) or ""
            entry.bank_account_no = r.get(inv, "bankAccount", p, "string", maxLength=50) or ""
    entry.account_no = account_no or 0
    entry.amount = amount if amount is not None else Decimal(0)
    entry.comment = comment if comment is not None else (head["comment"] or "")
    entry.period_date = period
    entry.stamp_no = head["documentId"] or 0
    return entry


def _dimension(r: Reader, entry: Entry, kind: int, value: str, where: str) -> None:
    """dimensionType 1 is the project, 2 the department (integer ids), above 100 a
    user-defined dimension; the other system types cannot be booked on a line."""
    if kind in (1, 2):
        if not value.isascii() or not value.isdigit() or int(value) > INT32[1]:
            r.bad(f"{where}.value", "format")
        elif kind == 1:
            entry.project_id = int(value)
        else:
            entry.department_id = int(value)
    elif kind > 100:
        entry.dimensions.append(Dimension(kind, value))
    else:
        r.bad(f"{where}.dimensionType", "enum")


def read_input(raw: bytes) -> tuple[int, list[Entry]]:
    try:
        body = read_json(raw, decimals=True)
    except errors.MalformedJson as err:
        raise errors.BodyNotJson(err.text) from None
    r = Reader()
    d = r.obj(body, "")
    if d is None:
        raise errors.BodyNotAnObject(r.problems)
    type_no = r.get(d, "transactionTypeNumber", "", "integer", True, minimum=1)
    head = {"date": r.get(d, "date", "", "date", True),
            "comment": r.get(d, "comment", "", "string", maxLength=rules.COMMENT_MAX),
            "documentId": r.get(d, "documentId", "", "integer", minimum=0)}
    entries: list[Entry] = []
    lines = d.get("lines")
    if lines is None:
        r.bad("lines", "required")
    elif not isinstance(lines, list):
        r.bad("lines", "type")
    elif len(lines) > MAX_LINES:
        r.bad("lines", "maxItems")
    else:
        for i, raw_line in enumerate(lines):
            entry = _line(r, raw_line, f"lines.{i}", head)
            if entry is not None:
                entries.append(entry)
    if r.problems:
        raise errors.InvalidBody(r.problems)
    return type_no, entries


def register(app, ctx) -> None:
    ledger = ctx.ledger

    @app.post("/v1/transactions")
    def post_transaction():
        ctx.meta(operation="PostTransaction")
        token = ctx.authenticate("POST", "/transactions")
        if request.mimetype != "application/json":
            raise errors.RestUnsupportedMediaType()
        type_no, entries = read_input(request.get_data(cache=True))
        book = ctx.book(token)
        with ctx.clock_scope(token.client_id):
            result = ledger.save_voucher(book, type_no, entries)
        if result.type != "Ok":
            raise errors.RestError(result.reason or result.description)
        series_id, year, number = result.vouchers[0]
        voucher = ledger.query(
            lambda: queries.voucher_guid(book.client_id, series_id, year, number))
        return json_response(201, jsonout.dumps({"transactionId": str(voucher)}))
