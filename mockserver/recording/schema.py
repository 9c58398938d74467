"""Validating SOAP responses against the XSD embedded in the vendor WSDLs."""

from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

from .pair import _PARSER, VENDOR_NS, _local, body_kind, parse_xml

_XS = "http://www.w3.org/2001/XMLSchema"
_WSDL_FOR = (("/authenticate/", "Authenticate.wsdl"), ("/economy/account/v004/", "AccountV004.wsdl"),
             ("/economy/accounting/v001/", "TransactionService.wsdl"),
             ("/client/v001/", "ClientService.wsdl"), ("/crm/company/v001/", "CompanyService.wsdl"),
             ("/crm/contact/", "PersonService.wsdl"), ("/project/v001/", "ProjectService.wsdl"),
             ("/logistics/product/v001/", "ProductService.wsdl"),
             ("/economy/accountv002/", "AccountV002.wsdl"),
             ("/economy/accounting/accounting_v001/", "AttachmentService.wsdl"),
             ("/economy/invoiceorder/v001/", "InvoiceService.wsdl"),
             ("/timesheet/v001/", "TimeService.wsdl"))
_SCHEMAS: dict[str, etree.XMLSchema] = {}


def wsdl_schema(wsdl_path: str | Path) -> etree.XMLSchema:
    """The XSD embedded in a vendor WSDL, as an lxml validator (its imports resolved locally)."""
    import tempfile

    key = str(wsdl_path)
    if key in _SCHEMAS:
        return _SCHEMAS[key]
    doc = etree.parse(str(wsdl_path), _PARSER)
    root = doc.getroot()
    schemas = doc.findall(f".//{{{_XS}}}schema")
    folder = Path(tempfile.mkdtemp(prefix="tfso-xsd-"))
    files = {s.get("targetNamespace"): folder / f"schema{i}.xsd" for i, s in enumerate(schemas)}
    for s in schemas:
        nsmap = {k: v for k, v in {**root.nsmap, **s.nsmap}.items() if k is not None}
        new = etree.Element(f"{{{_XS}}}schema", nsmap=nsmap)
        for k, v in s.attrib.items():
            new.set(k, v)
        for child in s:
            child = copy.deepcopy(child)
            if child.tag == f"{{{_XS}}}import" and child.get("namespace") in files:
                child.set("schemaLocation", files[child.get("namespace")].as_uri())
            new.append(child)
        etree.ElementTree(new).write(str(files[s.get("targetNamespace")]))
    main = next(p for ns, p in files.items() if ns in VENDOR_NS)
    _SCHEMAS[key] = etree.XMLSchema(etree.parse(str(main)))
    return _SCHEMAS[key]


def schema_errors(path: str, body: str, wsdl_dir: str | Path) -> list[str] | None:
    """Validate the operation element of a SOAP response against the vendor WSDL for ``path``.

    None when there is nothing to validate (not a vendor SOAP path, or a fault)."""
    wsdl = next((f for prefix, f in _WSDL_FOR if prefix in path.lower()), None)
    if wsdl is None or body_kind("", body) != "xml":
        return None
    root = parse_xml(body)
    body_el = next((c for c in root if _local(c.tag) == "Body"), None)
    payload = next((c for c in body_el if isinstance(c.tag, str)), None) if body_el is not None else None
    if payload is None or _local(payload.tag) == "Fault":
        return None
    schema = wsdl_schema(Path(wsdl_dir) / wsdl)
    doc = etree.fromstring(etree.tostring(payload))
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
