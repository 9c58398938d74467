"""M2: CompanyService. Companies are the ledger's customers; Save* errors are in-band."""

from __future__ import annotations

import pytest
import zeep

from helpers import bundle, bundle_list, sale


def save(client, *companies):
    return client.companies.SaveCompanies({"Company": list(companies)})


def test_M2_default_customers_are_companies_with_the_same_ids(master_client):
    client = master_client()
    found = client.companies.GetCompanies({"CompanyIds": {"int": [1, 123, 10001]}})
    assert [(c.Id, c.Name, c.BankAccountNo) for c in found] == [
        (1, "Leverandør AS", "15030612345"), (123, "Kunde Nordmann AS", "12345678903"),
        (10001, "Fjordkraft Handel AS", "60110512345")]


def test_M2_save_creates_and_updates_and_get_reads_back(master_client):
    client = master_client()
    created, = save(client, {"Name": "Havbris AS", "OrganizationNumber": "987 654 321",
                             "Type": "Business", "ExternalId": "shop-17",
                             "EmailAddresses": {"Invoice": {"Value": "faktura@havbris.no"}},
                             "PhoneNumbers": {"Work": {"Value": "+47 22 33 44 55"}}})
    assert created.APIException is None
    assert created.Id == 10002 and created.Name == "Havbris AS"
    updated, = save(client, {"Id": created.Id, "Url": "https://havbris.no"})
    assert (updated.Id, updated.Name, updated.Url) == (10002, "Havbris AS", "https://havbris.no")
    got, = client.companies.GetCompanies({"CompanyId": created.Id})
    assert (got.Name, got.OrganizationNumber, got.ExternalId, got.Type, got.Url) == (
        "Havbris AS", "987 654 321", "shop-17", "Business", "https://havbris.no")
    assert got.EmailAddresses.Invoice.Value == "faktura@havbris.no"
    assert got.DateChanged.tzinfo is not None


@pytest.mark.parametrize("params,expected", [
    ({"CompanyName": "havbris"}, [10002]),
    ({"ExternalId": "shop-17"}, [10002]),
    ({"CompanyEmail": "FAKTURA@havbris.no"}, [10002]),
    ({"CompanyPhone": "22334455"}, []),
    ({"CompanyPhone": "+4722334455"}, [10002]),
    ({"OrganizationNumber": "987654321"}, [10002]),
    ({"CompanyName": "AS"}, [1, 123, 10001, 10002, 10003]),
    ({"CompanyName": "AS", "CompanyIds": {"int": [123, 10003]}}, [123, 10003]),
    ({"CompanyId": 10003, "CompanyName": "havbris"}, []),
])
def test_M2_every_search_parameter(master_client, params, expected):
    client = master_client()
    save(client, {"Name": "Havbris AS", "OrganizationNumber": "987 654 321",
                  "ExternalId": "shop-17",
                  "EmailAddresses": {"Invoice": {"Value": "faktura@havbris.no"}},
                  "PhoneNumbers": {"Work": {"Value": "+47 22 33 44 55"}}},
         {"Name": "Tindevegen AS"})
    assert [c.Id for c in client.companies.GetCompanies(params) or []] == expected


def test_M2_changed_after_and_return_properties(master_client):
    client = master_client()
    before = client.now()
    client.advance(seconds=5)
    save(client, {"Name": "Ny Kunde AS", "Url": "https://ny.no"})
    found = client.companies.GetCompanies({"ChangedAfter": before}, {"string": ["Id", "Name"]})
    assert [(c.Id, c.Name, c.Url) for c in found] == [(10002, "Ny Kunde AS", None)]


