"""Rate limits (L1-L4) in the control API: the emulator's and each client's, and their counters."""

from __future__ import annotations

from flask import Blueprint, jsonify

from .. import errors
from ..control.ratelimit import client_key
from .common import current_server, json_body, known_client, limit_arg

bp = Blueprint("limits", __name__)


@bp.get("/__admin/rate_limit")
def get_rate_limit():
    server = current_server()
    return jsonify({"rate_limit": server.limiter.rate_limit,
                    "burst_limit": server.limiter.burst_limit})


@bp.route("/__admin/rate_limit", methods=["PUT", "POST"])
def set_rate_limit():
    server = current_server()
    body = json_body()
    unknown = sorted(set(body) - {"rate_limit", "burst_limit"})
    if unknown or not body:
        raise errors.SendRateLimit()
    server.limiter.configure(limit_arg(body, "rate_limit"), limit_arg(body, "burst_limit"))
    return get_rate_limit()


@bp.delete("/__admin/rate_limit/counters")
def clear_all_counters():
    server = current_server()
    server.limiter.clear_counters()
    return jsonify({"cleared": True})


@bp.get("/__admin/clients/<int:client_id>/rate_limit")
def client_rate_limit(client_id: int):
    server = current_server()
    known_client(client_id)
    with server.clock.scope(client_id):
        usage = server.limiter.usage(client_key(client_id))
    return jsonify({"client_id": client_id, **usage,
                    "own": server.limiter.client_settings(client_id)})


@bp.route("/__admin/clients/<int:client_id>/rate_limit", methods=["PUT", "POST"])
def set_client_rate_limit(client_id: int):
    server = current_server()
    known_client(client_id)
    body = json_body()
    unknown = sorted(set(body) - {"rate_limit", "burst_limit"})
    if unknown or not body:
        raise errors.SendClientRateLimit()
    server.limiter.configure_client(client_id, limit_arg(body, "rate_limit", allow_null=True),
                                    limit_arg(body, "burst_limit", allow_null=True))
    return client_rate_limit(client_id)


@bp.delete("/__admin/clients/<int:client_id>/rate_limit/counters")
def clear_client_counters(client_id: int):
    server = current_server()
    known_client(client_id)
    server.limiter.clear_counters(client_id)
    return client_rate_limit(client_id)

