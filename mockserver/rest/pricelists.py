"""``/pricelists``, ``/pricelists/{listId}`` and its ``/prices`` (SPEC R6, scope
``api.product.pricelist:read``): ProductService has no price lists, so the client has one
(``interpretations.PRICE_LIST``) whose prices are its products' sales prices (``Price``), read
from the client's one state."""

from __future__ import annotations

import re
from decimal import Decimal

from flask import request

from .. import errors
from ..ledger import interpretations as rules
from ..ledger.masterdata import PRODUCT
from . import jsonout
from .http import json_response, not_found, path_int

#: "Comma-separated list of product IDs and/or ranges of product IDs (using .. as separator)"
_IDS_RE = re.compile(r"^\s*\d+(\.\.\d+)?\s*(,\s*\d+(\.\.\d+)?\s*)*\Z", re.ASCII)


def price_list() -> dict:
    return {**rules.PRICE_LIST, "currencyCode": rules.BASE_CURRENCY}


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

    def the_list(raw: str) -> None:
        list_id = path_int("listId", raw)
        if list_id != rules.PRICE_LIST["id"]:
            raise not_found(f"Pricelist {list_id}")

    @app.get("/v1/pricelists")
    def price_lists():
        ctx.meta(operation="GetPricelists")
        ctx.authenticate("GET", "/pricelists")
        return json_response(200, jsonout.dumps([price_list()]))

    @app.get("/v1/pricelists/<list_id>")
    def one_price_list(list_id: str):
        ctx.meta(operation="GetPricelist")
        ctx.authenticate("GET", "/pricelists/{listId}")
        the_list(list_id)
        return json_response(200, jsonout.dumps(price_list()))

    @app.get("/v1/pricelists/<list_id>/prices")
    def prices(list_id: str):
        ctx.meta(operation="GetPricelistPrices")
        token = ctx.authenticate("GET", "/pricelists/{listId}/prices")
        the_list(list_id)
        wanted = _wanted(request.args.get("productIds"))
        found = ledger.records(ctx.book(token), PRODUCT)
        body = [{"productId": r.id, "price": _price(r.data.get("Price"))} for r in found
                if wanted is None or wanted(r.id)]
        return json_response(200, jsonout.dumps(body))


def _price(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))
