"""Which operation a SOAP POST reaches, routed as ASMX routes it (``mockserver/soap/routing.py``):
SOAP 1.1 by the SOAPAction header alone, SOAP 1.2 (and 1.1 without the header) by the
Content-Type's action, then the Body element; and the faults when nothing matches, byte for byte.
Raw HTTP for the exact bytes; zeep and PHP SoapClient where a client produces the case (a WSDL
of one service with the address of another)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import zeep
from interop.flow import missing_tool, require
from lxml import etree
from zeep.transports import Transport

from mockserver.testing.client import ACCOUNT_PATH, AUTH_PATH

from helpers import ACCOUNT, AUTH, NS, envelope, raw_post

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
CT11 = "text/xml; charset=utf-8"
CT12 = "application/soap+xml; charset=utf-8"
HEAD = ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{ns}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>')
ACTION_REQUIRED = ("Unable to handle request without a valid action parameter. Please supply a "
                   "valid soap action.")
TYPE_LIST = f'<GetTypeList xmlns="{NS}" />'


@pytest.fixture
def client(tfso_new_client):
    return tfso_new_client(fiscal_years=[2024])


def fault11(text: str, code: str = "Client") -> bytes:
    return (HEAD.format(ns=SOAP11) + f"<soap:Fault><faultcode>soap:{code}</faultcode>"
            f"<faultstring>{text}</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>"
            ).encode()


def fault12(text: str, code: str = "Sender") -> bytes:
    return (HEAD.format(ns=SOAP12) + f"<soap:Fault><soap:Code><soap:Value>soap:{code}</soap:Value>"
            f'</soap:Code><soap:Reason><soap:Text xml:lang="en">{text}</soap:Text></soap:Reason>'
            "<soap:Detail /></soap:Fault></soap:Body></soap:Envelope>").encode()


def post(client, tfso_mock, body: str | bytes, path: str = ACCOUNT, **headers):
    data = body.encode() if isinstance(body, str) else body
    return client.http.post(tfso_mock.url + path, data=data, headers=headers, timeout=30)


@pytest.mark.parametrize(("sent", "shown"), [
    (f'"{NS}/DropAllTables"', f"{NS}/DropAllTables"),  # one pair of quotes dropped
    (f"{NS}/DropAllTables", f"{NS}/DropAllTables"),  # unquoted: as sent
    ("DropAllTables", "DropAllTables"),
    ('""', ""),  # empty: no operation has it
    ("", ""),
    (f'"{NS}/GetTypeList', f'"{NS}/GetTypeList'),  # an unbalanced quote stays
    (f'"{NS.lower()}/GetTypeList"', f"{NS.lower()}/GetTypeList"),  # exact, case-sensitive
    (f'"{NS}/GetTypeList/"', f"{NS}/GetTypeList/"),
    (f'"{NS}%2FNo%20such+op"', f"{NS}/No such op"),  # URL-decoded
])
def test_an_unknown_soapaction_is_refused_by_the_header_alone(client, tfso_mock, sent, shown):
    before = (client.ledger(), client.journal())
    resp = post(client, tfso_mock, envelope(TYPE_LIST), **{"Content-Type": CT11, "SOAPAction": sent})
    assert (resp.status_code, resp.headers["Content-Type"]) == (500, CT11)
    text = f"Server did not recognize the value of HTTP Header SOAPAction: {shown}."
    assert resp.content == fault11(_xml_text(text))
    assert (client.ledger(), client.journal()) == before


def fault_text(resp) -> str:
    return etree.fromstring(resp.content).findtext(".//faultstring")


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_a_url_encoded_soapaction_reaches_its_operation(client, tfso_mock):
    resp = post(client, tfso_mock, envelope(TYPE_LIST),
                **{"Content-Type": CT11, "SOAPAction": '"http%3A%2F%2F24sevenOffice.com%2Fwebservices%2FGetTypeList"'})
    assert resp.status_code == 200 and b"<GetTypeListResponse" in resp.content


@pytest.mark.parametrize("body", [b"", b"<not xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>',
                                  envelope(f'<GetTypeList xmlns="{NS}" />', SOAP12).encode()])
def test_an_unknown_soapaction_is_answered_before_the_body_is_read(client, tfso_mock, body):
    """ASMX routes a SOAP 1.1 call before it reads the envelope: whatever the body, the
    unknown SOAPAction is the answer (a known one still gets the body's own fault)."""
    resp = post(client, tfso_mock, body, **{"Content-Type": CT11, "SOAPAction": f'"{NS}/Nope"'})
    assert resp.status_code == 500
    assert resp.content == fault11(f"Server did not recognize the value of HTTP Header SOAPAction: {NS}/Nope.")
    known = post(client, tfso_mock, body, **{"Content-Type": CT11, "SOAPAction": f'"{NS}/GetTypeList"'})
    assert known.status_code == 500 and "SOAPAction" not in fault_text(known)


def test_the_soapaction_routes_the_call_and_another_body_element_is_skipped(client, tfso_mock):
    """SOAPAction GetEntryId with a GetTypeList element: GetEntryId runs without its argument
    (XmlSerializer skips the element it does not know), W9's null-argument fault; the journal
    says why. The body element does not route a SOAP 1.1 call that has a SOAPAction."""
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, envelope(TYPE_LIST), "GetEntryId")
    assert resp.status_code == 500
    assert resp.content == fault11("Server was unable to process request. ---&gt; Object reference "
                                   "not set to an instance of an object.", "Server")
    entry = client.requests()[-1]
    assert entry["operation"] == "GetEntryId"
    assert entry["warnings"] == [
        f"Element 'GetTypeList' in namespace '{NS}' is not the request element of GetEntryId "
        f"('GetEntryId' in '{NS}') and was skipped, as .NET's XmlSerializer skips it: the call was "
        "routed by its action and GetEntryId received no arguments."]
    # an operation without arguments runs as it would with its own element
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, envelope(f'<GetEntryId xmlns="{NS}" />'),
                    "GetTypeList")
    assert resp.status_code == 200 and b"<GetTypeListResponse" in resp.content


