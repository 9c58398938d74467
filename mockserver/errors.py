"""The catalogue of errors: every text the emulator can answer with is one class here, and only here
(``tests/test_error_catalogue.py`` fails when a text of this file is written anywhere else in
``mockserver/``).

A class carries what each protocol needs: ``fault_code`` and ``soap_status`` (a SOAP fault),
``result_type`` (a SaveBundleList result), ``http_status`` and ``name`` (the REST JSON error),
``oauth_error`` (RFC 6749's code on the token endpoint). The ledger core and the surfaces raise
them; each protocol renders them in one place: ``soap/envelope.fault``, ``soap/account.py``
(SaveBundleList results), ``rest/errors.py`` (REST and OAuth JSON), ``admin/common.py`` (the
control API), ``door.render_refusal`` (refusals at the front door, in the shape of the path).

A new text is a new class: a ``template`` with ``{field}`` parts filled from keyword arguments
(``UnknownSoapAction(operation="Foo")``), or a ``default_text``. Texts quoted from the vendor
documentation must stay byte-for-byte as written there.
"""

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


# --- SOAP faults -------------------------------------------------------------------------------


class NotAuthenticated(VendorError):
    """A4: a call on Account/Transaction services without a valid session."""

    def default_text(self) -> str:
        return "Client is not authenticated on this identity"


class IdentityBlocked(VendorError):
    """A3: the default or requested identity is blocked (FAQ text, verbatim)."""

    def default_text(self) -> str:
        return (
            "Provided IdentityId is blocked. Please use GetIdentitiesWithCredential to get a "
            "list of available Identities and reauthenticate with a valid IdentityId"
        )


class NoNextEntryId(VendorError):
    """E3: unknown entry series, or an empty series without a start number (FAQ text)."""

    def default_text(self) -> str:
        return "No next Entry Id found with the provided date and sort"


class UnknownLine(VendorError):
    """K1: a LineId that is not a line of this client (interpretation)."""

    fault_code = "Client"
    template = "LineId {line_id} was not found"

    def __init__(self, line_id):
        super().__init__(line_id=line_id)


class UnknownLink(VendorError):
    """K1: a LinkId that was never created (interpretation)."""

    fault_code = "Client"

    def __init__(self, link_id):
        super().__init__(f"LinkId {link_id} was not found")


class RequestError(VendorError):
    """W6: the request cannot be read (bad XML, bad value, unknown operation)."""

    fault_code = "Client"


class EmptyRequest(RequestError):
    template = INVALID_FORMAT + "the request body is empty."


class DtdNotAllowed(RequestError):
    template = INVALID_FORMAT + "DTDs are not allowed in SOAP messages."


class UnreadableXml(RequestError):
    """The body is not well-formed XML; ``detail`` is the parser's message."""

    template = UNABLE_TO_READ + ". ---> {detail}"


class NotAnEnvelope(RequestError):
    template = INVALID_FORMAT + "the root element is not a SOAP Envelope."


class NoSoapBody(RequestError):
    template = INVALID_FORMAT + "the SOAP Envelope has no Body."


class EmptySoapBody(RequestError):
    template = INVALID_FORMAT + "the SOAP Body is empty."


class VersionMismatch(RequestError):
    """The envelope's SOAP version is not the one the Content-Type announced; answered in the
    announced ``version``."""

    fault_code = "VersionMismatch"
    template = ("Possible SOAP version mismatch: Envelope namespace {ns} was unexpected. "
                "Expecting {version}.")


class UnknownSoapAction(RequestError):
    template = "Server did not recognize the value of HTTP Header SOAPAction: {operation}."


class WrongNamespace(RequestError):
    template = "Element {operation} is in namespace '{op_ns}'; {service} expects '{ns}'."


class SoapByPost(RequestError):
    """GET on a service without ``?WSDL``."""

    soap_status = 405
    template = "{service} answers SOAP requests by POST; its WSDL is at ?WSDL."


class MethodNotAllowed(RequestError):
    soap_status = 405
    template = "Method {method} is not allowed; use POST, or GET ?WSDL."


class UnableToProcess(VendorError):
    """Anything unexpected: the last line of defence, never a stack trace on the wire."""

    name = "InternalError"
    template = UNABLE_TO_PROCESS + "{detail}"


