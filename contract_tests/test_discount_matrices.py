"""M5: ProductService's discount matrices from a scenario's ``discount_matrices``: zeep from the
vendor's WSDL and from our ?WSDL call GetDiscountMatrixPriceGroup and GetDiscountMatrixCategory
on a client made through the control API; a bad entry is refused with its place and nothing is
made; on the SQLite store a restart keeps them and a reset ends them."""

from __future__ import annotations

import re
from decimal import Decimal

import requests
from test_sqlite_store_served import NS, path, servers  # noqa: F401 (fixtures)

from mockserver.testing.client import MockClient

PRODUCT = "/Logistics/Product/V001/ProductService.asmx"
MATRICES = {
    "price_group": [{"price_group_id": 2, "customer_id": 20001, "value": "10.00"},
                    {"price_group_id": 3, "value": 12.5}],
    "category": [{"category_id": 1, "customer_id": 20001, "value": "7.5"},
                 {"category_id": 1, "price_group_id": 2, "value": "0"}],
}
SCENARIO = {"name": "Rabatt AS", "fiscal_years": [2024],
            "companies": [{"id": 20001, "name": "Havbris AS"}],
            "discount_matrices": MATRICES}


def _rows(discounts) -> list[tuple]:
    return [(d.PriceGroupId, d.CategoryId, d.CustomerId, d.Value) for d in discounts or ()]


def test_M5_the_scenarios_discount_matrices_are_served(master_client):
    client = master_client(scenario=SCENARIO)
    assert _rows(client.products.GetDiscountMatrixPriceGroup()) == [
        (2, None, 20001, Decimal("10.00")), (3, None, None, Decimal("12.5"))]
    assert _rows(client.products.GetDiscountMatrixCategory()) == [
        (None, 1, 20001, Decimal("7.5")), (2, 1, None, Decimal("0"))]
    # a client without the key has empty matrices
    other = master_client(scenario={"name": "Uten rabatt AS"})
    assert _rows(other.products.GetDiscountMatrixPriceGroup()) == []
    assert _rows(other.products.GetDiscountMatrixCategory()) == []


def _admin(tfso_mock) -> dict:
    return getattr(tfso_mock, "admin_headers", dict)()


def test_a_bad_discount_entry_is_refused_with_its_place_and_nothing_is_made(tfso_mock):
    def count() -> int:
        resp = requests.get(tfso_mock.url + "/__admin/clients", headers=_admin(tfso_mock),
                            timeout=30)
        return len(resp.json())

    def refusal(matrices) -> str:
        resp = requests.post(tfso_mock.url + "/__admin/clients",
                             json={"scenario": {**SCENARIO, "discount_matrices": matrices}},
                             headers=_admin(tfso_mock), timeout=30)
        assert resp.status_code == 400
        return resp.json()["error"]["message"]

    before = count()
    assert refusal({"category": [{"customer_id": 20001, "value": "5"}]}) == (
        "scenario: discount_matrices.category[0].category_id: is required")
    assert refusal({"price_group": [{"price_group_id": 2, "value": "100.5"}]}) == (
        "scenario: discount_matrices.price_group[0].value: must be a percent from 0 to 100, "
        "not 100.5")
    assert refusal({"price_group": [{"price_group_id": 2, "value": "rabatt"}]}) == (
        "scenario: discount_matrices.price_group[0].value: must be a number, not 'rabatt'")
    assert refusal({"category": [{"category_id": 1, "customer_id": 7, "value": 1},
                                 {"category_id": 1, "customer_id": 7, "value": 2}]}) == (
        "scenario: discount_matrices.category[1]: repeats category_id 1, customer_id 7 (one "
        "value per price group, category and customer)")
    assert refusal({"categories": []}) == (
        "scenario: discount_matrices.categories: unknown field (did you mean category?); "
        "known fields: price_group, category")
    assert refusal({"category": [{"category": 1, "value": 1}]}) == (
        "scenario: discount_matrices.category[0].category: unknown field (did you mean "
        "category_id?); known fields: price_group_id, category_id, customer_id, value")
    assert refusal({"category": [{"category_id": 0, "value": 1}]}) == (
        "scenario: discount_matrices.category[0].category_id: must be at least 1, not 0")
    assert count() == before


def test_a_scenario_files_discount_entry_is_refused_with_its_line(tmp_path):
    from mockserver.ledger.scenario import ScenarioError, load

    bad = tmp_path / "rabatt.yaml"
    bad.write_text("name: Rabatt AS\ndiscount_matrices:\n  price_group:\n"
                   "    - {price_group_id: 2, value: \"5\"}\n"
                   "    - {price_group_id: 2, valeu: \"6\"}\n", encoding="utf-8")
    try:
        load(str(bad))
    except ScenarioError as refused:
        text = str(refused)
    assert text == (
        "rabatt.yaml, line 5: discount_matrices.price_group[1].valeu: unknown field (did you "
        "mean value?); known fields: price_group_id, category_id, customer_id, value")


def test_the_sqlite_store_keeps_discount_matrices_until_a_reset(path, servers):  # noqa: F811
    def matrix(server, info, op) -> list[str]:
        client = MockClient(server.url, info)
        client.login()
        text = server.soap(PRODUCT, op, f'<{op} xmlns="{NS}" />', http=client.http)
        client.http.close()
        assert "Fault>" not in text, text[:500]
        return re.findall(r"<Discount>(.*?)</Discount>", text)

    first = servers(path)
    made = first.http.post(first.url + "/__admin/clients", json={"scenario": SCENARIO},
                           timeout=60)
    assert made.status_code == 201, made.text
    info = made.json()
    # the WSDL's member order; ids not given are left out (their -2147483648 default)
    category = ["<CategoryId>1</CategoryId><CustomerId>20001</CustomerId><Value>7.5</Value>",
                "<PriceGroupId>2</PriceGroupId><CategoryId>1</CategoryId><Value>0</Value>"]
    price_group = [
        "<PriceGroupId>2</PriceGroupId><CustomerId>20001</CustomerId><Value>10.00</Value>",
        "<PriceGroupId>3</PriceGroupId><Value>12.5</Value>"]
    assert matrix(first, info, "GetDiscountMatrixCategory") == category
    first.stop()

    again = servers(path)
    assert matrix(again, info, "GetDiscountMatrixCategory") == category
    assert matrix(again, info, "GetDiscountMatrixPriceGroup") == price_group
    again.http.post(again.url + "/__admin/reset", timeout=30).raise_for_status()
    gone = again.http.get(f"{again.url}/__admin/clients/{info['client_id']}", timeout=30)
    assert gone.status_code == 404
    again.stop()
    third = servers(path)
    gone = third.http.get(f"{third.url}/__admin/clients/{info['client_id']}", timeout=30)
    assert gone.status_code == 404
