"""Scenario files' orders and invoices (SPEC D1-D2), saved as ``SaveInvoices`` saves them.

Each order names its members in the scenario's snake_case and is read with the reader's checks
(the line of each refusal); loading a scenario saves the orders in file order through
``Ledger.save_invoices``, so an ``Invoiced`` order gets its invoice number, KID and voucher
exactly as over SOAP, and its changes are the log's own rows (a restart replays those rows, it
never saves the orders again). An order the ledger refuses (an unknown customer, product or
VAT rate) refuses the whole scenario with its line::

    orders:
      - customer_id: 20001
        state: Invoiced          # OrderStatus; default Web (offers, drafts and orders post nothing)
        date: current-03-01      # DateOrdered; also DateInvoiced unless invoice_date is given
        payment_time: 10         # days to the due date (default 14)
        currency: EUR            # Currency.Symbol (default: the client's own, NOK); or
                                 # {code: EUR, rate: "11.45", unit: 1}: Symbol, Rate, Unit
        rows:
          - {product_id: 3, quantity: 2}
          - {name: Frakt, price: "49.00", vat_rate: 25}
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ... import errors
from .marks import ScenarioError
from .spec import RelativeDay

#: OrderSlipStateType of the vendor's InvoiceService.wsdl
STATES = ("None", "Offer", "Pack", "Invoiced", "Web", "Repeating", "CollectingOrder", "Return",
          "Distribution", "Rest", "ForInvoicing", "OvertimeRent", "Confirmed", "OrderState_Sent",
          "Production", "PaymentReminder", "OnAccount", "Lending", "InvoicedCashAccount",
          "InvoicedPack", "Inactive", "Hours", "OrderState_SuperStore", "Draft")
#: RowType of the WSDL
ROW_TYPES = ("Normal", "Text", "TextBold")

#: scenario key -> (InvoiceOrder member, reader kind)
_ORDER = {
    "customer_id": ("CustomerId", "id!"), "state": ("OrderStatus", "state"),
    "date": ("DateOrdered", "day"), "invoice_date": ("DateInvoiced", "day"),
    "payment_time": ("PaymentTime", "count"), "payment_amount": ("PaymentAmount", "amount"),
    "include_vat": ("IncludeVAT", "bool"), "project_id": ("ProjectId", "id"),
    "department_id": ("DepartmentId", "id"), "external_status": ("ExternalStatus", "count"),
    "your_reference": ("YourReference", "text"), "reference_number": ("ReferenceNumber", "text"),
    "invoice_title": ("InvoiceTitle", "text"), "invoice_text": ("InvoiceText", "text"),
    "currency": ("Currency", "currency"),
}
#: ``currency: {...}`` -> the WSDL's Currency (Symbol, Rate, Unit: a short)
_CURRENCY = ("code", "rate", "unit")
_SHORT_MAX = 32767
_ROW = {
    "product_id": ("ProductId", "id"), "name": ("Name", "text"),
    "quantity": ("Quantity", "amount"), "price": ("Price", "amount"),
    "discount": ("DiscountRate", "amount"), "vat_rate": ("VatRate", "amount"),
    "project_id": ("ProjectId", "id"), "department_id": ("DepartmentId", "id"),
    "type": ("Type", "row_type"),
}


@dataclass(slots=True)
class OrderSpec:
    """An order as SaveInvoices receives it (vendor members; days may still be relative)."""

    fields: dict
    where: str  # "file, line N: orders[i]"


def read(r, top) -> list[OrderSpec]:
    """The ``orders`` of a scenario's top mapping, checked; ``r`` is the scenario reader."""
    items = r.seq(top, "orders", "orders")
    out = []
    for i, item in enumerate(items):
        path = f"orders[{i}]"
        item = r.mapping(items, i, path, item, (*_ORDER, "rows"))
        fields = _members(r, item, path, _ORDER)
        if fields.get("DateOrdered") is not None and "DateInvoiced" not in fields \
                and fields.get("OrderStatus") == "Invoiced":
            fields["DateInvoiced"] = fields["DateOrdered"]
        if item.get("rows") is not None:
            rows = r.seq(item, "rows", f"{path}.rows")
            fields["InvoiceRows"] = [
                _members(r, r.mapping(rows, j, f"{path}.rows[{j}]", row, _ROW),
                         f"{path}.rows[{j}]", _ROW)
                for j, row in enumerate(rows)]
        out.append(OrderSpec(fields, f"{r.where(items, i)}: {path}"))
    return out