class BadValue(RequestError):
    """W9: a value XmlSerializer cannot read, in ASMX's words: ``Server was unable to read
    request. ---> There is an error in XML document (LINE, COLUMN). ---> INNER``, INNER being
    .NET's own exception text (see ``DotNet``). LINE and COLUMN are where .NET's XmlTextReader
    stands when the conversion fails (``soap/codec.py``: ``dotnet_position``).

    ``detail`` names the element and the value (.NET's text does not; ``describe``): it goes to
    the control API's request journal, never on the wire.
    """

    template = UNABLE_TO_READ + " ({line}, {column}). ---> {inner}"
    #: the journal's detail: which element held which value
    detail_template = "The value '{value}' of element '{element}' is not a valid {xsd_type}."

    def __init__(self, inner: str, line: int, column: int, detail: str = ""):
        super().__init__(inner=inner, line=line, column=column, detail=detail)

    @classmethod
    def describe(cls, element: str, value: str, xsd_type: str) -> str:
        shown = value if len(value) <= 80 else value[:77] + "..."
        return cls.detail_template.format(value=shown, element=element, xsd_type=xsd_type)


class DotNet:
    """.NET's exception texts for a value it cannot convert (System.Xml.XmlConvert, Int32.Parse,
    Decimal.Parse, new Guid(string), XmlSerializer's enum reader), verbatim: the INNER part of
    ``BadValue`` (never raised on their own)."""

    FORMAT = "Input string was not in a correct format."
    #: Overflow texts by XSD type (System.OverflowException of each .NET type's Parse)
    OVERFLOW = {
        "int": "Value was either too large or too small for an Int32.",
        "short": "Value was either too large or too small for an Int16.",
        "long": "Value was either too large or too small for an Int64.",
        "unsignedByte": "Value was either too large or too small for an unsigned byte.",
        "decimal": "Value was either too large or too small for a Decimal.",
    }
    GUID_LENGTH = "Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."
    GUID_UNRECOGNIZED = "Unrecognized Guid format."
    GUID_DASHES = "Dashes are in the wrong position for GUID parsing."
    GUID_HEX = "Guid string should only contain hexadecimal characters."
    NULL_REFERENCE = "Object reference not set to an instance of an object."
    BOOLEAN = "The string '{text}' is not a valid Boolean value."
    DATETIME = "The string '{text}' is not a valid AllXsd value."
    ENUM = "Instance validation error: '{text}' is not a valid value for {type_name}."
    BASE64 = ("The input is not a valid Base-64 string as it contains a non-base 64 character, "
              "more than two padding characters, or an illegal character among the padding "
              "characters.")

    @classmethod
    def boolean(cls, text: str) -> str:
        return cls.BOOLEAN.format(text=text)

    @classmethod
    def datetime(cls, text: str) -> str:
        return cls.DATETIME.format(text=text)

    @classmethod
    def enum(cls, text: str, type_name: str) -> str:
        return cls.ENUM.format(text=text, type_name=type_name)


class ServerError(VendorError):
    """W9: an exception inside a web method, as ASMX reports it: soap:Server (SOAP 1.2
    soap:Receiver), ``Server was unable to process request. ---> MESSAGE``. ``detail`` goes to
    the control API's request journal, never on the wire."""

    template = UNABLE_TO_PROCESS + "{message}"

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message=message, detail=detail)


class NullArgument(ServerError):
    """W9: a web method argument that was missing or nil reaches the vendor's code as null and
    fails there (a NullReferenceException, interpretation of what that code does with it)."""

    detail_template = "{argument} was missing or nil; the web method received null"

    def __init__(self, argument: str):
        self.argument = argument
        super().__init__(DotNet.NULL_REFERENCE, detail=self.detail_template.format(argument=argument))


class IgnoredElement:
    """W6: an element the WSDL does not have where it was sent. XmlSerializer skips it silently;
    the emulator says so in the control API's request journal (``warnings``), never on the wire.
    Not raised: ``text`` is the warning."""

    template = ("Element '{element}' in '{parent}'{where} is not in the WSDL and was ignored, "
                "as .NET's XmlSerializer ignores it")
    wrap_template = "; {parent} holds <{item}> elements, so wrap each item in <{item}>"

    def __init__(self, element: str, parent: str, line: int | None, item: str | None = None):
        self.element, self.parent, self.line, self.item = element, parent, line, item
        where = f" (line {line})" if line else ""
        text = self.template.format(element=element, parent=parent, where=where)
        if item:
            text += self.wrap_template.format(parent=parent, item=item)
        self.text = text + "."


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
            f"Request format is invalid: {shown}. SOAP requests are text/xml (SOAP 1.1) or "
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


