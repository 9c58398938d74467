"""R6, the rest of the 0.56.0 reads py24so calls, over the client's one state: the
organization's bank accounts and what was booked on them (the chart's bank accounts, the posted
lines), documents (AttachmentService's files by stamp number), the token's user and the
organization's people (the directory, PersonService), the price list (ProductService's prices)
and a product's dimensions and sales type overrides. Over a real socket with requests."""

from __future__ import annotations

import datetime as dt
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import requests
from transaction_helpers import bearer, exact, rest_fixtures, save, transfer

from mockserver.settings import Settings
from mockserver.testing.client import create_client
from mockserver.testing.server import ThreadedEmulator

from helpers import entry, voucher

UTC = dt.UTC
T0 = dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


client, call, writer = rest_fixtures(start=T0)


def mod11_ok(number: str) -> bool:
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    total = sum(int(d) * w for d, w in zip(number[:10], weights, strict=True))
    return (11 - total % 11) % 11 == int(number[10])


# --- /bankaccounts ---------------------------------------------------------------------------


def test_R6_bank_accounts_are_the_charts_bank_accounts_with_the_ledgers_balance(client, call):
    save(client, [transfer("125.00", dt.date(2024, 2, 20)), transfer("-25.50", dt.date(2024, 3, 5))])
    got = exact(call("GET", "/bankaccounts", params={"before": "2024-03-01"}))
    assert [(a["ledgerAccount"], a["name"], a["type"], a["bic"]) for a in got] == [
        ({"number": 1920}, "Bankinnskudd", "bban", "DNBANOKKXXX"),
        ({"number": 1940}, "Bankinnskudd valuta", "bban", "DNBANOKKXXX"),
        ({"number": 1950}, "Bankinnskudd for skattetrekk", "bban", "DNBANOKKXXX")]
    bank = got[0]
    assert len(bank["number"]) == 11 and bank["number"].startswith("1503") and mod11_ok(bank["number"])
    assert len({a["number"] for a in got}) == 3 and len({a["id"] for a in got}) == 3
    assert uuid.UUID(bank["id"])
    assert bank["balance"] == {"amount": Decimal("125.00"), "timestamp": "2024-03-01T00:00:00Z",
                               "currency": {"code": "NOK"}}
    assert "balance" not in got[1]  # nothing booked on it: no balance available
    assert bank["owner"] == {"name": client.info["name"], "organizationNumber": "",
                             "contact": {"name": f"Integrator {client.client_id}",
                                         "email": client.info["username"]}}
    assert bank["transactionType"] == {"number": 9}
    assert bank["createdAt"] == bank["modifiedAt"] == "2024-01-01T00:00:00Z"
    # without "before": today on the client's clock (2024-03-01 08:00): the 5 March line is not in
    assert exact(call("GET", "/bankaccounts"))[0]["balance"]["amount"] == Decimal("125.00")
    later = exact(call("GET", f"/bankaccounts/{bank['id']}", params={"before": "2024-12-31"}))
    assert later["balance"]["amount"] == Decimal("99.50")
    assert {k: v for k, v in later.items() if k != "balance"} == {
        k: v for k, v in bank.items() if k != "balance"}
    assert exact(call("GET", "/bankaccounts", params={"before": "2024-02-20"}))[0].get(
        "balance") is None


def test_R6_bank_account_errors_are_vendor_shaped(tfso_mock, client, call):
    missing = call("GET", f"/bankaccounts/{uuid.UUID(int=7)}")
    assert (missing.status_code, exact(missing)) == (404, {"error": {
        "name": "NotFoundError", "message": f"Bank account {uuid.UUID(int=7)} was not found"}})
    bad = call("GET", "/bankaccounts", params={"before": "1 March"})
    assert (bad.status_code, exact(bad)["error"]["payload"]) == (
        400, {"validationErrors": [{"path": "before", "keyword": "format"}]})
    other = bearer(tfso_mock.url, client, scope="api.bank.transaction:read")
    denied = call("GET", "/bankaccounts", headers=other)
    assert (denied.status_code, exact(denied)) == (403, {"error": {
        "name": "ForbiddenError", "message": "The access token lacks the scope api.bank.account:read"}})


