"""D1-D2 from scenario files: the orders a scenario describes are saved as SaveInvoices saves
them (an Invoiced one gets its invoice number, KID and one balanced voucher), a bad order is
refused with its line and nothing of the scenario is applied, and on the SQLite store the books
are the same after a restart (the orders' rows are replayed, the scenario is not saved again)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import requests
from test_invoice_service import search
from test_sqlite_store_served import NS, TODAY, path, servers  # noqa: F401 - fixtures

SCENARIO = {
    "name": "Ordre AS", "fiscal_years": [2024],
    "companies": [{"id": 20001, "name": "Havbris AS", "bank_account": "15031122222"}],
    "products": [{"id": 3, "no": "SKU-3", "name": "Kaffe", "price": "89.90",
                  "tax_rate": "15"}],
    "orders": [
        {"customer_id": 20001, "state": "Offer", "date": "2024-02-01",
         "rows": [{"product_id": 3, "quantity": 1}]},
        {"customer_id": 20001, "state": "Invoiced", "date": "2024-03-01", "payment_time": 10,
         "your_reference": "Kari", "rows": [
             {"product_id": 3, "quantity": 3},
             {"name": "Frakt", "price": "99", "discount": 10, "vat_rate": 25},
             {"name": "Takk for handelen", "type": "Text"}]},
        {"customer_id": 20001, "state": "Invoiced", "date": "2024-03-02",
         "invoice_date": "2024-03-05", "include_vat": True, "payment_amount": "125.00",
         "rows": [{"name": "Vare", "price": "125"}]},
    ],
}


def test_D1_D2_a_scenario_s_orders_are_saved_and_its_invoices_posted(master_client):
    client = master_client(scenario=SCENARIO)
    orders = client.invoices.GetInvoices({"OrderIds": {"int": [1, 2, 3]}}, None, None)
    assert [(o.OrderId, o.OrderStatus, o.InvoiceId, o.OCR, o.OrderTotalIncVat, o.OrderTotalVat)
            for o in orders] == [
        (1, "Offer", None, None, Decimal("103.38"), Decimal("13.48")),  # 13.485: half to even
        # the same order as test_D1_D2_offer_then_invoice_posts_one_balanced_voucher over SOAP
        (2, "Invoiced", 10000, "100008", Decimal("421.54"), Decimal("62.74")),
        (3, "Invoiced", 10001, "100016", Decimal("125.00"), Decimal("25.00"))]
    assert orders[1].DateInvoiced == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    assert orders[2].DateOrdered == dt.datetime(2024, 3, 2, tzinfo=dt.UTC)
    assert orders[2].Paid == dt.datetime(2024, 3, 5, tzinfo=dt.UTC)
    assert [r.Name for r in orders[1].InvoiceRows.InvoiceRow] == [
        "Kaffe", "Frakt", "Takk for handelen"]
    rows = search(client)
    assert [(r["AccountNo"], r["Amount"], r["InvoiceNo"]) for r in rows] == [
        (1500, Decimal("421.54"), "10000"), (3000, Decimal("-269.70"), "10000"),
        (3000, Decimal("-89.10"), "10000"), (2700, Decimal("-62.74"), "10000"),
        (1500, Decimal("125.00"), "10001"), (3000, Decimal("-100.00"), "10001"),
        (2700, Decimal("-25.00"), "10001"),
        (1920, Decimal("125.00"), None), (1500, Decimal("-125.00"), "10001")]  # the payment
    vouchers = [(r["TransactionTypeId"], r["TransactionNo"]) for r in rows]
    assert len(set(vouchers[:4])) == len(set(vouchers[4:7])) == len(set(vouchers[7:])) == 1
    assert vouchers[4][1] == vouchers[0][1] + 1
    assert len(rows) == 9 and sum(r["Amount"] for r in rows) == 0
    assert rows[0]["DueDate"] == dt.datetime(2024, 3, 11, tzinfo=dt.UTC)
    assert rows[4]["DueDate"] == dt.datetime(2024, 3, 19, tzinfo=dt.UTC)
    # the numbering goes on over SOAP
    more, = client.invoices.SaveInvoices({"InvoiceOrder": [{
        "CustomerId": 20001, "OrderStatus": "Invoiced",
        "DateInvoiced": dt.datetime(2024, 4, 1, tzinfo=dt.UTC),
        "InvoiceRows": {"InvoiceRow": [{"Name": "x", "Price": Decimal("8")}]}}]})
    assert (more.OrderId, more.InvoiceId) == (4, 10002)


def _post(tfso_mock, body) -> requests.Response:
    return requests.post(tfso_mock.url + "/__admin/clients", json=body, timeout=60,
                         headers=getattr(tfso_mock, "admin_headers", dict)())


def test_a_bad_order_refuses_the_scenario_with_its_line_and_applies_nothing(tfso_mock):
    headers = getattr(tfso_mock, "admin_headers", dict)()
    before = requests.get(tfso_mock.url + "/__admin/clients", headers=headers, timeout=60).json()
    bad_rows = {**SCENARIO, "orders": [*SCENARIO["orders"], {
        "customer_id": 20001, "state": "Invoiced", "rows": [{"product_id": 9}]}]}
    resp = _post(tfso_mock, {"scenario": bad_rows})
    assert resp.status_code == 400
    assert resp.json()["error"]["message"] == (
        "scenario: orders[3]: the order is refused (nothing of the scenario is applied): "
        "Product with Id 9 was not found.")
    unknown = {**SCENARIO, "orders": [{"customer_id": 4242, "state": "Offer"}]}
    assert _post(tfso_mock, {"scenario": unknown}).json()["error"]["message"] == (
        "scenario: orders[0]: the order is refused (nothing of the scenario is applied): "
        "Company with Id 4242 was not found.")
    typo = {**SCENARIO, "orders": [{"customer_id": 20001, "state": "Invoice"}]}
    message = _post(tfso_mock, {"scenario": typo}).json()["error"]["message"]
    assert message.startswith("scenario: orders[0].state: must be one of None, Offer, Pack, ")
    assert message.endswith(", Draft, not 'Invoice' (did you mean Invoiced?)")
    after = requests.get(tfso_mock.url + "/__admin/clients", headers=headers, timeout=60).json()
    assert after == before


ORDERS_YAML = """\
name: Ordre AS
fiscal_years: [current]
companies:
  - {id: 20001, name: Havbris AS}