class TooManyXmlAttributes(RequestError):
    """An envelope over the emulator's attribute or namespace-declaration limits (``--limit
    xml_attributes`` and friends): refused before any parser sees it."""

    template = INVALID_FORMAT + "{where} has more than {limit} {what} (--limit {limit_name}={limit})."

    def __init__(self, what: str, where: str, limit: int, limit_name: str):
        super().__init__(what=what, where=where, limit=limit, limit_name=limit_name)


class NotSupported(VendorError):
    """A vendor operation the emulator knows but does not emulate."""

    fault_code = "Client"


class TokenLoginNotEmulated(NotSupported):
    template = "AuthenticateByToken is not emulated. Use Login with the client's credentials."


class RateLimited(VendorError):
    """L1: hourly quota exceeded (FAQ text pattern): a SOAP fault (HTTP 500), 429 on REST."""

    http_status = 429
    name = "TooManyRequests"

    def __init__(self, over_by: int, quarantine_ends: str):
        self.over_by = over_by
        self.quarantine_ends = quarantine_ends
        super().__init__(
            f"Limit exceeded by {over_by}. Request is blocked. Quarantine ends at {quarantine_ends}"
        )


class BurstLimited(VendorError):
    """L4: the burst throttle; a plain 429 with the reason phrase as its body, on every surface."""

    http_status = soap_status = 429
    name = "TooManyRequests"
    template = "Too Many Requests"


class InjectedFault(VendorError):
    """SPEC C: a Server fault with the text a test asked for (control API fault injection)."""


# --- REST (/v1) --------------------------------------------------------------------------------


class RestError(VendorError):
    """A JSON error of the REST API: ``{"error": {"name", "message"}, "trackingId"}`` with
    ``http_status``; ``challenge`` is its WWW-Authenticate header, if any."""

    fault_code = "Client"
    http_status = 400
    name = "BadRequestError"
    challenge: str | None = None


class MissingAuthorization(RestError):
    http_status, name = 401, "UnauthorizedError"
    challenge = 'Bearer realm="24SevenOffice"'
    template = "Missing Authorization header"


class NotBearer(MissingAuthorization):
    template = "The Authorization header must be 'Bearer <access token>'"


class InvalidToken(RestError):
    http_status, name = 401, "UnauthorizedError"
    challenge = 'Bearer error="invalid_token"'
    template = "The access token is invalid"


class ExpiredToken(InvalidToken):
    template = "The access token has expired"


class MissingScope(RestError):
    http_status, name = 403, "ForbiddenError"
    template = "The access token lacks the scope {scope}"
    scope: str

    @property
    def challenge(self) -> str:  # type: ignore[override]
        return f'Bearer error="insufficient_scope", scope="{self.scope}"'


class InvalidQuery(RestError):
    """400 with ``payload.validationErrors``: every (path, keyword) problem of the query."""

    name = "ValidationError"
    template = "Invalid query parameters: {shown}"
    problems: list[tuple[str, str]]

    def __init__(self, problems: list[tuple[str, str]]):
        shown = ", ".join(f"{p} ({k})" for p, k in problems)
        super().__init__(problems=problems, shown=shown)


class InvalidLineId(InvalidQuery):
    template = "id must be a GUID"

    def __init__(self):
        super().__init__([("id", "format")])


class NoResource(RestError):
    http_status, name = 404, "NotFoundError"
    template = "No resource at {method} {path}"


class LineNotFound(NoResource):
    template = "Transaction line {line_id} was not found"


class RestRecordNotFound(NoResource):
    """A record of a read endpoint (account, tax code, dimension, sales type ...) by its id."""

    template = "{what} was not found"


class InvalidPathParameter(InvalidQuery):
    template = "{parameter} must be an integer"

    def __init__(self, problems: list[tuple[str, str]], parameter: str):
        VendorError.__init__(self, problems=problems, parameter=parameter)