# --- /banktransactions -----------------------------------------------------------------------


def test_R6_bank_transactions_are_the_posted_lines_on_bank_accounts(client, call):
    save(client, [voucher([entry(1920, "125.00", dt.date(2024, 2, 20), InvoiceOcr="12345678903"),
                           entry(1500, "-125.00", dt.date(2024, 2, 20), CustomerId=123)], sort=3),
                  voucher([entry(1920, "-40.00", dt.date(2024, 2, 21), InvoiceReferenceNo="F-9",
                                 BankAccountNo="15035512345"),
                           entry(2400, "40.00", dt.date(2024, 2, 21))], sort=6),
                  voucher([entry(1950, "10.00", dt.date(2024, 2, 22), Comment="Skattetrekk"),
                           entry(1920, "-10.00", dt.date(2024, 2, 22))], sort=10)], sort=1)
    ledger = client.ledger()
    banked = [ln for ln in ledger if ln["account_no"] in (1920, 1950)]
    listed = exact(call("GET", "/bankaccounts"))
    accounts = {a["ledgerAccount"]["number"]: a["id"] for a in listed}
    own = {a["ledgerAccount"]["number"]: {"number": a["number"], "type": "bban"} for a in listed}
    got = exact(call("GET", "/banktransactions", params={"dateFrom": "2024-02-01",
                                                         "dateTo": "2024-02-29"}))
    assert [t["bankTransactionReference"] for t in got] == [ln["line_id"] for ln in banked]
    inbound, outbound, tax_in, tax_out = got
    assert inbound == {
        "bankTransactionReference": banked[0]["line_id"], "type": "inbound",
        "bankAccount": {"id": accounts[1920]},
        "paymentReference": {"type": "ocr", "value": "12345678903"},
        "amount": {"value": Decimal("125.00"), "currency": {"code": "NOK"}},
        "date": "2024-02-20", "toBankAccount": own[1920], "status": "closed",
        "createdAt": "2024-03-01T08:00:00Z", "modifiedAt": "2024-03-01T08:00:00Z"}
    # the own account's side is always there (the vendor: from outbound, to inbound); the line's
    # BankAccountNo is the other side
    assert (outbound["type"], outbound["amount"]["value"], outbound["paymentReference"],
            outbound["fromBankAccount"], outbound["toBankAccount"]) == (
        "outbound", Decimal("40.00"), {"type": "invoiceRef", "value": "F-9"}, own[1920],
        {"number": "15035512345", "type": "bban"})
    assert (tax_in["bankAccount"]["id"], tax_in["paymentReference"], tax_in["toBankAccount"]) == (
        accounts[1950], {"type": "text", "value": "Skattetrekk"}, own[1950])
    assert "toBankAccount" not in tax_out and tax_out["fromBankAccount"] == own[1920]
    assert tax_out["type"] == "outbound"
    only = exact(call("GET", "/banktransactions", params={
        "dateFrom": "2024-02-01", "dateTo": "2024-02-29", "bankAccountId": accounts[1950]}))
    assert only == [tax_in]
    page2 = call("GET", "/banktransactions", params={"dateFrom": "2024-02-01",
                                                     "dateTo": "2024-02-29", "limit": 3, "page": 2})
    assert exact(page2) == [tax_out]
    assert 'rel="previous"' in page2.headers["link"] and 'rel="next"' not in page2.headers["link"]
    assert exact(call("GET", "/banktransactions", params={"dateFrom": "2024-02-21",
                                                         "dateTo": "2024-02-21"})) == [outbound]
    assert exact(call("GET", f"/banktransactions/{banked[0]['line_id']}")) == inbound
    receivable = next(ln for ln in ledger if ln["account_no"] == 1500)
    missing = call("GET", f"/banktransactions/{receivable['line_id']}")
    assert (missing.status_code, exact(missing)["error"]["message"]) == (
        404, f"Bank transaction {receivable['line_id']} was not found")


