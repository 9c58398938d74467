"""Hostile and malformed input on every path (SOAP services, REST, OAuth token, control API).

Each input gets an answer in the shape of the path it was sent to (a SOAP fault or result, the
vendor's JSON error, OAuth's JSON error, the control API's JSON), with the exact status and
text; never a stack trace, an HTML page or a Server fault. Each refusal is timed (the budget is
100 ms: the worst is reported; a refusal slower than 1 s fails). Bodies of 100 MB are refused
as soon as the headers are read, with and without Content-Length. The emulator runs as a
``tfso-mock serve`` child: its memory is read before and after, and the books of the clients
the inputs were aimed at are compared before and after (in the module fixture's teardown).
Everything runs against the in-memory store and against ``--store sqlite:PATH``.
"""

from __future__ import annotations

import itertools
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
import robustness as rb
from robustness import SOAP11, SOAP12, Answer, Http, ServeProcess, never_a_stack_trace, soap_fault

NS = "http://24sevenOffice.com/webservices"
TNS = "http://24sevenoffice.com/webservices/economy/accounting/"
AUTH = "/authenticate/v001/authenticate.asmx"
ACCOUNT = "/Economy/Account/V004/Accountservice.asmx"
TRANSACTIONS = "/Economy/Accounting/V001/TransactionService.asmx"
SERVICES = {
    AUTH: (NS, ["AuthenticateByToken", "Login", "HasSession", "GetIdentity", "GetIdentities",
                "SetIdentity", "SetIdentityById", "GetIdentitiesWithCredential",
                "GetIdentitiesWithCredentialByService"]),
    ACCOUNT: (NS, ["SaveBundleList", "GetEntryId", "GetAccountList", "GetTypeList",
                   "GetTaxCodeList", "CheckAccountNo", "CreateLink", "AddLinkEntries",
                   "ReplaceLinkEntries", "UpdateEntryDueDate"]),
    TRANSACTIONS: (TNS, ["GetTransactionTypes", "GetUserDefinedDimensions",
                         "GetUserDefinedDimensionValues", "GetFiscalYears", "GetTransactions",
                         "GetAggregated"]),
}
# The master-data services (M1-M6): every operation of their vendor WSDL, at its path.
for _svc in __import__("mockserver.soap.services", fromlist=["ALL"]).ALL:
    from mockserver.soap.schema import public_path as _public_path

    _ns = _svc.document.split(b'targetNamespace="', 1)[1].split(b'"', 1)[0].decode()
    SERVICES[_public_path(_svc.document)] = (_ns, list(_svc.docs))
MB100 = 100 * 1024 * 1024
LIMIT = 2 * 1024 * 1024  # Settings.max_body
#: SQL and shell metacharacters, quotes, XML-special characters, a NUL-free control character
METACHARS = ["'; DROP TABLE entries; --", '" OR 1=1 --', "$(rm -rf /)", "`id`", "a|b&c;d>e<f",
             "%00%27", "../../etc/passwd", "\\'\\\"", "${jndi:ldap://x}", "Robert'); --\t"]
CT11 = "text/xml; charset=utf-8"
CT12 = "application/soap+xml; charset=utf-8"
DTD_TEXT = "Request format is invalid: DTDs are not allowed in SOAP messages."
XML_ERROR = "Server was unable to read request. ---> There is an error in XML document ("


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def envelope(inner: str, version: str = SOAP11) -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{version}" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>{inner}</soap:Body>'
            "</soap:Envelope>")


def op(name: str, ns: str, args: str = "") -> str:
    return f'<{name} xmlns="{ns}">{args}</{name}>'


#: .NET's texts for values XmlSerializer cannot convert (W9)
FORMAT = "Input string was not in a correct format."
GUID_LENGTH = "Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."


def overflow(net_type: str) -> str:
    return f"Value was either too large or too small for {net_type}."


def not_a_date(value: str) -> str:
    return f"The string '{value}' is not a valid AllXsd value."


def not_in_enum(value: str, type_name: str) -> str:
    return f"Instance validation error: '{value}' is not a valid value for {type_name}."


def expect_unreadable(inner: str):
    """W9: soap:Client, ``Server was unable to read request. ---> There is an error in XML
    document (1, COLUMN). ---> INNER`` (the envelopes here are one line long)."""
    pattern = re.compile(r"Server was unable to read request\. ---> There is an error in XML "
                         r"document \(1, [1-9][0-9]*\)\. ---> " + re.escape(inner))

    def check(a: Answer) -> None:
        assert a.status == 500, (a.status, a.text[:300])
        assert a.content_type == CT11, a.content_type
        ns, got_code, got_text = soap_fault(a)
        assert (ns, got_code) == (SOAP11, "soap:Client"), (ns, got_code, got_text)
        assert pattern.fullmatch(got_text), got_text
    return check


# --- cases and their expected answers -----------------------------------------------------------


@dataclass
class Case:
    name: str
    method: str
    path: str
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    check: Callable[[Answer], None] | None = None
    refused: bool = True


def expect_fault(status: int, text: str, code: str | None = None, version: str = SOAP11,
                 prefix: bool = False):
    """A SOAP fault; ``code`` defaults to the request's-fault code (1.1 Client, 1.2 Sender)."""
    code = code or ("soap:Sender" if version == SOAP12 else "soap:Client")

    def check(a: Answer) -> None:
        assert a.status == status, (a.status, a.text[:300])
        assert a.content_type == {SOAP11: CT11, SOAP12: CT12}[version], a.content_type
        ns, got_code, got_text = soap_fault(a)
        assert (ns, got_code) == (version, code), (ns, got_code, got_text)
        if prefix:
            assert got_text.startswith(text) and len(got_text) > len(text), got_text
        else:
            assert got_text == text, got_text
    return check


def expect_soap(fragment: str, version: str = SOAP11):
    """A 200 SOAP answer containing ``fragment`` (a documented result)."""
    def check(a: Answer) -> None:
        assert a.status == 200, (a.status, a.text[:400])
        assert a.content_type == {SOAP11: CT11, SOAP12: CT12}[version]
        assert fragment in a.text, a.text[:600]
    return check


def expect_save(result_type: str, description: str):
    """SaveBundleList refused with a result, not a fault (S)."""
    return expect_soap(f"<SaveBundleListResult><Type>{result_type}</Type>"
                       f"<Description>{xml_escape(description)}</Description>"
                       "</SaveBundleListResult>")


def expect_json(status: int, body):
    """Exact JSON (vendor ``trackingId`` values are random: only their presence is checked)."""
    def check(a: Answer) -> None:
        assert a.status == status, (a.status, a.text[:300])
        assert a.content_type.startswith("application/json"), a.content_type
        got = a.json()
        if isinstance(got, dict) and "trackingId" in got:
            assert isinstance(got.pop("trackingId"), str)
        assert got == body, got
    return check


def rest_error(status: int, name: str, message: str, validation: list | None = None):
    error: dict = {"name": name, "message": message}
    if validation is not None:
        error["payload"] = {"validationErrors": [{"path": p, "keyword": k} for p, k in validation]}
    return expect_json(status, {"error": error})


def oauth_error(status: int, error: str, description: str):
    return expect_json(status, {"error": error, "error_description": description})


def admin_error(status: int, name: str, message: str):
    return expect_json(status, {"error": {"name": name, "message": message}})


# --- the emulator under attack -------------------------------------------------------------------


