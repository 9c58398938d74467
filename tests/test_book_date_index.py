"""ClientBook's date index: counts and page skips (the count tree) agree with a plain sort."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from mockserver.ledger import fixtures
from mockserver.ledger.book import ClientBook
from mockserver.ledger.core import Ledger
from mockserver.ledger.model import Line
from mockserver.ledger.posting import new_line_id

START = dt.date(2024, 1, 1)


def _book() -> ClientBook:
    book = ClientBook(client_id=1, name="index", accounts=fixtures.default_accounts(),
                      tax_codes=fixtures.default_tax_codes(), types=fixtures.default_types(),
                      series=fixtures.default_series())
    Ledger.add_fiscal_year(book, 2024)
    Ledger.add_fiscal_year(book, 2025)
    return book


def _line(book: ClientBook, day: dt.date) -> Line:
    return Line(line_id=new_line_id(), seq=book.next_seq(), transaction_no=1, series_id=1,
                year=day.year, type_no=1, type_id=1, account_no=1920, date=day,
                amount=Decimal(1), posted=True)


def test_counts_and_skips_match_a_plain_sort_while_lines_and_dates_arrive():
    rnd = random.Random(5)
    book = _book()
    known = [START + dt.timedelta(days=rnd.randint(0, 700)) for _ in range(40)]
    lines: list[Line] = []
    for step in range(1500):
        new_day = rnd.random() < 0.1  # a new date shifts the positions of later dates
        day = START + dt.timedelta(days=rnd.randint(0, 700)) if new_day else rnd.choice(known)
        line = _line(book, day)
        book._index(line)
        lines.append(line)
        if step % 50:
            continue
        ordered = sorted(lines, key=lambda ln: (ln.date, ln.seq))
        for _ in range(15):
            a = START + dt.timedelta(days=rnd.randint(-5, 710))
            start = rnd.choice([None, a])
            end = rnd.choice([None, a + dt.timedelta(days=rnd.randint(-3, 400))])
            inside = [ln for ln in ordered
                      if (start is None or ln.date >= start) and (end is None or ln.date < end)]
            assert book.count_ledger_lines(start, end) == len(inside)
            assert list(book.ledger_lines(start, end)) == inside
            skip = rnd.randint(0, len(inside) + 3)
            assert list(book.ledger_lines(start, end, skip=skip)) == inside[skip:]


def test_skip_past_the_end_and_empty_ranges():
    book = _book()
    for day in (dt.date(2024, 3, 1), dt.date(2024, 3, 1), dt.date(2024, 5, 1)):
        book._index(_line(book, day))
    assert list(book.ledger_lines(skip=3)) == []
    assert list(book.ledger_lines(skip=99)) == []
    assert [ln.date for ln in book.ledger_lines(skip=1)] == [dt.date(2024, 3, 1), dt.date(2024, 5, 1)]
    assert book.count_ledger_lines(dt.date(2024, 4, 1), dt.date(2024, 4, 1)) == 0
    assert book.count_ledger_lines(dt.date(2024, 6, 1), dt.date(2024, 1, 1)) == 0
    assert list(book.ledger_lines(dt.date(2024, 6, 1), dt.date(2024, 1, 1), skip=1)) == []
    assert _book().count_ledger_lines() == 0
    assert list(_book().ledger_lines(skip=5)) == []


def test_the_modification_index_answers_as_a_plain_sort_when_lines_arrive_out_of_order():
    """A replay adds lines in booking order whatever their modification time: keys are appended
    and sorted in by the next read; touches and removals in between stay right."""
    rnd = random.Random(11)
    book = _book()
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    lines: list[Line] = []
    for step in range(600):
        line = _line(book, START + dt.timedelta(days=rnd.randint(0, 30)))
        line.modified_at = t0 + dt.timedelta(seconds=rnd.randint(0, 500))
        book._index(line)
        lines.append(line)
        if step % 7 == 0:  # a later change (a link, a due date) of an earlier line
            book.touch(rnd.choice(lines), t0 + dt.timedelta(seconds=rnd.randint(0, 500)))
        if step % 40:
            continue
        ordered = sorted(lines, key=lambda ln: (ln.modified_at, ln.seq))
        a = t0 + dt.timedelta(seconds=rnd.randint(0, 500))
        start, end = rnd.choice([None, a]), rnd.choice([None, a + dt.timedelta(seconds=120)])
        assert list(book.changed_lines(start, end)) == [
            ln for ln in ordered
            if (start is None or ln.modified_at >= start) and (end is None or ln.modified_at < end)]