@pytest.mark.parametrize("params,problems", [
    ({"dateTo": "2024-02-01"}, [{"path": "dateFrom", "keyword": "required"}]),
    ({"dateFrom": "2024-02-02", "dateTo": "2024-02-01"}, [{"path": "dateTo", "keyword": "range"}]),
    ({"dateFrom": "2022-01-01", "dateTo": "2024-02-01"}, [{"path": "dateTo", "keyword": "range"}]),
    ({"dateFrom": "2024-01-01", "dateTo": "2024-02-01", "limit": "101", "bankAccountId": "x"},
     [{"path": "bankAccountId", "keyword": "format"}, {"path": "limit", "keyword": "maximum"}]),
])
def test_R6_bank_transaction_queries_are_validated(call, params, problems):
    resp = call("GET", "/banktransactions", params=params)
    assert resp.status_code == 400
    assert exact(resp)["error"]["payload"] == {"validationErrors": problems}


# --- /me/identifiers, /me/licenses, /organization/people ------------------------------------


def test_R6_me_identifiers_and_licenses_are_the_directorys(tfso_mock, client, call):
    idents = exact(call("GET", "/me/identifiers"))
    assert [(i["type"], i["value"], i["status"]) for i in idents] == [
        ("Email", client.info["username"], "Confirmed")]
    assert exact(call("GET", f"/me/identifiers/{idents[0]['id']}")) == idents[0]
    assert exact(call("GET", "/me/identifiers", params={"status": "Unconfirmed"})) == []
    assert exact(call("GET", "/me/identifiers", params={"type": "Email"})) == idents
    bad = call("GET", "/me/identifiers", params={"status": "maybe"})
    assert exact(bad)["error"]["payload"] == {"validationErrors": [{"path": "status",
                                                                    "keyword": "enum"}]}
    licenses = exact(call("GET", "/me/licenses"))
    assert [{k: v for k, v in x.items() if k != "id"} for x in licenses] == [
        {"name": i["name"], "organizationId": i["client_id"], "identityId": i["identity_id"],
         "personId": client.client_id} for i in client.info["identities"]]
    assert exact(call("GET", "/me/licenses", params={"organizationId": client.client_id})) == [
        licenses[0]]
    assert exact(call("GET", "/me/licenses", params={"personId": 1})) == []
    org = exact(call("GET", f"/me/licenses/{licenses[0]['id']}/organization"))
    assert org["name"] == client.info["name"] and uuid.UUID(org["id"])
    assert set(org) == {"id", "name"}
    missing = call("GET", f"/me/licenses/{uuid.UUID(int=1)}/organization")
    assert (missing.status_code, exact(missing)["error"]["message"]) == (
        404, f"License {uuid.UUID(int=1)} was not found")


def test_R6_organization_people_are_its_users_and_persons(client, call):
    kari = client.persons.SavePerson({"FirstName": "Kari", "LastName": "Nordmann",
                                      "CustomerId": 123})
    ola = client.persons.SavePerson({"FirstName": "Ola", "LastName": "Hansen"})
    identity = client.info["identity_id"]
    got = exact(call("GET", "/organization/people"))
    assert got == sorted([
        {"id": client.client_id, "identityId": identity, "firstName": "Integrator",
         "lastName": str(client.client_id), "personType": "Organization", "hasLicense": True},
        {"id": kari, "identityId": None, "firstName": "Kari", "lastName": "Nordmann",
         "personType": "Client", "hasLicense": False},
        {"id": ola, "identityId": None, "firstName": "Ola", "lastName": "Hansen",
         "personType": "Basic", "hasLicense": False}], key=lambda p: p["id"])
    assert exact(call("GET", f"/organization/people/{ola}")) == next(
        p for p in got if p["id"] == ola)
    assert exact(call("GET", "/organization/people", params={"personType": "Client"})) == [
        next(p for p in got if p["id"] == kari)]
    wrong_type = call("GET", f"/organization/people/{ola}", params={"personType": "Client"})
    assert wrong_type.status_code == 404
    missing = call("GET", "/organization/people/999999")
    assert (missing.status_code, exact(missing)) == (404, {"error": {
        "name": "NotFoundError", "message": "Person 999999 was not found"}})
    bad = call("GET", "/organization/people/abc")
    assert (bad.status_code, exact(bad)["error"]["payload"]) == (
        400, {"validationErrors": [{"path": "id", "keyword": "type"}]})


