"""R6 customers (the vendor's OpenAPI v0.56.0 ``/customers``): CompanyService's companies over
REST, one state: a company saved over SOAP is the customer of the same id, and a customer
created or changed over REST is what SOAP GetCompanies answers. Over a real socket with
requests and with py24so (configured only with base_url and token_url)."""

from __future__ import annotations

import datetime as dt

import pytest
from transaction_helpers import exact, rest_fixtures, rich_sale, save

UTC = dt.UTC
WRITE = "api.crm.customer:read api.crm.customer:write"
T0 = dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


client, call, writer = rest_fixtures(WRITE, start=T0)



EMPTY_ADDRESS = {
    "visit": {"countryCode": None, "street": None, "postalCode": None, "postalArea": None,
              "countrySubdivision": None},
    "postal": {"street": None, "postalCode": None, "postalArea": None, "countrySubdivision": None},
    "billing": {"name": None, "street": None, "postalCode": None, "postalArea": None,
                "countrySubdivision": None, "countryCode": None},
    "delivery": {"name": None, "street": None, "postalCode": None, "postalArea": None,
                 "countrySubdivision": None, "countryCode": None},
}


def test_R6_a_company_saved_over_soap_is_the_customer_of_the_same_id(client, call):
    made, = client.companies.SaveCompanies({"Company": [{
        "Name": "Fjordkunde AS", "OrganizationNumber": "987 654 321", "ExternalId": "ERP-7",
        "Type": "Business", "PriceList": 3,
        "Addresses": {"Visit": {"Street": "Kaigata 1", "PostalCode": "5003",
                                "PostalArea": "Bergen", "Country": "NO", "State": "Vestland"},
                      "Invoice": {"Name": "Fjordkunde AS, faktura", "Street": "Postboks 9",
                                  "PostalCode": "5804", "PostalArea": "Bergen", "Country": "NO"}},
        "EmailAddresses": {"Primary": {"Value": "post@fjord.no"},
                           "Invoice": {"Value": "faktura@fjord.no"}},
        "PhoneNumbers": {"Primary": {"Value": "+47 55 00 00 00"},
                         "Mobile": {"Value": "+47 900 00 000"}}}]})
    assert made.APIException is None
    resp = call("GET", f"/customers/{made.Id}")
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    assert exact(resp) == {
        "id": made.Id, "name": "Fjordkunde AS", "externalReference": "ERP-7", "pricelistId": 3,
        "isCompany": True, "isSupplier": False, "organizationNumber": "987 654 321",
        "address": {**EMPTY_ADDRESS,
                    "visit": {"countryCode": "NO", "street": "Kaigata 1", "postalCode": "5003",
                              "postalArea": "Bergen", "countrySubdivision": "Vestland"},
                    "billing": {"name": "Fjordkunde AS, faktura", "street": "Postboks 9",
                                "postalCode": "5804", "postalArea": "Bergen",
                                "countrySubdivision": None, "countryCode": "NO"}},
        "email": {"contact": "post@fjord.no", "billing": "faktura@fjord.no"},
        "phone": "+47 55 00 00 00", "mobilePhone": "+47 900 00 000",
        "createdAt": "2024-03-01T08:00:00Z", "modifiedAt": "2024-03-01T08:00:00Z"}
    # a consumer is a person, a supplier is isSupplier
    person, supplier = client.companies.SaveCompanies({"Company": [
        {"Name": "Nordmann", "FirstName": "Kari", "Type": "Consumer"},
        {"Name": "Leverandør Vest AS", "Type": "Supplier"}]})
    got = exact(call("GET", f"/customers/{person.Id}"))
    assert (got["name"], got["person"], got["isCompany"], got["isSupplier"]) == (
        "Kari Nordmann", {"firstName": "Kari", "lastName": "Nordmann"}, False, False)
    assert "organizationNumber" not in got
    got = exact(call("GET", f"/customers/{supplier.Id}"))
    assert (got["isCompany"], got["isSupplier"], "person" in got) == (True, True, False)


