"""The control API under attack from outside its caller: scenarios asked for by path, and
(see the tests below) cross-site and rebinding use by a web page, HTTP framing tricks.

Scenarios are loaded by name only, from the shipped folder and the ``--scenario-dir`` folders:
a path, ``~``, ``..`` or a 5,000-character name is refused with one text that shows at most 64
characters of what was asked and nothing of any file (so it cannot tell which files exist).
"""

from __future__ import annotations

import json

import pytest
import robustness as rb
from robustness import Http, ServeProcess


class Emulator:
    def __init__(self, *args: str):
        self.serve = ServeProcess("--rate-limit", "0", "--quiet", *args)
        self.http = Http(self.serve.host, self.serve.port)

    def admin(self, method: str, path: str, body=None, headers: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json"} if data else {}
        return self.http.call(method, "/__admin" + path, data, {**sent, **(headers or {})})

    def close(self):
        self.http.close()
        self.serve.close()


@pytest.fixture(scope="module")
def emu():
    e = Emulator()
    try:
        yield e
    finally:
        e.close()


NAME_RULE = ("A scenario is asked for by its name (1-64 letters, digits, '-', '_' or '.'), not "
             "{!r}; the names are listed by GET /__admin/scenarios")


@pytest.mark.parametrize("asked", ["/etc/passwd", "/etc/shadow", "/etc/no-such-file",
                                   "~/.bashrc", "../../../../etc/passwd", "webshop/../../x",
                                   "fixtures/scenarios/webshop.yaml", "C:\\Windows\\win.ini",
                                   "..", "webshop\x00", "a" * 5000])
def test_scenarios_by_name_only_paths_are_refused_without_reading_them(emu, asked):
    clients = emu.admin("GET", "/clients").json()
    answer = emu.admin("POST", "/clients", {"scenario": asked})
    rb.note_input(f"scenario {asked[:20]!r}", True, answer.ms)
    shown = asked.strip() if len(asked.strip()) <= 64 else asked[:64] + "..."
    assert answer.status == 400, answer.text
    assert answer.json() == {"error": {"name": "ScenarioError",
                                       "message": NAME_RULE.format(shown)}}
    assert "root:" not in answer.text and "mockserver" not in answer.text
    assert emu.admin("GET", "/clients").json() == clients


def test_scenarios_an_unknown_name_lists_the_known_ones(emu):
    answer = emu.admin("POST", "/clients", {"scenario": "webshoop"})
    assert answer.status == 400
    assert answer.json()["error"]["message"] == (
        "No scenario named 'webshoop' (available: blocked-identity, demo, partial-deduction, "
        "webshop); did you mean webshop?")
    made = emu.admin("POST", "/clients", {"scenario": "webshop"})
    assert made.status == 201 and made.json()["lines"] == 600


# --- HTTP: one framing, no second request smuggled in -----------------------------------------


def exchange(emu: Emulator, raw: bytes) -> bytes:
    """Send ``raw`` on a fresh connection; everything the server answers until it closes."""
    import socket

    sock = socket.create_connection((emu.serve.host, emu.serve.port))
    sock.settimeout(10)
    sock.sendall(raw)
    data = b""
    try:
        while part := sock.recv(65536):
            data += part
    except OSError:
        pass
    sock.close()
    return data


def test_http_content_length_with_transfer_encoding_runs_nothing_smuggled(emu):
    clients = emu.admin("GET", "/clients").json()
    smuggled = b"POST /__admin/clients HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
    body = b"0\r\n\r\n" + smuggled
    raw = (b"POST /__admin/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\nContent-Length: " + str(len(body)).encode()
           + b"\r\n\r\n" + body)
    data = exchange(emu, raw)
    assert data.count(b"HTTP/1.") == 1, data[:400]
    assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n"), data[:200]
    assert json.loads(data.partition(b"\r\n\r\n")[2]) == {"error": {
        "name": "BadRequest",
        "message": "The HTTP request is malformed: Content-Length with Transfer-Encoding"}}
    assert emu.admin("GET", "/clients").json() == clients


# --- cross-site use of the control API (a web page the developer opens) ----------------------


def state(emu: Emulator) -> dict:
    return {"clients": emu.admin("GET", "/clients").json(),
            "faults": emu.admin("GET", "/faults").json(),
            "journal": emu.admin("GET", "/clients/1000/journal").json()}


JSON_ONLY = {"error": {"name": "UnsupportedMediaType",
                       "message": "Send the body as JSON (Content-Type: application/json)"}}


@pytest.mark.parametrize("ctype", ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x"])
@pytest.mark.parametrize("path", ["/reset", "/clients", "/sessions/expire",
                                  "/clients/1000/journal/approve", "/faults"])
def test_crosssite_simple_requests_a_page_can_send_change_nothing(emu, path, ctype):
    before = state(emu)
    answer = emu.http.call("POST", "/__admin" + path, b"", {"Content-Type": ctype})
    rb.note_input(f"cross-site POST {path} as {ctype.split(';')[0]}", True, answer.ms)
    assert (answer.status, answer.json()) == (415, JSON_ONLY)
    assert "access-control-allow-origin" not in answer.headers
    assert state(emu) == before


def crosssite_error(message: str) -> dict:
    return {"error": {"name": "Forbidden", "message": message}}


@pytest.mark.parametrize("origin", ["http://attacker.example", "null", "http://127.0.0.1:1",
                                    "https://localhost"])
def test_crosssite_an_origin_other_than_the_emulators_is_refused(emu, origin):
    before = state(emu)
    for method, path, body in (("POST", "/reset", None), ("POST", "/clients", {}),
                               ("DELETE", "/faults", None), ("PUT", "/clients/1000/blocked",
                                                             {"blocked": True})):
        answer = emu.admin(method, path, body, headers={"Origin": origin})
        rb.note_input(f"{method} {path} from Origin {origin}", True, answer.ms)
        assert (answer.status, answer.json()) == (403, crosssite_error(
            f"The control API refuses cross-site requests (Origin {origin!r} is not this "
            "emulator's own).")), answer.text
        assert "access-control-allow-origin" not in answer.headers
    assert state(emu) == before
    for method in ("GET", "OPTIONS"):  # reads: the same-origin policy, no CORS opening
        answer = emu.admin(method, "/clients", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in answer.headers, answer.headers
    own = f"http://{emu.serve.host}:{emu.serve.port}"
    assert emu.admin("GET", "/clients", headers={"Origin": own}).status == 200


@pytest.mark.parametrize("host", ["attacker.example", f"attacker.example:{8080}", "10.0.0.5",
                                  "127.0.0.1.attacker.example", "localhost.attacker.example"])
def test_crosssite_dns_rebinding_host_names_are_refused(emu, host):
    answer = emu.admin("GET", "/clients", headers={"Host": host})
    rb.note_input(f"GET /__admin/clients with Host {host}", True, answer.ms)
    assert (answer.status, answer.json()) == (403, crosssite_error(
        "The control API answers only requests to this machine's loopback names (localhost, "
        f"127.0.0.1, [::1]) or the --public-url host, not {host!r}; start the emulator with "
        "--admin-token to serve it under other names.")), answer.text
    assert "password" not in answer.text


def test_crosssite_loopback_names_and_plain_clients_are_served(emu):
    port = emu.serve.port
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", f"dev.localhost:{port}",
                 "127.0.0.2"):
        assert emu.admin("GET", "/clients", headers={"Host": host}).status == 200, host
    # curl -X POST $B/__admin/reset: no body, no Content-Type, no Origin (README)
    assert emu.http.call("POST", "/__admin/reset").status == 200
    assert emu.admin("POST", "/clients", {"fiscal_years": [2024]}).status == 201


def test_crosssite_the_public_url_host_and_a_token_guarded_emulator_serve_their_names():
    import socket

    with socket.socket() as probe:  # the banner shows the public URL: pick the real port here
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    named = Emulator("--public-url", "http://mock.example:8080", "--port", str(port))
    named.http = Http("127.0.0.1", port)
    try:
        assert named.admin("GET", "/clients", headers={"Host": "mock.example:8080"}).status == 200
        assert named.admin("GET", "/clients", headers={"Host": "other.example"}).status == 403
        assert named.admin("POST", "/clients", {}, headers={
            "Host": "mock.example:8080", "Origin": "http://mock.example:8080"}).status == 201
    finally:
        named.close()
    guarded = Emulator("--admin-token", "s3cret")
    try:  # a token guards it: any Host (Docker service names), any case of the Bearer scheme
        for scheme in ("Bearer", "bearer", "BEARER"):
            answer = guarded.admin("GET", "/clients", headers={
                "Host": "mock:8080", "Authorization": f"{scheme} s3cret"})
            assert answer.status == 200, (scheme, answer.text)
        assert guarded.admin("GET", "/clients", headers={"Authorization": "bearer nope"}).status == 401
    finally:
        guarded.close()


# --- the caller and the operation come from the parsed envelope ---------------------------------

NS = "http://24sevenOffice.com/webservices"
AUTH = "/authenticate/v001/authenticate.asmx"
ACCOUNT = "/Economy/Account/V004/Accountservice.asmx"
CT11 = "text/xml; charset=utf-8"


def soap(header: str, body: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>{prolog}<soap:Envelope '
            f'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>{header}'
            f"</soap:Header><soap:Body>{body}</soap:Body></soap:Envelope>").encode()


def credential(info: dict) -> str:
    return (f'<Login xmlns="{NS}"><credential><ApplicationId>{info["application_id"]}'
            f'</ApplicationId><Username>{info["username"]}</Username><Password>{info["password"]}'
            "</Password></credential></Login>")


def used(emu: Emulator, client_id: int) -> int:
    return emu.admin("GET", f"/clients/{client_id}/rate_limit").json()["used"]


def test_caller_text_anywhere_in_the_body_neither_charges_nor_shields_another_client(emu):
    victim = emu.admin("POST", "/clients", {"fiscal_years": [2024], "rate_limit": 10}).json()
    other = emu.admin("POST", "/clients", {"fiscal_years": [2024], "rate_limit": 100}).json()
    name = victim["username"]
    planted = [
        soap(f"<Username>{name}</Username>", f'<GetTypeList xmlns="{NS}" />'),
        soap("", f'<GetTypeList xmlns="{NS}"><Username>{name}</Username></GetTypeList>'),
        soap("", f'<GetTypeList xmlns="{NS}"><!-- <Username>{name}</Username> --></GetTypeList>'),
        soap("", f'<GetTypeList xmlns="{NS}"><x:credential xmlns:x="urn:x"><Username>{name}'
                 "</Username></x:credential></GetTypeList>"),
    ]
    for _ in range(3):  # 12 calls naming the victim, none of them the victim's
        for body in planted:
            answer = emu.http.call("POST", ACCOUNT, body, {"Content-Type": CT11})
            assert answer.status == 500 and "not authenticated" in answer.text, answer.text[:300]
    assert used(emu, victim["client_id"]) == 0
    # a Login names its caller in credential/Username; a Username planted in the Header
    # does not move the charge to the victim
    login = emu.http.call("POST", AUTH, soap(f"<Username>{name}</Username>", credential(other)),
                          {"Content-Type": CT11})
    assert "<LoginResult>" in login.text, login.text[:300]
    assert (used(emu, victim["client_id"]), used(emu, other["client_id"])) == (0, 1)


def test_caller_injected_faults_match_the_parsed_operation(emu):
    info = emu.admin("POST", "/clients", {"fiscal_years": [2024]}).json()
    login = emu.http.call("POST", AUTH, soap("", credential(info)), {"Content-Type": CT11})
    session = login.text.split("<LoginResult>")[1].split("</LoginResult>")[0]
    fault = emu.admin("POST", "/faults", {"operation": "GetTypeList", "client_id": info["client_id"],
                                          "soap_fault": "injected", "times": None}).json()
    call = f'<GetTypeList xmlns="{NS}" />'
    disguised = {
        "a processing instruction before the operation": soap("", f"<?pi x?>{call}"),
        "a 9 KB SOAP Header": soap("<pad>" + "x" * 9000 + "</pad>", call),
        "<Body> as text inside the Header": soap("<note>&lt;Body&gt;&lt;Other/&gt;</note>"
                                                 "<soap:Body-not/>", call),
        "a comment and white space first": soap("", f"<!-- <Other/> -->\n  {call}"),
    }
    headers = {"Content-Type": CT11, "Cookie": f"ASP.NET_SessionId={session}"}
    try:
        for name, body in disguised.items():
            answer = emu.http.call("POST", ACCOUNT, body, headers)
            assert answer.status == 500, (name, answer.text[:300])
            assert "<faultstring>injected</faultstring>" in answer.text, (name, answer.text[:300])
        journal = emu.admin("GET", f"/requests?client_id={info['client_id']}&path={ACCOUNT}").json()
        assert [(e["operation"], e.get("injected_fault")) for e in journal[-4:]] == [
            ("GetTypeList", fault["id"])] * 4
    finally:
        emu.admin("DELETE", "/faults")


# --- no redirects built from the Host header ------------------------------------------------------


@pytest.mark.parametrize("path, status", [
    ("/v1//transactionlines", 404), ("//v1/transactionlines", 401), ("/__admin//clients", 404),
    ("/__admin/clients//1000", 404), ("//__admin/health", 200), ("/__admin/clients/", 200),
    ("/v1/transactionlines/", 404)])
def test_http_double_slashes_are_never_redirected_to_the_host_header(emu, path, status):
    answer = emu.http.call("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Host": "evil.example"})
    rb.note_input(f"GET {path}", status >= 400, answer.ms)
    assert answer.status == status, (answer.status, answer.headers)
    assert "location" not in answer.headers
    assert answer.content_type.startswith("application/json"), answer.content_type
    assert "<html" not in answer.text.lower()
