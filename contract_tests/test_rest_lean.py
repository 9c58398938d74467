"""Issue 18: the hot ``GET /v1/transactionlines`` (and ``/{id}``) answered without Flask
(``mockserver/rest/lean.py``) must be byte for byte what Flask answers, over a real socket,
and still count against the quota, land in the journal and take injected faults.

Each request is sent as raw bytes on its own connection and the whole answer read back; the
same request goes once with the lean path switched off (Flask answers: ``Switch``) and once
with it on, and the switch says which path answered. Only the values that differ per answer
by design are set aside: ``X-Trace-Id`` (a fresh id, checked to be 32 hex digits), ``Date``,
``trackingId`` of an error, and ``APILimitRemaining`` (checked to go down by one each time).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
from urllib.parse import urlsplit

import pytest
from control_helpers import OwnEmulator
from transaction_helpers import ALL_SCOPES

from helpers import bundle, bundle_list, sale

PERIOD = "dateFrom=2024-01-01&dateTo=2024-12-31"


class Switch:
    """Stands in the front door's place for the lean path: counts the requests it answered
    and those it left to Flask; ``on = False`` leaves every request to Flask."""

    def __init__(self, app):
        self.inner = app._lean_rest
        assert self.inner is not None  # the REST app is made (a token was issued)
        self.on = True
        self.served = self.declined = 0
        app._lean_rest = self

    def __call__(self, environ, found):
        if not self.on:
            return None
        answer = self.inner(environ, found)
        if answer is None:
            self.declined += 1
        else:
            self.served += 1
        return answer


@pytest.fixture(scope="module")
def own():
    emulator = OwnEmulator(rate_limit=10_000)
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def setup(own):
    """A client with 20 sales (60 lines) in 2024 and a token with every read scope; the switch."""
    a = own.client(fiscal_years=[2024])
    vouchers = [sale(10000 + i, day=dt.date(2024, 1, 1 + i))
                for i in range(20)]
    assert a.account.SaveBundleList(bundle_list([bundle(vouchers)])).Type == "Ok"
    token = a.oauth_token()
    switch = own.app._lean_rest if isinstance(own.app._lean_rest, Switch) else Switch(own.app)
    switch.on = True
    return a, token, switch


def raw_get(base_url: str, path: str, token: str | None, method: str = "GET") -> bytes:
    """One request on its own connection, as bytes; the whole answer as bytes."""
    url = urlsplit(base_url)
    lines = [f"{method} {path} HTTP/1.1", f"Host: {url.netloc}", "Accept: application/json",
             "Connection: close"]
    if token is not None:
        lines.append(f"Authorization: Bearer {token}")
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def split(raw: bytes) -> tuple[str, list[tuple[str, str]], bytes, int | None]:
    """Status line, headers (name as sent, value; volatile values replaced), body, and
    APILimitRemaining. Asserts the volatile values' shapes."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status, *header_lines = head.decode("latin-1").split("\r\n")
    headers, remaining = [], None
    for line in header_lines:
        name, _, value = line.partition(": ")
        if name == "X-Trace-Id":
            assert re.fullmatch(r"[0-9a-f]{32}", value), value
            value = "<trace>"
        elif name == "Date":
            value = "<date>"
        elif name == "Retry-After":
            assert int(value) > 0, value
            value = "<seconds>"
        elif name == "APILimitRemaining":
            remaining, value = int(value), "<remaining>"
        headers.append((name, value))
    if body.startswith(b"{") and b'"trackingId"' in body:
        data = json.loads(body)
        assert re.fullmatch(r"[0-9a-f]{12}", data["trackingId"])
        body = body.replace(data["trackingId"].encode(), b"<tracking>")
    return status, headers, body, remaining


def both(own, switch: Switch, path: str, token: str | None, lean: bool = True,
         method: str = "GET"):
    """The same request answered by Flask, then with the lean path on, then by Flask again:
    the three answers must be the same bytes; ``lean``: whether the lean path answered the
    second one. Returns the lean-on answer split."""
    switch.on = False
    flask = split(raw_get(own.url, path, token, method))
    switch.on = True
    served, declined = switch.served, switch.declined
    second = split(raw_get(own.url, path, token, method))
    assert (switch.served - served, switch.declined - declined) == ((1, 0) if lean else (0, 1))
    switch.on = False
    again = split(raw_get(own.url, path, token, method))
    switch.on = True
    assert second[:3] == flask[:3] == again[:3]
    if flask[3] is not None:  # every request counted: one less each time
        assert (second[3], again[3]) == (flask[3] - 1, flask[3] - 2)
    return second