def test_R6_customers_created_and_changed_over_rest_are_companies_over_soap(client, call, writer):
    resp = call("POST", "/customers", headers=writer, json={
        "isCompany": True, "name": "Rest Kunde AS", "organizationNumber": "912345678",
        "externalReference": "EXT-1", "email": {"contact": "a@rest.no"},
        "address": {"postal": {"street": "Boks 1", "postalCode": "0101", "postalArea": "Oslo"}},
        "mobilePhone": "+47 400 00 000"})
    assert resp.status_code == 200, resp.text
    company = exact(resp)
    assert company["id"] >= 10000 and company["name"] == "Rest Kunde AS"
    found, = client.companies.GetCompanies({"CompanyId": company["id"]}, [])
    assert (found.Name, found.OrganizationNumber, found.ExternalId, found.Type) == (
        "Rest Kunde AS", "912345678", "EXT-1", "Business")
    assert found.EmailAddresses.Primary.Value == "a@rest.no"
    assert found.Addresses.Post.Street == "Boks 1"
    assert found.PhoneNumbers.Mobile.Value == "+47 400 00 000"

    client.set_time(T0 + dt.timedelta(minutes=10))
    resp = call("PATCH", f"/customers/{company['id']}", headers=writer, json={
        "isSupplier": True, "externalReference": None, "email": {"billing": "b@rest.no"},
        "address": {"postal": {"postalArea": "OSLO"}}})
    assert resp.status_code == 200, resp.text
    changed = exact(resp)
    assert changed == {**company, "externalReference": None, "isSupplier": True,
                       "email": {"contact": "a@rest.no", "billing": "b@rest.no"},
                       "address": {**company["address"], "postal": {
                           "street": "Boks 1", "postalCode": "0101", "postalArea": "OSLO",
                           "countrySubdivision": None}},
                       "modifiedAt": "2024-03-01T08:10:00Z"}
    assert exact(call("GET", f"/customers/{company['id']}")) == changed
    found, = client.companies.GetCompanies({"CompanyId": company["id"]}, [])
    assert (found.Type, found.Addresses.Post.PostalArea, found.EmailAddresses.Invoice.Value) == (
        "Supplier", "OSLO", "b@rest.no")

    person = exact(call("POST", "/customers", headers=writer, json={
        "isCompany": False, "person": {"firstName": "Ola", "lastName": "Nordmann"},
        "id": 777}))
    assert (person["id"], person["name"], person["isCompany"]) == (777, "Ola Nordmann", False)
    found, = client.companies.GetCompanies({"CompanyId": 777}, [])
    assert (found.FirstName, found.Name, found.Type, found.Private) == (
        "Ola", "Nordmann", "Consumer", True)
    again = call("POST", "/customers", headers=writer, json={"isCompany": True, "name": "X",
                                                             "id": 777})
    assert (again.status_code, exact(again)) == (400, {"error": {
        "name": "BadRequestError", "message": "Customer 777 already exists"}})


def test_R6_customers_list_filters_sorts_and_pages(client, call, writer):
    for body in ({"isCompany": True, "name": "Alfa AS", "organizationNumber": "911111111"},
                 {"isCompany": True, "name": "beta AS", "isSupplier": True},
                 {"isCompany": False, "person": {"firstName": "Åse", "lastName": "Ås"}}):
        client.advance(minutes=10)
        assert call("POST", "/customers", headers=writer, json=body).status_code == 200
    everyone = exact(call("GET", "/customers"))
    # the fixtures' customers first (by id), then the new ones
    assert [c["id"] for c in everyone] == [1, 123, 10001, 10002, 10003, 10004]
    assert [c["name"] for c in everyone][3:] == ["Alfa AS", "beta AS", "Åse Ås"]

    def names(**params):
        resp = call("GET", "/customers", params=params)
        assert resp.status_code == 200, resp.text
        return [c["name"] for c in exact(resp)]

    assert names(isCompany="false") == ["Åse Ås"]
    assert names(isSupplier="true") == ["beta AS"]
    assert names(organizationNumber="911 111 111") == ["Alfa AS"]
    assert names(createdFrom="2024-03-01T08:20:00Z") == ["beta AS", "Åse Ås"]
    assert names(modifiedFrom="2024-03-01T08:30:00+00:00") == ["Åse Ås"]
    assert names(createdFrom="2024-03-02") == []
    assert names(sortBy="name:desc") == ["Åse Ås", "Leverandør AS", "Kunde Nordmann AS",
                                         "Fjordkraft Handel AS", "beta AS", "Alfa AS"]
    assert names(sortBy="id:desc")[0] == "Åse Ås"

    first = call("GET", "/customers", params={"limit": 4, "sortBy": "id:asc"})
    assert [c["id"] for c in exact(first)] == [1, 123, 10001, 10002]
    nxt = first.links["next"]["url"]
    assert first.links["first"]["url"].endswith("/v1/customers?limit=4&sortBy=id%3Aasc")
    second = call("GET", nxt.split("/v1", 1)[1])
    assert [c["id"] for c in exact(second)] == [10003, 10004]
    assert "next" not in second.links and "previous" in second.links

    bad = call("GET", "/customers", params={"limit": 0, "isCompany": "yes",
                                             "createdFrom": "yesterday", "sortBy": "name"})
    assert (bad.status_code, exact(bad)["error"]["payload"]["validationErrors"]) == (400, [
        {"path": "limit", "keyword": "minimum"}, {"path": "isCompany", "keyword": "type"},
        {"path": "createdFrom", "keyword": "format"}, {"path": "sortBy", "keyword": "pattern"}])


