"""``/dimensions``, ``/dimensions/{dimensionType}`` and its elements (SPEC R6): the system
dimension types and the client's user-defined ones, with the values the client's lines and
customers use (``ledger/reference.py``). Elements are paged by ``limit`` with an opaque
``continuationToken`` in the ``Link`` header's rel="next"."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import request

from ..ledger import reference
from . import jsonout
from .http import INT32, Query, json_response, not_found, path_int


def register(app, ctx) -> None:
    ledger = ctx.ledger

    @app.get("/v1/dimensions")
    def dimensions():
        ctx.meta(operation="GetDimensions")
        token = ctx.authenticate("GET", "/dimensions")
        book = ctx.book(token)
        body = [{"id": i, "name": n} for i, n in ledger.query(reference.dimension_types, book)]
        return json_response(200, jsonout.dumps(body))

    def dimension(token, raw: str) -> int:
        type_id = path_int("dimensionType", raw)
        if ledger.query(reference.dimension_type, ctx.book(token), type_id) is None:
            raise not_found(f"Dimension type {type_id}")
        return type_id

    @app.get("/v1/dimensions/<dimension_type>")
    def dimension_one(dimension_type: str):
        ctx.meta(operation="GetDimension")
        token = ctx.authenticate("GET", "/dimensions/{dimensionType}")
        type_id = dimension(token, dimension_type)
        found = ledger.query(reference.dimension_type, ctx.book(token), type_id)
        return json_response(200, jsonout.dumps({"id": found[0], "name": found[1]}))

    @app.get("/v1/dimensions/<dimension_type>/elements")
    def dimension_elements(dimension_type: str):
        ctx.meta(operation="GetDimensionElements")
        token = ctx.authenticate("GET", "/dimensions/{dimensionType}/elements")
        type_id = dimension(token, dimension_type)
        q = Query(request.args)
        limit = q.integer("limit", 100, minimum=1, bounds=INT32)
        start = q.integer("continuationToken", 0, minimum=0, bounds=INT32)
        q.check()
        found = ledger.query(reference.dimension_elements, ctx.book(token), type_id)
        page = found[start:start + limit]
        headers = {}
        if start + limit < len(found):
            pairs = [(k, v) for k, v in request.args.items(multi=True)
                     if k != "continuationToken"]
            nxt = f"{request.base_url}?{urlencode(pairs + [('continuationToken', start + limit)])}"
            headers["Link"] = f'<{nxt}>; rel="next"'
        body = [{"dimensionType": type_id, "value": v, "name": n} for v, n in page]
        return json_response(200, jsonout.dumps(body), headers)

    @app.get("/v1/dimensions/<dimension_type>/elements/<value>")
    def dimension_element(dimension_type: str, value: str):
        ctx.meta(operation="GetDimensionElement")
        token = ctx.authenticate("GET", "/dimensions/{dimensionType}/elements/{value}")
        type_id = dimension(token, dimension_type)
        found = dict(ledger.query(reference.dimension_elements, ctx.book(token), type_id))
        if value not in found:
            raise not_found(f"Dimension element {value} of type {type_id}")
        return json_response(200, jsonout.dumps(
            {"dimensionType": type_id, "value": value, "name": found[value]}))
