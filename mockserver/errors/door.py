"""Refusals at the front door, before any surface reads the request (``door.render_refusal``)."""

from __future__ import annotations

from mockserver.errors.base import INVALID_FORMAT, RequestError, VendorError


class HttpRefusal(RequestError):
    """A request refused at the door, before any service reads it: too large, the wrong media
    type, malformed HTTP or an unreadable JSON body.

    Rendered in the shape of the path it was sent to (``door.render_refusal``): a SOAP Client
    fault on SOAP paths, the vendor's JSON error on ``/v1``, OAuth's ``{error,
    error_description}`` on ``/oauth``, the control API's JSON on ``/__admin``. ``http_status``
    is the HTTP status on every surface; ``name`` the JSON error name; ``oauth_error`` the
    RFC 6749 error code.
    """

    http_status = 400
    name = "BadRequestError"
    oauth_error = "invalid_request"

    @property
    def soap_status(self) -> int:  # type: ignore[override]
        """The same status on every surface."""
        return self.http_status


class BodyTooLarge(HttpRefusal):
    """A body over the emulator's limit (``Settings.max_body``), refused without reading it."""

    http_status = 413
    name = "PayloadTooLargeError"

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"Request body is larger than the {limit} bytes allowed.")


class UnsupportedMediaType(HttpRefusal):
    """A SOAP call whose Content-Type is neither SOAP 1.1's nor SOAP 1.2's (ASMX's text)."""

    http_status = 415
    name = "UnsupportedMediaTypeError"

    def __init__(self, content_type: str):
        shown = content_type if len(content_type) <= 80 else content_type[:77] + "..."
        super().__init__(
            f"{INVALID_FORMAT}{shown}. SOAP requests are text/xml (SOAP 1.1) or "
            "application/soap+xml (SOAP 1.2)."
        )


class MalformedHttp(HttpRefusal):
    """The HTTP request itself cannot be read (bad framing, bad Content-Length, headers too
    large, a transfer coding other than chunked); the reason comes from the HTTP server."""

    def __init__(self, reason: str, http_status: int = 400):
        self.http_status = http_status
        super().__init__(f"The HTTP request is malformed: {reason}")


class ControlHostRefused(HttpRefusal):
    """The control API asked for under a Host that is not loopback nor ``--public-url``'s
    (DNS rebinding; ``control/crosssite.py``)."""

    http_status = 403
    name = "ForbiddenError"

    def __init__(self, host: str):
        shown = host if len(host) <= 80 else host[:77] + "..."
        super().__init__(
            f"The control API answers only requests to this machine's loopback names "
            f"(localhost, 127.0.0.1, [::1]) or the --public-url host, not {shown!r}; start the "
            "emulator with --admin-token to serve it under other names."
        )


class CrossSiteRefused(HttpRefusal):
    """A control-API request from a web page of another origin (``control/crosssite.py``)."""

    http_status = 403
    name = "ForbiddenError"

    def __init__(self, origin: str):
        shown = origin if len(origin) <= 80 else origin[:77] + "..."
        super().__init__(f"The control API refuses cross-site requests (Origin {shown!r} is not "
                         "this emulator's own).")


class ControlMediaTypeRefused(HttpRefusal):
    """A state-changing control-API call whose Content-Type is not JSON (a page can send
    ``text/plain`` and forms cross-site without a preflight)."""

    http_status = 415
    name = "UnsupportedMediaTypeError"

    def __init__(self, content_type: str = ""):
        self.content_type = content_type
        super().__init__("Send the body as JSON (Content-Type: application/json)")


#: the reason of the MalformedHttp refusal of a request with both framings (``serving.py``)
CONTENT_LENGTH_WITH_TRANSFER_ENCODING = "Content-Length with Transfer-Encoding"


class MalformedJson(HttpRefusal):
    """A JSON body that cannot be read (syntax, invalid UTF-8, nested too deeply)."""

    template = "The body is not valid JSON"

    def __init__(self, detail: str | None = None):
        super().__init__(detail)


class JsonTooDeep(MalformedJson):
    template = MalformedJson.template + ": it is nested too deeply"


class NoService(VendorError):
    """A path no surface answers."""

    fault_code = "Client"
    http_status, name = 404, "NotFound"
    template = "No service at {path}"

