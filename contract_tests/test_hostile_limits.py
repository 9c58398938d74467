"""Capacity limits (``mockserver/limits.py``): one careless or hostile caller cannot take the
memory or the lock from everyone else.

Each test floods one kind of thing a caller can make the emulator hold (sessions, access tokens,
clients, generated ledger lines, injected faults, journal bytes) past its limit, set low here
with ``--limit NAME=N`` so the floods stay small. Over a limit the answer is the path's own
shape (a SOAP Server fault, OAuth's JSON, the control API's JSON) with the exact text, and
nothing changes; what has expired is swept so it no longer counts. While each flood runs, a
normal request is sent again and again on another connection: its worst latency and the
server's memory after the flood are printed with the suite's figures.
"""

from __future__ import annotations

import json

import pytest
import robustness as rb
from robustness import Http, Probe, ServeProcess, soap_fault

NS = "http://24sevenOffice.com/webservices"
AUTH = "/authenticate/v001/authenticate.asmx"
ACCOUNT = "/Economy/Account/V004/Accountservice.asmx"
CT11 = "text/xml; charset=utf-8"
LIMITS = {"sessions": 60, "tokens": 40, "faults": 30, "journal_bytes": 400_000}


def envelope(inner: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
            f'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>{inner}</soap:Body>'
            "</soap:Envelope>").encode()


def limit_args(limits: dict) -> list[str]:
    return [arg for name, n in limits.items() for arg in ("--limit", f"{name}={n}")]


class Emulator:
    def __init__(self, *args: str):
        self.serve = ServeProcess("--rate-limit", "0", "--quiet", *args)
        self.http = Http(self.serve.host, self.serve.port)

    def admin(self, method: str, path: str, body=None):
        data = json.dumps(body).encode() if body is not None else None
        return self.http.call(method, "/__admin" + path, data,
                              {"Content-Type": "application/json"} if data else {})

    def client(self, **options) -> dict:
        made = self.admin("POST", "/clients", {"fiscal_years": [2024], **options})
        assert made.status == 201, made.text
        return made.json()

    def login(self, info: dict, http: Http | None = None):
        cred = (f'<Login xmlns="{NS}"><credential><ApplicationId>{info["application_id"]}'
                f'</ApplicationId><Username>{info["username"]}</Username><Password>'
                f'{info["password"]}</Password></credential></Login>')
        return (http or self.http).call("POST", AUTH, envelope(cred), {"Content-Type": CT11})

    def session(self, info: dict) -> str:
        answer = self.login(info)
        assert "<LoginResult>" in answer.text, answer.text
        return answer.text.split("<LoginResult>")[1].split("</LoginResult>")[0]

    def token(self, info: dict, http: Http | None = None):
        oauth = info["oauth"]
        return (http or self.http).call("POST", "/oauth/token", (
            f"grant_type=client_credentials&client_id={oauth['client_id']}"
            f"&client_secret={oauth['client_secret']}").encode(),
            {"Content-Type": "application/x-www-form-urlencoded"})

    def probe(self) -> Probe:
        """GetTypeList of a client of its own, answered with its types while the flood runs."""
        session = self.session(self.client())

        def call(http: Http) -> bool:
            a = http.call("POST", ACCOUNT, envelope(f'<GetTypeList xmlns="{NS}" />'),
                          {"Content-Type": CT11, "Cookie": f"ASP.NET_SessionId={session}"})
            return a.status == 200 and "<GetTypeListResult>" in a.text

        return Probe(self.serve, call)

    def close(self):
        self.http.close()
        self.serve.close()


@pytest.fixture(scope="module")
def emu():
    e = Emulator(*limit_args(LIMITS))
    try:
        yield e
        stderr = e.serve.stderr()
        assert "Traceback" not in stderr, stderr[-2000:]
    finally:
        e.close()


def test_limits_sessions_a_login_flood_is_refused_at_the_limit_and_idle_ones_are_swept(emu):
    victim = emu.client()
    victim_session = emu.session(victim)
    flooder = emu.client()
    refused = None
    with emu.probe() as probe:
        for _ in range(LIMITS["sessions"] + 5):
            answer = emu.login(flooder)
            if answer.status != 200:
                refused = answer
                break
    rb.note_flood(f"{LIMITS['sessions']} SOAP logins (--limit sessions)", emu.serve, probe)
    assert probe.wrong == []
    assert refused is not None, "no login was refused"
    assert refused.status == 500
    _, code, text = soap_fault(refused)
    assert (code, text) == ("soap:Server", f"The emulator holds {LIMITS['sessions']} live sessions, "
                                           f"its limit (--limit sessions={LIMITS['sessions']}); "
                                           "nothing was changed.")
    # the sessions that were live still work
    still = emu.http.call("POST", ACCOUNT, envelope(f'<GetTypeList xmlns="{NS}" />'),
                          {"Content-Type": CT11, "Cookie": f"ASP.NET_SessionId={victim_session}"})
    assert still.status == 200 and "<GetTypeListResult>" in still.text
    # 21 idle minutes in the flooder's time end its sessions: logins work again (swept)
    assert emu.admin("POST", f"/clients/{flooder['client_id']}/clock",
                     {"advance_seconds": 21 * 60}).status == 200
    assert emu.login(flooder).status == 200
    emu.admin("DELETE", f"/clients/{flooder['client_id']}/clock")