class InvalidBody(InvalidQuery):
    """POST /v1/transactions: every (path, keyword) problem of the JSON body."""

    template = "Invalid transaction: {shown}"


class BodyNotJson(InvalidQuery):
    template = "{detail}"

    def __init__(self, detail: str):
        VendorError.__init__(self, problems=[("", "type")], detail=detail)


class BodyNotAnObject(InvalidQuery):
    template = "The body is not a JSON object"


class InvalidCustomer(InvalidQuery):
    """POST/PATCH /v1/customers: every (path, keyword) problem of the JSON body."""

    template = "Invalid customer: {shown}"


class InvalidProduct(InvalidQuery):
    """POST/PATCH /v1/products: every (path, keyword) problem of the JSON body."""

    template = "Invalid product: {shown}"


class InvalidCategory(InvalidQuery):
    """POST/PATCH /v1/productcategories: every (path, keyword) problem of the JSON body."""

    template = "Invalid product category: {shown}"


class InvalidBankAccount(InvalidQuery):
    """POST/PATCH /v1/customers/{customerId}/bankaccounts: every (path, keyword) problem."""

    template = "Invalid bank account: {shown}"


class BankAccountExists(RestError):
    template = "Customer {customer_id} already has bank account {number}"


class CustomerExists(RestError):
    """POST /v1/customers with the ``id`` of a customer the client has."""

    template = "Customer {customer_id} already exists"


class RestUnsupportedMediaType(RestError):
    http_status, name = 415, "UnsupportedMediaTypeError"
    template = "The body must be application/json"


class NotServed(RestError):
    """An operation of the vendor's 0.56.0 document the emulator does not serve (never a 404)."""

    http_status, name = 501, "NotImplementedError"
    template = "{method} /v1{path} is not served by tfso-mockserver"


class RestMethodNotAllowed(RestError):
    http_status, name = 405, "MethodNotAllowedError"
    template = "{method} is not allowed on {path}"


class RestInternalError(RestError):
    fault_code = "Server"
    http_status, name = 500, "InternalServerError"
    template = "Internal error: {error}"


class NoService(VendorError):
    """A path no surface answers."""

    fault_code = "Client"
    http_status, name = 404, "NotFound"
    template = "No service at {path}"


# --- OAuth2 (/oauth/token) ----------------------------------------------------------------------


class OAuthError(VendorError):
    """A5: an OAuth2 token-endpoint error (RFC 6749 section 5.2): ``oauth_error`` is the
    ``error`` code, the text its ``error_description``; rendered by the REST surface.

    ``OAuthError(status, error, description)`` still makes one ad hoc; prefer a class below.
    """

    fault_code = "Client"
    http_status = 400
    oauth_error = "invalid_request"

    def __init__(self, status: int | None = None, error: str | None = None,
                 description: str | None = None, **fields):
        if status is not None:
            self.http_status = status
        if error is not None:
            self.oauth_error = error
        super().__init__(description, **fields)

    # the names this class had before the catalogue carried the status and the code
    @property
    def status(self) -> int:
        return self.http_status

    @property
    def error(self) -> str:
        return self.oauth_error

    @property
    def description(self) -> str:
        return self.text


class MissingGrantType(OAuthError):
    template = "Missing required parameter: grant_type"


class UnsupportedGrantType(OAuthError):
    oauth_error = "unsupported_grant_type"
    template = "Unsupported grant type: {grant_type}"


class MissingClientId(OAuthError):
    http_status, oauth_error = 401, "invalid_client"
    template = "Missing required parameter: client_id"


class ClientAuthenticationFailed(MissingClientId):
    template = "Client authentication failed"


class MalformedBasic(MissingClientId):
    template = "Malformed Basic credentials"


class UnknownAudience(OAuthError):
    http_status, oauth_error = 403, "access_denied"
    template = "Service not found: {audience}"


class NotConnected(UnknownAudience):
    template = "The application is not connected to organization {organization}"


class ScopeNotGranted(OAuthError):
    oauth_error = "invalid_scope"
    template = "None of the requested scopes is granted: {scope}"


class BadTokenRequest(OAuthError):
    """A token request whose body cannot be read as fields."""

    template = "{detail}"


