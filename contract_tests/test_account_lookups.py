"""E1-E5: numbering and the lookup lists of AccountService, via zeep from the vendor WSDL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import zeep

from helpers import bundle, bundle_list, sale

NO_NEXT = "No next Entry Id found with the provided date and sort"


def entry_no(client, day: str, series: int) -> int:
    return client.account.GetEntryId({"Date": day + "T00:00:00", "SortNo": series, "EntryNo": 0}).EntryNo


def test_E1_next_free_number_of_the_series_for_the_fiscal_year(tfso_new_client):
    client = tfso_new_client(fiscal_years=[2023, 2024])
    result = client.account.GetEntryId({"Date": dt.datetime(2024, 6, 1), "SortNo": 1, "EntryNo": 0})
    assert (result.SortNo, result.EntryNo) == (1, 10000)
    assert result.Date == dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    # GetEntryId does not reserve: asking again gives the same number
    assert entry_no(client, "2024-06-01", 1) == 10000
    assert client.account.SaveBundleList(bundle_list([bundle([sale(10000), sale(10001)])])).Type == "Ok"
    assert entry_no(client, "2024-12-31", 1) == 10002
    assert entry_no(client, "2023-06-01", 1) == 10000  # numbering is per fiscal year
    assert entry_no(client, "2024-06-01", 3) == 30000  # and per series


def test_E2_no_fiscal_year_gives_minus_one_not_a_fault(tfso_new_client):
    client = tfso_new_client(fiscal_years=[2024])
    assert entry_no(client, "2033-01-01", 1) == -1
    assert entry_no(client, "2033-01-01", 999) == -1  # the fiscal year is checked first
    none = tfso_new_client(fiscal_years=[])
    assert entry_no(none, "2024-01-01", 1) == -1


def test_E3_unknown_series_or_empty_series_without_start_faults(tfso_new_client):
    client = tfso_new_client(fiscal_years=[2024])
    for series in (999, 12):  # 12 "Import" has no start number and no entries yet
        with pytest.raises(zeep.exceptions.Fault) as fault:
            entry_no(client, "2024-01-01", series)
        assert fault.value.message == NO_NEXT


def test_E4_type_list_has_positive_types_and_negative_system_types(tfso_client):
    types = tfso_client.account.GetTypeList()
    by_no = {t.TypeNo: (t.TypeId, t.Title, t.EntrySeriesId) for t in types}
    assert by_no[1] == (101, "Utgående faktura", 1)
    assert by_no[3] == (103, "Innbetaling", 3)
    assert by_no[4] == (104, "Inngående faktura", 4)
    assert by_no[10] == (110, "Diverse", 10)
    assert sorted(n for n in by_no if n < 0) == [-4, -3, -2, -1]
    assert by_no[-1] == (191, "Inngående balanse", 90)
    assert len(types) == 16


def test_E5_chart_of_accounts_is_norwegian_standard(tfso_client):
    accounts = {a.AccountNo: a for a in tfso_client.account.GetAccountList()}
    assert accounts[1500].AccountName == "Kundefordringer"
    assert accounts[1920].AccountName == "Bankinnskudd"
    assert accounts[2400].AccountName == "Leverandørgjeld"
    assert accounts[2700].AccountName == "Utgående merverdiavgift"
    assert accounts[2710].AccountName == "Inngående merverdiavgift"
    assert accounts[3000].AccountName == "Salgsinntekt, avgiftspliktig"
    assert (accounts[3000].AccountId, accounts[3000].TaxNo) == (13000, 3)
    assert accounts[1500].TaxNo is None  # 0 equals the WSDL default and is omitted, as ASMX does
    assert len(accounts) == 82


def test_E5_tax_codes_match_the_guide_examples(tfso_client):
    codes = {c.TaxNo: c for c in tfso_client.account.GetTaxCodeList()}
    assert (codes["1"].TaxRate, codes["1"].AccountNo) == (Decimal("25"), 2710)
    assert (codes["2"].TaxRate, codes["2"].AccountNo) == (Decimal("25"), 2700)
    assert (codes["0"].TaxRate, codes["0"].AccountNo, codes["0"].TaxId) == (Decimal("0"), None, 2000)
    assert codes["13"].TaxRate == Decimal("12")


def test_E5_check_account_no_reports_ok_missing_and_name_mismatch(tfso_client):
    result = tfso_client.account.CheckAccountNo({"AccountData": [
        {"AccountNo": 1920, "AccountName": "Bankinnskudd"},
        {"AccountNo": 1921},
        {"AccountNo": 3000, "AccountName": "Sales"},
        {"AccountNo": 1500},
    ]})
    assert [(r.AccountNo, r.Error) for r in result] == [
        (1920, "Ok"), (1921, "AccountDontExist"), (3000, "NameDontMatch"), (1500, "Ok")]
    assert (result[0].AccountId, result[0].AccountName) == (11920, "Bankinnskudd")
    assert result[3].AccountName == "Kundefordringer"
