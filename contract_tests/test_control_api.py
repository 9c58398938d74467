"""C: the control API itself: switched off, behind a token beyond loopback, reset, and the
client set-up calls (fiscal years, entry series, blocked identities, sessions)."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest
import requests
import zeep
from control_helpers import OwnEmulator, Serve, type_list

from mockserver.cli import effective_settings
from mockserver.settings import Settings
from mockserver.testing.client import MockClient

from helpers import bundle, bundle_list, sale

VENDOR = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "vendor"
BLOCKED_TEXT = (
    "Provided IdentityId is blocked. Please use GetIdentitiesWithCredential to get a list of "
    "available Identities and reauthenticate with a valid IdentityId"
)


def test_C_control_api_can_be_switched_off():
    own = OwnEmulator(admin=False)
    try:
        for method, path in (("GET", "/__admin/health"), ("POST", "/__admin/clients"),
                             ("POST", "/__admin/reset"), ("GET", "/__ADMIN/requests")):
            resp = requests.request(method, own.url + path)
            assert (resp.status_code, resp.json()) == (404, {"error": {
                "name": "NotFound", "message": "The control API is switched off"}})
        demo = MockClient(own.url, own.app.startup_client, wsdl_dir=VENDOR)
        assert len(demo.login()) == 24               # the vendor surface still answers
        assert demo.account.GetTypeList()[0].TypeNo == 1
    finally:
        own.stop()


def test_C_control_api_token():
    own = OwnEmulator(admin_token="s3cret")
    try:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}):
            resp = requests.get(own.url + "/__admin/health", headers=headers)
            assert (resp.status_code, resp.json()) == (401, {"error": {
                "name": "Unauthorized",
                "message": "The control API needs 'Authorization: Bearer <admin token>'"}})
        ok = requests.get(own.url + "/__admin/health", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200 and ok.json()["status"] == "ok"
        client = own.client()                      # the helpers send the token
        assert type_list(client).status_code == 200
        assert client.requests()[0]["operation"] == "Login"
    finally:
        own.stop()


def test_C_token_is_made_up_when_listening_beyond_loopback():
    assert effective_settings(Settings(host="127.0.0.1")).admin_token == ""
    assert effective_settings(Settings(host="0.0.0.0", admin_token="mine")).admin_token == "mine"
    assert effective_settings(Settings(host="0.0.0.0", admin=False)).admin_token == ""
    made = effective_settings(Settings(host="0.0.0.0")).admin_token
    assert len(made) >= 32 and made != effective_settings(Settings(host="0.0.0.0")).admin_token


def test_C_serve_on_all_interfaces_prints_and_requires_a_token():
    with Serve("--host", "0.0.0.0") as serve:
        token = serve.value("Control token")
        assert requests.get(serve.url + "/__admin/health").status_code == 401
        ok = requests.get(serve.url + "/__admin/health", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        assert "Rate limit:    7200/hour" in "".join(serve.output)


def test_C_reset_brings_back_the_startup_state():
    own = OwnEmulator()
    try:
        client = own.client()
        type_list(client)
        requests.post(own.url + "/__admin/clock", json={"now": "2024-01-01T00:00:00Z"})
        requests.post(own.url + "/__admin/faults", json={"operation": "GetTypeList", "http_status": 500})
        reset = requests.post(own.url + "/__admin/reset").json()
        assert reset["status"] == "reset"
        assert reset["demo_client"]["username"] == "demo@24sevenoffice.mock"
        assert [c["client_id"] for c in requests.get(own.url + "/__admin/clients").json()] == [1000]
        assert requests.get(own.url + "/__admin/requests").json() == []
        assert requests.get(own.url + "/__admin/faults").json() == []
        assert requests.get(own.url + "/__admin/clock").json()["mode"] == "real"
    finally:
        own.stop()


def test_C_fiscal_years_and_entry_series(tfso_new_client, tfso_mock):
    client = tfso_new_client(fiscal_years=[2024])
    base = f"{tfso_mock.url}/__admin/clients/{client.client_id}"
    assert requests.post(base + "/fiscal_years", json={"year": 2025}).json()["fiscal_years"] == [2024, 2025]
    assert requests.delete(base + "/fiscal_years/2025").json()["fiscal_years"] == [2024]
    entry = {"Date": dt.datetime(2024, 3, 1), "SortNo": 12, "EntryNo": 0}
    with pytest.raises(zeep.exceptions.Fault):       # E3: series 12 has no start number
        client.account.GetEntryId(entry)
    added = requests.post(base + "/entry_series", json={"id": 12, "name": "Import", "start": 5000})
    assert added.status_code == 201
    assert {"id": 12, "name": "Import", "start": 5000} in added.json()["entry_series"]
    assert client.account.GetEntryId(entry).EntryNo == 5000
    conflict = requests.delete(base + "/entry_series/12")
    assert (conflict.status_code, conflict.json()["error"]["message"]) == (
        409, "Entry series 12 is used by TypeNo 12")


def test_C_block_and_unblock_an_identity(tfso_new_client, tfso_mock):
    client = tfso_new_client(login=False)
    url = f"{tfso_mock.url}/__admin/clients/{client.client_id}/blocked"
    assert requests.put(url, json={"blocked": True}).json() == {
        "client_id": client.client_id, "blocked": True, "identities": 1}
    with pytest.raises(zeep.exceptions.Fault) as refused:
        client.login()
    assert refused.value.message == BLOCKED_TEXT
    requests.put(url, json={"blocked": False})
    assert client.login()


def test_C_expire_sessions_of_one_client(tfso_new_client):
    a = tfso_new_client(fiscal_years=[2024])
    b = tfso_new_client()
    assert a.expire_sessions() == 1
    result = a.account.SaveBundleList(bundle_list([bundle([sale(10000, day=dt.date(2024, 3, 1))])]))
    assert result.Type == "NotAuthenticated"
    assert b.auth.HasSession() is True


def test_C_client_options_are_read_as_a_scenario_reads_them(tfso_mock):
    """One schema for POST /__admin/clients and scenario files: relative years, the same texts
    (an inline scenario's option and the body's own name the same problem alike)."""
    url = tfso_mock.url + "/__admin/clients"
    year = requests.post(url, json={}).json()["fiscal_years"][-1]  # the clock's year
    made = requests.post(url, json={"fiscal_years": ["current-2", 2020, "current"],
                                    "identities": [{"fiscal_years": ["current-1"]}]})
    assert made.status_code == 201, made.text
    assert made.json()["fiscal_years"] == sorted({year - 2, 2020, year})
    assert len(made.json()["identities"]) == 2
    own = requests.post(url, json={"vat_base_rate": 101}).json()["error"]["message"]
    inline = requests.post(url, json={"scenario": {"vat_base_rate": 101}}).json()["error"]["message"]
    assert own == "vat_base_rate: must be from 0 to 100, not 101"
    assert inline == "scenario: vat_base_rate: must be from 0 to 100, not 101"


def test_C_an_unknown_path_or_method_is_named_in_the_answer(tfso_mock):
    """Worded as REST's 404/405, not Flask's stock "The requested URL was not found on the
    server. If you entered the URL manually..." (what a user typing a path saw)."""
    base = tfso_mock.url + "/__admin"
    nope = requests.get(base + "/nope")
    assert (nope.status_code, nope.headers["Content-Type"], nope.json()) == (
        404, "application/json", {"error": {"name": "NotFound",
                                            "message": "No control API endpoint at GET /__admin/nope"}})
    word = requests.delete(base + "/clients/abc")
    assert (word.status_code, word.json()["error"]["message"]) == (
        404, "No control API endpoint at DELETE /__admin/clients/abc")
    patch = requests.patch(base + "/health")
    assert (patch.status_code, patch.json()) == (405, {"error": {
        "name": "MethodNotAllowed", "message": "PATCH is not allowed on /__admin/health"}})


