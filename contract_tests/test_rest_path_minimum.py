"""The vendor's OpenAPI v0.56.0 gives ``id`` and ``dimensionId`` of /products/{id}/dimensions
[/{dimensionId}] ``minimum: 1`` (as ``id`` of /products/{id}): a value below it is a 400
ValidationError naming the parameter and its minimum, nothing changed (before, DELETE answered
204 for ``dimensionId`` 0 or -3 and GET 404 for product 0). The sales type overrides' ``id`` and
``salesTypeId`` have no minimum: 0 is an id like any other. Found by schemathesis run against
the vendor's document. Over a real socket with requests."""

from __future__ import annotations

import datetime as dt

from transaction_helpers import exact, rest_fixtures

UTC = dt.UTC
WRITE = ("api.product.product:read api.product.product:write api.product.dimension:read "
         "api.product.dimension:write "
         "api.product.salestype:write")
T0 = dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)

client, call, writer = rest_fixtures(WRITE, start=T0)


def _below(parameter: str) -> dict:
    return {"error": {"name": "ValidationError",
                      "message": f"{parameter} must be an integer of at least 1",
                      "payload": {"validationErrors": [{"path": parameter,
                                                        "keyword": "minimum"}]}}}


def test_R6_a_product_dimension_path_below_the_spec_minimum_is_a_400(client, call, writer):
    shoes = client.products.SaveCategories({"Category": [{"Name": "Sko"}]})[0].Id  # a category the client has
    made = call("POST", "/products", headers=writer,
                json={"name": "Joggesko", "category": {"id": shoes}})
    assert made.status_code == 201, made.text
    pid = made.json()["id"]
    put = call("PUT", f"/products/{pid}/dimensions/1", headers=writer, json={"value": "7"})
    assert put.status_code == 200, put.text
    kept = exact(call("GET", f"/products/{pid}/dimensions"))
    assert [d["value"] for d in kept] == ["7"]
    for method, path, parameter in (
            ("DELETE", f"/products/{pid}/dimensions/0", "dimensionId"),
            ("DELETE", f"/products/{pid}/dimensions/-3", "dimensionId"),
            ("PUT", f"/products/{pid}/dimensions/0", "dimensionId"),
            ("DELETE", "/products/0/dimensions/1", "id"),
            ("PUT", "/products/-1/dimensions/1", "id"),
            ("GET", "/products/0/dimensions", "id"),
            ("GET", "/products/0", "id")):
        resp = call(method, path, headers=writer, json={"value": "8"})
        assert (resp.status_code, exact(resp)) == (400, _below(parameter)), (method, path)
    assert exact(call("GET", f"/products/{pid}/dimensions")) == kept
    resp = call("GET", "/products/x/dimensions")
    assert (resp.status_code, exact(resp)) == (400, {"error": {
        "name": "ValidationError", "message": "id must be an integer",
        "payload": {"validationErrors": [{"path": "id", "keyword": "type"}]}}})
    # the sales type overrides name no minimum: product 0 is not found, sales type 0 is not set
    resp = call("GET", "/products/0/salestypeOverrides")
    assert (resp.status_code, exact(resp)) == (404, {"error": {
        "name": "NotFoundError", "message": "Product 0 was not found"}})
    assert call("DELETE", f"/products/{pid}/salestypeOverrides/0", headers=writer).status_code \
        == 204
