"""R5-R7 (the vendor's OpenAPI v0.56.0): /transactionlines' createdFrom/modifiedFrom, periodDate
and documentId; the read endpoints over the client's one state, each with its scopes; POST
/transactions through SaveBundleList's rules; 501 for what is not served. Over a real socket
with requests, with py24so (configured only with base_url and token_url) and with schemathesis
over every served operation of /v1/openapi.json."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import requests
from transaction_helpers import (
    ALL_SCOPES,
    bearer,
    exact,
    rest_fixtures,
    rich_sale,
    save,
    token_response,
    transfer,
)

from helpers import entry, voucher

UTC = dt.UTC
READ = "api.accounting.transaction:read"
WRITE = "api.accounting.transaction:write"


client, call, writer = rest_fixtures(f"{READ} {WRITE}")



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
    # cut to the client's fiscal years (2024 only): twelve months, however wide the range
    wide = exact(call("GET", "/accountbalances/11920", params={"dateFrom": "0080-05-09",
                                                              "dateTo": "3671-11-28"}))
    assert [(b["date"], b["closing"]) for b in wide[0]["balances"]][::11] == [
        ("2024-01-01", Decimal("100.00")), ("2024-12-01", Decimal("150.00"))]
    assert len(wide[0]["balances"]) == 12
    assert exact(call("GET", "/accountbalances", params={"dateFrom": "2030-01-01",
                                                         "dateTo": "2031-01-01"})) == []
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
    asked = requests.post(f"{tfso_mock.url}/oauth/token", timeout=30, json={
        "grant_type": "client_credentials", "client_id": client.info["oauth"]["client_id"],
        "client_secret": client.info["oauth"]["client_secret"], "scope": f"{WRITE} {READ}"})
    assert exact(asked)["scope"] == f"{READ} {WRITE}"
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
    ("POST", "/bankaccounts"), ("POST", "/banktransactions"), ("POST", "/bankaccounts/3/balances"),
])
def test_R6_every_vendor_operation_is_served_and_a_wrong_path_is_a_404(tfso_mock, method, path):
    """The last operations answered 501 (the bank feed's writes) are served: without a token
    they are the vendor's 401, not a 501; a path the vendor does not have stays a 404."""
    resp = requests.request(method, f"{tfso_mock.url}/v1{path}", timeout=30)
    assert (resp.status_code, exact(resp)) == (401, {"error": {
        "name": "UnauthorizedError", "message": "Missing Authorization header"}})
    assert requests.get(f"{tfso_mock.url}/v1/nothing/here", timeout=30).status_code == 404


def test_R6_an_operation_not_served_answers_501_naming_it():
    """``rest/unserved.py`` fills every gap of the vendor's document with a 501 naming the
    operation: the real REST application with one resource module left out, through a real
    socket."""
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from mockserver.rest import api, banking

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    modules = api.RESOURCES
    api.RESOURCES = tuple(m for m in modules if m is not banking)
    try:
        from mockserver.app import MockServer

        app = api.create_rest(MockServer())
    finally:
        api.RESOURCES = modules
    server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/v1"
        resp = requests.post(f"{url}/bankaccounts/3/balances", timeout=30)
        assert resp.status_code == 501
        assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
        assert exact(resp) == {"error": {"name": "NotImplementedError", "message":
                                         "POST /v1/bankaccounts/{id}/balances is not served by "
                                         "tfso-mockserver"}}
    finally:
        server.shutdown()
        server.server_close()


# --- R7: POST /transactions ---------------------------------------------------------------------


def sale_input(invoice: str = "R-1", **over) -> dict:
    body = {"transactionTypeNumber": 10, "date": "2024-02-10", "comment": "Sale by REST",
            "documentId": 9001, "lines": [
                {"accountNumber": 1920, "amount": 1250.00, "tax": {"number": 0}},
                {"accountNumber": 3000, "amount": -1250.00, "tax": {"number": 3},
                 "comment": "Consulting", "invoice": {"number": invoice, "dueDate": "2024-03-10"}},
            ]}
    body.update(over)
    return body


def test_R7_post_books_through_save_bundle_list_rules(client, call, writer):
    resp = call("POST", "/transactions", headers=writer, json=sale_input())
    assert resp.status_code == 201, resp.text
    created = exact(resp)
    voucher_id = str(uuid.uuid5(uuid.UUID("6c1f7e52-3a0b-4d8e-9f3c-24500000f00d"),
                                f"{client.client_id}/10/2024/1"))
    assert created == {"transactionId": voucher_id}
    got = lines(call)
    # gross 1250 on a 25 % code: 1000 revenue and 250 VAT on the code's account (S6)
    assert [(i["transaction"], i["account"]["number"], i["amount"], i.get("comment"),
             i["documentId"], i["periodDate"]) for i in got] == [
        ({"id": voucher_id, "number": 1}, 1920, Decimal("1250.00"), "Sale by REST", 9001,
         "2024-02-01"),
        ({"id": voucher_id, "number": 1}, 3000, Decimal("-1000.00"), "Consulting", 9001,
         "2024-02-01"),
        ({"id": voucher_id, "number": 1}, 2700, Decimal("-250.00"), "Consulting", 9001,
         "2024-02-01")]
    assert got[1]["invoice"] == {"number": "R-1", "dueDate": "2024-03-10"}
    assert {i["transactionType"]["id"] for i in got} == {110}
    rows = client.transactions.GetTransactions(
        {"DateStart": dt.datetime(2024, 2, 1), "DateEnd": dt.datetime(2024, 2, 28)})
    assert [(str(r.Id), r.TransactionNo, r.AccountNo, r.Amount) for r in rows] == [
        (i["id"], 1, i["account"]["number"], i["amount"]) for i in got]
    # the next voucher of the type's series gets the next number; an invoice number or a
    # document used before is refused as SaveBundleList refuses them
    again = call("POST", "/transactions", headers=writer, json=sale_input("R-2", documentId=None))
    assert again.status_code == 201, again.text
    assert lines(call)[-1]["transaction"]["number"] == 2
    for refused, message in (
            (sale_input("R-2", documentId=None), "Invoice reference R-2 already exists in the "
             "ledger. Add 'invoicealreadyexists' to IgnoreWarnings to save anyway."),
            (sale_input("R-3"), "Attachment is posted in the journal")):
        dup = call("POST", "/transactions", headers=writer, json=refused)
        assert (dup.status_code, exact(dup)["error"]["message"]) == (400, message)
    assert len(lines(call)) == 6


@pytest.mark.parametrize("over,message", [
    ({"lines": [{"accountNumber": 1920, "amount": 100, "tax": {"number": 0}},
                {"accountNumber": 3900, "amount": -90, "tax": {"number": 0}}]},
     "Voucher is not in balance. Difference: 10.00"),
    ({"date": "2023-06-01"}, "There is no open financial period for 2023-06-01"),
    ({"transactionTypeNumber": 77},
     "TypeNo 77 does not exist. Use GetTypeList to get valid types"),
    ({"lines": [{"accountNumber": 1999, "amount": 1, "tax": {"number": 0}},
                {"accountNumber": 1920, "amount": -1, "tax": {"number": 0}}]},
     "Account 1999 does not exist"),
    ({"lines": [{"accountNumber": 1920, "amount": 1, "tax": {"number": 88}},
                {"accountNumber": 3900, "amount": -1, "tax": {"number": 0}}]},
     "TaxNo 88 does not exist. Use GetTaxCodeList to get valid codes"),
])
def test_R7_refused_is_400_and_nothing_is_booked(client, call, writer, over, message):
    resp = call("POST", "/transactions", headers=writer, json=sale_input(**over))
    assert (resp.status_code, exact(resp)) == (400, {"error": {"name": "BadRequestError",
                                                               "message": message}})
    assert client.ledger() == [] and client.journal() == []


def test_R7_malformed_input_is_a_validation_error(client, call, writer):
    resp = call("POST", "/transactions", headers=writer, json={
        "transactionTypeNumber": 0, "date": "10.02.2024", "comment": "x" * 76,
        "lines": [{"amount": "12", "tax": {}}, {"accountNumber": 1920, "amount": 1}, 7]})
    assert resp.status_code == 400
    assert exact(resp)["error"]["payload"]["validationErrors"] == [
        {"path": "transactionTypeNumber", "keyword": "minimum"},
        {"path": "date", "keyword": "format"},
        {"path": "comment", "keyword": "maxLength"},
        {"path": "lines.0.accountNumber", "keyword": "required"},
        {"path": "lines.0.amount", "keyword": "type"},
        {"path": "lines.0.tax.number", "keyword": "required"},
        {"path": "lines.1.tax", "keyword": "required"},
        {"path": "lines.2", "keyword": "type"}]
    assert call("POST", "/transactions", headers=writer, data="{",
                params={}).status_code in (400, 415)
    broken = call("POST", "/transactions", headers={**writer, "Content-Type": "application/json"},
                  data="{")
    assert (broken.status_code, exact(broken)["error"]["name"]) == (400, "ValidationError")
    form = call("POST", "/transactions", headers=writer, data={"a": "b"})
    assert form.status_code == 415
    assert client.ledger() == []


def test_R7_a_read_only_token_is_403(client, call):
    resp = call("POST", "/transactions", json=sale_input())  # the default token: reads only
    assert (resp.status_code, exact(resp)) == (403, {"error": {
        "name": "ForbiddenError", "message": f"The access token lacks the scope {WRITE}"}})
    assert client.ledger() == []


# --- py24so: every read method it has that the emulator serves ----------------------------------


def test_R5_R6_py24so_reads_everything_served_and_syncs_incrementally(tfso_mock, client):
    """py24so 0.3.0, configured only with base_url and token_url (its own token, no scope:
    the read scopes), runs each read method the emulator serves; an incremental sync with
    created_from/modified_from returns exactly the lines created or modified since."""
    from py24so import Client24SO, ClientOptions, PermissionDeniedError

    t0 = dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    client.set_time(t0)
    save(client, [rich_sale(10000)])
    client.set_time(t0 + dt.timedelta(minutes=5))
    save(client, [transfer("125.00", dt.date(2024, 2, 20))])
    old, new = client.ledger()[:3], client.ledger()[3:]
    client.set_time(t0 + dt.timedelta(minutes=10))
    client.account.UpdateEntryDueDate({"EntryItem": [{"LineId": old[0]["line_id"],
                                                      "DueDate": dt.datetime(2024, 3, 1)}]})
    oauth = client.info["oauth"]
    options = ClientOptions(base_url=f"{tfso_mock.url}/v1", token_url=f"{tfso_mock.url}/oauth/token")
    with Client24SO(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                    options=options) as api:

        def synced(**kw) -> list[str]:
            return [ln.id for ln in api.transaction_lines.list(date_from="2024-01-01",
                                                               date_to="2025-01-01", **kw)]

        assert synced() == [ln["line_id"] for ln in old + new]
        assert synced(created_from=t0 + dt.timedelta(minutes=5)) == [ln["line_id"] for ln in new]
        assert synced(modified_from=t0 + dt.timedelta(minutes=5)) == [
            old[0]["line_id"]] + [ln["line_id"] for ln in new]
        assert synced(modified_from=t0 + dt.timedelta(minutes=10)) == [old[0]["line_id"]]
        assert synced(created_from=t0 + dt.timedelta(days=1)) == []
        assert synced(created_after=t0 + dt.timedelta(minutes=5),
                      modified_after=t0 + dt.timedelta(minutes=5)) == [ln["line_id"] for ln in new]
        line = api.transaction_lines.get(old[0]["line_id"])
        assert (line.period_date, line.created_at, line.modified_at) == (
            dt.date(2024, 1, 1), t0, t0 + dt.timedelta(minutes=10))

        accounts = api.accounts.list()
        assert api.accounts.get(accounts[0].id).number == accounts[0].number
        assert [a.number for a in api.accounts.list(query="Bankinnskudd")] == [1920, 1940, 1950]
        balances = api.account_balances.list(date_from="2024-01-01", date_to="2024-03-31")
        bank = [b for b in balances if b.account.number == 1920][0]
        assert [(b.date, b.change) for b in bank.balances] == [
            (dt.date(2024, 1, 1), 0), (dt.date(2024, 2, 1), 125), (dt.date(2024, 3, 1), 0)]
        one = api.account_balances.list(date_from="2024-01-01", date_to="2024-12-31",
                                        account_id=11920, periods=["2024-06-01"], type="Period",
                                        keep_incoming=True)
        assert [(b.date, b.closing) for b in one[0].balances] == [
            (dt.date(2024, 1, 1), 125), (dt.date(2024, 6, 1), 125)]
        assert [c.code for c in api.currencies.list()] == ["NOK"]
        taxes = api.taxes.list()
        assert api.taxes.get(taxes[1].id).name == taxes[1].name
        assert [p.type for p in api.fiscal_periods.list(type="All")] == ["Year"] + ["Period"] * 12
        assert [(t.id, t.number) for t in api.transaction_types.list()][:2] == [(101, 1), (102, 2)]
        assert [d.name for d in api.dimensions.list()][:2] == ["Project", "Department"]
        assert api.dimensions.get(1).name == "Project"
        assert [e.value for e in api.dimensions.elements.list(1)] == ["13"]
        assert [e.value for e in api.dimensions.elements.list(5, page_size=1)] == [
            "1", "123", "10001"]
        assert api.dimensions.elements.get(2, "7").name == "Department with ID 7"
        assert [m.name for m in api.payment_methods.list()] == ["Kontanter", "Bankinnskudd"]
        types = api.sales_types.list()
        assert api.sales_types.get(types[0].id).name == types[0].name
        assert [u.symbol for u in api.product_units.list()][:2] == ["stk", "m"]
        assert api.organization.get().name == client.info["name"]
        assert api.me.get().country_code == "NO"
        # py24so cannot ask for a scope: its token reads, and POST /transactions is a 403
        with pytest.raises(PermissionDeniedError):
            api.transactions.create({"transaction_type_number": 10, "date": "2024-02-10",
                                     "lines": []})
    ops = {r["operation"]: r["status"] for r in client.requests(service="rest")}
    assert ops["PostTransaction"] == 403
    assert all(status == 200 for op, status in ops.items() if op not in ("PostTransaction",))


# --- schemathesis over every served operation -----------------------------------------------------


SERVED = sorted([
    "DELETE /customers/{customerId}", "DELETE /productcategories/{id}", "DELETE /products/{id}",
    "DELETE /salesorders/{id}", "DELETE /salesorders/{id}/lines/{lineId}",
    "DELETE /products/{id}/dimensions/{dimensionId}",
    "DELETE /products/{id}/salestypeOverrides/{salesTypeId}",
    "GET /accountbalances", "GET /accountbalances/{id}", "GET /accounts", "GET /accounts/{id}",
    "GET /bankaccounts", "GET /bankaccounts/{id}", "GET /banktransactions",
    "POST /bankaccounts", "POST /bankaccounts/{id}/balances", "POST /banktransactions",
    "GET /banktransactions/{bankTransactionReference}",
    "GET /currencies", "GET /customers", "GET /customers/{customerId}",
    "GET /customers/{customerId}/bankaccounts",
    "GET /customers/{customerId}/bankaccounts/{accountNumber}", "GET /dimensions",
    "GET /dimensions/{dimensionType}", "GET /dimensions/{dimensionType}/elements",
    "GET /dimensions/{dimensionType}/elements/{value}", "GET /documents/{documentId}",
    "GET /fileUpload/{fileId}", "GET /fiscalperiods", "GET /me", "GET /me/identifiers", "GET /me/identifiers/{id}",
    "GET /me/licenses", "GET /me/licenses/{id}/organization",
    "GET /organization/information", "GET /organization/people", "GET /organization/people/{id}",
    "GET /paymentmethods", "GET /pricelists", "GET /pricelists/{listId}",
    "GET /pricelists/{listId}/prices", "GET /productcategories",
    "GET /productcategories/{id}", "GET /products", "GET /products/{id}",
    "GET /products/{id}/dimensions", "GET /products/{id}/salestypeOverrides", "GET /productunits",
    "GET /salesorders", "GET /salesorders/{id}", "GET /salesorders/{id}/attachments",
    "GET /salesorders/{id}/lines",
    "GET /salesorders/{id}/lines/{lineId}", "GET /salestypes", "GET /salestypes/{id}", "GET /taxes", "GET /taxes/{id}",
    "GET /transactionlines", "GET /transactionlines/{id}", "GET /transactiontypes",
    "PATCH /customers/{customerId}", "PATCH /customers/{customerId}/bankaccounts/{accountNumber}",
    "PATCH /productcategories/{id}", "PATCH /products/{id}", "PATCH /salesorders/{id}",
    "PATCH /salesorders/{id}/lines/{lineId}", "POST /customers",
    "POST /customers/{customerId}/bankaccounts", "POST /fileUpload", "POST /oauth/token",
    "POST /productcategories",
    "POST /products", "POST /salesorders", "POST /salesorders/{id}/attachments",
    "POST /salesorders/{id}/lines", "POST /transactions",
    "PUT /products/{id}/dimensions/{dimensionId}",
    "PUT /products/{id}/salestypeOverrides/{salesTypeId}",
])


#: writes whose schema-valid bodies the ledger's rules may still refuse (400; an attachment's
#: bytes must be a file of its Content-Type; a bank transaction needs a bank account that
#: exists, a bank account a valid BIC and a number the client does not have yet: 409), and the
#: bank transactions' date range (at most two years, forward: the vendor says so in words only)
RULED = ("POST /transactions", "POST /customers", "PATCH /customers/{customerId}",
         "POST /products", "PATCH /products/{id}", "POST /productcategories",
         "PATCH /productcategories/{id}", "POST /salesorders", "PATCH /salesorders/{id}",
         "POST /salesorders/{id}/lines", "PATCH /salesorders/{id}/lines/{lineId}",
         "GET /banktransactions", "PUT /products/{id}/salestypeOverrides/{salesTypeId}",
         "POST /salesorders/{id}/attachments", "POST /bankaccounts",
         "POST /bankaccounts/{id}/balances", "POST /banktransactions")


def test_R5_R6_R7_A5_schemathesis_over_every_served_operation(tfso_mock, client):
    """Schemathesis generates valid and invalid requests from /v1/openapi.json (a bounded number
    per operation) and runs all its checks on every answer, with a token holding every scope."""
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import negative_data_rejection, positive_data_acceptance

    # schemathesis writes PNGs itself (a file of the type); a PDF body is bytes as drawn
    schemathesis.serializer.alias("application/pdf", "application/octet-stream")
    save(client, [rich_sale(10000)])
    auth = bearer(tfso_mock.url, client, scope=f"{ALL_SCOPES} {WRITE} api.crm.customer:write "
                                                "api.product.product:write api.product.category:write "
                                                "api.crm.bankdetails:write "
                                                "api.invoicing.salesorder:write "
                                                "api.invoicing.salesorder:delete "
                                                "api.invoicing.salesorder.line:write "
                                                "api.invoicing.salesorder.line:delete "
                                                "api.invoicing.salesorder.attachment:write "
                                                "api.product.dimension:write "
                                                "api.product.salestype:write "
                                                "api.bank.account:write "
                                                "api.bank.transaction:write")
    schema = schemathesis.openapi.from_url(f"{tfso_mock.url}/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert sorted(op.label for op in operations) == SERVED
    statuses: dict[str, set[int]] = {}

    def fuzz(op, mode) -> None:
        @settings(max_examples=15, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy(generation_mode=mode))
        def check(case):
            # Negative cases: the test puts back the Authorization header a case may drop, and
            # unknown query parameters are ignored (interpretation, README R2), so "negative data
            # accepted" is not a finding there; every other check runs on every answer.
            # A schema-valid voucher is mostly refused by the ledger's rules (balance, accounts,
            # fiscal year): a 400 there is the rule, not a rejected valid request. So is a
            # customer or product the master-data rules refuse (a blank name, a person without a
            # last name, a product number another product has, a name on a person, a category
            # or supplier the client does not have).
            excluded = [negative_data_rejection] if mode == schemathesis.GenerationMode.NEGATIVE else []
            if op.label in RULED:
                excluded.append(positive_data_acceptance)
            resp = case.call_and_validate(headers=auth, excluded_checks=excluded)
            statuses.setdefault(op.label, set()).add(resp.status_code)

        check()

    for op in operations:
        fuzz(op, schemathesis.GenerationMode.POSITIVE)
        fuzz(op, schemathesis.GenerationMode.NEGATIVE)
    # The master-data rules refuse many schema-valid drafts (a blank name, a number in use), and
    # which draws a seed gives changes with the served document and each Python's Hypothesis: so
    # one body known to be acceptable goes through schemathesis' checks too, and must be taken.
    by_label = {op.label: op for op in operations}
    shoes = requests.post(f"{tfso_mock.url}/v1/productcategories", headers=auth, timeout=30,
                          json={"name": "Fuzz sko"}).json()["id"]  # a product needs a known one
    accepted = (("POST /customers", {"isCompany": True, "name": "Fuzz AS"}, 200),
                ("POST /products", {"name": "Fuzz", "number": "FZ-1", "category": {"id": shoes}},
                 201))
    for label, body, taken in accepted:
        resp = by_label[label].Case(body=body, media_type="application/json").call_and_validate(
            headers=auth)
        assert resp.status_code == taken, resp.text
        statuses[label].add(resp.status_code)
    # an order's attachment: a PDF, raw and as the multipart file part the served document says
    buyer = requests.post(f"{tfso_mock.url}/v1/customers", headers=auth, timeout=30,
                          json={"isCompany": True, "name": "Fuzz kunde"}).json()["id"]
    order = requests.post(f"{tfso_mock.url}/v1/salesorders", headers=auth, timeout=30, json={
        "customer": {"id": buyer, "name": "Fuzz kunde"}})
    assert order.status_code == 200, order.text
    label = "POST /salesorders/{id}/attachments"
    for body, media in ((b"%PDF-1.4 fuzz", "application/pdf"),
                        ({"file": b"%PDF-1.4 fuzz"}, "multipart/form-data")):
        resp = by_label[label].Case(path_parameters={"id": order.json()["id"]}, body=body,
                                    media_type=media).call_and_validate(headers=auth)
        assert resp.status_code == 201, resp.text
        statuses[label].add(resp.status_code)
    # the bank feed: an account, its balance, a transaction on it
    made = by_label["POST /bankaccounts"].Case(body={
        "number": "15030612345", "bic": "DNBANOKKXXX", "type": "bban", "name": "Fuzz",
        "owner": {"name": "Fuzz AS", "organizationNumber": "999888777",
                  "contact": {"name": "Fuzz", "email": "fuzz@example.com"}}},
        media_type="application/json").call_and_validate(headers=auth)
    assert made.status_code == 201, made.text
    bank_id = made.json()["id"]
    for label, case in (
            ("POST /bankaccounts/{id}/balances", {"path_parameters": {"id": bank_id}, "body": {
                "amount": 10, "timestamp": "2024-01-01T00:00:00Z", "currency": {"code": "NOK"}}}),
            ("POST /banktransactions", {"body": {
                "bankTransactionReference": "FUZZ-000001", "type": "inbound",
                "bankAccount": {"id": bank_id}, "paymentReference": {"type": "text", "value": "F"},
                "amount": {"value": 1, "currency": {"code": "NOK"}}, "date": "2024-01-02"}})):
        resp = by_label[label].Case(media_type="application/json", **case).call_and_validate(
            headers=auth)
        assert resp.status_code == 201, resp.text
        statuses[label].add(resp.status_code)
    assert 200 in statuses["GET /transactionlines"] and 400 in statuses["GET /transactionlines"]
    assert 404 in statuses["GET /transactionlines/{id}"]
    assert 400 in statuses["POST /transactions"]
    assert {200, 400} <= statuses["POST /customers"] and {201, 400} <= statuses["POST /products"]
    assert {400, 401} <= statuses["POST /oauth/token"]
    assert all(s < 500 for found in statuses.values() for s in found)


def test_A5_the_emulators_scope_list_is_the_vendors():
    from mockserver.ledger import interpretations as rules

    read = set(ALL_SCOPES.split())
    assert set(rules.OAUTH_DEFAULT_SCOPES) == read
    assert WRITE in rules.OAUTH_SCOPES and WRITE not in read
    assert len(rules.OAUTH_SCOPES) == len(set(rules.OAUTH_SCOPES)) == 40


def test_A5_an_applications_default_scopes_are_what_a_token_gets_unasked(tfso_mock,
                                                                          tfso_new_client):
    """``oauth: {scopes}`` of POST /__admin/clients: the scopes approved for the application;
    a token asked for without ``scope`` carries exactly them, one asked for with ``scope`` may
    still get another scope; an unknown scope is a 400 of the control API naming it."""
    approved = [READ, WRITE]
    made = tfso_new_client(fiscal_years=[2024], oauth={"scopes": approved})
    assert made.info["oauth"]["scopes"] == approved
    unasked = token_response(tfso_mock.url, made)
    assert unasked.json()["scope"] == f"{READ} {WRITE}"
    asked = token_response(tfso_mock.url, made, scope="api.crm.customer:read")
    assert asked.json()["scope"] == "api.crm.customer:read"
    plain = tfso_new_client(fiscal_years=[2024])
    assert set(plain.info["oauth"]["scopes"]) == set(ALL_SCOPES.split())
    assert set(token_response(tfso_mock.url, plain).json()["scope"].split()) == set(
        ALL_SCOPES.split())
    # a scenario's oauth block sets them too; the body's own wins over the scenario's
    scenario = tfso_new_client(scenario={"fiscal_years": [2024], "oauth": {"scopes": [WRITE]}})
    assert token_response(tfso_mock.url, scenario).json()["scope"] == WRITE
    both = tfso_new_client(scenario={"oauth": {"scopes": [WRITE]}}, oauth={"scopes": [READ]})
    assert both.info["oauth"]["scopes"] == [READ]
    url = f"{tfso_mock.url}/__admin/clients"
    headers = tfso_mock.admin_headers()
    wrong = requests.post(url, json={"oauth": {"scopes": [READ, "api.accounting.transaction:wrte"]}},
                          headers=headers, timeout=30)
    assert wrong.status_code == 400
    assert wrong.json()["error"]["message"].startswith(
        "oauth.scopes[1]: 'api.accounting.transaction:wrte' is not a scope of the vendor's "
        "OpenAPI 0.56.0 (did you mean api.accounting.transaction:write?); the scopes: "
        "api.accounting.account:read, ")
    for body, message in (({"oauth": ["x"]}, "oauth: must be a mapping (key: value)"),
                          ({"oauth": {"scope": []}},
                           "oauth.scope: unknown field (did you mean scopes?); known fields: "
                           "scopes"),
                          ({"oauth": {"scopes": WRITE}}, "oauth.scopes: must be a list")):
        resp = requests.post(url, json=body, headers=headers, timeout=30)
        assert (resp.status_code, resp.json()["error"]["message"]) == (400, message)


@pytest.mark.parametrize(("typed", "hint"), [
    ("api.files:write", None),  # was "did you mean api.crm.bankdetails:write?"
    ("api.crm.customer:wirte", "api.crm.customer:write"),
    ("api.crm.customers:read", "api.crm.customer:read"),
    ("accounting.transaction:write", "api.accounting.transaction:write"),
    ("api.accounting.transaction.write", "api.accounting.transaction:write"),
    ("API.Me.Profile:Read", "api.me.profile:read"),
    ("api.invoicing.salesorder.lines:delete", "api.invoicing.salesorder.line:delete"),
    ("api.product.product:delete", None),  # no such action for the resource
    ("api.accounting.account:write", None),
    ("api.crm.customer", None),
    ("api.crm.contact:read", None),
    ("api.product:write", "api.product.product:write"),  # the resource without its group
    ("api.customer:read", "api.crm.customer:read"),
    ("api.account:read", None),  # accounting.account or bank.account: no guess
    ("api.transactions:write", None),  # accounting.transaction or bank.transaction
])
def test_A5_a_mistyped_scope_gets_a_near_suggestion_or_none(tfso_mock, typed, hint):
    """The control API's hint for an unknown scope compares the resource and the action apart
    (both must be close), so a scope of another resource is never offered."""
    from mockserver.ledger.interpretations import OAUTH_SCOPES

    resp = requests.post(f"{tfso_mock.url}/__admin/clients", json={"oauth": {"scopes": [typed]}},
                         headers=tfso_mock.admin_headers(), timeout=30)
    extra = f" (did you mean {hint}?)" if hint else ""
    assert (resp.status_code, resp.json()) == (400, {"error": {
        "name": "ValidationError",
        "message": f"oauth.scopes[0]: {typed!r} is not a scope of the vendor's OpenAPI 0.56.0"
                   f"{extra}; the scopes: {', '.join(OAUTH_SCOPES)}"}})


def test_R6_R7_the_plugins_mock_client_reaches_every_endpoint(client):
    """MockClient.rest_get works for every served GET path; MockClient.rest posts with a write
    scope it asks for."""
    save(client, [rich_sale(10000)])
    line = client.ledger()[0]["line_id"]
    paths = {
        "/v1/transactionlines": {"dateFrom": "2024-01-01", "dateTo": "2025-01-01"},
        f"/v1/transactionlines/{line}": {}, "/v1/accounts": {}, "/v1/accounts/11500": {},
        "/v1/accountbalances": {"dateFrom": "2024-01-01", "dateTo": "2024-12-31"},
        "/v1/accountbalances/11500": {"dateFrom": "2024-01-01", "dateTo": "2024-12-31"},
        "/v1/taxes": {}, "/v1/taxes/2003": {}, "/v1/fiscalperiods": {"type": "All"},
        "/v1/transactiontypes": {}, "/v1/currencies": {}, "/v1/dimensions": {},
        "/v1/dimensions/1": {}, "/v1/dimensions/1/elements": {},
        "/v1/dimensions/1/elements/13": {}, "/v1/paymentmethods": {}, "/v1/salestypes": {},
        "/v1/salestypes/1": {}, "/v1/productunits": {}, "/v1/organization/information": {},
        "/v1/me": {}, "/v1/openapi.json": {}, "/v1/customers": {}, "/v1/customers/123": {},
        "/v1/products": {}, "/v1/productcategories": {}, "/v1/salesorders": {},
    }
    token = client.oauth_token()
    assert {p: client.rest_get(p, token=token, **q).status_code for p, q in paths.items()} == {
        p: 200 for p in paths}
    body = {"transactionTypeNumber": 10, "date": "2024-03-01", "lines": [
        {"accountNumber": 1920, "amount": "1.00", "tax": {"number": 0}},
        {"accountNumber": 3900, "amount": -1, "tax": {"number": 0}}]}
    assert client.rest("POST", "/v1/transactions", json=body).status_code == 403
    body["lines"][0]["amount"] = 1
    resp = client.rest("POST", "/v1/transactions", json=body, scope=f"{READ} {WRITE}")
    assert resp.status_code == 201, resp.text
    assert len(client.ledger()) == 5