def _members(r, item, path: str, members: dict) -> dict:
    out: dict = {}
    for name, (member, kind) in members.items():
        p = f"{path}.{name}"
        if item.get(name) is None:
            if kind == "id!":
                r.fail(item, name, p, errors.ScenarioRequired())
            continue
        if kind in ("id", "id!"):
            value = r.integer(item, name, p, low=1)
        elif kind == "count":
            value = r.integer(item, name, p, low=0)
        elif kind == "amount":
            value = r.decimal(item, name, p)
        elif kind == "bool":
            value = r.boolean(item, name, p)
        elif kind == "day":
            value = r.day(item, name, p, relative=True)
        elif kind == "currency":
            value = _currency(r, item, name, p)
        elif kind in ("state", "row_type"):
            value = r.text(item, name, p)
            known = STATES if kind == "state" else ROW_TYPES
            if value not in known:
                hint = difflib.get_close_matches(value, known, n=1)
                r.fail(item, name, p, errors.ScenarioNotOneOf(
                    known=", ".join(known), value=value,
                    hint=errors.did_you_mean(hint[0] if hint else None)))
        else:
            value = r.text(item, name, p, max_len=200)
        out[member] = value
    return out


def _currency(r, item, name: str, path: str) -> dict:
    """An order's ``currency``: a code (``EUR``: the rate is the client's, from its
    ``currencies``) or ``{code, rate, unit}``, as InvoiceOrder's Currency (Symbol, Rate, Unit).
    The ledger reads it as SaveInvoices does (a code without a rate the client lacks: the order,
    and so the scenario, is refused)."""
    value = item[name]
    if not isinstance(value, dict):
        return {"Symbol": _code(r, item, name, path)}
    value = r.mapping(item, name, path, value, _CURRENCY)
    out: dict = {"Symbol": _code(r, value, "code", f"{path}.code", required=True)}
    rate = r.decimal(value, "rate", f"{path}.rate")
    if rate is not None:
        if rate <= 0:
            r.fail(value, "rate", f"{path}.rate", errors.ScenarioRateNotPositive(value=rate))
        out["Rate"] = rate
    unit = r.integer(value, "unit", f"{path}.unit", low=1, high=_SHORT_MAX)
    if unit is not None:
        out["Unit"] = unit
    return out


def _code(r, item, name: str, path: str, required: bool = False) -> str:
    text = r.text(item, name, path, required=required)
    if not re.fullmatch(r"[A-Za-z]{3}", text):
        r.fail(item, name, path, errors.ScenarioNotACurrencyCode(value=text))
    return text.upper()


def save(ledger, book, specs: list[OrderSpec], current_year: int) -> None:
    """Save the orders through SaveInvoices' path; the first one refused refuses the scenario
    (the caller's transaction then undoes the others)."""
    for spec in specs:
        saved, = ledger.save_invoices(book, [_resolved(spec.fields, current_year)])
        if saved.error is not None:
            raise ScenarioError(errors.scenario_order_refused(spec.where, saved.error.text))


def _resolved(fields: dict, year: int) -> dict:
    out = dict(fields)
    for key in ("DateOrdered", "DateInvoiced"):
        day = out.get(key)
        if isinstance(day, RelativeDay):
            day = day.resolve(year)
        if isinstance(day, date):
            out[key] = datetime(day.year, day.month, day.day, tzinfo=UTC)
    if "InvoiceRows" in out:
        out["InvoiceRows"] = [dict(row) for row in out["InvoiceRows"]]
    return out
