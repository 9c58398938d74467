"""The JSON bodies of the sales order writes (0.56.0 ``SalesOrderRequestPost``/``Patch`` and
``LineWithoutId``/``Line``) as InvoiceService members, the ones SaveInvoices takes: the REST
module hands them to the ledger's SaveInvoices path. Every (path, keyword) problem is collected
(``body.Reader``) and answered at once as a 400 ``ValidationError``, nothing written.
Read-only members (``id``, amounts, ``createdAt``, ``product.number``...) are ignored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from .. import errors
from ..ledger import interpretations as rules
from .body import Reader
from .http import INT32

_CODE_RE = re.compile(r"^[A-Z]{3}\Z")
#: REST status -> OrderSlipStateType (``AdvanceInvoice`` has none: a 400)
STATES = {rest: soap for soap, rest in rules.SALES_ORDER_STATUSES.items()}
#: Customer1/DeliveryCustomer address member -> Address member, maxLength (Customer1's)
_ADDRESS = (("street", "Street", 250), ("postalCode", "PostalCode", 50),
            ("postalArea", "PostalArea", 200), ("city", "City", 50),
            ("countrySubdivision", "State", 100), ("countryCode", "Country", 2))
_LINE_MEMBERS = frozenset({"id", "type", "product", "description", "quantity", "price",
                           "costPrice", "discountRate", "tax", "account", "isHidden",
                           "dimensions", "accrual"})
#: LineWithoutId's costPrice: multipleOf and maximum
_COST_STEP, _COST_MAX = Decimal("0.0001"), Decimal("999999999999.9999")


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _address(r: Reader, d: dict, path: str) -> dict:
    out = {}
    for rest, soap, limit in _ADDRESS:
        value = r.get(d, rest, path, "string", maxLength=limit)
        if value is not None:
            out[soap] = value
    return out


def _dimensions(r: Reader, value, path: str, out: dict) -> None:
    """Dimension1 items: type 1 is the ProjectId, 2 the DepartmentId (``/dimensions``)."""
    if not isinstance(value, list):
        r.bad(path, "type")
        return
    members = {dim: member for member, dim in rules.SALES_ORDER_DIMENSIONS}
    for member in members.values():
        out[member] = 0
    for i, item in enumerate(value):
        where = f"{path}[{i}]"
        d = r.obj(item, where)
        if d is None:
            continue
        kind = r.get(d, "dimensionType", where, "integer", required=True)
        text = r.get(d, "value", where, "string", required=True)
        r.get(d, "name", where, "string", required=True)
        if kind is None or text is None:
            continue
        if kind not in members:
            r.bad(f"{where}.dimensionType", "enum")
        elif not text.strip().isdigit() or int(text) > INT32[1]:
            r.bad(f"{where}.value", "pattern")
        else:
            out[members[kind]] = int(text)


def _accrual(r: Reader, value, path: str, out: dict) -> None:
    d = r.obj(value, path)
    if d is None:
        return
    if not d:  # {} resets it
        out["AccrualDate"], out["AccrualLength"] = None, 0
        return
    start = r.get(d, "startDate", path, "date", required=True)
    length = r.get(d, "length", path, "integer", required=True, minimum=1, maximum=INT32[1])
    for extra in set(d) - {"startDate", "length"}:
        r.bad(f"{path}.{extra}", "additionalProperties")
    if start is not None and length is not None:
        out["AccrualDate"], out["AccrualLength"] = _midnight(start), length


def _ref_id(r: Reader, body: dict, name: str, kind: str = "integer"):
    """(given, id) of ``{"id": ...}`` members (``paymentMethod`` may be ``{"id": null}``)."""
    if body.get(name) is None:
        return False, None
    d = r.obj(body[name], name)
    if d is None:
        return False, None
    if name == "paymentMethod" and "id" not in d:
        r.bad(f"{name}.id", "required")
        return False, None
    given, value = r.nullable(d, "id", name, kind)
    if given and value is not None and kind == "number":
        if value != int(value) or not INT32[0] <= value <= INT32[1]:
            r.bad(f"{name}.id", "type")
            return False, None
        value = int(value)
    return given, value


def order_fields(body: dict, creating: bool) -> dict:
    """InvoiceOrder members of a ``SalesOrderRequestPost`` (``creating``) or ``...Patch``."""
    r = Reader()
    out: dict = {}
    if body.get("customer") is None:
        if creating:
            r.bad("customer", "required")
    else:
        c = r.obj(body["customer"], "customer")
        if c is not None:
            cid = r.get(c, "id", "customer", "integer", required=creating, minimum=INT32[0], maximum=INT32[1])
            if cid is not None:
                out["CustomerId"] = cid
            for rest, soap, most in (("name", "CustomerName", 200),
                                     ("organizationNumber", "CustomerOrgNo", 20)):
                value = r.get(c, rest, "customer", "string", required=creating and rest == "name",
                              maxLength=most)
                if value is not None:
                    out[soap] = value
            gln = r.get(c, "gln", "customer", "string", maxLength=13)
            if gln is not None:
                if len(gln) < 13:
                    r.bad("customer.gln", "minLength")
                out["GLNNumber"] = gln
            emails = c.get("invoiceEmailAddresses")
            if emails is not None:
                if not isinstance(emails, list) or not all(isinstance(e, str) and "@" in e
                                                           for e in emails):
                    r.bad("customer.invoiceEmailAddresses", "type")
                else:
                    out["InvoiceEmailAddress"] = rules.SALES_ORDER_EMAIL_SEPARATOR.join(emails)
            address = _address(r, c, "customer")
            if address:
                out["Addresses"] = {"Invoice": address}
    if body.get("currency") is not None:
        cur = r.obj(body["currency"], "currency")
        if cur is not None:
            code = r.get(cur, "code", "currency", "string", pattern=_CODE_RE)
            rate = r.get(cur, "rate", "currency", "number")
            if rate is not None and not (0 < rate <= 1000000000):
                r.bad("currency.rate", "minimum" if rate <= 0 else "maximum")
            elif rate is not None:
                out.setdefault("Currency", {})["Rate"] = rate
            if code is not None:
                out.setdefault("Currency", {})["Symbol"] = code
    status = r.get(body, "status", "", "string", enum=(*STATES, "AdvanceInvoice"))
    if status is not None:
        if status not in STATES:
            raise errors.SalesOrderStatusNotServed(status=status)
        out["OrderStatus"] = STATES[status]
    if body.get("deliveryCustomer") is not None:
        dc = r.obj(body["deliveryCustomer"], "deliveryCustomer")
        if dc is not None:
            did = r.get(dc, "id", "deliveryCustomer", "integer", minimum=INT32[0], maximum=INT32[1])
            if did is not None:
                out["CustomerDeliveryId"] = did
            name = r.get(dc, "name", "deliveryCustomer", "string", maxLength=250)
            address = _address(r, dc, "deliveryCustomer")
            if name is not None:
                out["CustomerDeliveryName"] = address["Name"] = name
            if address:
                out.setdefault("Addresses", {})["Delivery"] = address
    for rest, soap in (("deliveryDate", "DeliveryDate"), ("date", "DateOrdered")):
        day = r.get(body, rest, "", "date")
        if day is not None:
            out[soap] = _midnight(day)
    if body.get("invoice") is not None:
        inv = r.obj(body["invoice"], "invoice")
        day = r.get(inv, "date", "invoice", "date") if inv is not None else None
        if day is not None:
            out["DateInvoiced"] = _midnight(day)  # the invoice date when it is invoiced
        terms = inv.get("paymentTerms") if inv is not None else None
        if terms is not None:
            t = r.obj(terms, "invoice.paymentTerms")
            if t is not None:
                r.get(t, "type", "invoice.paymentTerms", "string", enum=("NumberOfDays",))
                days = r.get(t, "value", "invoice.paymentTerms", "integer", minimum=0,
                             maximum=INT32[1])
                if days is not None:
                    out["PaymentTime"] = days
    if body.get("accrual") is not None:
        _accrual(r, body["accrual"], "accrual", out)
    texts: tuple[tuple[str, str, int | None], ...] = (
        ("internalMemo", "InternalMemo", 300), ("memo", "InvoiceText", None),
        ("referenceNumber", "ReferenceNumber", 50))
    for rest, soap, limit in texts:
        value = (r.get(body, rest, "", "string", maxLength=limit) if limit is not None
                 else r.get(body, rest, "", "string"))
        if value is not None:
            out[soap] = value
    if body.get("yourReference") is not None:
        yr = r.obj(body["yourReference"], "yourReference")
        name = r.get(yr, "name", "yourReference", "string") if yr is not None else None
        if name is not None:
            out["YourReference"] = name
    for rest, soap, kind in (("ourReference", "OurReference", "number"),
                             ("paymentMethod", "PaymentMethodId", "integer"),
                             ("salesType", "TypeOfSaleId", "integer")):
        given, value = _ref_id(r, body, rest, kind)
        if given:
            out[soap] = value if value is not None else 0
    if body.get("dimensions") is not None:
        _dimensions(r, body["dimensions"], "dimensions", out)
    r.check(errors.InvalidSalesOrder)
    return out


@dataclass
class RowBody:
    """A ``LineWithoutId`` / ``Line`` as read: its InvoiceRow members, and the tax code and
    account it names as given (the ledger resolves them: ``invoices.row_tax_settings``). The
    problems are not answered yet: an unknown tax code or account is a 400 BadRequestError
    before any of them."""

    head: dict  # the members before TaxSettings and VatRate
    tail: dict  # the members after them (dimensions, accrual)
    tax_id: int | None
    tax_number: int | None
    rate: Decimal | None
    account_id: int | None
    account_number: int | None
    reader: Reader
    rate_at: int  # where a ``tax.rate`` problem goes among the others

    def fields(self, settings: dict, rate_conflict: bool) -> dict:
        """The InvoiceRow members with the ledger's ``settings`` (TaxSettings, VatRate) in
        place; a rate that is not the code's own: a ``tax.rate`` problem (400)."""
        if rate_conflict:
            self.reader.problems.insert(self.rate_at, ("tax.rate", "const"))
        self.reader.check(errors.InvalidSalesOrderLine)
        return {**self.head, **settings, **self.tail}


