"""``GET /v1/openapi.json``: the OpenAPI document of what the emulator's REST surface serves.

Derived at run time from the vendor's OpenAPI v0.56.0 (``rest/vendor.py``): the operations the
emulator serves, with the vendor's parameters, schemas and security, verbatim apart from what
``DEVIATIONS`` lists (the error answers it gives, the bounds it enforces, the token endpoint,
which the vendor serves from its login host). Operations answered 501 are left out.
"""

from __future__ import annotations

import copy
import json

from flask import current_app

from .. import __version__
from ..ledger import interpretations as rules
from . import vendor
from .documents import MEDIA_TYPES
from .http import json_response
from .unserved import served

UPLOAD_TYPES = set(MEDIA_TYPES.values())

VENDOR_VERSION = vendor.VERSION

DEVIATIONS = (
    "Transactions: no minItems (a period without lines is answered with an empty list)",
    "limit and page of /transactionlines: minimum 1 (0 or less is a 400 ValidationError)",
    "400, 401, 403, 404, 415 and 429 answers are documented where they can happen (the vendor "
    "documents mostly 200)",
    "the id of /transactionlines/{id} has a GUID pattern besides format guid (another id is a 400)",
    "the Authorization header parameters are described by the tfso security scheme only "
    "(OpenAPI 3.0 ignores header parameters named Authorization)",
    "only application/json answers are described (the application/hal variant of "
    "/accountbalances is not served)",
    "the vendor's empty examples ({}) of createdFrom/createdAfter/modifiedFrom/modifiedAfter are "
    "left out (they are not date-times)",
    "createdFrom and modifiedFrom of /customers are an ISO 8601 date or date-time, as the vendor "
    "describes them (its schema says only string; another value is a 400)",
    "limit of /customers is an integer from 1 to 100 (the vendor: a number with maxLength 100); "
    "limit and page of /products at least 1; categoryIds and supplierIds of /products are "
    "comma-separated integers, as the vendor describes them",
    "continuationToken of /dimensions/{dimensionType}/elements is the offset its Link header's "
    "rel=\"next\" carries (digits; another value is a 400), and its limit is at least 1",
    "limit of /salesorders is an integer from 1 to 100 and its continuationToken the digits the "
    "emulator writes into the link header (the vendor: a number and any string; another value "
    "is a 400)",
    "productIds of /pricelists/{listId}/prices is a comma-separated list of integers and "
    "ranges (1..10), as the vendor describes it (another value is a 400)",
    "the documents' downloadUrl and page URLs are GET /v1/documents/{documentId}/content "
    "(?page=n), served to the same bearer token (not listed here)",
    "contentType of FileUploadRequest is one of the media types of AttachmentService's file "
    "types (another is a 400); the uploadUrl takes a PUT of the bytes (no bearer token)",
    "CustomerPostRequest has no discriminator (its mapping names the strings 'true' and 'false' "
    "for the boolean isCompany; the oneOf says the same)",
    "Line is LineWithoutId with the line's id (the vendor's allOf of the two refuses every "
    "line that has an id: LineWithoutId has additionalProperties false)",
    "GET /salesorders/{id}/lines answers every line of the order (the vendor names no paging "
    "parameter for it)",
    "POST /salesorders/{id}/attachments: its multipart/form-data body is an object with one "
    "binary file part (the vendor: a binary string), 413 above the spec's \"less than 4 MB\"; "
    "415 and 413 answers are documented",
    "POST /bankaccounts takes an optional balance (BankAccountBalanceRequestPost: the "
    "\"optional initial balance information\" its description names); it and POST "
    "/banktransactions answer 409 for a bank account number or bankTransactionReference the "
    "client has already",
    "a request body member set to null where the schema allows no null is read as the member "
    "left out (a PATCH leaves it unchanged); a write whose body is optional takes a request "
    "without one as {}",
    "POST /oauth/token (the vendor serves it at https://login.24sevenoffice.com/oauth/token)",
    "operations the emulator does not serve are left out (they answer 501)",
)

ATTACHMENT_POST = ("POST", "/salesorders/{id}/attachments")
#: writes that answer 409 for what must be unique (DEVIATIONS)
CONFLICTS = {("POST", "/bankaccounts"): "A bank account with this number exists already.",
             ("POST", "/banktransactions"): "The bankTransactionReference is taken."}
