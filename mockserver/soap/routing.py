"""Which operation a SOAP POST calls, found as ASMX finds it (System.Web.Services'
SoapServerProtocol: GuessVersion, then the version helper's RouteRequest).

- A ``SOAPAction`` header with any Content-Type but ``application/soap+xml``: SOAP 1.1 routing,
  by the header alone. One pair of surrounding quotes is dropped, the rest URL-decoded and looked
  up exactly (case-sensitive) among the operations' soapAction URIs (the WSDL's: the service
  namespace, a ``/`` unless it ends with one, the operation). No match: ``UnknownSoapAction``,
  soap:Client in a SOAP 1.1 envelope, before the body is looked at (an empty header is no match).
- No ``SOAPAction`` header, or ``application/soap+xml``: SOAP 1.2 routing. The Content-Type's
  ``action`` parameter if it names an operation, else the Body's first element (its name and
  namespace). Neither: ``SoapActionRequired`` when no action was sent, else
  ``SoapActionNotRecognized``, soap:Client (Sender) in the envelope's own version.

A call routed by its action whose Body element is another one (another name or namespace) runs
with no arguments: XmlSerializer skips the element it does not know (the journal says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from .. import errors
from . import envelope

if TYPE_CHECKING:
    from .wsdl import ServiceDef


@dataclass(frozen=True, slots=True)
class Route:
    operation: str
    #: the Body's element is the operation's request element (else no arguments are read)
    element_matches: bool


@dataclass(frozen=True, slots=True)
class Unrouted:
    """Why the call reaches no operation, and the SOAP version its fault is written in."""

    error: errors.VendorError
    version: str


_ACTIONS: dict[str, dict[str, str]] = {}


def actions(sdef: ServiceDef) -> dict[str, str]:
    """soapAction URI -> operation, for every operation the service serves (as its WSDL's
    ``soap:operation/@soapAction`` says it)."""
    found = _ACTIONS.get(sdef.path)
    if found is None:
        base = sdef.ns if sdef.ns.endswith("/") else sdef.ns + "/"
        found = _ACTIONS[sdef.path] = {base + op: op for op in sdef.service.public_methods
                                       if op in sdef.docs}
    return found


def content_type_action(content_type: str) -> str | None:
    """The ``action`` parameter of a Content-Type (quotes dropped), or None."""
    for part in (content_type or "").split(";")[1:]:
        name, sep, value = part.partition("=")
        if sep and name.strip().lower() == "action":
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            return value
    return None


def _unquote(header: str) -> str:
    if len(header) >= 2 and header.startswith('"') and header.endswith('"'):
        header = header[1:-1]
    return unquote_plus(header)


def _by_element(sdef: ServiceDef, req: envelope.SoapRequest) -> str | None:
    op = req.operation
    if req.op_ns == sdef.ns and op in sdef.service.public_methods and op in sdef.docs:
        return op
    return None


def route(sdef: ServiceDef, soap_action: str | None, content_type: str,
          parsed: envelope.SoapRequest | errors.VendorError) -> Route | Unrouted:
    """The operation ``parsed`` calls. ``soap_action``: the SOAPAction header as sent (None when
    there is none). A body that could not be read is the answer once routing needs the body."""
    soap12_content = envelope.version_for_content_type(content_type) == envelope.SOAP12
    fallback = envelope.version_for_content_type(content_type) or envelope.SOAP11
    if soap_action is not None and not soap12_content:
        action = _unquote(soap_action)
        op = actions(sdef).get(action)
        if op is None:
            return Unrouted(errors.UnknownSoapAction(action=action), envelope.SOAP11)
        return _routed(sdef, op, parsed, fallback)
    param = content_type_action(content_type)
    action = unquote_plus(param) if param else ""
    if action:
        op = actions(sdef).get(action)
        if op is not None:
            return _routed(sdef, op, parsed, fallback)
    if isinstance(parsed, errors.VendorError):
        return Unrouted(parsed, getattr(parsed, "version", fallback))
    op = _by_element(sdef, parsed)
    if op is not None:
        return Route(op, True)
    err = errors.SoapActionNotRecognized(action=action) if action else errors.SoapActionRequired()
    return Unrouted(err, parsed.version)


def _routed(sdef: ServiceDef, op: str, parsed: envelope.SoapRequest | errors.VendorError,
            fallback: str) -> Route | Unrouted:
    if isinstance(parsed, errors.VendorError):
        return Unrouted(parsed, getattr(parsed, "version", fallback))
    return Route(op, parsed.operation == op and parsed.op_ns == sdef.ns)


__all__ = ["Route", "Unrouted", "route", "actions", "content_type_action"]
