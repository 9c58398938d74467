"""W2/W3: the emulator's ?WSDL against the vendor's, service by service (mockserver.soap.parity).

A breaking difference (operation, message, element, type, order, min/maxOccurs, nillable, default,
soapAction, binding, port) fails the test and is listed; what is tolerated (the soap:address the
emulator writes, documentation, the order of global declarations) is printed (`pytest -s`).
The second half proves the check can fail: it feeds it mutated vendor documents.
"""

from __future__ import annotations

import pathlib
import re

import pytest
import requests

from mockserver.soap import parity

VENDOR = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "vendor"
#: vendor copies whose line ends are LF as found (their source repository's commit)
LF_COPIES = {"TimeService.wsdl"}
TRANSACTION_PATH = "/Economy/Accounting/V001/TransactionService.asmx"
CASES = [
    ("/authenticate/v001/authenticate.asmx", "Authenticate.wsdl", "Authenticate"),
    ("/Economy/Account/V004/Accountservice.asmx", "AccountV004.wsdl", "AccountService"),
    (TRANSACTION_PATH, "TransactionService.wsdl", "TransactionService"),
    # W10: the master-data services, each at the path of its vendor soap:address
    ("/Client/V001/ClientService.asmx", "ClientService.wsdl", "ClientService"),
    ("/CRM/Company/V001/CompanyService.asmx", "CompanyService.wsdl", "CompanyService"),
    ("/CRM/Contact/PersonService.asmx", "PersonService.wsdl", "PersonService"),
    ("/Project/V001/ProjectService.asmx", "ProjectService.wsdl", "ProjectService"),
    ("/Logistics/Product/V001/ProductService.asmx", "ProductService.wsdl", "ProductService"),
    ("/economy/accountV002/Accountservice.asmx", "AccountV002.wsdl", "AccountService"),
    # D4: AttachmentService
    ("/Economy/Accounting/Accounting_V001/AttachmentService.asmx", "AttachmentService.wsdl",
     "AttachmentService"),
    # D1: InvoiceService
    ("/Economy/InvoiceOrder/V001/InvoiceService.asmx", "InvoiceService.wsdl", "InvoiceService"),
    # TimeService (timesheets)
    ("/timesheet/v001/timeservice.asmx", "TimeService.wsdl", "TimeService"),
]


@pytest.mark.parametrize("path,vendor_file,service", CASES)
@pytest.mark.parametrize("query", ["WSDL", "wsdl"])
def test_W3_emulator_wsdl_matches_the_vendor_wsdl(tfso_mock, path, vendor_file, service, query):
    resp = requests.get(f"{tfso_mock.url}{path}?{query}", timeout=30)
    assert resp.status_code == 200, resp.text[:500]
    report = parity.compare((VENDOR / vendor_file).read_bytes(), resp.content)
    print(f"\n{service} ?{query} vs fixtures/vendor/{vendor_file}:\n{report.format()}")
    assert report.breaking == [], report.format()
    # the one thing tolerated today: both ports' address is the emulator's own (W2)
    address = tfso_mock.url + path
    assert [(d.path.rsplit("/", 2)[-2:], d.ours) for d in report.tolerated] == [
        ([f"wsdl:port[{service}Soap]", "soap:address@location"], address),
        ([f"wsdl:port[{service}Soap12]", "soap12:address@location"], address),
    ]


@pytest.mark.parametrize("path,vendor_file,service", CASES)
def test_W3_emulator_wsdl_is_the_vendor_file_byte_for_byte_but_the_address(tfso_mock, path,
                                                                            vendor_file, service):
    ours = requests.get(f"{tfso_mock.url}{path}?WSDL", timeout=30).content
    vendor = (VENDOR / vendor_file).read_bytes()
    addresses = re.findall(rb'<soap1?2?:address location="([^"]*)" />', vendor)
    assert len(addresses) == 2
    # the vendor's CRLF line ends (ASMX writes them); the only public copy of TimeService's
    # document has LF ends (a 2018 commit), kept byte for byte as found
    assert (b"\r\n" in vendor) == (vendor_file not in LF_COPIES)
    for address in set(addresses):
        vendor = vendor.replace(b'location="' + address + b'"',
                                b'location="' + (tfso_mock.url + path).encode() + b'"')
    assert ours == vendor


# --- the check itself can fail ----------------------------------------------------------------