def header(answer, name: str) -> str | None:
    return next((v for k, v in answer[1] if k == name), None)


def page_paths(line_id: str) -> list[str]:
    tl = "/v1/transactionlines"
    return [
        f"{tl}?{PERIOD}",                                              # first page of 50, next
        f"{tl}?{PERIOD}&limit=50&page=2",                              # last page: previous
        f"{tl}?{PERIOD}&limit=10&page=3",                              # previous and next
        f"{tl}?{PERIOD}&accountNumber=1500&includeDimensions=true",    # filters
        f"{tl}?{PERIOD}&customerId=123&transactionNumber=10003",
        f"{tl}?{PERIOD}&accountId=11500&transactionTypeId=1&currencyCode=NOK",
        f"{tl}?dateFrom=2024-02-01&dateTo=2024-06-30&limit=5&page=1",  # 0.33.1
        f"{tl}?{PERIOD}&createdFrom=2020-01-01T00:00:00Z&modifiedFrom=2020-01-01T00:00:00Z",
        f"{tl}?{PERIOD}&createdAfter=2020-01-01T00:00:00Z&modifiedAfter=2020-01-01T00:00:00%2B01:00",  # 0.56.0
        f"{tl}/{line_id}",
        f"{tl}/{line_id}?includeDimensions=true",
        f"{tl}/{line_id.upper()}?includeDimensions=false",
    ]


def test_lean_answers_are_flasks_bytes_and_are_journaled_and_counted(own, setup):
    a, token, switch = setup
    line_id = a.ledger()[0]["line_id"]
    a.clear_requests()
    answers = {}
    for path in page_paths(line_id):
        answers[path] = both(own, switch, path, token)
    first = answers[f"/v1/transactionlines?{PERIOD}"]
    assert first[0] == "HTTP/1.1 200 OK"
    names = [k for k, _ in first[1]]
    assert names == ["APILimitRemaining", "APILimitReset", "Connection", "Content-Length",
                     "Content-Type", "Date", "link", "Server", "X-Trace-Id"]  # waitress's order
    assert header(first, "Content-Type") == "application/json; charset=utf-8"
    assert len(json.loads(first[2])) == 50
    base = f"{own.url}/v1/transactionlines?dateFrom=2024-01-01&dateTo=2024-12-31"
    assert header(first, "link") == (f'<{base}&page=1>; rel="first", '
                                     f'<{base}&page=2>; rel="next"')
    middle = answers[f"/v1/transactionlines?{PERIOD}&limit=10&page=3"]
    assert header(middle, "link") == (
        f'<{base}&limit=10&page=1>; rel="first", <{base}&limit=10&page=2>; rel="previous", '
        f'<{base}&limit=10&page=4>; rel="next"')
    last = answers[f"/v1/transactionlines?{PERIOD}&limit=50&page=2"]
    assert len(json.loads(last[2])) == 10
    assert [ln["account"]["number"] for ln in json.loads(
        answers[f"/v1/transactionlines?{PERIOD}&accountNumber=1500&includeDimensions=true"][2])
    ] == [1500] * 20
    one = answers[f"/v1/transactionlines/{line_id}"]
    assert json.loads(one[2])["id"] == line_id and header(one, "link") is None

    # each of the 3 x 12 requests is in the journal, lean or not, with its operation
    seen = a.requests()
    assert len(seen) == 36
    assert {(r["method"], r["service"], r["status"], r["client_id"]) for r in seen} == {
        ("GET", "rest", 200, a.client_id)}
    assert [r["operation"] for r in seen] == (
        ["GetTransactionLines"] * 27 + ["GetTransactionLine"] * 9)
    assert a.rate_limit()["used"] >= 36


