"""Fault injection in the control API (``control/faults.py`` holds what a fault is)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from .. import errors
from ..control import faults as fault_specs
from .common import current_server, int_arg, json_body, known_client

bp = Blueprint("faults", __name__)


@bp.post("/__admin/faults")
def add_fault():
    server = current_server()
    fault = fault_specs.parse(json_body(), server.service_names(), server.clock.now())
    if fault.client_id is not None:
        known_client(fault.client_id)
    server.faults.add(fault)
    return jsonify(fault.to_json()), 201


@bp.get("/__admin/faults")
def list_faults():
    server = current_server()
    return jsonify(server.faults.list(int_arg("client_id")))


@bp.delete("/__admin/faults")
def clear_faults():
    server = current_server()
    return jsonify({"cleared": server.faults.clear(client_id=int_arg("client_id"))})


@bp.delete("/__admin/faults/<int:fault_id>")
def clear_fault(fault_id: int):
    server = current_server()
    n = server.faults.clear(fault_id=fault_id)
    if not n:
        raise errors.NoFault(fault_id=fault_id)
    return jsonify({"cleared": n})

