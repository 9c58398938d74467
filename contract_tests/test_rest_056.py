"""R5-R7 (the vendor's OpenAPI v0.56.0): /transactionlines' createdFrom/modifiedFrom, periodDate
and documentId; the read endpoints over the client's one state, each with its scopes; POST
/transactions through SaveBundleList's rules; 501 for what is not served. Over a real socket
with requests, with py24so (configured only with base_url and token_url) and with schemathesis
over every served operation of /v1/openapi.json."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
import requests
from transaction_helpers import ALL_SCOPES, bearer, rich_sale, save, transfer

from helpers import entry, voucher

UTC = dt.UTC
READ = "api.accounting.transaction:read"
WRITE = "api.accounting.transaction:write"


@pytest.fixture
def client(tfso_new_client):
    c = tfso_new_client(fiscal_years=[2024])
    yield c
    c.reset_clock()


@pytest.fixture
def call(tfso_mock, client):
    """A request to /v1 with the client's (default) bearer token."""
    headers = bearer(tfso_mock.url, client)

    def go(method: str, path: str, headers=headers, **kw) -> requests.Response:
        return requests.request(method, f"{tfso_mock.url}/v1{path}", headers=headers, timeout=30,
                                **kw)

    return go


def exact(resp: requests.Response):
    """The JSON body with every fraction as Decimal, trackingId dropped after a shape check."""
    data = json.loads(resp.text, parse_float=Decimal)
    if isinstance(data, dict) and "trackingId" in data:
        assert len(data.pop("trackingId")) == 12
    return data


def lines(call, **params) -> list[dict]:
    resp = call("GET", "/transactionlines", params={"dateFrom": "2024-01-01",
                                                    "dateTo": "2025-01-01", **params})
    assert resp.status_code == 200, resp.text
    return exact(resp)


# --- R5: createdFrom / modifiedFrom, periodDate, documentId ------------------------------------


def test_R5_created_and_modified_from_follow_the_clients_clock(client, call):
    """Posting sets createdAt and modifiedAt; a due-date change and a link set modifiedAt only.
    createdFrom/modifiedFrom and their deprecated twins are inclusive and agree. (Steps of
    minutes: the SOAP session ends after 20 idle minutes.)"""
    t1 = dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    client.set_time(t1)
    save(client, [transfer("100.00", dt.date(2024, 2, 1))])
    t2 = client.set_time(t1 + dt.timedelta(minutes=5))
    save(client, [transfer("200.00", dt.date(2024, 2, 2))])
    first, second = client.ledger()[0:2], client.ledger()[2:4]
    t3 = client.set_time(t1 + dt.timedelta(minutes=10))
    client.account.UpdateEntryDueDate({"EntryItem": [{"LineId": first[1]["line_id"],
                                                      "DueDate": dt.datetime(2024, 4, 1)}]})
    t4 = client.set_time(t1 + dt.timedelta(minutes=15))
    link = client.account.CreateLink()
    assert client.account.AddLinkEntries({"LineIds": {"guid": [second[0]["line_id"]]},
                                          "LinkId": link}) is True

    def ids(**params) -> list[str]:
        return [i["id"] for i in lines(call, **params)]

    everything = [ln["line_id"] for ln in first + second]
    assert ids() == everything
    z = "%Y-%m-%dT%H:%M:%SZ"
    assert ids(createdFrom=t1.strftime(z)) == everything
    assert ids(createdFrom=t2.strftime(z)) == [ln["line_id"] for ln in second]
    assert ids(createdAfter=t2.strftime(z)) == [ln["line_id"] for ln in second]
    assert ids(createdFrom=(t2 + dt.timedelta(milliseconds=1)).isoformat()) == []
    assert ids(modifiedFrom=t3.strftime(z)) == [first[1]["line_id"], second[0]["line_id"]]
    assert ids(modifiedAfter=t4.strftime(z)) == [second[0]["line_id"]]
    # an offset other than Z, and no offset at all (UTC), name the same instant
    assert ids(modifiedFrom="2024-03-01T09:10:00+01:00") == [first[1]["line_id"],
                                                            second[0]["line_id"]]
    assert ids(modifiedFrom="2024-03-01T08:10:00") == ids(modifiedFrom=t3.strftime(z))
    assert ids(modifiedFrom="2024-03-02T00:00:00Z") == []  # "since tomorrow": nothing
    # both twins given: both must hold; combined with the other filters
    assert ids(createdFrom=t1.strftime(z), createdAfter=t2.strftime(z)) == [
        ln["line_id"] for ln in second]
    assert ids(modifiedFrom=t3.strftime(z), accountNumber=1920) == [second[0]["line_id"]]
    by_id = {i["id"]: i for i in lines(call)}
    assert by_id[first[1]["line_id"]]["createdAt"] == "2024-03-01T08:00:00Z"
    assert by_id[first[1]["line_id"]]["modifiedAt"] == "2024-03-01T08:10:00Z"
    assert by_id[second[0]["line_id"]]["modifiedAt"] == "2024-03-01T08:15:00Z"
    assert by_id[first[0]["line_id"]]["modifiedAt"] == "2024-03-01T08:00:00Z"


