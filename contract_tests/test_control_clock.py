"""L3 / C: the emulator's clock, for the whole emulator or one client. Every time rule reads it:
quarantine windows, session expiry, createdAt/modifiedAt of booked lines, the journal's times."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
import zeep
from control_helpers import OwnEmulator

from helpers import bundle, bundle_list, sale


def test_L3_emulator_clock_get_set_advance_reset():
    own = OwnEmulator()
    try:
        url = own.url + "/__admin/clock"
        real = requests.get(url).json()
        assert real["mode"] == "real"
        now = dt.datetime.fromisoformat(real["now"].replace("Z", "+00:00"))
        assert abs((now - dt.datetime.now(dt.UTC)).total_seconds()) < 5
        assert requests.post(url, json={"now": "2024-12-31T23:59:58Z"}).json() == {
            "now": "2024-12-31T23:59:58Z", "mode": "fixed", "offset_seconds": 0.0}
        assert requests.post(url, json={"advance_seconds": 2}).json()["now"] == "2025-01-01T00:00:00Z"
        assert requests.get(own.url + "/__admin/health").json()["now"] == "2025-01-01T00:00:00Z"
        assert requests.delete(url).json()["mode"] == "real"
        shifted = requests.post(url, json={"advance_seconds": 86400}).json()
        assert shifted["mode"] == "offset" and shifted["offset_seconds"] == 86400.0
        both = requests.post(url, json={"now": "2024-01-01T00:00:00Z", "advance_seconds": 1})
        assert (both.status_code, both.json()["error"]["message"]) == (
            400, 'Send {"now": "2024-05-01T10:59:00Z"} or {"advance_seconds": 3600}')
    finally:
        own.stop()


def test_L3_a_client_clock_moves_only_that_client(tfso_new_client, tfso_mock):
    a = tfso_new_client()
    b = tfso_new_client()
    a.set_time("2030-01-01T00:00:00Z")
    assert a.now() == dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert b.now().year < 2030
    assert requests.get(tfso_mock.url + "/__admin/clock").json()["now"] < "2030"
    assert a.advance(hours=1) == dt.datetime(2030, 1, 1, 1, tzinfo=dt.UTC)
    assert a.reset_clock().year < 2030


def test_L3_session_expiry_reads_the_clock(tfso_new_client):
    client = tfso_new_client(login=False)
    client.set_time("2024-05-01T10:00:00Z")
    client.login()
    client.advance(minutes=19)
    assert client.account.GetTypeList()[0].TypeNo == 1   # 19 minutes idle: still alive
    client.advance(minutes=20, seconds=1)                 # ASP.NET's 20-minute idle timeout
    with pytest.raises(zeep.exceptions.Fault) as refused:
        client.account.GetTypeList()
    assert refused.value.message == "Client is not authenticated on this identity"


def test_L3_booked_lines_carry_the_clock_time(tfso_new_client):
    client = tfso_new_client(fiscal_years=[2024], login=False)
    client.set_time("2024-03-01T08:30:00Z")
    client.login()
    result = client.account.SaveBundleList(bundle_list([bundle([sale(10000, day=dt.date(2024, 3, 1))])]))
    assert result.Type == "Ok"
    assert {(ln["created_at"], ln["modified_at"]) for ln in client.ledger()} == {
        ("2024-03-01T08:30:00+00:00", "2024-03-01T08:30:00+00:00")}
    token = client.oauth_token()
    item = client.rest_get("/v1/transactionlines", token=token, dateFrom="2024-03-01",
                           dateTo="2024-03-02").json()[0]
    assert item["createdAt"].startswith("2024-03-01T08:30:00")
