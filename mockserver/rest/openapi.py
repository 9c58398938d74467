"""``GET /v1/openapi.json``: the OpenAPI document of what the emulator's REST surface serves.

Derived from the vendor's spec (``fixtures/vendor/rest.yaml``, v0.33.1): the two
``/transactionlines`` paths with their parameters and the component schemas they use are the
vendor's, verbatim (a contract test checks they still equal the vendor file). What differs, and
why, is listed in ``DEVIATIONS``: the emulator documents the error answers it gives, the bounds it
enforces and the token endpoint, which the vendor serves from its login host.
"""

from __future__ import annotations

import copy
import functools

from .. import __version__, errors
from ..ledger import interpretations as rules

VENDOR_VERSION = "0.33.1"
SCOPE = "api.accounting.transaction:read"

DEVIATIONS = (
    "Transactions: no minItems (a period without lines is answered with an empty list)",
    "limit and page: minimum 1 (0 or less is a 400 ValidationError)",
    "400, 401, 403, 404 and 429 answers are documented (the vendor documents only 200)",
    "the id path parameter has a GUID pattern besides format guid (another id is a 400)",
    "the Authorization header parameter is described by the tfso security scheme only "
    "(OpenAPI 3.0 ignores header parameters named Authorization)",
    "POST /oauth/token (the vendor serves it at https://login.24sevenoffice.com/oauth/token)",
)

_DESC_DATE_TO = (
    "The ending date (exclusive) until which transactions will be retrieved. If set to "
    "2024-01-01, the latest result will be retrieved before 23:59 on 2023-12-31."
)

# --- vendor components, verbatim ----------------------------------------------------------------

VENDOR_SCHEMAS = {
    "Account2": {
        "type": "object",
        "description": "Details of an account within the 24SevenOffice accounting module to which the transaction line is posted.",
        "properties": {
            "id": {"type": "integer", "description": "A unique identifier for the account within 24SevenOffice.", "example": 1000001},
            "number": {"type": "integer", "description": "The unique number within the organization's chart of accounts that indicates which type of account the account belongs to.", "example": 1900},
            "name": {"type": "string", "description": "The human-readable name that describes the purpose or nature of the account.", "example": "Cash, NOK"},
        },
    },
    "Tax": {
        "type": "object",
        "description": "Details of a tax used within 24SevenOffice.",
        "properties": {
            "id": {"type": "integer", "description": "A unique identifier for the tax within 24SevenOffice.", "example": 2001},
            "rate": {"type": "number", "description": "The tax rate applied to the transaction line.", "example": 25},
        },
    },
    "Voucher": {
        "type": "object",
        "description": "Details of the transaction within the 24SevenOffice accounting module to which the transaction line pertains.\n\nNote: Many other Norway-based accounting systems refer to transactions as \"vouchers\".\n",
        "properties": {
            "id": {"type": "string", "description": "A unique identifier for the transaction within 24SevenOffice accounting module.", "example": "123e4567-e89b-12d3-a456-426614174002"},
            "number": {"type": "integer", "description": "The unique number representing the transaction.", "example": 1010},
        },
    },
    "TransactionType": {
        "type": "object",
        "description": "Details of a transaction type used within the 24SevenOffice accounting module.",
        "properties": {
            "id": {"type": "integer", "description": "A unique identifier for the transaction type within 24SevenOffice accounting module.", "example": 5001},
        },
    },
    "Customer": {
        "type": "object",
        "description": "Details of a customer used within 24SevenOffice CRM.",
        "properties": {
            "id": {"type": "integer", "description": "A unique identifier for the customer within 24SevenOffice CRM.", "example": 6001},
        },
    },
    "Invoice": {
        "type": "object",
        "description": "Details of an invoice used within 24SevenOffice.",
        "properties": {
            "number": {"type": "string", "description": "The unique number representing the invoice.", "example": "INV-2024-001"},
            "dueDate": {"type": "string", "description": "The due date for the invoice.", "format": "date", "example": "2024-08-01"},
            "remittanceReference": {"type": "string", "description": "The remittance reference for the invoice.", "example": "OCR-123456789"},
        },
    },
    "Currency1": {
        "required": ["rate"],
        "type": "object",
        "description": "Details of the currency used within 24SevenOffice.",
        "properties": {
            "code": {"pattern": "^([A-Z]{3}|LOCAL)$", "type": "string", "format": "regex", "description": "The currency code used in the transaction line.", "example": "USD"},
            "rate": {"minimum": 0, "exclusiveMinimum": True, "type": "number", "description": "The exchange rate for the currency.", "example": 10},
        },
    },
    "Transactions": {
        "minItems": 1,
        "type": "array",
        "description": "A list of transaction lines.",
        "items": {"$ref": "#/components/schemas/Transaction"},
    },
    "Transaction": {
        "required": ["account", "amount", "date"],
        "type": "object",
        "description": "Information about a single transaction line.",
        "properties": {
            "id": {"type": "string", "description": "A unique identifier for the transaction line within 24SevenOffice accounting module.", "example": "123e4567-e89b-12d3-a456-426614174001"},
            "transaction": {"$ref": "#/components/schemas/Voucher"},
            "account": {"$ref": "#/components/schemas/Account2"},
            "transactionType": {"$ref": "#/components/schemas/TransactionType"},
            "tax": {"$ref": "#/components/schemas/Tax"},
            "amount": {"type": "number", "description": "The monetary amount for the transaction line.", "example": 1500},
            "currency": {"$ref": "#/components/schemas/Currency1"},
            "date": {"type": "string", "description": "The date when the transaction line was posted.", "format": "date", "example": "2022-07-01"},
            "invoice": {"$ref": "#/components/schemas/Invoice"},
            "customer": {"$ref": "#/components/schemas/Customer"},
            "dimensions": {
                "type": "array",
                "description": "A list of dimensions and dimension values associated with the transaction line, such as department or project. Included if `includeDimensions=true` is specified in the query parameters.",
                "items": {
                    "type": "object",
                    "required": ["dimensionType", "value", "name"],
                    "properties": {
                        "dimensionType": {"type": "integer", "description": "The type identifier for the dimension within 24SevenOffice ERP modules.", "example": 1},
                        "dimensionTypeName": {"type": "string", "description": "The human-readable name for the dimension type.", "example": "Project"},
                        "value": {"type": "string", "description": "The value (ie key) for the dimension.", "example": "13"},
                        "name": {"type": "string", "description": "The display name associated with the value of the dimension.", "example": "Project with ID 13"},
                    },
                    "additionalProperties": False,
                },
            },
            "comment": {"type": "string", "description": "A brief description of the transaction.", "maxLength": 75, "example": "Payment for services"},
            "createdAt": {"type": "string", "description": "A timestamp for when a record was created, in ISO 8601 format.", "format": "date-time", "example": "2022-01-01T18:00:00Z"},
            "modifiedAt": {"type": "string", "description": "A timestamp for when one of the properties of a record was last modified, in ISO 8601 format.", "format": "date-time", "example": "2023-12-31T18:00:00Z"},
        },
    },
    "Error": {
        "type": "object",
        "properties": {
            "error": {"type": "object", "properties": {"name": {"type": "string"}, "message": {"type": "string"}}},
            "trackingId": {"type": "string"},
        },
    },
    "ValidationError": {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "description": "Validation error details.",
                "properties": {
                    "name": {"type": "string", "description": "The name for the error.", "enum": ["ValidationError"], "default": "ValidationError"},
                    "payload": {
                        "type": "object",
                        "description": "The payload for the validation error.",
                        "properties": {
                            "validationErrors": {
                                "type": "array",
                                "description": "A list of validation errors.",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "path": {"type": "string", "description": "A path for the invalid field.", "example": "customer.name"},
                                        "keyword": {"type": "string", "description": "A validation keyword.", "example": "required"},
                                    },
                                },
                            },
                        },
                    },
                },
            },
            "trackingId": {"type": "string", "description": "A tracking identifier for the validation error.", "example": "def456"},
        },
    },
}

