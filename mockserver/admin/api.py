"""The control API under /__admin/ (SPEC C): the emulator's own, never the vendor's.

Health and reset; isolated clients (from a scenario) and their set-up (fiscal years, entry series,
blocked identities, rate limits); journals and ledgers; the request journal with verification;
fault injection; the clock. Switched off with ``--no-admin``; behind a bearer token when the
emulator listens beyond loopback (``tfso-mock serve`` makes one up when none is given).
"""

from __future__ import annotations

import hmac
import math
from decimal import Decimal, InvalidOperation

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from .. import __version__
from ..clock import ClockRangeError
from ..codec_utils import iso_utc, read_json
from ..control import faults as fault_specs
from ..control.ratelimit import KEEP, client_key
from ..errors import MalformedJson
from ..journal import CriteriaError, parse_time
from ..ledger import scenario as scenarios
from ..ledger.core import ClientOptions
from . import ui


class AdminError(Exception):
    def __init__(self, status: int, message: str, name: str = "ValidationError"):
        super().__init__(message)
        self.status, self.message, self.name = status, message, name


def error_json(name: str, message: str) -> dict:
    """The control API's error shape (its one place; the front door uses it too)."""
    return {"error": {"name": name, "message": message}}


def _error(status: int, name: str, message: str):
    resp = jsonify(error_json(name, message))
    resp.status_code = status
    return resp


CLIENT_FIELDS = ("name", "fiscal_years", "blocked", "identities", "vat_base_rate", "username",
                 "password", "scenario", "rate_limit", "burst_limit")


#: Ids, numbers and limits the control API accepts are .NET Int32s, as on the wire.
INT32_MAX = 2**31 - 1


def _whole(value, low: int = 0, high: int = INT32_MAX) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _years(value) -> bool:
    return isinstance(value, list) and all(_whole(y, 1900, 9998) for y in value)


def _limit(body: dict, key: str, allow_null: bool = False):
    if key not in body:
        return KEEP
    value = body[key]
    if value is None and allow_null:
        return None
    if not _whole(value):
        null = " (or null for the emulator's default)" if allow_null else ""
        raise AdminError(400, f"{key} must be a whole number, 0 or more{null}")
    return value


def _identities(identities) -> list[dict]:
    """Extra identities of a new client: [{"name": "...", "blocked": false, "fiscal_years": [2024]}]."""
    shape = 'identities must be a list of objects like {"name": "...", "blocked": false}'
    if not isinstance(identities, list) or not all(isinstance(i, dict) for i in identities):
        raise AdminError(400, shape)
    for i, ident in enumerate(identities):
        unknown = sorted(set(ident) - {"name", "blocked", "fiscal_years"})
        if unknown:
            raise AdminError(400, f"identities[{i}]: unknown field(s) {', '.join(unknown)}; "
                                  "known: name, blocked, fiscal_years")
        if ident.get("name") is not None and not isinstance(ident["name"], str):
            raise AdminError(400, f"identities[{i}].name must be a string")
        if ident.get("blocked") is not None and not isinstance(ident["blocked"], bool):
            raise AdminError(400, f"identities[{i}].blocked must be true or false")
        if ident.get("fiscal_years") is not None and not _years(ident["fiscal_years"]):
            raise AdminError(400, f"identities[{i}].fiscal_years must be a list of years, e.g. [2024]")
    return [{k: v for k, v in ident.items() if v is not None} for ident in identities]


def client_overrides(body: dict) -> dict:
    """The explicit fields of a JSON body of POST /__admin/clients, checked field by field."""
    if not isinstance(body, dict):
        raise AdminError(400, "The body must be a JSON object")
    unknown = sorted(set(body) - set(CLIENT_FIELDS))
    if unknown:
        raise AdminError(400, f"Unknown field(s): {', '.join(unknown)}; known: {', '.join(CLIENT_FIELDS)}")
    out: dict = {}
    years = body.get("fiscal_years")
    if years is not None:
        if not _years(years):
            raise AdminError(400, "fiscal_years must be a list of years, e.g. [2024]")
        out["fiscal_years"] = years
    if "blocked" in body:
        if not isinstance(body["blocked"], bool):
            raise AdminError(400, "blocked must be true or false")
        out["blocked"] = body["blocked"]
    if "identities" in body:
        out["extra_identities"] = _identities(body["identities"])
    if body.get("vat_base_rate") is not None:
        raw = body["vat_base_rate"]
        try:
            base_rate = Decimal(repr(raw) if isinstance(raw, float) else str(raw))
        except InvalidOperation:
            raise AdminError(400, "vat_base_rate must be a number from 0 to 100") from None
        if isinstance(raw, bool) or not base_rate.is_finite() or not 0 <= base_rate <= 100:
            raise AdminError(400, "vat_base_rate must be a number from 0 to 100")
        out["vat_base_rate"] = base_rate
    for key in ("name", "username", "password"):
        if key in body:
            if not isinstance(body[key], str):
                raise AdminError(400, f"{key} must be a string")
            out[key] = body[key]
    return out