def test_R5_journal_approval_sets_modified_at(client, call):
    client.set_time(dt.datetime(2024, 5, 1, 12, 0, tzinfo=UTC))
    save(client, [transfer("10.00", dt.date(2024, 4, 3))], save_option=1)
    assert lines(call) == []
    client.set_time(dt.datetime(2024, 5, 2, 12, 0, tzinfo=UTC))
    assert client.approve_journal() == 2
    got = lines(call, modifiedFrom="2024-05-02T12:00:00Z")
    assert [(i["createdAt"], i["modifiedAt"]) for i in got] == [
        ("2024-05-01T12:00:00Z", "2024-05-02T12:00:00Z")] * 2
    assert lines(call, createdFrom="2024-05-02T00:00:00Z") == []


@pytest.mark.parametrize("params,errors", [
    ({"createdFrom": "yesterday"}, [{"path": "createdFrom", "keyword": "format"}]),
    ({"modifiedFrom": "2024-01-01"}, [{"path": "modifiedFrom", "keyword": "format"}]),
    ({"createdAfter": "2024-13-01T00:00:00Z", "modifiedAfter": "2024-01-01T25:00:00Z"},
     [{"path": "createdAfter", "keyword": "format"}, {"path": "modifiedAfter", "keyword": "format"}]),
])
def test_R5_malformed_timestamps_are_a_400(call, params, errors):
    resp = call("GET", "/transactionlines", params={"dateFrom": "2024-01-01",
                                                    "dateTo": "2025-01-01", **params})
    assert resp.status_code == 400
    assert exact(resp)["error"]["payload"] == {"validationErrors": errors}


def test_R5_period_date_and_document_id_on_every_item(client, call):
    save(client, [voucher([entry(1920, "50.00", dt.date(2024, 6, 15), StampNo=4711,
                                 PeriodDate=dt.datetime(2024, 5, 1)),
                           entry(3900, "-50.00", dt.date(2024, 6, 15), StampNo=4711)], sort=10),
                  voucher([entry(1920, "5.00", dt.date(2024, 6, 16)),
                           entry(3900, "-5.00", dt.date(2024, 6, 16))], sort=10)], sort=10)
    got = lines(call)
    assert [(i["periodDate"], i.get("documentId")) for i in got] == [
        ("2024-05-01", 4711), ("2024-06-01", 4711), ("2024-06-01", None), ("2024-06-01", None)]
    one = exact(call("GET", f"/transactionlines/{got[0]['id']}"))
    assert (one["periodDate"], one["documentId"]) == ("2024-05-01", 4711)
    rows = client.transactions.GetTransactions(
        {"DateStart": dt.datetime(2024, 6, 1), "DateEnd": dt.datetime(2024, 6, 30)})
    assert [(r.StampNo, r.PeriodDate) for r in rows][:2] == [
        (4711, dt.date(2024, 5, 1)), (4711, dt.date(2024, 6, 1))]


# --- R6: read endpoints over the client's one state ----------------------------------------------