# --- /pricelists -----------------------------------------------------------------------------


def test_R6_the_price_list_prices_are_the_products_prices(client, call):
    made = client.products.SaveProducts({"Product": [
        {"Name": "Sko", "Price": Decimal("499.90")}, {"Name": "Lisser", "Price": Decimal("19")},
        {"Name": "Gratis"}]})
    ids = [p.Id for p in made]
    lists = exact(call("GET", "/pricelists"))
    assert lists == [{"id": 1, "name": "Standard", "description": None, "currencyCode": "NOK",
                      "isInclusiveTax": False}]
    assert exact(call("GET", "/pricelists/1")) == lists[0]
    assert exact(call("GET", "/pricelists/1/prices")) == [
        {"productId": ids[0], "price": Decimal("499.90")},
        {"productId": ids[1], "price": Decimal("19")}, {"productId": ids[2], "price": 0}]
    wanted = f"{ids[0]}..{ids[1]},{ids[2] + 100}"
    assert [p["productId"] for p in exact(call("GET", "/pricelists/1/prices",
                                               params={"productIds": wanted}))] == ids[:2]
    client.products.SaveProducts({"Product": [{"Id": ids[1], "Price": Decimal("21.50")}]})
    assert exact(call("GET", "/pricelists/1/prices", params={"productIds": str(ids[1])})) == [
        {"productId": ids[1], "price": Decimal("21.50")}]
    missing = call("GET", "/pricelists/2")
    assert (missing.status_code, exact(missing)["error"]["message"]) == (
        404, "Pricelist 2 was not found")
    bad = call("GET", "/pricelists/1/prices", params={"productIds": "1-3"})
    assert (bad.status_code, exact(bad)["error"]["payload"]) == (
        400, {"validationErrors": [{"path": "productIds", "keyword": "pattern"}]})


# --- /products/{id}/dimensions and /salestypeOverrides ---------------------------------------