class Target:
    """A ``tfso-mock serve`` child, a client A with one posted voucher, A's SOAP session and
    REST token, and what the books looked like before."""

    def __init__(self, *args: str):
        self.serve = ServeProcess("--rate-limit", "0", "--quiet", *args)
        self.http = Http(self.serve.host, self.serve.port)
        info = self.admin("POST", "/__admin/clients", {"fiscal_years": [2024]})
        assert info.status == 201, info.text
        self.info = info.json()
        self.client_id = self.info["client_id"]
        login = self.soap(AUTH, op("Login", NS, self.credential()), cookie=False)
        self.session = login.text.split("<LoginResult>")[1].split("</LoginResult>")[0]
        assert len(self.session) == 24, login.text
        saved = self.soap(ACCOUNT, op("SaveBundleList", NS, save_args(
            entries(("1920", "125.00"), ("3000", "-100.00", "<TaxNo>3</TaxNo>"), ("2700", "-25.00")))))
        assert "<Type>Ok</Type>" in saved.text, saved.text
        oauth = self.info["oauth"]
        token = self.http.call("POST", "/oauth/token", (
            f"grant_type=client_credentials&client_id={oauth['client_id']}"
            f"&client_secret={oauth['client_secret']}").encode(),
            {"Content-Type": "application/x-www-form-urlencoded"})
        self.token = token.json()["access_token"]
        self.line_id = self.state()[self.client_id]["ledger"][0]["line_id"]
        for _ in range(20):  # warm up: first-call imports and caches are not "growth"
            self.soap(ACCOUNT, op("GetTypeList", NS))
        self.before = self.state()
        self.rss_before = self.serve.rss_kb()

    def credential(self, **kw) -> str:
        values = {"ApplicationId": self.info["application_id"], "Username": self.info["username"],
                  "Password": self.info["password"], **kw}
        return "<credential>" + "".join(f"<{k}>{v}</{k}>" for k, v in values.items()) + "</credential>"

    def admin(self, method: str, path: str, body=None) -> Answer:
        data = json.dumps(body).encode() if body is not None else None
        return self.http.call(method, path, data, {"Content-Type": "application/json"} if data else {})

    def soap(self, path: str, inner: str, cookie: bool = True) -> Answer:
        headers = {"Content-Type": CT11}
        if cookie:
            headers["Cookie"] = f"ASP.NET_SessionId={self.session}"
        return self.http.call("POST", path, envelope(inner).encode(), headers)

    def state(self) -> dict:
        """Ledger and journal of A and of the demo client, the client list, the clock."""
        out = {}
        for cid in (self.client_id, 1000):
            out[cid] = {"ledger": self.admin("GET", f"/__admin/clients/{cid}/ledger").json()["lines"],
                        "journal": self.admin("GET", f"/__admin/clients/{cid}/journal").json()["lines"]}
        out["clients"] = sorted(c["client_id"] for c in self.admin("GET", "/__admin/clients").json())
        out["clock"] = self.admin("GET", "/__admin/clock").json()["mode"]
        return out

    def run(self, cases: list[Case]) -> list[str]:
        """Send every case; the list of what did not answer as expected (empty: all did)."""
        failures = []
        for case in cases:
            headers = dict(case.headers)
            try:
                answer = self.http.call(case.method, case.path, case.body, headers)
            except OSError as err:
                failures.append(f"{case.name}: no answer ({err!r})")
                continue
            server_error = _server_error(answer)
            rb.note_input(case.name, case.refused, answer.ms, server_error)
            try:
                never_a_stack_trace(answer)
                assert not server_error, "a server error"
                assert answer.ms <= rb.HARD_LIMIT_MS, f"took {answer.ms:.0f} ms"
                if case.check is not None:
                    case.check(answer)
            except AssertionError as err:
                failures.append(f"{case.name}: {err}")
        return failures

    def close(self):
        self.http.close()
        self.serve.close()


#: Server faults the vendor documents (SPEC A3, A4, E3, L1), and ASMX's answer when a missing
#: argument reaches the web method as null (W9): answers, not server errors
DOCUMENTED_SERVER_FAULTS = ("Client is not authenticated on this identity",
                            "No next Entry Id found with the provided date and sort",
                            "Provided IdentityId is blocked.", "Limit exceeded by ",
                            "Server was unable to process request. ---> Object reference not set "
                            "to an instance of an object.")
#: The master-data services' single-item refusals (errors.ItemFault, errors.UnknownReference):
#: an exception inside an ASMX method is a Server fault (W9); the texts are the catalogue's.
MASTER_DATA_FAULTS = re.compile(
    r"Server was unable to process request\. ---> (\w[\w ]* with Id -?\d+ was not found\."
    r"|.+ is required to create a new \w+\.)\Z")
#: AttachmentService's refusals (errors.FileFault): Server faults, as its methods throw (D4).
ATTACHMENT_FAULTS = re.compile(
    r"Server was unable to process request\. ---> (File with Id -?\d+ (is|was) .+"
    r"|ImageType Unknown is not accepted; .+|Offset -?\d+ is outside the file .+"
    r"|bufferLength -?\d+ is outside the buffer .+|Stamp number series \S+ was not found\.)\Z")


def _server_error(a: Answer) -> bool:
    """A 5xx that is not a Client fault or a documented vendor Server fault."""
    if a.status < 500 or a.status == 501:
        return False
    if a.content_type.startswith(("text/xml", "application/soap+xml")):
        try:
            _, code, text = soap_fault(a)
        except Exception:
            return True
        if code in ("soap:Client", "soap:Sender", "soap:VersionMismatch"):
            return False
        return not (text.startswith(DOCUMENTED_SERVER_FAULTS) or MASTER_DATA_FAULTS.match(text)
                    or ATTACHMENT_FAULTS.match(text))
    return True


@pytest.fixture(scope="module", params=["memory", "sqlite"])
def target(request, tmp_path_factory):
    """The emulator under attack, with each store (a refused call must write nothing to either)."""
    store = "memory" if request.param == "memory" else f"sqlite:{tmp_path_factory.mktemp('store') / 's.sqlite'}"
    t = Target("--store", store)
    try:
        yield t
        after = t.state()
        rss_after, peak = t.serve.rss_kb(), t.serve.peak_kb()
        rb.note(rss_before_kb=t.rss_before, rss_after_kb=rss_after, peak_rss_kb=peak)
        stderr = t.serve.stderr()
        # nothing changed: the inputs were refused, or read-only, or aimed at nothing
        assert after == t.before
        # bodies are refused before they are read: memory stays near where it started
        if t.rss_before:
            assert peak - t.rss_before < 48 * 1024, (t.rss_before, rss_after, peak)
        # client errors are not logged as server errors (no traceback on stderr either)
        assert "Traceback" not in stderr and "ERROR" not in stderr, stderr[-2000:]
    finally:
        t.close()


# --- SOAP: every operation of every service ----------------------------------------------------


def billion_laughs(encoding: str = "utf-8") -> bytes:
    ents = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
            f"{ents}]>" + envelope("<x>&lol9;</x>")[38:]).encode(encoding)


