"""R6 products (the vendor's OpenAPI v0.56.0 ``/products``): ProductService's products over
REST, one state: a product saved over SOAP is the product of the same id, and one created or
changed over REST is what SOAP GetProducts answers. Over a real socket with requests and with
py24so (configured only with base_url and token_url)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from transaction_helpers import exact, rest_fixtures

UTC = dt.UTC
WRITE = "api.product.product:read api.product.product:write"
T0 = dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


client, call, writer = rest_fixtures(WRITE, start=T0)



def test_R6_a_product_saved_over_soap_is_the_product_of_the_same_id(client, call):
    cat, = client.products.SaveCategories({"Category": [{"Name": "Sko"}]})
    supplier, = client.companies.SaveCompanies({"Company": [{"Name": "Lisser AS",
                                                             "Type": "Supplier"}]})
    made, = client.products.SaveProducts({"Product": [{
        "Name": "Skolisser hvite", "No": "SH-1", "Price": Decimal("49.90"),
        "InPrice": Decimal("12.50"), "Cost": Decimal("1.25"), "Description": "1 m",
        "EAN1": "7012345678901", "Stock": Decimal("146"), "StockControlled": True,
        "StockLocation": "A-313", "Web": True, "CategoryId": cat.Id, "SupplierId": supplier.Id,
        "SupplierProductCode": "T1234", "SupplierProductName": "Laces 1m"}]})
    assert made.APIException is None
    resp = call("GET", f"/products/{made.Id}")
    assert resp.status_code == 200, resp.text
    assert exact(resp) == {
        "id": made.Id, "name": "Skolisser hvite", "number": "SH-1", "type": "default",
        "status": "active", "description": "1 m", "costPrice": Decimal("12.50"),
        "salesPrice": Decimal("49.90"), "indirectCost": Decimal("1.25"), "webshopEnabled": True,
        "stock": {"isManaged": True, "quantity": 146, "location": "A-313"},
        "ean": "7012345678901", "eanAlternative": None,
        "supplierProduct": {"itemCode": "T1234", "number": None, "name": "Laces 1m",
                            "price": None},
        "category": {"id": cat.Id, "name": "Sko"},
        "supplier": {"id": supplier.Id, "name": "Lisser AS"},
        "createdAt": "2024-03-01T08:00:00Z", "modifiedAt": "2024-03-01T08:00:00Z"}
    bare, = client.products.SaveProducts({"Product": [{"Name": "Bare navn"}]})
    assert exact(call("GET", f"/products/{bare.Id}")) == {
        "id": bare.Id, "name": "Bare navn", "number": None, "type": "default",
        "status": "active", "description": None, "costPrice": 0, "salesPrice": 0,
        "indirectCost": 0, "webshopEnabled": False,
        "stock": {"isManaged": False, "quantity": 0, "location": None}, "ean": None,
        "eanAlternative": None,
        "supplierProduct": {"itemCode": None, "number": None, "name": None, "price": None},
        "createdAt": "2024-03-01T08:00:00Z", "modifiedAt": "2024-03-01T08:00:00Z"}


def test_R6_products_created_and_changed_over_rest_are_products_over_soap(client, call, writer):
    cat = client.products.SaveCategories({"Category": [{"Name": "Drikke"}]})[0].Id
    resp = call("POST", "/products", headers=writer, json={
        "name": "Kaffe", "number": "K-1", "salesPrice": 49.00, "costPrice": 20,
        "status": "active", "eanAlternative": "0123456789012345678901234",
        "stock": {"isManaged": True, "quantity": 10}, "units": {"id": 1},
        "category": {"id": cat}, "supplierProduct": {"number": "SUP-9", "price": 18.5}})
    assert resp.status_code == 201, resp.text
    made = exact(resp)
    assert made == {
        "id": made["id"], "name": "Kaffe", "number": "K-1", "type": "default",
        "status": "active", "description": None, "costPrice": 20, "salesPrice": Decimal("49.00"),
        "indirectCost": 0, "webshopEnabled": False,
        "stock": {"isManaged": True, "quantity": 10, "location": None}, "ean": None,
        "eanAlternative": "0123456789012345678901234",
        "supplierProduct": {"itemCode": None, "number": "SUP-9", "name": None,
                            "price": Decimal("18.5")},
        "units": {"id": 1, "name": "Stykk", "symbol": "stk"},
        "category": {"id": cat, "name": "Drikke"},
        "createdAt": "2024-03-01T08:00:00Z", "modifiedAt": "2024-03-01T08:00:00Z"}
    found, = client.products.GetProducts({"Id": made["id"]}, [])
    assert (found.Name, found.No, found.Price, found.InPrice, found.Stock, found.CategoryId) == (
        "Kaffe", "K-1", Decimal("49.00"), Decimal("20"), Decimal("10"), cat)

    client.set_time(T0 + dt.timedelta(minutes=10))
    resp = call("PATCH", f"/products/{made['id']}", headers=writer, json={
        "salesPrice": 55, "status": "inactive", "stock": {"location": "B-2"}})
    assert resp.status_code == 200, resp.text
    changed = exact(resp)
    assert changed == {**made, "salesPrice": 55, "status": "inactive",
                       "stock": {"isManaged": True, "quantity": 10, "location": "B-2"},
                       "modifiedAt": "2024-03-01T08:10:00Z"}
    assert exact(call("GET", f"/products/{made['id']}")) == changed
    found, = client.products.GetProducts({"Id": made["id"]}, [])
    assert (found.Price, found.StockLocation) == (Decimal("55"), "B-2")
    # a SOAP change is seen over REST
    client.products.SetStockQuantity(made["id"], Decimal("7"))
    assert exact(call("GET", f"/products/{made['id']}"))["stock"]["quantity"] == 7

    dup = call("POST", "/products", headers=writer, json={"name": "Te", "number": "K-1",
                                                           "category": {"id": cat}})
    assert (dup.status_code, exact(dup)) == (400, {"error": {
        "name": "BadRequestError", "message": "A Product with No K-1 already exists."}})
    gone = call("DELETE", f"/products/{made['id']}", headers=writer)
    assert (gone.status_code, gone.text) == (204, "")
    assert call("GET", f"/products/{made['id']}").status_code == 404
    assert client.products.GetProducts({"Id": made["id"]}, []) is None  # zeep: an empty array


def test_R6_products_list_searches_filters_and_pages(client, call, writer):
    made = client.products.SaveCategories({"Category": [{"Name": "Lisser"}, {"Name": "Pleie"}]})
    assert [c.Id for c in made] == [1, 2]
    for body in ({"name": "White shoe laces", "number": "SH-1", "category": {"id": 1}},
                 {"name": "Black shoe laces", "number": "SH-2", "category": {"id": 1},
                  "supplier": {"id": 123}},
                 {"name": "Shoe polish", "number": "P-1", "category": {"id": 2},
                  "supplierProduct": {"name": "Polish"}}):
        assert call("POST", "/products", headers=writer, json=body).status_code == 201

    def names(**params):
        resp = call("GET", "/products", params=params)
        assert resp.status_code == 200, resp.text
        return [p["name"] for p in exact(resp)]

    assert names() == ["White shoe laces", "Black shoe laces", "Shoe polish"]
    assert names(productSearch="%shoe%") == ["White shoe laces", "Black shoe laces",
                                             "Shoe polish"]
    assert names(productSearch="shoe%") == ["Shoe polish"]
    assert names(productSearch="%LACES") == ["White shoe laces", "Black shoe laces"]
    assert names(productSearch="polish") == ["Shoe polish"]  # the supplier product's name
    assert names(productSearch="SH-2") == ["Black shoe laces"]
    assert names(productNumber="P-1") == ["Shoe polish"]
    assert names(categoryIds="1") == ["White shoe laces", "Black shoe laces"]
    assert names(categoryIds="2, 1") == ["White shoe laces", "Black shoe laces", "Shoe polish"]
    assert names(supplierIds="123") == ["Black shoe laces"]
    first = call("GET", "/products", params={"limit": 2})
    assert [p["name"] for p in exact(first)] == ["White shoe laces", "Black shoe laces"]
    second = call("GET", first.links["next"]["url"].split("/v1", 1)[1])
    assert [p["name"] for p in exact(second)] == ["Shoe polish"]
    assert "next" not in second.links
    bad = call("GET", "/products", params={"page": 0, "limit": "x", "categoryIds": "1;2"})
    assert (bad.status_code, exact(bad)["error"]["payload"]["validationErrors"]) == (400, [
        {"path": "page", "keyword": "minimum"}, {"path": "limit", "keyword": "type"},
        {"path": "categoryIds", "keyword": "pattern"}])


def test_R6_product_writes_are_checked_and_scoped(client, call, writer):
    resp = call("POST", "/products", json={"name": "X", "category": {"id": 1}})
    assert (resp.status_code, exact(resp)) == (403, {"error": {
        "name": "ForbiddenError",
        "message": "The access token lacks the scope api.product.product:write"}})
    resp = call("POST", "/products", headers=writer, json={
        "name": "x" * 151, "type": "bundle", "salesPrice": "12", "units": {"id": 99},
        "stock": {"quantity": True}})
    assert resp.status_code == 400
    assert exact(resp) == {"error": {
        "name": "ValidationError",
        "message": "Invalid product: name (maxLength), type (enum), salesPrice (type), "
                   "stock.quantity (type), category (required), units.id (enum)",
        "payload": {"validationErrors": [
            {"path": "name", "keyword": "maxLength"}, {"path": "type", "keyword": "enum"},
            {"path": "salesPrice", "keyword": "type"},
            {"path": "stock.quantity", "keyword": "type"},
            {"path": "category", "keyword": "required"}, {"path": "units.id", "keyword": "enum"}]}}}
    resp = call("POST", "/products", headers=writer, json={"category": {"id": 1}})
    assert exact(resp)["error"]["payload"]["validationErrors"] == [
        {"path": "name", "keyword": "required"}]
    assert call("POST", "/products", headers=writer, data="name=x").status_code == 415
    assert exact(call("GET", "/products")) == []
    missing = call("GET", "/products/424242")
    assert (missing.status_code, exact(missing)) == (404, {"error": {
        "name": "NotFoundError", "message": "Product 424242 was not found"}})
    assert call("GET", "/products/0").status_code == 400
    assert call("PATCH", "/products/424242", headers=writer, json={}).status_code == 404
    assert call("DELETE", "/products/424242", headers=writer).status_code == 404


def test_R6_py24so_products(tfso_mock, client):
    from py24so import Client24SO, ClientOptions, PermissionDeniedError

    oauth = client.info["oauth"]
    options = ClientOptions(base_url=f"{tfso_mock.url}/v1", token_url=f"{tfso_mock.url}/oauth/token")
    saved = client.products.SaveProducts({"Product": [
        {"Name": f"Vare {n}", "No": f"V-{n}", "Price": Decimal(n)} for n in range(1, 31)]})
    with Client24SO(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                    options=options) as api:
        listed = list(api.products.list())  # two pages of 25
        assert [p.id for p in listed] == [p.Id for p in saved]
        assert [p.name for p in api.products.list(search="vare 3%")] == ["Vare 3", "Vare 30"]
        one = api.products.get(saved[4].Id)
        assert (one.number, one.sales_price, one.status) == ("V-5", 5, "active")
        with pytest.raises(PermissionDeniedError):
            api.products.create({"name": "Nei", "category": {"id": 1}})


def test_R6_unknown_category_or_supplier_in_a_product_write_is_refused(client, call, writer):
    """Interpretation REST_PRODUCT_REFERENCES: an id the client does not have is a 400
    BadRequestError with the master-data text, as a sales order's unknown customer, project or
    department; nothing saved. A PATCH may leave a stored unknown id (saved over SOAP) as it is.
    Before: the id was kept, its name left out."""
    cat = client.products.SaveCategories({"Category": [{"Name": "Sko"}]})[0].Id
    for body, text in (
            ({"name": "X", "category": {"id": 424242}}, "ProductCategory with Id 424242 was not found."),
            ({"name": "X", "category": {"id": cat}, "supplier": {"id": 424242}},
             "Company with Id 424242 was not found.")):
        resp = call("POST", "/products", headers=writer, json=body)
        assert (resp.status_code, exact(resp)) == (400, {"error": {
            "name": "BadRequestError", "message": text}}), resp.text
    assert exact(call("GET", "/products")) == []
    made = exact(call("POST", "/products", headers=writer, json={
        "name": "Sko", "category": {"id": cat}, "supplier": {"id": 123}}))
    assert (made["category"], made["supplier"]) == ({"id": cat, "name": "Sko"},
                                                    {"id": 123, "name": "Kunde Nordmann AS"})
    for body in ({"category": {"id": 99}}, {"supplier": {"id": 99}}):
        resp = call("PATCH", f"/products/{made['id']}", headers=writer, json={"name": "Y", **body})
        assert (resp.status_code, exact(resp)["error"]["name"]) == (400, "BadRequestError")
    assert exact(call("GET", f"/products/{made['id']}")) == made
    legacy, = client.products.SaveProducts({"Product": [{"Name": "Gammel", "CategoryId": 77}]})
    resp = call("PATCH", f"/products/{legacy.Id}", headers=writer, json={"name": "Gammel 2"})
    assert (resp.status_code, exact(resp)["category"]) == (200, {"id": 77})


def test_R6_py24so_unknown_category_is_refused(tfso_mock, tfso_new_client):
    from py24so import BadRequestError, Client24SO, ClientOptions

    client = tfso_new_client(fiscal_years=[2024], oauth={"scopes": WRITE.split()})
    oauth = client.info["oauth"]
    options = ClientOptions(base_url=f"{tfso_mock.url}/v1", token_url=f"{tfso_mock.url}/oauth/token")
    cat = client.products.SaveCategories({"Category": [{"Name": "Sko"}]})[0].Id
    with Client24SO(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                    options=options) as api:
        with pytest.raises(BadRequestError) as caught:
            api.products.create({"name": "Nei", "category": {"id": 424242}})
        assert caught.value.status_code == 400
        assert "ProductCategory with Id 424242 was not found." in str(caught.value)
        assert api.products.create({"name": "Ja", "category": {"id": cat}}).category.id == cat