def test_M2_per_item_errors_are_in_band_and_the_others_saved(master_client):
    client = master_client()
    result = save(client, {"Name": "Først AS"}, {"Id": 4242, "Name": "Finnes ikke"},
                  {"Name": ""}, {"Name": "Sist AS"})
    assert [(c.Id, c.APIException and c.APIException.Message) for c in result] == [
        (10002, None), (4242, "Company with Id 4242 was not found."),
        (None, "Name is required to create a new Company."), (10003, None)]
    assert result[1].APIException.Type == "ValidationException"
    names = [c.Name for c in client.companies.GetCompanies({"CompanyIds": {"int": [10002, 10003]}})]
    assert names == ["Først AS", "Sist AS"]


def test_M2_explicit_new_company_id(master_client):
    client = master_client()
    made, = save(client, {"Id": 777, "Name": "Egen Id AS", "ExplicitlySpecifyNewCompanyId": True})
    assert (made.Id, made.APIException) == (777, None)
    assert client.companies.GetCompanies({"CompanyId": 777})[0].Name == "Egen Id AS"


def test_M2_sync_list_and_delete(master_client):
    client = master_client()
    t0 = client.now()
    client.advance(seconds=1)
    a, b = save(client, {"Name": "A AS", "ExternalId": "a"}, {"Name": "B AS"})
    client.advance(seconds=1)
    deleted = client.companies.DeleteCompanies({"Company": [{"Id": a.Id}, {"Id": 999}]})
    assert [(c.Id, c.APIException and c.APIException.Message) for c in deleted] == [
        (a.Id, None), (999, "Company with Id 999 was not found.")]
    page = client.companies.GetCompanySyncList({"ChangedAfter": t0, "Active": None, "Page": 1})
    assert (page.CurrentPage, page.TotalPages, page.TotalItems, page.ItemsPerPage) == (1, 1, 2, 1000)
    assert [(s.CompanyId, s.Active) for s in page.Items.SyncCompany] == [(b.Id, True), (a.Id, False)]
    active = client.companies.GetCompanySyncList({"ChangedAfter": t0, "Active": True})
    assert [s.CompanyId for s in active.Items.SyncCompany] == [b.Id]
    assert client.companies.GetCompanies({"CompanyId": a.Id}) in (None, [])


def test_M2_a_company_with_transactions_is_not_deleted(master_client):
    client = master_client(fiscal_years=[2024])
    made, = save(client, {"Name": "Bokført AS"})
    assert client.account.SaveBundleList(bundle_list([bundle([sale(0, customer=made.Id)])])).Type == "Ok"
    refused, = client.companies.DeleteCompanies({"Company": [{"Id": made.Id}]})
    assert refused.APIException.Message == (
        f"Company with Id {made.Id} has transactions in the ledger and cannot be deleted.")


def test_M2_bank_account_feeds_customermismatchbankaccount(master_client):
    client = master_client(fiscal_years=[2024])
    made, = save(client, {"Name": "Bank AS", "BankAccountNo": "1503.11.22222"})
    wrong = bundle_list([bundle([sale(0, customer=made.Id, BankAccountNo="99998877777")])])
    result = client.account.SaveBundleList(wrong)
    assert result.Type == "Exception" and "customermismatchbankaccount" in result.Description.lower() \
        or "not the default bank account" in result.Description
    right = bundle_list([bundle([sale(0, customer=made.Id, BankAccountNo="15031122222")])])
    assert client.account.SaveBundleList(right).Type == "Ok"


