"""C: fault injection through the control API, seen by zeep (vendor WSDL) and raw HTTP.

A fault applies to the next N calls that match it (operation, service, path, client), then the
emulator serves normally again; the request journal shows what happened.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time

import pytest
import requests
import zeep
from control_helpers import GET_TYPE_LIST, type_list

from mockserver.soap.dispatch import SERVICES

from helpers import bundle, bundle_list, sale

NOT_AUTHENTICATED = "Client is not authenticated on this identity"

#: every SOAP service's name, as the fault API lists them (sorted)
SERVICE_NAMES = sorted({s.name for s in SERVICES.values()})


def save(client, number: int):
    return client.account.SaveBundleList(
        bundle_list([bundle([sale(number, day=dt.date(2024, 3, 1))], year=2024)]))


def test_C_injected_SystemError_on_the_next_SaveBundleList_once_then_normal_service(tfso_new_client):
    client = tfso_new_client(fiscal_years=[2024])
    fault = client.inject_fault(operation="SaveBundleList",
                                result={"Type": "SystemError", "Description": "Database timeout"})
    assert {k: fault[k] for k in ("action", "operation", "client_id", "times", "remaining", "hits",
                                  "result")} == {
        "action": "result", "operation": "SaveBundleList", "client_id": client.client_id,
        "times": 1, "remaining": 1, "hits": 0,
        "result": {"Type": "SystemError", "Description": "Database timeout"}}

    first = save(client, 10000)
    assert (first.Type, first.Description) == ("SystemError", "Database timeout")
    assert client.ledger() == []                      # nothing was saved
    second = save(client, 10000)                      # the integration retries
    assert (second.Type, second.Description) == ("Ok", None)
    assert [ln["amount"] for ln in client.ledger()] == ["125.00", "-100.00", "-25.00"]

    listed = client.faults()
    assert [(f["id"], f["remaining"], f["hits"]) for f in listed] == [(fault["id"], 0, 1)]

    saves = client.requests(operation="SaveBundleList")
    assert [(r["status"], r["result_type"], r.get("injected_fault")) for r in saves] == [
        (200, "SystemError", fault["id"]), (200, "Ok", None)]
    client.verify(2, operation="SaveBundleList")
    client.verify(1, operation="SaveBundleList", result_type="SystemError")


def test_C_soap_fault_text_in_soap11_and_soap12(tfso_new_client):
    client = tfso_new_client()
    client.inject_fault(operation="GetTypeList", soap_fault="Server was unable to process request. ---> Timeout", times=2)
    with pytest.raises(zeep.exceptions.Fault) as f11:
        client.account.GetTypeList()
    assert f11.value.message == "Server was unable to process request. ---> Timeout"
    assert f11.value.code == "soap:Server"
    with pytest.raises(zeep.exceptions.Fault) as f12:
        client.account12.GetTypeList()
    assert f12.value.message == "Server was unable to process request. ---> Timeout"
    assert client.account.GetTypeList()[0].TypeNo == 1


def test_C_http_status_and_delay(tfso_new_client):
    client = tfso_new_client()
    client.inject_fault(operation="GetTypeList", http_status=503)
    resp = type_list(client)
    assert (resp.status_code, resp.text, resp.headers["Content-Type"]) == (
        503, "Service Unavailable", "text/plain; charset=utf-8")
    client.inject_fault(operation="GetTypeList", delay_ms=300)
    started = time.perf_counter()
    assert client.account.GetTypeList()[0].TypeNo == 1
    assert time.perf_counter() - started >= 0.3
    client.inject_fault(operation="GetTypeList", http_status=502, delay_ms=50)
    with pytest.raises(zeep.exceptions.TransportError) as transport:
        client.account.GetTypeList()
    assert transport.value.status_code == 502


def test_C_a_delayed_call_does_not_hold_up_other_clients(tfso_new_client):
    """The server runs requests in its event loop; a call held by an injected delay waits on a
    worker thread, so another client's calls are answered meanwhile (in order of answer, not
    of asking)."""
    slow, other = tfso_new_client(), tfso_new_client()
    slow.inject_fault(operation="GetTypeList", delay_ms=4000)
    answered = []
    waiter = threading.Thread(target=lambda: answered.append(
        ("slow", slow.account.GetTypeList()[0].TypeNo)))
    waiter.start()
    try:
        time.sleep(0.2)  # the slow call is in
        assert other.account.GetTypeList()[0].TypeNo == 1
        answered.append(("other", 1))
        assert waiter.is_alive()  # still held by its delay
    finally:
        waiter.join(10)
    assert answered == [("other", 1), ("slow", 1)]
    slow.clear_faults()


def test_C_drop_connection_closes_the_socket_without_an_answer(tfso_new_client):
    client = tfso_new_client(fiscal_years=[2024])
    fault = client.inject_fault(operation="SaveBundleList", drop_connection=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        save(client, 10000)                           # zeep over requests sees a dead connection
    assert client.ledger() == []
    assert save(client, 10000).Type == "Ok"
    dropped = client.requests(operation="SaveBundleList")[0]
    assert (dropped["status"], dropped["dropped"], dropped["injected_fault"]) == (None, True, fault["id"])

    # on the socket: the request is read, then the connection closes with not one byte sent
    client.inject_fault(operation="GetTypeList", drop_connection=True)
    host, port = client.base_url.rsplit("/", 1)[1].split(":")
    body = GET_TYPE_LIST.encode()
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"POST /Economy/Account/V004/Accountservice.asmx HTTP/1.1\r\n"
                     b"Host: x\r\nContent-Type: text/xml; charset=utf-8\r\n"
                     b"Cookie: ASP.NET_SessionId=" + client.http.cookies["ASP.NET_SessionId"].encode()
                     + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        assert sock.recv(65536) == b""


def test_C_expire_session_before_the_call(tfso_new_client):
    client = tfso_new_client(fiscal_years=[2024])
    client.inject_fault(operation="GetTypeList", expire_session=True)
    with pytest.raises(zeep.exceptions.Fault) as refused:
        client.account.GetTypeList()
    assert refused.value.message == NOT_AUTHENTICATED
    assert client.auth.HasSession() is False
    client.login()
    client.inject_fault(operation="SaveBundleList", expire_session=True)
    result = save(client, 10000)                      # A4: a result, not a fault, for this method
    assert (result.Type, result.Description) == ("NotAuthenticated", NOT_AUTHENTICATED)


def test_C_faults_match_service_path_and_client_only(tfso_new_client):
    a = tfso_new_client()
    b = tfso_new_client()
    a.inject_fault(service="AccountService", soap_fault="A only", times=None)
    assert b.account.GetTypeList()[0].TypeNo == 1     # another client is untouched
    assert a.auth.HasSession() is True               # another service is untouched
    for _ in range(3):                                # times: null = until cleared
        with pytest.raises(zeep.exceptions.Fault):
            a.account.GetAccountList()
    assert a.clear_faults() == 1
    assert a.account.GetTypeList()[0].TypeNo == 1

    token = a.oauth_token()
    a.inject_fault(path="/v1/transactionlines", http_status=503)
    rest = a.rest_get("/v1/transactionlines", token=token, dateFrom="2024-01-01", dateTo="2024-02-01")
    assert rest.status_code == 503
    assert rest.json()["error"] == {"name": "ServiceUnavailable", "message": "503 Service Unavailable"}
    assert a.rest_get("/v1/transactionlines", token=token, dateFrom="2024-01-01",
                      dateTo="2024-02-01").status_code == 200


def test_C_fault_api_lists_deletes_and_validates(tfso_new_client, tfso_mock):
    client = tfso_new_client()
    url = tfso_mock.url + "/__admin/faults"
    one = client.inject_fault(operation="GetTypeList", http_status=500)
    two = client.inject_fault(operation="GetAccountList", http_status=500)
    assert [f["id"] for f in client.faults()] == [one["id"], two["id"]]
    assert requests.delete(f"{url}/{one['id']}").json() == {"cleared": 1}
    assert [f["id"] for f in client.faults()] == [two["id"]]
    assert requests.delete(f"{url}/{one['id']}").status_code == 404
    cases = [
        ({"operation": "GetTypeList"}, "Give delay_ms or one of http_status, soap_fault, result, drop_connection, expire_session"),
        ({"operation": "GetTypeList", "http_status": 503, "soap_fault": "x"}, "Give one of http_status, soap_fault, result, drop_connection, expire_session, not http_status and soap_fault"),
        ({"operation": "GetTypeList", "http_status": 99}, "http_status must be an integer from 100 to 599, not 99"),
        ({"operation": "SaveBundleList", "result": {"Type": "Broken"}}, "result.Type must be one of Ok, DuplicateData, DataAlreadySaved, NotAuthenticated, SystemError, Exception, NotSaved, not 'Broken'"),
        ({"result": {"Type": "SystemError"}}, "result needs operation: the operation whose result it replaces"),
        ({"service": "Nope", "http_status": 500}, "service must be one of " + ", ".join(SERVICE_NAMES) + ", rest, not 'Nope'"),
        ({"path": "/v1/transactionlines", "soap_fault": "x"}, "soap_fault applies to SOAP calls; for REST use http_status"),
        ({"operation": "GetTypeList", "http_status": 500, "times": 0}, "times must be an integer from 1 to 1000000, not 0"),
        ({"operation": "GetTypeList", "drop_connection": "yes"}, "drop_connection must be true"),
        ({"operation": "NoSuchOp", "http_status": 503}, "operation must be an operation of a SOAP service (as its WSDL names it, e.g. SaveBundleList), not 'NoSuchOp'"),
        ({"operation": "SaveBundleList", "service": "TimeService", "http_status": 503}, "operation must be an operation of TimeService (as its WSDL names it, e.g. GetTimeSettings), not 'SaveBundleList'"),
        ({"operation": "GetTypeList", "service": "rest", "http_status": 503}, "operation matches SOAP calls; for REST use path and method"),
        ({"operation": "GetTypeList", "path": "/v1/transactionlines", "http_status": 503}, "operation matches SOAP calls; for REST use path and method"),
        ({"method": "FOO", "http_status": 503}, "method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, not 'FOO'"),
        ({"operation": "GetTypeList", "http_status": 500, "colour": "red"}, "Unknown field(s): colour; a fault has matchers (operation, service, path, client_id, method), times, delay_ms and one of http_status, soap_fault, result, drop_connection, expire_session"),
    ]
    for body, message in cases:
        resp = requests.post(url, json=body)
        assert (resp.status_code, resp.json()) == (400, {"error": {"name": "ValidationError", "message": message}}), body
    assert [f["id"] for f in client.faults()] == [two["id"]]  # nothing refused was kept
    lower = client.inject_fault(operation="savebundlelist", service="AccountService",
                                method="post", http_status=503)  # names as matched: any case
    assert (lower["operation"], lower["method"]) == ("savebundlelist", "post")
    missing = requests.post(url, json={"client_id": 99999999, "http_status": 500})
    assert (missing.status_code, missing.json()["error"]["message"]) == (404, "No client 99999999")


def test_C_fault_list_and_journal_refuse_a_filter_they_do_not_take(tfso_new_client, tfso_mock):
    """Found by the tools walk-through: ``DELETE /__admin/faults?client=7`` (a typo of
    ``client_id``) cleared every client's faults, ``GET`` listed them all, and
    ``/__admin/requests?limit=-1`` answered the whole journal."""
    a, b = tfso_new_client(), tfso_new_client()
    a.inject_fault(operation="GetTypeList", http_status=503, times=None)
    b.inject_fault(operation="GetTypeList", http_status=503, times=None)
    url = tfso_mock.url + "/__admin/faults"
    for method in ("GET", "DELETE"):
        resp = requests.request(method, url, params={"client": a.client_id})
        assert (resp.status_code, resp.json()) == (400, {"error": {
            "name": "ValidationError", "message": "Unknown field(s): client; known: client_id"}})
    assert len(a.faults()) == len(b.faults()) == 1                   # nothing was cleared
    assert requests.delete(url, params={"client_id": a.client_id}).json() == {"cleared": 1}
    assert (a.faults(), len(b.faults())) == ([], 1)
    negative = requests.get(tfso_mock.url + "/__admin/requests",
                            params={"client_id": a.client_id, "limit": -1})
    assert (negative.status_code, negative.json()) == (400, {"error": {
        "name": "ValidationError", "message": "limit must be a whole number, 0 or more"}})
    assert len(requests.get(tfso_mock.url + "/__admin/requests",
                            params={"client_id": a.client_id, "limit": 1}).json()) == 1
