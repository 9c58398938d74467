"""Isolation and exposure: one client's session or token never reads or writes another's data
(every id-taking parameter is tried with the other client's ids); the control API is off or
behind a token when the emulator listens beyond loopback; secrets never reach the server's
stderr or the request journal.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
import robustness as rb
from robustness import Http, ServeProcess, soap_fault

NS = "http://24sevenOffice.com/webservices"
TNS = "http://24sevenoffice.com/webservices/economy/accounting/"
AUTH = "/authenticate/v001/authenticate.asmx"
ACCOUNT = "/Economy/Account/V004/Accountservice.asmx"
TRANSACTIONS = "/Economy/Accounting/V001/TransactionService.asmx"


def envelope(inner: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
            f'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>{inner}</soap:Body>'
            "</soap:Envelope>").encode()


class Emulator:
    """A ``tfso-mock serve --host 0.0.0.0`` child (reached on 127.0.0.1) and its control token."""

    def __init__(self, *args: str):
        self.serve = ServeProcess(*args)
        self.token = self.serve.value("Control token") if "--no-admin" not in args else ""
        self.http = Http("127.0.0.1", self.serve.port)

    def admin(self, method: str, path: str, body=None, token: str | None = None):
        headers = {}
        token = self.token if token is None else token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        if data:
            headers["Content-Type"] = "application/json"
        return self.http.call(method, "/__admin" + path, data, headers)

    def soap(self, path: str, inner: str, session: str | None = None):
        headers = {"Content-Type": "text/xml; charset=utf-8"}
        if session:
            headers["Cookie"] = f"ASP.NET_SessionId={session}"
        return self.http.call("POST", path, envelope(inner), headers)

    def close(self):
        self.http.close()
        self.serve.close()


class Client:
    """An isolated client of the emulator: credentials, session, token, its posted line."""

    def __init__(self, emu: Emulator, **options):
        self.emu = emu
        created = emu.admin("POST", "/clients", {"fiscal_years": [2024], **options})
        assert created.status == 201, created.text
        self.info = created.json()
        self.id = self.info["client_id"]
        self.session = self.login()
        oauth = self.info["oauth"]
        got = emu.http.call("POST", "/oauth/token", json.dumps({
            "grant_type": "client_credentials", "client_id": oauth["client_id"],
            "client_secret": oauth["client_secret"]}).encode(), {"Content-Type": "application/json"})
        self.token = got.json()["access_token"]
        self.link = int(re.search(r"<CreateLinkResult>(\d+)<", self.call(ACCOUNT, "<CreateLink xmlns="
                                                                           f'"{NS}" />').text).group(1))
        saved = self.call(ACCOUNT, f'<SaveBundleList xmlns="{NS}"><BundleList><SaveOption>0</SaveOption>'
                                   "<Bundles><Bundle><YearId>2024</YearId><Sort>1</Sort><Vouchers><Voucher>"
                                   "<TransactionNo>0</TransactionNo><Sort>1</Sort><Entries>"
                                   "<Entry><AccountNo>1500</AccountNo><CustomerId>123</CustomerId>"
                                   "<Date>2024-01-31T00:00:00</Date><Amount>125.00</Amount></Entry>"
                                   "<Entry><AccountNo>3000</AccountNo><Date>2024-01-31T00:00:00</Date>"
                                   "<Amount>-125.00</Amount></Entry></Entries></Voucher></Vouchers>"
                                   "</Bundle></Bundles></BundleList></SaveBundleList>")
        assert "<Type>Ok</Type>" in saved.text, saved.text
        lines = self.books()["ledger"]
        self.line = lines[0]["line_id"]
        linked = self.call(ACCOUNT, f'<AddLinkEntries xmlns="{NS}"><linkEntryItem><LineIds><guid>'
                                    f"{self.line}</guid></LineIds><LinkId>{self.link}</LinkId>"
                                    "</linkEntryItem></AddLinkEntries>")
        assert "<AddLinkEntriesResult>true<" in linked.text, linked.text

    def login(self, **overrides) -> str:
        cred = {"ApplicationId": self.info["application_id"], "Username": self.info["username"],
                "Password": self.info["password"], **overrides}
        got = self.emu.soap(AUTH, f'<Login xmlns="{NS}"><credential>'
                                  + "".join(f"<{k}>{v}</{k}>" for k, v in cred.items())
                                  + "</credential></Login>")
        m = re.search(r"<LoginResult>(\w*)</LoginResult>|<LoginResult />", got.text)
        assert m, got.text
        return m.group(1) or ""

    def call(self, path: str, inner: str):
        return self.emu.soap(path, inner, self.session)

    def rest(self, path: str):
        return self.emu.http.call("GET", path, None, {"Authorization": f"Bearer {self.token}"})

    def books(self) -> dict:
        return {"ledger": self.emu.admin("GET", f"/clients/{self.id}/ledger").json()["lines"],
                "journal": self.emu.admin("GET", f"/clients/{self.id}/journal").json()["lines"]}


@pytest.fixture(scope="module")
def emu():
    e = Emulator("--host", "0.0.0.0", "--rate-limit", "0")
    try:
        yield e
    finally:
        e.close()


@pytest.fixture(scope="module")
def pair(emu):
    """Two clients of two different logins; B's books as they were before A tried anything."""
    a, b = Client(emu), Client(emu, identities=[{"name": "B's second company"}])
    return a, b, b.books()


