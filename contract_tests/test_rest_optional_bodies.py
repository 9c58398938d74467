"""The vendor's OpenAPI v0.56.0 marks the request body of some writes optional (no
``required: true``): PATCH /products/{id}, POST and PATCH /salesorders[/{id}], POST and PATCH
/salesorders/{id}/lines[/{lineId}], PATCH /productcategories/{id}, PUT
/products/{id}/dimensions/{dimensionId}. A request without a body is then the empty object
(interpretation ``OPTIONAL_BODY``), answered with a status the spec documents, never the 415 a
body of another type gets. Found by schemathesis run against the vendor's document (a request
it generated without the optional body was answered 415). Over a real socket with requests."""

from __future__ import annotations

import datetime as dt

from transaction_helpers import exact, rest_fixtures

UTC = dt.UTC
WRITE = ("api.product.product:write api.product.category:write api.product.dimension:write "
         "api.crm.customer:write api.invoicing.salesorder:write "
         "api.invoicing.salesorder.line:write")
T0 = dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)

client, call, writer = rest_fixtures(WRITE, start=T0)


def _made(call, writer, path: str, body: dict, status: int) -> dict:
    resp = call("POST", path, headers=writer, json=body)
    assert resp.status_code == status, resp.text
    return exact(resp)


def test_R6_a_patch_without_a_body_changes_nothing_and_answers_the_record(client, call, writer):
    shoes = client.products.SaveCategories({"Category": [{"Name": "Sko"}]})[0].Id  # a category the client has
    product = _made(call, writer, "/products", {"name": "Joggesko", "number": "JS-42",
                                                "category": {"id": shoes}}, 201)
    category = _made(call, writer, "/productcategories", {"name": "Sko"}, 201)
    customer = _made(call, writer, "/customers", {"isCompany": True, "name": "Kunde AS"}, 200)
    order = _made(call, writer, "/salesorders",
                  {"customer": {"id": customer["id"], "name": "Kunde AS"}}, 200)
    line = _made(call, writer, f"/salesorders/{order['id']}/lines",
                 {"product": {"id": product["id"]}, "quantity": 2}, 200)
    for path, before in ((f"/products/{product['id']}", product),
                         (f"/productcategories/{category['id']}", category),
                         (f"/salesorders/{order['id']}", None),
                         (f"/salesorders/{order['id']}/lines/{line['id']}", line)):
        before = before or exact(call("GET", path))
        for headers in (writer, {**writer, "Content-Type": "application/json"}):
            resp = call("PATCH", path, headers=headers)
            assert (resp.status_code, exact(resp)) == (200, before), (path, resp.text)
        assert exact(call("GET", path)) == before


def test_R6_a_post_without_its_optional_body_is_read_as_the_empty_object(client, call, writer):
    shoes = client.products.SaveCategories({"Category": [{"Name": "Sko"}]})[0].Id  # a category the client has
    resp = call("POST", "/salesorders", headers=writer)
    assert (resp.status_code, exact(resp)) == (400, {"error": {
        "name": "ValidationError", "message": "Invalid sales order: customer (required)",
        "payload": {"validationErrors": [{"path": "customer", "keyword": "required"}]}}})
    assert exact(call("GET", "/salesorders")) == []
    product = _made(call, writer, "/products", {"name": "Joggesko", "category": {"id": shoes}}, 201)
    resp = call("PUT", f"/products/{product['id']}/dimensions/1", headers=writer)
    assert (resp.status_code, exact(resp)) == (400, {"error": {
        "name": "ValidationError", "message": "Invalid product dimension: value (required)",
        "payload": {"validationErrors": [{"path": "value", "keyword": "required"}]}}})
    assert exact(call("GET", f"/products/{product['id']}/dimensions")) == []


def test_R6_a_required_body_left_out_is_still_a_415(call, writer):
    """POST /products marks its body required: no body is no JSON (unchanged)."""
    resp = call("POST", "/products", headers=writer)
    assert (resp.status_code, exact(resp)) == (415, {"error": {
        "name": "UnsupportedMediaTypeError", "message": "The body must be application/json"}})


def test_R6_null_where_the_spec_allows_none_is_the_member_left_out(client, call, writer):
    shoes = client.products.SaveCategories({"Category": [{"Name": "Sko"}]})[0].Id  # a category the client has
    """Interpretation NULL_AS_ABSENT: a category's ``parentId`` and a product's ``supplier`` are
    not nullable in the spec; null leaves them as they are. A customer's ``organizationNumber``
    is nullable: null clears it."""
    top = _made(call, writer, "/productcategories", {"name": "Sko"}, 201)
    sub = _made(call, writer, "/productcategories", {"name": "Joggesko", "parentId": top["id"]},
                201)
    resp = call("PATCH", f"/productcategories/{sub['id']}", headers=writer,
                json={"name": "Løpesko", "parentId": None})
    assert (resp.status_code, exact(resp)) == (200, {**sub, "name": "Løpesko"})
    resp = call("POST", "/productcategories", headers=writer, json={"name": None})
    assert (resp.status_code, exact(resp)) == (400, {"error": {
        "name": "ValidationError", "message": "Invalid product category: name (required)",
        "payload": {"validationErrors": [{"path": "name", "keyword": "required"}]}}})
    supplier = _made(call, writer, "/customers", {"isCompany": True, "isSupplier": True,
                                                  "name": "Lisser AS"}, 200)
    product = _made(call, writer, "/products", {"name": "Lisser", "category": {"id": shoes},
                                                "supplier": {"id": supplier["id"]}}, 201)
    assert product["supplier"] == {"id": supplier["id"], "name": "Lisser AS"}
    resp = call("PATCH", f"/products/{product['id']}", headers=writer,
                json={"supplier": None, "salesPrice": 10})
    assert (resp.status_code, exact(resp)) == (200, {**product, "salesPrice": 10})
    customer = _made(call, writer, "/customers", {"isCompany": True, "name": "Kunde AS",
                                                  "organizationNumber": "987654321"}, 200)
    resp = call("PATCH", f"/customers/{customer['id']}", headers=writer,
                json={"organizationNumber": None, "email": None})
    assert (resp.status_code, exact(resp)) == (200, {**customer, "organizationNumber": None})
