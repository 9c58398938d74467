"""M6: AccountService V002 on the same ledger as V004, in its own shape (``bundlelist``,
Entry.AccountId from its own GetAccountList, Period, ``DublicateData``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import zeep
import zeep.exceptions


def e(account_id: int, amount: str, day=dt.datetime(2024, 1, 31), **kw) -> dict:
    return {"AccountId": account_id, "Date": day, "Amount": Decimal(amount), **kw}


def blist(*vouchers, save_option=0, year=2024) -> dict:
    return {"SaveOption": save_option, "Bundles": {"Bundle": [
        {"YearId": year, "Sort": 1, "Name": "v002", "Vouchers": {"Voucher": list(vouchers)}}]}}


def v(no: int, *entries) -> dict:
    return {"TransactionNo": no, "Sort": 1, "Entries": {"Entry": list(entries)}}


def ids(client) -> dict[int, int]:
    return {a.AccountNo: a.AccountId for a in client.account_v002.GetAccountList()}


def test_M6_account_list_and_lookups_match_v004(master_client):
    client = master_client(fiscal_years=[2024])
    old, new = client.account_v002, client.account
    assert [(a.AccountId, a.AccountNo, a.AccountName) for a in old.GetAccountList()] == [
        (a.AccountId, a.AccountNo, a.AccountName) for a in new.GetAccountList()]
    assert [t.TypeNo for t in old.GetTypeList()] == [t.TypeNo for t in new.GetTypeList()]
    assert [t.TaxNo for t in old.GetTaxCodeList()] == [t.TaxNo for t in new.GetTaxCodeList()]
    assert old.GetEntryId({"Date": dt.datetime(2024, 6, 1), "SortNo": 1, "EntryNo": 0}).EntryNo == 10000
    checked = old.CheckAccountNo({"AccountData": [{"AccountNo": 1920}, {"AccountNo": 1}]})
    assert [c.Error for c in checked] == ["Ok", "AccountDontExist"]


def test_M6_posts_on_the_same_ledger_with_account_id_and_period(master_client):
    client = master_client(fiscal_years=[2024])
    acc = ids(client)
    result = client.account_v002.SaveBundleList(blist(v(
        10000, e(acc[1500], "125.00", CustomerId=123, Period=2, InvoiceReferenceNo="77"),
        e(acc[3000], "-100.00", TaxNo="3"), e(acc[2700], "-25.00"))))
    assert (result.Type, result.Description) == ("Ok", None)
    lines = client.ledger()
    assert [(ln["account_no"], ln["amount"], ln["period_date"], ln["customer_id"]) for ln in lines] == [
        (1500, "125.00", "2024-02-01", 123), (3000, "-100.00", "2024-01-01", 0),
        (2700, "-25.00", "2024-01-01", 0)]
    # V004 numbers on after it
    nxt = client.account.GetEntryId({"Date": dt.datetime(2024, 6, 1), "SortNo": 1, "EntryNo": 0})
    assert nxt.EntryNo == 10001


def test_M6_its_own_result_spellings_and_documented_behaviours(master_client):
    client = master_client(fiscal_years=[2024])
    acc = ids(client)
    sale = v(10000, e(acc[1500], "125.00", CustomerId=123), e(acc[3000], "-100.00", TaxNo="3"),
             e(acc[2700], "-25.00"))
    assert client.account_v002.SaveBundleList(blist(sale)).Type == "Ok"
    again = client.account_v002.SaveBundleList(blist(sale))
    assert again.Type == "DublicateData"
    other = v(10000, e(acc[1920], "5"), e(acc[3000], "-5"))
    assert client.account_v002.SaveBundleList(blist(other)).Type == "DataAlreadySaved"
    no_year = client.account_v002.SaveBundleList(blist(v(0, e(acc[1920], "5", dt.datetime(2030, 1, 1)),
                                                         e(acc[3000], "-5", dt.datetime(2030, 1, 1))), year=2030))
    assert (no_year.Type, no_year.Description) == ("Exception", "Could not finish last Bundle! iError:2")
    vat = client.account_v002.SaveBundleList(blist(v(0, e(acc[1500], "100"), e(acc[3000], "-100", TaxNo="3"))))
    assert vat.Type == "Exception"
    assert vat.Description.startswith("Voucher has a vat code that does not have a corresponding vat amount")
    unknown = client.account_v002.SaveBundleList(blist(v(0, e(424242, "1"), e(acc[3000], "-1"))))
    assert (unknown.Type, unknown.Description) == (
        "Exception", "AccountId 424242 does not exist (Bundle 1, Voucher 1)")


def test_M6_without_a_session(master_client):
    client = master_client()
    client.http.cookies.clear()
    assert client.account_v002.SaveBundleList(blist()).Type == "NotAuthenticated"
    with pytest.raises(zeep.exceptions.Fault):
        client.account_v002.GetAccountList()


def test_M6_entry_id_minus_one_and_stamp_no_posted_once(master_client):
    client = master_client(fiscal_years=[2024])
    acc = ids(client)
    assert client.account_v002.GetEntryId(
        {"Date": dt.datetime(2033, 1, 1), "SortNo": 1, "EntryNo": 0}).EntryNo == -1
    first = v(1, e(acc[1920], "5", StampNo=4711), e(acc[3000], "-5"))
    assert client.account_v002.SaveBundleList(blist(first)).Type == "Ok"
    second = client.account_v002.SaveBundleList(blist(v(2, e(acc[1920], "6", StampNo=4711),
                                                        e(acc[3000], "-6"))))
    assert (second.Type, second.Description) == ("Exception", "Attachment is posted in the journal")


def test_W9_save_bundle_list_without_bundlelist_is_a_server_fault(master_client):
    """ASMX convention (W9): the missing ``bundlelist`` reaches the web method as null: soap:Server
    with .NET's NullReferenceException text (before: a soap:Client "bundlelist is required.")."""
    client = master_client(fiscal_years=[2024])
    with pytest.raises(zeep.exceptions.Fault) as caught:
        client.account_v002.SaveBundleList(None)
    assert (caught.value.code, caught.value.message) == (
        "soap:Server", "Server was unable to process request. ---> Object reference not set to "
        "an instance of an object.")
    assert client.ledger() == []


