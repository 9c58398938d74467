"""``/pricelists``, ``/pricelists/{listId}`` and its ``/prices`` (SPEC R6, scope
``api.product.pricelist:read``): the client's standard list (``interpretations.PRICE_LIST``)
whose prices are its products' sales prices (``Price``), then the scenario's price lists
(ProductService's GetAllPriceLists), read from the client's one state (``ledger.price_lists``)."""

from __future__ import annotations

import re

from flask import request

from .. import errors
from ..ledger import interpretations as rules
from . import jsonout
from .http import json_response, not_found, path_int

#: "Comma-separated list of product IDs and/or ranges of product IDs (using .. as separator)"
_IDS_RE = re.compile(r"^\s*\d+(\.\.\d+)?\s*(,\s*\d+(\.\.\d+)?\s*)*\Z", re.ASCII)


def price_list(list_id: int, data: dict) -> dict:
    return {"id": list_id, "name": data.get("Name"), "description": data.get("Description"),
            "isInclusiveTax": bool(data.get("IncVat")),
            "currencyCode": data.get("Currency") or rules.BASE_CURRENCY}


def _wanted(text: str | None):
    """``1..10,20`` as a test of a product id (None: every product)."""
    if text is None:
        return None
    if not _IDS_RE.match(text):
        raise errors.InvalidQuery([("productIds", "pattern")])
    ranges = []
    for part in text.split(","):
        lo, _, hi = part.strip().partition("..")
        ranges.append((int(lo), int(hi or lo)))
    return lambda pid: any(lo <= pid <= hi for lo, hi in ranges)


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def the_list(token, raw: str) -> dict:
        list_id = path_int("listId", raw)
        for found_id, data in ledger.price_lists(ctx.book(token)):
            if found_id == list_id:
                return price_list(list_id, data)
        raise not_found(f"Pricelist {list_id}")

    @app.get("/v1/pricelists")
    def price_lists():
        ctx.meta(operation="GetPricelists")
        token = ctx.authenticate("GET", "/pricelists")
        return json_response(200, jsonout.dumps(
            [price_list(list_id, data) for list_id, data in ledger.price_lists(ctx.book(token))]))

    @app.get("/v1/pricelists/<list_id>")
    def one_price_list(list_id: str):
        ctx.meta(operation="GetPricelist")
        token = ctx.authenticate("GET", "/pricelists/{listId}")
        return json_response(200, jsonout.dumps(the_list(token, list_id)))

    @app.get("/v1/pricelists/<list_id>/prices")
    def prices(list_id: str):
        ctx.meta(operation="GetPricelistPrices")
        token = ctx.authenticate("GET", "/pricelists/{listId}/prices")
        shown = the_list(token, list_id)
        wanted = _wanted(request.args.get("productIds"))
        found = ledger.price_list_prices(ctx.book(token), shown["id"]) or []
        body = [{"productId": pid, "price": price} for pid, price in found
                if wanted is None or wanted(pid)]
        return json_response(200, jsonout.dumps(body))
