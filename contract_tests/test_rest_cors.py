"""CORS on the REST API (interpretation ``CORS``, ``rest/cors.py``): the vendor's 0.56.0 document
lists ``Access-Control-Allow-Origin`` and ``-Credentials`` among its answers' headers, so a page
of another origin may call ``/v1``: its preflight is answered 204 (not counted against the
quota) and every ``/v1`` answer to a request with an ``Origin`` carries it back, errors too. A
request without ``Origin`` gets what it always got; ``/oauth/token`` and the control API get no
CORS. Over real sockets with requests, and with a real headless Chromium calling ``/v1`` from a
page of another origin."""

from __future__ import annotations

import http.server
import threading

import pytest
import requests
from browser_helpers import Chromium, require_browser
from transaction_helpers import exact, rest_fixtures

client, call, writer = rest_fixtures()

ORIGIN = "http://localhost:3000"
EXPOSED = "link, APILimitRemaining, APILimitReset, Retry-After, X-Trace-Id"


def _cors(resp) -> dict:
    return {k: v for k, v in resp.headers.items()
            if k.lower().startswith("access-control-") or k.lower() == "vary"}


def _preflight(url: str, method: str = "GET", headers: str | None = "authorization"):
    asked = {"Origin": ORIGIN, "Access-Control-Request-Method": method}
    if headers is not None:
        asked["Access-Control-Request-Headers"] = headers
    return requests.options(url, headers=asked, timeout=30)


def test_CORS_a_preflight_is_answered_204_and_not_counted(tfso_mock, call):
    before = call("GET", "/accounts")
    assert before.status_code == 200
    for method, asked in (("GET", "authorization"), ("POST", "authorization,content-type"),
                          ("DELETE", None)):
        resp = _preflight(f"{tfso_mock.url}/v1/accounts/1920", method, asked)
        assert (resp.status_code, resp.content) == (204, b"")
        assert _cors(resp) == {
            "Access-Control-Allow-Origin": ORIGIN,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE",
            "Access-Control-Allow-Headers": asked or "Authorization, Content-Type",
            "Access-Control-Max-Age": "600",
            "Vary": "Origin"}
        assert "Content-Length" not in resp.headers and "APILimitRemaining" not in resp.headers
    after = call("GET", "/accounts")
    # the three preflights took nothing from the hour's quota: only the GET counts
    assert int(after.headers["APILimitRemaining"]) == int(before.headers["APILimitRemaining"]) - 1
    journal = requests.get(f"{tfso_mock.url}/__admin/requests", timeout=30,
                           params={"method": "OPTIONS", "path": "/v1/accounts/1920"}).json()
    assert [(e["status"], e["service"], e["client_id"]) for e in journal][-3:] == [
        (204, "rest", None)] * 3


def test_CORS_every_v1_answer_to_an_origin_carries_it_back(tfso_mock, call):
    origin = {"Origin": ORIGIN}
    plain = call("GET", "/accounts")
    token = plain.request.headers["Authorization"]
    expected = {"Access-Control-Allow-Origin": ORIGIN,
                "Access-Control-Allow-Credentials": "true",
                "Access-Control-Expose-Headers": EXPOSED,
                "Vary": "Origin"}
    resp = call("GET", "/accounts", headers={"Authorization": token, **origin})
    assert resp.status_code == 200 and _cors(resp) == expected
    assert exact(resp) == exact(plain)  # the same answer, with the CORS headers added
    # a page reads the transaction lines twice: Flask's answer, then the kept (lean) one
    path = "/transactionlines?dateFrom=2024-01-01&dateTo=2025-01-01"
    first = call("GET", path, headers={"Authorization": token, **origin})
    again = call("GET", path, headers={"Authorization": token, **origin})
    for resp in (first, again):
        assert resp.status_code == 200 and _cors(resp) == expected
        assert resp.headers["link"].startswith(f"<{tfso_mock.url}/v1/transactionlines?")
    assert first.content == again.content
    # errors too: the page can read the vendor's error body
    missing = call("GET", "/accounts/99999999", headers={"Authorization": token, **origin})
    assert missing.status_code == 404 and _cors(missing) == expected
    unauthorized = requests.get(f"{tfso_mock.url}/v1/accounts", headers=origin, timeout=30)
    assert unauthorized.status_code == 401 and _cors(unauthorized) == expected
    assert unauthorized.json()["error"]["name"] == "UnauthorizedError"


def test_CORS_without_an_origin_nothing_changes(tfso_mock, call):
    resp = call("GET", "/accounts")
    assert resp.status_code == 200 and _cors(resp) == {}
    # OPTIONS without Access-Control-Request-Method is not a preflight: answered as before
    resp = requests.options(f"{tfso_mock.url}/v1/accounts", headers={"Origin": ORIGIN},
                            timeout=30)
    assert resp.status_code != 204
    assert resp.headers["Access-Control-Allow-Origin"] == ORIGIN


@pytest.mark.parametrize("path", ["/oauth/token", "/__admin/clients",
                                  "/Economy/Account/V004/Accountservice.asmx"])
def test_CORS_only_v1_opens_to_pages(tfso_mock, path):
    resp = _preflight(tfso_mock.url + path, "POST", "content-type")
    assert "Access-Control-Allow-Origin" not in resp.headers
    post = requests.post(tfso_mock.url + path, headers={"Origin": ORIGIN}, timeout=30)
    assert "Access-Control-Allow-Origin" not in post.headers


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        body = b"<!doctype html><title>shop admin</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_CORS_a_page_of_another_origin_reads_v1_in_a_real_browser(tfso_mock, call):
    require_browser()
    token = call("GET", "/accounts").request.headers["Authorization"]
    page = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    threading.Thread(target=page.serve_forever, daemon=True).start()
    browser = Chromium()
    try:
        # localhost:PORT is another origin than the emulator's 127.0.0.1:PORT
        browser.driver.get(f"http://localhost:{page.server_address[1]}/")
        result = browser.driver.execute_async_script("""
            const [url, token, done] = arguments;
            fetch(url, {headers: {Authorization: token}})
              .then(async r => done({status: r.status, link: r.headers.get('link'),
                                     remaining: r.headers.get('APILimitRemaining'),
                                     body: await r.json()}))
              .catch(e => done({error: String(e)}));
        """, f"{tfso_mock.url}/v1/accounts", token)
    finally:
        browser.quit()
        page.shutdown()
    assert "error" not in result, result  # without CORS: "TypeError: Failed to fetch"
    assert result["status"] == 200
    assert result["body"] == call("GET", "/accounts").json()
    assert int(result["remaining"]) > 0  # an exposed header the page's script may read