def envelope_cases(path: str, ns: str, name: str, session: str) -> list[Case]:
    """Hostile envelopes aimed at one operation."""
    body = op(name, ns)
    good = envelope(body)
    cookie = {"Cookie": f"ASP.NET_SessionId={session}"}
    action = (ns if ns.endswith("/") else ns + "/") + name  # the WSDL's soapAction
    h11 = {"Content-Type": CT11, "SOAPAction": f'"{action}"', **cookie}
    h12 = {"Content-Type": f'{CT12}; action="{action}"', **cookie}
    tag = f"{path.rsplit('/', 1)[1]} {name}"
    dtd = expect_fault(500, DTD_TEXT)
    deep = op(name, ns, "<a>" * 10_000 + "x" + "</a>" * 10_000)
    cases = [
        Case(f"{tag}: DOCTYPE with an internal entity", "POST", path,
             ('<?xml version="1.0"?><!DOCTYPE soap:Envelope [<!ENTITY x "boom">]>'
              + envelope(op(name, ns, "<a>&x;</a>"))[38:]).encode(), h11, dtd),
        Case(f"{tag}: DOCTYPE with an external entity", "POST", path,
             ('<?xml version="1.0"?><!DOCTYPE soap:Envelope [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
              + envelope(op(name, ns, "<a>&x;</a>"))[38:]).encode(), h11, dtd),
        Case(f"{tag}: external DTD over the network", "POST", path,
             ('<?xml version="1.0"?><!DOCTYPE soap:Envelope SYSTEM "http://127.0.0.1:9/evil.dtd">'
              + good[38:]).encode(), h11, dtd),
        Case(f"{tag}: billion laughs", "POST", path, billion_laughs(), h11, dtd),
        Case(f"{tag}: billion laughs in UTF-16", "POST", path, billion_laughs("utf-16"), h11, dtd),
        Case(f"{tag}: DOCTYPE after 8 KiB of comments", "POST", path,
             ('<?xml version="1.0"?>' + "<!-- pad -->" * 700
              + '<!DOCTYPE soap:Envelope [<!ENTITY x "boom">]>' + good[38:]).encode(), h11, dtd),
        Case(f"{tag}: 10,000-deep nesting", "POST", path, envelope(deep).encode(), h11,
             expect_fault(500, XML_ERROR, prefix=True)),
        Case(f"{tag}: invalid UTF-8", "POST", path,
             envelope(op(name, ns, "<a>\udcff\udcfe</a>")).encode("utf-8", "surrogateescape"), h11,
             expect_fault(500, XML_ERROR, prefix=True)),
        Case(f"{tag}: truncated envelope", "POST", path, good[:-30].encode(), h11,
             expect_fault(500, XML_ERROR, prefix=True)),
        Case(f"{tag}: metacharacters instead of XML", "POST", path, METACHARS[0].encode(), h11,
             expect_fault(500, XML_ERROR, prefix=True)),
        Case(f"{tag}: empty body", "POST", path, b"", h11,
             expect_fault(500, "Request format is invalid: the request body is empty.")),
        Case(f"{tag}: white space only", "POST", path, b" \r\n\t ", h11,
             expect_fault(500, "Request format is invalid: the request body is empty.")),
        Case(f"{tag}: not a SOAP envelope", "POST", path, f'<{name} xmlns="{ns}" />'.encode(), h11,
             expect_fault(500, "Request format is invalid: the root element is not a SOAP Envelope.")),
        Case(f"{tag}: SOAP 1.1 body on the SOAP 1.2 content type", "POST", path, good.encode(), h12,
             expect_fault(500, f"Possible SOAP version mismatch: Envelope namespace {SOAP11} was "
                               f"unexpected. Expecting {SOAP12}.", "soap:VersionMismatch", SOAP12)),
        Case(f"{tag}: SOAP 1.2 body on the SOAP 1.1 content type", "POST", path,
             envelope(body, SOAP12).encode(), h11,
             expect_fault(500, f"Possible SOAP version mismatch: Envelope namespace {SOAP12} was "
                               f"unexpected. Expecting {SOAP11}.", "soap:VersionMismatch")),
        Case(f"{tag}: XInclude of /etc/passwd is not processed", "POST", path,
             envelope(op(name, ns, '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                   'href="file:///etc/passwd" parse="text"/>')).encode(), h11,
             _no_passwd, refused=False),
    ]
    for ctype in ("application/json", "text/plain", "application/x-www-form-urlencoded",
                  "multipart/form-data; boundary=x", "application/xml"):
        cases.append(Case(f"{tag}: Content-Type {ctype}", "POST", path, good.encode(),
                          {"Content-Type": ctype, **cookie}, expect_fault(
                              415, f"Request format is invalid: {ctype}. SOAP requests are text/xml "
                                   "(SOAP 1.1) or application/soap+xml (SOAP 1.2).")))
    return cases


def _no_passwd(a: Answer) -> None:
    assert "root:" not in a.text and a.status in (200, 500), a.text[:300]
    if a.status == 500:  # the operation itself refused (arguments missing: W9, soap:Server)
        assert soap_fault(a)[1] in ("soap:Client", "soap:Server"), a.text[:300]


def unknown_operation_cases(session: str) -> list[Case]:
    """An operation the service does not have, routed as ASMX routes it: without a SOAPAction
    header by the Body element (none: "Unable to handle request without a valid action
    parameter..."), with one by the header alone, the body unread ("Server did not recognize the
    value of HTTP Header SOAPAction: ..."). Before, both named the Body element."""
    plain = {"Content-Type": CT11, "Cookie": f"ASP.NET_SessionId={session}"}
    cases = []
    for path, (ns, _) in SERVICES.items():
        for name in ("DropAllTables", "Login" if path != AUTH else "SaveBundleList",
                     "getentryid", "__init__", "GetTransactions'--"):
            action = (ns if ns.endswith("/") else ns + "/") + name
            with_action = {**plain, "SOAPAction": f'"{action}"'}
            cases.append(Case(f"{path}: operation {name} (SOAPAction)", "POST", path,
                              envelope(f"<{name} xmlns='{ns}'/>").encode(), with_action,
                              expect_fault(500, "Server did not recognize the value of HTTP "
                                                f"Header SOAPAction: {action}.")))
            if name == "GetTransactions'--":
                cases.append(Case(f"{path}: operation {name}", "POST", path,
                                  envelope(f"<{name} xmlns='{ns}'/>").encode(), plain,
                                  expect_fault(500, XML_ERROR, prefix=True)))
                continue
            cases.append(Case(f"{path}: operation {name}", "POST", path,
                              envelope(op(name, ns)).encode(), plain, expect_fault(
                                  500, "Unable to handle request without a valid action "
                                       "parameter. Please supply a valid soap action.")))
    return cases


def entries(*rows) -> str:
    out = []
    for row in rows:
        account, amount, extra = (row + ("",))[:3]
        out.append(f"<Entry><AccountNo>{account}</AccountNo><Date>2024-01-31T00:00:00</Date>"
                   f"<Amount>{amount}</Amount>{extra}</Entry>")
    return "".join(out)


_NUMBERS = itertools.count(1)


def save_args(entries_xml: str, year: str = "2024", number: str | None = None, extra: str = "",
              voucher_extra: str = "") -> str:
    """A SaveBundleList argument; each voucher gets its own TransactionNo unless told one (the
    service books TransactionNo 0 as sent: S11)."""
    number = str(next(_NUMBERS)) if number is None else number
    return (f"<BundleList><SaveOption>0</SaveOption>{extra}<Bundles><Bundle><YearId>{year}</YearId>"
            f"<Sort>1</Sort><Name>hostile</Name><Vouchers><Voucher><TransactionNo>{number}"
            f"</TransactionNo><Sort>1</Sort>{voucher_extra}<Entries>{entries_xml}</Entries>"
            "</Voucher></Vouchers></Bundle></Bundles></BundleList>")


def value_cases(t: Target) -> list[Case]:
    """Values out of range, out of type, oversized or full of metacharacters, per operation."""
    cookie = {"Content-Type": CT11, "Cookie": f"ASP.NET_SessionId={t.session}"}
    cases: list[Case] = []

    def soap(name, path, inner, check, refused=True, headers=cookie):
        cases.append(Case(name, "POST", path, envelope(inner).encode(), headers, check, refused))

    def save(name, inner, check, refused=True):
        soap(f"SaveBundleList: {name}", ACCOUNT, op("SaveBundleList", NS, inner), check, refused)

    pair = entries(("1920", "10.00"), ("3000", "-10.00"))
    # numbers beyond Int32, Int16, Decimal; not numbers at all
    for value, inner in (
            ("2147483648", overflow("an Int32")), ("-2147483649", overflow("an Int32")),
            ("9" * 5000, overflow("an Int32")), ("١٢", FORMAT), ("２０２４", FORMAT),
            ("1e3", FORMAT), ("0x7E8", FORMAT)):
        save(f"YearId {value[:20]!r}", save_args(pair, year=value), expect_unreadable(inner))
    for amount, inner in (("79228162514264337593543950336", overflow("a Decimal")),
                          ("-79228162514264337593543950336", overflow("a Decimal")),
                          ("1e400", FORMAT), ("NaN", FORMAT), ("Infinity", FORMAT),
                          ("12,50", FORMAT), ("1 000", FORMAT), ("１０", FORMAT)):
        inner_args = save_args(entries(("1920", amount), ("3000", "-10.00")))
        save(f"Amount {amount!r}", inner_args, expect_unreadable(inner))
    # Decimal.Parse rounds digits System.Decimal cannot hold (no fault); S12 then books 0.11
    save("Amount with 29 decimals", save_args(entries(("1920", "0." + "1" * 29), ("3000", "-10.00"))),
         expect_save("Exception", "Voucher is not in balance. Difference: -9.89 (Bundle 1, Voucher 1)"))
    save("CurrencyUnit 40000", save_args(entries(("1920", "10", "<CurrencyUnit>40000</CurrencyUnit>"),
                                                 ("3000", "-10"))),
         expect_unreadable(overflow("an Int16")))
    save("TransactionNo 2147483648", save_args(pair, number="2147483648"),
         expect_unreadable(overflow("an Int32")))
    save("SaveOption 256", save_args(pair).replace("<SaveOption>0<", "<SaveOption>256<"),
         expect_unreadable(overflow("an unsigned byte")))
    # the largest values are read, and the arithmetic on them is exact (58 digits, no fault)
    big = "79228162514264337593543950335"
    rate = f"<CurrencyId>EUR</CurrencyId><CurrencyRate>{big}</CurrencyRate>"
    save("Amount and CurrencyRate at the Decimal limit", save_args(entries(
        ("1920", big, rate), ("3000", "-79228162514264337593543950334", rate))),
        expect_save("Exception", f"Voucher is not in balance. Difference: {big}.00 (Bundle 1, Voucher 1)"))
    # dates at the ends of DateTime, and beyond
    for day, text in (("0001-01-01T00:00:00", "0001-01-01"), ("9999-12-31T23:59:59.9999999", "9999-12-31")):
        inner = save_args(entries(("1920", "1")).replace("2024-01-31T00:00:00", day)
                          + entries(("3000", "-1")).replace("2024-01-31T00:00:00", day))
        save(f"Date {day}", inner, expect_save(
            "Exception", f"Entry date {text} is outside fiscal year 2024 (Bundle 1, Voucher 1)"))
    for day in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "10000-01-01T00:00:00",
                "2024-02-30T00:00:00", "2024-01-01T24:00:00", "2024-01-01T00:00:00+25:00", "",
                "yesterday"):
        inner = save_args(entries(("1920", "1")).replace("2024-01-31T00:00:00", day) + entries(("3000", "-1")))
        save(f"Date {day!r}", inner, expect_unreadable(not_a_date(day)))
    save("YearId 9999 (no fiscal year)", save_args(pair, year="9999"),
         expect_save("Exception", "Could not finish last Bundle! iError:2"))
    # strings beyond their limits, and metacharacters where they are refused
    for n in (76, 100_000):
        save(f"Comment of {n} characters", save_args(entries(
            ("1920", "10", f"<Comment>{'x' * n}</Comment>"), ("3000", "-10"))),
            expect_save("Exception", f"Comment is {n} characters long; at most 75 are allowed "
                                     "(Bundle 1, Voucher 1)"))
    for text in METACHARS:
        save(f"TaxNo {text!r}", save_args(entries(("1920", "10", f"<TaxNo>{xml_escape(text)}</TaxNo>"),
                                                  ("3000", "-10"))),
             expect_save("Exception", f"TaxNo {text} does not exist. Use GetTaxCodeList to get valid "
                                      "codes (Bundle 1, Voucher 1)"))
        save(f"AccountNo {text!r}", save_args(entries((xml_escape(text), "10"), ("3000", "-10"))),
             expect_unreadable(FORMAT))
        save(f"LinkId {text!r}", save_args(entries(("1920", "10", f"<LinkId>{xml_escape(text)}</LinkId>"),
                                                   ("3000", "-10"))),
             expect_unreadable("Unrecognized Guid format." if "{" in text and "-" not in text
                               else GUID_LENGTH))
    missing = uuid.uuid4()
    save("Links to a line that does not exist", save_args(entries(
        ("1920", "10", f"<LinkId>{uuid.uuid4()}</LinkId><Links><LinkModel><LineId>{missing}</LineId>"
                       "</LinkModel></Links>"), ("3000", "-10"))),
        expect_save("Exception", f"LineId {missing} was not found (Bundle 1, Voucher 1)"))
    save("an empty BundleList", "<BundleList />", expect_save("NotSaved", "The BundleList has no bundles"))
    save("no session", save_args(pair), expect_save(
        "NotAuthenticated", "Client is not authenticated on this identity"),
        refused=True)
    cases[-1].headers = {"Content-Type": CT11, "Cookie": "ASP.NET_SessionId=" + "a" * 24}

    # GetEntryId
    def entry_id(date="2024-06-01T00:00:00", sort="1"):
        return op("GetEntryId", NS, f"<argEntryId><Date>{date}</Date><SortNo>{sort}</SortNo>"
                                    "<EntryNo>0</EntryNo></argEntryId>")
    for sort in ("2147483648", "-2147483649", "1e3", "١", "'; DROP TABLE x; --"):
        soap(f"GetEntryId SortNo {sort!r}", ACCOUNT, entry_id(sort=xml_escape(sort)),
             expect_unreadable(overflow("an Int32") if sort.lstrip("-").isdigit() and sort.isascii()
                               else FORMAT))
    for day in ("0001-01-01T00:00:00", "9999-12-31T23:59:59"):
        soap(f"GetEntryId Date {day}", ACCOUNT, entry_id(day), expect_soap("<EntryNo>-1</EntryNo>"),
             refused=False)
    for day in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2024-13-01T00:00:00"):
        soap(f"GetEntryId Date {day}", ACCOUNT, entry_id(day),
             expect_unreadable(not_a_date(day)))
    soap("GetEntryId SortNo with white space around it (XmlConvert trims)", ACCOUNT,
         entry_id(sort="\n 1 \t"), expect_soap("<SortNo>1</SortNo><EntryNo>"), refused=False)
    soap("GetEntryId SortNo 999 (unknown series)", ACCOUNT, entry_id(sort="999"),
         expect_fault(500, "No next Entry Id found with the provided date and sort", "soap:Server"))
    # lookups and links
    soap("CheckAccountNo AccountNo 2147483648", ACCOUNT, op("CheckAccountNo", NS,
         "<accountList><AccountData><AccountNo>2147483648</AccountNo></AccountData></accountList>"),
         expect_unreadable(overflow("an Int16")))
    for text in METACHARS[:3]:
        soap(f"CheckAccountNo AccountName {text!r}", ACCOUNT, op("CheckAccountNo", NS,
             f"<accountList><AccountData><AccountNo>1920</AccountNo><AccountName>{xml_escape(text)}"
             "</AccountName></AccountData></accountList>"),
             expect_soap(f"<AccountName>{xml_escape(text)}</AccountName><Error>NameDontMatch</Error>"),
             refused=False)
    for name in ("AddLinkEntries", "ReplaceLinkEntries"):
        soap(f"{name} LinkId 2147483648", ACCOUNT, op(name, NS, "<linkEntryItem><LineIds><guid>"
             f"{t.line_id}</guid></LineIds><LinkId>2147483648</LinkId></linkEntryItem>"),
             expect_unreadable(overflow("an Int32")))
        soap(f"{name} LineIds not a GUID", ACCOUNT, op(name, NS, "<linkEntryItem><LineIds><guid>"
             "' OR 1=1 --</guid></LineIds><LinkId>1</LinkId></linkEntryItem>"),
             expect_unreadable(GUID_LENGTH))
        soap(f"{name} an unknown line", ACCOUNT, op(name, NS, "<linkEntryItem><LineIds><guid>"
             f"{missing}</guid></LineIds><LinkId>1</LinkId></linkEntryItem>"),
             expect_fault(500, f"LineId {missing} was not found"))
        soap(f"{name} a link never created", ACCOUNT, op(name, NS, "<linkEntryItem><LineIds><guid>"
             f"{t.line_id}</guid></LineIds><LinkId>2147483647</LinkId></linkEntryItem>"),
             expect_fault(500, "LinkId 2147483647 was not found"))
    soap("UpdateEntryDueDate an unknown line", ACCOUNT, op("UpdateEntryDueDate", NS,
         f"<entryItems><EntryItem><LineId>{missing}</LineId><DueDate>2024-05-01T00:00:00</DueDate>"
         "</EntryItem></entryItems>"), expect_fault(500, f"LineId {missing} was not found"))
    soap("UpdateEntryDueDate DueDate 0001-01-01T00:00:00+01:00", ACCOUNT, op("UpdateEntryDueDate", NS,
         f"<entryItems><EntryItem><LineId>{t.line_id}</LineId><DueDate>0001-01-01T00:00:00+01:00"
         "</DueDate></EntryItem></entryItems>"),
         expect_unreadable(not_a_date("0001-01-01T00:00:00+01:00")))
    # Authenticate
    for text in METACHARS:
        soap(f"Login Username {text!r}", AUTH, op("Login", NS, t.credential(Username=xml_escape(text))),
             expect_soap("<LoginResult /></LoginResponse>"), refused=True, headers={"Content-Type": CT11})
        soap(f"Login Password {text!r}", AUTH, op("Login", NS, t.credential(Password=xml_escape(text))),
             expect_soap("<LoginResult /></LoginResponse>"), refused=True, headers={"Content-Type": CT11})
        soap(f"GetIdentitiesWithCredential {text!r}", AUTH, op("GetIdentitiesWithCredential", NS,
             t.credential(Password=xml_escape(text))),
             expect_soap("<GetIdentitiesWithCredentialResult /></GetIdentitiesWithCredentialResponse>"),
             refused=True, headers={"Content-Type": CT11})
    soap("Login Username of 1 MB", AUTH, op("Login", NS, t.credential(Username="u" * (1 << 20))),
         expect_soap("<LoginResult /></LoginResponse>"), headers={"Content-Type": CT11})
    soap("Login ApplicationId not a GUID", AUTH, op("Login", NS, t.credential(ApplicationId="$(id)")),
         expect_unreadable(GUID_LENGTH), headers={"Content-Type": CT11})
    soap("SetIdentityById not a GUID", AUTH, op("SetIdentityById", NS, "<identityId>1 OR 1=1</identityId>"),
         expect_unreadable(GUID_LENGTH))
    soap("SetIdentityById an identity of nobody", AUTH, op("SetIdentityById", NS,
         f"<identityId>{uuid.uuid4()}</identityId>"),
         expect_soap("<SetIdentityByIdResult>false</SetIdentityByIdResult>"))
    soap("AuthenticateByToken", AUTH, op("AuthenticateByToken", NS, "<token />"), expect_fault(
        500, "AuthenticateByToken is not emulated. Use Login with the client's credentials."))
    # TransactionService
    def search(params):
        return op("GetTransactions", TNS, f"<searchParams>{params}</searchParams>")
    for element, value, inner in (
            ("DateSearchParameters", "Bogus", not_in_enum("Bogus", "DateSearchParameters")),
            ("DateSearchParameters", "dateChangedUTC",
             not_in_enum("dateChangedUTC", "DateSearchParameters")),
            ("SystemType", "'; DROP TABLE x; --",
             not_in_enum("'; DROP TABLE x; --", "TransactionSystemType")),
            ("AccountNoStart", "99999", overflow("an Int16")), ("VatCode", "x", FORMAT),
            ("TransactionNoStart", "2147483648", overflow("an Int32")),
            ("DateStart", "0000-01-01T00:00:00", not_a_date("0000-01-01T00:00:00")),
            ("RegisteredAfter", "9999-12-31T23:59:59-14:00",
             not_a_date("9999-12-31T23:59:59-14:00"))):
        soap(f"GetTransactions {element} {value!r}", TRANSACTIONS,
             search(f"<{element}>{xml_escape(value)}</{element}>"), expect_unreadable(inner))
    soap("GetTransactions 0001-01-01 to 9999-12-31 (changed)", TRANSACTIONS, search(
        "<DateSearchParameters>DateChangedUTC</DateSearchParameters><DateStart>0001-01-01T00:00:00"
        "</DateStart><DateEnd>9999-12-31T23:59:59.9999999</DateEnd>"),
        expect_soap("<Amount>125.00</Amount>"), refused=False)
    soap("GetTransactions 0001-01-01 to 9999-12-31 (entry date)", TRANSACTIONS, search(
        "<DateStart>0001-01-01T00:00:00</DateStart><DateEnd>9999-12-31T00:00:00</DateEnd>"),
        expect_soap("<Amount>125.00</Amount>"), refused=False)
    for text in METACHARS:
        soap(f"GetTransactions InvoiceNo {text!r}", TRANSACTIONS,
             search(f"<InvoiceNo>{xml_escape(text)}</InvoiceNo>"),
             expect_soap("<GetTransactionsResult /></GetTransactionsResponse>"), refused=False)
    soap("GetAggregated periodType Weekly", TRANSACTIONS, op("GetAggregated", TNS,
         "<startDate>2024-01-01T00:00:00</startDate><periodType>Weekly</periodType><returnIB>true</returnIB>"),
         expect_unreadable(not_in_enum("Weekly", "PeriodType")))
    soap("GetAggregated without startDate (DateTime.MinValue, as .NET reads it)", TRANSACTIONS,
         op("GetAggregated", TNS, "<periodType>Month</periodType><returnIB>true</returnIB>"),
         expect_soap("<IncomingBalance>0</IncomingBalance>"), refused=False)
    soap("GetAggregated startDate 9999-12-31", TRANSACTIONS, op("GetAggregated", TNS,
         "<startDate>9999-12-31T00:00:00</startDate><periodType>Month</periodType><returnIB>true</returnIB>"),
         expect_soap("<GetAggregatedResponse"), refused=False)
    soap("GetUserDefinedDimensionValues DimensionType x", TRANSACTIONS, op(
        "GetUserDefinedDimensionValues", TNS, "<DimensionType>x</DimensionType>"),
        expect_unreadable(FORMAT))
    return cases


def test_hostile_soap_envelopes_on_every_operation_get_soap_faults(target):
    cases = unknown_operation_cases(target.session)
    for path, (ns, names) in SERVICES.items():
        for name in names:
            cases += envelope_cases(path, ns, name, target.session)
    failures = target.run(cases)
    assert failures == [], "\n".join(failures[:40])


def test_hostile_soap_values_get_faults_or_documented_results(target):
    failures = target.run(value_cases(target))
    assert failures == [], "\n".join(failures[:40])


# --- REST /v1/transactionlines ---------------------------------------------------------------


def rest_cases(t: Target) -> list[Case]:
    auth = {"Authorization": f"Bearer {t.token}"}
    base = "/v1/transactionlines?dateFrom=2024-01-01&dateTo=2025-01-01"
    cases: list[Case] = []

    def get(name, path, check, refused=True, headers=auth, method="GET", body=b""):
        cases.append(Case(f"REST {name}", method, path, body, headers, check, refused))

    def invalid(*problems):
        shown = ", ".join(f"{p} ({k})" for p, k in problems)
        return rest_error(400, "ValidationError", f"Invalid query parameters: {shown}", list(problems))

    get("no dates", "/v1/transactionlines", invalid(("dateFrom", "required"), ("dateTo", "required")))
    for value in ("x", "2024-13-01", "2024-02-30", "0000-01-01", "10000-01-01", "%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%94-01-01",
                  "2024-01-01T00:00:00", "'; DROP TABLE x; --", "%ff%fe", "2024-01-01%0A"):
        get(f"dateFrom={value}", f"/v1/transactionlines?dateFrom={quote(value, safe='%:')}&dateTo=2025-01-01",
            invalid(("dateFrom", "format")))
    for name in ("transactionTypeId", "customerId", "accountId", "accountNumber", "limit", "page"):
        for value in ("abc", "1.5", "1e3", "%EF%BC%91", "%D9%A1", "9" * 5000, "", "$(id)", "0x10"):
            get(f"{name}={value[:12]}", f"{base}&{name}={quote(value, safe='%')}", invalid((name, "type")))
    for value in ("abc", "NaN", "Infinity", "1,5", "$(id)"):
        get(f"transactionNumber={value}", f"{base}&transactionNumber={quote(value)}",
            invalid(("transactionNumber", "type")))
    get("includeDimensions=maybe", f"{base}&includeDimensions=maybe", invalid(("includeDimensions", "type")))
    get("limit=0", f"{base}&limit=0", invalid(("limit", "minimum")))
    get("page=-1", f"{base}&page=-1", invalid(("page", "minimum")))
    get("everything wrong at once", "/v1/transactionlines?dateFrom=x&customerId=y&limit=0",
        invalid(("dateFrom", "format"), ("dateTo", "required"), ("customerId", "type"), ("limit", "minimum")))
    # numbers far beyond Int32 and the ends of the calendar are read, and match nothing
    get("customerId with a line break after it (trimmed, as the vendor's coercion does)",
        f"{base}&customerId=5%0A", expect_json(200, []), refused=False)
    get("customerId beyond Int64", f"{base}&customerId=99999999999999999999999999", expect_json(200, []),
        refused=False)
    get("page far beyond the end", f"{base}&page=9223372036854775807&limit=9223372036854775807",
        expect_json(200, []), refused=False)
    get("transactionNumber 1e999999999", f"{base}&transactionNumber=1e999999999", expect_json(200, []),
        refused=False)
    get("0001-01-01 to 9999-12-31", "/v1/transactionlines?dateFrom=0001-01-01&dateTo=9999-12-31",
        _one_line(t), refused=False)
    for text in METACHARS:
        for name in ("invoiceNumber", "currencyCode"):
            get(f"{name}={text!r}", f"{base}&{name}={quote(text)}", expect_json(200, []), refused=False)
    # one line by id
    for value in ("x", "' OR 1=1 --", "%ff", "00000000-0000-0000-0000-00000000000g", "%00"):
        get(f"/{value}", f"/v1/transactionlines/{quote(value, safe='%')}",
            rest_error(400, "ValidationError", "id must be a GUID", [("id", "format")]))
    get("/..%2f..%2fetc", "/v1/transactionlines/..%2f..%2fetc", rest_error(
        404, "NotFoundError", "No resource at GET /v1/transactionlines/../../etc"))
    nobody = uuid.uuid4()
    get("/unknown GUID", f"/v1/transactionlines/{nobody}",
        rest_error(404, "NotFoundError", f"Transaction line {nobody} was not found"))
    # authentication
    get("no token", base, rest_error(401, "UnauthorizedError", "Missing Authorization header"), headers={})
    for header in ("Bearer ' OR 1=1 --", "Bearer " + "x" * 100_000, "Bearer $(id)"):
        get(f"token {header[:20]!r}", base, rest_error(401, "UnauthorizedError", "The access token is invalid"),
            headers={"Authorization": header})
    get("Basic credentials", base, rest_error(
        401, "UnauthorizedError", "The Authorization header must be 'Bearer <access token>'"),
        headers={"Authorization": "Basic Jzsgcm0gLXJmIC8="})
    # methods, paths, bodies
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        get(f"{method}", "/v1/transactionlines", rest_error(
            405, "MethodNotAllowedError", f"{method} is not allowed on /v1/transactionlines"),
            method=method, body=b'<!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]><x>&a;</x>')
    get("unknown path", "/v1/../../etc/passwd", rest_error(404, "NotFoundError",
                                                            "No resource at GET /v1/../../etc/passwd"))
    get("unknown resource", "/v1/transactionlines/x/y", rest_error(
        404, "NotFoundError", "No resource at GET /v1/transactionlines/x/y"))
    return cases


def _one_line(t: Target):
    def check(a: Answer) -> None:
        assert a.status == 200, a.text[:300]
        items = a.json()
        assert [i["id"] for i in items] == [ln["line_id"] for ln in t.before[t.client_id]["ledger"]]
    return check


def test_hostile_rest_queries_get_vendor_json_errors(target):
    failures = target.run(rest_cases(target))
    assert failures == [], "\n".join(failures[:40])


# --- OAuth token endpoint --------------------------------------------------------------------


def oauth_cases(t: Target) -> list[Case]:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    js = {"Content-Type": "application/json"}
    cases: list[Case] = []

    def post(name, body, headers, check, method="POST"):
        cases.append(Case(f"token {name}", method, "/oauth/token", body, headers, check))

    missing = oauth_error(400, "invalid_request", "Missing required parameter: grant_type")
    post("empty form", b"", form, missing)
    post("empty JSON", b"", js, oauth_error(400, "invalid_request", "The body is not valid JSON"))
    post("no content type", b"", {}, missing)
    not_json = oauth_error(400, "invalid_request", "The body is not valid JSON")
    for body in (b"{", b'{"grant_type": NaN}', b'{"grant_type": "\xff"}', b"{'a': 1}",
                 b'{"grant_type":"client_credentials","client_id":' + b"9" * 5000 + b"}"):
        post(f"JSON {body[:20]!r}", body, js, not_json)
    for body in (b"[" * 10_000 + b"]" * 10_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000):
        post(f"JSON nested 10,000 deep {body[:2]!r}", body, js, oauth_error(
            400, "invalid_request", "The body is not valid JSON: it is nested too deeply"))
    post("JSON array", b"[1, 2]", js, oauth_error(400, "invalid_request", "The body is not a JSON object"))
    post("JSON client_id a number", b'{"grant_type":"client_credentials","client_id":1e999}', js,
         oauth_error(400, "invalid_request", "client_id must be a string"))
    post("XML with a DOCTYPE", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a SYSTEM '
                               b'"file:///etc/passwd">]><x>&a;</x>', {"Content-Type": "text/xml"}, missing)
    post("billion laughs", billion_laughs(), {"Content-Type": "application/xml"}, missing)
    post("invalid UTF-8 form", b"grant_type=\xff\xfe&client_id=\xff", form, missing)
    post("wrong grant", b"grant_type=password&username=x&password=y", form, oauth_error(
        400, "unsupported_grant_type", "Unsupported grant type: password"))
    for text in METACHARS:
        post(f"client_id {text!r}", f"grant_type=client_credentials&client_id={quote(text)}"
                                    f"&client_secret={quote(text)}".encode(), form,
             oauth_error(401, "invalid_client", "Client authentication failed"))
        post(f"JSON client_secret {text!r}", json.dumps({
            "grant_type": "client_credentials", "client_id": t.info["oauth"]["client_id"],
            "client_secret": text}).encode(), js,
             oauth_error(401, "invalid_client", "Client authentication failed"))
    post("Basic with invalid base64", b"grant_type=client_credentials",
         {**form, "Authorization": "Basic !!!"},
         oauth_error(401, "invalid_client", "Missing required parameter: client_id"))
    post("multipart with a broken boundary", b"--x\r\nContent-Disposition: form-data; name=\"gra",
         {"Content-Type": "multipart/form-data; boundary=x"}, missing)
    post("GET", b"", {}, rest_error(405, "MethodNotAllowedError", "GET is not allowed on /oauth/token"),
         method="GET")
    return cases


def test_hostile_token_requests_get_oauth_errors(target):
    failures = target.run(oauth_cases(target))
    assert failures == [], "\n".join(failures[:40])


# --- control API --------------------------------------------------------------------------------


def admin_cases(t: Target) -> list[Case]:
    js = {"Content-Type": "application/json"}
    cid = t.client_id
    cases: list[Case] = []

    def call(name, method, path, body, check, headers=js):
        cases.append(Case(f"admin {name}", method, path, body, headers, check))

    bad = admin_error(400, "ValidationError", "The body is not valid JSON")
    deep = admin_error(400, "ValidationError", "The body is not valid JSON: it is nested too deeply")
    for path in ("/__admin/clients", "/__admin/faults", "/__admin/clock", f"/__admin/clients/{cid}/fiscal_years",
                 "/__admin/requests/verify", "/__admin/sessions/expire"):
        call(f"{path} invalid JSON", "POST", path, b"{", bad)
        call(f"{path} invalid UTF-8", "POST", path, b'{"name": "\xff"}', bad)
        call(f"{path} NaN", "POST", path, b'{"name": NaN}', bad)
        call(f"{path} nested 10,000 deep", "POST", path, b"[" * 10_000 + b"]" * 10_000, deep)
        call(f"{path} XML with a DOCTYPE", "POST", path,
             b'<!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]><x>&a;</x>',
             admin_error(415, "UnsupportedMediaType", "Send the body as JSON (Content-Type: application/json)"),
             headers={"Content-Type": "text/xml"})
        call(f"{path} a JSON array", "POST", path, b"[]",
             admin_error(400, "ValidationError", "The body must be a JSON object"))
    for body, message in (
            # the client options are read by the schema scenario files use (their texts)
            (b'{"fiscal_years": [99999]}', "fiscal_years[0]: must be a year from 1900 to 9998, not 99999"),
            (b'{"fiscal_years": [1e400]}', "fiscal_years[0]: must be a year (2024) or relative to the "
                                           "clock's year (current, current-1), not inf"),
            (b'{"identities": [{"name": ["x"]}]}', "identities[0].name: must be text, not ['x']"),
            (b'{"identities": [{"fiscal_years": "current"}]}',
             "identities[0].fiscal_years: must be a list"),
            (b'{"identities": [{"drop": "table"}]}',
             "identities[0].drop: unknown field; known fields: name, blocked, fiscal_years"),
            (b'{"vat_base_rate": "NaN"}', "vat_base_rate: must be a number, not 'NaN'"),
            (b'{"vat_base_rate": 1e999}', "vat_base_rate: must be a number, not 'inf'"),
            (b'{"vat_base_rate": 101}', "vat_base_rate: must be from 0 to 100, not 101"),
            (b'{"blocked": "yes"}', "blocked: must be true or false, not 'yes'"),
            (b'{"rate_limit": 2147483648}', "rate_limit must be a whole number, 0 or more"),
            (b'{"name": ["x"]}', "name: must be text, not ['x']"),
            (b'{"\'; DROP TABLE clients; --": 1}', "Unknown field(s): '; DROP TABLE clients; --; known: "
                                                    "name, fiscal_years, blocked, identities, vat_base_rate, "
                                                    "username, password, oauth, scenario, rate_limit, burst_limit")):
        call(f"clients {body[:30]!r}", "POST", "/__admin/clients", body, admin_error(400, "ValidationError", message))
    call("clients a taken username", "POST", "/__admin/clients",
         json.dumps({"username": t.info["username"].upper()}).encode(),
         admin_error(409, "Conflict", f"Username {t.info['username'].upper()} is already taken"))
    for body, message in (
            (b'{"advance_seconds": 1e300}', "advance_seconds is out of range: cannot move the clock by 1e+300 seconds"),
            (b'{"advance_seconds": "$(id)"}', "advance_seconds must be a number of seconds"),
            (b'{"now": "9999-12-31T23:59:59Z"}', "now is out of range: the clock can be set from 1900-01-01 "
                                                 "to 9998-12-31 (UTC); that would make it 9999-12-31T23:59:59+00:00"),
            (b'{"now": "0001-01-01T00:00:00+01:00"}',
             "now must be an ISO 8601 time like 2024-05-01T10:59:00Z, not '0001-01-01T00:00:00+01:00'"),
            (b'{"now": "\'; DROP TABLE x; --"}',
             "now must be an ISO 8601 time like 2024-05-01T10:59:00Z, not \"'; DROP TABLE x; --\"")):
        call(f"clock {body[:30]!r}", "POST", "/__admin/clock", body, admin_error(400, "ValidationError", message))
        call(f"client clock {body[:30]!r}", "POST", f"/__admin/clients/{cid}/clock", body,
             admin_error(400, "ValidationError", message))
    for path, message in (("/__admin/clock", 'Send {"now": "2024-05-01T10:59:00Z"} or {"advance_seconds": 3600}'),
                          (f"/__admin/clients/{cid}/fiscal_years", 'Send {"year": 2024}'),
                          ("/__admin/faults", "Give delay_ms or one of http_status, soap_fault, result, "
                                              "drop_connection, expire_session"),
                          ("/__admin/rate_limit", 'Send {"rate_limit": 7200, "burst_limit": 0} (0 switches one off)')):
        call(f"{path} with an empty body", "PUT" if path.endswith("rate_limit") else "POST", path, b"",
             admin_error(400, "ValidationError", message), headers={})
    call("fiscal year 99999", "POST", f"/__admin/clients/{cid}/fiscal_years", b'{"year": 99999}',
         admin_error(400, "ValidationError", 'Send {"year": 2024}'))
    call("entry series id beyond Int32", "POST", f"/__admin/clients/{cid}/entry_series",
         b'{"id": 2147483648}', admin_error(
             400, "ValidationError", 'Send {"id": 12, "name": "Import", "start": 1} (id: a positive integer)'))
    call("entry series start beyond Int32", "POST", f"/__admin/clients/{cid}/entry_series",
         b'{"id": 77, "start": 99999999999999999999}', admin_error(
             400, "ValidationError", "start must be a positive integer, or null for a series without a start number"))
    call("rate limit beyond Int32", "PUT", "/__admin/rate_limit", b'{"rate_limit": 1e20}',
         admin_error(400, "ValidationError", "rate_limit must be a whole number, 0 or more"))
    call("requests since 0001-01-01+01:00", "GET", "/__admin/requests?since=0001-01-01T00:00:00%2B01:00", b"",
         admin_error(400, "ValidationError", "since must be an ISO 8601 time, not '0001-01-01T00:00:00+01:00'"))
    call("requests limit=$(id)", "GET", "/__admin/requests?limit=%24%28id%29", b"",
         admin_error(400, "ValidationError", "limit must be an integer, not '$(id)'"))
    call("requests client_id 9*5000", "GET", "/__admin/requests?client_id=" + "9" * 5000, b"",
         admin_error(400, "ValidationError", "client_id must be an integer, not '" + "9" * 5000 + "'"))
    call("a client beyond Int64", "GET", "/__admin/clients/99999999999999999999999", b"",
         admin_error(404, "NotFound", "No client 99999999999999999999999"))
    call("a client that is not a number", "GET", "/__admin/clients/1;DROP", b"", admin_error(
        404, "NotFound", "No control API endpoint at GET /__admin/clients/1;DROP"))
    call("PATCH health", "PATCH", "/__admin/health", b"", admin_error(
        405, "MethodNotAllowed", "PATCH is not allowed on /__admin/health"))
    return cases


def test_hostile_control_api_requests_get_json_errors(target):
    failures = target.run(admin_cases(target))
    assert failures == [], "\n".join(failures[:40])


# --- 100 MB bodies: refused as soon as the headers are read ---------------------------------------


def send_big(host: str, port: int, path: str, content_type: str, chunked: bool,
             expect_continue: bool = False, total: int = MB100) -> tuple[float, bytes, int]:
    """Announce ``total`` bytes and keep sending while reading: (ms to the whole answer, the
    answer, bytes the client got to send before it)."""
    sock = socket.create_connection((host, port))
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {content_type}\r\n"
    head += "Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {total}\r\n"
    head += "Expect: 100-continue\r\n\r\n" if expect_continue else "\r\n"
    sent = [0]
    chunk = b"<a>" + b"x" * (65536 - 7) + b"</a>"
    data = (b"%x\r\n" % len(chunk)) + chunk + b"\r\n" if chunked else chunk

    def pump():
        try:
            while sent[0] < total:
                sock.sendall(data)
                sent[0] += len(chunk)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass

    started = time.perf_counter()
    sock.sendall(head.encode())
    if not expect_continue:
        threading.Thread(target=pump, daemon=True).start()
    sock.settimeout(30)
    answer = b""
    try:
        while True:
            part = sock.recv(65536)
            if not part:
                break
            answer += part
            head_end = answer.find(b"\r\n\r\n")
            if head_end >= 0:
                length = [int(line.split(b":")[1]) for line in answer[:head_end].split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]
                if length and len(answer) - head_end - 4 >= length[0]:
                    break
    except OSError:
        pass
    ms = (time.perf_counter() - started) * 1000
    sock.close()
    return ms, answer, sent[0]


BIG = [
    (AUTH, CT11, "soap"), (ACCOUNT, CT11, "soap"), (TRANSACTIONS, CT12, "soap12"),
    ("/v1/transactionlines", "application/json", "rest"),
    ("/oauth/token", "application/x-www-form-urlencoded", "oauth"),
    ("/__admin/clients", "application/json", "admin"),
]
TOO_LARGE = f"Request body is larger than the {LIMIT} bytes allowed."


@pytest.mark.parametrize("mode", ["content-length", "chunked", "expect-100-continue"])
@pytest.mark.parametrize("path,ctype,shape", BIG, ids=[b[2] + ":" + b[0] for b in BIG])
def test_hostile_100_mb_bodies_are_refused_before_they_are_read(target, path, ctype, shape, mode):
    ms, raw, sent = send_big(target.serve.host, target.serve.port, path, ctype,
                             chunked=mode == "chunked", expect_continue=mode == "expect-100-continue")
    rb.note_input(f"100 MB body ({mode}) to {path}", True, ms)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0] == "HTTP/1.1 413 Request Entity Too Large", raw[:300]
    headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    assert headers["connection"] == "close"
    assert ms <= rb.HARD_LIMIT_MS, ms
    # nothing of the body is waited for: a few MB at most were in flight when the answer came
    assert sent < 16 * 1024 * 1024, sent
    answer = Answer(413, headers, body, ms)
    if shape in ("soap", "soap12"):
        version = SOAP12 if shape == "soap12" else SOAP11
        expect_fault(413, TOO_LARGE, version=version)(answer)
    elif shape == "rest":
        rest_error(413, "PayloadTooLargeError", TOO_LARGE)(answer)
    elif shape == "oauth":
        oauth_error(413, "invalid_request", TOO_LARGE)(answer)
        assert headers["cache-control"] == "no-store"
    else:
        admin_error(413, "PayloadTooLarge", TOO_LARGE)(answer)


