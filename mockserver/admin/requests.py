"""The request journal in the control API: list, clear and verify what integrations sent."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import errors
from .common import current_server, int_arg, is_whole, json_body

bp = Blueprint("requests", __name__)


def _criteria(source: dict) -> dict:
    return {k: v for k, v in source.items() if k not in ("limit", "count", "at_least", "at_most")}


@bp.get("/__admin/requests")
def requests_():
    server = current_server()
    limit = int_arg("limit")
    if limit is not None and limit < 0:
        raise errors.NotACount("limit")
    return jsonify(server.journal.entries(limit=limit, **_criteria(request.args.to_dict())))


@bp.delete("/__admin/requests")
def clear_requests():
    server = current_server()
    return jsonify({"cleared": server.journal.clear(**_criteria(request.args.to_dict()))})


@bp.post("/__admin/requests/verify")
def verify_requests():
    server = current_server()
    body = json_body()
    expect = {}
    for key in ("count", "at_least", "at_most"):
        value = body.get(key)
        if value is not None:
            if not is_whole(value):
                raise errors.NotACount(key)
            expect[key] = value
    return jsonify(server.journal.verify(**expect, **_criteria(body)))

