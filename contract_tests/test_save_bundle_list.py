"""S1-S11: SaveBundleList, through zeep built from the vendor's AccountV004.wsdl."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import amounts, bundle, bundle_list, entry, sale, save, voucher

VAT_TEXT = "Voucher has a vat code that does not have a corresponding vat amount"


@pytest.fixture
def client(tfso_new_client):
    return tfso_new_client(fiscal_years=[2024])


def test_S1_save_option_1_is_the_default_and_saves_a_journal_not_in_the_ledger(client):
    v = voucher([entry(1500, "125.00", CustomerId=123), entry(3100, "-125.00")], 10000)
    blist = {"Bundles": {"Bundle": [bundle([v])]}}  # no SaveOption: default 1
    assert save(client, blist) == ("Ok", None)
    assert client.ledger() == []
    assert amounts(client.journal()) == [(1500, "125.00"), (3100, "-125.00")]
    assert client.approve_journal() == 2
    assert amounts(client.ledger()) == [(1500, "125.00"), (3100, "-125.00")]
    assert client.journal() == []


def test_S1_save_option_0_posts_straight_to_the_ledger(client):
    assert save(client, bundle_list([bundle([sale(10000)])], save_option=0)) == ("Ok", None)
    lines = client.ledger()
    assert [(ln["transaction_no"], ln["type_no"], ln["date"], ln["posted"]) for ln in lines] == [
        (10000, 1, "2024-01-31", True)] * 3
    assert client.journal() == []


def test_S2_year_without_fiscal_year_fails_with_iError_2(client):
    blist = bundle_list([bundle([sale(10000, day=dt.date(2033, 1, 1))], year=2033)])
    assert save(client, blist) == ("Exception", "Could not finish last Bundle! iError:2")
    assert client.ledger() == [] and client.journal() == []


@pytest.mark.parametrize("where", ["bundle", "voucher"])
def test_S3_negative_type_numbers_are_system_types_and_refused(client, where):
    v = sale(10000)
    b = bundle([v])
    if where == "bundle":
        b["Sort"] = -1
    else:
        v["Sort"] = -3
    n = -1 if where == "bundle" else -3
    assert save(client, bundle_list([b])) == (
        "Exception",
        f"TypeNo {n} is a system type. Only positive TypeNos can be used with SaveBundleList "
        "(Bundle 1, Voucher 1)")
    assert client.ledger() == []


def test_S4_amounts_must_balance(client):
    v = voucher([entry(1920, "100.00"), entry(3900, "-99.99")], 10)
    assert save(client, bundle_list([bundle([v], sort=10)])) == (
        "Exception", "Voucher is not in balance. Difference: 0.01 (Bundle 1, Voucher 1)")
    # AllowDifference only applies to journals (SaveOption 1)
    assert save(client, bundle_list([bundle([v], sort=10)], AllowDifference=True))[0] == "Exception"
    assert save(client, bundle_list([bundle([v], sort=10)], save_option=1, AllowDifference=True)) == ("Ok", None)
    assert amounts(client.journal()) == [(1920, "100.00"), (3900, "-99.99")]
    assert client.ledger() == []


def test_S4_foreign_currency_balances_in_local_currency(client):
    v = voucher([
        entry(1500, "100.00", CurrencyId="EUR", CurrencyRate="11.5", CustomerId=123),
        entry(3000, "-1150.00"),
    ], 10000)
    assert save(client, bundle_list([bundle([v])])) == ("Ok", None)
    assert [(ln["amount"], ln["currency"], ln["currency_rate"]) for ln in client.ledger()] == [
        ("100.00", "EUR", "11.5"), ("-1150.00", "", "1")]


def test_S5_vat_code_without_vat_entry_is_refused_in_the_ledger(client):
    v = voucher([entry(1500, "125.00", CustomerId=123), entry(3000, "-125.00", TaxNo="3")], 10000)
    assert save(client, bundle_list([bundle([v])])) == ("Exception", VAT_TEXT)
    assert client.ledger() == []
    ignored = bundle_list([bundle([v])], IgnoreWarnings={"string": ["vatisnotinbalance"]})
    assert save(client, ignored) == ("Ok", None)
    assert amounts(client.ledger()) == [(1500, "125.00"), (3000, "-125.00")]


def test_S5_guide_vat_example_with_its_vat_entry_is_saved(client):
    v = voucher([entry(1500, "80.00", CustomerId=123, TaxNo="2"), entry(2700, "20.00"),
                 entry(3000, "-100")], 10000)
    assert save(client, bundle_list([bundle([v])])) == ("Ok", None)
    assert amounts(client.ledger()) == [(1500, "80.00"), (2700, "20.00"), (3000, "-100")]


def test_S5_journal_calculates_vat_lines_from_gross_amounts(client):
    v = voucher([entry(1500, "125.00", CustomerId=123), entry(3000, "-125.00", TaxNo="3")], 10000)
    assert save(client, bundle_list([bundle([v])], save_option=1)) == ("Ok", None)
    assert amounts(client.journal()) == [(1500, "125.00"), (3000, "-100.00"), (2700, "-25.00")]
    direct = voucher([entry(1500, "125.00", CustomerId=123), entry(3000, "-125.00", TaxNo="3")], 10001)
    assert save(client, bundle_list([bundle([direct], BundleDirectAccounting=True)], save_option=1)) == ("Ok", None)
    assert amounts(client.journal())[3:] == [(1500, "125.00"), (3000, "-125.00")]


def test_S6_partial_vat_deduction_splits_the_vat(tfso_new_client):
    client = tfso_new_client(fiscal_years=[2024], vat_base_rate=60)
    v = voucher([
        entry(6800, "1000.00", TaxNo="1", VatAmount="200", CustomerId=0),
        entry(2400, "-1000.00", CustomerId=1, DueDate=dt.datetime(2024, 1, 20)),
    ], 40000, sort=4)
    assert save(client, bundle_list([bundle([v], sort=4)])) == ("Ok", None)
    assert amounts(client.ledger()) == [
        (6800, "800.00"), (2710, "120.00"), (6800, "80.00"), (2400, "-1000.00")]
    full = tfso_new_client(fiscal_years=[2024])
    assert save(full, bundle_list([bundle([v], sort=4)])) == ("Ok", None)
    assert amounts(full.ledger()) == [(6800, "800.00"), (2710, "200.00"), (2400, "-1000.00")]
    off = tfso_new_client(fiscal_years=[2024], vat_base_rate=60)
    assert save(off, bundle_list([bundle([v], sort=4, UseAutoBaseRate=False)])) == ("Ok", None)
    assert amounts(off.ledger())[:2] == [(6800, "800.00"), (2710, "200.00")]


def test_S7_a_stamp_number_can_only_be_posted_once(client):
    first = sale(10000, StampNo=555)
    assert save(client, bundle_list([bundle([first])])) == ("Ok", None)
    again = sale(10001, net="50.00", vat="12.50", StampNo=555)
    assert save(client, bundle_list([bundle([again])])) == ("Exception", "Attachment is posted in the journal")
    assert len(client.ledger()) == 3


def test_S8_invoice_already_in_the_ledger_is_a_warning(client):
    assert save(client, bundle_list([bundle([sale(10000, InvoiceReferenceNo="INV-1")])])) == ("Ok", None)
    twice = bundle_list([bundle([sale(10001, InvoiceReferenceNo="INV-1")])])
    assert save(client, twice) == (
        "Exception",
        "Invoice reference INV-1 already exists in the ledger. Add 'invoicealreadyexists' to "
        "IgnoreWarnings to save anyway. (Bundle 1, Voucher 1)")
    twice["IgnoreWarnings"] = {"string": ["invoicealreadyexists"]}
    assert save(client, twice) == ("Ok", None)


def test_S8_bank_account_must_be_the_customers_default(client):
    wrong = bundle_list([bundle([sale(10000, BankAccountNo="99998877665")])])
    assert save(client, wrong) == (
        "Exception",
        "Bank account 99998877665 is not the default bank account of customer 123. Add "
        "'customermismatchbankaccount' to IgnoreWarnings to save anyway. (Bundle 1, Voucher 1)")
    right = bundle_list([bundle([sale(10000, BankAccountNo="1234.56.78903")])])
    assert save(client, right) == ("Ok", None)


def test_S8_vat_warnings_name_their_keys(client):
    wrong_vat = voucher([entry(1500, "125.00", CustomerId=123), entry(3000, "-100.00", TaxNo="3"),
                         entry(2700, "-24.00"), entry(7790, "-1.00")], 10000)
    assert save(client, bundle_list([bundle([wrong_vat])])) == (
        "Exception",
        "VAT on account 2700 is -24.00, expected -25.00. Add 'vatisnotinbalance' to "
        "IgnoreWarnings to save anyway. (Bundle 1, Voucher 1)")
    no_foundation = voucher([entry(2710, "25.00"), entry(1920, "-25.00")], 1, sort=10)
    assert save(client, bundle_list([bundle([no_foundation], sort=10)])) == (
        "Exception",
        "VAT amount on account 2710 has no corresponding foundation entry. Add "
        "'vatismissingfoundation' to IgnoreWarnings to save anyway. (Bundle 1, Voucher 1)")
    ok = bundle_list([bundle([no_foundation], sort=10)], IgnoreWarnings={"string": ["vatismissingfoundation"]})
    assert save(client, ok) == ("Ok", None)


def _difference_options(threshold: str) -> dict:
    return {"Threshold": threshold, "AccountId": 7790, "DueDate": dt.datetime(2024, 1, 31),
            "Date": dt.datetime(2024, 1, 31), "CurrencyId": 0, "CurrencyUnit": 1,
            "CurrencyRate": "1", "Comment": "Øreavrunding", "CustomerId": 0, "Period": 1,
            "LinkId": "00000000-0000-0000-0000-000000000000", "DepartmentId": 0, "ProjectId": 0}


def test_S9_difference_within_threshold_is_booked_on_the_difference_account(client):
    v = voucher([entry(1920, "100.00"), entry(3900, "-99.70")], 1, sort=10,
                DifferenceOptions=_difference_options("0.5"))
    assert save(client, bundle_list([bundle([v], sort=10)])) == ("Ok", None)
    lines = client.ledger()
    assert amounts(lines) == [(1920, "100.00"), (3900, "-99.70"), (7790, "-0.30")]
    assert lines[2]["comment"] == "Øreavrunding"
    outside = voucher([entry(1920, "100.00"), entry(3900, "-99.00")], 2, sort=10,
                      DifferenceOptions=_difference_options("0.5"))
    assert save(client, bundle_list([bundle([outside], sort=10)])) == (
        "Exception", "Voucher is not in balance. Difference: 1.00 (Bundle 1, Voucher 1)")


def test_S10_defaults_and_dimensions_are_kept(client):
    v = voucher([
        entry(1500, "125.00", DepartmentId=7, ProjectId=42,
              UserDefinedDimensions={"UserDefinedDimension": [{"Type": 101, "Value": "1"}]}),
        entry(3000, "-100.00", TaxNo="3", PeriodDate=dt.datetime(2024, 2, 1)),
        entry(2700, "-25.00"),
    ], 10000)
    assert save(client, bundle_list([bundle([v])], DefaultCustomerId=123)) == ("Ok", None)
    first, second, _ = client.ledger()
    assert (first["customer_id"], first["period_date"], first["currency_unit"]) == (123, "2024-01-01", 1)
    assert (first["department_id"], first["project_id"], first["dimensions"]) == (
        7, 42, [{"type": 101, "value": "1"}])
    assert second["period_date"] == "2024-02-01"


def test_S11_a_retry_is_duplicate_data_and_other_content_is_data_already_saved(client):
    blist = bundle_list([bundle([sale(10000)])])
    assert save(client, blist) == ("Ok", None)
    assert save(client, blist) == (
        "DuplicateData", "Voucher with TransactionNo 10000 is already saved (Bundle 1, Voucher 1)")
    other = bundle_list([bundle([sale(10000, net="200.00", vat="50.00")])])
    assert save(client, other) == (
        "DataAlreadySaved",
        "TransactionNo 10000 is already used in entry series 1 for 2024 (Bundle 1, Voucher 1)")
    assert len(client.ledger()) == 3


def test_S_bundles_in_order_each_all_or_nothing_stop_at_first_failure(client):
    good = bundle([sale(10000)])
    half_bad = bundle([sale(10001), voucher([entry(1920, "1.00"), entry(3900, "-2.00")], 1, sort=10)])
    never = bundle([sale(10003)])
    assert save(client, bundle_list([good, half_bad, never])) == (
        "Exception", "Voucher is not in balance. Difference: -1.00 (Bundle 2, Voucher 2)")
    assert {ln["transaction_no"] for ln in client.ledger()} == {10000}
    # the refused bundle's numbers are free again
    assert client.account.GetEntryId({"Date": "2024-02-01T00:00:00", "SortNo": 1, "EntryNo": 0}).EntryNo == 10001


def test_S_unknown_accounts_types_and_dates_outside_the_year_are_refused(client):
    assert save(client, bundle_list([bundle([voucher([entry(1234, "1"), entry(1920, "-1")], 1, sort=10)], sort=10)])) == (
        "Exception", "Account 1234 does not exist (Bundle 1, Voucher 1)")
    assert save(client, bundle_list([bundle([voucher([entry(1920, "1"), entry(3900, "-1")], 1, sort=77)], sort=77)])) == (
        "Exception", "TypeNo 77 does not exist. Use GetTypeList to get valid types (Bundle 1, Voucher 1)")
    late = voucher([entry(1920, "1", dt.date(2025, 1, 1)), entry(3900, "-1", dt.date(2025, 1, 1))], 1, sort=10)
    assert save(client, bundle_list([bundle([late], sort=10)])) == (
        "Exception", "Entry date 2025-01-01 is outside fiscal year 2024 (Bundle 1, Voucher 1)")
    long_comment = voucher([entry(1920, "1", Comment="x" * 76), entry(3900, "-1")], 1, sort=10)
    assert save(client, bundle_list([bundle([long_comment], sort=10)])) == (
        "Exception", "Comment is 76 characters long; at most 75 are allowed (Bundle 1, Voucher 1)")
    assert client.ledger() == []