def test_hostile_bodies_just_over_the_limit_are_refused_and_at_the_limit_read(target):
    """The limit is exact: LIMIT bytes are read (and answered as what they are), LIMIT+1 not."""
    pad = envelope(op("GetTypeList", NS))
    at_limit = pad.replace("<soap:Body>", "<soap:Body><!--" + "x" * (LIMIT - len(pad) - 7) + "-->")
    assert len(at_limit.encode()) == LIMIT
    headers = {"Content-Type": CT11, "Cookie": f"ASP.NET_SessionId={target.session}"}
    ok = target.http.call("POST", ACCOUNT, at_limit.encode(), headers)
    assert ok.status == 200 and "<TypeNo>1</TypeNo>" in ok.text, ok.text[:300]
    over = target.http.call("POST", ACCOUNT, (at_limit + " ").encode(), headers)
    rb.note_input("a body of the limit + 1 byte", True, over.ms)
    expect_fault(413, TOO_LARGE)(over)


# --- HTTP the server cannot read: answered in the path's shape, not as waitress's text/plain ------


def raw_exchange(host: str, port: int, request: bytes) -> tuple[float, str, dict, bytes]:
    sock = socket.create_connection((host, port))
    sock.settimeout(10)
    started = time.perf_counter()
    sock.sendall(request)
    data = b""
    try:
        while True:
            part = sock.recv(65536)
            if not part:
                break
            data += part
    except OSError:
        pass
    ms = (time.perf_counter() - started) * 1000
    sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    return ms, lines[0], headers, body