def test_R6_accounts_ids_as_on_transaction_lines(client, call):
    save(client, [rich_sale(10000)])
    accounts = exact(call("GET", "/accounts"))
    by_no = {a["number"]: a for a in accounts}
    assert by_no[1500] == {"id": 11500, "number": 1500, "name": "Kundefordringer", "taxId": 2000}
    assert by_no[3000] == {"id": 13000, "number": 3000, "name": "Salgsinntekt, avgiftspliktig",
                           "taxId": 2003}
    assert [a["number"] for a in accounts] == sorted(by_no)
    for item in lines(call):
        one = call("GET", f"/accounts/{item['account']['id']}")
        assert one.status_code == 200
        assert {k: exact(one)[k] for k in ("id", "number", "name")} == item["account"]
    assert [a["number"] for a in exact(call("GET", "/accounts", params={"query": "merverdi"}))] == [
        2700, 2710, 2740]
    assert [a["number"] for a in exact(call("GET", "/accounts", params={"query": "19"}))] == [
        1900, 1920, 1940, 1950]
    missing = call("GET", "/accounts/999")
    assert (missing.status_code, exact(missing)) == (404, {"error": {
        "name": "NotFoundError", "message": "Account 999 was not found"}})
    bad = call("GET", "/accounts/abc")
    assert (bad.status_code, exact(bad)["error"]["payload"]) == (
        400, {"validationErrors": [{"path": "id", "keyword": "type"}]})


def test_R6_taxes_every_tax_id_on_a_line_resolves(client, call):
    save(client, [rich_sale(10000)])
    taxes = exact(call("GET", "/taxes"))
    assert taxes[:4] == [
        {"id": 2000, "number": 0, "name": "Ingen mva-behandling", "rate": 0},
        {"id": 2001, "number": 1, "name": "Fradrag inngående mva, høy sats", "rate": 25},
        {"id": 2002, "number": 2, "name": "Utgående mva, høy sats", "rate": 25},
        {"id": 2003, "number": 3, "name": "Utgående mva, høy sats (salg)", "rate": 25}]
    assert {t["number"]: t["rate"] for t in taxes}[12] == Decimal("11.11")
    for item in lines(call):
        one = exact(call("GET", f"/taxes/{item['tax']['id']}"))
        assert (one["id"], one["rate"]) == (item["tax"]["id"], item["tax"]["rate"])
    assert call("GET", "/taxes/7").status_code == 404
    for bad, keyword in (("-1", "minimum"), ("2147483648", "format"), ("x", "type")):
        resp = call("GET", f"/taxes/{bad}")
        assert (resp.status_code, exact(resp)["error"]["payload"]["validationErrors"]) == (
            400, [{"path": "id", "keyword": keyword}])


def test_R6_fiscal_periods_and_transaction_types(client, call):
    years = exact(call("GET", "/fiscalperiods"))
    assert [(y["type"], y["startingDate"], y["endingDate"]) for y in years] == [
        ("Year", "2024-01-01", "2024-12-31")]
    uuid.UUID(years[0]["id"])
    periods = exact(call("GET", "/fiscalperiods", params={"type": "Period"}))
    assert len(periods) == 12
    assert (periods[1]["startingDate"], periods[1]["endingDate"]) == ("2024-02-01", "2024-02-29")
    everything = exact(call("GET", "/fiscalperiods", params={"type": "All"}))
    assert [p["type"] for p in everything] == ["Year"] + ["Period"] * 12
    assert call("GET", "/fiscalperiods", params={"type": "Month"}).status_code == 400
    types = exact(call("GET", "/transactiontypes"))
    assert types[0] == {"id": 101, "number": 1, "name": "Utgående faktura"}
    soap = client.account.GetTypeList()
    assert [(t["id"], t["number"], t["name"]) for t in types] == [
        (t.TypeId, t.TypeNo, t.Title) for t in soap]