def test_without_a_soapaction_the_body_element_routes_a_soap11_call(client, tfso_mock):
    resp = post(client, tfso_mock, envelope(TYPE_LIST), **{"Content-Type": CT11})
    assert resp.status_code == 200 and b"<GetTypeListResponse" in resp.content
    for body in (f'<DropAllTables xmlns="{NS}" />', '<GetTypeList xmlns="urn:other" />',
                 f'<gettypelist xmlns="{NS}" />'):
        resp = post(client, tfso_mock, envelope(body), **{"Content-Type": CT11})
        assert (resp.status_code, resp.content) == (500, fault11(ACTION_REQUIRED))


def test_soap12_routes_by_its_action_then_by_the_body_element(client, tfso_mock):
    ok = [post(client, tfso_mock, envelope(TYPE_LIST, SOAP12), **{"Content-Type": ct})
          for ct in (CT12, f'{CT12}; action="{NS}/GetTypeList"', f'{CT12}; action="{NS}/Nope"')]
    assert [(r.status_code, b"<GetTypeListResponse" in r.content) for r in ok] == [(200, True)] * 3
    other = envelope(f'<DropAllTables xmlns="{NS}" />', SOAP12)
    resp = post(client, tfso_mock, other, **{"Content-Type": f'{CT12}; action="{NS}/Nope"'})
    assert (resp.status_code, resp.headers["Content-Type"]) == (500, CT12)
    assert resp.content == fault12(f"Unable to handle request. The action '{NS}/Nope' was not recognized.")
    resp = post(client, tfso_mock, other, **{"Content-Type": CT12})
    assert (resp.status_code, resp.content) == (500, fault12(ACTION_REQUIRED))
    # a SOAPAction header does not route a SOAP 1.2 call
    resp = post(client, tfso_mock, other, **{"Content-Type": CT12, "SOAPAction": f'"{NS}/GetTypeList"'})
    assert (resp.status_code, resp.content) == (500, fault12(ACTION_REQUIRED))
    # the action names the operation: another element in the body is skipped
    resp = post(client, tfso_mock, other, **{"Content-Type": f'{CT12}; action="{NS}/GetTypeList"'})
    assert resp.status_code == 200 and b"<GetTypeListResponse" in resp.content


