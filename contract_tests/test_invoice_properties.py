"""D1-D2 properties: for any valid order (rows, quantities, prices, discounts, VAT rates,
IncludeVAT), the totals SaveInvoices answers are the documented per-row arithmetic, the
receivable posted is OrderTotalIncVat, the VAT posted is OrderTotalVat, and the voucher sums to
exactly zero, credit notes (negative quantities) included."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CENT = Decimal("0.01")


def decimals(low: str, high: str, places: int):
    return st.decimals(Decimal(low), Decimal(high), places=places, allow_nan=False,
                       allow_infinity=False)


rows = st.lists(st.fixed_dictionaries({
    "Name": st.sampled_from(["Kaffe", "Te", "Frakt", "Gavekort"]),
    "Quantity": decimals("-1000", "1000", 3),  # negative: returns, credit notes
    "Price": decimals("0", "100000", 4),
    "DiscountRate": decimals("0", "100", 2),
    "VatRate": st.sampled_from([Decimal(0), Decimal(12), Decimal(15), Decimal(25)]),
}), min_size=1, max_size=6)


def expected_totals(order_rows, include_vat: bool) -> tuple[Decimal, Decimal]:
    """The README's rule, written out independently of the emulator."""
    net_sum = vat_sum = Decimal(0)
    for r in order_rows:
        line = r["Quantity"] * r["Price"] * (100 - r["DiscountRate"]) / 100
        if include_vat:
            gross = line.quantize(CENT, ROUND_HALF_EVEN)
            net = (gross * 100 / (100 + r["VatRate"])).quantize(CENT, ROUND_HALF_EVEN)
            vat = gross - net
        else:
            net = line.quantize(CENT, ROUND_HALF_EVEN)
            vat = (net * r["VatRate"] / 100).quantize(CENT, ROUND_HALF_EVEN)
        net_sum += net
        vat_sum += vat
    return net_sum + vat_sum, vat_sum


@SETTINGS
@given(order_rows=rows, include_vat=st.booleans())
def test_D2_any_invoice_posts_its_total_and_balances(tfso_client, order_rows, include_vat):
    client = tfso_client
    if not hasattr(client, "_customer"):
        client._customer = client.companies.SaveCompanies(
            {"Company": [{"Name": "Eiendom AS"}]})[0].Id
    day = dt.datetime(dt.date.today().year, 1, 15, tzinfo=dt.UTC)
    made, = client.invoices.SaveInvoices({"InvoiceOrder": [{
        "CustomerId": client._customer, "OrderStatus": "Invoiced", "DateInvoiced": day,
        "IncludeVAT": include_vat, "InvoiceRows": {"InvoiceRow": order_rows}}]})
    assert made.APIException is None
    total, vat = expected_totals(order_rows, include_vat)
    assert (made.OrderTotalIncVat, made.OrderTotalVat) == (total, vat)
    lines = [ln for ln in client.ledger() if ln["invoice_no"] == str(made.InvoiceId)]
    assert len({(ln["series_id"], ln["transaction_no"]) for ln in lines}) == 1  # one voucher
    assert sum(Decimal(ln["amount"]) for ln in lines) == 0
    receivable, = [ln for ln in lines if ln["account_no"] == 1500]
    assert Decimal(receivable["amount"]) == made.OrderTotalIncVat
    assert receivable["customer_id"] == client._customer
    posted_vat = -sum((Decimal(ln["amount"]) for ln in lines if ln["account_no"] == 2700), Decimal(0))
    assert posted_vat == made.OrderTotalVat
    # a negative total is a credit note: the same voucher reversed, its own title
    title = "Kreditnota" if made.OrderTotalIncVat < 0 else "Faktura"
    assert receivable["comment"] == f"{title} {made.InvoiceId}"
