"""The REST page's kept line texts (``mockserver/rest/linecache.py``): the same bytes as
rendering every time, and a line changed in any way is rendered again."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from mockserver.ledger import queries
from mockserver.ledger.core import ClientOptions, Ledger
from mockserver.ledger.model import Bundle, BundleList, Entry, Voucher
from mockserver.rest import jsonout
from mockserver.rest.api import render_line, transaction_line
from mockserver.rest.linecache import RenderedLines

T0 = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def ledger():
    led = Ledger()
    led.transaction_no_zero = "next-free"  # the vouchers leave their numbering to the ledger
    led.clock.set(T0)
    return led


@pytest.fixture
def book(ledger):
    info = ledger.create_client(ClientOptions(fiscal_years=[2024]))
    book = ledger.books[info["client_id"]]
    for i in range(5):
        voucher = Voucher(sort=10, entries=[
            Entry(date=dt.date(2024, 1, 1 + i), account_no=1920, amount=Decimal(f"{i}.10"),
                  customer_id=7, comment="a \u00e6 \"quoted\" </tag>"),
            Entry(date=dt.date(2024, 1, 1 + i), account_no=3900, amount=-Decimal(f"{i}.10")),
        ])
        result = ledger.save_bundle_list(book, BundleList(
            bundles=[Bundle(year_id=2024, sort=10, vouchers=[voucher])], save_option=0))
        assert result.type == "Ok", result.description
    return book


def fresh(book, lines, dimensions=False) -> str:
    return jsonout.dumps([transaction_line(r, dimensions) for r in queries.rows(book, lines)])


def lines_of(book):
    return sorted((ln for ln in book.lines.values() if ln.posted), key=book.order_key)


@pytest.mark.parametrize("dimensions", [False, True])
def test_the_kept_page_is_byte_for_byte_a_fresh_rendering(book, dimensions):
    kept = RenderedLines(render_line)
    lines = lines_of(book)
    first = kept.array(book, lines, dimensions)
    assert first == fresh(book, lines, dimensions)
    assert kept.array(book, lines, dimensions) == first
    assert (kept.misses, kept.hits) == (10, 10)


def test_a_line_changed_in_place_is_rendered_again(book):
    """Even by a path that forgets to touch modified_at: every field is part of the state."""
    kept = RenderedLines(render_line)
    lines = lines_of(book)
    kept.array(book, lines, False)
    lines[0].comment = "changed"
    lines[1].due_date = dt.date(2024, 2, 1)
    lines[2].invoice_no = "INV-9"
    again = kept.array(book, lines, False)
    assert again == fresh(book, lines)
    assert '"comment":"changed"' in again and '"dueDate":"2024-02-01"' in again
    assert kept.misses == 10 + 3


def test_a_renamed_account_is_rendered_again(book):
    kept = RenderedLines(render_line)
    lines = lines_of(book)
    kept.array(book, lines, False)
    book.accounts = dict(book.accounts)  # the chart is shared with other books: a copy
    book.accounts[1920] = dataclasses.replace(book.accounts[1920], name="Renamed")
    again = kept.array(book, lines, False)
    assert again == fresh(book, lines) and '"name":"Renamed"' in again


def test_at_most_capacity_lines_are_kept(book):
    kept = RenderedLines(render_line, capacity=4)
    lines = lines_of(book)
    assert kept.array(book, lines, False) == fresh(book, lines)
    assert len(kept._texts) == 4
    assert kept.array(book, lines, False) == fresh(book, lines)
