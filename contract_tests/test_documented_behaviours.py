"""S5, S6, S11, S12: behaviours the vendor documents, each test citing the sentence it checks.

Driven through zeep built from the vendor's AccountV004.wsdl (address overridden); read back
through the control API, TransactionService GetTransactions and REST /v1/transactionlines.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from control_helpers import OwnEmulator
from zeep.helpers import serialize_object

from helpers import amounts, bundle, bundle_list, entry, save, voucher

GUIDE_ROUNDING = ("If you receive difference errors when trying to run SaveBundleList you can use "
                  "the rounding functionallity. This might happend due to different types of "
                  "currencies in the entries or you are using values with more than 2 decimal "
                  "places.")


@pytest.fixture
def client(tfso_new_client):
    return tfso_new_client(fiscal_years=[2024])


def soap_amounts(client):
    got = client.transactions.GetTransactions({
        "DateStart": dt.datetime(2024, 1, 1), "DateEnd": dt.datetime(2024, 12, 31),
        "SystemType": None, "HasInvoiceId": None})
    return [(t["AccountNo"], t["Amount"]) for t in serialize_object(got, dict) or []]


def rest_amounts(client):
    resp = client.rest_get("/v1/transactionlines", dateFrom="2024-01-01", dateTo="2025-01-01")
    assert resp.status_code == 200, resp.text
    return [(ln["account"]["number"], ln["amount"])
            for ln in json.loads(resp.text, parse_float=Decimal)]


def _places(value) -> int:
    return max(0, -Decimal(str(value)).as_tuple().exponent)


def _difference_options(threshold: str = "0.5", account: int = 7790) -> dict:
    return {"Threshold": threshold, "AccountId": account, "DueDate": dt.datetime(2024, 1, 31),
            "Date": dt.datetime(2024, 1, 31), "CurrencyId": 0, "CurrencyUnit": 1,
            "CurrencyRate": "1", "Comment": "Øreavrunding", "CustomerId": 0, "Period": 1,
            "LinkId": "00000000-0000-0000-0000-000000000000", "DepartmentId": 0, "ProjectId": 0}


# --- S12: amounts are booked in øre ------------------------------------------------------------


def test_S12_an_amount_with_three_decimals_is_booked_in_ore_and_the_ledger_balances(client):
    """Guide, Rounding functionality: GUIDE_ROUNDING. Amounts are booked with two decimals
    (rounded half to even, as .NET's decimal.Round): 10.005 is 10.00, so the voucher balances
    against -10.00 and every read shows 10.00 (before: 10.005 was stored and the ledger was off
    by 0.005)."""
    v = voucher([entry(1920, "10.005"), entry(3000, "-10.00")], 1, sort=10)
    assert save(client, bundle_list([bundle([v], sort=10)])) == ("Ok", None)
    assert amounts(client.ledger()) == [(1920, "10.00"), (3000, "-10.00")]
    assert soap_amounts(client) == [(1920, Decimal("10.00")), (3000, Decimal("-10.00"))]
    assert rest_amounts(client) == [(1920, Decimal("10.00")), (3000, Decimal("-10.00"))]
    assert sum(Decimal(a) for _, a in amounts(client.ledger())) == 0


def test_S12_the_balance_is_checked_on_the_rounded_amounts(client):
    """GUIDE_ROUNDING: 10.015 rounds to 10.02 (half to even), which does not balance -10.01:
    the difference the rounding leaves is reported, on the booked amounts."""
    v = voucher([entry(1920, "10.015"), entry(3000, "-10.01")], 1, sort=10)
    assert save(client, bundle_list([bundle([v], sort=10)])) == (
        "Exception", "Voucher is not in balance. Difference: 0.01 (Bundle 1, Voucher 1)")
    assert client.ledger() == []


def test_S12_difference_options_absorb_what_rounding_leaves(client):
    """The guide: "you can use the rounding functionallity" (DifferenceOptions): three thirds of
    100.00 sent with three decimals round to 33.33 each; the 0.01 left is booked on AccountId, so
    the voucher sums to exactly zero and no amount has more than two decimals."""
    v = voucher([entry(6800, "33.333"), entry(6800, "33.333"), entry(6800, "33.334"),
                 entry(1920, "-100.00")], 1, sort=10, DifferenceOptions=_difference_options())
    assert save(client, bundle_list([bundle([v], sort=10)])) == ("Ok", None)
    lines = client.ledger()
    assert amounts(lines) == [(6800, "33.33"), (6800, "33.33"), (6800, "33.33"),
                              (1920, "-100.00"), (7790, "0.01")]
    assert sum(Decimal(a) for _, a in amounts(lines)) == 0
    assert all(_places(a) <= 2 for _, a in soap_amounts(client) + rest_amounts(client))


def test_S12_journals_and_vat_amounts_are_booked_in_ore_too(tfso_new_client):
    """Nothing with more than two decimals reaches the books: a journal (SaveOption 1) with
    AllowDifference, and a VatAmount with three decimals (S6), are rounded the same way."""
    client = tfso_new_client(fiscal_years=[2024], vat_base_rate=50)
    journal = voucher([entry(1920, "5.125"), entry(3000, "-5.10")], 1, sort=10)
    assert save(client, bundle_list([bundle([journal], sort=10)], save_option=1,
                                     AllowDifference=True)) == ("Ok", None)
    assert amounts(client.journal()) == [(1920, "5.12"), (3000, "-5.10")]
    partial = voucher([entry(6800, "1000.004", TaxNo="1", VatAmount="200.005"),
                       entry(2400, "-1000.00", CustomerId=1)], 40000, sort=4)
    assert save(client, bundle_list([bundle([partial], sort=4)])) == ("Ok", None)
    assert amounts(client.ledger()) == [(6800, "800.00"), (2710, "100.00"), (6800, "100.00"),
                                        (2400, "-1000.00")]
    assert [ln["vat_amount"] for ln in client.ledger()][:1] == ["200.00"]


# --- S6: partial deduction under SaveOption 1 --------------------------------------------------

GUIDE_EXAMPLE = [
    entry(6200, "1000.00", dt.date(2024, 1, 1), TaxNo="1", CustomerId=0),
    entry(2400, "-1000.00", dt.date(2024, 1, 1), CustomerId=1, DueDate=dt.datetime(2024, 1, 20)),
]


def test_S6_journal_calculates_partial_deduction_like_the_ledger_with_vat_amount(tfso_new_client):
    """Guide: "When you are saving bundles with SaveOption 1, both VAT and partial deduction is
    automatically calculated". With a base rate of 50 % the guide's SaveOption 1 example gives
    the lines SaveOption 0 gives with VatAmount 200: 6200 800, 2710 100, 6200 100, 2400 -1000
    (before: 6200 800, 2710 200 in the journal), in the journal and after approval."""
    client = tfso_new_client(fiscal_years=[2024], vat_base_rate=50)
    journal = voucher(GUIDE_EXAMPLE, 5, sort=10)
    assert save(client, bundle_list([bundle([journal], sort=10)], save_option=1)) == ("Ok", None)
    expected = [(6200, "800.00"), (2710, "100.00"), (6200, "100.00"), (2400, "-1000.00")]
    assert amounts(client.journal()) == expected
    assert client.approve_journal() == 4
    assert amounts(client.ledger()) == expected
    ledger = tfso_new_client(fiscal_years=[2024], vat_base_rate=50)
    direct = voucher([{**GUIDE_EXAMPLE[0], "VatAmount": Decimal(200)}, GUIDE_EXAMPLE[1]], 5, sort=10)
    assert save(ledger, bundle_list([bundle([direct], sort=10)])) == ("Ok", None)
    assert amounts(ledger.ledger()) == expected


def test_S6_use_auto_base_rate_false_and_output_vat_deduct_everything(tfso_new_client):
    """Guide: the client's settings "will be automatically applied unless Bundle property
    UseAutoBaseRate is set to false"; partial deduction is a deduction of input VAT, so output
    VAT on a sale (TaxNo 3) is never split."""
    client = tfso_new_client(fiscal_years=[2024], vat_base_rate=50)
    off = voucher(GUIDE_EXAMPLE, 5, sort=10)
    assert save(client, bundle_list([bundle([off], sort=10, UseAutoBaseRate=False)],
                                    save_option=1)) == ("Ok", None)
    assert amounts(client.journal()) == [(6200, "800.00"), (2710, "200.00"), (2400, "-1000.00")]
    sale = voucher([entry(1500, "125.00", CustomerId=123), entry(3000, "-125.00", TaxNo="3")], 10000)
    assert save(client, bundle_list([bundle([sale])], save_option=1)) == ("Ok", None)
    assert amounts(client.journal())[3:] == [(1500, "125.00"), (3000, "-100.00"), (2700, "-25.00")]


def test_S6_the_partial_deduction_scenario_shows_the_guides_third_line(tfso_new_client):
    """The default client deducts 100 % (no third line); fixtures/scenarios/partial-deduction
    .yaml sets a 50 % base rate so the guide's example shows all of its lines."""
    client = tfso_new_client(scenario="partial-deduction", fiscal_years=[2024])
    journal = voucher(GUIDE_EXAMPLE, 5, sort=10)
    assert save(client, bundle_list([bundle([journal], sort=10)], save_option=1)) == ("Ok", None)
    assert amounts(client.journal()) == [(6200, "800.00"), (2710, "100.00"), (6200, "100.00"),
                                         (2400, "-1000.00")]


# --- S5: TaxNo 0 is no VAT treatment ---------------------------------------------------------


@pytest.mark.parametrize("zero_on", ["none", "others", "all"])
def test_S5_tax_no_0_on_other_lines_does_not_hide_the_vat_line(client, zero_on):
    """FAQ/guide: with SaveOption 0 "you have to add the VAT Entry before sending your request";
    TaxNo 0 is "Ingen mva-behandling" (no VAT treatment, 0 %), so a line carrying it, also the
    line on the VAT account, is a plain line: the sale is accepted whether or not the other lines
    say TaxNo 0 (before: refused with the FAQ's "Voucher has a vat code that does not have a
    corresponding vat amount" when they did)."""
    zero = {"TaxNo": "0"} if zero_on in ("others", "all") else {}
    vat_line = {"TaxNo": "0"} if zero_on == "all" else {}
    v = voucher([entry(1500, "1250.00", CustomerId=123, **zero),
                 entry(3000, "-1000.00", TaxNo="3"),
                 entry(2700, "-250.00", **vat_line)], 10000)
    assert save(client, bundle_list([bundle([v])])) == ("Ok", None)
    assert amounts(client.ledger()) == [(1500, "1250.00"), (3000, "-1000.00"), (2700, "-250.00")]


def test_S5_tax_no_0_lines_are_still_checked_against_the_calculated_vat(client):
    """The VAT line must still match: a TaxNo 0 line of 240.00 on 2700 for 25 % of 1000.00 is
    vatisnotinbalance, as it is without the TaxNo 0."""
    v = voucher([entry(1500, "1240.00", CustomerId=123, TaxNo="0"),
                 entry(3000, "-1000.00", TaxNo="3"), entry(2700, "-240.00", TaxNo="0")], 10000)
    assert save(client, bundle_list([bundle([v])])) == (
        "Exception", "VAT on account 2700 is -240.00, expected -250.00. Add 'vatisnotinbalance' "
                     "to IgnoreWarnings to save anyway. (Bundle 1, Voucher 1)")


# --- S12: SequenceId orders a journal's entries ------------------------------------------------


def test_S12_sequence_id_orders_journal_entries_in_the_journal_and_after_approval(client):
    """Data types, Entry.SequenceId: "Can be set to define the order of entries when using
    SaveOption 1." Entries sent as 3, 1, 2 come back 1, 2, 3 from the control API's journal,
    after approval, and from GetTransactions (before: in the order sent)."""
    v = voucher([entry(3000, "-100.00", SequenceId=3), entry(1920, "60.00", SequenceId=1),
                 entry(1920, "40.00", SequenceId=2)], 7, sort=10)
    assert save(client, bundle_list([bundle([v], sort=10)], save_option=1)) == ("Ok", None)
    expected = [(1920, "60.00"), (1920, "40.00"), (3000, "-100.00")]
    assert amounts(client.journal()) == expected
    assert [ln["sequence_no"] for ln in client.journal()] == [1, 2, 3]
    client.approve_journal()
    assert amounts(client.ledger()) == expected
    assert soap_amounts(client) == [(a, Decimal(m)) for a, m in expected]


def test_S12_sequence_id_does_not_reorder_a_ledger_voucher(client):
    """The data types scope SequenceId to SaveOption 1: with SaveOption 0 entries stay as sent."""
    v = voucher([entry(3000, "-100.00", SequenceId=3), entry(1920, "100.00", SequenceId=1)], 7,
                sort=10)
    assert save(client, bundle_list([bundle([v], sort=10)])) == ("Ok", None)
    assert amounts(client.ledger()) == [(3000, "-100.00"), (1920, "100.00")]


# --- S11: TransactionNo 0 --------------------------------------------------------------------


def _zero(n: int = 1) -> dict:
    return voucher([entry(1920, f"{n}.00"), entry(3000, f"-{n}.00")], 0, sort=1)


def test_S11_transaction_no_0_is_booked_as_sent_by_default(client):
    """Guide: "To set the TransactionNo of the voucher you need to get the next available number
    by sending a request to GetEntryId". The service does not number vouchers: TransactionNo 0
    is booked as 0 (before: the next free number, which hid a missing GetEntryId call), and a
    second, different voucher with 0 is DataAlreadySaved."""
    assert save(client, bundle_list([bundle([_zero(1)])])) == ("Ok", None)
    assert {ln["transaction_no"] for ln in client.ledger()} == {0}
    assert save(client, bundle_list([bundle([_zero(2)])])) == (
        "DataAlreadySaved", "TransactionNo 0 is already used in entry series 1 for 2024 "
                            "(Bundle 1, Voucher 1)")
    number = client.account.GetEntryId({"Date": dt.datetime(2024, 1, 31), "SortNo": 1,
                                        "EntryNo": 0}).EntryNo
    assert number == 10000  # the series' start number: 0 takes nothing from the series


@pytest.mark.parametrize("mode,expected", [
    ("next-free", ("Ok", None)),
    ("refuse", ("Exception", "TransactionNo 0 is not a voucher number. Get the next available "
                             "number from GetEntryId (Bundle 1, Voucher 1)")),
])
def test_S11_transaction_no_0_is_switchable(mode, expected):
    """``--transaction-no-zero next-free|refuse`` (TFSO_MOCK_TRANSACTION_NO_ZERO)."""
    emu = OwnEmulator(transaction_no_zero=mode)
    try:
        client = emu.client(fiscal_years=[2024])
        assert save(client, bundle_list([bundle([_zero(1), _zero(2)])])) == expected
        numbers = sorted({ln["transaction_no"] for ln in client.ledger()})
        assert numbers == ([10000, 10001] if mode == "next-free" else [])
    finally:
        emu.stop()
