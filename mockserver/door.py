"""The door checks of the front door (``app.py``): what every request passes before a surface sees
it, kept apart so the front door reads as the route a request takes.

- bound the body (``read_body``, ``check``): a body over the limit, or a request the HTTP server
  could not read (``serving.py``), becomes an ``errors.HttpRefusal`` before anything reads it;
- render a refusal in the shape of the path (``render_refusal``: the one place per protocol);
- cheap looks into a request that could not be parsed (``soap_version``, ``soap_action``) and
  into a token request (``oauth_client_id``); a SOAP call's operation and caller come from its
  parsed envelope (``app.py``), never from a look at the raw text.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from . import errors
from .admin.shape import error_json
from .codec_utils import read_json
from .rest import errors as rest_errors
from .soap import catalogue, envelope

if TYPE_CHECKING:
    from .ledger.tokens import AccessToken
    from .soap.routing import Route, Unrouted
    from .soap.wsdl import ServiceDef

#: the reason phrases of every status line the emulator writes, as IIS and ASP.NET Core write
#: them (the SOAP services' own): pinned here, as Python's ``HTTPStatus`` renames some (413)
REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 301: "Moved Permanently",
           302: "Found", 303: "See Other", 304: "Not Modified", 307: "Temporary Redirect",
           308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized",
           403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
           408: "Request Timeout", 409: "Conflict", 410: "Gone", 411: "Length Required",
           412: "Precondition Failed", 413: "Request Entity Too Large",
           415: "Unsupported Media Type", 416: "Requested Range Not Satisfiable",
           417: "Expectation Failed", 422: "Unprocessable Entity", 428: "Precondition Required",
           429: "Too Many Requests", 431: "Request Header Fields Too Large",
           500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout"}

REST_PREFIXES = ("/v1", "/oauth")

def status_line(code: int) -> str:
    return f"{code} {REASONS.get(code, 'Status')}"


def standard_status(status: str) -> str:
    """A WSGI status line Flask wrote (the REST API, the control API, the dashboard) with the
    reason phrase every other answer here has (``status_line``): Werkzeug writes its phrases
    in capitals (``404 NOT FOUND``), IIS, ASP.NET Core and the emulator's SOAP services and
    door refusals ``404 Not Found`` (interpretation ``interpretations.REASON_PHRASES``)."""
    code = status[:3]
    if status[3:4] == " " and code.isdigit() and int(code) in REASONS:
        return status_line(int(code))
    return status


def standard_reasons(start_response):
    """``start_response`` writing ``standard_status`` lines."""
    def start(status, headers, exc_info=None):
        return start_response(standard_status(status), headers, exc_info)
    return start


def read_body(environ, limit: int) -> bytes:
    """The request body, refusing more than ``limit`` bytes with or without Content-Length
    (``errors.BodyTooLarge``; with a Content-Length over the limit nothing is read)."""
    stream = environ["wsgi.input"]
    length = (environ.get("CONTENT_LENGTH") or "").strip()
    if length:
        if not (length.isascii() and length.isdigit()):
            raise errors.MalformedHttp("Content-Length is invalid")
        n = int(length)
        if n > limit:
            raise errors.BodyTooLarge(limit)
        return stream.read(n) if n else b""
    chunks, size = [], 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise errors.BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def has_body(environ) -> bool:
    length = (environ.get("CONTENT_LENGTH") or "").strip()
    if length:
        return length != "0"
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


def surface_of(lower_path: str) -> str:
    """Which protocol answers a (lower-cased) path: soap, rest, oauth, admin or other."""
    if lower_path in catalogue.BY_PATH:
        return "soap"
    if lower_path.startswith("/oauth"):
        return "oauth"
    if lower_path.startswith("/v1"):
        return "rest"
    if lower_path.startswith("/__admin"):
        return "admin"
    return "other"


def render_refusal(surface: str, err: errors.HttpRefusal,
                   version: str = envelope.SOAP11) -> tuple[int, list, bytes]:
    """The one place a door refusal (``errors.HttpRefusal``) gets its protocol's shape."""
    status = err.http_status
    if surface == "soap":
        return status, [("Content-Type", envelope.CONTENT_TYPES[version])], envelope.fault(version, err)
    if surface == "oauth":
        body = rest_errors.dumps(rest_errors.oauth_body(err.oauth_error, err.text))
        return status, [("Content-Type", "application/json; charset=utf-8"),
                        ("Cache-Control", "no-store"), ("Pragma", "no-cache")], body
    if surface == "rest":
        return rest_json(status, err.name, err.text)
    return json_body(status, error_json(err.name.removesuffix("Error"), err.text))


