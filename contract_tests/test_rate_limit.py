"""L1-L4: the hourly quota, its quarantine, the APILimit* headers, the clock, the burst throttle.

Over real sockets, through zeep from the vendor WSDL and raw HTTP. The quarantine is reached and
left in well under a second of wall time: the test pins the client's clock a few seconds before
the hour and advances it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import zeep
from control_helpers import OwnEmulator, has_session, type_list

from helpers import AUTH, NS, envelope, raw_post

FAQ_PATTERN = re.compile(
    r"^Limit exceeded by (\d+)\. Request is blocked\. Quarantine ends at "
    r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})$")


def limit_text(n: int, ends: str) -> str:
    return f"Limit exceeded by {n}. Request is blocked. Quarantine ends at {ends}"


def faultstring(resp: requests.Response) -> str:
    m = re.search(r"<faultstring>(.*)</faultstring>", resp.text)
    assert m, resp.text
    return m.group(1)


def test_L1_L2_L3_client_with_limit_10_is_quarantined_until_the_next_hour(tfso_new_client):
    """The whole story: limit 10, the 11th call is refused with the FAQ text (SOAP fault via zeep,
    REST 429 JSON), headers count down, the clock moves to the next hour, calls work again."""
    started = time.perf_counter()
    client = tfso_new_client(rate_limit=10, fiscal_years=[2024], login=False)
    assert client.info["rate_limit"] == 10
    client.set_time("2024-05-01T10:59:30Z")

    client.login()                                   # 1
    token = client.oauth_token()                     # 2 (the token endpoint counts too)
    for _ in range(7):                               # 3..9
        assert client.account.GetTypeList()[0].TypeNo == 1
    last = type_list(client)                         # 10: the last one served
    assert last.status_code == 200
    assert (last.headers["APILimitRemaining"], last.headers["APILimitReset"]) == ("0", "2024-05-01T11:00:00Z")

    with pytest.raises(zeep.exceptions.Fault) as refused:   # 11
        client.account.GetTypeList()
    assert refused.value.message == limit_text(1, "2024-05-01 11:00:00")

    raw = type_list(client)                          # 12: the same as ASMX sends it
    assert raw.status_code == 500
    assert raw.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert faultstring(raw) == limit_text(2, "2024-05-01 11:00:00")
    assert "<faultcode>soap:Server</faultcode>" in raw.text
    assert (raw.headers["APILimitRemaining"], raw.headers["APILimitReset"]) == ("0", "2024-05-01T11:00:00Z")

    rest = client.rest_get("/v1/transactionlines", token=token,   # 13: REST answers 429
                           dateFrom="2024-01-01", dateTo="2025-01-01")
    assert rest.status_code == 429
    assert rest.headers["Content-Type"] == "application/json; charset=utf-8"
    assert rest.headers["Retry-After"] == "30"
    body = rest.json()
    assert body["error"] == {"name": "TooManyRequests",
                             "message": limit_text(3, "2024-05-01 11:00:00")}
    assert re.fullmatch(r"[0-9a-f]{12}", body["trackingId"])
    assert rest.headers["APILimitRemaining"] == "0"

    # SaveBundleList is refused with the same fault, not a SaveResponse: the quarantine is
    # decided before any method runs (interpretation; the FAQ shows it as an error message).
    with pytest.raises(zeep.exceptions.Fault) as save_refused:   # 14
        client.account.SaveBundleList({"SaveOption": 0, "Bundles": None})
    assert save_refused.value.message == limit_text(4, "2024-05-01 11:00:00")

    status = client.rate_limit()
    assert {k: status[k] for k in ("rate_limit", "used", "remaining", "reset", "quarantined",
                                   "quarantine_ends")} == {
        "rate_limit": 10, "used": 14, "remaining": 0, "reset": "2024-05-01T11:00:00Z",
        "quarantined": True, "quarantine_ends": "2024-05-01 11:00:00"}

    assert client.advance(30) == dt.datetime(2024, 5, 1, 11, 0, tzinfo=dt.UTC)
    again = type_list(client)                        # the new hour: 1 of 10
    assert again.status_code == 200
    assert (again.headers["APILimitRemaining"], again.headers["APILimitReset"]) == ("9", "2024-05-01T12:00:00Z")
    assert client.account.GetTypeList()[0].TypeNo == 1
    ok = client.rest_get("/v1/transactionlines", token=token, dateFrom="2024-01-01", dateTo="2025-01-01")
    assert ok.status_code == 200 and ok.headers["APILimitRemaining"] == "7"

    # no waiting for the real hour: the quarantine ended on the emulator's clock, 30 s after
    # 10:59:30, far sooner than the same 30 s of real time would have passed
    assert time.perf_counter() - started < 30

    refusals = client.requests(rate_limited=True)
    assert [(r["service"], r["operation"], r["status"], r["fault"]) for r in refusals] == [
        ("AccountService", "GetTypeList", 500, limit_text(1, "2024-05-01 11:00:00")),
        ("AccountService", "GetTypeList", 500, limit_text(2, "2024-05-01 11:00:00")),
        ("rest", None, 429, limit_text(3, "2024-05-01 11:00:00")),
        ("AccountService", "SaveBundleList", 500, limit_text(4, "2024-05-01 11:00:00")),
    ]


def test_L1_soap12_gets_the_quarantine_fault_in_soap12(tfso_new_client):
    client = tfso_new_client(rate_limit=1, login=False)
    client.set_time("2024-05-01T23:15:00Z")
    client.login()
    with pytest.raises(zeep.exceptions.Fault) as refused:
        client.account12.GetTypeList()
    assert refused.value.message == limit_text(1, "2024-05-02 00:00:00")
    raw = raw_post(client.http, client.base_url, "/Economy/Account/V004/Accountservice.asmx",
                   envelope(f'<GetTypeList xmlns="{NS}" />', version="http://www.w3.org/2003/05/soap-envelope"),
                   "GetTypeList", version="http://www.w3.org/2003/05/soap-envelope")
    assert raw.status_code == 500
    assert raw.headers["Content-Type"] == "application/soap+xml; charset=utf-8"
    assert f'<soap:Text xml:lang="en">{limit_text(2, "2024-05-02 00:00:00")}</soap:Text>' in raw.text


def test_L1_the_window_is_the_clock_hour_not_a_rolling_hour(tfso_new_client):
    """Counting starts again at HH:00:00 (FAQ: "Wait for the next hour to begin")."""
    client = tfso_new_client(rate_limit=3, login=False)
    client.set_time("2024-05-01T10:00:00Z")
    client.login()
    assert [type_list(client).status_code for _ in range(3)] == [200, 200, 500]
    client.set_time("2024-05-01T10:59:59.999Z")
    assert faultstring(type_list(client)) == limit_text(2, "2024-05-01 11:00:00")
    client.set_time("2024-05-01T11:00:00Z")
    # an hour without a served call: the session has idled out (refusals do not keep it alive)
    assert faultstring(type_list(client)) == "Client is not authenticated on this identity"
    client.login()                                   # 2 of the new hour's 3
    assert [type_list(client).status_code for _ in range(2)] == [200, 500]


def test_L1_quota_is_per_client_callers_without_a_client_count_per_address(tfso_mock):
    """Interpretation: a client (session, Login Username, token) is its own caller; requests that
    name no client are counted per remote address against the emulator-wide limit."""
    own = OwnEmulator(rate_limit=3)
    try:
        a, b = own.client(), own.client()          # each login: 1 of that client's 3
        assert [type_list(a).status_code for _ in range(3)] == [200, 200, 500]
        assert type_list(b).status_code == 200     # b has its own quota
        anonymous = requests.Session()
        codes = [has_session(own.url, anonymous).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 500]
        assert faultstring(has_session(own.url, anonymous)).startswith("Limit exceeded by 2. ")
        assert type_list(b).status_code == 200     # addresses and clients are separate callers
    finally:
        own.stop()


def test_L1_rate_limit_can_be_changed_per_client_and_globally(tfso_new_client, tfso_mock):
    client = tfso_new_client(login=False)
    assert client.rate_limit()["rate_limit"] == 7200
    changed = client.set_rate_limit(5)
    assert (changed["rate_limit"], changed["own"]) == (5, {"rate_limit": 5, "burst_limit": None})
    client.login()
    assert type_list(client).headers["APILimitRemaining"] == "3"
    assert client.set_rate_limit(None)["rate_limit"] == 7200   # back to the emulator's value

    own = OwnEmulator()
    try:
        resp = requests.put(own.url + "/__admin/rate_limit", json={"rate_limit": 2})
        assert resp.json() == {"rate_limit": 2, "burst_limit": 0}
        c = own.client()
        assert [type_list(c).status_code for _ in range(2)] == [200, 500]
        assert requests.delete(f"{own.url}/__admin/clients/{c.client_id}/rate_limit/counters").json()["used"] == 0
        assert type_list(c).status_code == 200
        bad = requests.put(f"{own.url}/__admin/clients/{c.client_id}/rate_limit", json={"rate_limit": -1})
        assert (bad.status_code, bad.json()["error"]["message"]) == (
            400, "rate_limit must be a whole number, 0 or more (or null for the emulator's default)")
    finally:
        own.stop()


def test_L1_limit_n_serves_exactly_n_under_concurrency(tfso_new_client):
    """50 of 120 concurrent calls are served; the refusals count 1..70, each exactly once."""
    client = tfso_new_client(rate_limit=51, login=False)
    client.set_time("2024-05-01T10:30:00Z")
    client.login()                                  # 1 of 51
    cookie = client.http.cookies.get("ASP.NET_SessionId")
    local = threading.local()

    def call(_):
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
            session.cookies.set("ASP.NET_SessionId", cookie)
        return type_list(client, session)

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(call, range(120)))
    served = [a for a in answers if a.status_code == 200]
    refused = sorted(int(FAQ_PATTERN.match(faultstring(a)).group(1))
                     for a in answers if a.status_code == 500)
    assert len(served) == 50
    assert refused == list(range(1, 71))
    assert sorted(int(a.headers["APILimitRemaining"]) for a in served) == list(range(50))


def test_L2_headers_on_every_vendor_response_with_the_vendors_spelling(tfso_new_client):
    client = tfso_new_client(login=False)
    client.set_time("2024-05-01T10:15:00Z")
    client.login()
    answers = {
        "soap ok": type_list(client),
        "soap fault": raw_post(client.http, client.base_url, "/Economy/Account/V004/Accountservice.asmx",
                               envelope(f'<NoSuchMethod xmlns="{NS}" />'), "NoSuchMethod"),
        "wsdl": client.http.get(client.base_url + "/Economy/Account/V004/Accountservice.asmx?WSDL"),
        "rest": client.rest_get("/v1/transactionlines", dateFrom="2024-01-01", dateTo="2024-02-01"),
        "rest error": client.rest_get("/v1/transactionlines"),
    }
    for name, resp in answers.items():
        names = list(resp.headers.keys())
        assert "APILimitRemaining" in names and "APILimitReset" in names, (name, names)
        assert re.fullmatch(r"\d+", resp.headers["APILimitRemaining"]), name
        assert resp.headers["APILimitReset"] == "2024-05-01T11:00:00Z", name
    assert answers["soap fault"].status_code == 500
    assert answers["rest error"].status_code == 400
    # the WSDL document is not counted; the other answers are
    remaining = [int(answers[n].headers["APILimitRemaining"]) for n in ("soap ok", "soap fault")]
    assert remaining == [7200 - 2, 7200 - 3]
    assert int(answers["wsdl"].headers["APILimitRemaining"]) == 7200 - 3


def test_L2_headers_absent_when_the_quota_is_off(tfso_new_client):
    client = tfso_new_client(rate_limit=0)
    resp = type_list(client)
    assert resp.status_code == 200
    assert "APILimitRemaining" not in resp.headers and "APILimitReset" not in resp.headers


def test_L3_clock_control_api_shapes(tfso_new_client, tfso_mock):
    client = tfso_new_client(login=False)
    base = f"{tfso_mock.url}/__admin/clients/{client.client_id}/clock"
    assert requests.get(base).json()["mode"] == "emulator"
    set_ = requests.post(base, json={"now": "2024-05-01T10:59:00+02:00"}).json()
    assert set_ == {"client_id": client.client_id, "now": "2024-05-01T08:59:00Z", "mode": "fixed",
                    "offset_seconds": 0.0}
    moved = requests.post(base, json={"advance_seconds": 61}).json()
    assert moved["now"] == "2024-05-01T09:00:01Z"
    bad = requests.post(base, json={"now": "yesterday"})
    assert (bad.status_code, bad.json()) == (400, {"error": {"name": "ValidationError", "message":
            "now must be an ISO 8601 time like 2024-05-01T10:59:00Z, not 'yesterday'"}})
    assert requests.delete(base).json()["mode"] == "emulator"


def test_L4_burst_throttle_answers_plain_429_per_client(tfso_new_client):
    client = tfso_new_client(burst_limit=5, login=False)
    client.set_time("2024-05-01T10:00:00Z")        # a pinned clock: every call in the same instant
    client.login()                                  # 1 of 5 this second
    codes = [type_list(client) for _ in range(5)]
    assert [r.status_code for r in codes] == [200, 200, 200, 200, 429]
    throttled = codes[-1]
    assert throttled.text == "Too Many Requests"
    assert throttled.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert throttled.headers["Retry-After"] == "1"
    client.advance(1)
    assert type_list(client).status_code == 200
    # throttled calls do not count against the hour
    assert client.rate_limit()["used"] == 6


def test_L4_burst_throttle_off_by_default_and_on_by_setting(tfso_new_client):
    client = tfso_new_client(login=False)
    client.set_time("2024-05-01T10:00:00Z")
    client.login()
    assert {type_list(client).status_code for _ in range(40)} == {200}
    own = OwnEmulator(burst_limit=25)               # tfso-mock serve --burst-limit 25
    try:
        c = own.client(login=False)
        requests.post(f"{own.url}/__admin/clients/{c.client_id}/clock", json={"now": "2024-05-01T10:00:00Z"})
        c.login()
        codes = [type_list(c).status_code for _ in range(30)]
        assert codes == [200] * 24 + [429] * 6
        health = requests.get(own.url + "/__admin/health").json()
        assert (health["rate_limit"], health["burst_limit"]) == (7200, 25)
    finally:
        own.stop()


def test_L1_rest_caller_is_the_token_client(tfso_new_client):
    """A REST call counts against the client its bearer token belongs to."""
    client = tfso_new_client(rate_limit=3, login=False)
    client.set_time("2024-05-01T10:00:00Z")
    token = client.oauth_token()                     # 1
    got = [client.rest_get("/v1/transactionlines", token=token, dateFrom="2024-01-01",
                           dateTo="2024-02-01") for _ in range(3)]
    assert [r.status_code for r in got] == [200, 200, 429]
    assert got[-1].json()["error"]["message"] == limit_text(1, "2024-05-01 11:00:00")
    assert json.loads(got[-1].text)["error"]["name"] == "TooManyRequests"


def test_L1_login_counts_against_the_client_it_names(tfso_new_client, tfso_mock):
    client = tfso_new_client(rate_limit=2, login=False)
    client.set_time("2024-05-01T10:00:00Z")
    assert client.login()                            # 1
    assert client.login()                            # 2
    with pytest.raises(zeep.exceptions.Fault) as refused:
        client.login()
    assert refused.value.message == limit_text(1, "2024-05-01 11:00:00")
    assert raw_post(requests.Session(), tfso_mock.url, AUTH, envelope(f'<HasSession xmlns="{NS}" />'),
                    "HasSession").status_code == 200  # anonymous callers are someone else
