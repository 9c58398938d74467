"""Unit tests of ledger/views.py (the dashboard's vouchers), with no HTTP in between: the pages
of vouchers against a plain grouping of every posted line, and the next numbers against
GetEntryId's own rule."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from mockserver.ledger import views
from mockserver.ledger.core import ClientOptions, Ledger
from mockserver.ledger.model import Bundle, BundleList, Entry, Voucher


@pytest.fixture
def ledger():
    ledger = Ledger()
    ledger.transaction_no_zero = "next-free"  # post() leaves the numbering to the ledger
    return ledger


@pytest.fixture
def client_id(ledger):
    return ledger.create_client(ClientOptions(fiscal_years=[2024, 2025]))["client_id"]


def post(ledger, client_id, day: dt.date, amount: str, account: int = 1920,
         save_option: int = 0, sort: int = 10) -> None:
    voucher = Voucher(sort=sort, entries=[
        Entry(date=day, account_no=account, amount=Decimal(amount), comment=f"{account} {amount}"),
        Entry(date=day, account_no=3900, amount=-Decimal(amount)),
    ])
    result = ledger.save_bundle_list(ledger.books[client_id], BundleList(
        bundles=[Bundle(year_id=day.year, sort=sort, vouchers=[voucher])], save_option=save_option))
    assert result.type == "Ok", result.description


def by_scan(ledger, client_id, start, end, account):
    """The expected voucher numbers: every posted line read, grouped by hand."""
    book = ledger.books[client_id]
    lines = sorted((ln for ln in book.lines.values() if ln.posted),
                   key=lambda ln: (ln.date, book.order_key(ln)[1]))
    keys = []
    for ln in lines:
        if start is not None and ln.date < start or end is not None and ln.date > end:
            continue
        if account is not None and ln.account_no != account:
            continue
        key = (ln.series_id, ln.year, ln.transaction_no)
        if key not in keys:
            keys.append(key)
    return keys


def test_pages_of_vouchers_match_a_plain_grouping(ledger, client_id):
    rnd = random.Random(16)
    for _ in range(120):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=rnd.randrange(500))
        post(ledger, client_id, day, f"{rnd.randrange(1, 5000)}.{rnd.randrange(100):02d}",
             account=rnd.choice([1920, 1500, 6300]), save_option=rnd.choice([0, 0, 1]))
    for start, end, account in ((None, None, None), (dt.date(2024, 3, 1), dt.date(2024, 9, 30), None),
                                (None, dt.date(2024, 12, 31), 1500), (dt.date(2025, 1, 1), None, 6300),
                                (dt.date(2024, 2, 2), dt.date(2024, 2, 2), None)):
        want = by_scan(ledger, client_id, start, end, account)
        got, offset = [], 0
        while True:
            page = views.ledger_vouchers(ledger, client_id, start, end, account, offset, limit=7)
            got += [(v.series_id, v.year, v.transaction_no) for v in page.vouchers]
            offset += 7
            if not page.more:
                break
            assert len(page.vouchers) == 7
        assert got == want


def test_a_voucher_has_its_lines_and_sums(ledger, client_id):
    post(ledger, client_id, dt.date(2024, 5, 17), "1234.50")
    (v,) = views.ledger_vouchers(ledger, client_id).vouchers
    assert (v.series_id, v.year, v.transaction_no, v.type_no) == (10, 2024, 1, 10)
    assert v.date == dt.date(2024, 5, 17) and v.posted
    assert [(r.account_no, r.amount, r.comment) for r in v.rows] == [
        (1920, Decimal("1234.50"), "1920 1234.50"), (3900, Decimal("-1234.50"), "")]
    assert (v.debit, v.credit, v.balance) == (Decimal("1234.50"), Decimal("1234.50"), 0)
    assert views.ledger_vouchers(ledger, client_id).lines_in_range == 2


def test_drafts_and_their_count(ledger, client_id):
    for i in range(5):
        post(ledger, client_id, dt.date(2024, 1, 1 + i), f"{i + 1}.00", save_option=1)
    shown, total = views.journal_vouchers(ledger, client_id, limit=3)
    assert total == 5
    assert [v.transaction_no for v in shown] == [1, 2, 3]
    assert not any(v.posted for v in shown)
    assert views.ledger_vouchers(ledger, client_id).vouchers == ()


def test_next_numbers_are_getentryid_s(ledger, client_id):
    post(ledger, client_id, dt.date(2024, 3, 1), "10.00", sort=1)  # series 1 starts at 10000
    series = {s.series_id: s for s in views.entry_series(ledger, client_id)}
    book = ledger.books[client_id]
    for s in series.values():
        for year, number in s.next_numbers:
            try:
                expected = ledger.entry_id(book, dt.date(year, 1, 1), s.series_id)
            except Exception:
                expected = None
            assert number == expected
    assert dict(series[1].next_numbers) == {2024: 10001, 2025: 10000}
    assert dict(series[12].next_numbers) == {2024: None, 2025: None}  # no start number (E3)
