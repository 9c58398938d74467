"""The ledger's per-client change counter (``ledger/changecount.py``), which a kept REST page is
valid for: a change of one client's book moves that client's count only; a change that may
touch every book (a reset, a client ended, a failed write that named no book) moves all;
sessions and tokens move none. Replayed rows of another process count the same way."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from mockserver import errors
from mockserver.ledger.core import ClientOptions, Ledger
from mockserver.ledger.model import Bundle, BundleList, Entry, Voucher
from mockserver.ledger.store import SqliteStore

DAY = dt.date(2024, 1, 31)


def blist(no: int, amount: str = "10.00") -> BundleList:
    voucher = Voucher(transaction_no=no, sort=10, entries=[
        Entry(date=DAY, account_no=1920, amount=Decimal(amount)),
        Entry(date=DAY, account_no=3900, amount=-Decimal(amount))])
    return BundleList(bundles=[Bundle(year_id=2024, sort=10, vouchers=[voucher])], save_option=0)


def two_clients(ledger):
    a = ledger.books[ledger.create_client(ClientOptions(fiscal_years=[2024]))["client_id"]]
    b = ledger.books[ledger.create_client(ClientOptions(fiscal_years=[2024]))["client_id"]]
    return a, b


def counts(ledger, *books):
    return [ledger.client_changes(bk.client_id) for bk in books]


@pytest.fixture
def ledger():
    led = Ledger()
    led.transaction_no_zero = "next-free"
    return led


def test_a_clients_writes_move_its_own_count_only(ledger):
    a, b = two_clients(ledger)
    before = counts(ledger, a, b)
    assert ledger.save_bundle_list(a, blist(1)).type == "Ok"
    after = counts(ledger, a, b)
    assert after[0] != before[0] and after[1] == before[1]
    line = next(iter(a.lines))
    for change in (lambda: ledger.update_due_dates(a, [(line, DAY)]),
                   lambda: ledger.link_entries(a, [line], ledger.create_link(a), False),
                   lambda: ledger.approve_journal(a.client_id)):
        was = counts(ledger, a, b)
        change()
        now = counts(ledger, a, b)
        assert now[0] != was[0] and now[1] == was[1]


def test_a_refused_bundle_changes_nothing_and_a_failed_write_counts_for_its_book(ledger):
    a, b = two_clients(ledger)
    assert ledger.save_bundle_list(a, blist(1)).type == "Ok"
    was = counts(ledger, a, b)
    assert ledger.save_bundle_list(a, blist(1)).type != "Ok"  # the number is taken: no row
    assert counts(ledger, a, b) == was
    with pytest.raises(errors.VendorError):
        ledger.update_due_dates(a, [(uuid.uuid4(), DAY)])  # no such line: refused
    now = counts(ledger, a, b)
    assert now[0] != was[0] and now[1] == was[1]


def test_sessions_and_tokens_move_nothing_and_a_reset_moves_all(ledger):
    a, b = two_clients(ledger)
    was = counts(ledger, a, b)
    ledger.expire_sessions(a.client_id)
    assert counts(ledger, a, b) == was
    ledger.set_blocked(b.client_id, True)  # not a row of one book: every count moves
    now = counts(ledger, a, b)
    assert now[0] != was[0] and now[1] != was[1]
    ledger.reset()
    assert ledger.client_changes(a.client_id) != now[0]


def test_rows_of_another_process_count_for_their_client(tmp_path):
    path = str(tmp_path / "log.sqlite")
    writer = Ledger(store=SqliteStore(path))
    writer.reset()
    writer.transaction_no_zero = "next-free"
    a, b = two_clients(writer)
    reader = Ledger(store=SqliteStore(path))
    ra, rb = reader.books[a.client_id], reader.books[b.client_id]
    was = counts(reader, ra, rb)
    assert writer.save_bundle_list(a, blist(1)).type == "Ok"
    reader.sync()
    now = counts(reader, ra, rb)
    assert now[0] != was[0] and now[1] == was[1]
    assert len(reader.books[a.client_id].lines) == 2
