"""``/v1/products`` and ``/v1/products/{id}`` (SPEC R6, 0.56.0 scopes
``api.product.product:read``/``:write``): the products of ProductService, read and written in the
client's one state (``Ledger.save_products``, ``find_records``, ``delete_records``): a product
saved over SOAP is the product of the same id here and the other way round.

A product is a ProductService record; ``product_item`` and ``product_fields`` translate. What
0.56.0 has and ProductService does not (type, status, eanAlternative, the unit, the supplier
product's number and price) is kept beside the SOAP members under ``REST_ONLY``
(``interpretations.PRODUCT_REST_FIELDS``). Lists are paged by ``page`` and ``limit`` with the
``link`` header."""

from __future__ import annotations

import re
from decimal import Decimal

from flask import request

from .. import errors
from ..codec_utils import iso_utc
from ..ledger import interpretations as rules
from ..ledger.masterdata import COMPANY, PRODUCT, Record
from . import jsonout
from .body import Reader, json_body
from .http import INT32, Query, drop_none, json_response, link_header, not_found, path_int

REST_ONLY = rules.PRODUCT_REST_ONLY
_IDS_RE = re.compile(r"^\s*\d+\s*(,\s*\d+\s*)*\Z", re.ASCII)
_UNITS = {i: (n, s) for i, n, s in rules.PRODUCT_UNITS}
_ZERO = Decimal(0)


def _num(value):
    return value if isinstance(value, Decimal) else (Decimal(value) if value is not None else None)


def product_item(rec: Record, categories: dict[int, str], companies: dict[int, str]) -> dict:
    """One ``ProductResponse``, in the schema's property order (``categories`` and
    ``companies``: id -> name, for the category and supplier names)."""
    d, extra = rec.data, rec.data.get(REST_ONLY) or {}
    item: dict = {
        "id": rec.id,
        "name": d.get("Name") or "",
        "number": d.get("No") or None,
        "type": extra.get("type") or "default",
        "status": extra.get("status") or "active",
        "description": d.get("Description") or None,
        "costPrice": _num(d.get("InPrice")) if d.get("InPrice") is not None else _ZERO,
        "salesPrice": _num(d.get("Price")) if d.get("Price") is not None else _ZERO,
        "indirectCost": _num(d.get("Cost")) if d.get("Cost") is not None else _ZERO,
        "webshopEnabled": d.get("Web") is True,
        "stock": {"isManaged": d.get("StockControlled") is True,
                  "quantity": _num(d.get("Stock")) if d.get("Stock") is not None else _ZERO,
                  "location": d.get("StockLocation") or None},
        "ean": d.get("EAN1") or None,
        "eanAlternative": extra.get("eanAlternative"),
        "supplierProduct": {"itemCode": d.get("SupplierProductCode") or None,
                            "number": extra.get("supplierProductNumber"),
                            "name": d.get("SupplierProductName") or None,
                            "price": _num(extra.get("supplierProductPrice"))},
    }
    unit = extra.get("unitId")
    if unit is not None:
        name, symbol = _UNITS.get(unit, (None, None))
        item["units"] = {"id": unit, "name": name, "symbol": symbol}
    if isinstance(d.get("CategoryId"), int):
        category = {"id": d["CategoryId"], "name": categories.get(d["CategoryId"])}
        item["category"] = drop_none(category)  # name is not nullable: none when unknown
    if isinstance(d.get("SupplierId"), int):
        item["supplier"] = {"id": d["SupplierId"], "name": companies.get(d["SupplierId"])}
    item["createdAt"] = iso_utc(rec.created) if rec.created else None
    item["modifiedAt"] = iso_utc(rec.changed) if rec.changed else None
    return item


#: (0.56.0 member, ProductService member or None for REST_ONLY's key, kind, bounds)
_Member = tuple[str, str | None, str, dict]
_SCALARS: tuple[_Member, ...] = (
    ("name", "Name", "string", {"maxLength": 150}),
    ("number", "No", "string", {"maxLength": 100}),
    ("type", None, "string", {"enum": ("default", "structure")}),
    ("status", None, "string", {"enum": ("active", "inactive")}),
    ("description", "Description", "string", {"maxLength": 500}),
    ("costPrice", "InPrice", "number", {}),
    ("salesPrice", "Price", "number", {}),
    ("indirectCost", "Cost", "number", {}),
    ("webshopEnabled", "Web", "boolean", {}),
    ("ean", "EAN1", "string", {"maxLength": 14}),
    ("eanAlternative", None, "string", {"maxLength": 25}),
)
_NESTED: tuple[tuple[str, tuple[_Member, ...]], ...] = (
    ("stock", (("isManaged", "StockControlled", "boolean", {}), ("quantity", "Stock", "number", {}),
               ("location", "StockLocation", "string", {}))),
    ("supplierProduct", (("itemCode", "SupplierProductCode", "string", {"maxLength": 50}),
                         ("number", None, "string", {"maxLength": 50}),
                         ("name", "SupplierProductName", "string", {"maxLength": 250}),
                         ("price", None, "number", {}))),
)
_REST_KEYS = {("", "type"): "type", ("", "status"): "status", ("", "eanAlternative"):
              "eanAlternative", ("supplierProduct", "number"): "supplierProductNumber",
              ("supplierProduct", "price"): "supplierProductPrice"}


