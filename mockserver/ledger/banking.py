"""The organization's own bank accounts and their transactions as REST 0.56.0 shows them
(``/bankaccounts``, ``/banktransactions``, SPEC R6), read from the client's one state: its
chart of accounts, the lines posted on it, and what a bank feed posted (``bankfeed.py``). No
HTTP here; every read runs under the ledger's lock (``ledger.query``).

Without a bank feed a bank account is a ledger account of the chart's bank range
(``interpretations.BANK_LEDGER_ACCOUNTS``), its balance what the ledger holds on it, and a bank
transaction a posted line on it (``interpretations.BANK_TRANSACTIONS``). Accounts, balances and
transactions posted over REST (``POST /bankaccounts``, ``/bankaccounts/{id}/balances``,
``/banktransactions``) are records of the client's master data, shown beside those
(``interpretations.BANK_FEED``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from . import interpretations as rules
from .book import ClientBook
from .masterdata import BANK_ACCOUNT, BANK_BALANCE, BANK_TRANSACTION, Record
from .model import Line
from .money import ZERO, add

_NS = uuid.UUID("5b1c0d2e-24a0-4f5e-9b7a-ba9c00000000")


@dataclass(frozen=True, slots=True)
class BankAccount:
    id: uuid.UUID
    account_no: int | None  # the ledger account (a posted account may have none)
    name: str
    number: str  # the chart's: a Norwegian BBAN (11 digits, MOD11)
    created: datetime
    bic: str = rules.BANK_BIC
    type: str = "bban"
    #: a posted account's owner as given; None: the client (its first user as contact)
    owner: dict | None = None
    #: a posted account's transaction type as given (None: none); None on the chart's
    type_no: int | None = None
    modified: datetime | None = None
    posted: bool = False  # made by POST /bankaccounts (else one of the chart's)


@dataclass(frozen=True, slots=True)
class Balance:
    amount: Decimal
    #: a posted balance's timestamp; the ledger's: the start of the day asked for (the balance
    #: of every line before it)
    at: datetime
    currency: str = rules.BASE_CURRENCY


@dataclass(frozen=True, slots=True)
class FedTransaction:
    """A bank transaction posted by ``POST /banktransactions`` (status ``created``)."""

    reference: str
    type: str  # inbound | outbound
    account_id: uuid.UUID
    payment_type: str
    payment_value: str
    amount: Decimal  # positive, as the vendor says
    currency: str
    date: date
    counterpart: dict | None  # the other side's {number, type}, as given
    code: dict | None  # bankTransactionCode, as given
    created: datetime
    modified: datetime


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
    """The chart's bank accounts, then the posted ones in the order they were made."""
    return chart_accounts(book) + [posted_account(r) for _, r in
                                   sorted(book.master.records.get(BANK_ACCOUNT, {}).items())]


def posted_account(rec: Record) -> BankAccount:
    d = rec.data
    return BankAccount(uuid.UUID(d["Id"]), d.get("LedgerAccount"), d["Name"], d["Number"],
                       rec.created, d["Bic"], d["Type"], d["Owner"], d.get("TransactionType"),
                       rec.changed, posted=True)


def chart_accounts(book: ClientBook) -> list[BankAccount]:
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


def balance(book: ClientBook, account: BankAccount, before: date,
            until: datetime | None = None) -> Balance | None:
    """The latest balance posted for the account with a timestamp before ``until`` (default:
    the start of ``before``); else, for one of the chart's accounts, the balance of every line
    posted on it dated before ``before``; None when there is neither (the vendor: "should
    there be one available")."""
    cut = until or datetime.combine(before, time(), UTC)
    posted = [r for r in book.master.records.get(BANK_BALANCE, {}).values()
              if r.data["AccountId"] == str(account.id) and r.data["Timestamp"] < cut]
    if posted:
        last = max(posted, key=lambda r: (r.data["Timestamp"], r.id)).data
        return Balance(last["Amount"], last["Timestamp"], last["Currency"])
    if account.posted:
        return None
    total, seen = ZERO, False
    for ln in book.ledger_lines(None, before):
        if ln.account_no == account.account_no:
            total, seen = add(total, ln.amount), True
    return Balance(total, datetime.combine(before, time(), UTC)) if seen else None


def transactions(book: ClientBook, first: date, last: date, account: BankAccount | None = None
                 ) -> list[tuple[BankAccount, Line | FedTransaction]]:
    """The posted lines on the chart's bank accounts and the transactions posted by a bank feed,
    dated first..last, by date (on a day: the lines by booking, then those posted)."""
    by_no = {a.account_no: a for a in chart_accounts(book)}
    if account is not None:
        by_no = {account.account_no: account} if not account.posted else {}
    found: list[tuple[BankAccount, Line | FedTransaction]] = [
        (by_no[ln.account_no], ln) for ln in book.ledger_lines(first, last + timedelta(days=1))
        if ln.account_no in by_no]
    by_id = {a.id: a for a in bank_accounts(book)}
    fed: list[tuple[BankAccount, Line | FedTransaction]] = [
        (by_id[t.account_id], t) for t in fed_transactions(book)
        if first <= t.date <= last and (account is None or t.account_id == account.id)]
    if fed:
        # a stable sort: on a day, the lines in booking order, then the fed in posting order
        found = sorted(found + fed, key=lambda pair: pair[1].date)
    return found


def fed_transactions(book: ClientBook) -> list[FedTransaction]:
    """Every transaction a bank feed posted, in the order posted."""
    return [fed_transaction(r) for _, r in
            sorted(book.master.records.get(BANK_TRANSACTION, {}).items())]


def fed_transaction(rec: Record) -> FedTransaction:
    d = rec.data
    return FedTransaction(d["Reference"], d["Type"], uuid.UUID(d["AccountId"]),
                          d["PaymentType"], d["PaymentValue"], d["Amount"], d["Currency"],
                          d["Date"], d.get("Counterpart"), d.get("Code"), rec.created,
                          rec.changed)


def transaction(book: ClientBook, reference: str
                ) -> tuple[BankAccount, Line | FedTransaction] | None:
    """A bank transaction by its reference: one a bank feed posted (its own reference), else a
    posted line on a bank account (the line's id)."""
    fed = next((t for t in fed_transactions(book) if t.reference == reference), None)
    if fed is not None:
        owner = next(a for a in bank_accounts(book) if a.id == fed.account_id)
        return owner, fed
    try:
        line_id = uuid.UUID(reference)
    except ValueError:
        return None
    ln = book.lines.get(line_id)
    if ln is None or not ln.posted:
        return None
    found = next((a for a in chart_accounts(book) if a.account_no == ln.account_no), None)
    return None if found is None else (found, ln)


def payment_reference(ln: Line) -> tuple[str, str]:
    """(type, value): the line's OCR (KID), else its invoice number, else its comment."""
    if ln.ocr:
        return "ocr", ln.ocr
    if ln.invoice_no:
        return "invoiceRef", ln.invoice_no
    return "text", ln.comment
