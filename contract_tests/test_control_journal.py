"""C: the request journal: what the emulator received, per client, with SOAP operation or REST
path, status and duration; filters, clearing, verification that explains itself; no secrets."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

import requests
from control_helpers import type_list

from helpers import bundle, bundle_list, sale


def test_C_journal_records_each_call_with_operation_client_status_and_duration(tfso_new_client):
    client = tfso_new_client(fiscal_years=[2024], login=False)
    client.set_time("2024-06-01T12:00:00Z")
    client.login()
    client.account.GetTypeList()
    client.account.SaveBundleList(bundle_list([bundle([sale(10000, day=dt.date(2024, 3, 1))])]))
    token = client.oauth_token()
    client.rest_get("/v1/transactionlines", token=token, dateFrom="2024-01-01", dateTo="2025-01-01")
    entries = client.requests()
    assert [(e["method"], e["path"], e["service"], e["operation"], e["status"]) for e in entries] == [
        ("POST", "/authenticate/v001/authenticate.asmx", "Authenticate", "Login", 200),
        ("POST", "/Economy/Account/V004/Accountservice.asmx", "AccountService", "GetTypeList", 200),
        ("POST", "/Economy/Account/V004/Accountservice.asmx", "AccountService", "SaveBundleList", 200),
        ("POST", "/oauth/token", "rest", "Token", 200),
        ("GET", "/v1/transactionlines", "rest", "GetTransactionLines", 200),
    ]
    assert {e["client_id"] for e in entries} == {client.client_id}
    assert {e["time"] for e in entries} == {"2024-06-01T12:00:00Z"}   # the client's clock
    assert all(isinstance(e["duration_ms"], float) and e["duration_ms"] >= 0 for e in entries)
    assert entries[2]["result_type"] == "Ok"
    assert [e["id"] for e in entries] == sorted(e["id"] for e in entries)


def test_C_journal_filters(tfso_new_client, tfso_mock):
    client = tfso_new_client()
    other = tfso_new_client()
    client.account.GetTypeList()
    client.account.GetAccountList()
    other.account.GetTypeList()
    url = tfso_mock.url + "/__admin/requests"
    mine = requests.get(url, params={"client_id": client.client_id}).json()
    assert [e["operation"] for e in mine] == ["Login", "GetTypeList", "GetAccountList"]
    assert [e["operation"] for e in client.requests(operation="gettypelist")] == ["GetTypeList"]
    assert [e["operation"] for e in client.requests(service="Authenticate")] == ["Login"]
    assert [e["operation"] for e in client.requests(limit=1)] == ["GetAccountList"]
    assert client.requests(status=500) == []
    assert [e["operation"] for e in client.requests(after=mine[0]["id"])] == ["GetTypeList", "GetAccountList"]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert client.requests(since=later.isoformat()) == []
    assert len(client.requests(since="2000-01-01T00:00:00Z")) == 3
    bad = requests.get(url, params={"status": "many"})
    assert (bad.status_code, bad.json()["error"]["message"]) == (400, "status must be an integer, not 'many'")
    bad = requests.get(url, params={"colour": "red"})
    assert bad.json()["error"]["message"] == (
        "Unknown criterion 'colour'; use client_id, operation, service, status, method, path, "
        "since, after, result_type, rate_limited")
    assert client.clear_requests() == 3
    assert client.requests() == []
    assert [e["operation"] for e in other.requests()] == ["Login", "GetTypeList"]   # untouched


def test_C_verify_explains_what_did_and_did_not_match(tfso_new_client, tfso_mock):
    client = tfso_new_client(fiscal_years=[2024])
    client.account.SaveBundleList(bundle_list([bundle([sale(10000, day=dt.date(2024, 3, 1))])]))
    client.account.GetTypeList()
    ok = client.verify(1, operation="SaveBundleList")
    assert (ok["matched"], ok["count"], ok["reason"]) == (
        True, 1, f"1 request matched client_id={client.client_id}, operation=SaveBundleList (expected exactly 1)")

    resp = requests.post(tfso_mock.url + "/__admin/requests/verify",
                         json={"client_id": client.client_id, "operation": "SaveBundleList", "count": 2})
    result = resp.json()
    assert resp.status_code == 200 and result["matched"] is False and result["count"] == 1
    login, save_, types = client.requests()
    assert result["reason"] == (
        f"Expected exactly 2 request(s) matching client_id={client.client_id}, operation=SaveBundleList, found 1. "
        f"Matched: #{save_['id']} AccountService.SaveBundleList client {client.client_id} status 200. "
        "Closest requests that did not match: "
        f"#{types['id']} AccountService.GetTypeList client {client.client_id} status 200 "
        "(operation is 'GetTypeList', not 'SaveBundleList'); "
        f"#{login['id']} Authenticate.Login client {client.client_id} status 200 "
        "(operation is 'Login', not 'SaveBundleList'); "
        + result["reason"].split("(operation is 'Login', not 'SaveBundleList'); ", 1)[1])
    assert result["near_misses"][0] == {"request": types,
                                        "reason": "operation is 'GetTypeList', not 'SaveBundleList'"}

    try:
        client.verify(operation="SaveBundleList", status=500)
    except AssertionError as err:
        assert str(err).startswith(
            f"Expected at least 1 request(s) matching client_id={client.client_id}, "
            "operation=SaveBundleList, status=500, found 0. Closest requests that did not match: "
            f"#{save_['id']} AccountService.SaveBundleList client {client.client_id} status 200 "
            "(status is 200, not 500)")
    else:
        raise AssertionError("verify should have failed")
    client.verify(at_least=2, at_most=3)


def test_C_no_secrets_in_the_journal_or_the_logs(tfso_new_client, tfso_mock, caplog):
    caplog.set_level(logging.DEBUG)
    client = tfso_new_client(login=False)
    session_id = client.login()
    token = client.oauth_token()
    client.rest_get("/v1/transactionlines", token=token, dateFrom="2024-01-01", dateTo="2024-02-01")
    client.auth.Login(client.credential(Password="wrong-" + client.password))
    type_list(client)
    dumped = json.dumps(requests.get(tfso_mock.url + "/__admin/requests").json())
    # the emulator's own logs (the test's zeep/urllib3 debug logs show what the client sent)
    server_logs = "\n".join(r.getMessage() for r in caplog.records
                            if r.name.split(".")[0] in ("mockserver", "waitress", "werkzeug", "flask"))
    secrets = [client.password, session_id, token, client.info["oauth"]["client_secret"],
               "dateFrom", "<Password>"]
    for secret in secrets:
        assert secret not in dumped
        assert secret not in server_logs
    assert re.search(r'"operation": "Login"', dumped)