#: the multipart body of ATTACHMENT_POST: one file part (DEVIATIONS)
_FILE_PART = {"type": "object", "required": ["file"],
              "properties": {"file": {"type": "string", "format": "binary"}}}

_ISO_DAY_OR_TIME = {"anyOf": [{"type": "string", "format": "date"},
                              {"type": "string", "format": "date-time"}]}
_IDS = {"type": "string", "pattern": r"^\s*\d+\s*(,\s*\d+\s*)*$"}
#: the opaque continuationToken the emulator issues: an offset into the list (rest/paging.py)
_OFFSET = {"type": "string", "pattern": r"^[0-9]{1,9}$"}
#: (path, parameter) -> the schema served instead of the vendor's (DEVIATIONS says why)
PARAMETER_SCHEMAS = {
    ("/customers", "createdFrom"): _ISO_DAY_OR_TIME,
    ("/customers", "modifiedFrom"): _ISO_DAY_OR_TIME,
    ("/customers", "limit"): {"type": "integer", "format": "int32", "default": 25, "minimum": 1,
                              "maximum": 100},
    ("/products", "limit"): {"type": "integer", "format": "int32", "default": 25, "minimum": 1},
    ("/products", "page"): {"type": "integer", "format": "int32", "default": 1, "minimum": 1},
    ("/salesorders", "limit"): {"type": "integer", "format": "int32", "default": 25,
                                "minimum": 1, "maximum": 100},
    ("/salesorders", "continuationToken"): _OFFSET,
    ("/products", "categoryIds"): _IDS,
    ("/products", "supplierIds"): _IDS,
    ("/dimensions/{dimensionType}/elements", "limit"): {"type": "integer", "format": "int32",
                                                        "default": 100, "minimum": 1},
    ("/dimensions/{dimensionType}/elements", "continuationToken"): _OFFSET,
    ("/pricelists/{listId}/prices", "productIds"): {
        "type": "string", "pattern": r"^\s*\d+(\.\.\d+)?\s*(,\s*\d+(\.\.\d+)?\s*)*$"},
}

GUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


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
        "scope": {"type": "string",
                  "description": "Space-separated scopes; default: every read scope."},
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

_TOKEN_PATH = {
    "servers": [{"url": "/"}],
    "post": {
        "summary": "Get an access token (OAuth2 client credentials)",
        "description": ("The vendor serves this at https://login.24sevenoffice.com/oauth/token. "
                        "Form-encoded or JSON body."),
        "operationId": "GetAccessToken",
        "tags": ["oauth"],
        "security": [],
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": _ref("TokenRequest")},
                        "application/json": {"schema": _ref("TokenRequest")}},
        },
        "responses": {
            "200": _json(_ref("TokenResponse"), "An access token."),
            "400": _json(_ref("OAuthError"), "invalid_request, unsupported_grant_type or invalid_scope."),
            "401": _json(_ref("OAuthError"), "invalid_client."),
            "403": _json(_ref("OAuthError"), "access_denied (unknown audience or organization)."),
            "429": _json(_ref("Error"), "Rate limit exceeded (see Retry-After)."),
        },
    },
}


