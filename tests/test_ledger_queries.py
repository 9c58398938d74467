"""Unit tests of ledger/queries.py, the book's modification index and ledger/tokens.py (T1, R2,
A5), with no SOAP or HTTP in between."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from mockserver.errors import ExpiredToken, InvalidToken, OAuthError
from mockserver.ledger import queries
from mockserver.ledger.core import ClientOptions, Ledger
from mockserver.ledger.model import Bundle, BundleList, Entry, Voucher
from mockserver.rest import jsonout

T0 = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def ledger():
    led = Ledger()
    led.clock.set(T0)
    led.transaction_no_zero = "next-free"  # post() leaves the numbering to the ledger
    return led


@pytest.fixture
def book(ledger):
    info = ledger.create_client(ClientOptions(fiscal_years=[2024]))
    return ledger.books[info["client_id"]]


def post(ledger, book, day: dt.date, amount: str, save_option: int = 0, customer: int = 0):
    voucher = Voucher(sort=10, entries=[
        Entry(date=day, account_no=1920, amount=Decimal(amount), customer_id=customer),
        Entry(date=day, account_no=3900, amount=-Decimal(amount)),
    ])
    result = ledger.save_bundle_list(book, BundleList(
        bundles=[Bundle(year_id=2024, sort=10, vouchers=[voucher])], save_option=save_option))
    assert result.type == "Ok", result.description


def by_scan(book, start, end):
    """What the modification index must answer, by looking at every posted line."""
    found = [ln for ln in book.lines.values() if ln.posted and start <= ln.modified_at < end]
    return sorted(found, key=lambda ln: (ln.modified_at, ln.seq))


def test_T1_modification_index_follows_links_due_dates_and_approval(ledger, book):
    rnd = random.Random(7)
    for i in range(40):
        ledger.clock.advance(1)
        post(ledger, book, dt.date(2024, 1, 1) + dt.timedelta(days=i), f"{i + 1}.00",
             save_option=i % 3 == 0 and 1 or 0)
    for _ in range(60):
        ledger.clock.advance(rnd.choice([0, 0.001, 1]))
        lines = list(book.lines)
        what = rnd.choice(["link", "due", "approve"])
        if what == "link":
            link = ledger.create_link(book)
            ledger.link_entries(book, rnd.sample(lines, 3), link, replace=rnd.random() < 0.5)
        elif what == "due":
            ledger.update_due_dates(book, [(rnd.choice(lines), dt.date(2024, 12, 31))])
        else:
            book.post_journal(ledger.clock.now())
        for start, end in ((T0, T0 + dt.timedelta(days=1)),
                           (T0 + dt.timedelta(seconds=20), T0 + dt.timedelta(seconds=45))):
            assert list(book.changed_lines(start, end)) == by_scan(book, start, end)
    assert len(list(book.changed_lines())) == sum(1 for ln in book.lines.values() if ln.posted)


def test_T1_search_uses_the_date_index_and_date_end_is_inclusive(ledger, book):
    post(ledger, book, dt.date(2024, 1, 31), "10.00")
    post(ledger, book, dt.date(2024, 2, 1), "20.00")
    post(ledger, book, dt.date(2024, 1, 15), "5.00", save_option=1)  # journal: never returned
    jan = queries.TransactionSearch(start=dt.datetime(2024, 1, 1), end=dt.datetime(2024, 1, 31))
    assert [ln.amount for ln in queries.search_transactions(book, jan)] == [
        Decimal("10.00"), Decimal("-10.00")]
    changed = queries.TransactionSearch(by_changed=True, start=T0, end=T0)
    assert len(queries.search_transactions(book, changed)) == 4  # DateEnd: the last instant


def test_R2_find_lines_pages_with_look_ahead(ledger, book):
    for i in range(7):
        post(ledger, book, dt.date(2024, 3, 1 + i), f"{i + 1}.00")
    f = queries.LineFilter(date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 4, 1), account_no=1920)
    pages = [queries.find_lines(book, f, 3, page) for page in (1, 2, 3, 4)]
    assert [([ln.amount for ln in lines], more) for lines, more in pages] == [
        ([Decimal("1.00"), Decimal("2.00"), Decimal("3.00")], True),
        ([Decimal("4.00"), Decimal("5.00"), Decimal("6.00")], True),
        ([Decimal("7.00")], False),
        ([], False),
    ]
    exclusive = queries.LineFilter(date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 7))
    assert len(queries.find_lines(book, exclusive, 100, 1)[0]) == 12


def test_A5_tokens_bound_to_one_client_expire_and_reset(ledger, book):
    oauth = ledger.credentials[book.client_id]["oauth"]
    token = ledger.tokens.issue(grant_type="client_credentials", client_id=oauth["client_id"],
                                client_secret=oauth["client_secret"], audience=None,
                                organization=oauth["organization"], scope=None, now=T0)
    assert (token.client_id, token.expires_in) == (book.client_id, 3600)
    assert ledger.tokens.validate(token.token, T0 + dt.timedelta(seconds=3599))[0] == token
    expired, why = ledger.tokens.validate(token.token, T0 + dt.timedelta(seconds=3600))
    assert (expired, type(why), why.text) == (None, ExpiredToken, "The access token has expired")
    with pytest.raises(OAuthError) as err:
        ledger.tokens.issue(grant_type="client_credentials", client_id=oauth["client_id"],
                            client_secret="nope", audience=None, organization=None, scope=None,
                            now=T0)
    assert (err.value.status, err.value.error) == (401, "invalid_client")
    ledger.reset()
    gone, why = ledger.tokens.validate(token.token, T0)
    assert (gone, type(why), why.text) == (None, InvalidToken, "The access token is invalid")
    assert oauth["client_id"] not in ledger.tokens.applications


def test_R3_json_numbers_are_the_decimals_own_digits():
    assert jsonout.dumps({"a": Decimal("125.00"), "b": [Decimal("-0.10"), 1, True, None, "x\u00e6"]}) == (
        '{"a":125.00,"b":[-0.10,1,true,null,"x\\u00e6"]}')
    assert jsonout.dumps(Decimal("1E+2")) == "100"
    assert jsonout.dumps(Decimal("12345678901234567890123456.78")) == "12345678901234567890123456.78"
    with pytest.raises(ValueError):
        jsonout.dumps(Decimal("NaN"))