products:
  - {id: 3, no: SKU-3, name: Kaffe, price: "89.90"}
orders:
  - {customer_id: 20001, state: Offer, rows: [{product_id: 3}]}
  - customer_id: 20001
    state: Invoiced
    date: current-01-20
    payment_amount: "50"
    rows:
      - {product_id: 3, quantity: 2}
      - {name: Frakt, price: "49.00", vat_rate: 25}
"""


def _get_invoices(server, session: str) -> str:
    return server.soap("/Economy/InvoiceOrder/V001/InvoiceService.asmx", "GetInvoices", (
        f'<GetInvoices xmlns="{NS}"><searchParams><OrderIds><int>1</int><int>2</int></OrderIds>'
        "</searchParams></GetInvoices>"), session)


def test_scenario_invoices_survive_a_restart_with_the_same_books(path, servers, tmp_path):  # noqa: F811
    """``serve --store sqlite:PATH --scenario FILE`` and a control-API client of the same
    scenario: GetInvoices and GetTransactions answer the same after a restart, the scenario
    file deleted (the orders' rows are replayed, not saved again)."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    scenario = folder / "ordre.yaml"
    scenario.write_text(ORDERS_YAML, encoding="utf-8")
    first = servers(path, "--scenario", str(scenario), "--scenario-dir", str(folder))
    made = first.http.post(first.url + "/__admin/clients", json={"scenario": "ordre"},
                           timeout=60).json()
    assert made["orders"] == 2
    session = first.login()
    invoices = _get_invoices(first, session)
    assert re.findall(r"<InvoiceId>(\d+)</InvoiceId>", invoices) == ["10000"]
    assert re.findall(r"<OrderTotalIncVat>([\d.]+)<", invoices) == ["112.38", "286.00"]
    assert re.findall(r"<OCR>(\d+)</OCR>", invoices) == ["100008"]
    posted = first.transactions(session)
    due = f"{TODAY.year}-02-03"
    assert [(acc, amount) for _, acc, amount in posted] == [
        ("1500", "286.00"), ("3000", "-179.80"), ("3000", "-49.00"), ("2700", "-57.20"),
        ("1920", "50.00"), ("1500", "-50.00")]
    ledger = first.http.get(f"{first.url}/__admin/clients/{made['client_id']}/ledger",
                            timeout=60).json()["lines"]
    assert [(ln["account_no"], ln["amount"]) for ln in ledger] == [
        (1500, "286.00"), (3000, "-179.80"), (3000, "-49.00"), (2700, "-57.20"),
        (1920, "50.00"), (1500, "-50.00")]
    assert ledger[0]["due_date"] == due
    first.stop()
    scenario.unlink()

    again = servers(path)
    assert _get_invoices(again, session) == invoices
    assert again.transactions(session) == posted
    assert again.http.get(f"{again.url}/__admin/clients/{made['client_id']}/ledger",
                          timeout=60).json()["lines"] == ledger
    # and the next invoice takes the next number
    text = again.soap("/Economy/InvoiceOrder/V001/InvoiceService.asmx", "SaveInvoices", (
        f'<SaveInvoices xmlns="{NS}"><invoices><InvoiceOrder><CustomerId>20001</CustomerId>'
        "<OrderStatus>Invoiced</OrderStatus><InvoiceRows><InvoiceRow><Name>x</Name>"
        "<Price>8</Price></InvoiceRow></InvoiceRows></InvoiceOrder></invoices></SaveInvoices>"),
        session)
    assert "<OrderId>3</OrderId>" in text and "<InvoiceId>10001</InvoiceId>" in text


BAD_YAML = """\
name: Ordre AS
fiscal_years: [current]
companies:
  - {id: 20001, name: Havbris AS}
orders:
  - {customer_id: 20001, state: Offer}
  - customer_id: 20001
    state: Invoiced
    rows:
      - {product_id: 9}
"""


def test_serve_refuses_a_scenario_whose_order_is_refused_with_its_line(tmp_path):
    """``serve --store sqlite:PATH --scenario FILE``: one line naming the file and the order's
    line, exit code 2, and nothing written to the store (the first order is not kept)."""
    import sqlite3
    import subprocess
    import sys

    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_YAML, encoding="utf-8")
    store = tmp_path / "state.sqlite"
    done = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--port", "0",
                           "--store", f"sqlite:{store}", "--scenario", str(bad)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == (
        "tfso-mock: bad scenario: bad.yaml, line 7: orders[1]: the order is refused (nothing of "
        "the scenario is applied): Product with Id 9 was not found.\n")
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT COUNT(*) FROM log").fetchone() == (0,)


