"""``GET /v1/transactionlines`` and ``/v1/transactionlines/{id}`` (SPEC R1-R5): the vendor's
0.33.1 parameters and item shape, plus 0.56.0's ``createdFrom``/``modifiedFrom`` (and the
deprecated ``createdAfter``/``modifiedAfter``) and each item's ``periodDate`` and ``documentId``.
A 0.33.1 client sees the same answers with two more properties it ignores."""

from __future__ import annotations

import re
import uuid

from flask import request

from .. import errors
from ..codec_utils import iso_utc
from ..ledger import interpretations as rules
from ..ledger import queries
from . import jsonout, openapi
from .http import Query, drop_none, json_response, link_header
from .lean import KeptPages, LeanLines
from .linecache import RenderedLines

_GUID_RE = re.compile(openapi.GUID_PATTERN)


def transaction_line(r: queries.TransactionRow, dimensions: bool) -> dict:
    """One item of ``components/schemas/Transaction``, in the schema's property order."""
    item: dict = {
        "id": str(r.line_id),
        "transaction": {"id": str(r.voucher_id), "number": r.transaction_no},
        "account": drop_none({"id": r.account_id, "number": r.account_no, "name": r.account_name}),
        "transactionType": {"id": r.type_id},
    }
    if r.tax_id is not None:
        item["tax"] = {"id": r.tax_id, "rate": r.tax_rate}
    item["amount"] = r.amount
    if r.currency_ok:
        item["currency"] = {"code": r.currency, "rate": r.currency_rate}
    elif r.currency_rate > 0:
        item["currency"] = {"rate": r.currency_rate}
    item["date"] = r.date.isoformat()
    invoice = drop_none({
        "number": r.invoice_no or None,
        "dueDate": r.due_date.isoformat() if r.due_date else None,
        "remittanceReference": r.ocr or None,
    })
    if invoice:
        item["invoice"] = invoice
    if r.customer_id:
        item["customer"] = {"id": r.customer_id}
    if dimensions:
        item["dimensions"] = [
            {"dimensionType": d.type_id, "dimensionTypeName": d.type_name, "value": d.value,
             "name": d.name}
            for d in r.dimensions
        ]
    if r.comment:
        item["comment"] = r.comment[: rules.COMMENT_MAX]
    item["periodDate"] = (r.period_date or r.date).isoformat()
    if r.stamp_no:
        item["documentId"] = r.stamp_no
    if r.created_at is not None:
        item["createdAt"] = iso_utc(r.created_at)
    if r.modified_at is not None:
        item["modifiedAt"] = iso_utc(r.modified_at)
    return item


def render_line(book, line, dimensions: bool) -> str:
    """One ledger line as the JSON text of a ``Transaction`` item (kept by ``linecache.py``:
    everything it reads, periodDate and documentId included, is a field of the ``Line``, its
    account or its tax code)."""
    return jsonout.dumps(transaction_line(queries.rows(book, [line])[0], dimensions))


def _since(q: Query, new: str, old: str):
    """R5: the later of ``new`` and its deprecated twin ``old`` (both given: both must hold)."""
    a, b = q.timestamp(new), q.timestamp(old)
    if a is None or b is None:
        return a or b
    return max(a, b)


def register(app, ctx) -> None:
    ledger = ctx.ledger
    rendered = RenderedLines(render_line)
    app.extensions["rendered_lines"] = rendered
    #: the last answer per client and request URL (its query and the host its Link header
    #: names), kept while the client's book stays the same: a page read again is answered
    #: from here, by ``lean.py`` without Flask
    pages = KeptPages()
    app.extensions["kept_pages"] = pages

    def line_text(book, line_id: uuid.UUID, dimensions: bool) -> str | None:
        def the_line():
            line = queries.posted_line(book, line_id)
            return rendered.text(book, line, dimensions) if line is not None else None

        return ledger.query(the_line)

    app.extensions["lean_lines"] = LeanLines(ctx.server, pages, line_text)

    @app.get("/v1/transactionlines")
    def transaction_lines():
        ctx.meta(operation="GetTransactionLines")
        token = ctx.authenticate("GET", "/transactionlines")
        key = KeptPages.key(token.client_id, request.environ)
        book = ctx.book(token)
        changes = ledger.client_changes(token.client_id)
        kept = pages.get(key, changes, book)
        if kept is not None:
            return json_response(200, kept[0], {"link": kept[2][1]})
        q = Query(request.args)
        date_from, date_to = q.date("dateFrom"), q.date("dateTo")
        filt = dict(
            created_from=_since(q, "createdFrom", "createdAfter"),
            modified_from=_since(q, "modifiedFrom", "modifiedAfter"),
            transaction_no=q.number("transactionNumber"),
            type_id=q.integer("transactionTypeId"),
            customer_id=q.integer("customerId"),
            account_id=q.integer("accountId"),
            account_no=q.integer("accountNumber"),
            invoice_no=q.raw("invoiceNumber"),
            currency=q.raw("currencyCode"),
        )
        limit = q.integer("limit", 50, minimum=rules.REST_MIN_LIMIT)
        page = q.integer("page", 1, minimum=1)
        dimensions = q.boolean("includeDimensions", False)
        q.check()
        wanted = queries.LineFilter(date_from=date_from, date_to=date_to, **filt)

        def page_of_lines():
            lines, more = queries.find_lines(book, wanted, limit, page)
            return rendered.array(book, lines, dimensions), more

        text, more = ledger.query(page_of_lines)
        body = text.encode()
        link = link_header(page, more)
        pages.put(key, changes, book, body, link)
        return json_response(200, body, {"link": link})

    @app.get("/v1/transactionlines/<line_id>")
    def transaction_line_by_id(line_id: str):
        ctx.meta(operation="GetTransactionLine")
        token = ctx.authenticate("GET", "/transactionlines/{id}")
        if not _GUID_RE.match(line_id):
            raise errors.InvalidLineId() from None
        wanted = uuid.UUID(line_id)
        q = Query(request.args)
        dimensions = q.boolean("includeDimensions", False)
        q.check()
        body = line_text(ctx.book(token), wanted, dimensions)
        if body is None:
            raise errors.LineNotFound(line_id=line_id)
        return json_response(200, body)