ACCOUNT = (VENDOR / "AccountV004.wsdl").read_bytes()
AUTH = (VENDOR / "Authenticate.wsdl").read_bytes()
SCHEMA = "wsdl:definitions/wsdl:types/s:schema[http://24sevenOffice.com/webservices]"


def mutate(doc: bytes, old: str, new: str) -> bytes:
    """Replace one unique piece of the document (line ends made LF first: they never matter)."""
    doc = doc.replace(b"\r\n", b"\n")
    assert doc.count(old.encode()) == 1, f"{old!r} is not unique in the document"
    return doc.replace(old.encode(), new.encode())


def only(report: parity.Report) -> parity.Difference:
    assert len(report.differences) == 1, report.format()
    return report.differences[0]


def test_identical_documents_have_no_differences():
    report = parity.compare(ACCOUNT, ACCOUNT)
    assert (report.differences, report.format()) == ([], "no differences")


def test_prefixes_line_ends_and_attribute_order_are_not_differences():
    doc = ACCOUNT.replace(b"\r\n", b"\n").replace(b"<s:", b"<xsd:").replace(b"</s:", b"</xsd:")
    doc = doc.replace(b'xmlns:s="', b'xmlns:xsd="').replace(b'"s:', b'"xsd:')
    doc = mutate(doc, 'minOccurs="1" maxOccurs="1" name="TransactionNo" type="xsd:int"',
                 'type="xsd:int" name="TransactionNo" maxOccurs="1" minOccurs="1"')
    assert parity.compare(ACCOUNT, doc).differences == []


def test_minoccurs_change_is_breaking():
    doc = mutate(ACCOUNT, 'minOccurs="1" maxOccurs="1" name="Date" type="s:dateTime" />\n'
                 '          <s:element minOccurs="0" maxOccurs="1" default="0001-01-01T00:00:00" name="DueDate"',
                 'minOccurs="0" maxOccurs="1" name="Date" type="s:dateTime" />\n'
                 '          <s:element minOccurs="0" maxOccurs="1" default="0001-01-01T00:00:00" name="DueDate"')
    d = only(parity.compare(ACCOUNT, doc))
    assert (d.path, d.what, d.vendor, d.ours, d.breaking) == (
        SCHEMA + "/s:complexType[Entry]/s:sequence/s:element[Date]@minOccurs",
        "attribute", "1", "0", True)
    assert str(d) == ("BREAKING  " + SCHEMA
                      + "/s:complexType[Entry]/s:sequence/s:element[Date]@minOccurs: vendor '1' / ours '0'")


def test_element_order_inside_a_sequence_is_breaking():
    first = '<s:element minOccurs="0" maxOccurs="1" default="0" name="Amount" type="s:decimal" />'
    second = '<s:element minOccurs="0" maxOccurs="1" default="0" name="VatAmount" type="s:decimal" />'
    doc = mutate(ACCOUNT, first + "\n          " + second, second + "\n          " + first)
    d = only(parity.compare(ACCOUNT, doc))
    assert (d.path, d.what, d.breaking) == (SCHEMA + "/s:complexType[Entry]/s:sequence", "order", True)
    assert "Date, DueDate, Amount, VatAmount, CurrencyId" in d.vendor
    assert "Date, DueDate, VatAmount, Amount, CurrencyId" in d.ours


def test_type_nillable_default_and_enumeration_changes_are_breaking():
    doc = mutate(ACCOUNT, 'default="0" name="DefaultCustomerId" type="s:int"',
                 'default="0" name="DefaultCustomerId" type="s:long"')
    doc = mutate(doc, 'name="Bundle" nillable="true" type="tns:Bundle"', 'name="Bundle" type="tns:Bundle"')
    doc = mutate(doc, 'default="1" name="SaveOption"', 'default="0" name="SaveOption"')
    doc = mutate(doc, '<s:enumeration value="NotSaved" />', "")
    report = parity.compare(ACCOUNT, doc)
    assert [(d.path.replace(SCHEMA, "…"), d.vendor, d.ours, d.breaking) for d in report.differences] == [
        ("…/s:complexType[BundleList]/s:sequence/s:element[SaveOption]@default", "1", "0", True),
        ("…/s:complexType[BundleList]/s:sequence/s:element[DefaultCustomerId]@type", "s:int", "s:long", True),
        ("…/s:complexType[ArrayOfBundle]/s:sequence/s:element[Bundle]@nillable", "true", "false", True),
        ("…/s:simpleType[ResponsType]/s:restriction/s:enumeration[NotSaved]", "s:enumeration[NotSaved]", None, True),
    ]


