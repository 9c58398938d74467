"""``/products/{id}/dimensions[/{dimensionId}]`` and ``/products/{id}/salestypeOverrides
[/{salesTypeId}]`` (SPEC R6, scopes ``api.product.dimension:*`` and ``api.product.salestype:*``):
a product's dimension values and its sales-revenue account per sales type. ProductService has
neither, so both are kept with the product beside its SOAP members (``products.REST_ONLY``,
``interpretations.PRODUCT_DIMENSIONS``/``PRODUCT_SALES_TYPES``), as ``[key, value]`` pairs
(a list is replaced whole when saved, so a removed pair is gone). The rules (the product, the
dimension type or sales type, the account in the chart) and the read-modify-write are the
ledger's (``set_product_link`` / ``remove_product_link``, under its lock); this module reads
the request and writes the answer."""

from __future__ import annotations

from collections.abc import Callable

from .. import errors
from ..ledger import interpretations as rules
from ..ledger import reference
from ..ledger.master import product_links
from ..ledger.masterdata import PRODUCT, Record
from ..ledger.queries import DIMENSION_TYPES, DimensionValue
from . import jsonout
from .body import Reader, json_body
from .http import INT32, json_response, not_found, path_int

DIMENSIONS, SALES_TYPES = rules.PRODUCT_DIMENSIONS, rules.PRODUCT_SALES_TYPES
#: the 0.56.0 spec's minimum of the path's ``id`` and ``dimensionId`` (a dimension's paths) and of
#: ``id`` and ``salesTypeId`` (a sales type override's: none); below it a 400 ValidationError
MINIMUM: dict[str, int | None] = {DIMENSIONS: 1, SALES_TYPES: None}


def _only(body: dict, allowed: str, r: Reader) -> None:
    for name in body:
        if name != allowed:
            r.bad(name, "additionalProperties")


def _dimension_value() -> tuple[str | None, list]:
    body = json_body(optional=True)
    r = Reader()
    _only(body, "value", r)
    return r.get(body, "value", "", "string", True), r.problems


def _account_number() -> tuple[int | None, list]:
    body = json_body()
    r = Reader()
    _only(body, "accountNumber", r)
    if "accountNumber" not in body:
        r.bad("accountNumber", "required")
    account = r.get(body, "accountNumber", "", "integer", False, minimum=0, maximum=INT32[1])
    return account, r.problems


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def product(token, raw: str, minimum: int | None = None) -> Record:
        pid = path_int("id", raw, minimum=minimum)  # no such id (any size): a 404
        rec = ledger.record(ctx.book(token), PRODUCT, pid)
        if rec is None:
            raise not_found(f"Product {pid}")
        return rec

    def change(token, product_id: str, link: str, parameter: str, raw_target: str,
               read: Callable[[], tuple] | None = None) -> tuple[int, int, object]:
        """PUT (``read`` gives the body's value and problems) or DELETE (no ``read``) of one
        pair; what cannot be read goes to the ledger, which reports it after the product (and
        the target) is found, as the vendor does."""
        minimum = MINIMUM[link]
        pid = path_int("id", product_id, minimum=minimum)
        target, value, problems, refused = None, None, [], None
        try:
            target = path_int(parameter, raw_target, minimum=minimum)
            if read is not None:
                value, problems = read()
        except errors.RestError as err:
            refused = err
        book = ctx.book(token)
        with ctx.clock_scope(token.client_id):
            if read is None:
                ledger.remove_product_link(book, pid, link, target, refused=refused)
            else:
                ledger.set_product_link(book, pid, link, target, value, problems=problems,
                                        refused=refused)
        assert target is not None  # else the ledger raised ``refused``
        return pid, target, value

    def dimensions(token, rec: Record) -> list[dict]:
        out = []
        for type_id, value in sorted(product_links(rec.data, DIMENSIONS).items()):
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
        return json_response(200, jsonout.dumps(
            dimensions(token, product(token, product_id, MINIMUM[DIMENSIONS]))))

    @app.put("/v1/products/<product_id>/dimensions/<dimension_id>")
    def set_product_dimension(product_id: str, dimension_id: str):
        ctx.meta(operation="UpdateProductDimension")
        token = ctx.authenticate("PUT", "/products/{id}/dimensions/{dimensionId}")
        change(token, product_id, DIMENSIONS, "dimensionId", dimension_id, _dimension_value)
        return json_response(200, jsonout.dumps(dimensions(token, product(token, product_id))))

    @app.delete("/v1/products/<product_id>/dimensions/<dimension_id>")
    def delete_product_dimension(product_id: str, dimension_id: str):
        ctx.meta(operation="DeleteProductDimension")
        token = ctx.authenticate("DELETE", "/products/{id}/dimensions/{dimensionId}")
        change(token, product_id, DIMENSIONS, "dimensionId", dimension_id)
        return json_response(204, "")

    @app.get("/v1/products/<product_id>/salestypeOverrides")
    def sales_type_overrides(product_id: str):
        ctx.meta(operation="GetProductSalesTypeOverrides")
        token = ctx.authenticate("GET", "/products/{id}/salestypeOverrides")
        rec = product(token, product_id)
        return json_response(200, jsonout.dumps(
            [{"productId": rec.id, "salesTypeId": k, "accountNumber": v}
             for k, v in sorted(product_links(rec.data, SALES_TYPES).items())]))

    @app.put("/v1/products/<product_id>/salestypeOverrides/<sales_type_id>")
    def set_sales_type_override(product_id: str, sales_type_id: str):
        ctx.meta(operation="PutProductSalesTypeOverride")
        token = ctx.authenticate("PUT", "/products/{id}/salestypeOverrides/{salesTypeId}")
        pid, sales_type, account = change(token, product_id, SALES_TYPES, "salesTypeId", sales_type_id,
                         _account_number)
        if account is None:  # null: the override is removed
            return json_response(204, "")
        return json_response(200, jsonout.dumps(
            {"productId": pid, "salesTypeId": sales_type, "accountNumber": account}))

    @app.delete("/v1/products/<product_id>/salestypeOverrides/<sales_type_id>")
    def delete_sales_type_override(product_id: str, sales_type_id: str):
        ctx.meta(operation="DeleteProductSalesTypeOverride")
        token = ctx.authenticate("DELETE", "/products/{id}/salestypeOverrides/{salesTypeId}")
        change(token, product_id, SALES_TYPES, "salesTypeId", sales_type_id)
        return json_response(204, "")
