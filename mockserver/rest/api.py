"""The REST surface (SPEC R1-R4, A5): ``POST /oauth/token``, ``GET /v1/transactionlines``,
``GET /v1/transactionlines/{id}`` and ``GET /v1/openapi.json``.

Thin: read and check parameters, ask ``ledger/queries.py`` (tokens: ``ledger/tokens.py``),
render the vendor's JSON. Every answer is JSON, errors included: OAuth's ``{error,
error_description}`` on the token endpoint, the vendor's ``{error: {name, ...}, trackingId}``
everywhere else (``rest/errors.py``), never an HTML page.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from .. import errors
from ..codec_utils import basic_credentials, iso_utc, read_json
from ..ledger import interpretations as rules
from ..ledger import queries
from ..ledger.tokens import AccessToken
from . import errors as rest_errors
from . import jsonout, openapi
from .linecache import RenderedLines

log = logging.getLogger("mockserver.rest")

SCOPE_READ = openapi.SCOPE
_GUID_RE = re.compile(openapi.GUID_PATTERN)
# ASCII digits only (a bare \d takes '２' or '١' too), and \Z: $ lets a trailing newline in.
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z", re.ASCII)
_INT_RE = re.compile(r"^[+-]?\d+\Z", re.ASCII)
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z", re.ASCII)
_TOKEN_FIELDS = ("grant_type", "client_id", "client_secret", "audience", "login_organization",
                 "scope")
_BOOLS = {"true": True, "false": False, "1": True, "0": False}


def _json_response(status: int, text: str, headers: dict | None = None) -> Response:
    resp = Response(text, status=status, content_type="application/json; charset=utf-8")
    resp.headers["X-Trace-Id"] = uuid.uuid4().hex
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


# --- query parameters ---------------------------------------------------------------------------


class _Query:
    """Reads query parameters, collecting every (path, keyword) problem before answering."""

    def __init__(self, args):
        self.args = args
        self.problems: list[tuple[str, str]] = []

    def raw(self, name: str) -> str | None:
        return self.args.get(name)

    def date(self, name: str) -> date | None:
        text = self.raw(name)
        if text is None:
            self.problems.append((name, "required"))
            return None
        try:
            if not _DATE_RE.match(text):
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            self.problems.append((name, "format"))
            return None

    def integer(self, name: str, default: int | None = None, minimum: int | None = None):
        text = self.raw(name)
        if text is None:
            return default
        try:
            if not _INT_RE.match(text.strip()):
                raise ValueError
            value = int(text)
        except ValueError:  # not an integer, or too many digits for int() (4300)
            self.problems.append((name, "type"))
            return default
        if minimum is not None and value < minimum:
            self.problems.append((name, "minimum"))
            return default
        return value

    def number(self, name: str) -> Decimal | None:
        text = self.raw(name)
        if text is None:
            return None
        try:
            if not _NUMBER_RE.match(text.strip()):
                raise InvalidOperation
            return Decimal(text.strip())
        except InvalidOperation:
            self.problems.append((name, "type"))
            return None

    def boolean(self, name: str, default: bool) -> bool:
        text = self.raw(name)
        if text is None:
            return default
        value = _BOOLS.get(text.strip().lower())
        if value is None:
            self.problems.append((name, "type"))
            return default
        return value

    def check(self) -> None:
        if self.problems:
            raise errors.InvalidQuery(self.problems)


_LINKS: dict[tuple, str] = {}
#: what ``request.base_url`` and ``request.args`` are made of
_LINK_KEY = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME",
             "PATH_INFO", "QUERY_STRING")


def _link_header(page: int, more: bool) -> str:
    """RFC 8288: first, previous (after page 1) and next (when there is more). The same page of
    the same query is asked for again and again: its header is kept (a few hundred at most)."""
    env = request.environ
    key = tuple(env.get(k) for k in _LINK_KEY) + (page, more)
    found = _LINKS.get(key)
    if found is None:
        if len(_LINKS) >= 512:
            _LINKS.clear()
        found = _LINKS[key] = _build_link_header(page, more)
    return found


def _build_link_header(page: int, more: bool) -> str:
    base = request.base_url
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]

    def url(n: int) -> str:
        return f"{base}?{urlencode(pairs + [('page', str(n))])}"

    links = [f'<{url(1)}>; rel="first"']
    if page > 1:
        links.append(f'<{url(page - 1)}>; rel="previous"')
    if more:
        links.append(f'<{url(page + 1)}>; rel="next"')
    return ", ".join(links)


# --- rendering ------------------------------------------------------------------------------------


def _drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


def transaction_line(r: queries.TransactionRow, dimensions: bool) -> dict:
    """One item of ``components/schemas/Transaction``, in the schema's property order."""
    item: dict = {
        "id": str(r.line_id),
        "transaction": {"id": str(r.voucher_id), "number": r.transaction_no},
        "account": _drop_none({"id": r.account_id, "number": r.account_no, "name": r.account_name}),
        "transactionType": {"id": r.type_id},
    }
    if r.tax_id is not None:
        item["tax"] = {"id": r.tax_id, "rate": r.tax_rate}
    item["amount"] = r.amount
    if r.currency_ok:
        item["currency"] = {"code": r.currency, "rate": r.currency_rate}
    elif r.currency_rate > 0:
        item["currency"] = {"rate": r.currency_rate}
    item["date"] = r.date.isoformat()
    invoice = _drop_none({
        "number": r.invoice_no or None,
        "dueDate": r.due_date.isoformat() if r.due_date else None,
        "remittanceReference": r.ocr or None,
    })
    if invoice:
        item["invoice"] = invoice
    if r.customer_id:
        item["customer"] = {"id": r.customer_id}
    if dimensions:
        item["dimensions"] = [
            {"dimensionType": d.type_id, "dimensionTypeName": d.type_name, "value": d.value,
             "name": d.name}
            for d in r.dimensions
        ]
    if r.comment:
        item["comment"] = r.comment[: rules.COMMENT_MAX]
    if r.created_at is not None:
        item["createdAt"] = iso_utc(r.created_at)
    if r.modified_at is not None:
        item["modifiedAt"] = iso_utc(r.modified_at)
    return item


