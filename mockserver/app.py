"""The front door: one WSGI callable in front of the SOAP services, the REST API and the control API.

It folds path case (IIS does), bounds the body, records every exchange in the request journal
and dispatches. Whatever goes wrong, the answer is a SOAP fault on SOAP paths and JSON elsewhere.
"""

from __future__ import annotations

import json
import logging
import sys
import time

from . import errors
from .clock import Clock
from .journal import RequestJournal
from .ledger.core import Ledger
from .settings import Settings
from .soap import envelope
from .soap.dispatch import SERVICES, SoapAnswer, SoapHandler

log = logging.getLogger("mockserver")

_REASONS = {200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
            403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            413: "Request Entity Too Large", 415: "Unsupported Media Type",
            429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


def status_line(code: int) -> str:
    return f"{code} {_REASONS.get(code, 'Status')}"


class BodyTooLarge(Exception):
    pass


def read_body(environ, limit: int) -> bytes:
    """The request body, refusing more than ``limit`` bytes with or without Content-Length."""
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH") or ""
    if length.strip().isdigit():
        n = int(length)
        if n > limit:
            raise BodyTooLarge
        return stream.read(n) if n else b""
    chunks, size = [], 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def json_body(status: int, payload) -> tuple[int, list, bytes]:
    return status, [("Content-Type", "application/json; charset=utf-8")], json.dumps(payload).encode()


class MockServer:
    """``create_app(settings)`` returns one of these: a WSGI application."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self.clock = Clock()
        self.ledger = Ledger(self.clock)
        self.journal = RequestJournal(self.clock)
        self.soap = SoapHandler(self.ledger, self.settings.public_url or None)
        self.rest = None
        self.admin = None
        from .admin.api import create_admin

        self.admin = create_admin(self)
        try:
            from .rest.api import create_rest
        except ImportError:  # pragma: no cover - the REST surface is optional at import time
            create_rest = None
        if create_rest is not None:
            self.rest = create_rest(self)
        self.startup_client = self.ledger.credentials[min(self.ledger.credentials)]

    # --- WSGI -----------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        try:
            return self._dispatch(environ, start_response)
        except Exception as exc:  # the last line of defence: still a vendor-shaped answer
            log.exception("unhandled error")
            path = (environ.get("PATH_INFO") or "").lower().rstrip("/")
            text = f"Server was unable to process request. ---> {type(exc).__name__}"
            if path in SERVICES:
                body = envelope.fault(envelope.SOAP11, errors.VendorError(text))
                headers = [("Content-Type", envelope.CONTENT_TYPES[envelope.SOAP11])]
            else:
                _, headers, body = json_body(500, {"error": {"name": "InternalError", "message": text}})
            start_response(status_line(500), headers + [("Content-Length", str(len(body)))],
                           sys.exc_info())
            return [body]

    def _dispatch(self, environ, start_response):
        started = time.perf_counter()
        path = environ.get("PATH_INFO") or "/"
        lower = path.lower().rstrip("/") or "/"
        sdef = SERVICES.get(lower)
        if sdef is not None:
            status, headers, body, meta = self._soap(sdef, environ)
        elif lower.startswith("/__admin"):
            if not self.settings.admin:
                status, headers, body = json_body(404, {"error": {"name": "NotFound", "message": "The control API is switched off"}})
            else:
                return self._wsgi(self.admin, environ, start_response, started, "admin")
            meta = {"service": "admin"}
        elif self.rest is not None and (lower.startswith("/v1") or lower.startswith("/oauth")):
            return self._wsgi(self.rest, environ, start_response, started, "rest")
        else:
            status, headers, body = json_body(404, {"error": {"name": "NotFound", "message": f"No service at {path}"}})
            meta = {"service": None}
        self.journal.record(environ, status, started, meta)
        start_response(status_line(status), headers + [("Content-Length", str(len(body)))])
        return [body]

    def _wsgi(self, app, environ, start_response, started, service):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        result = app(environ, capture)
        meta = dict(environ.get("mockserver.meta", {}), service=service)
        self.journal.record(environ, captured.get("status", 500), started, meta)
        return result

    def _soap(self, sdef, environ):
        method = environ.get("REQUEST_METHOD", "GET").upper()
        base = _base_url(environ)
        if method == "GET":
            ans = self.soap.get(sdef, environ.get("QUERY_STRING", ""), base)
        elif method == "POST":
            try:
                body = read_body(environ, self.settings.max_body)
            except BodyTooLarge:
                err = errors.RequestError(
                    f"Request body is larger than the {self.settings.max_body} bytes allowed."
                )
                ans = SoapAnswer(413, envelope.fault(envelope.SOAP11, err),
                                 envelope.CONTENT_TYPES[envelope.SOAP11], fault=err.text)
            else:
                ans = self.soap.post(sdef, body, environ.get("CONTENT_TYPE", ""),
                                     environ.get("HTTP_COOKIE", ""))
        else:
            err = errors.RequestError(f"Method {method} is not allowed; use POST, or GET ?WSDL.")
            ans = SoapAnswer(405, envelope.fault(envelope.SOAP11, err),
                             envelope.CONTENT_TYPES[envelope.SOAP11], fault=err.text)
        headers = [("Content-Type", ans.content_type), ("Cache-Control", "private")]
        if ans.set_cookie:
            headers.append(("Set-Cookie", f"ASP.NET_SessionId={ans.set_cookie}; path=/; HttpOnly; SameSite=Lax"))
        meta = {"service": sdef.name, "operation": ans.operation, "client_id": ans.client_id,
                "fault": ans.fault}
        return ans.status, headers, ans.body, meta


def _base_url(environ) -> str:
    scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_X_FORWARDED_HOST") or environ.get("HTTP_HOST")
    if not host:
        host = f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    return f"{scheme}://{host}"


def create_app(settings: Settings | None = None) -> MockServer:
    return MockServer(settings)
