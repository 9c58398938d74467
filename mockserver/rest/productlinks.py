"""``/products/{id}/dimensions[/{dimensionId}]`` and ``/products/{id}/salestypeOverrides
[/{salesTypeId}]`` (SPEC R6, scopes ``api.product.dimension:*`` and ``api.product.salestype:*``):
a product's dimension values and its sales-revenue account per sales type. ProductService has
neither, so both are kept with the product beside its SOAP members (``products.REST_ONLY``,
``interpretations.PRODUCT_DIMENSIONS``/``PRODUCT_SALES_TYPES``), as ``[key, value]`` pairs
(a list is replaced whole when saved, so a removed pair is gone)."""

from __future__ import annotations

from .. import errors
from ..ledger import interpretations as rules
from ..ledger import reference
from ..ledger.masterdata import PRODUCT, Record
from ..ledger.queries import DIMENSION_TYPES, DimensionValue
from . import jsonout
from .body import Reader, json_body
from .http import INT32, json_response, not_found, path_int
from .products import REST_ONLY

DIMENSIONS, SALES_TYPES = rules.PRODUCT_DIMENSIONS, rules.PRODUCT_SALES_TYPES


def _pairs(rec: Record, key: str) -> dict:
    return {k: v for k, v in (rec.data.get(REST_ONLY) or {}).get(key) or ()}


def _only(body: dict, allowed: str, r: Reader) -> None:
    for name in body:
        if name != allowed:
            r.bad(name, "additionalProperties")


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def product(token, raw: str) -> Record:
        pid = path_int("id", raw)  # no such id (any size): a 404
        rec = ledger.record(ctx.book(token), PRODUCT, pid)
        if rec is None:
            raise not_found(f"Product {pid}")
        return rec

    def save(token, rec: Record, key: str, pairs: dict) -> None:
        fields = {"Id": rec.id, REST_ONLY: {key: [[k, v] for k, v in sorted(pairs.items())]}}
        with ctx.clock_scope(token.client_id):
            result, = ledger.save_products(ctx.book(token), [fields])
        if result.error is not None:
            raise errors.RestError(result.error.text)

    def dimensions(token, rec: Record) -> list[dict]:
        out = []
        for type_id, value in sorted(_pairs(rec, DIMENSIONS).items()):
            kind = DIMENSION_TYPES[type_id] if type_id in dict(reference.SYSTEM_DIMENSIONS) \
                else "UserDefined"
            known = dict(ledger.query(reference.dimension_elements, ctx.book(token), type_id))
            shown = DimensionValue(kind, type_id, value, known.get(value))
            out.append({"dimensionType": type_id, "dimensionTypeName": shown.type_name,
                        "value": value, "name": shown.name})
        return out

    @app.get("/v1/products/<product_id>/dimensions")
    def product_dimensions(product_id: str):
        ctx.meta(operation="GetProductDimensions")
        token = ctx.authenticate("GET", "/products/{id}/dimensions")
        return json_response(200, jsonout.dumps(dimensions(token, product(token, product_id))))

    def dimension_type(token, raw: str) -> int:
        type_id = path_int("dimensionId", raw)
        if ledger.query(reference.dimension_type, ctx.book(token), type_id) is None:
            raise not_found(f"Dimension type {type_id}")
        return type_id

    @app.put("/v1/products/<product_id>/dimensions/<dimension_id>")
    def set_product_dimension(product_id: str, dimension_id: str):
        ctx.meta(operation="UpdateProductDimension")
        token = ctx.authenticate("PUT", "/products/{id}/dimensions/{dimensionId}")
        rec = product(token, product_id)
        type_id = dimension_type(token, dimension_id)
        body = json_body()
        r = Reader()
        _only(body, "value", r)
        value = r.get(body, "value", "", "string", True)
        r.check(lambda problems: errors.InvalidProductLink(problems, "dimension"))
        pairs = _pairs(rec, DIMENSIONS)
        pairs[type_id] = value
        save(token, rec, DIMENSIONS, pairs)
        return json_response(200, jsonout.dumps(dimensions(token, product(token, product_id))))

    @app.delete("/v1/products/<product_id>/dimensions/<dimension_id>")
    def delete_product_dimension(product_id: str, dimension_id: str):
        ctx.meta(operation="DeleteProductDimension")
        token = ctx.authenticate("DELETE", "/products/{id}/dimensions/{dimensionId}")
        rec = product(token, product_id)
        type_id = path_int("dimensionId", dimension_id)
        pairs = _pairs(rec, DIMENSIONS)
        if pairs.pop(type_id, None) is not None:
            save(token, rec, DIMENSIONS, pairs)
        return json_response(204, "")

    def overrides(rec: Record) -> list[dict]:
        return [{"productId": rec.id, "salesTypeId": k, "accountNumber": v}
                for k, v in sorted(_pairs(rec, SALES_TYPES).items())]

    @app.get("/v1/products/<product_id>/salestypeOverrides")
    def sales_type_overrides(product_id: str):
        ctx.meta(operation="GetProductSalesTypeOverrides")
        token = ctx.authenticate("GET", "/products/{id}/salestypeOverrides")
        return json_response(200, jsonout.dumps(overrides(product(token, product_id))))

    @app.put("/v1/products/<product_id>/salestypeOverrides/<sales_type_id>")
    def set_sales_type_override(product_id: str, sales_type_id: str):
        ctx.meta(operation="PutProductSalesTypeOverride")
        token = ctx.authenticate("PUT", "/products/{id}/salestypeOverrides/{salesTypeId}")
        rec = product(token, product_id)
        wanted = path_int("salesTypeId", sales_type_id)
        book = ctx.book(token)
        if not any(n.id == wanted for n in ledger.query(reference.sales_types, book)):
            raise not_found(f"Sales type {wanted}")
        body = json_body()
        r = Reader()
        _only(body, "accountNumber", r)
        if "accountNumber" not in body:
            r.bad("accountNumber", "required")
        account = r.get(body, "accountNumber", "", "integer", False, minimum=0,
                        maximum=INT32[1])
        if account is not None and account not in book.accounts:
            r.bad("accountNumber", "enum")
        r.check(lambda problems: errors.InvalidProductLink(problems, "sales type override"))
        pairs = _pairs(rec, SALES_TYPES)
        if account is None and not r.problems:  # null: the override is removed
            if pairs.pop(wanted, None) is not None:
                save(token, rec, SALES_TYPES, pairs)
            return json_response(204, "")
        pairs[wanted] = account
        save(token, rec, SALES_TYPES, pairs)
        return json_response(200, jsonout.dumps(
            {"productId": rec.id, "salesTypeId": wanted, "accountNumber": account}))

    @app.delete("/v1/products/<product_id>/salestypeOverrides/<sales_type_id>")
    def delete_sales_type_override(product_id: str, sales_type_id: str):
        ctx.meta(operation="DeleteProductSalesTypeOverride")
        token = ctx.authenticate("DELETE", "/products/{id}/salestypeOverrides/{salesTypeId}")
        rec = product(token, product_id)
        wanted = path_int("salesTypeId", sales_type_id)
        pairs = _pairs(rec, SALES_TYPES)
        if pairs.pop(wanted, None) is not None:
            save(token, rec, SALES_TYPES, pairs)
        return json_response(204, "")