def test_limits_tokens_a_token_flood_is_refused_at_the_limit_and_expired_ones_are_swept(emu):
    flooder = emu.client()
    refused, issued = None, 0
    with emu.probe() as probe:
        for _ in range(LIMITS["tokens"] + 5):
            answer = emu.token(flooder)
            if answer.status != 200:
                refused = answer
                break
            issued += 1
    rb.note_flood(f"{issued} access tokens (--limit tokens)", emu.serve, probe)
    assert probe.wrong == []
    assert refused is not None and issued <= LIMITS["tokens"]
    assert refused.status == 503
    assert refused.content_type.startswith("application/json")
    assert refused.json() == {
        "error": "temporarily_unavailable",
        "error_description": f"The emulator holds {LIMITS['tokens']} live access tokens, its limit "
                             f"(--limit tokens={LIMITS['tokens']}); nothing was changed."}
    # an hour later in the flooder's time its tokens have expired: issuing works again
    assert emu.admin("POST", f"/clients/{flooder['client_id']}/clock",
                     {"advance_seconds": 3601}).status == 200
    again = emu.token(flooder)
    assert again.status == 200, again.text
    emu.admin("DELETE", f"/clients/{flooder['client_id']}/clock")


def test_limits_faults_never_matching_faults_are_refused_at_the_limit(emu):
    before = emu.admin("GET", "/faults").json()
    spec = {"path": "/no/such/service.asmx", "soap_fault": "never", "times": None}
    answers = [emu.admin("POST", "/faults", spec) for _ in range(LIMITS["faults"] + 2 - len(before))]
    assert [a.status for a in answers].count(201) == LIMITS["faults"] - len(before)
    over = answers[-1]
    assert over.status == 503
    assert over.json() == {"error": {
        "name": "LimitReached",
        "message": f"The emulator holds {LIMITS['faults']} injected faults, its limit "
                   f"(--limit faults={LIMITS['faults']}); nothing was changed."}}
    assert len(emu.admin("GET", "/faults").json()) == LIMITS["faults"]
    assert emu.admin("DELETE", "/faults").status == 200


def test_limits_journal_long_paths_are_kept_short_and_the_journal_stays_within_its_bytes(emu):
    path = "/v1/" + "a" * 60_000
    with emu.probe() as probe:
        for _ in range(60):  # 3.6 MB of paths against a 400 kB journal
            answer = emu.http.call("GET", path)
            assert answer.status in (401, 404), answer.status
    rb.note_flood("60 requests with 60 kB paths (--limit journal_bytes)", emu.serve, probe)
    assert probe.wrong == []
    listing = emu.admin("GET", "/requests")
    assert listing.status == 200
    assert len(listing.body) < LIMITS["journal_bytes"]
    long_ones = [e for e in listing.json() if e["path"].startswith("/v1/aaa")]
    assert long_ones, "the long paths are journaled"
    assert {e["path"] for e in long_ones} == {path[:512] + f"... ({len(path)} characters)"}


# --- clients and generated lines: an emulator of their own (its clients are counted) ---------


@pytest.fixture(scope="module")
def small():
    e = Emulator(*limit_args({"clients": 6, "generated_lines": 5000,
                              "generated_lines_total": 8000}))
    try:
        yield e
    finally:
        e.close()


def generate(lines: int) -> dict:
    return {"scenario": {"fiscal_years": [2024], "generate": {
        "lines": lines, "seed": 1, "from": "2024-01-01", "to": "2024-12-31"}}}


