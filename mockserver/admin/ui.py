"""The dashboard under ``/__admin/ui``: what an integration booked, as pages for people.

Server-rendered (Jinja2 templates in ``templates/``, a stylesheet and a small script in
``static/``; no build step, nothing from a CDN). Pages only read: through the ledger's views
(``ledger/views.py``), the request journal, the rate limiter, the clock and the fault book, as
the control API does. Every change (approve the journal, move the clock, clear a fault or the
rate-limit counters) is made by the page's script calling the control API's own JSON endpoints
with ``fetch``, so the control API's rules apply to it unchanged.

Authentication: when the emulator has a control token, API callers send it as a bearer token; a
browser cannot add that header to a page it navigates to, so the pages (GET only) also accept
HTTP Basic with the token as the password (any user name), which browsers ask for themselves.
The pages hand the token to their script (``<meta name="tfso-admin-token">``), which sends it as a
bearer token: a state-changing call is never authorized by credentials the browser adds on its
own, so another site cannot ride on them.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import overload

from flask import Blueprint, Response, abort, render_template, request

from .. import __version__, errors
from ..codec_utils import iso_utc
from ..control.ratelimit import client_key
from ..journal import CriteriaError
from ..ledger import queries, views
from . import documents

PREFIX = "/__admin/ui"
STATIC = PREFIX + "/static/"
_HERE = Path(__file__).resolve().parent
#: Request-journal entries one page shows (the newest); the live update adds to them.
JOURNAL_ROWS = 200
VOUCHERS_PER_PAGE = 50
DRAFTS_SHOWN = 100
STATUS_CLASSES = {"2xx": 2, "3xx": 3, "4xx": 4, "5xx": 5}
REALM = 'Basic realm="tfso-mock dashboard", charset="UTF-8"'


# --- authentication (called by the control API's guard) ---------------------------------------


def is_page(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def lets_in(req, token: str) -> bool:
    """A page request without a bearer token: static files (no data in them) always; a page
    (GET or HEAD) with HTTP Basic credentials whose password is the control token."""
    if not is_page(req.path) or req.method not in ("GET", "HEAD"):
        return False
    if req.path.startswith(STATIC):
        return True
    header = req.headers.get("Authorization", "")
    if header[:6].lower() != "basic ":
        return False
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    password = decoded.partition(":")[2]
    return hmac.compare_digest(password.encode(), token.encode())


def challenge() -> Response:
    """401 for a page without credentials: the browser asks for them (user name: anything,
    password: the control token ``tfso-mock serve`` printed)."""
    text = ("The dashboard needs the control token: sign in with any user name and the "
            "control token as the password.\n")
    return Response(text, 401, {"WWW-Authenticate": REALM, "Cache-Control": "no-store",
                                "Content-Type": "text/plain; charset=utf-8"})


# --- formatting -------------------------------------------------------------------------------


def norwegian(amount: Decimal | None) -> str:
    """1 234 567,50: a no-break space between thousands, a decimal comma, two decimals."""
    if amount is None:
        return ""
    text = f"{amount:,.2f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def raw(amount: Decimal) -> str:
    """The amount as stored, e.g. -1250.00 (what a client sent, findable as text)."""
    return f"{amount:f}"


_FilterError = errors.FilterError


def _date_arg(name: str, label: str) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise errors.FilterNotADate(label=label, value=value) from None


@overload
def _int_arg(name: str, label: str, default: int, low: int = 0) -> int: ...
@overload
def _int_arg(name: str, label: str, default: None = None, low: int = 0) -> int | None: ...
def _int_arg(name: str, label: str, default: int | None = None, low: int = 0) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or len(value) > 10 or int(value) < low:
        raise errors.FilterNotAWholeNumber(label=label, value=value)
    return int(value)


# --- the blueprint ----------------------------------------------------------------------------


def create_ui(server) -> Blueprint:
    bp = Blueprint("ui", __name__, template_folder=str(_HERE / "templates"),
                   static_folder=str(_HERE / "static"), static_url_path="/static",
                   url_prefix=PREFIX)
    ledger = server.ledger

    @bp.after_request
    def _headers(resp: Response) -> Response:
        if not request.path.startswith(STATIC):
            resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        return resp

    def _missing(what: str):
        """The dashboard's not-found page: HTML for the browser, never the control API's JSON."""
        return _page("error.html", 404, title="Not found",
                     message=f"There is no {what} at {request.path}.")

    @bp.errorhandler(404)
    def _not_found(err):
        return _missing("client" if request.path.startswith(PREFIX + "/clients/") else "page")

    @bp.app_template_filter("nok")
    def _nok(value):
        return norwegian(value)

    @bp.app_template_filter("raw")
    def _raw(value):
        return raw(value)

    def _page(template: str, status: int = 200, **context):
        body = render_template(template, version=__version__,
                               admin_token=server.settings.admin_token, **context)
        return Response(body, status, content_type="text/html; charset=utf-8")

    def _book_or_404(client_id: int) -> None:
        if client_id not in ledger.books:
            abort(404)

    def _clock(client_id: int) -> dict:
        state = server.clock.describe(client_id)
        return {**state, "now_text": iso_utc(state["now"])}

    def _rate(client_id: int) -> dict:
        with server.clock.scope(client_id):
            usage = server.limiter.usage(client_key(client_id))
        return {**usage, "own": server.limiter.client_settings(client_id)}

    def _blocked(client_id: int, info: dict) -> bool:
        for ident in info.get("identities", ()):
            if ident.get("client_id") == client_id:
                return bool(ident.get("blocked"))
        return bool(info.get("blocked"))

    def _requests(client_id: int, what: str, status: str, after: int | None = None) -> list[dict]:
        """The client's journal entries, newest first, filtered by operation (or a REST path,
        when it starts with /) and by status (a code or a class such as 4xx)."""
        criteria: dict = {"client_id": client_id}
        if what:
            criteria["path" if what.startswith("/") else "operation"] = what
        if after is not None:
            criteria["after"] = after
        status_class = STATUS_CLASSES.get(status.lower())
        if status and status_class is None:
            criteria["status"] = status
        limit = None if status_class else JOURNAL_ROWS
        entries = server.journal.entries(limit=limit, **criteria)
        if status_class:
            entries = [e for e in entries if e.get("status") and e["status"] // 100 == status_class]
            entries = entries[-JOURNAL_ROWS:]
        entries.reverse()
        return entries

    @bp.get("")
    @bp.get("/")
    def clients():
        rows = []
        for client_id in sorted(ledger.credentials):
            if client_id not in ledger.books:
                continue
            info = ledger.credentials[client_id]
            rows.append({**views.client_summary(ledger, client_id),
                         "username": info.get("username"),
                         "blocked": _blocked(client_id, info),
                         "rate": _rate(client_id), "clock": _clock(client_id)})
        return _page("clients.html", clients=rows,
                     emulator_clock={**server.clock.describe(None)})

    @bp.get("/clients/<int:client_id>")
    def client(client_id: int):
        _book_or_404(client_id)
        info = ledger.credentials.get(client_id, {})
        status, error = 200, None
        filters = {k: request.args.get(k, "").strip()
                   for k in ("from", "to", "account", "operation", "status")}
        page = None
        try:
            start = _date_arg("from", "From date")
            end = _date_arg("to", "To date")
            account = _int_arg("account", "Account", low=1)
            number = _int_arg("page", "Page", 1, low=1)
            if filters["status"] and filters["status"].lower() not in STATUS_CLASSES:
                _int_arg("status", "Status", low=100)
            page = views.ledger_vouchers(ledger, client_id, start, end, account,
                                         offset=(number - 1) * VOUCHERS_PER_PAGE,
                                         limit=VOUCHERS_PER_PAGE)
            entries = _requests(client_id, filters["operation"], filters["status"])
        except (_FilterError, CriteriaError) as err:
            status, error, entries, number = 400, str(err), [], 1
        drafts, draft_count = views.journal_vouchers(ledger, client_id, DRAFTS_SHOWN)
        book = ledger.book(client_id)
        years, account_names, customers = ledger.query(lambda: (
            queries.fiscal_years(book),
            {a.account_no: a.name for a in book.accounts.values()},
            {c.customer_id: c.name for c in book.customers.values()}))
        faults = [f for f in server.faults.list()
                  if f.get("client_id") in (None, client_id)]
        return _page(
            "client.html", status, client_id=client_id, name=book.name, info=info,
            blocked=_blocked(client_id, info), error=error, filters=filters,
            page=page, page_number=number, drafts=drafts, draft_count=draft_count,
            entries=entries, years=years, series=views.entry_series(ledger, client_id),
            rate=_rate(client_id), clock=_clock(client_id), faults=faults,
            oauth=views.oauth_application(ledger, client_id),
            accounts=sorted(account_names.items()), customers=customers,
            orders=[{**o, "currency": documents.order_currency(o)} for o in ledger.orders(book)],
            files=[documents.file_json(f) for f in ledger.files(book, saved_only=False)],
            operations=sorted({e["operation"] for e in server.journal.entries(
                limit=JOURNAL_ROWS, client_id=client_id) if e.get("operation")}))

    @bp.get("/<path:rest>")
    def no_page(rest: str):
        """A page path no view has (``/clients/abc``, a typo): the dashboard's own not-found
        page for the browser, not the control API's JSON."""
        return _missing("page")

    @bp.get("/clients/<int:client_id>/requests")
    def client_requests(client_id: int):
        """Rows of the request journal newer than ``after`` (the page's live update)."""
        _book_or_404(client_id)
        try:
            after = _int_arg("after", "after")
            entries = _requests(client_id, request.args.get("operation", "").strip(),
                                request.args.get("status", "").strip(), after)
        except (_FilterError, CriteriaError) as err:
            return Response(str(err), 400, content_type="text/plain; charset=utf-8")
        return _page("requests_rows.html", entries=entries)

    return bp