def test_a_write_drops_that_clients_kept_pages_only(own, setup):
    a, token, switch = setup
    b = own.client(fiscal_years=[2024])
    assert b.account.SaveBundleList(bundle_list([bundle([sale(10000)])])).Type == "Ok"
    b_token = b.oauth_token()
    path = f"/v1/transactionlines?{PERIOD}&limit=10"
    before = both(own, switch, path, token)
    b_before = both(own, switch, path, b_token)

    # another client's write: a's kept page is still answered by the lean path
    assert b.account.SaveBundleList(bundle_list([bundle([sale(10001)])])).Type == "Ok"
    assert both(own, switch, path, token)[:3] == before[:3]
    switch.on = True
    assert split(raw_get(own.url, path, b_token))[2] != b_before[2]  # b's own page is new

    # a's own write changing a line on the page: answered afresh, then kept again
    line = json.loads(before[2])[0]
    result = a.account.UpdateEntryDueDate(
        {"EntryItem": [{"LineId": line["id"], "DueDate": dt.datetime(2024, 9, 30)}]})
    assert len(result) == 1
    served = switch.served
    fresh = split(raw_get(own.url, path, token))
    assert switch.served == served  # the kept page was not valid any more
    assert json.loads(fresh[2])[0]["invoice"]["dueDate"] == "2024-09-30"
    assert both(own, switch, path, token)[:3] == fresh[:3]
    one = both(own, switch, f"/v1/transactionlines/{line['id']}", token)
    assert json.loads(one[2])["invoice"]["dueDate"] == "2024-09-30"

    # a journal voucher (SaveOption 1) is not on the page until approved
    journal = bundle_list([bundle([sale(20000, day=dt.date(2024, 1, 1))])], save_option=1)
    assert a.account.SaveBundleList(journal).Type == "Ok"
    unchanged = both(own, switch, f"/v1/transactionlines?{PERIOD}&limit=100", token)
    assert a.approve_journal() >= 1
    served = switch.served
    approved = split(raw_get(own.url, f"/v1/transactionlines?{PERIOD}&limit=100", token))
    assert switch.served == served
    was = {ln["id"] for ln in json.loads(unchanged[2])}
    added = [ln for ln in json.loads(approved[2]) if ln["id"] not in was]
    assert len(added) >= 3 and {ln["transaction"]["number"] for ln in added} == {20000}
    assert len(json.loads(approved[2])) == len(was) + len(added)
    both(own, switch, f"/v1/transactionlines?{PERIOD}&limit=100", token)

    # linking lines: the page is read afresh (the linked lines' modifiedAt moved)
    link = a.account.CreateLink()
    ids = [ln["id"] for ln in json.loads(approved[2])[:2]]
    assert a.account.AddLinkEntries({"LineIds": {"guid": ids}, "LinkId": link}) is True
    served = switch.served
    linked = split(raw_get(own.url, f"/v1/transactionlines?{PERIOD}&limit=100", token))
    assert switch.served == served
    now, then = json.loads(linked[2]), json.loads(approved[2])
    assert [ln["id"] for ln in now] == [ln["id"] for ln in then]
    assert [i for i, (x, y) in enumerate(zip(now, then, strict=True)) if x != y] == [0, 1]
    assert now[0]["modifiedAt"] > then[0]["modifiedAt"]
    assert both(own, switch, f"/v1/transactionlines?{PERIOD}&limit=100", token)[2] == linked[2]


