"""The SOAP surface: one handler for every ASMX path (WSDL on GET, operations on POST).

Read the envelope, read the arguments through the spyne models, call the operation, write the
ASMX-shaped answer. Vendor errors become faults here and nowhere else; anything unexpected
becomes a Server fault with a one-line text, never a traceback or an HTML page.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from .. import errors
from . import catalogue, envelope, routing, wsdl
from .codec import read_arguments, spec_of, write_field
from .context import OperationContext, session_ids
from .wsdl import ServiceDef  # ``wsdl`` is also a method of SoapHandler

log = logging.getLogger("mockserver.soap")


def schema_service(service, entry: catalogue.Entry | None = None) -> wsdl.ServiceDef:
    """The ServiceDef of a service described by its vendor WSDL (``schema.WsdlService``),
    served at the path of the WSDL's soap:address (W10); with ``entry``, that path must be the
    catalogue's."""
    from .schema import LazyDocs, public_path

    path = public_path(service.document)
    if entry is not None and path != entry.public_path:
        raise LookupError(f"{entry.name}: the catalogue serves it at {entry.public_path}, its "
                          f"vendor WSDL's soap:address says {path}")
    ns = service.document.split(b'targetNamespace="', 1)[1].split(b'"', 1)[0].decode()
    return wsdl.ServiceDef(name=entry.name if entry else service.name, ns=ns, path=path.lower(),
                           public_path=path, service=service, docs=LazyDocs(service))


def load(entry: catalogue.Entry) -> wsdl.ServiceDef:
    """Import the module implementing ``entry`` and describe the service for the dispatcher."""
    from .schema import WsdlService

    impl = entry.implementation_object()
    if isinstance(impl, WsdlService):
        return schema_service(impl, entry)
    module = sys.modules[impl.__module__]
    return wsdl.ServiceDef(name=entry.name, ns=module.NS, path=entry.path,
                           public_path=entry.public_path, service=impl, docs=module.DOCS,
                           service_doc=getattr(module, "SERVICE_DOC", None))


class ServiceMap(Mapping):
    """Lower-case path -> ``ServiceDef`` of every service in the catalogue; a service's module is
    imported on the first look-up of its path (start-up imports none of them)."""

    def __init__(self):
        self._loaded: dict[str, wsdl.ServiceDef] = {}
        self._lock = threading.Lock()

    def __getitem__(self, path: str) -> wsdl.ServiceDef:
        sdef = self._loaded.get(path)
        if sdef is None:
            entry = catalogue.BY_PATH[path]  # KeyError: not a SOAP path
            with self._lock:
                sdef = self._loaded.get(path)
                if sdef is None:
                    sdef = self._loaded[path] = load(entry)
        return sdef

    def __contains__(self, path) -> bool:
        return path in catalogue.BY_PATH or path in self._loaded

    def __iter__(self) -> Iterator[str]:
        return iter({**dict.fromkeys(catalogue.BY_PATH), **dict.fromkeys(self._loaded)})

    def __len__(self) -> int:
        return len(set(catalogue.BY_PATH) | set(self._loaded))

    def add(self, sdef: ServiceDef) -> None:
        with self._lock:
            self._loaded[sdef.path] = sdef


SERVICES = ServiceMap()


def register(sdef: ServiceDef) -> None:
    """Serve a service that is not in the catalogue (a test's own)."""
    SERVICES.add(sdef)


@dataclass
class SoapAnswer:
    status: int
    body: bytes
    content_type: str
    operation: str | None = None
    client_id: int | None = None
    set_cookie: str | None = None
    fault: str | None = None
    #: the journal's ``fault_detail``: what the fault's text does not say (element and value)
    fault_detail: str | None = None
    #: the journal's ``warnings``: elements the WSDL does not have, skipped (IgnoredElement)
    warnings: list[str] | None = None