def test_R6_product_dimensions_and_sales_type_overrides_stay_with_the_product(
        tfso_mock, client, call):
    save(client, [voucher([entry(1920, "10.00", dt.date(2024, 2, 1), ProjectId=13),
                           entry(3000, "-10.00", dt.date(2024, 2, 1))], sort=10)], sort=10)
    made, = client.products.SaveProducts({"Product": [{"Name": "Sko", "Price": Decimal("10")}]})
    pid = made.Id
    writer = bearer(tfso_mock.url, client, scope=(
        "api.product.dimension:read api.product.dimension:write "
        "api.product.salestype:read api.product.salestype:write"))
    assert exact(call("GET", f"/products/{pid}/dimensions")) == []
    put = call("PUT", f"/products/{pid}/dimensions/1", headers=writer, json={"value": "13"})
    assert (put.status_code, exact(put)) == (200, [
        {"dimensionType": 1, "dimensionTypeName": "Project", "value": "13",
         "name": "Project with ID 13"}])
    put = call("PUT", f"/products/{pid}/dimensions/2", headers=writer, json={"value": "7"})
    assert [d["value"] for d in exact(put)] == ["13", "7"]
    client.products.SaveProducts({"Product": [{"Id": pid, "Price": Decimal("12")}]})  # SOAP
    assert [d["value"] for d in exact(call("GET", f"/products/{pid}/dimensions"))] == ["13", "7"]
    gone = call("DELETE", f"/products/{pid}/dimensions/1", headers=writer)
    assert (gone.status_code, gone.text) == (204, "")
    assert call("DELETE", f"/products/{pid}/dimensions/1", headers=writer).status_code == 204
    assert [d["dimensionType"] for d in exact(call("GET", f"/products/{pid}/dimensions"))] == [2]
    bad = call("PUT", f"/products/{pid}/dimensions/2", headers=writer, json={"value": 7, "x": 1})
    assert (bad.status_code, exact(bad)) == (400, {"error": {
        "name": "ValidationError", "message": "Invalid product dimension: x (additionalProperties), value (type)",
        "payload": {"validationErrors": [{"path": "x", "keyword": "additionalProperties"},
                                         {"path": "value", "keyword": "type"}]}}})
    assert call("PUT", f"/products/{pid}/dimensions/77", headers=writer,
                json={"value": "1"}).status_code == 404
    read_only = call("PUT", f"/products/{pid}/dimensions/2", json={"value": "1"})
    assert read_only.status_code == 403

    types = exact(call("GET", "/salestypes"))
    assert exact(call("GET", f"/products/{pid}/salestypeOverrides")) == []
    put = call("PUT", f"/products/{pid}/salestypeOverrides/{types[0]['id']}", headers=writer,
               json={"accountNumber": 3000})
    assert (put.status_code, exact(put)) == (200, {"productId": pid, "salesTypeId": types[0]["id"],
                                                   "accountNumber": 3000})
    assert exact(call("GET", f"/products/{pid}/salestypeOverrides")) == [exact(put)]
    unknown = call("PUT", f"/products/{pid}/salestypeOverrides/{types[0]['id']}",
                   headers=writer, json={"accountNumber": 1234})
    assert (unknown.status_code, exact(unknown)["error"]["payload"]) == (
        400, {"validationErrors": [{"path": "accountNumber", "keyword": "enum"}]})
    cleared = call("PUT", f"/products/{pid}/salestypeOverrides/{types[0]['id']}",
                   headers=writer, json={"accountNumber": None})
    assert (cleared.status_code, cleared.text) == (204, "")
    assert exact(call("GET", f"/products/{pid}/salestypeOverrides")) == []
    assert call("PUT", f"/products/{pid}/salestypeOverrides/999", headers=writer,
                json={"accountNumber": 3000}).status_code == 404
    assert call("DELETE", f"/products/{pid}/salestypeOverrides/1",
                headers=writer).status_code == 204
    missing = call("GET", "/products/999999/dimensions")
    assert (missing.status_code, exact(missing)["error"]["message"]) == (
        404, "Product 999999 was not found")


def test_R6_concurrent_link_puts_on_one_product_lose_none():
    """Eight threads PUT the same product's dimensions (types 1-5) and sales type overrides
    (1-3) at once over real HTTP, each its own pair, and read it back after every PUT: the
    ledger's one read-modify-write under its lock loses no other thread's pair. The emulator
    serves with ``threads`` (every request on a worker thread) and the
    interpreter switches threads often, so requests really interleave."""
    with ThreadedEmulator(Settings(serving="threads", threads=8, rate_limit=0)) as emulator:
        client = create_client(emulator.url, emulator.admin_headers(), fiscal_years=[2024])
        client.login()
        made, = client.products.SaveProducts({"Product": [{"Name": "Hamret"}]})
        pid = made.Id
        writer = bearer(emulator.url, client, scope=(
            "api.product.dimension:read api.product.dimension:write "
            "api.product.salestype:read api.product.salestype:write"))
        accounts = (1920, 1940, 1950, 3000)
        rounds = 20
        start = threading.Barrier(8)

        def hammer(n: int) -> list[str]:
            lost = []
            with requests.Session() as http:
                def go(method, path, **kw):
                    return http.request(method, f"{emulator.url}/v1/products/{pid}{path}",
                                        headers=writer, timeout=60, **kw)

                start.wait()
                for r in range(rounds):
                    if n < 5:  # dimension type n + 1
                        put = go("PUT", f"/dimensions/{n + 1}", json={"value": f"{n}-{r}"})
                        assert put.status_code == 200, put.text
                        got = {d["dimensionType"]: d["value"]
                               for d in go("GET", "/dimensions").json()}
                        if got.get(n + 1) != f"{n}-{r}":
                            lost.append(f"dimension {n + 1} round {r}: {got.get(n + 1)}")
                    else:  # sales type n - 4
                        account = accounts[(n + r) % len(accounts)]
                        put = go("PUT", f"/salestypeOverrides/{n - 4}",
                                 json={"accountNumber": account})
                        assert put.status_code == 200, put.text
                        got = {o["salesTypeId"]: o["accountNumber"]
                               for o in go("GET", "/salestypeOverrides").json()}
                        if got.get(n - 4) != account:
                            lost.append(f"sales type {n - 4} round {r}: {got.get(n - 4)}")
            return lost

        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)  # threads switch often: overlapping requests interleave
        try:
            with ThreadPoolExecutor(8) as pool:
                lost = [x for found in pool.map(hammer, range(8)) for x in found]
        finally:
            sys.setswitchinterval(interval)
        assert lost == []
        dims = exact(requests.get(f"{emulator.url}/v1/products/{pid}/dimensions",
                                  headers=writer, timeout=30))
        assert [(d["dimensionType"], d["value"]) for d in dims] == [
            (n + 1, f"{n}-{rounds - 1}") for n in range(5)]
        overrides = exact(requests.get(f"{emulator.url}/v1/products/{pid}/salestypeOverrides",
                                       headers=writer, timeout=30))
        assert overrides == [{"productId": pid, "salesTypeId": n - 4,
                              "accountNumber": accounts[(n + rounds - 1) % len(accounts)]}
                             for n in range(5, 8)]