def test_M6_a_refused_bundle_keeps_the_bundles_before_it_as_v004_does(master_client):
    """S: bundles in order, each all-or-nothing, the first refused one stops the list and the
    ones before it stay saved. V002's own refusals (an unknown AccountId, a Period that is no
    month) refused the whole list before (bundle 1 was not saved)."""
    client = master_client(fiscal_years=[2024])
    acc = ids(client)

    def bundle(*vouchers) -> dict:
        return {"YearId": 2024, "Sort": 1, "Name": "v002", "Vouchers": {"Voucher": list(vouchers)}}

    for bad, text in ((e(424242, "7"), "AccountId 424242 does not exist (Bundle 2, Voucher 1)"),
                      (e(acc[1920], "7", Period=13),
                       "Period 13 is not a month (1-12) (Bundle 2, Voucher 1)")):
        first = 10000 + len(client.ledger()) // 2
        result = client.account_v002.SaveBundleList({"SaveOption": 0, "Bundles": {"Bundle": [
            bundle(v(first, e(acc[1920], "5"), e(acc[3000], "-5"))),
            bundle(v(first + 1, bad, e(acc[3000], "-7"))),
            bundle(v(first + 2, e(acc[1920], "9"), e(acc[3000], "-9")))]}})
        assert (result.Type, result.Description) == ("Exception", text)
        assert [(ln["transaction_no"], ln["amount"]) for ln in client.ledger()][-2:] == [
            (first, "5"), (first, "-5")]
    refused = client.account_v002.SaveBundleList(blist(v(10005, e(acc[1920], "1", Period=-1),
                                                          e(acc[3000], "-1"))))
    assert (refused.Type, refused.Description) == (
        "Exception", "Period -1 is not a month (1-12) (Bundle 1, Voucher 1)")
    assert len(client.ledger()) == 4