class SoapHandler:
    def __init__(self, ledger, public_url: str | None = None):
        self.ledger = ledger
        #: lower-case path -> ServiceDef, each loaded on its first request
        self.services = SERVICES
        self.limits = getattr(ledger, "limits", None)
        self.public_url = public_url.rstrip("/") if public_url else None
        self._wsdl_cache: dict[tuple[str, str], bytes] = {}
        self._lock = threading.Lock()

    def wsdl(self, sdef: ServiceDef, base_url: str) -> bytes:
        key = (sdef.path, base_url)
        doc = self._wsdl_cache.get(key)
        if doc is None:
            doc = wsdl.build(sdef, base_url + sdef.public_path)
            with self._lock:
                if len(self._wsdl_cache) > 64:
                    self._wsdl_cache.clear()
                self._wsdl_cache[key] = doc
        return doc

    def get(self, sdef: ServiceDef, query: str, base_url: str) -> SoapAnswer:
        if query.split("&")[0].split("=")[0].lower() in ("wsdl", "singlewsdl"):
            return SoapAnswer(200, self.wsdl(sdef, self.public_url or base_url),
                              "text/xml; charset=utf-8", operation="WSDL")
        err = errors.SoapByPost(service=sdef.name)
        return self._fault(envelope.SOAP11, err)

    def read(self, body: bytes, content_type: str) -> envelope.SoapRequest | errors.VendorError:
        """The parsed envelope, or why it cannot be read (the front door reads the caller and
        the operation from it, then hands it to ``post``: one parse per request)."""
        try:
            return envelope.parse(body, content_type, self.limits)
        except errors.VendorError as err:
            return err

    @staticmethod
    def takes_credential(sdef: ServiceDef, routed: routing.Route | routing.Unrouted) -> bool:
        """Whether the call reaches an operation of ``sdef`` whose message has a ``credential``,
        with its own request element (else no credential is read)."""
        if not isinstance(routed, routing.Route) or not routed.element_matches:
            return False
        desc = sdef.service.public_methods[routed.operation]
        return any(f.name == "credential" for f in spec_of(desc.in_message).fields)

    @staticmethod
    def route(sdef: ServiceDef, parsed, content_type: str,
              soap_action: str | None) -> routing.Route | routing.Unrouted:
        """The operation the call reaches, routed as ASMX routes it (``routing.py``)."""
        return routing.route(sdef, soap_action, content_type, parsed)

    def post(self, sdef: ServiceDef, body: bytes, content_type: str,
             cookie_header: str, parsed=None, soap_action: str | None = None,
             routed: routing.Route | routing.Unrouted | None = None) -> SoapAnswer:
        """``parsed``: what ``read`` returned for this body, if the caller has it;
        ``soap_action``: the SOAPAction header as sent (None: none); ``routed``: what
        ``route`` returned for them, if the caller has it."""
        req = parsed if parsed is not None else self.read(body, content_type)
        if routed is None:
            routed = self.route(sdef, req, content_type, soap_action)
        if isinstance(routed, routing.Unrouted):
            return self._fault(routed.version, routed.error,
                               operation=None if routed.error is req else _element_name(req))
        assert isinstance(req, envelope.SoapRequest)  # routing answers an unreadable body
        version = req.version
        operation = routed.operation
        desc = sdef.service.public_methods[operation]
        skipped: list[str] = []
        if not routed.element_matches:  # XmlSerializer skips the element: no arguments
            skipped.append(errors.SkippedRequestElement(req.operation, req.op_ns, operation,
                                                        sdef.ns).text)
            req = envelope.SoapRequest(version, operation, sdef.ns,
                                       envelope.empty_element(sdef.ns, operation), req.body,
                                       req.header)
        ctx = OperationContext(self.ledger, session_ids(cookie_header))
        ignored: list[str] = skipped
        try:
            args, read_ignored = _read_args(req, desc, sdef.ns)
            ignored = skipped + read_ignored
            ctx.headers = _read_headers(req, desc, sdef.ns)
            result = desc.function(ctx, *args)
            inner = write_result(desc, result)
        except errors.VendorError as err:
            return self._fault(version, err, operation=operation, client_id=ctx.client_id,
                               warnings=ignored)
        except Exception as exc:  # never a stack trace on the wire
            log.exception("unexpected error in %s", operation)
            unexpected = errors.ServerError(str(exc) or type(exc).__name__,
                                            detail=f"{type(exc).__name__} in the emulator")
            return self._fault(version, unexpected, operation=operation,
                               client_id=ctx.client_id, warnings=ignored)
        return SoapAnswer(
            200, envelope.response(version, operation, sdef.ns, inner),
            envelope.CONTENT_TYPES[version], operation=operation, client_id=ctx.client_id,
            set_cookie=ctx.set_cookie, warnings=ignored or None,
        )

    @staticmethod
    def _fault(version: str, err: errors.VendorError, operation=None,
               client_id=None, warnings=None) -> SoapAnswer:
        return SoapAnswer(err.soap_status, envelope.fault(version, err), envelope.CONTENT_TYPES[version],
                          operation=operation, client_id=client_id, fault=err.text,
                          fault_detail=_journal_detail(err),
                          warnings=warnings or None)


def _journal_detail(err: errors.VendorError) -> str | None:
    """What the journal adds to a fault's text (W9: which element, which null argument); a
    detail already in the text (a parser's message) is not repeated."""
    detail = str(getattr(err, "detail", None) or "")
    return detail if detail and detail not in err.text else None


def _element_name(req) -> str | None:
    return req.operation if isinstance(req, envelope.SoapRequest) else None


def _read_args(req: envelope.SoapRequest, desc, ns: str) -> tuple[list, list[str]]:
    values, ignored = read_arguments(req.element, desc.in_message, ns, req.body)
    return [values[f.name] for f in spec_of(desc.in_message).fields], ignored


def _read_headers(req: envelope.SoapRequest, desc, ns: str) -> dict[str, dict]:
    """The headers the operation's binding declares (``schema.Operation.headers``) that the
    envelope carries, read as XmlSerializer reads them (a bad value: the argument's fault);
    headers it does not declare are not read, as ASMX leaves them."""
    declared = getattr(desc, "headers", None)
    if not declared or req.header is None:
        return {}
    out = {}
    for child in req.header:
        if not isinstance(child.tag, str) or not child.tag.startswith(f"{{{ns}}}"):
            continue
        model = declared.get(child.tag[len(ns) + 2:])
        if model is not None:
            out[child.tag[len(ns) + 2:]] = read_arguments(child, model, ns, req.body)[0]
    return out


def write_result(desc, result) -> str:
    """An operation's result as the XML inside its ``...Response`` element (also what an
    injected ``result`` fault answers); a void method's is empty."""
    fields = spec_of(desc.out_message).fields
    if not fields:
        return ""
    f, = fields
    out: list[str] = []
    write_field(out, f, result)
    return "".join(out)


__all__ = ["SoapHandler", "SERVICES", "register", "load", "schema_service"]
