"""SOAP envelopes in and out, shaped like ASP.NET ASMX (W4, W5), and the one fault writer.

Requests are parsed with entity resolution, DTDs and the network off; a DOCTYPE is refused
outright, found by a scan of the prolog before any parser sees it (and checked again after
parsing, for encodings the scan cannot read). A Content-Type that is neither SOAP 1.1's nor 1.2's
is refused (415) as ASMX refuses it; a missing one is read by the envelope's namespace. Responses use the ``soap:`` prefix with xsi/xsd declared and the response element in
the service namespace as its default namespace, as real clients' regexes expect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from .. import errors
from ..errors import TooManyXmlAttributes, UnsupportedMediaType, VendorError
from ..limits import Limits

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
CONTENT_TYPES = {SOAP11: "text/xml; charset=utf-8", SOAP12: "application/soap+xml; charset=utf-8"}
_BODY_TAGS = {SOAP11: f"{{{SOAP11}}}Body", SOAP12: f"{{{SOAP12}}}Body"}
_HEADER_TAGS = {SOAP11: f"{{{SOAP11}}}Header", SOAP12: f"{{{SOAP12}}}Header"}

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
    huge_tree=False, remove_comments=True, remove_pis=True, collect_ids=False,
)


_DEFAULT_LIMITS = Limits()


@dataclass
class SoapRequest:
    version: str  # SOAP11 or SOAP12 namespace
    operation: str
    op_ns: str
    element: etree._Element
    #: the raw request, for positions in faults (``codec.dotnet_position``)
    body: bytes = b""
    #: the envelope's ``Header`` element, if it has one (headers a binding declares)
    header: etree._Element | None = None


def version_for_content_type(content_type: str) -> str | None:
    ct = (content_type or "").split(";")[0].strip().lower()
    if ct == "application/soap+xml":
        return SOAP12
    if ct == "text/xml":
        return SOAP11
    return None


#: The prolog's skippable part: a BOM, white space, the XML declaration, processing instructions
#: and comments. Atomic groups and possessive repeats: linear time, no backtracking.
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:[ \t\r\n]++|(?><\?.*?\?>)|(?><!--.*?-->))*+", re.S)


#: UTF-16 and UTF-32 bodies (with or without a byte order mark), by their first four bytes
_WIDE = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
         (b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"))


def _narrow(body: bytes) -> bytes:
    """A UTF-16/32 body as UTF-8, so the prolog scan reads it too; others as they are."""
    if b"\x00" not in body[:4] and body[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        return body
    for mark, encoding in _WIDE:
        if body.startswith(mark):
            return body.decode(encoding, "replace").encode("utf-8")
    return body


def dtd_in_prolog(body: bytes) -> bool:
    """Whether a ``<!DOCTYPE`` (or any other ``<!`` declaration) comes before the root
    element, in any encoding; an unterminated comment is left for the parser to report."""
    if body.startswith(b"<?xml"):  # the usual prolog, the declaration alone: no scan needed
        end = body.find(b"?>") + 2
        if end > 1 and body[end:end + 1] == b"<" and body[end + 1:end + 2].isalpha():
            return False  # (what the scan finds: the root element right after it)
    return _declaration_in_prolog(body)


def _declaration_in_prolog(body: bytes) -> bool:
    body = _narrow(body)
    prolog = _PROLOG.match(body)
    assert prolog is not None  # every part of the pattern is optional: it matches at 0
    end = prolog.end()
    return body.startswith(b"<!", end) and not body.startswith(b"<!--", end)


_START_TAG = re.compile(rb"<[A-Za-z_][^>]*+>")
_ATTRIBUTE = re.compile(rb"""=[ \t\r\n]*+["']""")
_NS_DECLARATION = re.compile(rb"[ \t\r\n]xmlns(?::[^ \t\r\n=]*+)?[ \t\r\n]*+=")


def check_attributes(body: bytes, limits: Limits) -> None:
    """TooManyXmlAttributes when an element, or the whole envelope, has more attributes or
    namespace declarations than the limits allow: lxml has no such bound, and 150,000
    attributes cost it ~100 ms and memory it keeps. A body with few ``=`` (every real call)
    costs one count; only the others are scanned, tag by tag, before any parser sees them."""
    per_element = min(limits.xml_attributes, limits.xml_namespaces)
    if body.count(b"=") <= per_element:
        return
    body = _narrow(body)
    attributes = namespaces = 0
    for m in _START_TAG.finditer(body):
        tag = m.group()
        n = len(_ATTRIBUTE.findall(tag))
        if n <= 0:
            continue
        ns = len(_NS_DECLARATION.findall(tag)) if b"xmlns" in tag else 0
        attributes += n - ns
        namespaces += ns
        if n - ns > limits.xml_attributes:
            raise TooManyXmlAttributes("attributes", "an element", limits.xml_attributes,
                                       "xml_attributes")
        if ns > limits.xml_namespaces:
            raise TooManyXmlAttributes("namespace declarations", "an element",
                                       limits.xml_namespaces, "xml_namespaces")
        if attributes > limits.xml_attributes_total:
            raise TooManyXmlAttributes("attributes", "the message",
                                       limits.xml_attributes_total, "xml_attributes_total")
        if namespaces > limits.xml_namespaces_total:
            raise TooManyXmlAttributes("namespace declarations", "the message",
                                       limits.xml_namespaces_total, "xml_namespaces_total")