def test_R6_customer_writes_are_checked_and_scoped(client, call, writer):
    resp = call("POST", "/customers", json={"isCompany": True, "name": "X"})  # read token
    assert (resp.status_code, exact(resp)) == (403, {"error": {
        "name": "ForbiddenError", "message": "The access token lacks the scope "
                                             "api.crm.customer:write"}})
    resp = call("POST", "/customers", headers=writer, json={
        "isCompany": True, "organizationNumber": 12, "person": {"firstName": "A"},
        "mobilePhone": "9" * 26, "address": {"visit": {"countryCode": "NOR"}}})
    assert resp.status_code == 400
    assert exact(resp) == {"error": {
        "name": "ValidationError",
        "message": "Invalid customer: name (required), organizationNumber (type), person (not), "
                   "address.visit.countryCode (maxLength), mobilePhone (maxLength)",
        "payload": {"validationErrors": [
            {"path": "name", "keyword": "required"},
            {"path": "organizationNumber", "keyword": "type"},
            {"path": "person", "keyword": "not"},
            {"path": "address.visit.countryCode", "keyword": "maxLength"},
            {"path": "mobilePhone", "keyword": "maxLength"}]}}}
    resp = call("POST", "/customers", headers=writer, json={"name": "No flag"})
    assert exact(resp)["error"]["payload"]["validationErrors"] == [
        {"path": "isCompany", "keyword": "required"}]
    resp = call("POST", "/customers", headers=writer, json={"isCompany": False, "name": "N"})
    assert exact(resp)["error"]["payload"]["validationErrors"] == [
        {"path": "name", "keyword": "not"}, {"path": "person", "keyword": "required"}]
    resp = call("POST", "/customers", headers=writer, data="isCompany=true")
    assert resp.status_code == 415
    assert exact(call("GET", "/customers")) and len(exact(call("GET", "/customers"))) == 3

    missing = call("GET", "/customers/424242")
    assert (missing.status_code, exact(missing)) == (404, {"error": {
        "name": "NotFoundError", "message": "Customer 424242 was not found"}})
    assert call("PATCH", "/customers/424242", headers=writer, json={}).status_code == 404
    assert call("GET", "/customers/abc").status_code == 400

    # a customer with ledger lines is not deleted (M2); one without is, and is gone
    save(client, [rich_sale(10000)])
    used = call("DELETE", "/customers/123", headers=writer)
    assert (used.status_code, exact(used)["error"]["name"]) == (400, "BadRequestError")
    made = exact(call("POST", "/customers", headers=writer, json={"isCompany": True,
                                                                  "name": "Kortvarig AS"}))
    gone = call("DELETE", f"/customers/{made['id']}", headers=writer)
    assert (gone.status_code, gone.text) == (204, "")
    assert call("GET", f"/customers/{made['id']}").status_code == 404
    assert client.companies.GetCompanies({"CompanyId": made["id"]}, []) is None  # zeep: an empty array


