"""The base of the catalogue: ASP.NET's prefixes and the classes every protocol renders."""

from __future__ import annotations

#: The prefixes ASP.NET puts before what went wrong (each written once, here).
UNABLE_TO_PROCESS = "Server was unable to process request. ---> "


UNABLE_TO_READ = "Server was unable to read request. ---> There is an error in XML document"


INVALID_FORMAT = "Request format is invalid: "


class VendorError(Exception):
    """Base of every vendor-shaped error. ``text`` is what the client reads."""

    #: SOAP fault code family: "Client" (the request is at fault) or "Server".
    fault_code = "Server"
    #: The HTTP status of the SOAP fault (ASMX answers faults with 500).
    soap_status = 500
    #: The HTTP status and the error name on JSON surfaces.
    http_status = 500
    name = "InternalServerError"
    #: The text, ``{field}`` parts filled from the keyword arguments (which become attributes).
    template = ""

    def __init__(self, text: str | None = None, **fields):
        self.__dict__.update(fields)
        if text is None:
            text = self.template.format(**fields) if self.template else self.default_text()
        self.text = text
        super().__init__(self.text)

    def default_text(self) -> str:  # pragma: no cover - overridden
        return self.__class__.__name__


class RequestError(VendorError):
    """W6: the request cannot be read (bad XML, bad value, unknown operation)."""

    fault_code = "Client"


class UnableToProcess(VendorError):
    """Anything unexpected: the last line of defence, never a stack trace on the wire."""

    name = "InternalError"
    template = UNABLE_TO_PROCESS + "{detail}"


class ServerError(VendorError):
    """W9: an exception inside a web method, as ASMX reports it: soap:Server (SOAP 1.2
    soap:Receiver), ``Server was unable to process request. ---> MESSAGE``. ``detail`` goes to
    the control API's request journal, never on the wire."""

    template = UNABLE_TO_PROCESS + "{message}"

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message=message, detail=detail)


class NotSupported(VendorError):
    """A vendor operation the emulator knows but does not emulate."""

    fault_code = "Client"