class NotAnObject(BadTokenRequest):
    template = BodyNotAnObject.template


class NotAString(BadTokenRequest):
    template = "{field} must be a string"


# --- the control API (/__admin) -------------------------------------------------------------------


class AdminError(Exception):
    """An error of the control API (the emulator's own, never the vendor's): ``status``,
    ``name`` and ``message``, rendered by ``admin/common.py``."""

    def __init__(self, status: int, message: str, name: str = "ValidationError"):
        super().__init__(message)
        self.status, self.message, self.name = status, message, name


class UsernameTaken(AdminError):
    """A ledger rule: usernames are unique across clients (they name the login)."""

    def __init__(self, username: str):
        super().__init__(409, f"Username {username} is already taken", "Conflict")


class SeriesInUse(AdminError):
    """A ledger rule: an entry series stays while a transaction type books into it."""

    def __init__(self, series_id: int, type_nos: list[int]):
        super().__init__(409, f"Entry series {series_id} is used by TypeNo "
                              f"{', '.join(map(str, type_nos))}", "Conflict")


class ControlApiOff(AdminError):
    def __init__(self):
        super().__init__(404, "The control API is switched off", "NotFound")


# --- SaveBundleList results (S) -------------------------------------------------------------
# These never become faults: SaveBundleList returns them as {Type, Description}.


class SaveRefused(VendorError):
    """A bundle that cannot be saved. ``result_type`` is the SaveResponse Type.

    ``verbatim`` texts are the vendor's documented ones and are returned exactly as written;
    the emulator's own texts also say where the refusal happened (see ``locate``).
    """

    result_type = "Exception"
    verbatim = False
    #: the IgnoreWarnings key that lets the bundle through anyway ("" for none)
    warning_key = ""


class FiscalYearMissing(SaveRefused):
    """S2: YearId has no fiscal year set up (FAQ text)."""

    verbatim = True

    def default_text(self) -> str:
        return "Could not finish last Bundle! iError:2"


class SystemTypeRefused(SaveRefused):
    """S3: negative TypeNo are system types (guide)."""

    def __init__(self, type_no: int):
        super().__init__(
            f"TypeNo {type_no} is a system type. Only positive TypeNos can be used with "
            "SaveBundleList"
        )


class UnknownType(SaveRefused):
    """A TypeNo (Sort) the client does not have (interpretation)."""

    def __init__(self, type_no: int):
        super().__init__(f"TypeNo {type_no} does not exist. Use GetTypeList to get valid types")


class UnknownAccount(SaveRefused):
    """An AccountNo that is not in the chart of accounts (interpretation)."""

    def __init__(self, account_no: int):
        super().__init__(f"Account {account_no} does not exist")


class UnknownTaxCode(SaveRefused):
    """A TaxNo the client does not have (interpretation)."""

    def __init__(self, tax_no: str):
        super().__init__(f"TaxNo {tax_no} does not exist. Use GetTaxCodeList to get valid codes")


class NotInBalance(SaveRefused):
    """S4: debit and credit differ (interpretation of the text)."""

    def __init__(self, difference):
        super().__init__(f"Voucher is not in balance. Difference: {difference:f}")


class EntryOutsideFiscalYear(SaveRefused):
    """An entry dated outside the bundle's fiscal year (interpretation; catches a missing Date)."""

    def __init__(self, day, year: int):
        super().__init__(f"Entry date {day.isoformat()} is outside fiscal year {year}")


class TransactionNoMissing(SaveRefused):
    """S11: TransactionNo 0 (or below) when the emulator is told to refuse it (interpretation;
    ``rules.TRANSACTION_NO_ZERO`` = "refuse")."""

    template = ("TransactionNo {transaction_no} is not a voucher number. Get the next available "
                "number from GetEntryId")

    def __init__(self, transaction_no: int):
        super().__init__(transaction_no=transaction_no)


class NoOpenPeriod(SaveRefused):
    """REST POST /transactions dated where the client has no fiscal year (0.56.0: "there must
    be a financial period open for this date"; the text is the emulator's)."""

    def __init__(self, day):
        super().__init__(f"There is no open financial period for {day.isoformat()}")