def fault_text(answer) -> str:
    assert answer.status == 500, answer.text[:300]
    return soap_fault(answer)[2]


# --- one client never reaches another's data ---------------------------------------------------


def test_isolation_line_and_link_ids_of_another_client_are_unknown(pair):
    a, b, b_before = pair
    for name in ("AddLinkEntries", "ReplaceLinkEntries"):
        got = a.call(ACCOUNT, f'<{name} xmlns="{NS}"><linkEntryItem><LineIds><guid>{b.line}</guid>'
                              f"</LineIds><LinkId>{a.link}</LinkId></linkEntryItem></{name}>")
        assert fault_text(got) == f"LineId {b.line} was not found"
    # B's link number means nothing in A's books (A made one link; B's numbering is B's)
    b_only = max(a.link, b.link) + 1
    for _ in range(b_only - b.link):
        b.call(ACCOUNT, f'<CreateLink xmlns="{NS}" />')
    got = a.call(ACCOUNT, f'<AddLinkEntries xmlns="{NS}"><linkEntryItem><LineIds><guid>{a.line}</guid>'
                          f"</LineIds><LinkId>{b_only}</LinkId></linkEntryItem></AddLinkEntries>")
    assert fault_text(got) == f"LinkId {b_only} was not found"
    got = a.call(ACCOUNT, f'<UpdateEntryDueDate xmlns="{NS}"><entryItems><EntryItem><LineId>{b.line}'
                          "</LineId><DueDate>2030-01-01T00:00:00</DueDate></EntryItem></entryItems>"
                          "</UpdateEntryDueDate>")
    assert fault_text(got) == f"LineId {b.line} was not found"
    # a bundle of A linking to B's line is refused whole
    got = a.call(ACCOUNT, f'<SaveBundleList xmlns="{NS}"><BundleList><SaveOption>0</SaveOption><Bundles>'
                          "<Bundle><YearId>2024</YearId><Sort>1</Sort><Vouchers><Voucher><TransactionNo>7"
                          "</TransactionNo><Sort>1</Sort><Entries><Entry><AccountNo>1920</AccountNo>"
                          "<Date>2024-02-01T00:00:00</Date><Amount>125.00</Amount>"
                          f"<LinkId>{uuid.uuid4()}</LinkId><Links><LinkModel><LineId>{b.line}</LineId>"
                          "</LinkModel></Links></Entry><Entry><AccountNo>1500</AccountNo>"
                          "<Date>2024-02-01T00:00:00</Date><Amount>-125.00</Amount></Entry></Entries>"
                          "</Voucher></Vouchers></Bundle></Bundles></BundleList></SaveBundleList>")
    assert (f"<Type>Exception</Type><Description>LineId {b.line} was not found (Bundle 1, Voucher 1)"
            "</Description>") in got.text
    assert b.books() == b_before
    assert [ln["line_id"] for ln in a.books()["ledger"]] == [a.line, a.books()["ledger"][1]["line_id"]]