CURRENCY_SCENARIO = {
    "fiscal_years": [2024], "currencies": [{"code": "USD", "rate": "10.50"}],
    "companies": [{"id": 20001, "name": "Havbris AS"}],
    "orders": [
        {"customer_id": 20001, "state": "Invoiced", "date": "2024-03-01",
         "currency": {"code": "eur", "rate": "11.4567", "unit": 1},
         "rows": [{"name": "Vare", "price": "20.07"}]},
        {"customer_id": 20001, "state": "Invoiced", "date": "2024-03-02", "currency": "USD",
         "rows": [{"name": "Vare", "price": "10"}]},
        {"customer_id": 20001, "state": "Offer", "date": "2024-03-03",
         "rows": [{"name": "Vare", "price": "10"}]},
    ],
}


def test_D2_a_scenario_order_s_currency_reaches_the_invoice_and_GetInvoices(master_client):
    """``currency`` of a scenario order is InvoiceOrder's Currency (a code, or code, rate and
    unit): the invoice posts in it as over SOAP, GetInvoices returns it as given; without
    one the order is in the client's own currency (the WSDL's Currency is then absent)."""
    client = master_client(scenario=CURRENCY_SCENARIO)
    orders = client.invoices.GetInvoices({"OrderIds": {"int": [1, 2, 3]}}, None, None)
    assert [(o.OrderId, o.InvoiceId, o.OrderTotalIncVat,
             o.Currency and (o.Currency.Symbol, o.Currency.Rate, o.Currency.Unit))
            for o in orders] == [
        # Unit 1 is the WSDL's default, which the ASMX writer leaves out (as .NET does)
        (1, 10000, Decimal("25.09"), ("EUR", Decimal("11.4567"), None)),
        (2, 10001, Decimal("12.50"), ("USD", None, None)),
        (3, None, Decimal("12.50"), None)]
    rows = search(client)
    assert [(r["AccountNo"], r["Amount"], r["Currency"], r["CurrencyRate"]) for r in rows] == [
        (1500, Decimal("25.09"), "EUR", Decimal("11.4567")),
        (3000, Decimal("-20.07"), "EUR", Decimal("11.4567")),
        (2700, Decimal("-5.02"), "EUR", Decimal("11.4567")),  # 287.45 = 229.94 + 57.51 NOK
        (1500, Decimal("12.50"), "USD", Decimal("10.50")),
        (3000, Decimal("-10.00"), "USD", Decimal("10.50")),
        (2700, Decimal("-2.50"), "USD", Decimal("10.50"))]
    listed = client.admin("GET", f"/clients/{client.client_id}/invoices").json()["orders"]
    assert [(o["order_id"], o["currency"], o["total_inc_vat"]) for o in listed] == [
        (1, "EUR", "25.09"), (2, "USD", "12.50"), (3, "NOK", "12.50")]