def client_options(body: dict) -> ClientOptions:
    """ClientOptions from a JSON body without a scenario (kept for callers of the old API)."""
    return ClientOptions(**client_overrides(body))


def create_admin(server) -> Flask:
    app = Flask("mockserver.admin")
    app.json.sort_keys = False
    ledger = server.ledger

    @app.before_request
    def _guard():
        token = server.settings.admin_token
        if token:
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()) \
                    and not ui.lets_in(request, token):
                if ui.is_page(request.path):
                    return ui.challenge()
                return _error(401, "Unauthorized", "The control API needs 'Authorization: Bearer <admin token>'")
        return None

    @app.errorhandler(AdminError)
    def _admin_error(err: AdminError):
        return _error(err.status, err.name, err.message)

    @app.errorhandler(scenarios.ScenarioError)
    def _scenario_error(err: scenarios.ScenarioError):
        return _error(400, "ScenarioError", str(err))

    @app.errorhandler(CriteriaError)
    def _criteria_error(err: CriteriaError):
        return _error(400, "ValidationError", str(err))

    @app.errorhandler(fault_specs.FaultSpecError)
    def _fault_error(err: fault_specs.FaultSpecError):
        return _error(400, "ValidationError", str(err))

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        return _error(err.code or 500, err.name.replace(" ", ""), err.description or err.name)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        app.logger.exception("control API error")
        return _error(500, "InternalError", f"{type(err).__name__}: {err}")

    def _json() -> dict:
        raw = request.get_data()
        if not raw:
            return {}
        if not request.is_json:
            raise AdminError(415, "Send the body as JSON (Content-Type: application/json)",
                             "UnsupportedMediaType")
        try:
            body = read_json(raw)
        except MalformedJson as err:
            raise AdminError(400, err.text) from None
        if not isinstance(body, dict):
            raise AdminError(400, "The body must be a JSON object")
        return body

    def _client(client_id: int):
        if client_id not in ledger.books:
            raise AdminError(404, f"No client {client_id}", "NotFound")
        return client_id

    def _int_arg(name: str) -> int | None:
        raw = request.args.get(name)
        if raw is None or raw == "":
            return None
        try:
            return int(raw)
        except ValueError:
            raise AdminError(400, f"{name} must be an integer, not {raw!r}") from None

    def _limits(client_id: int) -> dict:
        own = server.limiter.client_settings(client_id)
        hourly, burst = server.limiter.limits(client_key(client_id))
        return {"rate_limit": hourly, "burst_limit": burst, "own": own}

    # --- health and reset -----------------------------------------------------------------

    @app.get("/__admin/health")
    def health():
        return jsonify({"status": "ok", "version": __version__, "clients": len(ledger.books),
                        "now": iso_utc(server.clock.now()),
                        "rate_limit": server.limiter.rate_limit,
                        "burst_limit": server.limiter.burst_limit,
                        "scenario": server.settings.scenario or None,
                        "rest": server.rest is not None})

    @app.post("/__admin/reset")
    def reset():
        demo = server.reset()
        return jsonify({"status": "reset", "demo_client": demo})

    # --- clients ----------------------------------------------------------------------------

    @app.post("/__admin/clients")
    def create_client():
        body = _json()
        overrides = client_overrides(body)
        username = overrides.get("username")
        if username and username.strip().lower() in ledger.directory.users:
            raise AdminError(409, f"Username {username} is already taken", "Conflict")
        rate_limit = _limit(body, "rate_limit")
        burst_limit = _limit(body, "burst_limit")
        sc = None
        if body.get("scenario") is not None:
            raw = body["scenario"]
            if isinstance(raw, str):
                sc = scenarios.load(raw)
            elif isinstance(raw, dict):
                sc = scenarios.from_data(raw, source="scenario")
            else:
                raise AdminError(400, "scenario must be a scenario name or an inline scenario object")
        if sc is not None:
            opts = scenarios.client_options(sc, server.clock.now().year, credentials=False,
                                            **overrides)
            with ledger.transaction():
                info = ledger.create_client(opts)
                try:
                    source = raw if isinstance(raw, dict) else str(scenarios.resolve_path(raw))
                    info = {**info, **ledger.populate(info["client_id"], sc, source)}
                except scenarios.ScenarioError:
                    _forget_client(ledger, info)
                    raise
            if rate_limit is KEEP and sc.rate_limit is not None:
                rate_limit = sc.rate_limit
            if burst_limit is KEEP and sc.burst_limit is not None:
                burst_limit = sc.burst_limit
        else:
            info = ledger.create_client(ClientOptions(**overrides))
        server.apply_client_limits(
            info["client_id"], None if rate_limit is KEEP else rate_limit,
            None if burst_limit is KEEP else burst_limit,
            extra=[i["client_id"] for i in info.get("identities", ())])
        return jsonify({**info, **_limits(info["client_id"])}), 201

    @app.get("/__admin/clients")
    def list_clients():
        return jsonify(list(ledger.credentials.values()))

    @app.get("/__admin/clients/<int:client_id>")
    def get_client(client_id: int):
        return jsonify({**ledger.credentials[_client(client_id)], **_limits(client_id)})

    @app.get("/__admin/scenarios")
    def list_scenarios():
        return jsonify({"scenarios": scenarios.available()})

    @app.post("/__admin/clients/<int:client_id>/journal/approve")
    def approve(client_id: int):
        with server.clock.scope(client_id):
            posted = ledger.approve_journal(_client(client_id))
        return jsonify({"client_id": client_id, "posted_lines": posted})

    @app.get("/__admin/clients/<int:client_id>/ledger")
    def ledger_lines(client_id: int):
        snap = ledger.snapshot(_client(client_id))
        return jsonify({"client_id": client_id, "lines": snap["ledger"]})

    @app.get("/__admin/clients/<int:client_id>/journal")
    def journal_lines(client_id: int):
        snap = ledger.snapshot(_client(client_id))
        return jsonify({"client_id": client_id, "lines": snap["journal"]})

    @app.post("/__admin/clients/<int:client_id>/fiscal_years")
    def add_year(client_id: int):
        body = _json()
        year = body.get("year")
        if not _whole(year, 1900, 9998):
            raise AdminError(400, 'Send {"year": 2024}')
        ledger.add_year(_client(client_id), year)
        return jsonify({"client_id": client_id, "fiscal_years": sorted(ledger.book(client_id).fiscal_years)}), 201

    @app.delete("/__admin/clients/<int:client_id>/fiscal_years/<int:year>")
    def remove_year(client_id: int, year: int):
        ledger.remove_year(_client(client_id), year)
        return jsonify({"client_id": client_id, "fiscal_years": sorted(ledger.book(client_id).fiscal_years)})

    def _series_json(book) -> list[dict]:
        return [{"id": s.series_id, "name": s.name, "start": s.start_no}
                for s in sorted(book.series.values(), key=lambda s: s.series_id)]

    @app.get("/__admin/clients/<int:client_id>/entry_series")
    def list_series(client_id: int):
        return jsonify({"client_id": client_id, "entry_series": _series_json(ledger.book(_client(client_id)))})

    @app.post("/__admin/clients/<int:client_id>/entry_series")
    def put_series(client_id: int):
        body = _json()
        sid, start = body.get("id"), body.get("start")
        if not _whole(sid, 1):
            raise AdminError(400, 'Send {"id": 12, "name": "Import", "start": 1} (id: a positive integer)')
        if start is not None and not _whole(start, 1):
            raise AdminError(400, "start must be a positive integer, or null for a series without a start number")
        name = body.get("name", f"Series {sid}")
        if not isinstance(name, str):
            raise AdminError(400, "name must be a string")
        with ledger.lock:
            ledger.put_series(_client(client_id), sid, name, start)
            return jsonify({"client_id": client_id,
                            "entry_series": _series_json(ledger.book(client_id))}), 201

    @app.delete("/__admin/clients/<int:client_id>/entry_series/<int:series_id>")
    def remove_series(client_id: int, series_id: int):
        with ledger.lock:
            book = ledger.book(_client(client_id))
            used = sorted(t.type_no for t in book.types.values() if t.series_id == series_id)
            if used:
                raise AdminError(409, f"Entry series {series_id} is used by TypeNo {', '.join(map(str, used))}", "Conflict")
            ledger.remove_series(client_id, series_id)
            return jsonify({"client_id": client_id, "entry_series": _series_json(book)})

    @app.put("/__admin/clients/<int:client_id>/blocked")
    def set_blocked(client_id: int):
        body = _json()
        if not isinstance(body.get("blocked"), bool):
            raise AdminError(400, 'Send {"blocked": true} or {"blocked": false}')
        changed = ledger.set_blocked(_client(client_id), body["blocked"])
        return jsonify({"client_id": client_id, "blocked": body["blocked"], "identities": changed})

    @app.post("/__admin/sessions/expire")
    def expire_sessions():
        body = _json()
        client_id = body.get("client_id")
        if client_id is not None and not _whole(client_id, -INT32_MAX - 1):
            raise AdminError(400, "client_id must be an integer")
        n = ledger.expire_sessions(client_id)
        return jsonify({"expired": n})

    # --- rate limits (L1-L4) ----------------------------------------------------------------

    @app.get("/__admin/rate_limit")
    def get_rate_limit():
        return jsonify({"rate_limit": server.limiter.rate_limit,
                        "burst_limit": server.limiter.burst_limit})

    @app.route("/__admin/rate_limit", methods=["PUT", "POST"])
    def set_rate_limit():
        body = _json()
        unknown = sorted(set(body) - {"rate_limit", "burst_limit"})
        if unknown or not body:
            raise AdminError(400, 'Send {"rate_limit": 7200, "burst_limit": 0} (0 switches one off)')
        server.limiter.configure(_limit(body, "rate_limit"), _limit(body, "burst_limit"))
        return get_rate_limit()

    @app.delete("/__admin/rate_limit/counters")
    def clear_all_counters():
        server.limiter.clear_counters()
        return jsonify({"cleared": True})

    @app.get("/__admin/clients/<int:client_id>/rate_limit")
    def client_rate_limit(client_id: int):
        _client(client_id)
        with server.clock.scope(client_id):
            usage = server.limiter.usage(client_key(client_id))
        return jsonify({"client_id": client_id, **usage,
                        "own": server.limiter.client_settings(client_id)})

    @app.route("/__admin/clients/<int:client_id>/rate_limit", methods=["PUT", "POST"])
    def set_client_rate_limit(client_id: int):
        _client(client_id)
        body = _json()
        unknown = sorted(set(body) - {"rate_limit", "burst_limit"})
        if unknown or not body:
            raise AdminError(400, 'Send {"rate_limit": 10} and/or {"burst_limit": 25}; null goes back to the emulator\'s default')
        server.limiter.configure_client(client_id, _limit(body, "rate_limit", allow_null=True),
                                        _limit(body, "burst_limit", allow_null=True))
        return client_rate_limit(client_id)

    @app.delete("/__admin/clients/<int:client_id>/rate_limit/counters")
    def clear_client_counters(client_id: int):
        _client(client_id)
        server.limiter.clear_counters(client_id)
        return client_rate_limit(client_id)

    # --- clock (L3) -------------------------------------------------------------------------

    def _clock_json(client_id: int | None):
        state = server.clock.describe(client_id)
        out = {"now": iso_utc(state["now"]), "mode": state["mode"],
               "offset_seconds": state["offset_seconds"]}
        if client_id is not None:
            out = {"client_id": client_id, **out}
        return jsonify(out)

    def _move_clock(client_id: int | None):
        body = _json()
        if ("now" in body) == ("advance_seconds" in body) or set(body) - {"now", "advance_seconds"}:
            raise AdminError(400, 'Send {"now": "2024-05-01T10:59:00Z"} or {"advance_seconds": 3600}')
        if "now" in body:
            try:
                when = parse_time(body["now"])
            except (TypeError, ValueError, OverflowError):
                raise AdminError(400, f"now must be an ISO 8601 time like 2024-05-01T10:59:00Z, not {body['now']!r}") from None
            try:
                server.clock.set(when, client_id)
            except ClockRangeError as err:
                raise AdminError(400, f"now is out of range: {err}") from None
        else:
            seconds = body["advance_seconds"]
            if isinstance(seconds, bool) or not isinstance(seconds, int | float) \
                    or not math.isfinite(seconds):
                raise AdminError(400, "advance_seconds must be a number of seconds")
            try:
                server.clock.advance(seconds, client_id)
            except ClockRangeError as err:
                raise AdminError(400, f"advance_seconds is out of range: {err}") from None
        return _clock_json(client_id)

    @app.get("/__admin/clock")
    def get_clock():
        return _clock_json(None)

    @app.route("/__admin/clock", methods=["POST", "PUT"])
    def set_clock():
        return _move_clock(None)

    @app.delete("/__admin/clock")
    def reset_clock():
        server.clock.reset()
        return _clock_json(None)

    @app.get("/__admin/clients/<int:client_id>/clock")
    def get_client_clock(client_id: int):
        return _clock_json(_client(client_id))

    @app.route("/__admin/clients/<int:client_id>/clock", methods=["POST", "PUT"])
    def set_client_clock(client_id: int):
        return _move_clock(_client(client_id))

    @app.delete("/__admin/clients/<int:client_id>/clock")
    def reset_client_clock(client_id: int):
        server.clock.reset(_client(client_id))
        return _clock_json(client_id)

    # --- fault injection --------------------------------------------------------------------

    def _services() -> dict[str, str]:
        from ..soap.dispatch import SERVICES

        names = {s.name.lower(): s.name for s in SERVICES.values()}
        names["rest"] = "rest"
        return names

    @app.post("/__admin/faults")
    def add_fault():
        fault = fault_specs.parse(_json(), _services(), server.clock.now())
        if fault.client_id is not None:
            _client(fault.client_id)
        server.faults.add(fault)
        return jsonify(fault.to_json()), 201

    @app.get("/__admin/faults")
    def list_faults():
        return jsonify(server.faults.list(_int_arg("client_id")))

    @app.delete("/__admin/faults")
    def clear_faults():
        return jsonify({"cleared": server.faults.clear(client_id=_int_arg("client_id"))})

    @app.delete("/__admin/faults/<int:fault_id>")
    def clear_fault(fault_id: int):
        n = server.faults.clear(fault_id=fault_id)
        if not n:
            raise AdminError(404, f"No fault {fault_id}", "NotFound")
        return jsonify({"cleared": n})

    # --- request journal --------------------------------------------------------------------

    def _criteria(source: dict) -> dict:
        return {k: v for k, v in source.items() if k not in ("limit", "count", "at_least", "at_most")}

    @app.get("/__admin/requests")
    def requests_():
        limit = _int_arg("limit")
        return jsonify(server.journal.entries(limit=limit, **_criteria(request.args.to_dict())))

    @app.delete("/__admin/requests")
    def clear_requests():
        return jsonify({"cleared": server.journal.clear(**_criteria(request.args.to_dict()))})

    @app.post("/__admin/requests/verify")
    def verify_requests():
        body = _json()
        expect = {}
        for key in ("count", "at_least", "at_most"):
            value = body.get(key)
            if value is not None:
                if not _whole(value):
                    raise AdminError(400, f"{key} must be a whole number, 0 or more")
                expect[key] = value
        return jsonify(server.journal.verify(**expect, **_criteria(body)))

    app.register_blueprint(ui.create_ui(server))
    return app


def _forget_client(ledger, info: dict) -> None:
    """Undo a client whose scenario could not be loaded."""
    ids = {info["client_id"], *(i["client_id"] for i in info.get("identities", ()))}
    for cid in ids:
        ledger.books.pop(cid, None)
        ledger.credentials.pop(cid, None)
    ledger.directory.users.pop(info["username"].lower(), None)


__all__ = ["create_admin", "client_options", "client_overrides", "AdminError"]
