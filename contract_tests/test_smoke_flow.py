"""The whole posting flow a new integrator runs first, through zeep from the vendor WSDL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from helpers import bundle, bundle_list, sale


def test_login_typelist_entryid_save_and_read_back(tfso_new_client):
    tfso_client = tfso_new_client(fiscal_years=[2024])
    types = tfso_client.account.GetTypeList()
    outgoing = next(t for t in types if t.TypeNo == 1)
    nxt = tfso_client.account.GetEntryId({"Date": dt.datetime(2024, 3, 1), "SortNo": outgoing.EntrySeriesId, "EntryNo": 0})
    assert nxt.EntryNo == 10000
    result = tfso_client.account.SaveBundleList(
        bundle_list([bundle([sale(nxt.EntryNo, day=dt.date(2024, 3, 1))], year=2024)])
    )
    assert (result.Type, result.Description) == ("Ok", None)
    lines = tfso_client.ledger()
    assert [(ln["account_no"], ln["amount"]) for ln in lines] == [
        (1500, "125.00"), (3000, "-100.00"), (2700, "-25.00")]
    assert tfso_client.account.GetEntryId({"Date": dt.datetime(2024, 3, 1), "SortNo": 1, "EntryNo": 0}).EntryNo == 10001
    assert Decimal(lines[0]["amount"]) == Decimal("125.00")
