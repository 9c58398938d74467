"""The memory store is the log interface of the SQLite one (``MemoryLog``): the ledger takes one
code path for both. These tests hold what the two must share, and what the memory log saves."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from mockserver.ledger.core import ClientOptions, Ledger
from mockserver.ledger.model import Bundle, BundleList, Entry, Voucher
from mockserver.ledger.store import MemoryLog, SqliteStore

DAY = dt.date(2024, 1, 31)


def sale(amount: str) -> BundleList:
    entries = [Entry(date=DAY, account_no=1920, amount=Decimal(amount)),
               Entry(date=DAY, account_no=3000, amount=-Decimal(amount))]
    return BundleList(bundles=[Bundle(year_id=2024, sort=10,
                                      vouchers=[Voucher(transaction_no=0, sort=10,
                                                        entries=entries)])])


class Counting(MemoryLog):
    """A memory log that counts the rows it is given and the bodies anyone made."""

    def __init__(self):
        super().__init__()
        self.kinds: list[str] = []
        self.made = 0

    def append(self, kind, body):
        self.kinds.append(kind)
        if not callable(body):
            self.made += 1
        return super().append(kind, body)


@pytest.fixture(params=["memory", "sqlite"])
def ledger(request, tmp_path):
    store = Counting() if request.param == "memory" else SqliteStore(str(tmp_path / "s.sqlite"))
    led = Ledger(store=store)
    led.transaction_no_zero = "next-free"
    led.reset(dataclasses.replace(Ledger.demo_options(), fiscal_years=[2024]))
    return led


def test_client_ids_are_never_taken_twice_across_a_reset_in_either_store(ledger):
    first = ledger.create_client(ClientOptions())["client_id"]
    ledger.reset(dataclasses.replace(Ledger.demo_options(), fiscal_years=[2024]))
    again = ledger.create_client(ClientOptions())["client_id"]
    assert (first, again) == (1001, 1002)
    assert sorted(ledger.books) == [1000, 1002]


def test_a_failed_change_keeps_or_rebuilds_the_books_as_its_store_can(ledger):
    """A transaction that fails after a change: the SQLite store drops the row and rebuilds
    memory from the log; the memory log keeps memory as the change left it (nothing else holds
    the state), as the memory store always did."""
    class Boom(Exception):
        pass

    with pytest.raises(Boom), ledger.transaction():
        ledger.create_client(ClientOptions())
        raise Boom()
    expected = [1000, 1001] if isinstance(ledger.store, MemoryLog) else [1000]
    assert sorted(ledger.books) == expected


def test_the_memory_log_never_builds_the_body_of_a_booking_or_a_login():
    store = Counting()
    led = Ledger(store=store)
    led.transaction_no_zero = "next-free"
    led.reset(dataclasses.replace(Ledger.demo_options(), fiscal_years=[2024]))
    made = store.made
    result = led.save_bundle_list(led.books[1000], sale("100"))
    assert result.type == "Ok"
    assert store.kinds[-1] == "bundles" and store.made == made  # passed as a function, unmade
    assert store.count() == 0  # and no row kept
