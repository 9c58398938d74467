"""``GET /v1/salesorders`` and ``/v1/salesorders/{id}`` (SPEC R6, 0.56.0 scope
``api.invoicing.salesorder:read``): InvoiceService's orders, read from the client's one state
(``Ledger.orders`` and the order's record for its timestamps), so an order saved over SOAP
SaveInvoices is the sales order of the same id. Writes stay 501 (``unserved``).

``interpretations.SALES_ORDER_*`` says how an InvoiceOrder's members become a ``SalesOrder``.
Lists are paged by ``limit`` with an opaque ``continuationToken`` in the ``Link`` header."""

from __future__ import annotations

from datetime import date, datetime

from flask import request

from ..codec_utils import iso_utc
from ..ledger import interpretations as rules
from ..ledger.invoices import ORDER
from ..ledger.queries import DIMENSION_TYPES, DimensionValue
from . import jsonout
from .http import INT32, Query, drop_none, json_response, not_found, path_int
from .paging import offset_links

_STATUSES = ("Draft", "Web", "Proposal", "Confirmed", "Invoice", "AdvanceInvoice")


def _day(value) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None


def sales_order(order: dict, created: datetime | None, extended: bool) -> dict:
    """One ``SalesOrder`` (``SalesOrderExtended`` with ``dimensions``), in the schema's order;
    members the order does not have are left out."""
    gross, tax = order.get("OrderTotalIncVat"), order.get("OrderTotalVat")
    item: dict = {"id": order["OrderId"],
                  "customer": drop_none({"id": order["CustomerId"],
                                         "name": order.get("CustomerName") or None})}
    currency = (order.get("Currency") or {}).get("Symbol")
    if currency:
        item["currency"] = {"code": currency}
    item["status"] = rules.sales_order_status(order.get("OrderStatus"))
    if _day(order.get("DeliveryDate")) and order["DeliveryDate"].year > 1:
        item["deliveryDate"] = _day(order["DeliveryDate"])
    if order.get("InvoiceId"):
        item["invoice"] = {"number": order["InvoiceId"], "date": _day(order.get("DateInvoiced")),
                           "dueDate": _day(order.get("DueDate")),
                           "paymentTerms": {"type": "NumberOfDays",
                                            "value": order.get("PaymentTime")},
                           "remittanceReference": order.get("OCR")}
        item["invoice"] = drop_none(item["invoice"])
    item["date"] = _day(order.get("DateOrdered"))
    if order.get("InvoiceText"):
        item["memo"] = order["InvoiceText"]
    if order.get("ReferenceNumber"):
        item["referenceNumber"] = order["ReferenceNumber"]
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


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def created(token, oid: int) -> datetime | None:
        rec = ledger.record(ctx.book(token), ORDER, oid)
        return rec.created if rec is not None else None

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
        items = []
        for order in ledger.orders(ctx.book(token)):
            item = sales_order(order, created(token, order["OrderId"]), extended=False)
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
        oid = path_int("id", order_id, INT32)
        found = ledger.orders(ctx.book(token), order_ids={oid})
        if not found:
            raise not_found(f"Sales order {oid}")
        return json_response(200, jsonout.dumps(sales_order(found[0], created(token, oid),
                                                            extended=True)))


def _within(at: datetime | None, low: datetime | None, high: datetime | None) -> bool:
    if low is None and high is None:
        return True
    return at is not None and (low is None or at >= low) and (high is None or at <= high)


def order_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