MALFORMED = [
    ("Content-Length: 12abc\r\n\r\n", "HTTP/1.1 400 Bad Request", "Content-Length is invalid"),
    ("Content-Length: 5\r\nContent-Length: 6\r\n\r\nabcde", "HTTP/1.1 400 Bad Request",
     "Content-Length is invalid"),
    ("Transfer-Encoding: chunked\r\n\r\nzz\r\n", "HTTP/1.1 400 Bad Request", "Invalid chunk size"),
    ("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "HTTP/1.1 400 Bad Request",
     "Content-Length with Transfer-Encoding"),
    ("Transfer-Encoding: gzip\r\n\r\n", "HTTP/1.1 501 Not Implemented",
     "Transfer-Encoding requested is not supported"),
    ("Cookie: " + "a" * 300_000 + "\r\n\r\n", "HTTP/1.0 431 Request Header Fields Too Large",
     "exceeds max_header of 262144"),
]


@pytest.mark.parametrize("path,shape", [(ACCOUNT, "soap"), ("/v1/transactionlines", "rest"),
                                        ("/oauth/token", "oauth"), ("/__admin/clients", "admin")])
@pytest.mark.parametrize("headers,status_line,reason", MALFORMED, ids=["bad-length", "two-lengths",
                                                                        "bad-chunk", "length-and-chunked",
                                                                        "gzip", "huge-headers"])
