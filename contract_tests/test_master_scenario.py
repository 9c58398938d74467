"""M1-M5 from scenario files: companies, persons, projects, products, departments,
currencies and price lists a scenario describes are what the services return (and companies
are customers); the README's master-data example is loaded as written."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import requests
from control_helpers import Serve
from transaction_helpers import caller, exact

from mockserver.testing.client import MockClient

from helpers import ROOT_README, bundle, bundle_list, sale

SCENARIO = {
    "name": "Masterdata AS", "fiscal_years": [2024],
    "companies": [{"id": 20001, "name": "Havbris AS", "bank_account": "15031122222",
                   "organization_number": "987654321", "email": "post@havbris.no",
                   "type": "Business"}],
    "persons": [{"id": 5, "first_name": "Kari", "last_name": "Nordmann", "customer_id": 20001}],
    "projects": [{"id": 7, "name": "Nytt lager", "customer_id": 20001},
                 {"id": 8, "name": "Gammelt", "enabled": False}],
    "products": [{"id": 3, "no": "SKU-3", "name": "Kaffe", "price": "89.90", "stock": "12"}],
    "departments": [{"id": 2, "name": "Salg"}],
    "currencies": [{"code": "EUR", "rate": "11.50"}],
}


def test_M1_to_M5_scenario_master_data_is_served(master_client):
    client = master_client(scenario=SCENARIO)
    company, = client.companies.GetCompanies({"CompanyId": 20001})
    assert (company.Name, company.BankAccountNo, company.OrganizationNumber, company.Type,
            company.EmailAddresses.Primary.Value) == (
        "Havbris AS", "15031122222", "987654321", "Business", "post@havbris.no")
    person, = client.persons.GetPersons({"CustomerId": 20001})
    assert (person.Id, person.FirstName, person.LastName) == (5, "Kari", "Nordmann")
    assert [(p.Id, p.Name) for p in client.projects.GetProjectNameList()] == [(7, "Nytt lager")]
    assert [p.Id for p in client.projects.GetDeactivatedProjectNameList()] == [8]
    assert client.projects.GetSingleProject(7).CustomerName == "Havbris AS"
    product, = client.products.GetProducts({"No": "SKU-3"})
    assert (product.Id, product.Name, product.Price, product.Stock) == (
        3, "Kaffe", Decimal("89.90"), Decimal("12"))
    assert [(d.Id, d.Name) for d in client.client_service.GetDepartmentList()] == [(2, "Salg")]
    assert [(c.Symbol, c.Id, c.Rate) for c in client.client_service.GetCurrencyList()] == [
        ("NOK", 578, Decimal(1)), ("EUR", 978, Decimal("11.50"))]
    # the scenario's company is a customer: its bank account is checked (S8)
    wrong = client.account.SaveBundleList(bundle_list([bundle([sale(
        0, day=dt.date(2024, 2, 1), customer=20001, BankAccountNo="99998877777")])]))
    assert wrong.Type == "Exception" and "customermismatchbankaccount" in wrong.Description


def test_a_bad_master_data_item_is_refused_with_its_path(tfso_mock):
    bad = {**SCENARIO, "currencies": [{"code": "EURO"}]}
    resp = requests.post(tfso_mock.url + "/__admin/clients", json={"scenario": bad},
                         headers=getattr(tfso_mock, "admin_headers", dict)(), timeout=30)
    assert resp.status_code == 400
    assert "currencies[0].code: must be a three-letter currency code, not 'EURO'" in resp.text


def test_M5_the_readmes_master_data_example_is_served_by_ProductService_and_REST(tmp_path):
    """The README's master-data block (the yaml block with ``price_lists:``), as written, in a
    file given to ``tfso-mock serve --scenario``: its price list is ProductService's and REST's."""
    text = ROOT_README.read_text(encoding="utf-8")
    found = [b for b in re.findall(r"^```yaml\n(.*?)^```$", text, re.S | re.M)
             if "price_lists:" in b]
    assert len(found) == 1
    scenario = tmp_path / "readme-master.yaml"
    scenario.write_text(found[0], encoding="utf-8")
    with Serve("--scenario", str(scenario)) as serve:
        client = MockClient(serve.url, requests.get(serve.url + "/__admin/clients/1000").json())
        client.login()
        listed, = client.products.GetAllPriceLists()
        assert (listed.Id, listed.Name, listed.IncVat, listed.Currency) == (
            2, "Forhandler", False, None)
        assert [(p.Key, p.Value) for p in client.products.GetPriceList(2)] == [("3", "79.00")]
        assert [(d.PriceGroupId, d.CategoryId, d.CustomerId, d.Value)
                for d in client.products.GetDiscountMatrixPriceGroup()] == [
            (2, None, 20001, Decimal("10"))]
        assert [(d.PriceGroupId, d.CategoryId, d.CustomerId, d.Value)
                for d in client.products.GetDiscountMatrixCategory()] == [
            (None, 1, 20001, Decimal("7.5"))]
        call = caller(serve.url, client)  # over requests, with every read scope
        standard = {"id": 1, "name": "Standard", "description": None, "isInclusiveTax": False,
                    "currencyCode": "NOK"}
        dealer = {"id": 2, "name": "Forhandler", "description": None, "isInclusiveTax": False,
                  "currencyCode": "NOK"}
        assert exact(call("GET", "/pricelists")) == [standard, dealer]
        assert exact(call("GET", "/pricelists/2")) == dealer
        assert exact(call("GET", "/pricelists/2/prices")) == [
            {"productId": 3, "price": Decimal("79.00")}]
        assert exact(call("GET", "/pricelists/2/prices", params={"productIds": "1..2,4"})) == []
        assert exact(call("GET", "/pricelists/1/prices")) == [
            {"productId": 3, "price": Decimal("89.90")}]
        missing = call("GET", "/pricelists/3/prices")
        assert (missing.status_code, exact(missing)) == (404, {"error": {
            "name": "NotFoundError", "message": "Pricelist 3 was not found"}})


def test_a_bad_price_list_is_refused_with_its_path(tfso_mock):
    def refusal(lists) -> str:
        resp = requests.post(tfso_mock.url + "/__admin/clients",
                             json={"scenario": {**SCENARIO, "price_lists": lists}},
                             headers=getattr(tfso_mock, "admin_headers", dict)(), timeout=30)
        assert resp.status_code == 400
        return resp.json()["error"]["message"]

    assert refusal([{"id": 1, "name": "Egen"}]) == (
        "scenario: price_lists[0].id: 1 is the standard price list (the products' own prices): "
        "number the scenario's lists from 2")
    assert refusal([{"id": 2}]) == "scenario: price_lists[0].name: is required"
    assert refusal([{"id": 2, "name": "A", "currency": "kroner"}]) == (
        "scenario: price_lists[0].currency: must be a three-letter currency code, not 'kroner'")
    assert refusal([{"id": 2, "name": "A", "prices": [{"product_id": 3, "price": "gratis"}]}]) == (
        "scenario: price_lists[0].prices[0].price: must be a number, not 'gratis'")
    assert refusal([{"id": 2, "name": "A", "prices": [{"product_id": 3, "price": 1},
                                                      {"product_id": 3, "price": 2}]}]) == (
        "scenario: price_lists[0].prices[1]: repeats product 3 (one price per product)")
    assert refusal([{"id": 2, "name": "A", "prices": [{"product": 3}]}]) == (
        "scenario: price_lists[0].prices[0].product: unknown field (did you mean product_id?); "
        "known fields: product_id, price")