def test_limits_generated_lines_per_call_and_in_total_are_refused_before_anything_is_made(small):
    probe = small.probe()
    clients = small.admin("GET", "/clients").json()
    over_call = small.admin("POST", "/clients", generate(5002))
    assert over_call.status == 400
    assert over_call.json() == {"error": {
        "name": "LimitReached",
        "message": "generate.lines asks for 5002 ledger lines; one scenario generates at most "
                   "5000 (--limit generated_lines=5000); nothing was changed."}}
    with probe:
        first = small.admin("POST", "/clients", generate(5000))
    rb.note_flood("a 5,000-line generated client", small.serve, probe)
    assert first.status == 201 and first.json()["lines"] == 5000
    over_total = small.admin("POST", "/clients", generate(4000))
    assert over_total.status == 503
    assert over_total.json()["error"]["message"] == (  # it said "holds 8000" (walk-through)
        "The emulator holds 5000 generated ledger lines; 4000 more would pass its limit "
        "(--limit generated_lines_total=8000); nothing was changed.")
    after = small.admin("GET", "/clients").json()
    assert [c["client_id"] for c in after] == [c["client_id"] for c in clients] + [
        first.json()["client_id"]]


def test_limits_clients_are_refused_at_the_limit_and_nothing_is_made(small):
    held = len(small.admin("GET", "/clients").json())
    made = [small.admin("POST", "/clients", {}) for _ in range(6 - held)]
    assert all(a.status == 201 for a in made), [a.text for a in made]
    over = small.admin("POST", "/clients", {})
    assert over.status == 503
    assert over.json() == {"error": {
        "name": "LimitReached",
        "message": "The emulator holds 6 clients, its limit (--limit clients=6); nothing was "
                   "changed."}}
    assert len(small.admin("GET", "/clients").json()) == 6
    # a reset makes room again (only the demo client is left)
    assert small.admin("POST", "/reset").status == 200
    assert small.admin("POST", "/clients", {}).status == 201
    # below the limit, a client whose identities would pass it: what is held and what it adds
    # (it said "holds 6 clients" while 2 were held; found by the tools walk-through)
    many = small.admin("POST", "/clients", {"identities": [{"name": f"AS {n}"} for n in range(5)]})
    assert (many.status, many.json()["error"]["message"]) == (503, (
        "The emulator holds 2 clients; 6 more would pass its limit (--limit clients=6); "
        "nothing was changed."))
    assert len(small.admin("GET", "/clients").json()) == 2


# --- XML: attributes and namespace declarations ---------------------------------------------


def amplified(kind: str) -> bytes:
    """~1.5 MB envelopes: 60,000 namespace declarations, 150,000 attributes, or one element with
    300 of either."""
    if kind == "namespaces":
        inner = "".join(f'<a xmlns:p{i}="urn:{i}"/>' for i in range(60_000))
    elif kind == "attributes":
        inner = "".join('<a x="1" y="2"/>' for _ in range(75_000))
    elif kind == "one element, attributes":
        inner = "<a " + " ".join(f'a{i}="1"' for i in range(300)) + "/>"
    else:
        inner = "<a " + " ".join(f'xmlns:p{i}="urn:{i}"' for i in range(300)) + "/>"
    return envelope(f'<GetTypeList xmlns="{NS}">{inner}</GetTypeList>')


XML_REFUSALS = {
    "namespaces": "the message has more than 2000 namespace declarations "
                  "(--limit xml_namespaces_total=2000)",
    "attributes": "the message has more than 20000 attributes (--limit xml_attributes_total=20000)",
    "one element, attributes": "an element has more than 256 attributes (--limit xml_attributes=256)",
    "one element, namespaces": "an element has more than 64 namespace declarations "
                               "(--limit xml_namespaces=64)",
}


def test_limits_xml_attribute_and_namespace_amplification_is_refused_as_a_soap_fault(emu):
    session = emu.session(emu.client())
    headers = {"Content-Type": CT11, "Cookie": f"ASP.NET_SessionId={session}"}
    bodies = {kind: amplified(kind) for kind in XML_REFUSALS}
    with emu.probe() as probe:
        for _ in range(6):  # 24 envelopes of up to 1.7 MB
            for kind, body in bodies.items():
                answer = emu.http.call("POST", ACCOUNT, body, headers)
                rb.note_input(f"XML amplification: {kind}", True, answer.ms)
                assert answer.status == 500, answer.text[:300]
                _, code, text = soap_fault(answer)
                assert (code, text) == ("soap:Client",
                                        "Request format is invalid: " + XML_REFUSALS[kind] + ".")
    rb.note_flood("24 attribute/namespace-amplified envelopes (1.2-1.7 MB)", emu.serve, probe)
    assert probe.wrong == []
    # a call with attributes and declarations within the limits is read as usual
    fine = envelope(f'<GetTypeList xmlns="{NS}" xmlns:p="urn:p" a="1"></GetTypeList>')
    answer = emu.http.call("POST", ACCOUNT, fine, headers)
    assert answer.status == 200 and "<GetTypeListResult>" in answer.text, answer.text[:300]
