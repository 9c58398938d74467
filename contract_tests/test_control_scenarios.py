"""C: clients from scenario files (fixtures/scenarios/), by the control API and by
``tfso-mock serve --scenario``; bad files are refused naming the line and the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import requests
import zeep
from control_helpers import Serve, type_list

from mockserver.testing.client import MockClient

BLOCKED_TEXT = (
    "Provided IdentityId is blocked. Please use GetIdentitiesWithCredential to get a list of "
    "available Identities and reauthenticate with a valid IdentityId"
)


def test_C_scenarios_are_listed(tfso_mock):
    names = requests.get(tfso_mock.url + "/__admin/scenarios").json()["scenarios"]
    assert {"demo", "webshop", "blocked-identity"} <= set(names)


def test_C_webshop_scenario_is_realistic_and_repeatable(tfso_new_client):
    first = tfso_new_client(scenario="webshop")
    second = tfso_new_client(scenario="webshop")
    assert first.info["name"] == "Nettbutikken AS" and first.info["lines"] == 600
    lines = first.ledger()
    assert len(lines) == 600
    assert sum(Decimal(ln["amount"]) for ln in lines) == 0
    by_voucher: dict = {}
    for ln in lines:
        by_voucher.setdefault((ln["series_id"], ln["year"], ln["transaction_no"]), []).append(Decimal(ln["amount"]))
    assert all(sum(amounts) == 0 for amounts in by_voucher.values())   # every voucher balances
    invoices = [ln for ln in lines if ln["type_no"] == 1 and ln["account_no"] == 1500]
    assert len(invoices) > 100 and all(ln["customer_id"] and ln["invoice_no"] for ln in invoices)
    assert len({ln["customer_id"] for ln in invoices}) > 20
    assert min(ln["transaction_no"] for ln in invoices) == 200001       # the scenario's start number
    # the same seed: the same data (line ids differ per client)
    strip = [(ln["date"], ln["account_no"], ln["amount"], ln["invoice_no"], ln["comment"]) for ln in lines]
    assert strip == [(ln["date"], ln["account_no"], ln["amount"], ln["invoice_no"], ln["comment"])
                     for ln in second.ledger()]
    assert {ln["line_id"] for ln in lines}.isdisjoint({ln["line_id"] for ln in second.ledger()})
    # what the integration sees through the API
    year = dt.date.today().year - 1
    entry = first.account.GetEntryId({"Date": dt.datetime(year, 6, 1), "SortNo": 1, "EntryNo": 0})
    assert entry.EntryNo == 1 + max(ln["transaction_no"] for ln in invoices if ln["year"] == year)
    token = first.oauth_token()
    page = first.rest_get("/v1/transactionlines", token=token, dateFrom=f"{year}-01-01",
                          dateTo=f"{year + 1}-01-01", limit=1000).json()
    assert len(page) == sum(1 for ln in lines if ln["year"] == year)


def test_C_blocked_identity_scenario(tfso_new_client):
    client = tfso_new_client(scenario="blocked-identity", login=False)
    assert (client.info["blocked"], client.info["rate_limit"]) == (True, 10)
    with pytest.raises(zeep.exceptions.Fault) as refused:
        client.login()
    assert refused.value.message == BLOCKED_TEXT
    identities = client.auth.GetIdentitiesWithCredential(client.credential())
    assert [(i.Client.Name, i.IsDefault) for i in identities] == [
        ("Stengt Holding AS", True), ("Regnskap Øst AS", False), ("Gamle Regnskap AS", False)]
    open_id = next(i.Id for i in identities if i.Client.Name == "Regnskap Øst AS")
    assert len(client.login(IdentityId=open_id)) == 24
    # Logins count against the login's default client; the open identity has its own 10
    assert type_list(client).headers["APILimitRemaining"] == "9"
    # the scenario's vouchers are in the books of the login's default (blocked) client
    assert [(ln["type_no"], ln["account_no"], ln["amount"]) for ln in client.ledger()] == [
        (-1, 1920, "250000.00"), (-1, 2050, "-250000.00"),
        (1, 1500, "1250.00"), (1, 3000, "-1000.00"), (1, 2700, "-250.00")]
    assert [ln["account_no"] for ln in client.journal()] == [6300, 1920]
    open_client = next(i["client_id"] for i in client.info["identities"] if i["name"] == "Regnskap Øst AS")
    open_books = requests.get(f"{client.base_url}/__admin/clients/{open_client}/ledger").json()
    assert open_books["lines"] == []


def test_C_inline_scenario_and_explicit_fields_win(tfso_new_client):
    client = tfso_new_client(
        scenario={"name": "Inline AS", "fiscal_years": [2023], "rate_limit": 50,
                  "customers": [{"id": 42, "name": "Svar AS", "bank_account": "12345678903"}],
                  "vouchers": [{"type_no": 10, "date": "2023-05-05",
                                "lines": [{"account": 1920, "amount": "10.10"},
                                          {"account": 3000, "amount": "-10.10"}]}]},
        fiscal_years=[2023, 2024], rate_limit=20)
    assert (client.info["name"], client.info["fiscal_years"], client.info["rate_limit"]) == (
        "Inline AS", [2023, 2024], 20)
    assert [(ln["transaction_no"], ln["amount"]) for ln in client.ledger()] == [(1, "10.10"), (1, "-10.10")]


def test_C_bad_scenarios_name_the_field_and_line(tfso_mock, tmp_path):
    url = tfso_mock.url + "/__admin/clients"
    cases = [
        ({"scenario": "no-such"}, "No scenario named 'no-such' (available: "),
        ({"scenario": {"fiscal_year": [2024]}}, "scenario: fiscal_year: unknown field (did you mean fiscal_years?)"),
        ({"scenario": {"fiscal_years": [2024], "vouchers": [{"type_no": 10, "date": "2024-01-01", "lines": [
            {"account": 1920, "amount": "1"}, {"account": 9999, "amount": "-1"}]}]}},
         "scenario: vouchers[0].lines[1].account: account 9999 does not exist"),
        ({"scenario": 7}, "scenario must be a scenario name or an inline scenario object"),
    ]
    for body, message in cases:
        resp = requests.post(url, json=body)
        assert resp.status_code == 400, body
        assert resp.json()["error"]["message"].startswith(message), resp.json()
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: Broken AS\nfiscal_years: [2024]\ncustomers:\n  - {id: 1, name: A}\n"
                   "  - id: 2\n    name: B\n    bank_account: IBAN?\n", encoding="utf-8")
    # a date-like value that is no date: the field refuses it (PyYAML alone raised a bare
    # ValueError, answered as a 500 InternalError)
    (tmp_path / "badday.yaml").write_text(
        "fiscal_years: [2024]\nvouchers:\n  - type_no: 1\n    date: 2024-13-01\n"
        "    lines: [{account: 1920, amount: 0}]\n", encoding="utf-8")
    with Serve("--scenario-dir", str(tmp_path)) as own:  # a folder of the user's scenarios
        resp = requests.post(own.url + "/__admin/clients", json={"scenario": "badday"})
        assert (resp.status_code, resp.json()) == (400, {"error": {
            "name": "ScenarioError", "message": "badday.yaml, line 4: vouchers[0].date: must be "
            "a date like 2024-01-31 or relative to the clock's year like current-01-31, not "
            "'2024-13-01'"}})
        resp = requests.post(own.url + "/__admin/clients", json={"scenario": "broken"})
        assert resp.json() == {"error": {"name": "ScenarioError", "message":
            "broken.yaml, line 7: customers[1].bank_account: must be digits (spaces and dots allowed), not 'IBAN?'"}}
        assert "broken" in requests.get(own.url + "/__admin/scenarios").json()["scenarios"]


def test_C_serve_with_a_scenario_for_the_demo_client():
    with Serve("--scenario", "webshop") as serve:
        assert "Scenario:      webshop (600 ledger lines)" in "".join(serve.output)
        demo = requests.get(serve.url + "/__admin/clients/1000").json()
        assert (demo["name"], demo["username"], demo["password"]) == (
            "Nettbutikken AS", "demo@24sevenoffice.mock", "demo")
        assert len(requests.get(serve.url + "/__admin/clients/1000/ledger").json()["lines"]) == 600
        client = MockClient(serve.url, demo)
        assert len(client.login()) == 24
        requests.post(serve.url + "/__admin/reset")          # reset keeps the scenario
        assert len(requests.get(serve.url + "/__admin/clients/1000/ledger").json()["lines"]) == 600


def test_C_serve_refuses_a_bad_scenario_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: X\nrate_limit: lots\n", encoding="utf-8")
    with pytest.raises(RuntimeError) as failed:
        Serve("--scenario", str(bad)).stop()
    assert "tfso-mock: bad scenario: bad.yaml, line 2: rate_limit: must be a whole number, not 'lots'" in str(failed.value)
