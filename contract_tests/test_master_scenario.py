"""M1-M5 from scenario files: companies, persons, projects, products, departments and
currencies a scenario describes are what the services return (and companies are customers)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import requests

from helpers import bundle, bundle_list, sale

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