def product_fields(body: dict, creating: bool) -> dict:
    """ProductService fields from a ``ProductRequestPost`` (``creating``) or
    ``ProductRequestPatch``; 400 listing every problem."""
    r = Reader()
    out: dict = {}
    extra: dict = {}

    def put(parent: str, rest_name: str, soap_name: str | None, value) -> None:
        if soap_name is None:
            extra[_REST_KEYS[(parent, rest_name)]] = value
        else:
            out[soap_name] = value

    for rest_name, soap_name, kind, bounds in _SCALARS:
        given, value = r.nullable(body, rest_name, "", kind, **bounds)
        if given:
            put("", rest_name, soap_name, value)
    if creating and not str(out.get("Name") or "").strip() and "name" not in {
            p for p, _ in r.problems}:
        r.bad("name", "required")
    for parent, members in _NESTED:
        if body.get(parent) is None:
            continue
        nested = r.obj(body[parent], parent)
        if nested is None:
            continue
        for rest_name, soap_name, kind, bounds in members:
            given, value = r.nullable(nested, rest_name, parent, kind, **bounds)
            if given:
                put(parent, rest_name, soap_name, value)
    for ref, soap_name, required in (("category", "CategoryId", creating),
                                     ("supplier", "SupplierId", False), ("units", None, False)):
        raw = body.get(ref)
        if raw is None:
            if required:
                r.bad(ref, "required")
            continue
        obj = r.obj(raw, ref)
        if obj is None:
            continue
        rid = r.get(obj, "id", ref, "integer", required, minimum=0, maximum=INT32[1])
        if rid is None:
            continue
        if soap_name is not None:
            out[soap_name] = rid
        elif rid not in _UNITS:
            r.bad("units.id", "enum")
        else:
            extra["unitId"] = rid
    r.check(errors.InvalidProduct)
    if extra:
        out[REST_ONLY] = extra
    return out


def _ids(q: Query, name: str) -> set[int] | None:
    """``categoryIds``/``supplierIds``: comma-separated ids (or the parameter repeated)."""
    values = q.args.getlist(name)
    if not values:
        return None
    out: set[int] = set()
    for text in values:
        if not _IDS_RE.match(text):
            q.problems.append((name, "pattern"))
            return None
        out.update(int(part) for part in text.split(","))
    return out


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def names(book) -> tuple[dict[int, str], dict[int, str]]:
        categories = {r.id: r.data.get("Name") for r in ledger.records(book, "product_category")}
        companies = {r.id: r.data.get("Name") for r in ledger.records(book, COMPANY)}
        return categories, companies

    def one(token, raw: str) -> Record:
        pid = path_int("id", raw, INT32, minimum=1)
        rec = ledger.record(ctx.book(token), PRODUCT, pid)
        if rec is None:
            raise not_found(f"Product {pid}")
        return rec

    def answer(token, rec: Record, status: int = 200):
        body = product_item(rec, *names(ctx.book(token)))
        return json_response(status, jsonout.dumps(body))

    @app.get("/v1/products")
    def products():
        ctx.meta(operation="GetProducts")
        token = ctx.authenticate("GET", "/products")
        q = Query(request.args)
        page = q.integer("page", 1, minimum=1, bounds=INT32)
        limit = q.integer("limit", rules.PRODUCT_PAGE_SIZE, minimum=1, bounds=INT32)
        search = q.raw("productSearch")
        number = q.raw("productNumber")
        categories, suppliers = _ids(q, "categoryIds"), _ids(q, "supplierIds")
        q.check()

        def match(d: dict) -> bool:
            if number is not None and str(d.get("No") or "") != number:
                return False
            if categories is not None and d.get("CategoryId") not in categories:
                return False
            if suppliers is not None and d.get("SupplierId") not in suppliers:
                return False
            extra = d.get(REST_ONLY) or {}
            return search is None or rules.product_search_matches(search, (
                d.get("No"), d.get("Name"), extra.get("supplierProductNumber"),
                d.get("SupplierProductName")))

        book = ctx.book(token)
        found = ledger.find_records(book, PRODUCT, match=match)
        start = (page - 1) * limit
        lookup = names(book)
        body = [product_item(rec, *lookup) for rec in found[start:start + limit]]
        more = start + limit < len(found)
        return json_response(200, jsonout.dumps(body), {"link": link_header(page, more)})

    @app.get("/v1/products/<product_id>")
    def product(product_id: str):
        ctx.meta(operation="GetProduct")
        token = ctx.authenticate("GET", "/products/{id}")
        return answer(token, one(token, product_id))

    def saved(token, fields: dict) -> Record:
        with ctx.clock_scope(token.client_id):
            result, = ledger.save_products(ctx.book(token), [fields], known_references=True)
        if result.error is not None:
            raise errors.RestError(result.error.text)
        return ledger.record(ctx.book(token), PRODUCT, result.id)  # type: ignore[return-value]

    @app.post("/v1/products")
    def create_product():
        ctx.meta(operation="CreateProduct")
        token = ctx.authenticate("POST", "/products")
        fields = product_fields(json_body(), creating=True)
        return answer(token, saved(token, fields), 201)

    @app.patch("/v1/products/<product_id>")
    def update_product(product_id: str):
        ctx.meta(operation="UpdateProduct")
        token = ctx.authenticate("PATCH", "/products/{id}")
        current = one(token, product_id)
        fields = product_fields(json_body(optional=True), creating=False)
        return answer(token, saved(token, {**fields, "Id": current.id}))

    @app.delete("/v1/products/<product_id>")
    def delete_product(product_id: str):
        ctx.meta(operation="DeleteProduct")
        token = ctx.authenticate("DELETE", "/products/{id}")
        current = one(token, product_id)
        with ctx.clock_scope(token.client_id):
            refused, = ledger.delete_products(ctx.book(token), [current.id])
        if refused is not None:
            raise errors.RestError(refused.text)
        return json_response(204, "")
