"""The REST API's JSON errors (/v1), rendered by ``rest/errors.py``."""

from __future__ import annotations

from mockserver.errors.base import VendorError


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
    """A path parameter that is not an integer, or (``minimum``) one below the spec's minimum."""

    template = "{parameter} must be an integer{least}"

    def __init__(self, problems: list[tuple[str, str]], parameter: str,
                 minimum: int | None = None):
        least = f" of at least {minimum}" if (parameter, "minimum") in problems else ""
        VendorError.__init__(self, problems=problems, parameter=parameter, least=least)


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


class InvalidSalesOrder(InvalidQuery):
    """POST/PATCH /v1/salesorders: every (path, keyword) problem of the JSON body."""

    template = "Invalid sales order: {shown}"


class InvalidSalesOrderLine(InvalidQuery):
    """POST/PATCH /v1/salesorders/{id}/lines: every (path, keyword) problem of the JSON body."""

    template = "Invalid sales order line: {shown}"


class SalesOrderRefused(RestError):
    """400 BadRequestError: the ledger refused the sales order write (SaveInvoices' text)."""


class SalesOrderNoLines(RestError):
    """400: invoicing a sales order without a line; the vendor's BadRequestError payload."""

    template = "No lines in the sales order"

    @property
    def payload(self) -> dict:
        return {"errors": [{"type": "NoLines", "message": self.text,
                            "arguments": ["lineItems"]}]}


class SalesOrderConflict(RestError):
    """409: deleting an invoiced sales order or a line of one (SaveInvoices' text)."""

    http_status, name = 409, "ConflictError"


class SalesOrderStatusNotServed(RestError):
    """A status of the vendor's enum the emulator's orders have no state for."""

    template = "status {status} is not served by tfso-mockserver (InvoiceService has no such state)"


class BankDateRange(InvalidQuery):
    """GET /v1/banktransactions: dateTo before dateFrom, or more than two years after it."""

    template = ("dateFrom {date_from} to dateTo {date_to}: the range must run forward and span "
                "at most two years")

    def __init__(self, date_from, date_to):
        VendorError.__init__(self, problems=[("dateTo", "range")], date_from=date_from,
                             date_to=date_to)


class InvalidProductLink(InvalidQuery):
    """PUT /v1/products/{id}/dimensions/{dimensionId} and .../salestypeOverrides/{salesTypeId}:
    every (path, keyword) problem of the JSON body."""

    template = "Invalid product {what}: {shown}"

    def __init__(self, problems: list[tuple[str, str]], what: str):
        shown = ", ".join(f"{p} ({k})" for p, k in problems)
        VendorError.__init__(self, problems=problems, shown=shown, what=what)


class InvalidFileUpload(InvalidQuery):
    """POST /v1/fileUpload: every (path, keyword) problem (a contentType no file type has)."""

    template = "Invalid file upload: {shown}"


class UploadUrlInvalid(RestError):
    """PUT on an upload URL whose client, file or key is not one POST /v1/fileUpload gave."""

    http_status, name = 403, "ForbiddenError"
    template = "The upload URL is not valid"


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



# --- a sales order's attachments (raised by ledger/orderattachments.py) -----------------------


class OrderAttachmentInvoiced(RestError):
    """POST /v1/salesorders/{id}/attachments on an invoiced order: the spec's 403 (its text)."""

    http_status, name = 403, "ForbiddenError"
    template = "Order is already invoiced, cannot add attachments"


class OrderAttachmentMediaType(RestError):
    """A Content-Type the spec's request body does not list (interpretation: 415)."""

    http_status, name = 415, "UnsupportedMediaTypeError"
    template = ("Content-Type {media_type} is not accepted for a sales order attachment; send "
                "application/pdf or image/png (or multipart/form-data with one such file)")


class OrderAttachmentEmpty(RestError):
    template = "The attachment is empty; send the file's bytes as the request body"


class OrderAttachmentNotOfType(RestError):
    template = "The body is not a file of type {media_type}"


class OrderAttachmentTooLarge(RestError):
    """The spec: "should be less than 4 MB" (interpretation: 413)."""

    http_status, name = 413, "PayloadTooLargeError"
    template = "An attachment is at most {limit} bytes (less than 4 MB); this one is {size} bytes"


class OrderAttachmentForm(RestError):
    """A multipart/form-data body without exactly one file part."""

    template = "A multipart/form-data body must carry exactly one file, not {count}"