class CommentTooLong(SaveRefused):
    """Comments are at most 75 characters in the ledger (REST spec maxLength)."""

    def __init__(self, length: int):
        super().__init__(f"Comment is {length} characters long; at most 75 are allowed")


class MissingVatAmount(SaveRefused):
    """S5: FAQ text, verbatim. Ignorable with ``vatisnotinbalance``."""

    verbatim = True

    warning_key = "vatisnotinbalance"

    def default_text(self) -> str:
        return "Voucher has a vat code that does not have a corresponding vat amount"


class AttachmentPosted(SaveRefused):
    """S7: the StampNo was already used (FAQ text)."""

    verbatim = True

    def default_text(self) -> str:
        return "Attachment is posted in the journal"


class LinkInsideBundle(SaveRefused):
    """K2: both linked entries are in the bundle being saved (guide)."""

    def default_text(self) -> str:
        return (
            "It is not possible to link two entries when they are both in the bundle that is "
            "being saved"
        )


class Warning_(SaveRefused):
    """S8: a warning that blocks the save unless its key is in IgnoreWarnings; ``detail`` (a
    template) says what was found."""

    warning_key = ""
    detail = ""

    def __init__(self, **fields):
        detail = self.detail.format(**fields)
        super().__init__(f"{detail} Add '{self.warning_key}' to IgnoreWarnings to save anyway.",
                         **fields)


class VatNotInBalance(Warning_):
    warning_key = "vatisnotinbalance"
    detail = "VAT on account {account_no} is {posted:f}, expected {expected:f}."


class VatMissingFoundation(Warning_):
    warning_key = "vatismissingfoundation"
    detail = "VAT amount on account {account_no} has no corresponding foundation entry."


class InvoiceAlreadyExists(Warning_):
    warning_key = "invoicealreadyexists"
    detail = "Invoice reference {reference} already exists in the ledger."


class CustomerMismatchBankAccount(Warning_):
    warning_key = "customermismatchbankaccount"
    detail = "Bank account {bank_account} is not the default bank account of customer {customer_id}."


class NoEntries(SaveRefused):
    template = "The voucher has no entries"


class NoVouchers(SaveRefused):
    template = "The bundle has no vouchers"


class LinkedLineMissing(SaveRefused):
    """A link to a LineId that is not a line of this client, refused with the bundle."""

    template = UnknownLine.template


class LinkIdNeeded(SaveRefused):
    template = "Links need a LinkId on the entry or the LinkModel"


class DuplicateData(SaveRefused):
    """S11: the same voucher was saved before (a retry)."""

    result_type = "DuplicateData"

    def __init__(self, transaction_no: int):
        super().__init__(f"Voucher with TransactionNo {transaction_no} is already saved")


class DataAlreadySaved(SaveRefused):
    """S11: the TransactionNo is taken by other content in that series and year."""

    result_type = "DataAlreadySaved"

    def __init__(self, transaction_no: int, series_id: int, year: int):
        super().__init__(
            f"TransactionNo {transaction_no} is already used in entry series {series_id} "
            f"for {year}"
        )


class NothingToSave(SaveRefused):
    """A BundleList with no bundles (interpretation)."""

    result_type = "NotSaved"

    def default_text(self) -> str:
        return "The BundleList has no bundles"


# Where a refusal is located, appended to the vendor text (interpretation, kept in one place).
LOCATION_SUFFIX = " (Bundle {bundle}, Voucher {voucher})"


def locate(err: SaveRefused, bundle: int, voucher: int | None) -> str:
    """The Description for a refused bundle: the vendor text first, then where it happened."""
    if err.verbatim:
        return err.text
    if voucher is None:
        return err.text + f" (Bundle {bundle})"
    return err.text + LOCATION_SUFFIX.format(bundle=bundle, voucher=voucher)


# --- master-data services (SPEC M1-M6) -------------------------------------------------------


class NotEmulated(NotSupported):
    """An operation of a served WSDL that the emulator does not answer yet: a Client fault
    naming it (never a 404 or a trace)."""

    def __init__(self, service: str, operation: str):
        super().__init__(f"{service}.{operation} is not emulated by tfso-mockserver.")


