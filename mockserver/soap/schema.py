"""Services described by the vendor's WSDL itself: the codec's model specs built from its XSD.

AccountService V004, TransactionService and Authenticate are spyne models written by hand.
The master-data services (ClientService, CompanyService, PersonService, ProjectService,
ProductService, AccountService V002) have some 75 operations and 200 types; writing each by
hand invites a wrong name, order, default or nillable. Here the vendor's document is read once
(lazily, on the first request or ``?WSDL`` of the service) into the same ``codec.ModelSpec``
objects the hand-written models compile to, so reading and writing follow the vendor's schema
by construction, and ``?WSDL`` is the vendor's document with only ``soap:address`` changed (W2,
W3: what the parity check compares).

Supported XSD (all these documents use): named and inline complex types with a ``sequence``,
``complexContent/extension``, ``ArrayOfX`` wrappers (one unbounded element), string
enumerations, the ``s:``/``s1:guid`` scalars and untyped elements (``anyType``, read as text).
Anything else stops the build with an error naming it, never a silent misread.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import cast
from xml.sax.saxutils import quoteattr

from lxml import etree

from .. import errors
from . import codec
from .codec import FieldSpec, ModelSpec

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
GUID_NS = "http://microsoft.com/wsdl/types/"
_S = f"{{{XS}}}"
_W = f"{{{WSDL}}}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_ADDRESS = re.compile(rb'(<soap(?:12)?:address\s+location=)("[^"]*"|\'[^\']*\')')


def _parse_double(text: str, xsd: str) -> Decimal:
    """xs:double read exactly (as a Decimal: money never goes through a float); exponents and
    INF/NaN as XmlConvert writes them are refused as the emulator has no use for them."""
    t = text.strip()
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", t, re.ASCII):
        raise ValueError
    return Decimal(t)


def _format_double(value) -> str:
    """xs:double as .NET writes a double (XmlConvert, shortest round trip): the value the double
    holds, without trailing zeros (3.50 is ``3.5``, 4.00 is ``4``); the ledger keeps the Decimal
    it read."""
    held = Decimal(repr(float(value))).normalize()
    return format(held, "f")


def _parse_base64(text: str, xsd: str) -> bytes:
    """xs:base64Binary as .NET's XmlSerializer reads it (white space ignored; anything else
    that is not Base-64 fails with .NET's FormatException text)."""
    compact = "".join(text.split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise codec.Unconvertible(errors.DotNet.BASE64) from None


def _format_base64(value) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


codec._SCALARS.setdefault("double", (_parse_double, _format_double, Decimal(0)))
codec._SCALARS.setdefault("base64Binary", (_parse_base64, _format_base64, None))


class SchemaModel:
    """A complex type of a vendor schema (the key ``codec`` finds its ``ModelSpec`` by)."""

    _type_info: dict = {}
    type_name = ""


@dataclass
class Operation:
    """What the dispatcher reads of an operation (the shape of a spyne method descriptor)."""

    name: str
    in_message: type
    out_message: type
    function: object
    #: the SOAP headers its binding declares (``soap:header``): element name -> model
    headers: dict[str, type] = field(default_factory=dict)


class _Builder:
    def __init__(self, root, service: str):
        self.service = service
        self.ns = root.get("targetNamespace")
        self.complex: dict[str, etree._Element] = {}
        self.simple: dict[str, etree._Element] = {}
        self.elements: dict[str, etree._Element] = {}
        for schema in root.iter(f"{_S}schema"):
            if schema.get("targetNamespace") != self.ns:
                continue
            for child in schema:
                name = child.get("name")
                if child.tag == f"{_S}complexType":
                    self.complex[name] = child
                elif child.tag == f"{_S}simpleType":
                    self.simple[name] = child
                elif child.tag == f"{_S}element":
                    self.elements[name] = child
        self.models: dict[str, type[SchemaModel]] = {}

    # --- types ---------------------------------------------------------------------------

    def _qname(self, value: str, elem) -> tuple[str, str]:
        prefix, _, local = value.rpartition(":")
        return elem.nsmap.get(prefix or None, ""), local

    def model(self, name: str, node=None) -> type:
        """The model of a named complex type (or an inline one, ``node`` given)."""
        model = self.models.get(name)
        if model is not None:
            return model
        node = node if node is not None else self.complex[name]
        # a class per complex type, made at run time (cast: type() says only ``type``)
        model = cast("type[SchemaModel]",
                     type(f"{self.service}.{name}", (SchemaModel,), {"type_name": name}))
        self.models[name] = model
        fields = self._fields(node)
        model._type_info = {f.name: None for f in fields}
        codec._SPECS[model] = ModelSpec(
            ns=self.ns, fields=fields, by_name={f.name: f for f in fields},
            absent={f.name: f.absent if f.kind == "scalar" else None for f in fields})
        return model

    def _fields(self, node) -> list[FieldSpec]:
        fields: list[FieldSpec] = []
        for child in node:
            tag = child.tag
            if tag == f"{_S}sequence":
                for el in child:
                    if el.tag == f"{_S}element":
                        fields.append(self.field(el))
                    elif isinstance(el.tag, str):
                        raise ValueError(f"{self.service}: unsupported {el.tag} in a sequence")
            elif tag == f"{_S}complexContent":
                ext = child.find(f"{_S}extension")
                if ext is None:
                    raise ValueError(f"{self.service}: complexContent without extension")
                _, base = self._qname(ext.get("base"), ext)
                fields = [*codec._SPECS[self.model(base)].fields, *self._fields(ext)]
            elif tag in (f"{_S}anyAttribute", f"{_S}attribute") or not isinstance(tag, str):
                continue  # attributes carry nothing the emulator reads
            else:
                raise ValueError(f"{self.service}: unsupported {tag}")
        return fields

    def _array_item(self, name: str):
        """The item element of an ``ArrayOfX`` (a sequence of one unbounded element), or None."""
        node = self.complex.get(name)
        if node is None or len(node) != 1 or node[0].tag != f"{_S}sequence":
            return None
        items = [e for e in node[0] if isinstance(e.tag, str)]
        if len(items) == 1 and items[0].get("maxOccurs") == "unbounded":
            return items[0]
        return None

    def field(self, el) -> FieldSpec:
        name = el.get("name")
        min_occurs = int(el.get("minOccurs", "1"))
        nillable = el.get("nillable") == "true"
        default_text = el.get("default")
        spec = FieldSpec(name=name, kind="scalar", min_occurs=min_occurs, nillable=nillable,
                         has_default=False, default=None)
        if el.get("maxOccurs", "1") not in ("1",):
            raise ValueError(f"{self.service}: {name} repeats outside an ArrayOf type")
        type_attr = el.get("type")
        if type_attr is None:
            inline = el.find(f"{_S}complexType")
            if inline is not None:  # an inline type: a model of its own
                spec.kind, spec.model = "complex", self.model(f"{name}#inline", inline)
                return spec
            type_ns, local = XS, "anyType"
        else:
            type_ns, local = self._qname(type_attr, el)
        if type_ns == self.ns and local in self.complex:
            item = self._array_item(local)
            if item is not None:
                spec.kind, spec.item = "array", self._item(item)
            else:
                spec.kind, spec.model = "complex", self.model(local)
            return spec
        if type_ns == self.ns and local in self.simple:
            values = [v.get("value") for v in self.simple[local].iter(f"{_S}enumeration")]
            if not values:
                raise ValueError(f"{self.service}: simple type {local} is not an enumeration")
            spec.xsd, spec.parse, spec.fmt = local, codec._enum_parser(values, local), str
            net_default = values[0]  # an enum's zero value (XmlSerializer leaves it)
        else:
            xsd = {"anyType": "string"}.get(local, local) if type_ns == XS else (
                "guid" if (type_ns, local) == (GUID_NS, "guid") else None)
            if xsd not in codec._SCALARS:
                raise ValueError(f"{self.service}: unsupported type {type_attr} of {name}")
            spec.xsd = xsd
            spec.parse, spec.fmt, net_default = codec._SCALARS[xsd]
        if default_text is not None:
            spec.has_default = True
            spec.default = spec.parse(default_text, spec.xsd)
        spec.absent = spec.default if spec.has_default else (None if nillable else net_default)
        # minOccurs="0" with nillable="true" is .NET's Nullable<T> with a *Specified switch: a
        # null is left out, not written as xsi:nil (the vendor's recorded GetCompanies answer
        # has no Factoring/Private); reading takes xsi:nil either way.
        spec.nillable = nillable and min_occurs >= 1
        return spec

    def _item(self, el) -> FieldSpec:
        spec = self.field(_Single(el))
        return spec

    def element_model(self, name: str) -> type:
        node = self.elements[name]
        inline = node.find(f"{_S}complexType")
        if inline is None:
            raise ValueError(f"{self.service}: element {name} has no inline type")
        return self.model(f"{name}#element", inline)


class _Single:
    """An ``ArrayOfX`` item element read as a single element (its maxOccurs dropped)."""

    def __init__(self, el):
        self._el = el
        self.nsmap = el.nsmap

    def get(self, key, default=None):
        if key == "maxOccurs":
            return "1"
        return self._el.get(key, default)

    def find(self, path):
        return self._el.find(path)


class WsdlService:
    """A service whose schema is its vendor WSDL; ``handlers`` maps operations to functions.

    ``public_methods`` (what the dispatcher and fault injection read) is built on first use.
    An operation of the WSDL without a handler answers a Client fault naming it (never 404).
    """

    def __init__(self, name: str, wsdl_file: Path, handlers: dict):
        self.name = name
        self.wsdl_file = wsdl_file
        self.handlers = handlers
        self._methods: dict[str, Operation] | None = None
        self._document: bytes | None = None
        self._docs: dict[str, str | None] | None = None
        self._lock = threading.Lock()

    @property
    def document(self) -> bytes:
        if self._document is None:
            self._document = self.wsdl_file.read_bytes()
        return self._document

    def _root(self):
        return etree.fromstring(self.document, _PARSER)

    @property
    def docs(self) -> dict[str, str | None]:
        """Operation -> its documentation, in the WSDL's order."""
        if self._docs is None:
            root = self._root()
            port_type = root.find(f"{_W}portType")
            docs = {}
            for op in port_type.findall(f"{_W}operation"):
                doc = op.find(f"{_W}documentation")
                docs[op.get("name")] = doc.text if doc is not None else None
            self._docs = docs
        return self._docs

    @property
    def public_methods(self) -> dict[str, Operation]:
        methods = self._methods
        if methods is None:
            with self._lock:
                if self._methods is None:
                    self._methods = self._build()
                methods = self._methods
        return methods

    def type(self, name: str) -> type:
        """The model of one of the schema's named complex types (``Company``)."""
        self.public_methods  # noqa: B018 - builds the models on first use
        model = self._types.get(name)
        if model is None:  # a type no operation reaches (PersonService's header type)
            with self._lock:
                model = self._builder.model(name)
        return model

    def _build(self) -> dict[str, Operation]:
        b = _Builder(self._root(), self.name)
        self._builder, self._types = b, b.models
        ops = {}
        headers = _declared_headers(self._root(), b)
        for op in self.docs:
            function = self.handlers.get(op) or _unserved(self.name, op)
            ops[op] = Operation(op, b.element_model(op), b.element_model(op + "Response"),
                                function, headers.get(op, {}))
        return ops


def _declared_headers(root, b: _Builder) -> dict[str, dict[str, type]]:
    """Operation -> the headers of its input (``soap:header`` in a SOAP 1.1 or 1.2 binding,
    PersonService's ``Authentication``): element name -> the model of its type."""
    parts: dict[str, str] = {}
    for message in root.iter(f"{_W}message"):
        for part in message.iter(f"{_W}part"):
            if part.get("element"):
                parts[f"{message.get('name')}/{part.get('name')}"] = \
                    b._qname(part.get("element"), part)[1]
    out: dict[str, dict[str, type]] = {}
    for binding in root.iter(f"{_W}binding"):
        for op in binding.iter(f"{_W}operation"):
            given = op.find(f"{_W}input")
            for header in given.iter() if given is not None else ():
                if not isinstance(header.tag, str) or not header.tag.endswith("}header"):
                    continue
                message = b._qname(header.get("message") or "", header)[1]
                name = parts.get(f"{message}/{header.get('part')}")
                node = b.elements.get(name or "")
                if name and node is not None and node.get("type"):
                    model = b.model(b._qname(node.get("type"), node)[1])
                    out.setdefault(op.get("name"), {})[name] = model
    return out


class LazyDocs(Mapping):
    """A ``WsdlService``'s operation documentation, read from its WSDL on first use: start-up
    reads only the document's bytes (the path of its soap:address), never parses it."""

    def __init__(self, service: WsdlService):
        self._service = service

    def __getitem__(self, key):
        return self._service.docs[key]

    def __iter__(self):
        return iter(self._service.docs)

    def __len__(self):
        return len(self._service.docs)


def _unserved(service: str, operation: str):
    def function(ctx, *args):
        ctx.book()  # A4 first, as every other operation
        raise errors.NotEmulated(service, operation)

    return function


def with_address(document: bytes, address: str) -> bytes:
    """The vendor's document with both ports' ``soap:address`` set to ``address`` (W2)."""
    value = quoteattr(address).encode("utf-8")
    return _ADDRESS.sub(lambda m: m.group(1) + value, document)


def public_path(document: bytes) -> str:
    """The path of the vendor's ``soap:address`` (W10: served at the same path)."""
    m = _ADDRESS.search(document)
    if m is None:
        raise ValueError("the WSDL has no soap:address")
    url = m.group(2)[1:-1].decode("utf-8")
    return "/" + url.split("://", 1)[-1].split("/", 1)[1]


__all__ = ["WsdlService", "Operation", "SchemaModel", "LazyDocs", "with_address", "public_path"]
