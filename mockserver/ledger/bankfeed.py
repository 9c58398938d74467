"""What a bank feed writes (SPEC R6, REST 0.56.0 ``POST /bankaccounts``,
``/bankaccounts/{id}/balances`` and ``/banktransactions``): the organization's own bank accounts,
their balances and their transactions.

``BankFeedOps`` is a part of ``Ledger``. Each is a record of the client's master data (kinds
``masterdata.BANK_ACCOUNT``, ``BANK_BALANCE``, ``BANK_TRANSACTION``), written like every record
(``_commit_master``: the lock, one log row), so a restart keeps it, a reset ends it and another
client never sees it; ``banking.py`` reads them beside the chart's accounts and lines. The rules
that need the client's state are checked here, under the ledger's lock, before anything is
written (the surface has checked the body's shape)::

    made, first = ledger.create_bank_account(book, {"Number": "15030612345", "Bic": "DNBANOKKXXX",
                                                    "Type": "bban", "Name": "Drift", "Owner": {...}})
    ledger.add_bank_balance(book, str(made.id), Decimal("100.00"), at, "NOK")
    ledger.create_bank_transaction(book, {"Reference": "2024-0001-0001", "AccountId": ...})

A bank transaction is not booked: it is the bank's side, waiting for reconciliation (status
``created``), and changes neither the ledger nor a balance (``interpretations.BANK_FEED``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from .. import errors
from . import banking
from .banking import BankAccount, FedTransaction
from .masterdata import BANK_ACCOUNT, BANK_BALANCE, BANK_TRANSACTION
from .parts import MasterWriteParts


class BankFeedOps(MasterWriteParts):
    """Mixed into ``Ledger`` (``lock``, ``clock``, ``_write``, ``_current``, ``_commit_master``)."""

    def create_bank_account(self, book, fields: dict, first_balance: dict | None = None
                            ) -> tuple[BankAccount, banking.Balance | None]:
        """A new bank account (``fields``: Number, Bic, Type, Name, Owner, and TransactionType
        and LedgerAccount as numbers or None), with its first balance when given (Amount,
        Timestamp, Currency): (the account, that balance or None). Refused, nothing written: an
        unknown ledger account or transaction type (400), a number one of the client's bank
        accounts has (409)."""
        with self._write():
            book = self._current(book)
            account_no, type_no = fields.get("LedgerAccount"), fields.get("TransactionType")
            if account_no is not None and account_no not in book.accounts:
                raise errors.BankLedgerAccountUnknown(account_no=account_no)
            if type_no is not None and type_no not in book.types:
                raise errors.BankTransactionTypeUnknown(type_no=type_no)
            taken = next((a for a in banking.bank_accounts(book)
                          if a.number == fields["Number"]), None)
            if taken is not None:
                raise errors.BankAccountNumberTaken(number=fields["Number"],
                                                    account_id=str(taken.id))
            now = self.clock.now()
            data = {**fields, "Id": str(uuid.uuid4())}
            rid = book.master.next_id(BANK_ACCOUNT)
            self._commit_master(book, BANK_ACCOUNT, [(rid, data)], [], now)
            first = None
            if first_balance is not None:
                first = self._put_balance(book, data["Id"], first_balance, now)
            rec = book.master.get(BANK_ACCOUNT, rid)
            assert rec is not None
            return banking.posted_account(rec), first

    def add_bank_balance(self, book, account_id: str, amount: Decimal, at: datetime,
                         currency: str) -> banking.Balance:
        """The account's balance at ``at`` as the bank reports it; an unknown account: 404."""
        with self._write():
            book = self._current(book)
            account = banking.bank_account(book, account_id)
            if account is None:
                raise errors.BankAccountNotFound(account_id=account_id)
            return self._put_balance(book, str(account.id),
                                     {"Amount": amount, "Timestamp": at, "Currency": currency},
                                     self.clock.now())

    def _put_balance(self, book, account_id: str, balance: dict, now: datetime
                     ) -> banking.Balance:
        rid = book.master.next_id(BANK_BALANCE)
        self._commit_master(book, BANK_BALANCE, [(rid, {**balance, "AccountId": account_id})],
                            [], now)
        return banking.Balance(balance["Amount"], balance["Timestamp"], balance["Currency"])

    def create_bank_transaction(self, book, fields: dict
                                ) -> tuple[BankAccount, FedTransaction]:
        """A bank transaction on an existing bank account (``fields``: Reference, Type,
        AccountId, PaymentType, PaymentValue, Amount, Currency, Date, Counterpart, Code).
        Refused, nothing written: no such bank account (400: it is the body that is wrong), a
        reference the client has already, on any of its bank accounts (409)."""
        with self._write():
            book = self._current(book)
            account = banking.bank_account(book, fields["AccountId"])
            if account is None:
                raise errors.BankTransactionAccountUnknown(account_id=fields["AccountId"])
            if banking.transaction(book, fields["Reference"]) is not None:
                raise errors.BankTransactionReferenceTaken(reference=fields["Reference"])
            rid = book.master.next_id(BANK_TRANSACTION)
            data = {**fields, "AccountId": str(account.id)}
            self._commit_master(book, BANK_TRANSACTION, [(rid, data)], [], self.clock.now())
            rec = book.master.get(BANK_TRANSACTION, rid)
            assert rec is not None
            return account, banking.fed_transaction(rec)


__all__ = ["BankFeedOps"]