def _operation(method: str, path: str, op: dict, path_params: bool) -> dict:
    op = copy.deepcopy(op)
    params = [p for p in op.get("parameters", ())
              if not (p.get("in") == "header" and p.get("name") == "Authorization")]
    for p in params:
        if p.get("example") == {}:
            del p["example"]
        if path == "/transactionlines" and p["name"] in ("limit", "page"):
            p["schema"]["minimum"] = rules.REST_MIN_LIMIT
        if (path, p.get("name")) in PARAMETER_SCHEMAS:
            p["schema"] = copy.deepcopy(PARAMETER_SCHEMAS[(path, p["name"])])
    if params:
        op["parameters"] = params
    else:
        op.pop("parameters", None)
    responses = op.setdefault("responses", {})
    for answer in responses.values():
        content = answer.get("content")
        if content:
            answer["content"] = {k: v for k, v in content.items() if k == "application/json"}
    scopes = " ".join(sorted(vendor.required_scopes(method, path))) or "(none)"
    errors = {
        "400": _json(_ref("ValidationError"), "A parameter or the body is missing or malformed."),
        "401": _json(_ref("Error"), "The access token is missing, invalid or expired."),
        "403": _json(_ref("Error"), f"The access token lacks a scope of: {scopes}."),
        "429": _json(_ref("Error"), "Rate limit exceeded (see Retry-After)."),
    }
    if path_params:
        errors["404"] = _json(_ref("Error"), "Nothing with this id.")
    if "requestBody" in op:
        errors["400"] = _json({"anyOf": [_ref("ValidationError"), _ref("Error")]},
                              "The body is malformed, or the ledger refused it (nothing booked).")
        errors["415"] = _json(_ref("Error"), "The body is not application/json.")
    if (method, path) == ATTACHMENT_POST:
        op["requestBody"]["content"]["multipart/form-data"]["schema"] = _FILE_PART
        errors["400"] = _json(_ref("Error"), "The file is empty or not of its Content-Type.")
        errors["413"] = _json(_ref("Error"), "The file is 4 MB or more.")
        errors["415"] = _json(_ref("Error"), "The Content-Type is not application/pdf, "
                                             "image/png or multipart/form-data.")
    if (method, path) in CONFLICTS:
        errors["409"] = _json(_ref("Error"), CONFLICTS[(method, path)])
    for status, answer in errors.items():
        if status not in responses or "content" not in responses[status]:
            responses[status] = {**responses.get(status, {}), **answer}
    return op


def build(served: set[tuple[str, str]]) -> dict:
    doc = vendor.document()
    paths: dict = {}
    for path, item in doc["paths"].items():
        kept = {m: op for m, op in item.items()
                if m in vendor.METHODS and (m.upper(), path) in served}
        if not kept:
            continue
        out: dict = {}
        shared = [p for p in item.get("parameters", ())]
        if path == "/transactionlines/{id}":
            for p in shared:
                if p["name"] == "id":
                    p["schema"]["pattern"] = GUID_PATTERN
        for p in shared:  # parameters declared on the path item, for every method
            if (path, p.get("name")) in PARAMETER_SCHEMAS:
                p["schema"] = copy.deepcopy(PARAMETER_SCHEMAS[(path, p["name"])])
        if shared:
            out["parameters"] = shared
        path_params = "{" in path
        for m, op in kept.items():
            out[m] = _operation(m.upper(), path, op, path_params)
        paths[path] = out
    paths["/oauth/token"] = copy.deepcopy(_TOKEN_PATH)
    schemas = doc["components"]["schemas"]
    del schemas["Transactions"]["minItems"]
    schemas["CustomerPostRequest"].pop("discriminator", None)
    line = copy.deepcopy(schemas["LineWithoutId"])  # with its id, as one object (DEVIATIONS)
    line["properties"] = {**schemas["Line"]["allOf"][0]["properties"], **line["properties"]}
    schemas["Line"] = line
    schemas["FileUploadRequest"]["properties"]["contentType"]["enum"] = sorted(UPLOAD_TYPES)
    schemas["BankAccountRequestPost"]["properties"] = {
        "balance": _ref("BankAccountBalanceRequestPost")}
    schemas.update({"OAuthError": OAUTH_ERROR, "TokenRequest": TOKEN_REQUEST,
                    "TokenResponse": TOKEN_RESPONSE})
    return {
        "openapi": doc["openapi"],
        "info": {
            "title": f"{doc['info']['title']} (tfso-mockserver)",
            "version": VENDOR_VERSION,
            "description": (
                f"What tfso-mockserver {__version__} serves, derived from the vendor's OpenAPI "
                f"spec {VENDOR_VERSION}. Differences from the vendor spec: "
                + "; ".join(DEVIATIONS) + "."
            ),
        },
        "servers": [{"url": "/v1"}],
        "paths": paths,
        "components": doc["components"],
    }


def register(app, ctx) -> None:
    cache: dict[str, str] = {}

    @app.get("/v1/openapi.json")
    def openapi_document():
        ctx.meta(operation="OpenAPI")
        if "text" not in cache:
            cache["text"] = json.dumps(build(served(current_app)))
        return json_response(200, cache["text"])
