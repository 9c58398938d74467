"""``/v1/salesorders/{id}/attachments`` (SPEC R6, scopes
``api.invoicing.salesorder.attachment:read`` / ``:write``): the files added to InvoiceService's
order of that id, kept by the ledger (``ledger/orderattachments.py``, which checks every rule).

POST takes the file as the spec says: the raw bytes as the body, ``Content-Type`` its media type
(``application/pdf``, ``image/png``), the name in ``Content-Disposition`` (``filename*`` of
RFC 6266/5987 before ``filename``); or ``multipart/form-data`` with one file part, whose own
type and name count (a part without a type: by its name, else by its first bytes). Answers 201 with the ``SalesOrderAttachment``."""

from __future__ import annotations

import mimetypes

from flask import request
from werkzeug.http import parse_options_header

from .. import errors
from ..codec_utils import iso_utc
from ..ledger import interpretations as rules
from . import jsonout
from .http import INT32, json_response, not_found, path_int


def attachment(found: dict) -> dict:
    """One ``SalesOrderAttachment`` in the schema's order."""
    return {"fileId": str(found["Id"]), "orderId": found["OrderId"],
            "fileName": found["FileName"], "mediaType": found["MediaType"],
            "size": found["Size"], "timestamp": iso_utc(found["Created"]),
            "tags": list(rules.ORDER_ATTACHMENT_TAGS)}


def _media(value: str | None) -> str:
    return parse_options_header(value or "")[0].strip().lower()


def _file_name(disposition: str | None) -> str | None:
    """``filename`` of a Content-Disposition (werkzeug decodes ``filename*``, which wins)."""
    _, options = parse_options_header(disposition or "")
    name = (options.get("filename") or "").strip()
    return name or None


def _part_media(part, content: bytes) -> str:
    """A file part's own type; without one (or ``application/octet-stream``, what many clients
    send) the type its name says, else the one its first bytes are (interpretation)."""
    media = _media(part.content_type)
    if media in ("", "application/octet-stream"):
        guessed = mimetypes.guess_type(part.filename or "")[0] or ""
        if guessed in rules.ORDER_ATTACHMENT_TYPES:
            return guessed
        return next((m for m, kind in rules.ORDER_ATTACHMENT_TYPES.items()
                     if rules.is_attachment_type(kind, content)), media)
    return media


def upload() -> tuple[str | None, str, bytes]:
    """(file name, media type, bytes) of the request, raw or as a multipart file part."""
    media = _media(request.headers.get("Content-Type"))
    if media == "multipart/form-data":
        parts = [f for values in request.files.listvalues() for f in values]
        if len(parts) != 1:
            raise errors.OrderAttachmentForm(count=len(parts))
        part = parts[0]
        content = part.read()
        return (part.filename or None), _part_media(part, content), content
    return _file_name(request.headers.get("Content-Disposition")), media, request.get_data()


def register(app, ctx) -> None:
    ledger = ctx.ledger

    @app.get("/v1/salesorders/<order_id>/attachments")
    def sales_order_attachments(order_id: str):
        ctx.meta(operation="GetSalesOrderAttachments")
        token = ctx.authenticate("GET", "/salesorders/{id}/attachments")
        oid = path_int("id", order_id, INT32)
        found = ledger.order_attachments(ctx.book(token), oid)
        if found is None:
            raise not_found(f"Sales order {oid}")
        return json_response(200, jsonout.dumps([attachment(a) for a in found]))

    @app.post("/v1/salesorders/<order_id>/attachments")
    def add_sales_order_attachment(order_id: str):
        ctx.meta(operation="AddSalesOrderAttachment")
        token = ctx.authenticate("POST", "/salesorders/{id}/attachments")
        oid = path_int("id", order_id, INT32)
        name, media, content = upload()
        with ctx.clock_scope(token.client_id):
            made = ledger.attach_to_order(ctx.book(token), oid, name, media, content)
        return json_response(201, jsonout.dumps(attachment(made)))
