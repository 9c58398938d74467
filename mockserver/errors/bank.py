"""The organization's own bank accounts written over REST (``POST /v1/bankaccounts``,
``/bankaccounts/{id}/balances``, ``/banktransactions``; raised by ``ledger/bankfeed.py`` and
``rest/banking.py``), rendered by ``rest/errors.py`` in the vendor's JSON error shape."""

from __future__ import annotations

from mockserver.errors.base import VendorError
from mockserver.errors.rest import InvalidQuery, RestError


class InvalidOwnBankAccount(InvalidQuery):
    """POST /v1/bankaccounts: every (path, keyword) problem of the JSON body."""

    template = "Invalid bank account: {shown}"


class InvalidBankBalance(InvalidQuery):
    """POST /v1/bankaccounts/{id}/balances: every (path, keyword) problem of the JSON body."""

    template = "Invalid bank account balance: {shown}"


class InvalidBankTransaction(InvalidQuery):
    """POST /v1/banktransactions: every (path, keyword) problem of the JSON body."""

    template = "Invalid bank transaction: {shown}"


class BankLedgerAccountUnknown(RestError):
    template = "ledgerAccount.number {account_no}: the chart of accounts has no such account"


class BankTransactionTypeUnknown(RestError):
    template = "transactionType.number {type_no}: the client has no such transaction type"


class BankAccountNumberTaken(RestError):
    """A bank account number the organization has already (interpretation: 409)."""

    http_status, name = 409, "ConflictError"
    template = "Bank account {number} exists already (id {account_id})"


class BankTransactionAccountUnknown(RestError):
    """The vendor: "Before creating bank transaction, a bank account must exists"."""

    template = ("bankAccount.id {account_id}: no such bank account; create it first "
                "(POST /bankaccounts)")


class BankTransactionReferenceTaken(RestError):
    """The vendor: a reference "must be globally unique across all bank accounts for the
    client" (interpretation: 409, nothing written)."""

    http_status, name = 409, "ConflictError"
    template = ("bankTransactionReference {reference} is taken: it must be unique across all "
                "bank accounts of the client")


class BankAccountNotFound(RestError):
    http_status, name = 404, "NotFoundError"
    template = "Bank account {account_id} was not found"

    def __init__(self, account_id: str):
        VendorError.__init__(self, account_id=account_id)