# --- /documents/{documentId} -------------------------------------------------------------------


def upload(client, content: bytes, stamp_no: int, image_type: str) -> None:
    svc = client.attachments
    made = svc.Create(image_type)
    ref = {"Id": made.Id, "Type": made.Type, "StampNo": 0}
    svc.AppendChunk(ref, content, 0)
    svc.Save({**ref, "FrameInfo": {"ImageFrameInfo": [{"Id": 0, "StampNo": stamp_no,
                                                        "Status": 0}]}}, "Journal")


def test_R6_a_lines_document_id_is_attachment_services_files(tfso_mock, client, call):
    pdf, png = b"%PDF-1.4 first page", b"\x89PNG\r\n\x1a\nsecond page"
    upload(client, pdf, 4711, "Pdf")
    upload(client, png, 4711, "Png")
    save(client, [voucher([entry(1920, "50.00", dt.date(2024, 2, 15), StampNo=4711),
                           entry(3900, "-50.00", dt.date(2024, 2, 15), StampNo=4711)], sort=10)],
         sort=10)
    line = exact(call("GET", "/transactionlines", params={"dateFrom": "2024-01-01",
                                                          "dateTo": "2024-12-31"}))[0]
    doc = exact(call("GET", f"/documents/{line['documentId']}"))
    url = f"{tfso_mock.url}/v1/documents/4711/content"
    assert doc == {"documentId": 4711, "contentType": "application/pdf", "downloadUrl": url,
                   "pages": [{"sequenceNumber": 1, "thumbnailUrl": f"{url}?page=1",
                              "previewUrl": f"{url}?page=1"},
                             {"sequenceNumber": 2, "thumbnailUrl": f"{url}?page=2",
                              "previewUrl": f"{url}?page=2"}]}
    token = bearer(tfso_mock.url, client)
    first = requests.get(doc["downloadUrl"], headers=token, timeout=30)
    assert (first.status_code, first.headers["Content-Type"], first.content) == (
        200, "application/pdf", pdf)
    second = requests.get(doc["pages"][1]["previewUrl"], headers=token, timeout=30)
    assert (second.headers["Content-Type"], second.content) == ("image/png", png)
    assert requests.get(doc["downloadUrl"], timeout=30).status_code == 401
    missing = call("GET", "/documents/4712")
    assert (missing.status_code, exact(missing)) == (404, {"error": {
        "name": "NotFoundError", "message": "Document 4712 was not found"}})