def test_C_unknown_client_and_bad_bodies(tfso_mock):
    url = tfso_mock.url + "/__admin/clients"
    missing = requests.get(url + "/99999999/rate_limit")
    assert (missing.status_code, missing.json()) == (404, {"error": {"name": "NotFound", "message": "No client 99999999"}})
    bad = requests.post(url, json={"colour": "red"})
    assert bad.json()["error"]["message"].startswith("Unknown field(s): colour; known: name, fiscal_years")
    taken = requests.post(url, json={"username": "demo@24sevenoffice.mock"})
    assert (taken.status_code, taken.json()["error"]["message"]) == (
        409, "Username demo@24sevenoffice.mock is already taken")
    limit = requests.post(url, json={"rate_limit": "ten"})
    assert limit.json()["error"]["message"] == "rate_limit must be a whole number, 0 or more"


def test_C_set_up_calls_refuse_unknown_fields_and_clients(tfso_new_client, tfso_mock):
    """Found by the tools walk-through: ``{"year": 2028, "x": 1}`` added the year and ignored
    the rest (a typo like ``{"yaer": ...}`` beside a good field went unnoticed), and
    ``/sessions/expire`` for a client that does not exist answered ``{"expired": 0}`` (and wrote
    an expiry row to the SQLite log) where every other call answers 404."""
    client = tfso_new_client(fiscal_years=[2024])
    base = f"{tfso_mock.url}/__admin/clients/{client.client_id}"
    for path, body, message in (
            ("/fiscal_years", {"year": 2025, "x": 1}, 'Send {"year": 2024}'),
            ("/entry_series", {"id": 31, "name": "Import", "strat": 5000},
             'Send {"id": 12, "name": "Import", "start": 1} (id: a positive integer)')):
        resp = requests.post(base + path, json=body)
        assert (resp.status_code, resp.json()) == (400, {"error": {
            "name": "ValidationError", "message": message}})
    blocked = requests.put(base + "/blocked", json={"blocked": True, "identity": 7})
    assert (blocked.status_code, blocked.json()["error"]["message"]) == (
        400, 'Send {"blocked": true} or {"blocked": false}')
    info = requests.get(base).json()
    assert (info["fiscal_years"], info["blocked"]) == ([2024], False)       # nothing changed
    assert 31 not in [s["id"] for s in requests.get(base + "/entry_series").json()["entry_series"]]

    expire = tfso_mock.url + "/__admin/sessions/expire"
    missing = requests.post(expire, json={"client_id": 99999999})
    assert (missing.status_code, missing.json()) == (404, {"error": {
        "name": "NotFound", "message": "No client 99999999"}})
    typo = requests.post(expire, json={"clientid": client.client_id})
    assert (typo.status_code, typo.json()) == (400, {"error": {
        "name": "ValidationError", "message": "Unknown field(s): clientid; known: client_id"}})
    assert client.auth.HasSession() is True                            # no session ended
    assert client.expire_sessions() == 1