def test_a_scenario_order_s_bad_currency_is_refused_with_its_field(tfso_mock):
    headers = getattr(tfso_mock, "admin_headers", dict)()
    before = requests.get(tfso_mock.url + "/__admin/clients", headers=headers, timeout=60).json()
    order = CURRENCY_SCENARIO["orders"][1]
    for currency, message in (
            ("EURO", "orders[0].currency: must be a three-letter currency code, not 'EURO'"),
            (7, "orders[0].currency: must be a three-letter currency code, not '7'"),
            ({"rate": "2"}, "orders[0].currency.code: is required"),
            ({"code": "EUR", "rate": "0"}, "orders[0].currency.rate: must be a rate above 0, not 0"),
            ({"code": "EUR", "rate": "x"}, "orders[0].currency.rate: must be a number, not 'x'"),
            ({"code": "EUR", "unit": 0}, "orders[0].currency.unit: must be from 1 to 32767, not 0"),
            ({"code": "EUR", "rte": "2"}, "orders[0].currency.rte: unknown field (did you mean "
                                         "rate?); known fields: code, rate, unit"),
            ("SEK", "orders[0]: the order is refused (nothing of the scenario is applied): "
                    "Currency SEK has no rate: send Currency.Rate or add the currency to the "
                    "client.")):
        resp = _post(tfso_mock, {"scenario": {**CURRENCY_SCENARIO,
                                              "orders": [{**order, "currency": currency}]}})
        assert (resp.status_code, resp.json()) == (400, {"error": {
            "name": "ScenarioError", "message": f"scenario: {message}"}}), currency
    after = requests.get(tfso_mock.url + "/__admin/clients", headers=headers, timeout=60).json()
    assert after == before



def test_the_lines_a_scenario_made_count_its_invoices_vouchers(tfso_mock, tmp_path):
    """``POST /__admin/clients`` with a scenario of orders answered ``"lines": 0`` and
    ``tfso-mock serve --scenario`` printed "(0 ledger lines)" although its invoiced orders had
    posted their vouchers (found by the tools walk-through)."""
    from control_helpers import Serve

    made = requests.post(tfso_mock.url + "/__admin/clients", json={"scenario": CURRENCY_SCENARIO})
    assert made.status_code == 201, made.text
    client_id = made.json()["client_id"]
    ledger = requests.get(f"{tfso_mock.url}/__admin/clients/{client_id}/ledger").json()["lines"]
    assert len(ledger) == 6                      # two invoices: 1500, 3000 (or 3100), 2700 each
    assert made.json()["lines"] == 6
    scenario = tmp_path / "orders.yaml"
    scenario.write_text(BAD_YAML.replace("{product_id: 9}", '{name: Frakt, price: "49.00"}'),
                        encoding="utf-8")
    with Serve("--scenario", str(scenario)) as serve:
        banner = "\n".join(serve.read_output(wait=2))
        lines = requests.get(serve.url + "/__admin/clients/1000/ledger").json()["lines"]
        reset = requests.post(serve.url + "/__admin/reset").json()["demo_client"]
    assert len(lines) == 3
    assert f"  Scenario:      {scenario} (3 ledger lines)" in banner, banner
    assert reset["lines"] == 3