class ItemRefused(VendorError):
    """M2: a per-item problem of a Save*/Delete* call. Never a fault: the SOAP surface writes it
    as an ``APIException`` (``Type``, ``Message``) inside the failing item, HTTP 200, and the
    other items are saved (the vendor's recorded SaveCompanies answer has this shape).
    ``api_type`` is the APIException Type (interpretation: the vendor's are .NET type names)."""

    api_type = "ValidationException"


class RecordNotFound(ItemRefused):
    def __init__(self, what: str, record_id):
        super().__init__(f"{what} with Id {record_id} was not found.")


class NameRequired(ItemRefused):
    def __init__(self, what: str, field: str = "Name"):
        super().__init__(f"{field} is required to create a new {what}.")


class CategoryInUse(ItemRefused):
    def __init__(self, category_id: int):
        super().__init__(f"Category with Id {category_id} is used by a product or another "
                         "category and cannot be deleted.")


class CompanyInUse(ItemRefused):
    def __init__(self, company_id: int):
        super().__init__(f"Company with Id {company_id} has transactions in the ledger and "
                         "cannot be deleted.")


class RecordExists(ItemRefused):
    def __init__(self, what: str, field: str, value):
        super().__init__(f"A {what} with {field} {value} already exists.")


class OrderInvoiced(ItemRefused):
    """D1: SaveInvoices on an order that is invoiced (interpretation: orders cannot be merged or
    changed once invoiced; UpdateInvoices changes an invoice's title and reference)."""

    def __init__(self, order_id: int):
        super().__init__(f"InvoiceOrder with OrderId {order_id} is invoiced and can no longer "
                         "be changed; use UpdateInvoices for InvoiceTitle and ReferenceNumber.")


class OrderNotInvoiced(ItemRefused):
    def __init__(self, order_id: int):
        super().__init__(f"InvoiceOrder with OrderId {order_id} is not invoiced; UpdateInvoices "
                         "updates invoiced orders only.")


class VatRateUnknown(ItemRefused):
    def __init__(self, rate, rates: str):
        super().__init__(f"VatRate {rate} is not an output VAT rate of the client ({rates}); "
                         "set TaxSettings.TaxCode.")


class InvoiceNotPosted(ItemRefused):
    """D2: the invoice's voucher was refused by the ledger (SaveBundleList's text)."""

    def __init__(self, reason: str):
        super().__init__(f"The invoice could not be posted: {reason}")


class UnknownReference(RequestError):
    """A call that names a record the client does not have (SavePerson's CustomerId,
    SaveProjectTask's Project, SetStockQuantity's productId...): a Server fault, as the vendor's
    single-item operations throw (interpretation)."""

    fault_code = "Server"

    def __init__(self, what: str, record_id):
        super().__init__(
            f"Server was unable to process request. ---> {what} with Id {record_id} was not found.")


class ItemFault(VendorError):
    """An ``ItemRefused`` of a single-item operation (SaveProject, SavePerson...) whose result
    type has no APIException member: a Server fault, as an exception in an ASMX method is."""

    def __init__(self, err: ItemRefused):
        self.cause = err
        super().__init__(f"Server was unable to process request. ---> {err.text}")


class FileFault(VendorError):
    """D4: an AttachmentService call the vendor's code would throw on (an unknown file, a chunk
    past the end, a file that is not of its declared type): ``soap:Server`` with ASP.NET's
    prefix, as an exception inside an ASMX method is (the texts: interpretation)."""

    template = UNABLE_TO_PROCESS + "{message}"


class FileNotFound(FileFault):
    def __init__(self, file_id):
        super().__init__(message=f"File with Id {file_id} was not found.")


class FileAlreadySaved(FileFault):
    def __init__(self, file_id):
        super().__init__(message=f"File with Id {file_id} is saved and can no longer be changed.")


class ChunkOffsetInvalid(FileFault):
    def __init__(self, offset, size: int):
        super().__init__(message=f"Offset {offset} is outside the file ({size} bytes uploaded); "
                                 "append at the end of what was uploaded.")


class ChunkLengthInvalid(FileFault):
    def __init__(self, length, size: int):
        super().__init__(message=f"bufferLength {length} is outside the buffer of {size} bytes.")


class FileEmpty(FileFault):
    def __init__(self, file_id):
        super().__init__(message=f"File with Id {file_id} is empty; upload it with AppendChunk "
                                 "before Save.")


