"""The control API's view of a client's orders, invoices and attachments (SPEC D1-D4), read
from the ledger: what an integration's SaveInvoices and AttachmentService calls left."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..codec_utils import iso_utc
from ..ledger import interpretations as rules
from .common import current_server, known_client

bp = Blueprint("documents", __name__)


def _money(value) -> str | None:
    return None if value is None else f"{value:f}"


def _when(value) -> str | None:
    if value is None:
        return None
    return iso_utc(value) if hasattr(value, "hour") else value.isoformat()


def order_currency(o: dict) -> str:
    """The order's currency (Currency.Symbol), the client's own when it has none."""
    code = str((o.get("Currency") or {}).get("Symbol") or "").strip().upper()
    return rules.BASE_CURRENCY if code in rules.LOCAL_CURRENCIES else code


def order_json(o: dict) -> dict:
    return {
        "order_id": o["OrderId"], "invoice_id": o.get("InvoiceId"),
        "customer_id": o.get("CustomerId"), "customer_name": o.get("CustomerName"),
        "status": o.get("OrderStatus"), "date_ordered": _when(o.get("DateOrdered")),
        "date_invoiced": _when(o.get("DateInvoiced")), "due_date": _when(o.get("DueDate")),
        "ocr": o.get("OCR"), "currency": order_currency(o),
        "total_inc_vat": _money(o.get("OrderTotalIncVat")),
        "total_vat": _money(o.get("OrderTotalVat")), "paid": _when(o.get("Paid")),
        "rows": len(o.get("InvoiceRows") or ()), "changed": _when(o.get("DateChanged")),
    }


def file_json(f: dict) -> dict:
    return {
        "id": f["Id"], "type": f.get("Type"), "size": f.get("Size", 0),
        "stamp_no": f.get("StampNo") or None, "saved": bool(f.get("Saved")),
        "location": f.get("Location"), "status": f.get("Status"),
        "checksum": f.get("Checksum"), "registered": _when(f.get("Registered")),
    }


@bp.get("/__admin/clients/<int:client_id>/invoices")
def invoices(client_id: int):
    ledger = current_server().ledger
    book = ledger.book(known_client(client_id))
    ledger.sync()
    return jsonify({"client_id": client_id,
                    "orders": [order_json(o) for o in ledger.orders(book)]})


@bp.get("/__admin/clients/<int:client_id>/attachments")
def attachments(client_id: int):
    ledger = current_server().ledger
    book = ledger.book(known_client(client_id))
    ledger.sync()
    return jsonify({"client_id": client_id,
                    "files": [file_json(f) for f in ledger.files(book, saved_only=False)]})
