"""InvoiceService v001 (SPEC D1-D3): orders and invoices on the client's one ledger.

SaveInvoices answers each order with its ``OrderId`` and exact totals, or with an in-band
``APIException`` (HTTP 200, the other orders saved). An order saved as ``Invoiced`` is invoiced
and posted by the ledger (``ledger/invoices.py``). The schema is the vendor's WSDL.
"""

from __future__ import annotations

from uuid import UUID

from .. import errors
from ..documents import invoice as invoice_pdf
from ..ledger import interpretations as rules
from ..ledger.fixtures import fixtures_dir
from ..ledger.masterdata import COMPANY
from . import records
from .schema import WsdlService

NIL_GUID = UUID(int=0)


def _model(name):
    return SERVICE.type(name)


def _order_out(data: dict, properties=None, row_properties=None, *, read: bool = False) -> dict:
    """An order as written; ``read``: as read back (GetInvoices, UpdateInvoices), without the
    members only SaveInvoices takes (the FAQ's PaymentAmount)."""
    if read:
        data = {k: v for k, v in data.items() if k not in rules.WRITE_ONLY_ORDER_MEMBERS}
    out = records.only(data, properties)
    if "InvoiceRows" in out:
        out["InvoiceRows"] = [records.only(r, row_properties) for r in out["InvoiceRows"] or ()]
    return records.shaped(out, _model("InvoiceOrder"))


def _answer(saved, *, read: bool = False) -> dict:
    if saved.error is not None:
        return {**saved.data, "APIException": records.api_exception(saved.error)}
    return _order_out(saved.data, read=read)


def _items(invoices) -> list[dict]:
    model = _model("InvoiceOrder")
    return [records.given(o, model) for o in invoices or () if o is not None]


def SaveInvoices(ctx, invoices):
    book = ctx.book()
    return [_answer(s) for s in ctx.ledger.save_invoices(book, _items(invoices))]


def UpdateInvoices(ctx, invoices):
    book = ctx.book()
    return [_answer(s, read=True) for s in ctx.ledger.update_invoices(book, _items(invoices))]


def GetInvoices(ctx, searchParams, invoiceReturnProperties, rowReturnProperties):
    book = ctx.book()
    p = records.given(searchParams, _model("InvoiceSearchParameters")) if searchParams else {}
    found = ctx.ledger.orders(
        book, customer_ids=set(p.get("CustomerIds") or ()), changed_after=p.get("ChangedAfter"),
        states=set(p.get("OrderStates") or ()), invoice_ids=set(p.get("InvoiceIds") or ()),
        order_ids=set(p.get("OrderIds") or ()),
        external_status=set(p.get("ExternalStatus") or ()))
    return [_order_out(o, invoiceReturnProperties, rowReturnProperties, read=True)
            for o in found]


def GetOrderSyncList(ctx, syncParams):
    book = ctx.book()
    p = records.given(syncParams, _model("InvoiceSyncParameters")) if syncParams else {}
    registered = p.get("RegisteredAfter")
    if registered is not None and registered.year <= 1:
        registered = None
    return ctx.ledger.order_sync_list(book, changed_after=p.get("ChangedAfter"),
                                      registered_after=registered)


def GetInvoiceDocument(ctx, Parameters):
    """D3: the invoice's PDF (``documents/invoice.py``); an unknown InvoiceId or template is a
    Server fault (interpretation)."""
    book = ctx.book()
    if Parameters is None:
        raise errors.NullArgument("Parameters")
    order = ctx.ledger.invoice(book, Parameters.get("InvoiceId"))
    if order is None:
        raise errors.UnknownReference("Invoice", Parameters.get("InvoiceId"))
    template = Parameters.get("TemplateId")
    if template not in (None, NIL_GUID, rules.INVOICE_TEMPLATE_ID):
        raise errors.UnknownReference("InvoiceTemplate", template)
    company = ctx.ledger.record(book, COMPANY, order["CustomerId"])
    return invoice_pdf.render(order, book.name, company.data if company else {})


def GetDeliveryMethods(ctx):
    book = ctx.book()
    own = ctx.ledger.records(book, "delivery_method")
    rows = [{**r.data, "Id": r.id} for r in own] or list(rules.DELIVERY_METHODS)
    return [records.shaped(r, _model("DeliveryMethod")) for r in rows]


def GetPaymentMethods(ctx):
    book = ctx.book()
    own = ctx.ledger.records(book, "payment_method")
    rows = [{**r.data, "Id": r.id} for r in own] or list(rules.PAYMENT_METHODS)
    return [records.shaped(r, _model("PaymentMethod")) for r in rows]


def GetInvoiceTemplates(ctx):
    book = ctx.book()
    since = rules.fixture_record_time(book)
    return [records.shaped({"Modified": since, **t}, _model("TemplateModel"))
            for t in rules.INVOICE_TEMPLATES]


SERVICE = WsdlService("InvoiceService", fixtures_dir() / "vendor" / "InvoiceService.wsdl", {
    "SaveInvoices": SaveInvoices, "UpdateInvoices": UpdateInvoices, "GetInvoices": GetInvoices,
    "GetOrderSyncList": GetOrderSyncList, "GetDeliveryMethods": GetDeliveryMethods,
    "GetInvoiceTemplates": GetInvoiceTemplates, "GetPaymentMethods": GetPaymentMethods,
    "GetInvoiceDocument": GetInvoiceDocument,
})