class FileTypeMismatch(FileFault):
    def __init__(self, file_id, image_type: str):
        super().__init__(message=f"File with Id {file_id} is not a valid {image_type} file.")


class ImageTypeUnknown(FileFault):
    def __init__(self, accepted: str):
        super().__init__(message=f"ImageType Unknown is not accepted; use one of {accepted}.")


class FileTooLarge(FileFault):
    def __init__(self, limit: int):
        super().__init__(message=f"A file is at most {limit} bytes (--limit attachment_bytes="
                                 f"{limit}); nothing was changed.")


class UnknownStampSeries(FileFault):
    def __init__(self, series_id):
        super().__init__(message=f"Stamp number series {series_id} was not found.")


class UnknownAccountId(SaveRefused):
    """M6: an AccountService V002 Entry.AccountId that is no AccountId of GetAccountList."""

    def __init__(self, account_id: int):
        super().__init__(f"AccountId {account_id} does not exist")


# --- the emulator's own capacity limits (``limits.py``) ----------------------------------------


class LimitReached(VendorError):
    """A capacity limit of the emulator (``--limit NAME=N``): refused, nothing changed.

    Not a vendor text (the vendor has no such limits at this scale): a Server fault on SOAP
    paths, ``503`` with ``LimitReachedError`` on REST and the control API, OAuth's
    ``temporarily_unavailable`` on ``/oauth/token``.
    """

    http_status = 503
    name = "LimitReachedError"
    oauth_error = "temporarily_unavailable"

    _WHAT = {
        "clients": "clients",
        "sessions": "live sessions",
        "tokens": "live access tokens",
        "faults": "injected faults",
        "generated_lines_total": "generated ledger lines",
    }

    def __init__(self, limit_name: str, limit: int):
        self.limit_name, self.limit = limit_name, limit
        what = self._WHAT.get(limit_name, limit_name)
        super().__init__(
            f"The emulator holds {limit} {what}, its limit (--limit {limit_name}={limit}); "
            "nothing was changed."
        )


class GenerateTooLarge(LimitReached):
    """A scenario whose ``generate.lines`` is over what one call may generate (a 400: the
    request asks too much, whatever the emulator holds)."""

    http_status = 400

    def __init__(self, wanted: int, limit: int):
        self.limit_name, self.limit = "generated_lines", limit
        VendorError.__init__(
            self,
            f"generate.lines asks for {wanted} ledger lines; one scenario generates at most "
            f"{limit} (--limit generated_lines={limit}); nothing was changed.")


# --- the SQLite store (start-up and /__admin/health) --------------------------------------------


class StoreProblem(RuntimeError):
    """The SQLite store cannot be used: start-up stops with this text and exit code 2."""


class StoreDamaged(StoreProblem):
    """SQLite cannot read or write the file (damaged, not a database, read-only)."""

    def __init__(self, path: str, detail: str):
        super().__init__(f"{path}: the store cannot be used: {detail}")


class LogRowUnreadable(StoreProblem):
    """A row of the log that cannot be replayed: names the file, the row and why."""

    def __init__(self, path: str, row_id: int, kind: str, reason: str):
        self.row_id = row_id
        super().__init__(f"{path}: log row {row_id} ({kind}): {reason}")


def log_row_reason(kind: str, err: Exception, unknown_kind: bool = False) -> str:
    """Why a log row cannot be replayed, in a sentence."""
    import json

    if unknown_kind:
        return f"unknown kind {kind!r}"
    if isinstance(err, json.JSONDecodeError):
        return f"the body is not valid JSON ({err.msg} at character {err.pos})"
    if isinstance(err, KeyError):
        return f"a field is missing or refers to nothing known: {err.args[0]!r}"
    return f"{type(err).__name__}: {err}"


# --- scenarios asked for by name (the control API) --------------------------------------------


def scenario_name_invalid(shown: str) -> str:
    return (f"A scenario is asked for by its name (1-64 letters, digits, '-', '_' or '.'), "
            f"not {shown!r}; the names are listed by GET /__admin/scenarios")


def scenario_unknown(name: str, names: list[str], hint: str | None) -> str:
    extra = f"; did you mean {hint}?" if hint else ""
    return f"No scenario named {name!r} (available: {', '.join(names) or 'none'}){extra}"