def test_refusals_and_unusual_requests_are_left_to_flask(own, setup):
    a, token, switch = setup
    path = f"/v1/transactionlines?{PERIOD}&limit=10"
    both(own, switch, path, token)  # kept

    # HEAD, another case of the path, a trailing slash, no token, not a bearer: Flask's answers
    assert both(own, switch, path, token, lean=False, method="HEAD")[0] == "HTTP/1.1 200 OK"
    assert both(own, switch, path.replace("lines", "Lines"), token, lean=False)[0].endswith("404 Not Found")
    assert both(own, switch, path.replace("?", "/?"), token, lean=False)[0].endswith("404 Not Found")
    switch.on = True
    declined = switch.declined
    missing = split(raw_get(own.url, path, None))
    assert missing[0].endswith("401 Unauthorized") and switch.declined == declined + 1
    odd = both(own, switch, f"/v1/transactionlines/{'0' * 36}", token, lean=False)
    assert odd[0].endswith("400 Bad Request")
    unknown = both(own, switch, "/v1/transactionlines/" + "1" * 8 + "-1111-1111-1111-" + "1" * 12,
                   token, lean=False)
    assert unknown[0].endswith("404 Not Found")
    assert both(own, switch, path + "&page=0", token, lean=False)[0].endswith("400 Bad Request")

    # a token without the read scope: Flask's 403
    other = " ".join(s for s in ALL_SCOPES.split() if s != "api.accounting.transaction:read")
    narrow = a.oauth_token(scope=other)
    refused = both(own, switch, path, narrow, lean=False)
    assert refused[0].endswith("403 Forbidden")
    assert json.loads(refused[2])["error"] == {
        "name": "ForbiddenError",
        "message": "The access token lacks the scope api.accounting.transaction:read"}
    assert header(refused, "WWW-Authenticate") == (
        'Bearer error="insufficient_scope", scope="api.accounting.transaction:read"')

    # an injected fault is applied by the front door before either path
    a.inject_fault(path="/v1/transactionlines", http_status=503)
    served = switch.served
    faulted = split(raw_get(own.url, path, token))
    assert faulted[0].endswith("503 Service Unavailable") and switch.served == served
    assert split(raw_get(own.url, path, token))[0] == "HTTP/1.1 200 OK"
    assert switch.served == served + 1

    # a fault that ends the client's tokens after the front door found the caller by its
    # token: the lean path sees it ended and Flask refuses, as before the fault
    a.inject_fault(path="/v1/transactionlines", expire_session=True)
    declined = switch.declined
    ended = split(raw_get(own.url, path, token))
    assert switch.declined == declined + 1 and ended[0].endswith("401 Unauthorized")
    assert json.loads(ended[2])["error"] == {"name": "UnauthorizedError",
                                             "message": "The access token is invalid"}
    switch.on = False
    assert split(raw_get(own.url, path, token))[1:3] == ended[1:3]  # Flask's own answer
    switch.on = True
    token = a.oauth_token()
    assert both(own, switch, path, token)[0] == "HTTP/1.1 200 OK"

    # the client's own clock: the token expired an hour later (the other client is untouched)
    a.advance(hours=2)
    declined = switch.declined
    first = split(raw_get(own.url, path, token))  # the lean path looks, Flask refuses
    assert switch.declined == declined + 1 and first[0].endswith("401 Unauthorized")
    expired = both(own, switch, path, token, lean=False)
    assert expired[2] == first[2]
    assert expired[0].endswith("401 Unauthorized")
    assert json.loads(expired[2])["error"] == {"name": "UnauthorizedError",
                                               "message": "The access token has expired"}
    assert header(expired, "WWW-Authenticate") == 'Bearer error="invalid_token"'


def test_the_rate_limit_counts_lean_answers_and_refuses_in_its_shape(own, setup):
    a, token, switch = setup
    path = f"/v1/transactionlines?{PERIOD}&limit=5"
    both(own, switch, path, token)
    used = a.rate_limit()["used"]
    a.set_rate_limit(used + 4)
    a.clear_requests()
    switch.on = True
    served = switch.served
    answers = [split(raw_get(own.url, path, token)) for _ in range(6)]
    assert [x[0].split(" ", 2)[1] for x in answers] == ["200"] * 4 + ["429"] * 2
    assert switch.served == served + 4  # a refused request never reaches either path
    assert [x[3] for x in answers] == [3, 2, 1, 0, 0, 0]
    assert [k for k, _ in answers[4][1]] == [
        "APILimitRemaining", "APILimitReset", "Connection", "Content-Length", "Content-Type",
        "Date", "Retry-After", "Server"]
    assert json.loads(answers[4][2])["error"]["name"] == "TooManyRequests"
    seen = a.requests()
    assert [(r["status"], bool(r.get("rate_limited"))) for r in seen] == (
        [(200, False)] * 4 + [(429, True)] * 2)
    # Flask's own 429 is the front door's: the same bytes with the lean path off
    switch.on = False
    flask = split(raw_get(own.url, path, token))
    switch.on = True
    lean = split(raw_get(own.url, path, token))
    assert flask[:2] == lean[:2] and flask[0].split(" ")[1] == "429"
    assert b"Limit exceeded by 3. " in flask[2]
    assert lean[2] == flask[2].replace(b"Limit exceeded by 3. ", b"Limit exceeded by 4. ")
