"""R6: what a bank feed writes over REST 0.56.0: ``POST /v1/bankaccounts``,
``/bankaccounts/{id}/balances`` and ``/banktransactions``, over real sockets with requests and
py24so. A posted account is listed by ``GET /bankaccounts`` (and by id) with its latest posted
balance; a posted transaction by ``GET /banktransactions`` and by its reference. Every refusal
is the vendor's JSON error shape and changes nothing; another client never sees any of it; on
the SQLite store it outlives a restart and goes with a reset."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import requests
from test_sqlite_store_served import Served, path, servers  # noqa: F401 - fixtures
from transaction_helpers import bearer, exact, rest_fixtures

UTC = dt.UTC
T0 = dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
SCOPES = ("api.bank.account:read api.bank.account:write api.bank.transaction:read "
          "api.bank.transaction:write")
OWNER = {"name": "Bankfeed AS", "organizationNumber": "999888777",
         "contact": {"name": "Kari Nordmann", "email": "kari@example.com"}}

client, call, writer = rest_fixtures(SCOPES, start=T0)


def account_body(**over) -> dict:
    body = {"number": "NO9386011117947", "bic": "DNBANOKKXXX", "type": "iban",
            "name": "Driftskonto", "owner": OWNER, "transactionType": {"number": 9},
            "ledgerAccount": {"number": 1920}}
    body.update(over)
    return body


def transaction_body(account_id: str, **over) -> dict:
    body = {"bankTransactionReference": "20240301-0000001", "type": "inbound",
            "bankAccount": {"id": account_id},
            "paymentReference": {"type": "ocr", "value": "12345678903"},
            "amount": {"value": 1250.50, "currency": {"code": "NOK"}}, "date": "2024-02-28",
            "fromBankAccount": {"number": "12345678903", "type": "bban"},
            "bankTransactionCode": {"domainCode": "PMNT", "familyCode": "RCDT",
                                    "subFamilyCode": "ESCT"}}
    body.update(over)
    return body


def made_account(call, writer, **over) -> dict:
    resp = call("POST", "/bankaccounts", headers=writer, json=account_body(**over))
    assert resp.status_code == 201, resp.text
    return exact(resp)


def bank_state(call) -> tuple:
    """Everything the bank endpoints show of the client (to see that a refusal changed nothing)."""
    return (exact(call("GET", "/bankaccounts")),
            exact(call("GET", "/banktransactions",
                       params={"dateFrom": "2023-06-01", "dateTo": "2025-05-31", "limit": 100})))


def test_R6_a_posted_bank_account_is_listed_and_read_by_id(client, call, writer):
    chart = exact(call("GET", "/bankaccounts"))
    resp = call("POST", "/bankaccounts", headers=writer, json=account_body(
        balance={"amount": 1000.25, "timestamp": "2024-02-29T23:00:00+01:00",
                 "currency": {"code": "NOK"}}))
    assert resp.status_code == 201, resp.text
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    made = exact(resp)
    assert str(uuid.UUID(made["id"])) == made["id"]
    assert made == {
        "id": made["id"], "number": "NO9386011117947", "bic": "DNBANOKKXXX", "type": "iban",
        "name": "Driftskonto", "owner": OWNER, "transactionType": {"number": 9},
        "ledgerAccount": {"number": 1920},
        "balance": {"amount": Decimal("1000.25"), "timestamp": "2024-02-29T22:00:00Z",
                    "currency": {"code": "NOK"}},
        "createdAt": "2024-03-01T08:00:00Z", "modifiedAt": "2024-03-01T08:00:00Z"}
    # listed after the chart's accounts, which are unchanged; read by its id (any case)
    assert exact(call("GET", "/bankaccounts")) == chart + [made]
    assert exact(call("GET", f"/bankaccounts/{made['id'].upper()}")) == made
    # the balance is the last one before ``before``: none before 2024-02-29
    early = exact(call("GET", f"/bankaccounts/{made['id']}", params={"before": "2024-02-29"}))
    assert "balance" not in early and early["id"] == made["id"]
    # the optional members may be left out: no transaction type, no ledger account
    bare = made_account(call, writer, number="12345678903", type="bban", bic="NDEANOKK",
                        transactionType=None, ledgerAccount=None)
    assert bare == {"id": bare["id"], "number": "12345678903", "bic": "NDEANOKK",
                    "type": "bban", "name": "Driftskonto", "owner": OWNER,
                    "createdAt": "2024-03-01T08:00:00Z", "modifiedAt": "2024-03-01T08:00:00Z"}
    assert [a["id"] for a in exact(call("GET", "/bankaccounts"))][-2:] == [made["id"], bare["id"]]


def test_R6_posted_balances_show_as_the_accounts_balance(client, call, writer):
    made = made_account(call, writer)
    url = f"/bankaccounts/{made['id']}"
    for amount, stamp in ((Decimal("500.00"), "2024-02-15T12:00:00Z"),
                          (Decimal("-75.10"), "2024-02-20T09:30:00.250Z"),
                          (Decimal("900"), "2024-04-01T00:00:00Z")):
        # the amount as written (500.00, not 500.0): money is Decimal end to end
        resp = call("POST", f"{url}/balances", headers={
            **writer, "Content-Type": "application/json"},
            data=f'{{"amount": {amount}, "timestamp": "{stamp}", "currency": {{"code": "NOK"}}}}')
        assert (resp.status_code, exact(resp)) == (201, {
            "amount": amount, "timestamp": stamp, "currency": {"code": "NOK"}})
    # no ``before``: the latest up to now on the client's clock (2024-03-01 08:00)
    assert exact(call("GET", url))["balance"] == {
        "amount": Decimal("-75.10"), "timestamp": "2024-02-20T09:30:00.250Z",
        "currency": {"code": "NOK"}}
    assert exact(call("GET", url, params={"before": "2024-02-20"}))["balance"]["amount"] == (
        Decimal("500.00"))
    assert exact(call("GET", url, params={"before": "2024-12-31"}))["balance"]["amount"] == (
        Decimal("900"))
    # the account's modifiedAt is not a balance's (the vendor says so)
    assert exact(call("GET", url))["modifiedAt"] == made["modifiedAt"]
    # a chart account's posted balance wins over the ledger's
    chart = exact(call("GET", "/bankaccounts"))[0]
    resp = call("POST", f"/bankaccounts/{chart['id']}/balances", headers=writer, json={
        "amount": 4321, "timestamp": "2024-02-01T00:00:00Z", "currency": {"code": "EUR"}})
    assert resp.status_code == 201, resp.text
    assert exact(call("GET", f"/bankaccounts/{chart['id']}"))["balance"] == {
        "amount": 4321, "timestamp": "2024-02-01T00:00:00Z", "currency": {"code": "EUR"}}


def test_R6_balance_refusals_change_nothing(client, call, writer):
    made = made_account(call, writer)
    before = bank_state(call)
    missing = call("POST", f"/bankaccounts/{uuid.UUID(int=5)}/balances", headers=writer,
                   json={"amount": 1, "timestamp": "2024-02-01T00:00:00Z",
                         "currency": {"code": "NOK"}})
    assert (missing.status_code, exact(missing)) == (404, {"error": {
        "name": "NotFoundError",
        "message": "Bank account 00000000-0000-0000-0000-000000000005 was not found"}})
    bad = call("POST", f"/bankaccounts/{made['id']}/balances", headers=writer,
               json={"amount": "12", "timestamp": "yesterday", "currency": {"code": "nok"}})
    assert (bad.status_code, exact(bad)) == (400, {"error": {
        "name": "ValidationError",
        "message": "Invalid bank account balance: amount (type), timestamp (format), "
                   "currency.code (pattern)",
        "payload": {"validationErrors": [
            {"path": "amount", "keyword": "type"}, {"path": "timestamp", "keyword": "format"},
            {"path": "currency.code", "keyword": "pattern"}]}}})
    ancient = call("POST", f"/bankaccounts/{made['id']}/balances", headers=writer, json={
        "amount": 1, "timestamp": "0001-01-01T00:00:00+01:00", "currency": {"code": "NOK"}})
    assert (ancient.status_code, exact(ancient)["error"]["payload"]) == (400, {
        "validationErrors": [{"path": "timestamp", "keyword": "format"}]})
    empty = call("POST", f"/bankaccounts/{made['id']}/balances", headers=writer, json={})
    assert [e["path"] for e in exact(empty)["error"]["payload"]["validationErrors"]] == [
        "amount", "timestamp", "currency"]
    read_only = call("POST", f"/bankaccounts/{made['id']}/balances", json={
        "amount": 1, "timestamp": "2024-02-01T00:00:00Z", "currency": {"code": "NOK"}})
    assert (read_only.status_code, exact(read_only)) == (403, {"error": {
        "name": "ForbiddenError",
        "message": "The access token lacks the scope api.bank.account:write"}})
    assert bank_state(call) == before


def test_R6_bank_account_refusals_change_nothing(client, call, writer):
    made_account(call, writer)
    before = bank_state(call)
    chart_number = before[0][0]["number"]

    def refused(body, status: int, error: dict, reader: bool = False):
        kw = {} if reader else {"headers": writer}  # the default token reads only
        resp = call("POST", "/bankaccounts", json=body, **kw)
        assert (resp.status_code, exact(resp)) == (status, {"error": error})

    refused({"number": "no 1", "bic": "DNB", "type": "giro", "name": " ",
             "owner": {"name": "X", "contact": {"email": "nobody"}},
             "ledgerAccount": {"number": "1920"}}, 400, {
        "name": "ValidationError",
        "message": "Invalid bank account: number (pattern), bic (pattern), type (enum), "
                   "name (minLength), owner.organizationNumber (required), owner.contact.name "
                   "(required), owner.contact.email (pattern), ledgerAccount.number (type)",
        "payload": {"validationErrors": [
            {"path": "number", "keyword": "pattern"}, {"path": "bic", "keyword": "pattern"},
            {"path": "type", "keyword": "enum"}, {"path": "name", "keyword": "minLength"},
            {"path": "owner.organizationNumber", "keyword": "required"},
            {"path": "owner.contact.name", "keyword": "required"},
            {"path": "owner.contact.email", "keyword": "pattern"},
            {"path": "ledgerAccount.number", "keyword": "type"}]}})
    refused({}, 400, {"name": "ValidationError", "message": "Invalid bank account: number "
             "(required), bic (required), type (required), name (required), owner (required)",
             "payload": {"validationErrors": [{"path": p, "keyword": "required"} for p in (
                 "number", "bic", "type", "name", "owner")]}})
    # an IBAN whose check digits are wrong
    refused(account_body(number="NO9386011117948"), 400, {
        "name": "ValidationError", "message": "Invalid bank account: number (format)",
        "payload": {"validationErrors": [{"path": "number", "keyword": "format"}]}})
    refused(account_body(number="12345678903", type="bban", ledgerAccount={"number": 1999}), 400, {
        "name": "BadRequestError",
        "message": "ledgerAccount.number 1999: the chart of accounts has no such account"})
    refused(account_body(number="12345678903", type="bban", transactionType={"number": 77}),
            400, {
        "name": "BadRequestError",
        "message": "transactionType.number 77: the client has no such transaction type"})
    refused(account_body(), 409, {
        "name": "ConflictError",
        "message": f"Bank account NO9386011117947 exists already (id {before[0][-1]['id']})"})
    refused(account_body(number=chart_number, type="bban"), 409, {
        "name": "ConflictError",
        "message": f"Bank account {chart_number} exists already (id {before[0][0]['id']})"})
    refused(account_body(number="12345678903", type="bban"), 403, {
        "name": "ForbiddenError",
        "message": "The access token lacks the scope api.bank.account:write"}, reader=True)
    resp = call("POST", "/bankaccounts", headers={**writer, "Content-Type": "text/plain"},
                data=b"{}")
    assert (resp.status_code, exact(resp)["error"]["name"]) == (415, "UnsupportedMediaTypeError")
    assert bank_state(call) == before


def test_R6_a_posted_bank_transaction_is_listed_and_read_by_its_reference(client, call, writer):
    account = made_account(call, writer)
    booked = client.ledger()
    ledger_side = exact(call("GET", "/banktransactions",
                             params={"dateFrom": "2024-01-01", "dateTo": "2024-12-31"}))
    resp = call("POST", "/banktransactions", headers=writer,
                json=transaction_body(account["id"]))
    assert resp.status_code == 201, resp.text
    inbound = exact(resp)
    assert inbound == {
        "bankTransactionReference": "20240301-0000001", "type": "inbound",
        "bankAccount": {"id": account["id"]},
        "paymentReference": {"type": "ocr", "value": "12345678903"},
        "amount": {"value": Decimal("1250.50"), "currency": {"code": "NOK"}},
        "date": "2024-02-28",
        "fromBankAccount": {"number": "12345678903", "type": "bban"},
        "toBankAccount": {"number": "NO9386011117947", "type": "iban"},
        "bankTransactionCode": {"domainCode": "PMNT", "familyCode": "RCDT",
                                "subFamilyCode": "ESCT"},
        "status": "created", "createdAt": "2024-03-01T08:00:00Z",
        "modifiedAt": "2024-03-01T08:00:00Z"}
    # outbound: the own account is fromBankAccount whatever was sent; a toBankAccount without a
    # type is a bban (the schema's default)
    resp = call("POST", "/banktransactions", headers=writer, json=transaction_body(
        account["id"], bankTransactionReference="20240301-0000002", type="outbound",
        paymentReference={"type": "text", "value": "Husleie mars"},
        amount={"value": 15000, "currency": {"code": "NOK"}}, date="2024-03-01",
        fromBankAccount={"number": "99999999999", "type": "bban"},
        toBankAccount={"number": "60110512345"}, bankTransactionCode=None))
    assert resp.status_code == 201, resp.text
    outbound = exact(resp)
    assert {k: outbound[k] for k in ("fromBankAccount", "toBankAccount", "amount")} == {
        "fromBankAccount": {"number": "NO9386011117947", "type": "iban"},
        "toBankAccount": {"number": "60110512345", "type": "bban"},
        "amount": {"value": 15000, "currency": {"code": "NOK"}}}
    assert "bankTransactionCode" not in outbound
    # listed by date with the chart's lines, filtered by account, read by reference
    listed = exact(call("GET", "/banktransactions",
                        params={"dateFrom": "2024-01-01", "dateTo": "2024-12-31"}))
    assert listed == sorted(ledger_side + [inbound, outbound], key=lambda t: t["date"])
    assert exact(call("GET", "/banktransactions", params={
        "dateFrom": "2024-02-28", "dateTo": "2024-02-29", "bankAccountId": account["id"]})) == [
        inbound]
    assert exact(call("GET", "/banktransactions/20240301-0000002")) == outbound
    # a posted transaction is the bank's side: the ledger and the account's balance are as before
    assert client.ledger() == booked
    assert "balance" not in exact(call("GET", f"/bankaccounts/{account['id']}"))


def test_R6_bank_transaction_refusals_change_nothing(client, call, writer):
    account = made_account(call, writer)
    first = call("POST", "/banktransactions", headers=writer,
                 json=transaction_body(account["id"]))
    assert first.status_code == 201, first.text
    before = bank_state(call)

    def refused(body, status: int, error: dict, reader: bool = False):
        kw = {} if reader else {"headers": writer}  # the default token reads only
        resp = call("POST", "/banktransactions", json=body, **kw)
        assert (resp.status_code, exact(resp)) == (status, {"error": error})

    unknown = str(uuid.UUID(int=9))
    refused(transaction_body(unknown, bankTransactionReference="20240301-0000003"), 400, {
        "name": "BadRequestError",
        "message": f"bankAccount.id {unknown}: no such bank account; create it first "
                   "(POST /bankaccounts)"})
    refused(transaction_body(account["id"]), 409, {
        "name": "ConflictError",
        "message": "bankTransactionReference 20240301-0000001 is taken: it must be unique "
                   "across all bank accounts of the client"})
    # a ledger line's id is a reference too
    line = before[1][0]["bankTransactionReference"]
    refused(transaction_body(account["id"], bankTransactionReference=line.upper()), 409, {
        "name": "ConflictError",
        "message": f"bankTransactionReference {line.upper()} is taken: it must be unique "
                   "across all bank accounts of the client"})
    refused(transaction_body(account["id"], bankTransactionReference="short", type="sideways",
                             bankAccount={}, paymentReference={"type": "kid", "value": 7},
                             amount={"value": -5, "currency": {"code": "kr"}},
                             date="28.02.2024", toBankAccount={"type": "giro"}), 400, {
        "name": "ValidationError",
        "message": "Invalid bank transaction: bankTransactionReference (minLength), type (enum), "
                   "bankAccount.id (required), paymentReference.type (enum), "
                   "paymentReference.value (type), amount.value (exclusiveMinimum), "
                   "amount.currency.code (pattern), date (format), toBankAccount.type (enum)",
        "payload": {"validationErrors": [
            {"path": "bankTransactionReference", "keyword": "minLength"},
            {"path": "type", "keyword": "enum"},
            {"path": "bankAccount.id", "keyword": "required"},
            {"path": "paymentReference.type", "keyword": "enum"},
            {"path": "paymentReference.value", "keyword": "type"},
            {"path": "amount.value", "keyword": "exclusiveMinimum"},
            {"path": "amount.currency.code", "keyword": "pattern"},
            {"path": "date", "keyword": "format"},
            {"path": "toBankAccount.type", "keyword": "enum"}]}})
    refused(transaction_body(account["id"], bankTransactionReference="x" * 131), 400, {
        "name": "ValidationError",
        "message": "Invalid bank transaction: bankTransactionReference (maxLength)",
        "payload": {"validationErrors": [
            {"path": "bankTransactionReference", "keyword": "maxLength"}]}})
    refused(transaction_body(account["id"], bankTransactionReference="20240301-0000004"), 403, {
        "name": "ForbiddenError",
        "message": "The access token lacks the scope api.bank.transaction:write"}, reader=True)
    resp = call("POST", "/banktransactions", headers=writer, data=b"[1]")  # not JSON typed
    assert resp.status_code == 415
    assert bank_state(call) == before


def test_R6_another_client_never_sees_what_a_bank_feed_posted(tfso_mock, tfso_new_client,
                                                             client, call, writer):
    account = made_account(call, writer)
    posted = call("POST", "/banktransactions", headers=writer,
                  json=transaction_body(account["id"]))
    assert posted.status_code == 201, posted.text
    other = tfso_new_client(fiscal_years=[2024])
    other.set_time(T0)
    theirs = bearer(tfso_mock.url, other, scope=SCOPES)

    def get(where, **kw):
        return requests.get(f"{tfso_mock.url}/v1{where}", headers=theirs, timeout=30, **kw)

    assert account["id"] not in [a["id"] for a in exact(get("/bankaccounts"))]
    assert get(f"/bankaccounts/{account['id']}").status_code == 404
    assert get("/banktransactions/20240301-0000001").status_code == 404
    assert exact(get("/banktransactions", params={
        "dateFrom": "2024-02-28", "dateTo": "2024-02-28"})) == []
    # the same number and reference are free at the other client; its account is not ours
    resp = requests.post(f"{tfso_mock.url}/v1/bankaccounts", headers=theirs, timeout=30,
                         json=account_body())
    assert resp.status_code == 201, resp.text
    to_ours = requests.post(f"{tfso_mock.url}/v1/banktransactions", headers=theirs, timeout=30,
                            json=transaction_body(account["id"]))
    assert to_ours.status_code == 400
    assert exact(call("GET", "/bankaccounts"))[-1] == account
    other.reset_clock()


def test_R6_py24so_writes_bank_accounts_balances_and_transactions(tfso_mock, tfso_new_client):
    """py24so's create methods, configured only with base_url and token_url; the application's
    approved scopes are the bank ones (py24so never sends ``scope``)."""
    from py24so import Client24SO, ClientOptions
    from py24so.models.bank import BankAccountBalanceCreate, BankAccountCreate

    made = tfso_new_client(fiscal_years=[2024], oauth={"scopes": SCOPES.split()})
    oauth = made.info["oauth"]
    options = ClientOptions(base_url=f"{tfso_mock.url}/v1", token_url=f"{tfso_mock.url}/oauth/token")
    with Client24SO(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                    options=options) as api:
        account = api.bank_accounts.create(BankAccountCreate.model_validate(
            {**account_body(), "transactionType": None}))
        assert (account.number, account.type, account.ledger_account.number) == (
            "NO9386011117947", "iban", 1920)
        balance = api.bank_accounts.add_balance(account.id, BankAccountBalanceCreate(
            amount=2500.5, timestamp=dt.datetime(2024, 1, 31, 23, 59, tzinfo=UTC),
            currency={"code": "NOK"}))
        assert (balance.amount, balance.currency.code) == (2500.5, "NOK")
        again = api.bank_accounts.get(account.id, before="2024-02-01")
        assert again.balance.amount == 2500.5
        posted = api.bank_transactions.create(transaction_body(account.id))
        assert (posted.status, posted.to_bank_account.number) == ("created", "NO9386011117947")
        listed = list(api.bank_transactions.list(date_from="2024-02-01", date_to="2024-02-29",
                                                 bank_account_id=account.id))
        assert [t.bank_transaction_reference for t in listed] == ["20240301-0000001"]
        assert api.bank_transactions.get("20240301-0000001").amount.value == 1250.5


def _token(server: Served, oauth: dict) -> dict:
    resp = requests.post(server.url + "/oauth/token", timeout=30, data={
        "grant_type": "client_credentials", "client_id": oauth["client_id"],
        "client_secret": oauth["client_secret"], "scope": SCOPES})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def test_R6_bank_feed_records_outlive_a_restart_and_go_with_a_reset_on_sqlite(
        path, servers):  # noqa: F811
    first = servers(path)
    made = first.http.post(first.url + "/__admin/clients", json={"fiscal_years": [2024]},
                           timeout=30)
    assert made.status_code == 201, made.text
    oauth = made.json()["oauth"]
    headers = _token(first, oauth)
    account = first.http.post(first.url + "/v1/bankaccounts", headers=headers, timeout=30,
                              json=account_body())
    assert account.status_code == 201, account.text
    aid = account.json()["id"]
    balance = first.http.post(f"{first.url}/v1/bankaccounts/{aid}/balances", headers=headers,
                              timeout=30, json={"amount": "12.34", "timestamp":
                                                "2024-02-01T00:00:00Z", "currency": {"code": "NOK"}})
    assert balance.status_code == 400  # a string amount: nothing written
    balance = first.http.post(f"{first.url}/v1/bankaccounts/{aid}/balances", headers=headers,
                              timeout=30, json={"amount": 12.34, "timestamp":
                                                "2024-02-01T00:00:00Z", "currency": {"code": "NOK"}})
    assert balance.status_code == 201, balance.text
    posted = first.http.post(first.url + "/v1/banktransactions", headers=headers, timeout=30,
                             json=transaction_body(aid))
    assert posted.status_code == 201, posted.text
    shown = first.http.get(f"{first.url}/v1/bankaccounts/{aid}", headers=headers, timeout=30,
                           params={"before": "2024-03-01"})
    assert exact(shown)["balance"]["amount"] == Decimal("12.34")
    first.stop()

    again = servers(path)
    headers = _token(again, oauth)
    assert again.http.get(f"{again.url}/v1/bankaccounts/{aid}", headers=headers, timeout=30,
                          params={"before": "2024-03-01"}).text == shown.text
    read = again.http.get(f"{again.url}/v1/banktransactions/20240301-0000001", headers=headers,
                          timeout=30)
    assert (read.status_code, read.text) == (200, posted.text)
    # the same reference is still taken after the restart
    twice = again.http.post(again.url + "/v1/banktransactions", headers=headers, timeout=30,
                            json=transaction_body(aid))
    assert twice.status_code == 409
    assert again.http.post(again.url + "/__admin/reset", timeout=30).status_code == 200
    demo = _token(again, again.http.get(again.url + "/__admin/clients/1000", timeout=30).json()[
        "oauth"])
    assert again.http.get(f"{again.url}/v1/bankaccounts/{aid}", headers=demo,
                          timeout=30).status_code == 404
    assert again.http.get(f"{again.url}/v1/banktransactions/20240301-0000001", headers=demo,
                          timeout=30).status_code == 404