def test_hostile_http_framing_is_refused_in_the_paths_shape(target, path, shape, headers, status_line, reason):
    ctype = CT11 if shape == "soap" else "application/json"
    request = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {ctype}\r\n{headers}".encode()
    ms, first, got, body = raw_exchange(target.serve.host, target.serve.port, request)
    rb.note_input(f"malformed HTTP ({reason}) to {path}", True, ms)
    assert first == status_line, (first, body[:200])
    status = int(status_line.split()[1])
    text = f"The HTTP request is malformed: {reason}"
    answer = Answer(status, got, body, ms)
    never_a_stack_trace(answer)
    if shape == "soap":
        expect_fault(status, text)(answer)
    elif shape == "rest":
        rest_error(status, "BadRequestError", text)(answer)
    elif shape == "oauth":
        oauth_error(status, "invalid_request", text)(answer)
    else:
        admin_error(status, "BadRequest", text)(answer)


def test_hostile_request_line_the_server_cannot_read_gets_json(target):
    ms, first, got, body = raw_exchange(target.serve.host, target.serve.port, b"\x16\x03\x01\x02\x00 GARBAGE\r\n\r\n")
    rb.note_input("an unreadable request line (TLS hello)", True, ms)
    assert first == "HTTP/1.0 400 Bad Request"
    admin_error(400, "BadRequest", "The HTTP request is malformed: Start line is invalid")(
        Answer(400, got, body, ms))