def test_M2_categories_relations_maps(master_client):
    client = master_client()
    cat, = client.companies.SaveCategories({"Category": [{"Name": "VIP", "ShowCompany": True}]})
    assert (cat.Id, cat.Name, cat.ShowCompany) == (1, "VIP", True)
    assert [c.Name for c in client.companies.GetCategories()] == ["VIP"]
    assert client.companies.SaveCustomerCategories(
        {"KeyValuePair": [{"Key": "123", "Value": str(cat.Id)}]}) in (None, [])
    assert client.companies.GetCustomerCategories(123) == [cat.Id]
    errs = client.companies.SaveCustomerCategories({"KeyValuePair": [{"Key": "5", "Value": "1"}]})
    assert [e.Message for e in errs] == ["Company with Id 5 was not found."]
    client.companies.DeleteCustomerCategories({"KeyValuePair": [{"Key": "123", "Value": "1"}]})
    assert client.companies.GetCustomerCategories(123) in (None, [])
    kari = client.persons.SavePerson({"FirstName": "Kari", "LastName": "Nordmann"})
    rel, = client.companies.SaveRelations({"Relation": [{"CompanyId": 123, "ContactId": kari}]})
    assert (rel.CompanyId, rel.ContactId, rel.FirstName, rel.LastName) == (123, kari, "Kari",
                                                                           "Nordmann")
    got, = client.companies.GetCompanies({"CompanyId": 123})
    assert [(r.ContactId, r.FirstName) for r in got.Relations.Relation] == [(kari, "Kari")]
    m, = client.companies.SaveMaps({"CompanyMap": [{"MapType": 1, "ExternalId": "x", "CompanyId": 123}]})
    assert m.CompanyId == 123
    assert client.companies.GetCompanies({"CompanyId": 123})[0].Maps.CompanyMap[0].ExternalId == "x"
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.companies.SaveRelations({"Relation": [{"CompanyId": 5, "ContactId": 1}]})
    assert fault.value.message == (
        "Server was unable to process request. ---> Company with Id 5 was not found.")
    client.companies.DeleteRelations({"Relation": [{"CompanyId": 123, "ContactId": kari}]})
    assert client.companies.GetCompanies({"CompanyId": 123})[0].Relations is None


def test_M2_save_faults_nothing_without_session(master_client):
    client = master_client()
    client.http.cookies.clear()
    with pytest.raises(zeep.exceptions.Fault) as fault:
        save(client, {"Name": "X"})
    assert fault.value.message == "Client is not authenticated on this identity"


def test_M2_companies_are_isolated_per_client(master_client):
    one, two = master_client(), master_client()
    made, = save(one, {"Name": "Bare min AS"})
    assert [c.Id for c in one.companies.GetCompanies({"CompanyName": "Bare min"})] == [made.Id]
    assert two.companies.GetCompanies({"CompanyName": "Bare min"}) in (None, [])
    assert two.companies.GetCompanies({"CompanyId": made.Id}) in (None, [])


def test_M2_soap12_journal_and_injected_faults(master_client):
    from mockserver.testing.client import COMPANY_PATH, NS

    client = master_client()
    soap12 = client.service(COMPANY_PATH, NS + "CompanyServiceSoap12")
    made, = soap12.SaveCompanies({"Company": [{"Name": "Tolv AS"}]})
    assert made.Id == 10002
    journal = client.requests(service="CompanyService")
    assert [(r["operation"], r["status"]) for r in journal] == [("SaveCompanies", 200)]
    client.inject_fault(service="CompanyService", operation="GetCompanies",
                        soap_fault="CRM is down", times=1)
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.companies.GetCompanies({"CompanyId": made.Id})
    assert fault.value.message == "CRM is down"
    assert client.companies.GetCompanies({"CompanyId": made.Id})[0].Name == "Tolv AS"


def test_W5_an_item_without_members_is_written_as_an_empty_element(master_client):
    """XmlSerializer writes an element with no content as ``<Company />`` (the emulator wrote
    ``<Company></Company>`` when returnProperties left nothing of a company)."""
    client = master_client()
    made, = save(client, {"Name": "Tom AS"})
    resp = client.http.post(client.base_url + "/CRM/Company/V001/CompanyService.asmx", data=(
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
        'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        '<GetCompanies xmlns="http://24sevenOffice.com/webservices"><searchParams>'
        f'<CompanyId>{made.Id}</CompanyId></searchParams><returnProperties>'
        '<string>Note</string></returnProperties></GetCompanies></soap:Body></soap:Envelope>'),
        headers={"Content-Type": "text/xml; charset=utf-8"})
    assert resp.status_code == 200
    assert "<GetCompaniesResult><Company /></GetCompaniesResult>" in resp.text, resp.text
