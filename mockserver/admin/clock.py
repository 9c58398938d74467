"""The emulated clock (L3) in the control API: the emulator's and each client's."""

from __future__ import annotations

import math

from flask import Blueprint, jsonify

from .. import errors
from ..clock import ClockRangeError
from ..codec_utils import iso_utc
from ..journal import parse_time
from .common import current_server, json_body, known_client

bp = Blueprint("clock", __name__)


def _clock_json(client_id: int | None):
    server = current_server()
    state = server.clock.describe(client_id)
    out = {"now": iso_utc(state["now"]), "mode": state["mode"],
           "offset_seconds": state["offset_seconds"]}
    if client_id is not None:
        out = {"client_id": client_id, **out}
    return jsonify(out)


def _move_clock(client_id: int | None):
    server = current_server()
    body = json_body()
    if ("now" in body) == ("advance_seconds" in body) or set(body) - {"now", "advance_seconds"}:
        raise errors.SendClock()
    if "now" in body:
        try:
            when = parse_time(body["now"])
        except (TypeError, ValueError, OverflowError):
            raise errors.ClockNotATime(value=body['now']) from None
        try:
            server.clock.set(when, client_id)
        except ClockRangeError as err:
            raise errors.ClockOutOfRange(key="now", reason=err) from None
    else:
        seconds = body["advance_seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) \
                or not math.isfinite(seconds):
            raise errors.AdvanceNotANumber()
        try:
            server.clock.advance(seconds, client_id)
        except ClockRangeError as err:
            raise errors.ClockOutOfRange(key="advance_seconds", reason=err) from None
    return _clock_json(client_id)


@bp.get("/__admin/clock")
def get_clock():
    return _clock_json(None)


@bp.route("/__admin/clock", methods=["POST", "PUT"])
def set_clock():
    return _move_clock(None)


@bp.delete("/__admin/clock")
def reset_clock():
    server = current_server()
    server.clock.reset()
    return _clock_json(None)


@bp.get("/__admin/clients/<int:client_id>/clock")
def get_client_clock(client_id: int):
    return _clock_json(known_client(client_id))


@bp.route("/__admin/clients/<int:client_id>/clock", methods=["POST", "PUT"])
def set_client_clock(client_id: int):
    return _move_clock(known_client(client_id))


@bp.delete("/__admin/clients/<int:client_id>/clock")
def reset_client_clock(client_id: int):
    server = current_server()
    server.clock.reset(known_client(client_id))
    return _clock_json(client_id)

