"""ClientBook's secondary indexes (account, type, customer, invoice number, voucher number,
link): every filtered page and every GetTransactions search answers exactly what a full scan of
the date index answers, while vouchers arrive out of date order, go to the journal and are
approved later (which puts their lines after later bookings of the same date)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from mockserver.ledger import fixtures, queries
from mockserver.ledger.book import ClientBook
from mockserver.ledger.core import Ledger
from mockserver.ledger.model import Account, Line, VoucherRecord
from mockserver.ledger.posting import new_line_id
from mockserver.ledger.queries import LineFilter, TransactionSearch

START = dt.date(2024, 1, 1)
NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
ACCOUNTS = (1500, 1920, 1921, 2400, 3000, 7770)
INVOICES = ("", "", "10001", "10002", "10003")


def _book() -> ClientBook:
    book = ClientBook(client_id=1, name="index", accounts=dict(fixtures.default_accounts()),
                      tax_codes=fixtures.default_tax_codes(), types=fixtures.default_types(),
                      series=fixtures.default_series())
    Ledger.add_fiscal_year(book, 2024)
    # two account numbers under one AccountId: an accountId filter reads both lists
    book.accounts[1921] = Account(account_id=book.accounts[1920].account_id, account_no=1921,
                                  name="Bank 2")
    return book


def _voucher(book: ClientBook, rnd: random.Random, number: int, posted: bool) -> None:
    """A voucher numbered ``number`` in a series where that number is free (numbers repeat
    across series, as they do in a real client)."""
    day = START + dt.timedelta(days=rnd.randint(0, 60))
    free = [k for k in ((1, 1, 1), (3, 3, 3), (4, 4, 4)) if (k[0], 2024, number) not in book.vouchers]
    if not free:
        return
    series_id, type_id, type_no = rnd.choice(free)
    lines = []
    for pos in range(1, rnd.randint(2, 4) + 1):
        lines.append(Line(
            line_id=new_line_id(), seq=book.next_seq(), transaction_no=number,
            series_id=series_id, year=day.year, type_no=type_no, type_id=type_id,
            account_no=rnd.choice(ACCOUNTS), date=day if rnd.random() < 0.9 else day
            + dt.timedelta(days=1), amount=Decimal(rnd.randint(-500, 500)),
            customer_id=rnd.choice((0, 0, 10001, 10002)), invoice_no=rnd.choice(INVOICES),
            sequence_no=pos, currency=rnd.choice(("", "NOK", "EUR")), created_at=NOW,
            modified_at=NOW if posted else None, posted=posted))
    rec = VoucherRecord(series_id=series_id, year=day.year, transaction_no=number,
                        type_no=type_no, fingerprint="", line_ids=[ln.line_id for ln in lines],
                        posted=posted)
    book.add_voucher(rec, lines, [], [])


def _scan_page(book: ClientBook, f: LineFilter, limit: int, page: int):
    """The answer without the secondary indexes: read the date range, test every line."""
    numbers = {a.account_no for a in book.accounts.values() if a.account_id == f.account_id}

    def keep(ln: Line) -> bool:
        return ((f.transaction_no is None or ln.transaction_no == f.transaction_no)
                and (f.type_id is None or ln.type_id == f.type_id)
                and (f.customer_id is None or ln.customer_id == f.customer_id)
                and (f.account_no is None or ln.account_no == f.account_no)
                and (f.invoice_no is None or ln.invoice_no == f.invoice_no)
                and (f.account_id is None or ln.account_no in numbers)
                and (f.currency is None or queries.currency_code(ln) == f.currency.upper()))

    hits = [ln for ln in book.ledger_lines(f.date_from, f.date_to) if keep(ln)]
    first = (page - 1) * limit
    return hits[first:first + limit], len(hits) > first + limit


def _scan_search(book: ClientBook, s: TransactionSearch):
    first, after = queries.entry_date_range(s.start.date(), s.end.date())
    if after <= first:
        return []
    tests = queries._search_tests(book, s)
    return [ln for ln in book.ledger_lines(first, after) if all(t(ln) for t in tests)]


def _random_filter(rnd: random.Random, book: ClientBook) -> LineFilter:
    a = START + dt.timedelta(days=rnd.randint(-3, 62))
    given = rnd.sample(["transaction_no", "type_id", "customer_id", "account_id", "account_no",
                        "invoice_no", "currency"], rnd.choice((1, 1, 1, 2, 3)))
    values = {
        "transaction_no": Decimal(rnd.randint(1, 120)) + rnd.choice((0, 0, 0, Decimal("0.5"))),
        "type_id": rnd.choice((1, 3, 4, 99)),
        "customer_id": rnd.choice((0, 10001, 10002, 5)),
        "account_id": rnd.choice([book.accounts[n].account_id for n in ACCOUNTS] + [-1]),
        "account_no": rnd.choice(ACCOUNTS + (9999,)),
        "invoice_no": rnd.choice(INVOICES + ("nope",)),
        "currency": rnd.choice(("nok", "EUR")),
    }
    return LineFilter(date_from=a, date_to=a + dt.timedelta(days=rnd.randint(0, 70)),
                      **{k: values[k] for k in given})


def _random_search(rnd: random.Random) -> TransactionSearch:
    a = dt.datetime(2024, 1, 1) + dt.timedelta(days=rnd.randint(-3, 62))
    kw: dict = {"start": a, "end": a + dt.timedelta(days=rnd.randint(0, 70))}
    for _ in range(rnd.choice((1, 1, 2))):
        pick = rnd.randrange(7)
        if pick == 0:
            lo = rnd.choice(ACCOUNTS)
            kw["account_no_start"], kw["account_no_end"] = lo, rnd.choice((lo, lo + 1000, 9999))
        elif pick == 1:
            kw["account_no_start" if rnd.random() < 0.5 else "account_no_end"] = rnd.choice(ACCOUNTS)
        elif pick == 2:
            lo = rnd.randint(0, 120)
            kw["transaction_no_start"], kw["transaction_no_end"] = lo, lo + rnd.randint(-1, 3)
        elif pick == 3:
            kw["customer_id"] = rnd.choice((0, 10001, 10002))
        elif pick == 4:
            kw["invoice_no"] = rnd.choice(INVOICES)
        elif pick == 5:
            kw["type_id"] = rnd.choice((1, 3, 4))
        else:
            kw["link_id"] = rnd.randint(1, 4)
    return TransactionSearch(**kw)


def test_indexed_answers_equal_a_full_scan():
    for seed in range(6):
        rnd = random.Random(seed)
        book = _book()
        links = [book.new_link() for _ in range(4)]
        for step in range(300):
            _voucher(book, rnd, number=rnd.randint(1, 120), posted=rnd.random() < 0.7) \
                if rnd.random() < 0.95 else None
            if rnd.random() < 0.03:
                book.post_journal(NOW + dt.timedelta(seconds=step))
            if rnd.random() < 0.05 and book.lines:
                chosen = rnd.sample(sorted(book.lines), min(3, len(book.lines)))
                book.set_link(chosen, rnd.choice(links), NOW)
            if step % 10:
                continue
            for _ in range(20):
                f = _random_filter(rnd, book)
                limit, page = rnd.choice((1, 3, 50)), rnd.randint(1, 6)
                assert queries.find_lines(book, f, limit, page) == _scan_page(book, f, limit, page), f
                s = _random_search(rnd)
                assert queries.search_transactions(book, s) == _scan_search(book, s), s


def test_a_journal_line_approved_late_sorts_after_later_bookings_of_its_date():
    book = _book()
    rnd = random.Random(1)
    for number, posted in ((1, False), (2, True), (3, False), (4, True)):
        _voucher(book, rnd, number, posted)
    book.post_journal(NOW)
    f = LineFilter(date_from=START, date_to=START + dt.timedelta(days=100), account_no=1920)
    assert queries.find_lines(book, f, 1000, 1) == _scan_page(book, f, 1000, 1)
    for number in range(1, 5):
        s = TransactionSearch(start=dt.datetime(2024, 1, 1), end=dt.datetime(2024, 12, 31),
                              transaction_no_start=number, transaction_no_end=number)
        assert queries.search_transactions(book, s) == _scan_search(book, s)


def test_a_huge_or_fractional_transaction_number_is_tested_not_looked_up():
    book = _book()
    _voucher(book, random.Random(2), 7, True)
    for value in ("1e999999999", "-1e999999999", "7.5", "7.0", "7"):
        f = LineFilter(date_from=START, date_to=START + dt.timedelta(days=100),
                       transaction_no=Decimal(value))
        assert queries.find_lines(book, f, 50, 1) == _scan_page(book, f, 50, 1)
