"""``/paymentmethods``, ``/salestypes[/{id}]`` and ``/productunits`` (SPEC R6), from the
client's chart of accounts and the emulator's defaults (``ledger/reference.py``,
``interpretations``)."""

from __future__ import annotations

from ..ledger import interpretations as rules
from ..ledger import reference
from . import jsonout
from .http import INT32, json_response, not_found, path_int


def _named(n: reference.Named) -> dict:
    item: dict = {"id": n.id, "name": n.name}
    if n.account_id is not None:
        item["account"] = {"id": n.account_id}
    return item


def register(app, ctx) -> None:
    ledger = ctx.ledger

    @app.get("/v1/paymentmethods")
    def payment_methods():
        ctx.meta(operation="GetPaymentMethods")
        token = ctx.authenticate("GET", "/paymentmethods")
        body = [_named(n) for n in ledger.query(reference.payment_methods, ctx.book(token))]
        return json_response(200, jsonout.dumps(body))

    @app.get("/v1/salestypes")
    def sales_types():
        ctx.meta(operation="GetSalesTypes")
        token = ctx.authenticate("GET", "/salestypes")
        body = [_named(n) for n in ledger.query(reference.sales_types, ctx.book(token))]
        return json_response(200, jsonout.dumps(body))

    @app.get("/v1/salestypes/<sales_type_id>")
    def sales_type(sales_type_id: str):
        ctx.meta(operation="GetSalesType")
        token = ctx.authenticate("GET", "/salestypes/{id}")
        wanted = path_int("id", sales_type_id, INT32)
        found = next((n for n in ledger.query(reference.sales_types, ctx.book(token))
                      if n.id == wanted), None)
        if found is None:
            raise not_found(f"Sales type {wanted}")
        return json_response(200, jsonout.dumps(_named(found)))

    @app.get("/v1/productunits")
    def product_units():
        ctx.meta(operation="GetProductUnits")
        ctx.authenticate("GET", "/productunits")
        body = [{"id": i, "name": n, "symbol": s} for i, n, s in rules.PRODUCT_UNITS]
        return json_response(200, jsonout.dumps(body))
