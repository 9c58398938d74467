"""M5: ProductService: products (number, name, price, cost, VAT, unit, stock), categories,
price lists and discount matrices (zeep from the vendor WSDL and from ?WSDL)."""

from __future__ import annotations

from decimal import Decimal

import pytest


def save(client, *products):
    return client.products.SaveProducts({"Product": list(products)})


def test_M5_save_get_update_and_stock(master_client):
    client = master_client()
    made, = save(client, {"No": "SKU-1", "Name": "Kaffe 500 g", "Price": Decimal("89.90"),
                          "Cost": Decimal("41.25"), "TaxRate": Decimal("15"),
                          "Description": "stk", "EAN1": "7038010000737"})
    assert (made.Id, made.No, made.Price, made.APIException) == (1, "SKU-1", Decimal("89.90"), None)
    assert client.products.SetStockQuantity(made.Id, Decimal("12.5")) is True
    assert client.products.SetStockQuantity(999, Decimal("1")) is False
    changed, = save(client, {"Id": made.Id, "Price": Decimal("99.00")})
    assert (changed.Name, changed.Price, changed.Stock) == ("Kaffe 500 g", Decimal("99.00"), Decimal("12.5"))
    got, = client.products.GetProducts({"Id": made.Id})
    assert (got.No, got.Name, got.Price, got.Cost, got.TaxRate, got.Stock, got.EAN1) == (
        "SKU-1", "Kaffe 500 g", Decimal("99.00"), Decimal("41.25"), Decimal("15"),
        Decimal("12.5"), "7038010000737")


@pytest.mark.parametrize("params,expected", [
    ({"Name": "kaffe"}, ["SKU-1"]),
    ({"No": "SKU-2"}, ["SKU-2"]),
    ({"EAN1": "123"}, ["SKU-2"]),
    ({"Price": Decimal("10.00")}, ["SKU-2"]),
    ({"CategoryId": 7}, ["SKU-1"]),
    ({"ProductIds": {"int": [2, 1]}}, ["SKU-1", "SKU-2"]),
    ({"Name": "kaffe", "No": "SKU-2"}, []),
    ({}, ["SKU-1", "SKU-2"]),
])
def test_M5_every_search_parameter(master_client, params, expected):
    client = master_client()
    save(client, {"No": "SKU-1", "Name": "Kaffe", "CategoryId": 7, "Price": Decimal("89.90")},
         {"No": "SKU-2", "Name": "Te", "EAN1": "123", "Price": Decimal("10.00")})
    assert [p.No for p in client.products.GetProducts(params) or []] == expected


def test_M5_in_band_errors_return_properties_and_delete(master_client):
    client = master_client()
    result = save(client, {"No": "A", "Name": "A"}, {"No": "A", "Name": "Dup"}, {"Id": 77},
                  {"No": "B"}, {"No": "C", "Name": "C"})
    assert [(p.Id, p.APIException and p.APIException.Message) for p in result] == [
        (1, None), (None, "A Product with No A already exists."),
        (77, "Product with Id 77 was not found."),
        (None, "Name is required to create a new Product."), (2, None)]
    only, _ = client.products.GetProducts({}, {"string": ["Id", "No"]})
    assert (only.Id, only.No, only.Name) == (1, "A", None)
    gone = client.products.DeleteProducts({"Product": [{"Id": 1}, {"Id": 5}]})
    assert [(p.Id, p.APIException and p.APIException.Message) for p in gone] == [
        (1, None), (5, "Product with Id 5 was not found.")]
    assert [p.No for p in client.products.GetProducts({})] == ["C"]


def test_M5_categories(master_client):
    client = master_client()
    cat, sub = client.products.SaveCategories({"Category": [
        {"Name": "Drikke", "No": "10"}, {"Name": "Kaffe", "No": "11", "ParentId": 1}]})
    assert [(c.Id, c.Name, c.ParentId) for c in (cat, sub)] == [(1, "Drikke", None), (2, "Kaffe", 1)]
    assert [(c.Id, c.No) for c in client.products.GetCategories()] == [(1, "10"), (2, "11")]
    assert client.products.GetAllPriceLists() in (None, [])
    assert client.products.GetPriceList(1) in (None, [])
    assert client.products.GetDiscountMatrixCategory() in (None, [])
