"""soap/schema.py: the master-data services' models built from their vendor WSDL.

Every element of every complex type of the six documents is checked against the XSD it came
from (name, order, minOccurs, nillable, default), so a builder bug cannot hide behind a service
that happens not to use a member; and an operation without a handler is a Client fault naming it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from mockserver import errors
from mockserver.ledger.core import Ledger
from mockserver.soap import envelope, services
from mockserver.soap.codec import read_arguments, read_complex, spec_of
from mockserver.soap.dispatch import SoapHandler, schema_service
from mockserver.soap.schema import WsdlService, public_path, with_address

XS = "{http://www.w3.org/2001/XMLSchema}"
NS = "http://24sevenOffice.com/webservices"


def _sequence(node) -> list:
    """The element declarations of a complex type, base type's first (complexContent)."""
    out = []
    for child in node:
        if child.tag == XS + "sequence":
            out += [e for e in child if e.tag == XS + "element"]
        elif child.tag == XS + "complexContent":
            ext = child.find(XS + "extension")
            base = ext.get("base").split(":")[-1]
            out = _sequence(node.getparent().find(f"{XS}complexType[@name='{base}']")) + _sequence(ext)
    return out


@pytest.mark.parametrize("service", services.ALL, ids=lambda s: s.name)
def test_every_complex_type_matches_its_xsd(service):
    service.public_methods  # noqa: B018 - build
    root = etree.fromstring(service.document)
    ns = root.get("targetNamespace")
    schema = next(s for s in root.iter(XS + "schema") if s.get("targetNamespace") == ns)
    checked = 0
    for node in schema.findall(XS + "complexType"):
        name = node.get("name")
        items = _sequence(node)
        if len(items) == 1 and items[0].get("maxOccurs") == "unbounded":
            continue  # an ArrayOfX: read as the array member of the types using it
        spec = spec_of(service.type(name))
        assert [f.name for f in spec.fields] == [e.get("name") for e in items], name
        for f, e in zip(spec.fields, items, strict=True):
            assert f.min_occurs == int(e.get("minOccurs", "1")), (name, f.name)
            nillable = e.get("nillable") == "true"
            # written as xsi:nil only where .NET does: minOccurs 1 (Nullable without Specified)
            assert f.nillable == (nillable and f.min_occurs >= 1), (name, f.name)
            if e.get("default") is not None:
                assert f.has_default and f.parse(e.get("default"), f.xsd) == f.default
            else:
                assert not f.has_default, (name, f.name)
            checked += 1
    assert checked > 20


def test_defaults_are_the_vendor_sentinels():
    company = spec_of(services.ALL[1].type("Company")).by_name
    assert company["Id"].default == -2147483648
    assert company["ShareCapital"].default == Decimal("-79228162514264337593543950335")
    assert company["CurrencyId"].default == "LOCAL"  # an enumeration's default
    product = spec_of(next(s for s in services.ALL if s.name == "ProductService").type("Product")).by_name
    assert product["CashPriceIncTax"].xsd == "double"
    assert product["CashPriceIncTax"].default == Decimal("-1.7976931348623157E+308")


def test_absent_members_read_as_their_defaults_and_nil_as_none():
    model = services.ALL[1].type("Company")
    elem = etree.fromstring(f'<Company xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                            '<Name>X</Name><Factoring xsi:nil="true"/><Type>Consumer</Type></Company>')
    values = read_complex(elem, model, NS)
    assert (values["Id"], values["Name"], values["Factoring"], values["Type"], values["Private"]) == (
        -2147483648, "X", None, "Consumer", None)
    body = f'<Company xmlns="{NS}"><Type>Alien</Type></Company>'
    with pytest.raises(errors.BadValue) as err:
        read_arguments(etree.fromstring(body), model, NS, body.encode())
    column = body.index("</Company>") + 3  # W9: the node after <Type>, at its name
    assert err.value.text.endswith(  # .NET's words; the journal's detail names the element
        f"(1, {column}). ---> Instance validation error: 'Alien' is not a valid value for "
        "CompanyType.")
    assert err.value.detail == "The value 'Alien' of element 'Type' is not a valid CompanyType."


def test_the_served_wsdl_is_the_vendor_document_with_the_address():
    for service in services.ALL:
        doc = with_address(service.document, "http://127.0.0.1:9/x.asmx")
        assert doc.count(b'location="http://127.0.0.1:9/x.asmx"') == 2
        assert doc.replace(b'location="http://127.0.0.1:9/x.asmx"', b"") == \
            with_address(service.document, "").replace(b'location=""', b"")
    assert [public_path(s.document) for s in services.ALL] == [
        "/Client/V001/ClientService.asmx", "/CRM/Company/V001/CompanyService.asmx",
        "/CRM/Contact/PersonService.asmx", "/Project/V001/ProjectService.asmx",
        "/Logistics/Product/V001/ProductService.asmx", "/economy/accountV002/Accountservice.asmx",
        "/Economy/Accounting/Accounting_V001/AttachmentService.asmx",
        "/Economy/InvoiceOrder/V001/InvoiceService.asmx", "/timesheet/v001/timeservice.asmx"]


def test_an_operation_without_a_handler_is_a_client_fault_naming_it():
    partial = WsdlService("ProductService", services.ALL[4].wsdl_file, {})
    sdef = schema_service(partial)
    ledger = Ledger()
    handler = SoapHandler(ledger)
    session = ledger.login(Ledger.demo_options().application_id, "demo@24sevenoffice.mock", "demo",
                           Ledger.demo_options().identity_id)
    body = (f'<soap:Envelope xmlns:soap="{envelope.SOAP11}"><soap:Body>'
            f'<GetAllPriceLists xmlns="{NS}"/></soap:Body></soap:Envelope>').encode()
    answer = handler.post(sdef, body, "text/xml; charset=utf-8",
                          f"ASP.NET_SessionId={session.session_id}")
    assert answer.status == 500
    assert answer.fault == "ProductService.GetAllPriceLists is not emulated by tfso-mockserver."
    assert b"<faultcode>soap:Client</faultcode>" in answer.body
