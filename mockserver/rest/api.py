"""The REST surface (SPEC R1-R7, A5): the vendor's OpenAPI v0.56.0 paths under ``/v1``, the
token endpoint and ``GET /v1/openapi.json``.

Thin: each resource module reads and checks its parameters, asks the ledger core, renders the
vendor's JSON. Every answer is JSON, errors included: OAuth's ``{error, error_description}`` on
the token endpoint, the vendor's ``{error: {name, ...}, trackingId}`` everywhere else
(``rest/errors.py``), never an HTML page. An operation of the vendor's document that is not
served answers 501 naming it (``unserved.py``), never an ambiguous 404.
"""

from __future__ import annotations

import json
import logging

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from .. import errors
from . import (
    accounting,
    bankaccounts,
    banking,
    customers,
    dimensions,
    documents,
    jsonout,
    oauth,
    openapi,
    organization,
    people,
    pricelists,
    productcategories,
    productlinks,
    products,
    sales,
    salesorderattachments,
    salesorderlines,
    salesorders,
    transactionlines,
    transactions,
    unserved,
    uploads,
)
from . import errors as rest_errors
from .context import RestContext
from .http import json_response
from .transactionlines import render_line, transaction_line

log = logging.getLogger("mockserver.rest")

#: the resource modules, each registering its routes; ``unserved`` last (it fills the gaps)
RESOURCES = (oauth, transactionlines, transactions, accounting, dimensions, sales, organization,
             customers, bankaccounts, products, productcategories, salesorders, salesorderlines,
             salesorderattachments,
             banking, documents, people, pricelists, productlinks, uploads, openapi, unserved)


def create_rest(server) -> Flask:
    app = Flask("mockserver.rest")
    # never a redirect: werkzeug answers "//" in a path with a 308 whose Location is built from
    # the Host header (an open redirect); a 404 in the vendor's shape instead
    app.url_map.merge_slashes = False  # no REST rule ends with "/": one more slash is a 404
    ctx = RestContext(server)

    @app.before_request
    def _start():
        request.environ["mockserver.meta"] = {"operation": None, "client_id": None}

    @app.errorhandler(errors.RestError)
    def _rest_error(err: errors.RestError):
        status, headers, body = rest_errors.render(err)
        return json_response(status, jsonout.dumps(body), headers)

    @app.errorhandler(errors.OAuthError)
    def _oauth_error(err: errors.OAuthError):
        status, headers, body = rest_errors.render_oauth(err)
        return json_response(status, json.dumps(body), headers)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        code = err.code or 500
        found: errors.RestError
        if code == 404:
            found = errors.NoResource(method=request.method, path=request.path)
        elif code == 405:
            found = errors.RestMethodNotAllowed(method=request.method, path=request.path)
        else:  # werkzeug's own name and description of the status
            found = errors.RestError(err.description or err.name)
            found.http_status, found.name = code, err.name.replace(" ", "") + "Error"
        status, headers, body = rest_errors.render(found)
        headers.update((k, v) for k, v in err.get_headers() if k.lower() == "allow")
        return json_response(status, jsonout.dumps(body), headers)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("REST error")
        status, headers, body = rest_errors.render(
            errors.RestInternalError(error=type(err).__name__))
        return json_response(status, jsonout.dumps(body), headers)

    for resource in RESOURCES:
        resource.register(app, ctx)
    return app


__all__ = ["create_rest", "render_line", "transaction_line"]
