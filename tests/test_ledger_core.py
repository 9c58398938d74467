"""Unit tests of the ledger core, with no SOAP or HTTP in between."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mockserver.ledger import posting
from mockserver.ledger.core import ClientOptions, Ledger
from mockserver.ledger.directory import md5_utf16le, new_session_id
from mockserver.ledger.model import Bundle, BundleList, Entry, Voucher

DAY = dt.date(2024, 1, 31)


@pytest.fixture
def ledger():
    return Ledger()


@pytest.fixture
def book(ledger):
    info = ledger.create_client(ClientOptions(fiscal_years=[2024]))
    return ledger.books[info["client_id"]]


def blist(*vouchers, save_option=0, sort=10, year=2024, **kw) -> BundleList:
    return BundleList(bundles=[Bundle(year_id=year, sort=sort, vouchers=list(vouchers))],
                      save_option=save_option, **kw)


def v(no: int, *pairs, sort=10) -> Voucher:
    return Voucher(transaction_no=no, sort=sort,
                   entries=[Entry(date=DAY, account_no=a, amount=Decimal(x)) for a, x in pairs])


def test_the_core_imports_no_protocol_library():
    import sys

    import mockserver.ledger.core  # noqa: F401

    loaded = [m for m in sys.modules if m.startswith("mockserver.ledger")]
    for name in loaded:
        source = sys.modules[name].__file__
        text = open(source, encoding="utf-8").read()
        for lib in ("spyne", "flask", "werkzeug", "lxml"):
            assert f"import {lib}" not in text and f"from {lib}" not in text, (name, lib)


def test_sums_of_29_digit_amounts_are_exact(ledger, book):
    big = "79228162514264337593543950335"
    result = ledger.save_bundle_list(book, blist(v(1, (1920, big), (1920, big), (3900, "-" + big), (3900, "-" + big))))
    assert (result.type, result.description) == ("Ok", "")
    assert [str(ln.amount) for ln in book.ledger_lines()] == [big, big, "-" + big, "-" + big]


def test_a_one_cent_difference_at_29_digits_is_still_seen(ledger, book):
    result = ledger.save_bundle_list(book, blist(v(1, (1920, "79228162514264337593543950.33"),
                                                     (3900, "-79228162514264337593543950.32"))))
    assert result.description == "Voucher is not in balance. Difference: 0.01 (Bundle 1, Voucher 1)"


def test_refused_bundle_leaves_no_trace(ledger, book):
    before = (dict(book.lines), dict(book.vouchers), dict(book.last_number), list(book.journal), dict(book.links))
    bad = blist(v(1, (1920, "1"), (3900, "-1")), v(2, (1920, "1"), (3900, "-2")))
    assert ledger.save_bundle_list(book, bad).type == "Exception"
    assert (dict(book.lines), dict(book.vouchers), dict(book.last_number), list(book.journal), dict(book.links)) == before


def test_numbering_follows_saved_vouchers_per_series_and_year(ledger, book):
    assert posting.next_entry_no(book, DAY, 10) == 1
    ledger.save_bundle_list(book, blist(v(7, (1920, "1"), (3900, "-1"))))
    assert posting.next_entry_no(book, DAY, 10) == 8
    assert posting.next_entry_no(book, DAY, 1) == 10000
    assert posting.next_entry_no(book, dt.date(2030, 1, 1), 10) == -1


def test_journal_approval_moves_lines_to_the_ledger_and_the_date_index(ledger, book):
    ledger.save_bundle_list(book, blist(v(1, (1920, "5"), (3900, "-5")), save_option=1))
    assert list(book.ledger_lines()) == []
    assert ledger.approve_journal(book.client_id) == 2
    assert [ln.amount for ln in book.ledger_lines(DAY, DAY + dt.timedelta(days=1))] == [Decimal(5), Decimal(-5)]
    assert list(book.ledger_lines(DAY + dt.timedelta(days=1))) == []
    assert book.count_ledger_lines(dt.date(2024, 1, 1), dt.date(2024, 2, 1)) == 2


def test_clients_are_isolated(ledger):
    a = ledger.books[ledger.create_client(ClientOptions(fiscal_years=[2024]))["client_id"]]
    b = ledger.books[ledger.create_client(ClientOptions(fiscal_years=[2024]))["client_id"]]
    ledger.save_bundle_list(a, blist(v(1, (1920, "5"), (3900, "-5"))))
    assert len(a.lines) == 2 and len(b.lines) == 0
    assert posting.next_entry_no(b, DAY, 10) == 1


def test_session_ids_and_legacy_password_hash():
    sid = new_session_id()
    assert len(sid) == 24 and set(sid) <= set("abcdefghijklmnopqrstuvwxyz012345")
    assert md5_utf16le("demo") == "3345a578ab6869f76ea3cfaefc55c4cb"


def test_reset_returns_to_the_demo_client_only(ledger):
    ledger.create_client(ClientOptions())
    demo = ledger.reset()
    assert list(ledger.books) == [1000]
    assert (demo["username"], demo["password"]) == ("demo@24sevenoffice.mock", "demo")


def test_R6_a_bank_feed_account_comes_back_with_its_first_balance(ledger, book):
    """The ledger answers the account it made and the first balance it kept (the REST surface
    renders both; it builds neither)."""
    from mockserver.ledger.banking import Balance, balance

    fields = {"Number": "12345678903", "Bic": "NDEANOKK", "Type": "bban", "Name": "Drift",
              "Owner": None, "TransactionType": None, "LedgerAccount": None}
    at = dt.datetime(2024, 2, 29, 22, tzinfo=dt.UTC)
    made, first = ledger.create_bank_account(
        book, fields, {"Amount": Decimal("1000.25"), "Timestamp": at, "Currency": "NOK"})
    assert first == Balance(Decimal("1000.25"), at, "NOK")
    assert made.posted and made.number == "12345678903"
    kept = ledger.query(balance, ledger.books[book.client_id], made, dt.date(2024, 3, 1))
    assert kept == first
    bare, none = ledger.create_bank_account(book, {**fields, "Number": "NO9386011117947",
                                                   "Type": "iban"})
    assert none is None and bare.number == "NO9386011117947"


def test_R6_a_sales_order_rows_tax_code_and_account_are_the_ledgers_to_resolve(book):
    """What a REST line names (a tax code by id or number, an account by id or number) is
    resolved by the ledger: the code's own rate, a conflicting rate flagged, unknown refused."""
    from mockserver import errors
    from mockserver.ledger.invoices import row_tax_settings

    code = book.tax_codes[3]
    account = book.accounts[3000]
    assert row_tax_settings(book, None, 3, None, account.account_id, None) == (
        {"TaxSettings": {"TaxCode": 3, "TaxAccount": 3000}, "VatRate": code.rate}, False)
    assert row_tax_settings(book, code.tax_id, 99, Decimal("15"), None, 3001) == (
        {"TaxSettings": {"TaxCode": 3, "TaxAccount": 3001}, "VatRate": code.rate}, True)
    assert row_tax_settings(book, None, None, Decimal("12"), None, None) == (
        {"VatRate": Decimal("12")}, False)
    with pytest.raises(errors.RecordNotFound, match=r"^Tax with Id 424242 was not found\.$"):
        row_tax_settings(book, 424242, None, None, 999999, None)
    with pytest.raises(errors.RecordNotFound, match=r"^Account with Id 999999 was not found\.$"):
        row_tax_settings(book, None, 3, None, 999999, None)
