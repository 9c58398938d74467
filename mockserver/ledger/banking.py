"""The organization's own bank accounts and their transactions as REST 0.56.0 shows them
(``/bankaccounts``, ``/banktransactions``, SPEC R6), read from the client's one state: its
chart of accounts and the lines posted on it. No HTTP here.

The emulator has no bank feed: a bank account is a ledger account of the chart's bank range
(``interpretations.BANK_LEDGER_ACCOUNTS``), its balance what the ledger holds on it, and a bank
transaction a posted line on it (``interpretations.BANK_TRANSACTIONS``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from . import interpretations as rules
from .book import ClientBook
from .model import Line
from .money import ZERO, add

_NS = uuid.UUID("5b1c0d2e-24a0-4f5e-9b7a-ba9c00000000")


@dataclass(frozen=True, slots=True)
class BankAccount:
    id: uuid.UUID
    account_no: int  # the ledger account
    name: str
    number: str  # a Norwegian BBAN (11 digits, MOD11)
    created: datetime


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal
    at: datetime  # the start of the day asked for: the balance of every line before it


def _mod11(digits: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(digits, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else check


def bban(client_id: int, account_no: int) -> str:
    """A stable, valid BBAN for the ledger account (the bank register number of the
    interpretation, then the client and the account); a group with no MOD11 digit moves on."""
    for group in range(100):
        head = f"{rules.BANK_REGISTER_NO}{(client_id + group) % 100:02d}{account_no % 10000:04d}"
        check = _mod11(head)
        if check is not None:
            return f"{head}{check}"
    raise AssertionError("no MOD11 check digit")  # pragma: no cover - 1 group in 11 fails


def bank_accounts(book: ClientBook) -> list[BankAccount]:
    lo, hi = rules.BANK_LEDGER_ACCOUNTS
    years = book.fiscal_years.values()
    first = min((f.start for f in years), default=date(2000, 1, 1))
    created = datetime.combine(first, time(), UTC)
    return [BankAccount(uuid.uuid5(_NS, f"{book.client_id}:{a.account_no}"), a.account_no,
                        a.name, bban(book.client_id, a.account_no), created)
            for a in sorted(book.accounts.values(), key=lambda a: a.account_no)
            if lo <= a.account_no <= hi]


def bank_account(book: ClientBook, account_id: str) -> BankAccount | None:
    return next((a for a in bank_accounts(book) if str(a.id) == account_id.lower()), None)


def balance(book: ClientBook, account_no: int, before: date) -> Balance | None:
    """The balance of every line posted on the account dated before ``before``; None when
    there is none (the vendor: "should there be one available")."""
    total, seen = ZERO, False
    for ln in book.ledger_lines(None, before):
        if ln.account_no == account_no:
            total, seen = add(total, ln.amount), True
    return Balance(total, datetime.combine(before, time(), UTC)) if seen else None


def transactions(book: ClientBook, first: date, last: date,
                 account: BankAccount | None = None) -> list[tuple[BankAccount, Line]]:
    """The posted lines on bank accounts dated first..last, by date then booking."""
    by_no = {a.account_no: a for a in bank_accounts(book)}
    if account is not None:
        by_no = {account.account_no: account}
    return [(by_no[ln.account_no], ln)
            for ln in book.ledger_lines(first, last + timedelta(days=1))
            if ln.account_no in by_no]


def transaction(book: ClientBook, reference: str) -> tuple[BankAccount, Line] | None:
    """A bank transaction by its reference (the line's id)."""
    try:
        line_id = uuid.UUID(reference)
    except ValueError:
        return None
    ln = book.lines.get(line_id)
    if ln is None or not ln.posted:
        return None
    found = next((a for a in bank_accounts(book) if a.account_no == ln.account_no), None)
    return None if found is None else (found, ln)


def payment_reference(ln: Line) -> tuple[str, str]:
    """(type, value): the line's OCR (KID), else its invoice number, else its comment."""
    if ln.ocr:
        return "ocr", ln.ocr
    if ln.invoice_no:
        return "invoiceRef", ln.invoice_no
    return "text", ln.comment
