"""AccountService V002's rules (SPEC M6) in the ledger core, with no SOAP in between: an Entry's
AccountId and Period are resolved by ``ledger/accountv002.py``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mockserver import errors
from mockserver.ledger import accountv002
from mockserver.ledger.core import ClientOptions, Ledger
from mockserver.ledger.model import Bundle, BundleList, Entry, Voucher

DAY = dt.date(2024, 1, 31)


@pytest.fixture
def ledger():
    return Ledger()


@pytest.fixture
def book(ledger):
    info = ledger.create_client(ClientOptions(fiscal_years=[2024]))
    return ledger.books[info["client_id"]]


def ids(book) -> dict[int, int]:
    """AccountNo -> AccountId of the book's chart."""
    return {no: account_id for account_id, no in accountv002.account_numbers(book).items()}


def bundle(position: int, *vouchers: tuple[int, list[tuple[int, str, int | None]]]) -> accountv002.V002Bundle:
    """A V002 bundle: each voucher (TransactionNo, [(AccountId, amount, Period)])."""
    refs = []
    for vi, (no, lines) in enumerate(vouchers, start=1):
        entries = [Entry(date=DAY, account_no=0, amount=Decimal(x)) for _, x, _ in lines]
        refs.append(accountv002.V002Voucher(Voucher(transaction_no=no, sort=10, entries=entries), vi,
                                            [a for a, _, _ in lines], [p for _, _, p in lines]))
    return accountv002.V002Bundle(Bundle(year_id=2024, sort=10), position, refs)


def save(ledger, book, *bundles):
    return accountv002.save_bundle_list(ledger, book, BundleList(save_option=0), list(bundles))


def test_period_1_to_12_is_that_month_of_the_entrys_year_and_0_or_none_is_not_given():
    assert accountv002.period_date(DAY, 1) == dt.date(2024, 1, 1)
    assert accountv002.period_date(DAY, 12) == dt.date(2024, 12, 1)
    assert accountv002.period_date(DAY, 0) is None
    assert accountv002.period_date(DAY, None) is None


@pytest.mark.parametrize("period", [13, -1, 100])
def test_a_period_that_is_no_month_is_refused(period):
    with pytest.raises(errors.PeriodNotAMonth) as caught:
        accountv002.period_date(DAY, period)
    assert caught.value.text == f"Period {period} is not a month (1-12)"


def test_an_account_id_is_the_account_of_get_account_list_or_refused(book):
    acc = ids(book)
    assert accountv002.account_no(accountv002.account_numbers(book), acc[1920]) == 1920
    with pytest.raises(errors.UnknownAccountId) as caught:
        accountv002.account_no(accountv002.account_numbers(book), 424242)
    assert caught.value.text == "AccountId 424242 does not exist"


def test_resolved_entries_are_booked_with_their_account_no_and_period_date(ledger, book):
    acc = ids(book)
    result = save(ledger, book, bundle(1, (1, [(acc[1920], "5", 2), (acc[3000], "-5", 0)])))
    assert (result.type, result.description) == ("Ok", "")
    lines = list(book.ledger_lines())
    assert [(ln.account_no, ln.amount) for ln in lines] == [(1920, Decimal(5)), (3000, Decimal(-5))]
    assert [ln.period_date for ln in lines] == [dt.date(2024, 2, 1), dt.date(2024, 1, 1)]  # 0: the date's


def test_a_refused_bundle_keeps_the_bundles_before_it_and_its_refusal_is_located(ledger, book):
    acc = ids(book)
    result = save(ledger, book,
                  bundle(1, (1, [(acc[1920], "5", None), (acc[3000], "-5", None)])),
                  bundle(3, (2, [(acc[1920], "7", None), (acc[3000], "-7", None)]),
                         (3, [(acc[1920], "7", 13), (acc[3000], "-7", None)])),
                  bundle(4, (4, [(acc[1920], "9", None), (acc[3000], "-9", None)])))
    assert (result.type, result.description, result.reason) == (
        "Exception", "Period 13 is not a month (1-12) (Bundle 3, Voucher 2)",
        "Period 13 is not a month (1-12)")
    assert [ln.amount for ln in list(book.ledger_lines())] == [Decimal(5), Decimal(-5)]


def test_an_unknown_account_id_in_the_first_bundle_books_nothing(ledger, book):
    acc = ids(book)
    result = save(ledger, book, bundle(1, (1, [(424242, "5", None), (acc[3000], "-5", None)])))
    assert (result.type, result.description) == (
        "Exception", "AccountId 424242 does not exist (Bundle 1, Voucher 1)")
    assert list(book.ledger_lines()) == []


def test_the_ledgers_refusal_of_an_earlier_bundle_comes_first(ledger, book):
    acc = ids(book)
    result = save(ledger, book,
                  bundle(1, (1, [(acc[1920], "5", None), (acc[3000], "-4", None)])),
                  bundle(2, (2, [(424242, "7", None), (acc[3000], "-7", None)])))
    direct = ledger.save_bundle_list(book, BundleList(bundles=[Bundle(year_id=2024, sort=10, vouchers=[
        Voucher(transaction_no=1, sort=10, entries=[
            Entry(date=DAY, account_no=1920, amount=Decimal(5)),
            Entry(date=DAY, account_no=3000, amount=Decimal(-4))])])]))
    assert result.type != "Ok" and "AccountId" not in result.description
    assert (result.type, result.description) == (direct.type, direct.description)
    assert list(book.ledger_lines()) == []
