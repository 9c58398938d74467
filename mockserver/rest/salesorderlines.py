"""``/v1/salesorders/{id}/lines`` and ``/lines/{lineId}`` (SPEC R6, 0.56.0 scope
``api.invoicing.salesorder.line:read``): the InvoiceRows of InvoiceService's order of that id,
each a ``Line`` whose id is the row's ``RowId``. ``interpretations.SALES_ORDER_LINES`` says how a
row's members become a line; the tax and account are the ones invoicing posts the row to."""

from __future__ import annotations

from datetime import date, datetime

from .. import errors
from ..ledger.invoices import TEXT_ROWS, row_tax_settings
from ..ledger.masterdata import merge
from . import jsonout
from .body import json_body
from .http import INT32, drop_none, json_response, not_found, path_int
from .salesorderbody import read_row
from .salesorders import dimensions, refused


def line(book, row: dict) -> dict:
    """One ``Line`` in the schema's order; members the row does not have are left out."""
    item: dict = {"id": row["RowId"],
                  "type": "text" if row.get("Type") in TEXT_ROWS else "product"}
    pid = row.get("ProductId")
    if isinstance(pid, int) and pid > 0:
        item["product"] = drop_none({"id": pid, "number": row.get("ProductNo") or None})
    if row.get("Name"):
        item["description"] = row["Name"]
    for key, member in (("quantity", "Quantity"), ("price", "Price"), ("costPrice", "InPrice"),
                        ("discountRate", "DiscountRate")):
        if row.get(member) is not None:
            item[key] = row[member]
    code = book.tax_codes.get(row.get("TaxNo"))
    if code is not None:
        item["tax"] = {"id": code.tax_id, "number": code.tax_no,
                       "rate": row.get("VatRate", code.rate)}
    account = book.accounts.get(row.get("AccountNo"))
    if account is not None:
        item["account"] = {"id": account.account_id, "number": account.account_no,
                           "name": account.name}
    if row.get("Hidden") is not None:
        item["isHidden"] = row["Hidden"]
    found = dimensions(row)
    if found:
        item["dimensions"] = found
    start, length = row.get("AccrualDate"), row.get("AccrualLength")
    if isinstance(start, date) and isinstance(length, int) and length >= 1:
        day = start.date() if isinstance(start, datetime) else start
        item["accrual"] = {"startDate": day.isoformat(), "length": length}
    return item


#: members a product brings to a row (SaveInvoices' defaults): a new product on a PATCHed line
#: brings its own unless the body sets them
_FROM_PRODUCT = ("Name", "ProductNo", "Price", "VatRate")


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def rows(token, order_id: str) -> tuple[object, int, list[dict]]:
        oid = path_int("id", order_id, INT32)
        book = ctx.book(token)
        found = ledger.order_rows(book, oid)
        if found is None:
            raise not_found(f"Sales order {oid}")
        return book, oid, found

    def one(found: list[dict], oid: int, lid: int) -> dict:
        row = next((r for r in found if r.get("RowId") == lid), None)
        if row is None:
            raise not_found(f"Sales order line {lid} of sales order {oid}")
        return row

    def body_fields(book) -> dict:
        row = read_row(json_body(errors.InvalidSalesOrderLine, optional=True))
        try:
            settings, rate_conflict = ledger.query(
                row_tax_settings, book, row.tax_id, row.tax_number, row.rate, row.account_id,
                row.account_number)
        except errors.ItemRefused as err:
            raise refused(err) from None
        return row.fields(settings, rate_conflict)

    def save(token, book, oid: int, edit, conflict: bool = False) -> None:
        with ctx.clock_scope(token.client_id):
            result = ledger.save_order_rows(book, oid, edit)
        if result.error is not None:
            if conflict and isinstance(result.error, errors.OrderInvoiced):
                raise errors.SalesOrderConflict(result.error.text)
            raise refused(result.error)

    def answer(token, order_id: str, lid: int):
        book, oid, found = rows(token, order_id)
        return json_response(200, jsonout.dumps(ledger.query(line, book, one(found, oid, lid))))

    @app.get("/v1/salesorders/<order_id>/lines")
    def sales_order_lines(order_id: str):
        ctx.meta(operation="GetSalesOrderLines")
        token = ctx.authenticate("GET", "/salesorders/{id}/lines")
        book, _, found = rows(token, order_id)
        body = ledger.query(lambda: [line(book, r) for r in found])
        return json_response(200, jsonout.dumps(body))

    @app.get("/v1/salesorders/<order_id>/lines/<line_id>")
    def sales_order_line(order_id: str, line_id: str):
        ctx.meta(operation="GetSalesOrderLine")
        token = ctx.authenticate("GET", "/salesorders/{id}/lines/{lineId}")
        lid = path_int("lineId", line_id, INT32)
        return answer(token, order_id, lid)

    @app.post("/v1/salesorders/<order_id>/lines")
    def create_sales_order_line(order_id: str):
        ctx.meta(operation="CreateSalesOrderLine")
        token = ctx.authenticate("POST", "/salesorders/{id}/lines")
        book, oid, _ = rows(token, order_id)
        fields = body_fields(book)
        added: list[int] = []

        def edit(current: list[dict]) -> list[dict]:
            added.append(max([r["RowId"] for r in current if isinstance(r.get("RowId"), int)]
                             + [0]) + 1)
            return [*current, {**fields, "RowId": added[-1]}]

        save(token, book, oid, edit)
        return answer(token, order_id, added[-1])

    @app.patch("/v1/salesorders/<order_id>/lines/<line_id>")
    def update_sales_order_line(order_id: str, line_id: str):
        ctx.meta(operation="UpdateSalesOrderLine")
        token = ctx.authenticate("PATCH", "/salesorders/{id}/lines/{lineId}")
        lid = path_int("lineId", line_id, INT32)
        book, oid, found = rows(token, order_id)
        one(found, oid, lid)
        fields = body_fields(book)

        def edit(current: list[dict]) -> list[dict]:
            out = []
            for row in current:
                if row.get("RowId") == lid:
                    if fields.get("ProductId", row.get("ProductId")) != row.get("ProductId"):
                        row = {k: v for k, v in row.items()
                               if k not in _FROM_PRODUCT or k in fields}
                    row = merge(row, fields)
                out.append(row)
            return out

        save(token, book, oid, edit)
        return answer(token, order_id, lid)

    @app.delete("/v1/salesorders/<order_id>/lines/<line_id>")
    def delete_sales_order_line(order_id: str, line_id: str):
        ctx.meta(operation="DeleteSalesOrderLine")
        token = ctx.authenticate("DELETE", "/salesorders/{id}/lines/{lineId}")
        lid = path_int("lineId", line_id, INT32)
        book, oid, found = rows(token, order_id)
        one(found, oid, lid)
        save(token, book, oid, lambda current: [r for r in current if r.get("RowId") != lid],
             conflict=True)
        return json_response(204, "")
