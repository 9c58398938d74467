"""What every resource of the control API shares: its error (``AdminError``) and error shape, the
checks of numbers and limits, reading the JSON body, and the server the blueprints serve."""

from __future__ import annotations

from flask import current_app, jsonify, request

from .. import errors
from ..codec_utils import read_json
from ..control.ratelimit import KEEP, client_key
from ..errors import AdminError, MalformedJson  # noqa: F401 - AdminError: the control API's error
from .shape import error_json


def error_response(status: int, name: str, message: str):
    resp = jsonify(error_json(name, message))
    resp.status_code = status
    return resp


#: Ids, numbers and limits the control API accepts are .NET Int32s, as on the wire.
INT32_MAX = 2**31 - 1


def is_whole(value, low: int = 0, high: int = INT32_MAX) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def limit_arg(body: dict, key: str, allow_null: bool = False):
    if key not in body:
        return KEEP
    value = body[key]
    if value is None and allow_null:
        return None
    if not is_whole(value):
        raise errors.NotACount(key, allow_null)
    return value


def current_server():
    """The ``MockServer`` the control API belongs to (``create_admin`` puts it there)."""
    return current_app.extensions["tfso_server"]


def json_body() -> dict:
    raw = request.get_data()
    if not raw:
        return {}
    if not request.is_json:
        raise AdminError(415, errors.ControlMediaTypeRefused().text, "UnsupportedMediaType")
    try:
        body = read_json(raw)
    except MalformedJson as err:
        raise AdminError(400, err.text) from None
    if not isinstance(body, dict):
        raise errors.ControlBodyNotAnObject()
    return body


def known_client(client_id: int):
    if client_id not in current_server().ledger.books:
        raise errors.NoClient(client_id=client_id)
    return client_id


def int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise errors.QueryNotAnInteger(key=name, raw=raw) from None


def limits_json(client_id: int) -> dict:
    server = current_server()
    own = server.limiter.client_settings(client_id)
    hourly, burst = server.limiter.limits(client_key(client_id))
    return {"rate_limit": hourly, "burst_limit": burst, "own": own}

