"""R6 product categories (0.56.0 ``/productcategories``): ProductService's categories over
REST, one state: a category saved over SOAP is listed here with its id, one created over REST
is in SOAP GetCategories, and a product's ``category.id`` resolves. Over a real socket with
requests and py24so."""

from __future__ import annotations

import datetime as dt

from transaction_helpers import exact, rest_fixtures

T0 = dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.UTC)
WRITE = ("api.product.category:read api.product.category:write api.product.product:read "
         "api.product.product:write")


client, call, writer = rest_fixtures(WRITE, start=T0)



def test_R6_product_categories_are_productservices_categories(client, call, writer):
    shoes, = client.products.SaveCategories({"Category": [{"Name": "Sko", "No": "S-1"}]})
    assert exact(call("GET", "/productcategories")) == [
        {"id": shoes.Id, "alternativeReference": "S-1", "name": "Sko", "parentId": 0,
         "modifiedAt": "2024-03-01T08:00:00Z"}]
    resp = call("POST", "/productcategories", headers=writer,
                json={"name": "Lisser", "parentId": shoes.Id})
    assert resp.status_code == 201, resp.text
    laces = exact(resp)
    assert laces == {"id": laces["id"], "name": "Lisser", "parentId": shoes.Id,
                     "modifiedAt": "2024-03-01T08:00:00Z"}
    assert [(c.Id, c.Name, c.ParentId) for c in client.products.GetCategories([])] == [
        (shoes.Id, "Sko", None), (laces["id"], "Lisser", shoes.Id)]
    client.advance(minutes=5)
    changed = call("PATCH", f"/productcategories/{laces['id']}", headers=writer,
                   json={"alternativeReference": "L-2"})
    assert exact(changed) == {**laces, "alternativeReference": "L-2",
                              "modifiedAt": "2024-03-01T08:05:00Z"}
    assert exact(call("GET", f"/productcategories/{laces['id']}"))["alternativeReference"] == "L-2"
    # a product's category.id names a category, whose name the product shows
    made = exact(call("POST", "/products", headers=writer,
                      json={"name": "Hvite lisser", "category": {"id": laces["id"]}}))
    assert made["category"] == {"id": laces["id"], "name": "Lisser"}
    # a category in use is not deleted; an unused one is
    used = call("DELETE", f"/productcategories/{shoes.Id}", headers=writer)
    assert (used.status_code, exact(used)) == (400, {"error": {
        "name": "BadRequestError", "message": f"Category with Id {shoes.Id} is used by a "
                                              "product or another category and cannot be "
                                              "deleted."}})
    assert call("DELETE", f"/products/{made['id']}", headers=writer).status_code == 204
    assert call("DELETE", f"/productcategories/{laces['id']}", headers=writer).status_code == 204
    assert call("GET", f"/productcategories/{laces['id']}").status_code == 404
    assert [c.Id for c in client.products.GetCategories([])] == [shoes.Id]


def test_R6_product_category_writes_are_checked_and_scoped(client, call, writer):
    resp = call("POST", "/productcategories", json={"name": "X"})
    assert (resp.status_code, exact(resp)["error"]["message"]) == (
        403, "The access token lacks the scope api.product.category:write")
    resp = call("POST", "/productcategories", headers=writer,
                json={"alternativeReference": 5, "parentId": -1})
    assert (resp.status_code, exact(resp)) == (400, {"error": {
        "name": "ValidationError",
        "message": "Invalid product category: name (required), alternativeReference (type), "
                   "parentId (minimum)",
        "payload": {"validationErrors": [
            {"path": "name", "keyword": "required"},
            {"path": "alternativeReference", "keyword": "type"},
            {"path": "parentId", "keyword": "minimum"}]}}})
    blank = call("POST", "/productcategories", headers=writer, json={"name": " "})
    assert (blank.status_code, exact(blank)["error"]["message"]) == (
        400, "Name is required to create a new Category.")
    missing = call("GET", "/productcategories/99")
    assert (missing.status_code, exact(missing)["error"]["message"]) == (
        404, "Product category 99 was not found")
    assert call("GET", "/productcategories/0").status_code == 400
    assert exact(call("GET", "/productcategories")) == []


def test_R6_py24so_product_categories(tfso_mock, client):
    from py24so import Client24SO, ClientOptions

    client.products.SaveCategories({"Category": [{"Name": "Sko"}, {"Name": "Klær"}]})
    oauth = client.info["oauth"]
    options = ClientOptions(base_url=f"{tfso_mock.url}/v1", token_url=f"{tfso_mock.url}/oauth/token")
    with Client24SO(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                    options=options) as api:
        found = list(api.product_categories.list())
        assert [(c.name, c.parent_id) for c in found] == [("Sko", 0), ("Klær", 0)]
        assert api.product_categories.get(found[1].id).name == "Klær"
