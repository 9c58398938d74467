"""K1-K2: links between ledger lines and due dates, via zeep from the vendor WSDL."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import zeep

from helpers import bundle, bundle_list, entry, sale, voucher


@pytest.fixture
def client(tfso_new_client):
    c = tfso_new_client(fiscal_years=[2024])
    assert c.account.SaveBundleList(bundle_list([bundle([sale(10000), sale(10001)])])).Type == "Ok"
    return c


def links(client) -> dict:
    return {ln["line_id"]: ln["link_id"] for ln in client.ledger()}


def test_K1_create_link_then_add_and_replace_link_entries(client):
    lines = client.ledger()
    first, second = client.account.CreateLink(), client.account.CreateLink()
    assert (first, second) == (1, 2)
    ids = [lines[0]["line_id"], lines[3]["line_id"]]
    assert client.account.AddLinkEntries({"LineIds": {"guid": ids}, "LinkId": first}) is True
    assert [links(client)[i] for i in ids] == [first, first]
    # adding another line to an existing link
    assert client.account.AddLinkEntries({"LineIds": {"guid": [lines[1]["line_id"]]}, "LinkId": first}) is True
    assert links(client)[lines[1]["line_id"]] == first
    # replacing moves every line of the old link to the new one
    assert client.account.ReplaceLinkEntries({"LineIds": {"guid": [ids[0]]}, "LinkId": second}) is True
    now = links(client)
    assert [now[ids[0]], now[ids[1]], now[lines[1]["line_id"]]] == [second, second, second]


def test_K1_unknown_lines_and_links_fault_and_change_nothing(client):
    lines = client.ledger()
    link = client.account.CreateLink()
    missing = str(uuid.UUID(int=7))
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.account.AddLinkEntries({"LineIds": {"guid": [lines[0]["line_id"], missing]}, "LinkId": link})
    assert (fault.value.message, fault.value.code) == (f"LineId {missing} was not found", "soap:Client")
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.account.AddLinkEntries({"LineIds": {"guid": [lines[0]["line_id"]]}, "LinkId": 999})
    assert fault.value.message == "LinkId 999 was not found"
    assert set(links(client).values()) == {None}


def test_K1_update_entry_due_date_returns_the_updated_items(client):
    line_id = client.ledger()[0]["line_id"]
    result = client.account.UpdateEntryDueDate({"EntryItem": [{"LineId": line_id, "DueDate": dt.datetime(2024, 3, 15)}]})
    assert [(r.LineId, r.DueDate) for r in result] == [(line_id, dt.datetime(2024, 3, 15, tzinfo=dt.UTC))]
    assert client.ledger()[0]["due_date"] == "2024-03-15"


def test_K2_new_entry_linked_to_an_existing_line(client):
    invoice_line = client.ledger()[0]  # the receivable of invoice 10000
    link_guid = str(uuid.uuid4())
    payment = voucher([
        entry(1920, "125.00", dt.date(2024, 2, 10)),
        entry(1500, "-125.00", dt.date(2024, 2, 10), CustomerId=123, LinkId=link_guid,
              Links={"LinkModel": [{"LineId": invoice_line["line_id"], "LinkId": link_guid}]}),
    ], 30000, sort=3)
    assert client.account.SaveBundleList(bundle_list([bundle([payment], sort=3)])).Type == "Ok"
    lines = client.ledger()
    paid = next(ln for ln in lines if ln["transaction_no"] == 30000 and ln["account_no"] == 1500)
    assert paid["link_id"] is not None
    assert links(client)[invoice_line["line_id"]] == paid["link_id"]


def test_K2_linking_two_entries_of_the_same_bundle_is_refused(client):
    link_guid = str(uuid.uuid4())
    v = voucher([
        entry(1920, "10.00", LinkId=link_guid),
        entry(3900, "-10.00", Links={"LinkModel": [{"LinkId": link_guid}]}),
    ], 1, sort=10)
    result = client.account.SaveBundleList(bundle_list([bundle([v], sort=10)]))
    assert (result.Type, result.Description) == (
        "Exception",
        "It is not possible to link two entries when they are both in the bundle that is being "
        "saved (Bundle 1, Voucher 1)")
    assert len(client.ledger()) == 6