VENDOR_SECURITY_SCHEMES = {"tfso": {"type": "apiKey", "name": "Authorization", "in": "header"}}


def _q(name: str, schema: dict, description: str, required: bool = False) -> dict:
    p = {"name": name, "in": "query"}
    if required:
        p["required"] = True
    p["schema"] = schema
    p["description"] = description
    return p


#: The vendor's query parameters of GET /transactionlines, in its order.
VENDOR_LIST_PARAMETERS = [
    _q("dateFrom", {"type": "string", "format": "date"},
       "The starting date (inclusive) from which transactions will be retrieved.", True),
    _q("dateTo", {"type": "string", "format": "date"}, _DESC_DATE_TO, True),
    _q("transactionNumber", {"type": "number"}, "The unique number representing the transaction."),
    _q("transactionTypeId", {"type": "integer"}, "ID representing the type of transaction."),
    _q("customerId", {"type": "integer"}, "ID of the customer involved in the transaction."),
    _q("accountId", {"type": "integer"}, "ID of the account involved in the transaction."),
    _q("accountNumber", {"type": "integer"}, "The number of the account involved in the transaction."),
    _q("invoiceNumber", {"type": "string"}, "The invoice number associated with the transaction."),
    _q("currencyCode", {"type": "string"}, "The currency code used in the transaction.\n"),
    _q("limit", {"type": "integer", "default": 50}, "The maximum number of transactions to retrieve."),
    _q("includeDimensions", {"type": "boolean", "default": False},
       "Whether to include dimension information in the response."),
    _q("page", {"type": "integer", "default": 1}, "The page number of the results to retrieve."),
]

VENDOR_ID_PARAMETER = {
    "name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "guid"},
    "description": "The unique identifier for the transaction line.",
}

# --- the emulator's document ---------------------------------------------------------------------

GUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def _id_parameter() -> dict:
    p = copy.deepcopy(VENDOR_ID_PARAMETER)
    p["schema"]["pattern"] = GUID_PATTERN
    return p


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str, headers: dict | None = None) -> dict:
    out = {"description": description}
    if headers:
        out["headers"] = headers
    out["content"] = {"application/json": {"schema": schema}}
    return out