def test_hostile_refusals_at_the_door_do_not_eat_the_quota(target):
    """A body over the limit is refused before the caller is counted (IIS refuses it before the
    application); with a quota of 3 every such refusal still says 3 remain."""
    cid = target.client_id
    assert target.admin("PUT", f"/__admin/clients/{cid}/rate_limit", {"rate_limit": 3}).status == 200
    try:
        headers = {"Content-Type": CT11, "Cookie": f"ASP.NET_SessionId={target.session}"}
        for _ in range(5):
            over = target.http.call("POST", ACCOUNT, b" " * (LIMIT + 1), headers)
            assert (over.status, over.headers["apilimitremaining"]) == (413, "3")
        assert target.admin("GET", f"/__admin/clients/{cid}/rate_limit").json()["used"] == 0
        journal = target.admin("GET", f"/__admin/requests?client_id={cid}&status=413").json()
        assert [e["fault"] for e in journal[-5:]] == [TOO_LARGE] * 5
    finally:
        target.admin("PUT", f"/__admin/clients/{cid}/rate_limit", {"rate_limit": None})
        target.admin("DELETE", f"/__admin/clients/{cid}/rate_limit/counters")


# --- metacharacters where strings are stored: kept and returned verbatim, never interpreted ------


def test_hostile_metacharacters_in_every_stored_string_come_back_verbatim(tmp_path):
    """SQL and shell metacharacters, quotes and XML-special characters in every string a bundle
    stores (Comment, InvoiceReferenceNo, InvoiceOcr, BankAccountNo, CurrencyId, dimension values,
    bundle Name, IgnoreWarnings) and in a client's name: saved as sent, returned the same by
    GetTransactions, /v1/transactionlines and GetIdentities."""
    texts = METACHARS + ["<x>&amp;</x>", "]]>", "Ærø – ünïcødé ✓"]
    serve = ServeProcess("--rate-limit", "0", "--quiet")
    http = Http(serve.host, serve.port)
    try:
        created = http.call("POST", "/__admin/clients", json.dumps(
            {"fiscal_years": [2024], "name": texts[0] + texts[3]}).encode(),
            {"Content-Type": "application/json"})
        info = created.json()
        login = http.call("POST", AUTH, envelope(op("Login", NS, "<credential>" + "".join(
            f"<{k}>{xml_escape(info[v])}</{k}>" for k, v in (("ApplicationId", "application_id"),
                                                               ("Username", "username"),
                                                               ("Password", "password")))
            + "</credential>")).encode(), {"Content-Type": CT11})
        session = login.text.split("<LoginResult>")[1].split("<")[0]
        cookie = {"Content-Type": CT11, "Cookie": f"ASP.NET_SessionId={session}"}
        vouchers = []
        for number, text in enumerate(texts, start=1):
            x = xml_escape(text)
            fields = (f"<InvoiceReferenceNo>{x}</InvoiceReferenceNo><InvoiceOcr>{x}</InvoiceOcr>"
                      f"<Comment>{x}</Comment><BankAccountNo>{x}</BankAccountNo><CurrencyId>{x}</CurrencyId>"
                      "<UserDefinedDimensions><UserDefinedDimension><Type>101</Type>"
                      f"<Value>{x}</Value></UserDefinedDimension></UserDefinedDimensions>")
            vouchers.append(f"<Voucher><TransactionNo>{number}</TransactionNo><Sort>1</Sort><Entries>"
                            f"{entries(('1920', '10.00', fields), ('3000', '-10.00', f'<Comment>{x}</Comment>'))}"
                            "</Entries></Voucher>")
        save = op("SaveBundleList", NS, "<BundleList><SaveOption>0</SaveOption><IgnoreWarnings>" + "".join(
            f"<string>{xml_escape(t)}</string>" for t in texts) + "</IgnoreWarnings><Bundles><Bundle>"
            f"<YearId>2024</YearId><Sort>1</Sort><Name>{xml_escape(texts[1])}</Name><Vouchers>"
            + "".join(vouchers) + "</Vouchers></Bundle></Bundles></BundleList>")
        saved = http.call("POST", ACCOUNT, envelope(save).encode(), cookie)
        assert "<SaveBundleListResult><Type>Ok</Type></SaveBundleListResult>" in saved.text, saved.text[-400:]

        from lxml import etree

        got = http.call("POST", TRANSACTIONS, envelope(op("GetTransactions", TNS, (
            "<searchParams><DateStart>2024-01-01T00:00:00</DateStart><DateEnd>2024-12-31T00:00:00"
            "</DateEnd></searchParams>"))).encode(), cookie)
        rows = []
        for t in etree.fromstring(got.body).iter(f"{{{TNS}}}Transaction"):
            if t.findtext(f"{{{TNS}}}AccountNo") == "1920":
                rows.append((t.findtext(f"{{{TNS}}}Comment"), t.findtext(f"{{{TNS}}}InvoiceNo"),
                             t.findtext(f"{{{TNS}}}OCR"), t.findtext(f"{{{TNS}}}Currency"),
                             t.findtext(f".//{{{TNS}}}Dimension/{{{TNS}}}Value")))
        # (currency codes are trimmed and shown upper-cased, as ISO 4217 writes them)
        assert rows == [(text, text, text, text.strip().upper(), text) for text in texts]

        token = http.call("POST", "/oauth/token", json.dumps({
            "grant_type": "client_credentials", "client_id": info["oauth"]["client_id"],
            "client_secret": info["oauth"]["client_secret"]}).encode(),
            {"Content-Type": "application/json"}).json()["access_token"]
        lines = http.call("GET", "/v1/transactionlines?dateFrom=2024-01-01&dateTo=2025-01-01&limit=1000"
                                 "&includeDimensions=true&accountNumber=1920", None,
                          {"Authorization": f"Bearer {token}"}).json()
        assert [(ln["comment"], ln["invoice"]["number"], ln["invoice"]["remittanceReference"],
                 ln["dimensions"][0]["value"]) for ln in lines] == [(t,) * 4 for t in texts]
        for text in texts:  # and as a filter: matches exactly its own line, nothing else
            found = http.call("GET", "/v1/transactionlines?dateFrom=2024-01-01&dateTo=2025-01-01"
                                     f"&invoiceNumber={quote(text)}", None,
                              {"Authorization": f"Bearer {token}"}).json()
            assert [ln["invoice"]["number"] for ln in found] == [text], text
        identity = http.call("POST", AUTH, envelope(op("GetIdentity", NS)).encode(), cookie)
        assert f"<Name>{xml_escape(texts[0] + texts[3])}</Name>" in identity.text
        rb.note_input("metacharacters stored in every string field", False, 0.0)
    finally:
        http.close()
        serve.close()