def test_R6_py24so_customers(tfso_mock, client):
    from py24so import Client24SO, ClientOptions, PermissionDeniedError
    from py24so.models import CustomerCreate, CustomerPerson

    oauth = client.info["oauth"]
    options = ClientOptions(base_url=f"{tfso_mock.url}/v1", token_url=f"{tfso_mock.url}/oauth/token")
    client.companies.SaveCompanies({"Company": [{"Name": "Soap Kunde AS", "Type": "Business"}]})
    with Client24SO(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                    options=options) as api:
        listed = list(api.customers.list(page_size=2))
        assert [c.id for c in listed] == [1, 123, 10001, 10002]
        assert api.customers.get(10002).name == "Soap Kunde AS"
        assert [c.id for c in api.customers.list(is_company=True, sort_by="name:asc")][-1] == 10002
        # py24so asks for no scope: its token reads; a write is a 403
        with pytest.raises(PermissionDeniedError):
            api.customers.create(CustomerCreate(
                is_company=False, person=CustomerPerson(first_name="Kari", last_name="N")))
    assert client.companies.GetCompanies({"CompanyId": 10003}, []) is None  # zeep: an empty array


def test_R6_a_patch_cannot_blank_a_customers_name(client, call, writer):
    """Interpretation CUSTOMER_NAME_KEPT: the PATCH's ``name`` is nullable in 0.56.0, but null,
    "" or white space would leave a company without the Name SaveCompanies requires at creation:
    the 400 ValidationError the POST of such a name gets, nothing changed. A person's lastName
    (CompanyService's Name) likewise; other members are still cleared by null."""
    company = exact(call("POST", "/customers", headers=writer, json={
        "isCompany": True, "name": "Navn AS", "organizationNumber": "912345678"}))
    person = exact(call("POST", "/customers", headers=writer, json={
        "isCompany": False, "person": {"firstName": "Kari", "lastName": "Nordmann"}}))
    refusal = {"error": {"name": "ValidationError", "message": "Invalid customer: name (required)",
                         "payload": {"validationErrors": [{"path": "name", "keyword": "required"}]}}}
    for blank in (None, "", "   "):
        resp = call("PATCH", f"/customers/{company['id']}", headers=writer,
                    json={"name": blank, "externalReference": "X"})
        assert (resp.status_code, exact(resp)) == (400, refusal), resp.text
        resp = call("PATCH", f"/customers/{person['id']}", headers=writer,
                    json={"person": {"lastName": blank}})
        assert (resp.status_code, exact(resp)) == (400, {"error": {
            "name": "ValidationError", "message": "Invalid customer: person.lastName (required)",
            "payload": {"validationErrors": [{"path": "person.lastName", "keyword": "required"}]}}})
    assert exact(call("GET", f"/customers/{company['id']}")) == company
    assert exact(call("GET", f"/customers/{person['id']}")) == person
    found, = client.companies.GetCompanies({"CompanyId": company["id"]}, [])
    assert (found.Name, found.ExternalId) == ("Navn AS", None)
    # a real name is taken, and null still clears a member that may be empty
    resp = call("PATCH", f"/customers/{company['id']}", headers=writer,
                json={"name": "Nytt Navn AS", "organizationNumber": None})
    assert resp.status_code == 200, resp.text
    assert (exact(resp)["name"], exact(resp)["organizationNumber"]) == ("Nytt Navn AS", None)
    resp = call("PATCH", f"/customers/{person['id']}", headers=writer,
                json={"person": {"firstName": None}})
    assert (resp.status_code, exact(resp)["name"]) == (200, "Nordmann")


def test_R6_py24so_cannot_blank_a_customers_name(tfso_mock, tfso_new_client):
    from py24so import Client24SO, ClientOptions, ValidationError
    from py24so.models import CustomerUpdate

    client = tfso_new_client(fiscal_years=[2024], oauth={"scopes": WRITE.split()})
    oauth = client.info["oauth"]
    options = ClientOptions(base_url=f"{tfso_mock.url}/v1", token_url=f"{tfso_mock.url}/oauth/token")
    with Client24SO(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                    options=options) as api:
        made = api.customers.create({"is_company": True, "name": "Py Kunde AS"})
        for blank in (None, ""):
            with pytest.raises(ValidationError) as caught:
                api.customers.update(made.id, CustomerUpdate(name=blank))
            assert caught.value.validation_errors == [{"path": "name", "keyword": "required"}]
        assert api.customers.get(made.id).name == "Py Kunde AS"
        assert api.customers.update(made.id, CustomerUpdate(name="Py Kunde 2 AS")).name == "Py Kunde 2 AS"
