"""``GET /v1/salesorders`` and ``/v1/salesorders/{id}`` (SPEC R6, 0.56.0 scope
``api.invoicing.salesorder:read``): InvoiceService's orders, read from the client's one state
(``Ledger.orders`` and the order's record for its timestamps), so an order saved over SOAP
SaveInvoices is the sales order of the same id. Writes stay 501 (``unserved``).

``interpretations.SALES_ORDER_*`` says how an InvoiceOrder's members become a ``SalesOrder``.
Lists are paged by ``limit`` with an opaque ``continuationToken`` in the ``Link`` header."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import request

from .. import errors
from ..codec_utils import iso_utc
from ..ledger import interpretations as rules
from ..ledger.invoices import ORDER
from ..ledger.masterdata import COMPANY
from ..ledger.queries import DIMENSION_TYPES, DimensionValue
from . import jsonout
from .body import json_body
from .http import INT32, Query, drop_none, json_response, not_found, path_int
from .paging import offset_links
from .salesorderbody import order_fields

_STATUSES = ("Draft", "Web", "Proposal", "Confirmed", "Invoice", "AdvanceInvoice")


def _day(value) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None


#: Customer1/DeliveryCustomer address members and the Address members they are
_ADDRESS = (("street", "Street"), ("postalCode", "PostalCode"), ("postalArea", "PostalArea"),
            ("city", "City"), ("countrySubdivision", "State"))


def _member(d: dict, *path: str):
    for name in path:
        d = d.get(name) if isinstance(d, dict) else None  # type: ignore[assignment]
    return d or None


def _address(*candidates) -> dict:
    """The first Address that has any field, as a Customer1/DeliveryCustomer address
    (``countryCode`` only when it is a two-letter code)."""
    for a in candidates:
        if isinstance(a, dict) and any(a.get(m) for _, m in _ADDRESS + (("", "Country"),)):
            out = {k: a[m] for k, m in _ADDRESS if a.get(m)}
            country = (a.get("Country") or "").strip()
            if len(country) == 2:
                out["countryCode"] = country.upper()
            return out
    return {}


def _customer(order: dict, company: dict) -> dict:
    """``customer``: the order's own members where set, else its company's (CompanyService)."""
    item: dict = {"id": order["CustomerId"]}
    org = order.get("CustomerOrgNo") or company.get("OrganizationNumber")
    if org:
        item["organizationNumber"] = org
    email = order.get("InvoiceEmailAddress") or _member(company, "EmailAddresses", "Invoice",
                                                        "Value")
    if email:
        item["invoiceEmailAddresses"] = [
            e.strip() for e in email.split(rules.SALES_ORDER_EMAIL_SEPARATOR) if e.strip()]
    gln = order.get("GLNNumber") or company.get("GlnNumber")
    if gln and len(gln) == 13:
        item["gln"] = gln
    if order.get("CustomerName"):
        item["name"] = order["CustomerName"]
    item.update(_address(_member(order, "Addresses", "Invoice"),
                         _member(company, "Addresses", "Invoice"),
                         _member(company, "Addresses", "Post")))
    return item


def _delivery(order: dict) -> dict:
    """``deliveryCustomer``: CustomerDeliveryId, CustomerDeliveryName (else the delivery
    address's Name) and the order's delivery address."""
    address = _member(order, "Addresses", "Delivery") or {}
    item: dict = {}
    if isinstance(order.get("CustomerDeliveryId"), int) and order["CustomerDeliveryId"] > 0:
        item["id"] = order["CustomerDeliveryId"]
    name = order.get("CustomerDeliveryName") or address.get("Name")
    if name:
        item["name"] = name
    item.update(_address(address))
    return item


def sales_order(order: dict, created: datetime | None, extended: bool,
                company: dict | None = None) -> dict:
    """One ``SalesOrder`` (``SalesOrderExtended`` with ``dimensions``), in the schema's order;
    members the order does not have are left out. ``company``: the customer's CompanyService
    record, for what the order itself does not say."""
    gross, tax = order.get("OrderTotalIncVat"), order.get("OrderTotalVat")
    item: dict = {"id": order["OrderId"], "customer": _customer(order, company or {})}
    currency = order.get("Currency") or {}
    code = (currency.get("Symbol") or rules.BASE_CURRENCY).strip().upper()
    rate = currency.get("Rate")
    item["currency"] = {"code": code, "rate": rate if isinstance(rate, Decimal) and rate > 0
                        else Decimal(1)}
    item["status"] = rules.sales_order_status(order.get("OrderStatus"))
    delivery = _delivery(order)
    if delivery:
        item["deliveryCustomer"] = delivery
    if _day(order.get("DeliveryDate")) and order["DeliveryDate"].year > 1:
        item["deliveryDate"] = _day(order["DeliveryDate"])
    if order.get("InvoiceId"):
        item["invoice"] = {"number": order["InvoiceId"], "date": _day(order.get("DateInvoiced")),
                           "dueDate": _day(order.get("DueDate")),
                           "paymentTerms": {"type": "NumberOfDays",
                                            "value": order.get("PaymentTime")},
                           "remittanceReference": order.get("OCR")}
        item["invoice"] = drop_none(item["invoice"])
    start, length = order.get("AccrualDate"), order.get("AccrualLength")
    if _day(start) and isinstance(length, int) and length >= 1:
        item["accrual"] = {"startDate": _day(start), "length": length}
    item["date"] = _day(order.get("DateOrdered"))
    if order.get("InternalMemo"):
        item["internalMemo"] = order["InternalMemo"]
    if order.get("InvoiceText"):
        item["memo"] = order["InvoiceText"]
    if order.get("YourReference"):
        item["yourReference"] = {"name": order["YourReference"]}
    for key, member in (("ourReference", "OurReference"), ("paymentMethod", "PaymentMethodId")):
        if isinstance(order.get(member), int) and order[member] > 0:
            item[key] = {"id": order[member]}
    if order.get("ReferenceNumber"):
        item["referenceNumber"] = order["ReferenceNumber"]
    if isinstance(order.get("TypeOfSaleId"), int) and order["TypeOfSaleId"] != 0:
        item["salesType"] = {"id": order["TypeOfSaleId"]}
    item["createdAt"] = iso_utc(created) if created else None
    item["modifiedAt"] = iso_utc(order["DateChanged"]) if order.get("DateChanged") else None
    if gross is not None and tax is not None:
        item["grossAmount"] = gross
        item["netAmount"] = gross - tax
        item["taxAmount"] = tax
    if extended:
        item["dimensions"] = dimensions(order)
    return item


def dimensions(data: dict) -> list[dict]:
    """An order's or row's ProjectId and DepartmentId as ``Dimension1`` items."""
    return [{"dimensionType": dim, "value": str(data[member]),
             "name": DimensionValue(DIMENSION_TYPES[dim], dim, str(data[member])).name}
            for member, dim in rules.SALES_ORDER_DIMENSIONS
            if isinstance(data.get(member), int) and data[member] > 0]


def refused(err: errors.ItemRefused) -> errors.RestError:
    """The REST answer to a sales order write the ledger refused (nothing changed)."""
    if isinstance(err, errors.OrderHasNoLines):
        return errors.SalesOrderNoLines()
    return errors.SalesOrderRefused(err.text)


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def created(token, oid: int) -> datetime | None:
        rec = ledger.record(ctx.book(token), ORDER, oid)
        return rec.created if rec is not None else None

    def answer(token, oid: int):
        """The order as ``SalesOrderExtended``, or 404."""
        book = ctx.book(token)
        found = ledger.orders(book, order_ids={oid})
        if not found:
            raise not_found(f"Sales order {oid}")
        company = ledger.record(book, COMPANY, found[0]["CustomerId"])
        item = sales_order(found[0], created(token, oid), True,
                           company.data if company is not None else None)
        return json_response(200, jsonout.dumps(item))

    def save(token, fields: dict) -> int:
        with ctx.clock_scope(token.client_id):
            result, = ledger.save_invoices(ctx.book(token), [fields])
        if result.error is not None:
            raise refused(result.error)
        return result.id

    @app.get("/v1/salesorders")
    def sales_orders():
        ctx.meta(operation="GetSalesOrders")
        token = ctx.authenticate("GET", "/salesorders")
        q = Query(request.args)
        limit = q.integer("limit", rules.SALES_ORDER_PAGE_SIZE, minimum=1, bounds=(1, 100))
        start = q.integer("continuationToken", 0, minimum=0, bounds=INT32)
        on, day_from, day_to = (q.date(n, required=False) for n in ("date", "dateFrom", "dateTo"))
        status = q.choice("status", _STATUSES, "")
        customer, invoice_no = q.raw("customerId"), q.raw("invoiceNumber")
        bounds = {n: q.timestamp(n) for n in ("createdFrom", "createdTo", "modifiedFrom",
                                             "modifiedTo")}
        q.check()
        book = ctx.book(token)
        companies = {r.id: r.data for r in ledger.find_companies(book)}
        items = []
        for order in ledger.orders(book):
            item = sales_order(order, created(token, order["OrderId"]), extended=False,
                               company=companies.get(order["CustomerId"]))
            day = date.fromisoformat(item["date"]) if item["date"] else None
            created_at, modified_at = order_time(item["createdAt"]), order_time(item["modifiedAt"])
            if ((on and day != on) or (day_from and (day is None or day < day_from))
                    or (day_to and (day is None or day > day_to))
                    or (status and item["status"] != status)
                    or (customer is not None and str(order["CustomerId"]) != customer.strip())
                    or (invoice_no is not None and str(order.get("InvoiceId")) != invoice_no.strip())
                    or not _within(created_at, bounds["createdFrom"], bounds["createdTo"])
                    or not _within(modified_at, bounds["modifiedFrom"], bounds["modifiedTo"])):
                continue
            items.append(item)
        page = items[start:start + limit]
        links = offset_links(start, limit, start + limit < len(items))
        return json_response(200, jsonout.dumps(page), {"link": links})

    @app.get("/v1/salesorders/<order_id>")
    def sales_order_one(order_id: str):
        ctx.meta(operation="GetSalesOrder")
        token = ctx.authenticate("GET", "/salesorders/{id}")
        return answer(token, path_int("id", order_id, INT32))

    @app.post("/v1/salesorders")
    def create_sales_order():
        ctx.meta(operation="CreateSalesOrder")
        token = ctx.authenticate("POST", "/salesorders")
        fields = order_fields(json_body(errors.InvalidSalesOrder, optional=True), creating=True)
        fields.setdefault("OrderStatus", rules.SALES_ORDER_NEW_STATE)
        return answer(token, save(token, fields))

    @app.patch("/v1/salesorders/<order_id>")
    def update_sales_order(order_id: str):
        ctx.meta(operation="UpdateSalesOrder")
        token = ctx.authenticate("PATCH", "/salesorders/{id}")
        oid = path_int("id", order_id, INT32)
        if not ledger.orders(ctx.book(token), order_ids={oid}):
            raise not_found(f"Sales order {oid}")
        fields = order_fields(json_body(errors.InvalidSalesOrder, optional=True), creating=False)
        return answer(token, save(token, {**fields, "OrderId": oid}))

    @app.delete("/v1/salesorders/<order_id>")
    def delete_sales_order(order_id: str):
        ctx.meta(operation="DeleteSalesOrder")
        token = ctx.authenticate("DELETE", "/salesorders/{id}")
        oid = path_int("id", order_id, INT32)
        with ctx.clock_scope(token.client_id):
            refusal = ledger.delete_order(ctx.book(token), oid)
        if isinstance(refusal, errors.RecordNotFound):
            raise not_found(f"Sales order {oid}")
        if refusal is not None:
            raise errors.SalesOrderConflict(refusal.text)
        return json_response(204, "")


def _within(at: datetime | None, low: datetime | None, high: datetime | None) -> bool:
    if low is None and high is None:
        return True
    return at is not None and (low is None or at >= low) and (high is None or at <= high)


def order_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