def read_row(body: dict) -> RowBody:
    """InvoiceRow members of a ``LineWithoutId`` / ``Line`` and the tax code (by the id /taxes
    shows or its number) and account (by the id /accounts shows or its number) it names."""
    r = Reader()
    out: dict = {}
    for extra in sorted(set(body) - _LINE_MEMBERS):
        r.bad(extra, "additionalProperties")
    kind = r.get(body, "type", "", "string", enum=("product", "text"))
    if kind is not None:
        out["Type"] = "Text" if kind == "text" else "Normal"
    if body.get("product") is not None:
        p = r.obj(body["product"], "product")
        pid = r.get(p, "id", "product", "integer", minimum=INT32[0], maximum=INT32[1]) if p is not None else None
        if pid is not None:
            out["ProductId"] = pid
    text = r.get(body, "description", "", "string", maxLength=300)
    if text is not None:
        if not text:
            r.bad("description", "minLength")
        out["Name"] = text
    for rest, soap in (("quantity", "Quantity"), ("price", "Price")):
        value = r.get(body, rest, "", "number")
        if value is not None:
            out[soap] = value
    given, cost = r.nullable(body, "costPrice", "", "number")
    if given:
        if cost is not None and (cost % _COST_STEP or cost > _COST_MAX):
            r.bad("costPrice", "multipleOf" if cost % _COST_STEP else "maximum")
        out["InPrice"] = cost
    discount = r.get(body, "discountRate", "", "number", minimum=0)
    if discount is not None:
        if discount > 100:
            r.bad("discountRate", "maximum")
        out["DiscountRate"] = discount
    hidden = r.get(body, "isHidden", "", "boolean")
    if hidden is not None:
        out["Hidden"] = hidden
    tid = tax_number = rate = None
    if body.get("tax") is not None:
        t = r.obj(body["tax"], "tax")
        if t is not None:
            tid = r.get(t, "id", "tax", "integer", minimum=INT32[0], maximum=INT32[1])
            tax_number = r.get(t, "number", "tax", "integer", minimum=INT32[0], maximum=INT32[1])
            rate = r.get(t, "rate", "tax", "number", minimum=0)
            if rate is not None and rate > 100:
                r.bad("tax.rate", "maximum")
    rate_at = len(r.problems)
    aid = account_number = None
    if body.get("account") is not None:
        a = r.obj(body["account"], "account")
        if a is not None:
            aid = r.get(a, "id", "account", "integer", minimum=INT32[0], maximum=INT32[1])
            account_number = r.get(a, "number", "account", "integer", minimum=INT32[0],
                                   maximum=INT32[1])
    tail: dict = {}
    if body.get("dimensions") is not None:
        _dimensions(r, body["dimensions"], "dimensions", tail)
    if body.get("accrual") is not None:
        _accrual(r, body["accrual"], "accrual", tail)
    return RowBody(out, tail, tid, tax_number, rate, aid, account_number, r, rate_at)
