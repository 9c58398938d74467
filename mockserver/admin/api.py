"""The control API under /__admin/ (SPEC C): the emulator's own, never the vendor's."""

from __future__ import annotations

import hmac
from decimal import Decimal, InvalidOperation
from uuid import UUID

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from .. import __version__
from ..codec_utils import iso_utc
from ..ledger.core import ClientOptions


class AdminError(Exception):
    def __init__(self, status: int, message: str, name: str = "ValidationError"):
        super().__init__(message)
        self.status, self.message, self.name = status, message, name


def _error(status: int, name: str, message: str):
    resp = jsonify({"error": {"name": name, "message": message}})
    resp.status_code = status
    return resp


def client_options(body: dict) -> ClientOptions:
    """A JSON body of POST /__admin/clients, checked field by field."""
    if not isinstance(body, dict):
        raise AdminError(400, "The body must be a JSON object")
    known = {"name", "fiscal_years", "blocked", "identities", "vat_base_rate", "username",
             "password"}
    unknown = sorted(set(body) - known)
    if unknown:
        raise AdminError(400, f"Unknown field(s): {', '.join(unknown)}")
    years = body.get("fiscal_years")
    if years is not None and (not isinstance(years, list)
                              or not all(isinstance(y, int) and 1900 <= y <= 9998 for y in years)):
        raise AdminError(400, "fiscal_years must be a list of years, e.g. [2024]")
    if not isinstance(body.get("blocked", False), bool):
        raise AdminError(400, "blocked must be true or false")
    identities = body.get("identities", [])
    if not isinstance(identities, list) or not all(isinstance(i, dict) for i in identities):
        raise AdminError(400, 'identities must be a list of objects like {"name": "...", "blocked": false}')
    try:
        base_rate = Decimal(str(body.get("vat_base_rate", 100)))
    except InvalidOperation:
        raise AdminError(400, "vat_base_rate must be a number from 0 to 100") from None
    if not 0 <= base_rate <= 100:
        raise AdminError(400, "vat_base_rate must be a number from 0 to 100")
    for key in ("name", "username", "password"):
        if key in body and not isinstance(body[key], str):
            raise AdminError(400, f"{key} must be a string")
    return ClientOptions(
        name=body.get("name"), fiscal_years=years, blocked=body.get("blocked", False),
        extra_identities=identities, vat_base_rate=base_rate, username=body.get("username"),
        password=body.get("password"),
    )


def create_admin(server) -> Flask:
    app = Flask("mockserver.admin")
    app.json.sort_keys = False
    ledger = server.ledger

    @app.before_request
    def _guard():
        token = server.settings.admin_token
        if token:
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return _error(401, "Unauthorized", "The control API needs 'Authorization: Bearer <admin token>'")
        return None

    @app.errorhandler(AdminError)
    def _admin_error(err: AdminError):
        return _error(err.status, err.name, err.message)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        return _error(err.code or 500, err.name.replace(" ", ""), err.description or err.name)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        app.logger.exception("control API error")
        return _error(500, "InternalError", f"{type(err).__name__}: {err}")

    def _json() -> dict:
        if not request.get_data():
            return {}
        body = request.get_json(silent=True)
        if body is None:
            raise AdminError(400, "The body is not valid JSON")
        return body

    def _client(client_id: int):
        if client_id not in ledger.books:
            raise AdminError(404, f"No client {client_id}", "NotFound")
        return client_id

    @app.get("/__admin/health")
    def health():
        return jsonify({"status": "ok", "version": __version__, "clients": len(ledger.books),
                        "now": iso_utc(server.clock.now())})

    @app.post("/__admin/reset")
    def reset():
        demo = ledger.reset()
        server.journal.clear()
        return jsonify({"status": "reset", "demo_client": demo})

    @app.post("/__admin/clients")
    def create_client():
        info = ledger.create_client(client_options(_json()))
        return jsonify(info), 201

    @app.get("/__admin/clients")
    def list_clients():
        return jsonify(list(ledger.credentials.values()))

    @app.get("/__admin/clients/<int:client_id>")
    def get_client(client_id: int):
        return jsonify(ledger.credentials[_client(client_id)])

    @app.post("/__admin/clients/<int:client_id>/journal/approve")
    def approve(client_id: int):
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
        if not isinstance(year, int) or not 1900 <= year <= 9998:
            raise AdminError(400, 'Send {"year": 2024}')
        with ledger.lock:
            ledger.add_fiscal_year(ledger.book(_client(client_id)), year)
        return jsonify({"client_id": client_id, "fiscal_years": sorted(ledger.book(client_id).fiscal_years)}), 201

    @app.delete("/__admin/clients/<int:client_id>/fiscal_years/<int:year>")
    def remove_year(client_id: int, year: int):
        with ledger.lock:
            ledger.book(_client(client_id)).fiscal_years.pop(year, None)
        return jsonify({"client_id": client_id, "fiscal_years": sorted(ledger.book(client_id).fiscal_years)})

    @app.post("/__admin/sessions/expire")
    def expire_sessions():
        body = _json()
        client_id = body.get("client_id")
        if client_id is not None and not isinstance(client_id, int):
            raise AdminError(400, "client_id must be an integer")
        with ledger.lock:
            n = ledger.directory.expire(client_id)
        return jsonify({"expired": n})

    @app.get("/__admin/requests")
    def requests_():
        filters = {k: request.args.get(k) for k in ("client_id", "operation", "service", "status")}
        return jsonify(server.journal.entries(**filters))

    return app


__all__ = ["create_admin", "client_options", "AdminError", "UUID"]