_TRACE = {"X-Trace-Id": {"schema": {"type": "string"}}}
_ERRORS = {
    "401": _json(_ref("Error"), "The access token is missing, invalid or expired."),
    "403": _json(_ref("Error"), errors.MissingScope(scope=SCOPE).text + "."),
    "429": _json(_ref("Error"), "Rate limit exceeded (see Retry-After)."),
}

OAUTH_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
}
TOKEN_REQUEST = {
    "type": "object",
    "required": ["grant_type", "client_id", "client_secret"],
    "properties": {
        "grant_type": {"type": "string", "enum": ["client_credentials"]},
        "client_id": {"type": "string"},
        "client_secret": {"type": "string"},
        "audience": {"type": "string", "example": rules.OAUTH_AUDIENCE},
        "login_organization": {"type": "string"},
        "scope": {"type": "string", "description": "Space-separated scopes; default: all granted."},
    },
}
TOKEN_RESPONSE = {
    "type": "object",
    "required": ["access_token", "expires_in", "token_type"],
    "properties": {
        "access_token": {"type": "string"},
        "expires_in": {"type": "integer"},
        "token_type": {"type": "string", "enum": ["Bearer"]},
        "scope": {"type": "string"},
    },
}


@functools.cache
def _document() -> dict:
    schemas = copy.deepcopy(VENDOR_SCHEMAS)
    del schemas["Transactions"]["minItems"]
    schemas["OAuthError"] = OAUTH_ERROR
    schemas["TokenRequest"] = TOKEN_REQUEST
    schemas["TokenResponse"] = TOKEN_RESPONSE
    params = copy.deepcopy(VENDOR_LIST_PARAMETERS)
    for p in params:
        if p["name"] in ("limit", "page"):
            p["schema"]["minimum"] = rules.REST_MIN_LIMIT
    security = [{"tfso": [SCOPE]}]
    list_200 = _json(_ref("Transactions"), "", {
        "link": {"description": 'The "link" header includes information on where to find `first`, `previous` and `next` page. Refer to https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Link',
                 "schema": {"type": "string"}},
        **_TRACE,
    })
    token_body = {"schema": _ref("TokenRequest")}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "24SevenOffice Public API (tfso-mockserver)",
            "version": VENDOR_VERSION,
            "description": (
                f"What tfso-mockserver {__version__} serves, derived from the vendor's OpenAPI "
                f"spec {VENDOR_VERSION}. Differences from the vendor spec: "
                + "; ".join(DEVIATIONS) + "."
            ),
        },
        "servers": [{"url": "/v1"}],
        "paths": {
            "/transactionlines": {
                "get": {
                    "summary": "Read transaction lines",
                    "description": "Read a list of transaction lines for a defined period, based on various filtering criteria.",
                    "operationId": "GetTransactionLines",
                    "tags": ["transactionLines"],
                    "security": security,
                    "parameters": params,
                    "responses": {
                        "200": list_200,
                        "400": _json(_ref("ValidationError"), "A query parameter is missing or malformed."),
                        **_ERRORS,
                    },
                },
            },
            "/transactionlines/{id}": {
                "parameters": [_id_parameter()],
                "get": {
                    "summary": "Read a transaction line by ID",
                    "description": "Read a single transaction line identified by its unique ID.",
                    "operationId": "GetTransactionLine",
                    "tags": ["transactionLines"],
                    "security": security,
                    "responses": {
                        "200": _json(_ref("Transaction"), "", dict(_TRACE)),
                        "400": _json(_ref("ValidationError"), "The id is not a GUID."),
                        **_ERRORS,
                        "404": _json(_ref("Error"), "No posted transaction line with this id."),
                    },
                },
            },
            "/oauth/token": {
                "servers": [{"url": "/"}],
                "post": {
                    "summary": "Get an access token (OAuth2 client credentials)",
                    "description": (
                        "The vendor serves this at https://login.24sevenoffice.com/oauth/token. "
                        "Form-encoded or JSON body."
                    ),
                    "operationId": "GetAccessToken",
                    "tags": ["oauth"],
                    "security": [],
                    "requestBody": {
                        "required": True,
                        "content": {"application/x-www-form-urlencoded": token_body,
                                    "application/json": copy.deepcopy(token_body)},
                    },
                    "responses": {
                        "200": _json(_ref("TokenResponse"), "An access token."),
                        "400": _json(_ref("OAuthError"), "invalid_request, unsupported_grant_type or invalid_scope."),
                        "401": _json(_ref("OAuthError"), "invalid_client."),
                        "403": _json(_ref("OAuthError"), "access_denied (unknown audience or organization)."),
                        "429": _json(_ref("Error"), "Rate limit exceeded (see Retry-After)."),
                    },
                },
            },
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": copy.deepcopy(VENDOR_SECURITY_SCHEMES),
        },
    }


def document() -> dict:
    """A fresh copy of the document (built once)."""
    return copy.deepcopy(_document())
