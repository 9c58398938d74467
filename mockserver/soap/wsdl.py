"""The ``?WSDL`` document, written from the spyne service definition in ASMX's own layout.

spyne's generator names bindings, ports, soapActions and array types its own way and has no SOAP
1.2 binding; clients generated from the vendor's WSDL and from ours must be interchangeable (W3),
so the document is written here from the same spyne models, in the order ASMX emits: each
operation's request element, then the types it reaches (depth first), then its response.
Built once per service and public URL, at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from xml.sax.saxutils import quoteattr

from spyne.model.complex import Array, ComplexModelBase

from .codec import escape, field_spec, format_default, xsd_name

GUID_NS = "http://microsoft.com/wsdl/types/"
GUID_PATTERN = (
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<wsdl:definitions xmlns:tm="http://microsoft.com/wsdl/mime/textMatching/" '
    'xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" '
    'xmlns:mime="http://schemas.xmlsoap.org/wsdl/mime/" xmlns:tns="{ns}" '
    'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:s1="http://microsoft.com/wsdl/types/" '
    'xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" '
    'xmlns:http="http://schemas.xmlsoap.org/wsdl/http/" targetNamespace="{ns}" '
    'xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">'
)
_DOC = '<wsdl:documentation xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/">{}</wsdl:documentation>'


class Service(Protocol):
    """What the dispatcher reads of a service: a spyne Service class, or a
    ``schema.WsdlService`` (operations built from the vendor's WSDL)."""

    @property
    def public_methods(self) -> Mapping[str, Any]: ...  # name -> spyne MethodDescriptor


@dataclass(frozen=True)
class ServiceDef:
    """What the WSDL writer and the dispatcher need to know of one service."""

    name: str  # AccountService
    ns: str
    path: str  # lower-case path, as matched
    public_path: str  # the vendor's spelling, for soap:address
    service: Service
    docs: Mapping[str, str | None]  # operation name -> documentation (None: none), vendor order
    service_doc: str | None = None

    def operations(self):
        methods = self.service.public_methods
        return [(name, methods[name]) for name in self.docs]


def _type_ref(t) -> str:
    if issubclass(t, (Array, ComplexModelBase)) or getattr(t.Attributes, "values", None):
        return "tns:" + t.get_type_name()
    name = xsd_name(t)
    return "s1:guid" if name == "guid" else "s:" + name


class _Writer:
    def __init__(self, ns: str):
        self.ns = ns
        self.out: list[str] = []
        self.done: set[str] = set()
        self.uses_guid = False

    def element(self, name: str, t, indent: str) -> str:
        f = field_spec(name, t)
        a = t.Attributes
        max_occurs = "unbounded" if a.max_occurs in ("unbounded", float("inf")) else a.max_occurs
        parts = [f'minOccurs="{a.min_occurs}"', f'maxOccurs="{max_occurs}"']
        if f.has_default:
            parts.append(f"default={quoteattr(format_default(f))}")
        parts.append(f'name="{name}"')
        if a.nillable:
            parts.append('nillable="true"')
        parts.append(f'type="{_type_ref(t)}"')
        if _type_ref(t) == "s1:guid":
            self.uses_guid = True
        return f"{indent}<s:element {' '.join(parts)} />"

    def sequence(self, members, indent: str) -> list[str]:
        lines = [f"{indent}<s:sequence>"]
        lines += [self.element(n, t, indent + "  ") for n, t in members]
        lines.append(f"{indent}</s:sequence>")
        return lines

    def top_element(self, name: str, members) -> None:
        members = list(members)
        o = self.out
        o.append(f'      <s:element name="{name}">')
        if members:
            o.append("        <s:complexType>")
            o += self.sequence(members, "          ")
            o.append("        </s:complexType>")
        else:
            o.append("        <s:complexType />")
        o.append("      </s:element>")
        for _, t in members:
            self.named_type(t)

    def named_type(self, t) -> None:
        if getattr(t.Attributes, "values", None):
            name = t.get_type_name()
            if name in self.done:
                return
            self.done.add(name)
            self.out.append(f'      <s:simpleType name="{name}">')
            self.out.append('        <s:restriction base="s:string">')
            self.out += [f'          <s:enumeration value="{v}" />' for v in t.Attributes.values]
            self.out.append("        </s:restriction>")
            self.out.append("      </s:simpleType>")
            return
        if not issubclass(t, (Array, ComplexModelBase)):
            if xsd_name(t) == "guid":
                self.uses_guid = True
            return
        name = t.get_type_name()
        if name in self.done:
            return
        self.done.add(name)
        base = getattr(t, "__extends__", None)
        own = list(t._type_info.items())
        self.out.append(f'      <s:complexType name="{name}">')
        if base is not None and not issubclass(t, Array):
            self.out.append('        <s:complexContent mixed="false">')
            self.out.append(f'          <s:extension base="tns:{base.get_type_name()}">')
            self.out += self.sequence(own, "            ")
            self.out.append("          </s:extension>")
            self.out.append("        </s:complexContent>")
        else:
            self.out += self.sequence(own, "        ")
        self.out.append("      </s:complexType>")
        if base is not None and not issubclass(t, Array):
            self.named_type(base)
        for _, member in own:
            self.named_type(member)


def build(sdef: ServiceDef, address: str) -> bytes:
    from .schema import WsdlService, with_address

    if isinstance(sdef.service, WsdlService):  # the vendor's own document (schema.py)
        return with_address(sdef.service.document, address)
    ns = sdef.ns
    w = _Writer(ns)
    for op, desc in sdef.operations():
        w.top_element(op, desc.in_message._type_info.items())
        w.top_element(op + "Response", desc.out_message._type_info.items())
    o = [_HEAD.format(ns=ns)]
    if sdef.service_doc:
        o.append("  " + _DOC.format(escape(sdef.service_doc)))
    o.append("  <wsdl:types>")
    o.append(f'    <s:schema elementFormDefault="qualified" targetNamespace="{ns}">')
    if w.uses_guid:
        o.append(f'      <s:import namespace="{GUID_NS}" />')
    o += w.out
    o.append("    </s:schema>")
    if w.uses_guid:
        o += [
            f'    <s:schema elementFormDefault="qualified" targetNamespace="{GUID_NS}">',
            '      <s:simpleType name="guid">',
            '        <s:restriction base="s:string">',
            f'          <s:pattern value="{GUID_PATTERN}" />',
            "        </s:restriction>",
            "      </s:simpleType>",
            "    </s:schema>",
        ]
    o.append("  </wsdl:types>")
    ops = [op for op, _ in sdef.operations()]
    for op in ops:
        for suffix, element in (("SoapIn", op), ("SoapOut", op + "Response")):
            o.append(f'  <wsdl:message name="{op}{suffix}">')
            o.append(f'    <wsdl:part name="parameters" element="tns:{element}" />')
            o.append("  </wsdl:message>")
    o.append(f'  <wsdl:portType name="{sdef.name}Soap">')
    for op in ops:
        o.append(f'    <wsdl:operation name="{op}">')
        doc = sdef.docs.get(op)
        if doc:
            o.append("      " + _DOC.format(escape(doc)))
        o.append(f'      <wsdl:input message="tns:{op}SoapIn" />')
        o.append(f'      <wsdl:output message="tns:{op}SoapOut" />')
        o.append("    </wsdl:operation>")
    o.append("  </wsdl:portType>")
    action_base = ns if ns.endswith("/") else ns + "/"
    for suffix, prefix in (("Soap", "soap"), ("Soap12", "soap12")):
        o.append(f'  <wsdl:binding name="{sdef.name}{suffix}" type="tns:{sdef.name}Soap">')
        o.append(f'    <{prefix}:binding transport="http://schemas.xmlsoap.org/soap/http" />')
        for op in ops:
            o.append(f'    <wsdl:operation name="{op}">')
            o.append(f'      <{prefix}:operation soapAction="{action_base}{op}" style="document" />')
            for io in ("input", "output"):
                o.append(f"      <wsdl:{io}>")
                o.append(f'        <{prefix}:body use="literal" />')
                o.append(f"      </wsdl:{io}>")
            o.append("    </wsdl:operation>")
        o.append("  </wsdl:binding>")
    o.append(f'  <wsdl:service name="{sdef.name}">')
    if sdef.service_doc:
        o.append("    " + _DOC.format(escape(sdef.service_doc)))
    for suffix, prefix in (("Soap", "soap"), ("Soap12", "soap12")):
        o.append(f'    <wsdl:port name="{sdef.name}{suffix}" binding="tns:{sdef.name}{suffix}">')
        o.append(f"      <{prefix}:address location={quoteattr(address)} />")
        o.append("    </wsdl:port>")
    o.append("  </wsdl:service>")
    o.append("</wsdl:definitions>")
    # ASMX writes CRLF line ends (the vendor's files have them): byte for byte the same document
    return "\n".join(o).replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


__all__ = ["ServiceDef", "build"]
