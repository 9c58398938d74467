"""Books replayed after start-up (``ledger/deferred.py``): a ledger over a SQLite log answers for
one client while another client's heavy rows still wait, and a book is never read half replayed:
whoever reads it first replays the rest, and the books equal a full replay at start-up."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from decimal import Decimal
from uuid import UUID

import pytest

from mockserver import errors
from mockserver.ledger.core import ClientOptions, Ledger
from mockserver.ledger.deferred import Deferred
from mockserver.ledger.model import Bundle, BundleList, Entry, Voucher
from mockserver.ledger.store import SqliteStore

DAY = dt.date(2024, 1, 31)


def blist(*vouchers, save_option=0) -> BundleList:
    return BundleList(bundles=[Bundle(year_id=2024, sort=10, vouchers=list(vouchers))],
                      save_option=save_option)


def v(*pairs) -> Voucher:
    return Voucher(transaction_no=0, sort=10,
                   entries=[Entry(date=DAY, account_no=a, amount=Decimal(x)) for a, x in pairs])


def open_ledger(path, budget: float | None = None) -> Ledger:
    """A ledger over ``path``; ``budget``: seconds start-up replays queued rows itself."""
    ledger = Ledger.__new__(Ledger)
    if budget is not None:
        ledger.startup_budget_s = budget
    Ledger.__init__(ledger, store=SqliteStore(str(path)))
    ledger.transaction_no_zero = "next-free"
    if ledger.is_empty():
        ledger.reset(dataclasses.replace(Ledger.demo_options(), fiscal_years=[2024]))
    return ledger


def state(ledger: Ledger, cid: int) -> dict:
    """Everything a client's book answers with: lines, numbering, links, series, years."""
    snap = ledger.snapshot(cid)
    book = ledger.books[cid]
    return {**snap, "last": dict(book.last_number), "links": {k: sorted(x) for k, x in book.links.items()},
            "series": dict(book.series), "years": sorted(book.fiscal_years),
            "next": ledger.entry_id(book, DAY, book.types[10].series_id)}


@pytest.fixture
def path(tmp_path):
    """A log: the demo client with 60 vouchers, links, a due date, a journal approved and a
    series; a second client with one voucher, made after them."""
    p = tmp_path / "state.sqlite"
    led = open_ledger(p)
    book = led.books[1000]
    for i in range(60):
        assert led.save_bundle_list(book, blist(v((1920, f"{i}.5"), (3000, f"-{i}.5")))).type == "Ok"
    assert led.save_bundle_list(book, blist(v((1920, "7"), (3000, "-7")), save_option=1)).type == "Ok"
    ids = [UUID(ln["line_id"]) for ln in led.snapshot(1000)["ledger"][:4]]
    link = led.create_link(book)
    led.link_entries(book, ids, link, replace=False)
    led.update_due_dates(book, [(ids[0], dt.date(2024, 3, 1))])
    led.approve_journal(1000)
    led.put_series(1000, 42, "Import", 500)
    other = led.create_client(ClientOptions(fiscal_years=[2024]))["client_id"]
    assert led.save_bundle_list(led.books[other], blist(v((1920, "1"), (3000, "-1")))).type == "Ok"
    led.store.close()
    return p


@pytest.fixture
def no_thread(monkeypatch):
    """The background replay does not run: a queue is replayed only by its first reader."""
    monkeypatch.setattr(Deferred, "_run", lambda self: None)


def test_a_queued_book_is_replayed_whole_by_its_first_reader(path, no_thread):
    full = open_ledger(path, budget=60)
    assert not full.deferred.pending
    lazy = open_ledger(path, budget=0)
    assert sorted(lazy.deferred.pending) == [1000, 1001]  # every client with booked lines
    # the other client is served while the demo client's rows still wait
    assert state(lazy, 1001) == state(full, 1001)
    assert 1000 in lazy.deferred.pending
    assert lazy.credentials == full.credentials  # clients and users are read at start-up
    assert state(lazy, 1000) == state(full, 1000)
    assert not lazy.deferred.pending


def test_the_background_replay_never_shows_a_half_read_book(path):
    full = open_ledger(path, budget=60)
    expected = state(full, 1000)
    for _ in range(5):
        lazy = open_ledger(path, budget=0)
        seen = []
        reader = threading.Thread(target=lambda led=lazy, out=seen: out.append(state(led, 1000)))
        reader.start()  # races the replay thread for the lock
        reader.join(60)
        assert seen == [expected]
        assert lazy.deferred.wait(60)
        assert state(lazy, 1001) == state(full, 1001)


def test_rows_written_elsewhere_for_a_queued_book_join_its_queue(path, no_thread):
    lazy = open_ledger(path, budget=0)
    writer = open_ledger(path, budget=60)
    assert writer.save_bundle_list(writer.books[1000], blist(v((1920, "3"), (3000, "-3")))).type == "Ok"
    lazy.sync()
    assert 1000 in lazy.deferred.pending  # behind the rows it already waited for
    expected = state(writer, 1000)
    assert state(lazy, 1000) == expected
    result = lazy.save_bundle_list(lazy.books[1000], blist(v((1920, "4"), (3000, "-4"))))
    assert result.type == "Ok" and result.vouchers[0][2] == expected["next"]


def test_a_client_ended_while_queued_drops_its_rows(path, no_thread):
    lazy = open_ledger(path, budget=0)
    writer = open_ledger(path, budget=60)
    writer.forget_client({"client_id": 1001, **writer.credentials[1001]})
    lazy.sync()
    assert 1001 not in lazy.deferred.pending and 1001 not in lazy.books


def test_an_unreadable_queued_row_is_raised_to_every_reader_of_that_book(path, no_thread):
    store = SqliteStore(str(path))
    row = store.conn.execute("SELECT max(id) FROM log WHERE kind = 'bundles' AND "
                             "json_extract(body, '$.c') = 1000").fetchone()[0]
    store.conn.execute("UPDATE log SET body = json_set(body, '$.now', 'yesterday') WHERE id = ?",
                       (row,))
    store.close()
    with pytest.raises(errors.LogRowUnreadable):  # read at start-up: the server does not start
        open_ledger(path, budget=60)
    lazy = open_ledger(path, budget=0)
    assert state(lazy, 1001)["ledger"]  # the other client is served
    for _ in range(2):
        with pytest.raises(errors.LogRowUnreadable, match=f"log row {row} \\(bundles\\)"):
            lazy.book(1000)
    with pytest.raises(errors.LogRowUnreadable):
        list(lazy.books.values())
