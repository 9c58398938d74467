"""The clients resource of the control API: isolated clients (from a scenario) and their set-up
(fiscal years, entry series, blocked identities), their journals and ledgers, sessions."""

from __future__ import annotations

from flask import Blueprint, jsonify

from .. import errors
from ..control.ratelimit import KEEP
from ..ledger import scenario as scenarios
from ..ledger.clients import ClientOptions
from .common import (
    INT32_MAX,
    current_server,
    is_whole,
    json_body,
    known_client,
    limit_arg,
    limits_json,
)
from .options import client_overrides

bp = Blueprint("clients", __name__)


@bp.post("/__admin/clients")
def create_client():
    server = current_server()
    ledger = server.ledger
    body = json_body()
    overrides = client_overrides(body, server.clock.now().year)
    ledger.check_username_free(overrides.get("username"))
    rate_limit = limit_arg(body, "rate_limit")
    burst_limit = limit_arg(body, "burst_limit")
    sc = None
    if body.get("scenario") is not None:
        raw = body["scenario"]
        if isinstance(raw, str):  # by name only, from the scenario folders
            sc = scenarios.load_named(raw, server.settings.scenario_folders)
        elif isinstance(raw, dict):
            sc = scenarios.from_data(raw, source="scenario")
        else:
            raise errors.ScenarioNotNameOrObject()
    if sc is not None:
        opts = scenarios.client_options(sc, server.clock.now().year, credentials=False,
                                        **overrides)
        with ledger.transaction():
            info = ledger.create_client(opts)
            try:
                info = {**info, **ledger.populate(info["client_id"], sc)}
            except scenarios.ScenarioError:
                ledger.forget_client(info)
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
    return jsonify({**info, **limits_json(info["client_id"])}), 201


@bp.get("/__admin/clients")
def list_clients():
    ledger = current_server().ledger
    return jsonify(list(ledger.credentials.values()))


@bp.get("/__admin/clients/<int:client_id>")
def get_client(client_id: int):
    ledger = current_server().ledger
    return jsonify({**ledger.credentials[known_client(client_id)], **limits_json(client_id)})


@bp.get("/__admin/scenarios")
def list_scenarios():
    return jsonify({"scenarios": scenarios.available_in(current_server().settings.scenario_folders)})


@bp.post("/__admin/clients/<int:client_id>/journal/approve")
def approve(client_id: int):
    server = current_server()
    ledger = server.ledger
    with server.clock.scope(client_id):
        posted = ledger.approve_journal(known_client(client_id))
    return jsonify({"client_id": client_id, "posted_lines": posted})


@bp.get("/__admin/clients/<int:client_id>/ledger")
def ledger_lines(client_id: int):
    ledger = current_server().ledger
    snap = ledger.snapshot(known_client(client_id))
    return jsonify({"client_id": client_id, "lines": snap["ledger"]})


@bp.get("/__admin/clients/<int:client_id>/journal")
def journal_lines(client_id: int):
    ledger = current_server().ledger
    snap = ledger.snapshot(known_client(client_id))
    return jsonify({"client_id": client_id, "lines": snap["journal"]})


@bp.post("/__admin/clients/<int:client_id>/fiscal_years")
def add_year(client_id: int):
    ledger = current_server().ledger
    body = json_body()
    year = body.get("year")
    if not is_whole(year, 1900, 9998) or set(body) - {"year"}:
        raise errors.SendYear()
    ledger.add_year(known_client(client_id), year)
    return jsonify({"client_id": client_id, "fiscal_years": sorted(ledger.book(client_id).fiscal_years)}), 201


@bp.delete("/__admin/clients/<int:client_id>/fiscal_years/<int:year>")
def remove_year(client_id: int, year: int):
    ledger = current_server().ledger
    ledger.remove_year(known_client(client_id), year)
    return jsonify({"client_id": client_id, "fiscal_years": sorted(ledger.book(client_id).fiscal_years)})


def _series_json(book) -> list[dict]:
    return [{"id": s.series_id, "name": s.name, "start": s.start_no}
            for s in sorted(book.series.values(), key=lambda s: s.series_id)]


@bp.get("/__admin/clients/<int:client_id>/entry_series")
def list_series(client_id: int):
    ledger = current_server().ledger
    return jsonify({"client_id": client_id, "entry_series": _series_json(ledger.book(known_client(client_id)))})


@bp.post("/__admin/clients/<int:client_id>/entry_series")
def put_series(client_id: int):
    ledger = current_server().ledger
    body = json_body()
    sid, start = body.get("id"), body.get("start")
    if not is_whole(sid, 1) or set(body) - {"id", "name", "start"}:
        raise errors.SendSeries()
    if start is not None and not is_whole(start, 1):
        raise errors.SeriesStartInvalid()
    name = body.get("name", f"Series {sid}")
    if not isinstance(name, str):
        raise errors.SeriesNameNotString()
    ledger.put_series(known_client(client_id), sid, name, start)
    return jsonify({"client_id": client_id,
                    "entry_series": ledger.query(_series_json, ledger.book(client_id))}), 201


@bp.delete("/__admin/clients/<int:client_id>/entry_series/<int:series_id>")
def remove_series(client_id: int, series_id: int):
    ledger = current_server().ledger
    ledger.remove_series(known_client(client_id), series_id)
    return jsonify({"client_id": client_id,
                    "entry_series": ledger.query(_series_json, ledger.book(client_id))})


@bp.put("/__admin/clients/<int:client_id>/blocked")
def set_blocked(client_id: int):
    ledger = current_server().ledger
    body = json_body()
    if not isinstance(body.get("blocked"), bool) or set(body) - {"blocked"}:
        raise errors.SendBlocked()
    changed = ledger.set_blocked(known_client(client_id), body["blocked"])
    return jsonify({"client_id": client_id, "blocked": body["blocked"], "identities": changed})


@bp.post("/__admin/sessions/expire")
def expire_sessions():
    ledger = current_server().ledger
    body = json_body()
    if unknown := sorted(set(body) - {"client_id"}):
        raise errors.UnknownClientFields(fields=", ".join(unknown), known="client_id")
    client_id = body.get("client_id")
    if client_id is not None and not is_whole(client_id, -INT32_MAX - 1):
        raise errors.ClientIdNotInteger()
    if client_id is not None:  # a client that does not exist is named, as everywhere else
        known_client(client_id)
    n = ledger.expire_sessions(client_id)
    return jsonify({"expired": n})
