"""``/v1/productcategories`` and ``/v1/productcategories/{id}`` (SPEC R6, 0.56.0 scopes
``api.product.category:read``/``:write``): ProductService's categories (GetCategories,
SaveCategories), the same records and ids, so the ``category.id`` of a product resolves here.
name = Name, alternativeReference = No, parentId = ParentId (0: top level)."""

from __future__ import annotations

from .. import errors
from ..codec_utils import iso_utc
from ..ledger.masterdata import Record
from . import jsonout
from .body import Reader, json_body
from .http import INT32, json_response, not_found, path_int

KIND = "product_category"


def category_item(rec: Record) -> dict:
    """One ``CategoryResponse``, in the schema's property order."""
    d = rec.data
    item: dict = {"id": rec.id}
    if d.get("No"):
        item["alternativeReference"] = d["No"]  # not nullable: left out when there is none
    item["name"] = d.get("Name") or ""
    item["parentId"] = d["ParentId"] if isinstance(d.get("ParentId"), int) else 0
    if rec.changed is not None:
        item["modifiedAt"] = iso_utc(rec.changed)
    return item


def category_fields(body: dict, creating: bool) -> dict:
    r = Reader()
    out: dict = {}
    name = r.get(body, "name", "", "string", creating)
    if name is not None:
        out["Name"] = name
    ref = r.get(body, "alternativeReference", "", "string")
    if ref is not None:
        out["No"] = ref
    parent = r.get(body, "parentId", "", "integer", minimum=0, maximum=INT32[1])
    if parent is not None:
        out["ParentId"] = parent
    r.check(errors.InvalidCategory)
    return out


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def one(token, raw: str) -> Record:
        cid = path_int("id", raw, INT32, minimum=1)
        rec = ledger.record(ctx.book(token), KIND, cid)
        if rec is None:
            raise not_found(f"Product category {cid}")
        return rec

    def saved(token, fields: dict) -> Record:
        with ctx.clock_scope(token.client_id):
            result, = ledger.save_items(ctx.book(token), KIND, [fields], what="Category")
        if result.error is not None:
            raise errors.RestError(result.error.text)
        return ledger.record(ctx.book(token), KIND, result.id)  # type: ignore[return-value]

    @app.get("/v1/productcategories")
    def categories():
        ctx.meta(operation="GetProductCategories")
        token = ctx.authenticate("GET", "/productcategories")
        body = [category_item(r) for r in ledger.records(ctx.book(token), KIND)]
        return json_response(200, jsonout.dumps(body))

    @app.get("/v1/productcategories/<category_id>")
    def category(category_id: str):
        ctx.meta(operation="GetProductCategory")
        token = ctx.authenticate("GET", "/productcategories/{id}")
        return json_response(200, jsonout.dumps(category_item(one(token, category_id))))

    @app.post("/v1/productcategories")
    def create_category():
        ctx.meta(operation="CreateProductCategory")
        token = ctx.authenticate("POST", "/productcategories")
        fields = category_fields(json_body(), creating=True)
        return json_response(201, jsonout.dumps(category_item(saved(token, fields))))

    @app.patch("/v1/productcategories/<category_id>")
    def update_category(category_id: str):
        ctx.meta(operation="UpdateProductCategory")
        token = ctx.authenticate("PATCH", "/productcategories/{id}")
        current = one(token, category_id)
        fields = category_fields(json_body(optional=True), creating=False)
        return json_response(200, jsonout.dumps(
            category_item(saved(token, {**fields, "Id": current.id}))))

    @app.delete("/v1/productcategories/<category_id>")
    def delete_category(category_id: str):
        ctx.meta(operation="DeleteProductCategory")
        token = ctx.authenticate("DELETE", "/productcategories/{id}")
        current = one(token, category_id)
        with ctx.clock_scope(token.client_id):
            refused, = ledger.delete_product_category(ctx.book(token), current.id)
        if refused is not None:
            raise errors.RestError(refused.text)
        return json_response(204, "")
