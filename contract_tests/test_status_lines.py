"""Status lines over a real socket: every surface writes the standard reason phrases in IIS's
and ASP.NET Core's spelling (``404 Not Found``), as the SOAP services and the door's refusals
always did; the REST API, the control API and the dashboard (Flask) used to write Werkzeug's
capitals (``404 NOT FOUND``). Interpretation ``REASON_PHRASES``."""

from __future__ import annotations

import http.client
import json

from test_rest_bankfeed import SCOPES, account_body
from transaction_helpers import rest_fixtures

client, call, writer = rest_fixtures(SCOPES)


def status_line(base: str, method: str, path: str, headers: dict | None = None,
                body: bytes | None = None) -> str:
    """The answer's first line as the client read it, without the version."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        resp.read()
        return f"{resp.status} {resp.reason}"
    finally:
        conn.close()


def test_rest_answers_carry_the_standard_reason_phrases(tfso_mock, client, call, writer):
    base = tfso_mock.url
    as_json = {**writer, "Content-Type": "application/json"}
    assert status_line(base, "GET", "/v1/bankaccounts", writer) == "200 OK"
    assert status_line(base, "POST", "/v1/bankaccounts", as_json,
                       json.dumps(account_body()).encode()) == "201 Created"
    assert status_line(base, "POST", "/v1/bankaccounts", as_json, b"{}") == "400 Bad Request"
    assert status_line(base, "GET", "/v1/accounts") == "401 Unauthorized"
    assert status_line(base, "GET", "/v1/accounts", writer) == "403 Forbidden"  # no such scope
    assert status_line(base, "GET", "/v1/no-such-resource", writer) == "404 Not Found"
    assert status_line(base, "DELETE", "/v1/accounts", writer) == "405 Method Not Allowed"
    assert status_line(base, "POST", "/oauth/token", {"Content-Type": "text/plain"},
                       b"x") == "400 Bad Request"
    # the account made above is the only change: every refusal changed nothing
    listed = call("GET", "/bankaccounts").json()
    assert [a["name"] for a in listed if a.get("number") == "NO9386011117947"] == ["Driftskonto"]


def test_control_api_and_dashboard_answers_carry_the_standard_reason_phrases(tfso_mock):
    base, admin = tfso_mock.url, tfso_mock.admin_headers()
    assert status_line(base, "GET", "/__admin/health", admin) == "200 OK"
    assert status_line(base, "GET", "/__admin/no-such-endpoint", admin) == "404 Not Found"
    assert status_line(base, "PATCH", "/__admin/reset", admin) == "405 Method Not Allowed"
    assert status_line(base, "GET", "/__admin/ui/no-such-page", admin) == "404 Not Found"


def test_soap_and_door_answers_keep_theirs(tfso_mock):
    base = tfso_mock.url
    assert status_line(base, "PUT", "/Economy/Account/V004/Accountservice.asmx") == (
        "405 Method Not Allowed")
    assert status_line(base, "POST", "/Economy/Account/V004/Accountservice.asmx",
                       {"Content-Type": "application/json"}, b"{}") == "415 Unsupported Media Type"