def json_body(status: int, payload) -> tuple[int, list, bytes]:
    return status, [("Content-Type", "application/json; charset=utf-8")], json.dumps(payload).encode()


@dataclass
class Request:
    """What the front door learnt about a vendor request before running it."""

    environ: dict
    method: str
    path: str
    sdef: ServiceDef | None  # the SOAP service, or None for REST
    service: str | None
    operation: str | None
    client_id: int | None
    key: tuple
    body: bytes | None = None
    #: refused at the door (too large, unreadable HTTP): answered without running anything
    refusal: errors.HttpRefusal | None = None
    version: str = envelope.SOAP11
    #: the parsed envelope of a SOAP POST, or why it could not be read (``SoapHandler.read``)
    parsed: envelope.SoapRequest | errors.VendorError | None = None
    #: the operation the call reaches, or why none (``SoapHandler.route``)
    routed: Route | Unrouted | None = None
    #: the token a REST request's bearer credentials name (``TokenStore.lookup``: live or not)
    bearer: AccessToken | None = None

    @property
    def soap(self) -> bool:
        return self.sdef is not None

    @property
    def is_wsdl(self) -> bool:
        return self.soap and self.method == "GET"



def check(environ, soap: bool, max_body: int) -> errors.HttpRefusal | None:
    """What the HTTP server refused, or a body over the limit; else None. Bodies of REST
    and control-API requests are read here, once and bounded, so the Flask apps never
    read more than the limit (SOAP bodies are read by ``_identify``)."""
    err = environ.get("mockserver.http_error")
    if err is not None:
        if isinstance(err, errors.BodyTooLarge):
            err = errors.BodyTooLarge(max_body)
        return err
    if soap or not has_body(environ):
        return None
    try:
        body = read_body(environ, max_body)
    except errors.HttpRefusal as refused:
        return refused
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    return None


def rest_json(status: int, name: str, message: str):
    body = rest_errors.dumps(rest_errors.error_body(name, message))
    return status, [("Content-Type", "application/json; charset=utf-8")], body


def soap_version(body: bytes, content_type: str) -> str:
    head = body[:2048]
    if envelope.SOAP12.encode() in head:
        return envelope.SOAP12
    if envelope.SOAP11.encode() in head:
        return envelope.SOAP11
    return envelope.version_for_content_type(content_type) or envelope.SOAP11


def soap_action(environ) -> str | None:
    action = environ.get("HTTP_SOAPACTION", "").strip().strip('"')
    if not action:
        m = re.search(r'action="?([^";]+)', environ.get("CONTENT_TYPE", ""))
        action = m.group(1) if m else ""
    return action.rstrip("/").rsplit("/", 1)[-1] or None


def oauth_client_id(environ, limit: int) -> str | None:
    """The client_id of a token request (form or JSON); the body is put back for the REST app."""
    try:
        body = read_body(environ, limit)
    except errors.HttpRefusal:
        return None
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    if not body:
        return None
    ctype = environ.get("CONTENT_TYPE", "").lower()
    try:
        if "json" in ctype:
            data = read_json(body)
            value = data.get("client_id") if isinstance(data, dict) else None
        else:
            values = parse_qs(body.decode("utf-8", "replace")).get("client_id")
            value = values[0] if values else None
    except (errors.MalformedJson, ValueError):
        return None
    return value if isinstance(value, str) else None


def base_url(environ) -> str:
    scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_X_FORWARDED_HOST") or environ.get("HTTP_HOST")
    if not host:
        host = f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    return f"{scheme}://{host}"