def check_content_type(content_type: str) -> None:
    """SOAP 1.1's ``text/xml`` or SOAP 1.2's ``application/soap+xml``; none at all is let
    through (the envelope's namespace says which), anything else is UnsupportedMediaType."""
    ct = (content_type or "").split(";")[0].strip().lower()
    if ct and ct not in ("text/xml", "application/soap+xml"):
        raise UnsupportedMediaType(content_type.strip())


def parse(body: bytes, content_type: str, limits: Limits | None = None) -> SoapRequest:
    """The envelope's operation element; RequestError for anything that is not a SOAP call."""
    check_content_type(content_type)
    if not body.strip():
        raise errors.EmptyRequest()
    if dtd_in_prolog(body):
        raise errors.DtdNotAllowed()
    check_attributes(body, limits or _DEFAULT_LIMITS)
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        # exc.msg: without the "(<string>, line 1)" that str(exc) adds (a Python artifact)
        line, column = exc.position
        raise errors.UnreadableXml(detail=exc.msg, line=line, column=column) from None
    if root.getroottree().docinfo.doctype:
        raise errors.DtdNotAllowed()
    ns, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", root.tag)
    if local != "Envelope" or ns not in (SOAP11, SOAP12):
        raise errors.NotAnEnvelope()
    declared = version_for_content_type(content_type)
    if declared is not None and declared != ns:
        raise errors.VersionMismatch(ns=ns, version=declared)  # answered in the announced one
    body_tag, header_tag = _BODY_TAGS[ns], _HEADER_TAGS[ns]
    body_el = header = None
    for child in root:  # root.find() is several times slower for this one look-up
        if child.tag == body_tag:
            body_el = child
            break
        if child.tag == header_tag:
            header = child
    if body_el is None:
        raise errors.NoSoapBody()
    op = None
    for child in body_el:
        if isinstance(child.tag, str):
            op = child
            break
    if op is None:
        raise errors.EmptySoapBody()
    op_ns, _, op_name = op.tag[1:].partition("}") if op.tag.startswith("{") else ("", "", op.tag)
    return SoapRequest(ns, op_name, op_ns, op, body, header)


def empty_element(ns: str, name: str) -> etree._Element:
    """A request element without children: what a call whose Body element was skipped is read
    from (every argument absent)."""
    return etree.Element(f"{{{ns}}}{name}")


def credential_username(req: SoapRequest) -> str | None:
    """The ``credential/Username`` of a parsed call, in the operation's namespace (the caller
    checks the operation takes a credential: Login and the credential look-ups), or None: whose
    quota the call counts against when it carries no session. Read from the parsed
    operation element only, so text elsewhere in the body (a Header, a comment, another
    element's value) can neither charge nor shield another caller."""
    ns = req.op_ns
    wanted = (f"{{{ns}}}credential", "credential") if ns else ("credential",)
    for child in req.element:
        if child.tag in wanted:
            for item in child:
                if item.tag in (f"{{{ns}}}Username", "Username"):
                    text = (item.text or "").strip()
                    return text[:256] or None
    return None


def _envelope(version: str, body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{version}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f"<soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


def response(version: str, operation: str, ns: str, inner: str) -> bytes:
    """``<XResponse xmlns="ns">...``; with nothing inside (a void method, a result left out)
    ``<XResponse xmlns="ns" />``, as XmlSerializer writes an element without content."""
    if not inner:
        return _envelope(version, f'<{operation}Response xmlns="{ns}" />')
    return _envelope(version, f'<{operation}Response xmlns="{ns}">{inner}</{operation}Response>')


def fault(version: str, err: VendorError) -> bytes:
    """The one place a vendor error becomes a SOAP fault (1.1 or 1.2)."""
    from .codec import escape

    text = escape(err.text)
    code = err.fault_code
    if version == SOAP12:
        code12 = {"Client": "Sender", "Server": "Receiver"}.get(code, code)
        body = (
            f"<soap:Fault><soap:Code><soap:Value>soap:{code12}</soap:Value></soap:Code>"
            f'<soap:Reason><soap:Text xml:lang="en">{text}</soap:Text></soap:Reason>'
            "<soap:Detail /></soap:Fault>"
        )
    else:
        body = (
            f"<soap:Fault><faultcode>soap:{code}</faultcode><faultstring>{text}</faultstring>"
            "<detail /></soap:Fault>"
        )
    return _envelope(version, body)