# --- the app --------------------------------------------------------------------------------------


def render_line(book, line, dimensions: bool) -> str:
    """One ledger line as the JSON text of a ``Transaction`` item."""
    return jsonout.dumps(transaction_line(queries.rows(book, [line])[0], dimensions))


def create_rest(server) -> Flask:
    app = Flask("mockserver.rest")
    # never a redirect: werkzeug answers "//" in a path with a 308 whose Location is built from
    # the Host header (an open redirect); a 404 in the vendor's shape instead
    app.url_map.merge_slashes = False  # no REST rule ends with "/": one more slash is a 404
    ledger = server.ledger
    clock = server.clock
    rendered = RenderedLines(render_line)
    app.extensions["rendered_lines"] = rendered

    def clock_scope(client_id: int | None):
        """Read the clock as that client sees it, where the clock has per-client time."""
        scope = getattr(clock, "scope", None)
        return scope(client_id) if scope is not None else contextlib.nullcontext()

    def meta(**values) -> None:
        request.environ.setdefault("mockserver.meta", {}).update(values)

    def authenticate() -> AccessToken:
        """A5: a live bearer token with the read scope, or 401/403 in the vendor shape."""
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.strip().partition(" ")
        if not header.strip():
            raise errors.MissingAuthorization()
        if scheme.lower() != "bearer" or not value.strip():
            raise errors.NotBearer()
        found = ledger.tokens.lookup(value.strip())
        if found is None:  # never issued, or expired and swept
            _, why = ledger.tokens.validate(value.strip(), clock.now())
            raise why or errors.InvalidToken()
        with clock_scope(found.client_id):
            token, why = ledger.tokens.validate(found.token, clock.now())
        if token is None or token.client_id not in ledger.books:
            raise why or errors.InvalidToken()
        meta(client_id=token.client_id)
        if SCOPE_READ not in token.scopes:
            raise errors.MissingScope(scope=SCOPE_READ)
        return token

    @app.before_request
    def _start():
        request.environ["mockserver.meta"] = {"operation": None, "client_id": None}

    # --- errors: always JSON ----------------------------------------------------------------

    @app.errorhandler(errors.RestError)
    def _rest_error(err: errors.RestError):
        status, headers, body = rest_errors.render(err)
        return _json_response(status, jsonout.dumps(body), headers)

    @app.errorhandler(errors.OAuthError)
    def _oauth_error(err: errors.OAuthError):
        status, headers, body = rest_errors.render_oauth(err)
        return _json_response(status, json.dumps(body), headers)

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
        return _json_response(status, jsonout.dumps(body), headers)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("REST error")
        status, headers, body = rest_errors.render(
            errors.RestInternalError(error=type(err).__name__))
        return _json_response(status, jsonout.dumps(body), headers)

    # --- OAuth2 ------------------------------------------------------------------------------

    def token_fields() -> dict:
        """Form-encoded or JSON body (public clients send both), plus HTTP Basic client auth."""
        raw = request.get_data(cache=True)
        if request.mimetype == "application/json" or raw.lstrip()[:1] == b"{":
            try:
                body = read_json(raw)
            except errors.MalformedJson as err:
                raise errors.BadTokenRequest(detail=err.text) from None
            if not isinstance(body, dict):
                raise errors.NotAnObject()
            fields = body
        else:
            fields = request.form.to_dict()
        for name in _TOKEN_FIELDS:
            value = fields.get(name)
            if value is not None and not isinstance(value, str):
                raise errors.NotAString(field=name)
        auth = request.headers.get("Authorization", "")
        try:
            basic = basic_credentials(auth)
        except ValueError:
            raise errors.MalformedBasic() from None
        if basic is not None:
            fields.setdefault("client_id", basic[0])
            fields.setdefault("client_secret", basic[1])
        return fields

    @app.post("/oauth/token")
    def oauth_token():
        meta(operation="Token")
        f = token_fields()
        application = ledger.tokens.applications.get(f.get("client_id") or "")
        with clock_scope(application.ledger_client_id if application else None):
            now = clock.now()
        try:
            token = ledger.tokens.issue(
                grant_type=f.get("grant_type"), client_id=f.get("client_id"),
                client_secret=f.get("client_secret"), audience=f.get("audience"),
                organization=f.get("login_organization"), scope=f.get("scope"), now=now,
            )
        except errors.LimitReached as err:  # OAuth's temporarily_unavailable, 503
            raise errors.OAuthError(err.http_status, err.oauth_error, err.text) from None
        meta(client_id=token.client_id)
        body = {"access_token": token.token, "expires_in": token.expires_in,
                "token_type": "Bearer", "scope": token.scope}
        return _json_response(200, json.dumps(body),
                              {"Cache-Control": "no-store", "Pragma": "no-cache"})

    # --- transaction lines -------------------------------------------------------------------

    @app.get("/v1/transactionlines")
    def transaction_lines():
        meta(operation="GetTransactionLines")
        token = authenticate()
        q = _Query(request.args)
        date_from, date_to = q.date("dateFrom"), q.date("dateTo")
        filt = dict(
            transaction_no=q.number("transactionNumber"),
            type_id=q.integer("transactionTypeId"),
            customer_id=q.integer("customerId"),
            account_id=q.integer("accountId"),
            account_no=q.integer("accountNumber"),
            invoice_no=q.raw("invoiceNumber"),
            currency=q.raw("currencyCode"),
        )
        limit = q.integer("limit", 50, minimum=rules.REST_MIN_LIMIT)
        page = q.integer("page", 1, minimum=1)
        dimensions = q.boolean("includeDimensions", False)
        q.check()
        book = ledger.book(token.client_id)
        wanted = queries.LineFilter(date_from=date_from, date_to=date_to, **filt)
        def page_of_lines():
            lines, more = queries.find_lines(book, wanted, limit, page)
            return rendered.array(book, lines, dimensions), more

        body, more = ledger.query(page_of_lines)
        return _json_response(200, body, {"link": _link_header(page, more)})

    @app.get("/v1/transactionlines/<line_id>")
    def transaction_line_by_id(line_id: str):
        meta(operation="GetTransactionLine")
        token = authenticate()
        if not _GUID_RE.match(line_id):
            raise errors.InvalidLineId() from None
        wanted = uuid.UUID(line_id)
        q = _Query(request.args)
        dimensions = q.boolean("includeDimensions", False)
        q.check()
        book = ledger.book(token.client_id)
        def the_line():
            line = queries.posted_line(book, wanted)
            return rendered.text(book, line, dimensions) if line is not None else None

        body = ledger.query(the_line)
        if body is None:
            raise errors.LineNotFound(line_id=line_id)
        return _json_response(200, body)

    @app.get("/v1/openapi.json")
    def openapi_document():
        meta(operation="OpenAPI")
        return _json_response(200, json.dumps(openapi.document()))

    return app


__all__ = ["create_rest", "transaction_line"]
