"""Fault injection in the control API (``control/faults.py`` holds what a fault is)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import errors
from ..control import faults as fault_specs
from .common import current_server, int_arg, json_body, known_client

bp = Blueprint("faults", __name__)


@bp.post("/__admin/faults")
def add_fault():
    server = current_server()
    fault = fault_specs.parse(json_body(), server.service_names(), server.clock.now(),
                             server.operation_names)
    if fault.client_id is not None:
        known_client(fault.client_id)
    server.faults.add(fault)
    return jsonify(fault.to_json()), 201


def _client_filter() -> int | None:
    """``?client_id=N``, the one filter of the fault list: another name is refused (a typo such
    as ``?client=7`` listed, or cleared, every client's faults)."""
    if unknown := sorted(set(request.args) - {"client_id"}):
        raise errors.UnknownClientFields(fields=", ".join(unknown), known="client_id")
    return int_arg("client_id")


@bp.get("/__admin/faults")
def list_faults():
    server = current_server()
    return jsonify(server.faults.list(_client_filter()))


@bp.delete("/__admin/faults")
def clear_faults():
    server = current_server()
    return jsonify({"cleared": server.faults.clear(client_id=_client_filter())})


@bp.delete("/__admin/faults/<int:fault_id>")
def clear_fault(fault_id: int):
    server = current_server()
    n = server.faults.clear(fault_id=fault_id)
    if not n:
        raise errors.NoFault(fault_id=fault_id)
    return jsonify({"cleared": n})