def test_zeep_with_the_wrong_services_address_gets_the_asmx_fault(client, tfso_mock, tfso_wsdl_dir):
    """A classic integrator's slip: AccountService's WSDL with Authenticate's address. zeep sends
    the WSDL's SOAPAction (SOAP 1.1) or action (SOAP 1.2) and reads ASMX's fault."""
    document = zeep.Client(str(Path(tfso_wsdl_dir) / "AccountV004.wsdl"),
                           transport=Transport(session=client.http))
    for binding, message, code in (
            ("AccountServiceSoap", "Server did not recognize the value of HTTP Header SOAPAction: "
                                   f"{NS}/GetTypeList.", "soap:Client"),
            ("AccountServiceSoap12", f"Unable to handle request. The action '{NS}/GetTypeList' "
                                     "was not recognized.", "soap:Sender")):
        service = document.create_service(f"{{{NS}}}{binding}", tfso_mock.url + AUTH_PATH)
        with pytest.raises(zeep.exceptions.Fault) as caught:
            service.GetTypeList()
        assert (caught.value.message, caught.value.code) == (message, code)
    # and pointed at its own address, the same client works
    service = document.create_service(f"{{{NS}}}AccountServiceSoap", tfso_mock.url + ACCOUNT_PATH)
    client.auth.Login({"ApplicationId": client.application_id, "IdentityId": client.identity_id,
                       "Username": client.username, "Password": client.password})
    assert service.GetTypeList()[0].TypeId == 101


def php() -> str:
    path = require("php", "apt-get install -y php-cli php-soap")
    modules = subprocess.run([path, "-m"], capture_output=True, text=True, timeout=60).stdout
    if "soap" not in modules.split():
        missing_tool("PHP has no soap extension; install it with: apt-get install -y php-soap")
    return path


PHP_SCRIPT = r"""
$cfg = json_decode($argv[1], true);
$out = [];
foreach ([SOAP_1_1, SOAP_1_2] as $version) {
    $c = new SoapClient($cfg['wsdl'], ['location' => $cfg['location'], 'soap_version' => $version,
                                       'exceptions' => true, 'cache_wsdl' => WSDL_CACHE_NONE]);
    try {
        $c->GetTypeList();
        $out[] = ['ok'];
    } catch (SoapFault $f) {
        $out[] = [$f->faultcode, $f->getMessage()];
    }
}
echo json_encode($out);
"""


def test_php_soapclient_with_the_wrong_services_address_gets_the_asmx_fault(tfso_mock, tfso_wsdl_dir):
    cfg = json.dumps({"wsdl": str(Path(tfso_wsdl_dir) / "AccountV004.wsdl"),
                      "location": tfso_mock.url + AUTH})
    done = subprocess.run([php(), "-r", PHP_SCRIPT, cfg], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        ["soap:Client", f"Server did not recognize the value of HTTP Header SOAPAction: {NS}/GetTypeList."],
        ["soap:Sender", f"Unable to handle request. The action '{NS}/GetTypeList' was not recognized."]]


def test_the_fault_of_an_unknown_soapaction_is_well_formed_for_any_header(client, tfso_mock):
    """Markup in the header is escaped in the fault text, never echoed raw."""
    resp = post(client, tfso_mock, envelope(TYPE_LIST),
                **{"Content-Type": CT11, "SOAPAction": '"<x>&amp;</x>"'})
    assert resp.status_code == 500
    root = etree.fromstring(resp.content)
    assert root.findtext(".//faultstring") == (
        "Server did not recognize the value of HTTP Header SOAPAction: <x>&amp;</x>.")