def test_isolation_searches_by_link_customer_and_account_see_only_own_lines(pair):
    a, b, _ = pair
    own = {ln["line_id"] for ln in a.books()["ledger"]}
    for params in (f"<LinkId>{b.link}</LinkId>", "<CustomerId>123</CustomerId>",
                   "<AccountNoStart>1500</AccountNoStart><AccountNoEnd>1500</AccountNoEnd>",
                   "<DateStart>0001-01-01T00:00:00</DateStart><DateEnd>9999-12-31T00:00:00</DateEnd>"):
        got = a.call(TRANSACTIONS, f'<GetTransactions xmlns="{TNS}"><searchParams>{params}'
                                   "</searchParams></GetTransactions>")
        assert got.status == 200, got.text[:300]
        ids = set(re.findall(r"<Id>([0-9a-f-]{36})</Id>", got.text))
        assert ids <= own and b.line not in got.text, params
    base = "/v1/transactionlines?dateFrom=0001-01-01&dateTo=9999-12-31&limit=1000"
    account_id = next(i["account"]["id"] for i in b.rest(base).json() if i["id"] == b.line)
    for query in ("", "&customerId=123", f"&accountId={account_id}", "&accountNumber=1500",
                  "&transactionNumber=10000"):
        got = a.rest(base + query)
        assert got.status == 200 and {i["id"] for i in got.json()} <= own, query
    got = a.rest(f"/v1/transactionlines/{b.line}")
    assert got.status == 404
    assert got.json()["error"] == {"name": "NotFoundError",
                                   "message": f"Transaction line {b.line} was not found"}
    assert b.rest(f"/v1/transactionlines/{b.line}").status == 200  # it is there, for B


def test_isolation_identities_of_another_login_cannot_be_taken(pair, emu):
    a, b, _ = pair
    b_identities = [i["identity_id"] for i in b.info["identities"]]
    for identity in b_identities:
        got = a.call(AUTH, f'<SetIdentityById xmlns="{NS}"><identityId>{identity}</identityId>'
                           "</SetIdentityById>")
        assert "<SetIdentityByIdResult>false</SetIdentityByIdResult>" in got.text, got.text
        got = a.call(AUTH, f'<SetIdentity xmlns="{NS}"><identity><Id>{identity}</Id><IsCurrent>false'
                           "</IsCurrent><IsDefault>false</IsDefault><IsProtected>false</IsProtected>"
                           "</identity></SetIdentity>")
        assert "<SetIdentityResult>false</SetIdentityResult>" in got.text, got.text
        assert a.login(IdentityId=identity) == ""  # A's password does not open B's identity
    current = a.call(AUTH, f'<GetIdentity xmlns="{NS}" />')
    assert f"<Id>{a.info['identity_id']}</Id>" in current.text
    assert f"<Client><Id>{a.id}</Id>" in current.text
    # A's username with B's password, and the other way round: nothing
    for cred in ({"Username": a.info["username"], "Password": b.info["password"]},
                 {"Username": b.info["username"], "Password": a.info["password"]}):
        got = emu.soap(AUTH, f'<GetIdentitiesWithCredential xmlns="{NS}"><credential><ApplicationId>'
                             f'{a.info["application_id"]}</ApplicationId><Username>{cred["Username"]}'
                             f'</Username><Password>{cred["Password"]}</Password></credential>'
                             "</GetIdentitiesWithCredential>")
        assert "<GetIdentitiesWithCredentialResult />" in got.text, got.text
    # a session id nobody was given
    got = emu.soap(ACCOUNT, f'<GetTypeList xmlns="{NS}" />', "a" * 24)
    assert fault_text(got) == "Client is not authenticated on this identity"


def test_isolation_oauth_credentials_of_another_client_are_refused(pair, emu):
    a, b, _ = pair
    for body, status, error in (
            ({"client_id": a.info["oauth"]["client_id"], "client_secret": b.info["oauth"]["client_secret"]},
             401, {"error": "invalid_client", "error_description": "Client authentication failed"}),
            ({"client_id": a.info["oauth"]["client_id"], "client_secret": a.info["oauth"]["client_secret"],
              "login_organization": b.info["oauth"]["organization"]},
             403, {"error": "access_denied", "error_description":
                   f"The application is not connected to organization {b.info['oauth']['organization']}"})):
        got = emu.http.call("POST", "/oauth/token", json.dumps({"grant_type": "client_credentials", **body})
                            .encode(), {"Content-Type": "application/json"})
        assert (got.status, got.json()) == (status, error)


# --- the control API beyond loopback ---------------------------------------------------------------


