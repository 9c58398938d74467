"""R6 customer bank accounts (0.56.0 ``/customers/{customerId}/bankaccounts``): the default
account is CompanyService's one account (BankAccountNo ...), both ways; others are kept with the
company. Over a real socket with requests and py24so."""

from __future__ import annotations

from transaction_helpers import exact, rest_fixtures

WRITE = "api.crm.bankdetails:read api.crm.bankdetails:write"


client, call, writer = rest_fixtures(WRITE)



def test_R6_the_default_bank_account_is_companyservices_account(client, call, writer):
    # a fixture customer's bank account, and one saved over SOAP
    assert exact(call("GET", "/customers/1/bankaccounts")) == [
        {"number": "15030612345", "type": "bban", "isDefault": True}]
    made, = client.companies.SaveCompanies({"Company": [{
        "Name": "Konto AS", "BankAccountNo": "NO9386011117947", "BankAccountType": "IBAN",
        "BankAccountCountry": "NO", "BankAccountBic": "DNBANOKK"}]})
    path = f"/customers/{made.Id}/bankaccounts"
    assert exact(call("GET", path)) == [{"number": "NO9386011117947", "type": "iban",
                                         "isDefault": True, "countryCode": "NO",
                                         "bic": "DNBANOKK"}]
    assert exact(call("GET", f"{path}/NO9386011117947"))["bic"] == "DNBANOKK"
    # a second account, made the default: SOAP now shows it as the company's account
    resp = call("POST", path, headers=writer, json={
        "number": "12345678903", "type": "bban", "isDefault": True, "name": "Drift"})
    assert (resp.status_code, exact(resp)) == (201, {
        "number": "12345678903", "type": "bban", "isDefault": True, "name": "Drift"})
    assert [(a["number"], a["isDefault"]) for a in exact(call("GET", path))] == [
        ("NO9386011117947", False), ("12345678903", True)]
    found, = client.companies.GetCompanies({"CompanyId": made.Id}, [])
    assert (found.BankAccountNo, found.BankAccountType) == ("12345678903", "bban")
    # PATCH replaces an account; the default moves back
    resp = call("PATCH", f"{path}/NO9386011117947", headers=writer, json={
        "number": "NO9386011117947", "type": "iban", "isDefault": True, "bic": "NDEANOKK"})
    assert exact(resp) == {"number": "NO9386011117947", "type": "iban", "isDefault": True,
                           "bic": "NDEANOKK"}
    found, = client.companies.GetCompanies({"CompanyId": made.Id}, [])
    assert (found.BankAccountNo, found.BankAccountBic) == ("NO9386011117947", "NDEANOKK")
    # a SOAP client changing the company's account makes that the default
    client.companies.SaveCompanies({"Company": [{"Id": made.Id, "BankAccountNo": "60110512345"}]})
    assert [(a["number"], a["isDefault"]) for a in exact(call("GET", path))] == [
        ("60110512345", True), ("NO9386011117947", False), ("12345678903", False)]
    # the company's other members are untouched
    assert exact(call("GET", f"/customers/{made.Id}"))["name"] == "Konto AS"


def test_R6_bank_account_writes_are_checked_and_scoped(client, call, writer):
    resp = call("POST", "/customers/123/bankaccounts",
                json={"number": "1", "type": "bban", "isDefault": False})
    assert (resp.status_code, exact(resp)["error"]["message"]) == (
        403, "The access token lacks the scope api.crm.bankdetails:write")
    resp = call("POST", "/customers/123/bankaccounts", headers=writer,
                json={"number": "no 1", "type": "giro", "bic": "X"})
    assert (resp.status_code, exact(resp)) == (400, {"error": {
        "name": "ValidationError",
        "message": "Invalid bank account: number (pattern), type (enum), isDefault (required), "
                   "bic (pattern)",
        "payload": {"validationErrors": [
            {"path": "number", "keyword": "pattern"}, {"path": "type", "keyword": "enum"},
            {"path": "isDefault", "keyword": "required"}, {"path": "bic", "keyword": "pattern"}]}}})
    again = call("POST", "/customers/123/bankaccounts", headers=writer,
                 json={"number": "12345678903", "type": "bban", "isDefault": False})
    assert (again.status_code, exact(again)["error"]["message"]) == (
        400, "Customer 123 already has bank account 12345678903")
    missing = call("GET", "/customers/123/bankaccounts/999")
    assert (missing.status_code, exact(missing)["error"]["message"]) == (
        404, "Bank account 999 of customer 123 was not found")
    assert call("GET", "/customers/424242/bankaccounts").status_code == 404
    assert exact(call("GET", "/customers/123/bankaccounts")) == [
        {"number": "12345678903", "type": "bban", "isDefault": True}]


def test_R6_py24so_customer_bank_accounts(tfso_mock, client):
    from py24so import Client24SO, ClientOptions

    oauth = client.info["oauth"]
    options = ClientOptions(base_url=f"{tfso_mock.url}/v1", token_url=f"{tfso_mock.url}/oauth/token")
    with Client24SO(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                    options=options) as api:
        listed = api.customers.bank_accounts.list(10001)
        assert [(a.number, a.is_default) for a in listed] == [("60110512345", True)]
        assert api.customers.bank_accounts.get(10001, "60110512345").type == "bban"
