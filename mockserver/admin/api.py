"""The control API under /__admin/ (SPEC C): the emulator's own, never the vendor's.

Health and reset here; one blueprint per resource beside it: ``clients`` (isolated clients from a
scenario and their set-up: fiscal years, entry series, blocked identities; journals and ledgers),
``limits`` (rate limits), ``clock``, ``faults`` (fault injection), ``requests`` (the request
journal with verification). A new resource is a new module with a ``bp``, registered below.

Switched off with ``--no-admin``; behind a bearer token when the emulator listens beyond
loopback (``tfso-mock serve`` makes one up when none is given).
"""

from __future__ import annotations

import hmac

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from ..codec_utils import bearer_token
from ..control import faults as fault_specs
from ..errors import EndpointMethodNotAllowed, LimitReached, NoEndpoint
from ..journal import CriteriaError
from ..ledger import scenario as scenarios
from . import clients, clock, documents, faults, limits, requests, ui
from .common import AdminError, error_json, error_response
from .options import CLIENT_FIELDS, client_options, client_overrides

BLUEPRINTS = (clients.bp, documents.bp, limits.bp, clock.bp, faults.bp, requests.bp)


def create_admin(server) -> Flask:
    app = Flask("mockserver.admin")
    # never a redirect: werkzeug answers "//" in a path, or a missing trailing slash, with a 308
    # whose Location is built from the Host header (an open redirect); a 404 in our shape instead
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.json.sort_keys = False  # type: ignore[attr-defined]  # the default provider has it
    app.extensions["tfso_server"] = server

    @app.before_request
    def _guard():
        token = server.settings.admin_token
        if token:
            given = bearer_token(request.headers.get("Authorization", "")) or ""
            if not hmac.compare_digest(given.encode(), token.encode()) \
                    and not ui.lets_in(request, token):
                if ui.is_page(request.path):
                    return ui.challenge()
                return error_response(401, "Unauthorized", "The control API needs 'Authorization: Bearer <admin token>'")
        return None

    @app.errorhandler(AdminError)
    def _admin_error(err: AdminError):
        return error_response(err.status, err.name, err.message)

    @app.errorhandler(LimitReached)
    def _limit_reached(err: LimitReached):
        return error_response(err.http_status, err.name.removesuffix("Error"), err.text)

    @app.errorhandler(scenarios.ScenarioError)
    def _scenario_error(err: scenarios.ScenarioError):
        return error_response(400, "ScenarioError", str(err))

    @app.errorhandler(CriteriaError)
    def _criteria_error(err: CriteriaError):
        return error_response(400, "ValidationError", str(err))

    @app.errorhandler(fault_specs.FaultSpecError)
    def _fault_error(err: fault_specs.FaultSpecError):
        return error_response(400, "ValidationError", str(err))

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        if isinstance(err, (NotFound, MethodNotAllowed)):
            kind = NoEndpoint if isinstance(err, NotFound) else EndpointMethodNotAllowed
            own = kind(method=request.method, path=request.path)
            return error_response(own.status, own.name, own.message)
        return error_response(err.code or 500, err.name.replace(" ", ""), err.description or err.name)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        app.logger.exception("control API error")
        return error_response(500, "InternalError", f"{type(err).__name__}: {err}")

    # --- health and reset -----------------------------------------------------------------

    @app.get("/__admin/health")
    def health():  # GET and HEAD are answered before Flask (``MockServer._health``)
        status, payload = server.health()
        return jsonify(payload), status

    @app.post("/__admin/reset")
    def reset():
        demo = server.reset()
        return jsonify({"status": "reset", "demo_client": demo})

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(ui.create_ui(server))  # the dashboard under /__admin/ui
    return app


__all__ = ["create_admin", "client_options", "client_overrides", "AdminError", "error_json",
           "CLIENT_FIELDS"]