def test_exposure_beyond_loopback_the_control_api_needs_the_printed_token(emu):
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", emu.token)
    refused = {"error": {"name": "Unauthorized",
                         "message": "The control API needs 'Authorization: Bearer <admin token>'"}}
    for method, path, body in (("GET", "/health", None), ("POST", "/reset", None),
                               ("GET", "/clients", None), ("POST", "/clients", {}),
                               ("GET", "/requests", None), ("POST", "/clock", {"advance_seconds": 1}),
                               ("GET", "/nope", None)):
        for token in ("", "wrong", emu.token + "x", emu.token.upper()):
            got = emu.admin(method, path, body, token=token)
            assert (got.status, got.json()) == (401, refused), (method, path, token)
    assert emu.admin("GET", "/health").status == 200
    assert emu.admin("GET", "/clock").json()["mode"] == "real"  # the refused calls did nothing


def test_exposure_no_admin_switches_the_control_api_off():
    e = Emulator("--host", "0.0.0.0", "--no-admin", "--quiet")
    try:
        for method, path in (("GET", "/health"), ("POST", "/reset"), ("POST", "/clients")):
            got = e.admin(method, path)
            assert (got.status, got.json()) == (404, {"error": {
                "name": "NotFound", "message": "The control API is switched off"}})
        assert not any("Control token" in line for line in e.serve.output)
    finally:
        e.close()


# --- secrets stay out of stderr and the request journal --------------------------------------------


def test_exposure_secrets_never_reach_stderr_or_the_journal(pair, emu):
    a, b, _ = pair
    secrets = {"admin token": emu.token}
    for c in (a, b):
        secrets[f"{c.id} password"] = c.info["password"]
        secrets[f"{c.id} session"] = c.session
        secrets[f"{c.id} access token"] = c.token
        secrets[f"{c.id} client secret"] = c.info["oauth"]["client_secret"]
    # traffic that could leak them: failures, faults and hostile placements of the secrets
    assert a.login(Password=b.info["password"]) == ""
    got = emu.soap(AUTH, f'<Login xmlns="{NS}"><credential><ApplicationId>{a.info["password"]}'
                         f'</ApplicationId><Username>{a.info["username"]}</Username><Password>'
                         f'{a.info["password"]}</Password></credential></Login>')
    assert fault_text(got).startswith("Server was unable to read request.")
    emu.soap(AUTH, f'<Login xmlns="{NS}"><credential><Password>{a.info["password"]}</Pass'
                   "></credential></Login>")
    emu.soap(ACCOUNT, f'<GetEntryId xmlns="{NS}"><argEntryId><SortNo>{a.session}</SortNo>'
                      "</argEntryId></GetEntryId>", a.session)
    emu.http.call("GET", f"/v1/transactionlines/{a.token}", None, {"Authorization": f"Bearer {a.token}x"})
    emu.http.call("GET", "/v1/transactionlines?dateFrom=2024-01-01&dateTo=2025-01-01&invoiceNumber="
                  + a.info["oauth"]["client_secret"], None, {"Authorization": f"Bearer {a.token}"})
    emu.http.call("POST", "/oauth/token", json.dumps({
        "grant_type": "client_credentials", "client_id": a.info["oauth"]["client_secret"],
        "client_secret": a.info["password"]}).encode(), {"Content-Type": "application/json"})
    emu.http.call("POST", "/oauth/token", b"{" + a.info["oauth"]["client_secret"].encode(),
                  {"Content-Type": "application/json"})
    emu.admin("GET", "/health", token=a.info["password"])
    assert emu.admin("POST", "/faults", {"client_id": a.id, "operation": "GetTypeList",
                                         "drop_connection": True}).status == 201
    try:
        emu.soap(ACCOUNT, f'<GetTypeList xmlns="{NS}" />', a.session)
    except OSError:
        pass
    emu.admin("POST", "/sessions/expire", {"client_id": a.id})
    emu.soap(ACCOUNT, f'<GetTypeList xmlns="{NS}" />', a.session)

    journal = emu.admin("GET", "/requests").text
    stderr = emu.serve.stderr()
    leaks = [name for name, value in secrets.items() if value in journal or value in stderr]
    assert leaks == [], leaks
    assert "Traceback" not in stderr, stderr[-2000:]
    rb.note(notes=[f"secrets checked in stderr and the request journal: {len(secrets)} "
                   f"(passwords, session ids, access tokens, client secrets, control token), "
                   f"{len(journal)} bytes of journal, {len(stderr)} bytes of stderr: none found"])