def test_soap_action_operation_and_port_changes_are_breaking():
    doc = mutate(AUTH, '<soap12:operation soapAction="http://24sevenOffice.com/webservices/Login"',
                 '<soap12:operation soapAction="Login"')
    doc = mutate(doc, '<wsdl:port name="AuthenticateSoap12" binding="tns:AuthenticateSoap12">',
                 '<wsdl:port name="AuthenticateSoap12" binding="tns:AuthenticateSoap">')
    start = doc.index(b'    <wsdl:operation name="HasSession">')
    end = doc.index(b"</wsdl:operation>", start) + len(b"</wsdl:operation>\n")
    doc = doc[:start] + doc[end:]  # HasSession gone from the portType
    report = parity.compare(AUTH, doc)
    assert [(d.path, d.what, d.breaking) for d in report.differences] == [
        ("wsdl:definitions/wsdl:portType[AuthenticateSoap]/wsdl:operation[HasSession]", "missing", True),
        ("wsdl:definitions/wsdl:binding[AuthenticateSoap12]/wsdl:operation[Login]/soap12:operation@soapAction",
         "attribute", True),
        ("wsdl:definitions/wsdl:service[Authenticate]/wsdl:port[AuthenticateSoap12]@binding",
         "attribute", True),
    ]
    assert report.format().endswith("3 breaking, 0 tolerated")


def test_address_documentation_and_declaration_order_are_tolerated():
    doc = AUTH.replace(b"https://api.24sevenoffice.com", b"http://127.0.0.1:8080")
    doc = mutate(doc, "Get the current identity</wsdl:documentation>", "Current identity</wsdl:documentation>")
    a = doc.index(b'  <wsdl:message name="LoginSoapIn">')
    b = doc.index(b'  <wsdl:message name="HasSessionSoapIn">')
    doc = doc[:a] + doc[b:doc.index(b'  <wsdl:message name="GetIdentitySoapIn">')] + doc[a:b] + \
        doc[doc.index(b'  <wsdl:message name="GetIdentitySoapIn">'):]
    report = parity.compare(AUTH, doc)
    assert report.breaking == []
    assert [(d.what, d.why) for d in report.tolerated] == [
        ("order", "global declarations are looked up by name"),
        ("text", "documentation is not part of any message"),
        ("attribute", "the emulator's own address (W2)"),
        ("attribute", "the emulator's own address (W2)"),
    ]


def test_cli_exit_status(tmp_path, capsys):
    broken = tmp_path / "broken.wsdl"
    broken.write_bytes(mutate(AUTH, 'name="Username" type="s:string"', 'name="UserName" type="s:string"'))
    vendor = str(VENDOR / "Authenticate.wsdl")
    assert parity.main([vendor, vendor]) == 0
    assert capsys.readouterr().out == "no differences\n"
    assert parity.main([vendor, str(broken)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "2 breaking, 0 tolerated"
    assert out[0].startswith("BREAKING  " + SCHEMA + "/s:complexType[Credential]/s:sequence/s:element[Username]: missing")
    assert parity.main([vendor]) == 2


def test_cli_refuses_what_it_cannot_read_in_one_line(tmp_path, capsys):
    """The README's shell command: a missing file, a URL nothing answers, a file that is not
    XML or not a WSDL is one line on stderr and exit status 2 (was a Python traceback)."""
    import socket

    vendor = str(VENDOR / "Authenticate.wsdl")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    text = tmp_path / "notes.txt"
    text.write_text("not xml", encoding="utf-8")
    html = tmp_path / "page.html"
    html.write_text("<html/>", encoding="utf-8")
    for argv, line in [
        ([str(tmp_path / "missing.wsdl"), vendor],
         f"parity: cannot read {tmp_path / 'missing.wsdl'}: No such file or directory"),
        ([vendor, f"http://127.0.0.1:{port}/x.asmx?WSDL"],
         f"parity: cannot read http://127.0.0.1:{port}/x.asmx?WSDL: Connection refused"),
        ([vendor, str(text)],
         f"parity: {text} is not XML: Start tag expected, '<' not found, line 1, column 1"),
        ([str(html), vendor], f"parity: {html}: not a WSDL 1.1 document (root element html)"),
    ]:
        assert parity.main(argv) == 2
        assert capsys.readouterr() == ("", line + "\n")


def test_not_a_wsdl_is_refused():
    with pytest.raises(ValueError, match="not a WSDL 1.1 document"):
        parity.compare(AUTH, b"<html/>")