def test_R6_currencies_own_first_then_those_booked(client, call):
    assert exact(call("GET", "/currencies")) == [{"code": "NOK", "rate": 1}]
    save(client, [voucher([entry(1940, "100.00", dt.date(2024, 1, 10), CurrencyId="EUR",
                                 CurrencyRate=Decimal("11.5"), CurrencyUnit=1),
                           entry(1920, "-1150.00", dt.date(2024, 1, 10))], sort=10)], sort=10)
    assert exact(call("GET", "/currencies")) == [{"code": "NOK", "rate": 1},
                                                 {"code": "EUR", "rate": Decimal("11.5")}]


def test_R6_dimensions_and_elements(client, call):
    save(client, [rich_sale(10000)])
    assert exact(call("GET", "/dimensions")) == [
        {"id": 1, "name": "Project"}, {"id": 2, "name": "Department"}, {"id": 3, "name": "Employee"},
        {"id": 4, "name": "Product"}, {"id": 5, "name": "Customer"},
        {"id": 101, "name": "Dimension 101"}]
    assert exact(call("GET", "/dimensions/2")) == {"id": 2, "name": "Department"}
    assert call("GET", "/dimensions/99").status_code == 404
    dims = [(d["dimensionType"], d["value"], d["name"])
            for i in lines(call, includeDimensions="true") for d in i["dimensions"]]
    for kind, value, name in dims:
        got = exact(call("GET", f"/dimensions/{kind}/elements/{value}"))
        assert got == {"dimensionType": kind, "value": value, "name": name}
    customers = exact(call("GET", "/dimensions/5/elements"))
    assert customers == [{"dimensionType": 5, "value": "1", "name": "Leverandør AS"},
                         {"dimensionType": 5, "value": "123", "name": "Kunde Nordmann AS"},
                         {"dimensionType": 5, "value": "10001", "name": "Fjordkraft Handel AS"}]
    first = call("GET", "/dimensions/5/elements", params={"limit": 2})
    assert [e["value"] for e in exact(first)] == ["1", "123"]
    nxt = first.links["next"]["url"]
    second = requests.get(nxt, headers=first.request.headers, timeout=30)
    assert [e["value"] for e in exact(second)] == ["10001"] and "next" not in second.links
    assert call("GET", "/dimensions/1/elements/999").status_code == 404


def test_R6_account_balances_from_the_ledger(client, call):
    save(client, [voucher([entry(1920, "100.00", dt.date(2024, 1, 10)),
                           entry(3900, "-100.00", dt.date(2024, 1, 10))], sort=10),
                  voucher([entry(1920, "50.00", dt.date(2024, 3, 5)),
                           entry(3900, "-50.00", dt.date(2024, 3, 5))], sort=10)], sort=10)
    got = exact(call("GET", "/accountbalances", params={"dateFrom": "2024-02-01",
                                                        "dateTo": "2024-03-31"}))
    assert got == [
        {"account": {"id": 11920, "number": 1920, "name": "Bankinnskudd"}, "balances": [
            {"date": "2024-02-01", "opening": Decimal("100.00"), "closing": Decimal("100.00"),
             "change": 0},
            {"date": "2024-03-01", "opening": Decimal("100.00"), "closing": Decimal("150.00"),
             "change": Decimal("50.00")}]},
        {"account": {"id": 13900, "number": 3900, "name": "Annen driftsrelatert inntekt"},
         "balances": [
             {"date": "2024-02-01", "opening": Decimal("-100.00"), "closing": Decimal("-100.00"),
              "change": 0},
             {"date": "2024-03-01", "opening": Decimal("-100.00"), "closing": Decimal("-150.00"),
              "change": Decimal("-50.00")}]}]
    one = exact(call("GET", "/accountbalances/11920", params={
        "dateFrom": "2024-01-01", "dateTo": "2024-12-31", "periods": "2024-03-01"}))
    assert one == [{"account": {"id": 11920, "number": 1920, "name": "Bankinnskudd"}, "balances": [
        {"date": "2024-01-01", "opening": 0, "closing": Decimal("100.00"), "change": Decimal("100.00")},
        {"date": "2024-03-01", "opening": Decimal("100.00"), "closing": Decimal("150.00"),
         "change": Decimal("50.00")}]}]
    bad = call("GET", "/accountbalances", params={"dateFrom": "x", "type": "Week",
                                                  "periods": "2024-1-1"})
    assert exact(bad)["error"]["payload"]["validationErrors"] == [
        {"path": "dateFrom", "keyword": "format"}, {"path": "dateTo", "keyword": "required"},
        {"path": "periods", "keyword": "pattern"}, {"path": "type", "keyword": "enum"}]
    assert call("GET", "/accountbalances/42", params={"dateFrom": "2024-01-01",
                                                      "dateTo": "2024-12-31"}).status_code == 404


def test_R6_sales_reference_organization_and_profile(client, call):
    assert exact(call("GET", "/paymentmethods")) == [
        {"id": 1, "name": "Kontanter", "account": {"id": 11900}},
        {"id": 2, "name": "Bankinnskudd", "account": {"id": 11920}}]
    types = exact(call("GET", "/salestypes"))
    assert types[0] == {"id": 1, "name": "Salgsinntekt, avgiftspliktig", "account": {"id": 13000}}
    assert exact(call("GET", "/salestypes/1")) == types[0]
    assert call("GET", "/salestypes/99").status_code == 404
    units = exact(call("GET", "/productunits"))
    assert units[0] == {"id": 1, "name": "Stykk", "symbol": "stk"}
    org = exact(call("GET", "/organization/information"))
    assert org == {"id": client.client_id, "name": client.info["name"], "status": "Active",
                   "settings": {"currencyCode": "NOK"}}
    me = exact(call("GET", "/me"))
    assert (me["timeZone"], me["countryCode"]) == ("Europe/Oslo", "NO")
    uuid.UUID(me["id"])
    assert call("GET", "/me", params={"thumb": "maybe"}).status_code == 400


# --- scopes and 501 -------------------------------------------------------------------------------


def test_A5_R6_default_token_reads_everything_and_scopes_are_per_endpoint(tfso_mock, client, call):
    default = exact(requests.post(f"{tfso_mock.url}/oauth/token", timeout=30, json={
        "grant_type": "client_credentials", "client_id": client.info["oauth"]["client_id"],
        "client_secret": client.info["oauth"]["client_secret"]}))
    assert default["scope"] == ALL_SCOPES and WRITE not in default["scope"]
    only_tax = bearer(tfso_mock.url, client, scope="api.accounting.tax:read")
    assert call("GET", "/taxes", headers=only_tax).status_code == 200
    denied = call("GET", "/accounts", headers=only_tax)
    assert (denied.status_code, exact(denied)) == (403, {"error": {
        "name": "ForbiddenError",
        "message": "The access token lacks the scope api.accounting.account:read"}})
    # /transactiontypes needs both of its scopes; /currencies any valid token
    types_only = bearer(tfso_mock.url, client, scope="api.accounting.transactiontype:read")
    assert exact(call("GET", "/transactiontypes", headers=types_only))["error"]["message"] == (
        f"The access token lacks the scope {READ}")
    assert call("GET", "/currencies", headers=only_tax).status_code == 200


@pytest.mark.parametrize("method,path", [
    ("GET", "/bankaccounts"), ("POST", "/fileUpload"), ("GET", "/documents/12"),
    ("GET", "/me/licenses"), ("DELETE", "/salesorders/5/lines/7"),
    ("GET", "/products/3/salestypeOverrides"),
])
def test_R6_unserved_vendor_operations_answer_501_naming_them(tfso_mock, method, path):
    resp = requests.request(method, f"{tfso_mock.url}/v1{path}", timeout=30)
    assert resp.status_code == 501
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    template = {"/documents/12": "/documents/{documentId}",
                "/salesorders/5/lines/7": "/salesorders/{id}/lines/{lineId}",
                "/products/3/salestypeOverrides": "/products/{id}/salestypeOverrides"}.get(path, path)
    assert exact(resp) == {"error": {"name": "NotImplementedError", "message":
                                     f"{method} /v1{template} is not served by tfso-mockserver"}}
    assert requests.get(f"{tfso_mock.url}/v1/nothing/here", timeout=30).status_code == 404
