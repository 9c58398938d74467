"""``/bankaccounts[/{id}]`` and ``/banktransactions[/{bankTransactionReference}]`` (SPEC R6,
0.56.0 scopes ``api.bank.account:read`` and ``api.bank.transaction:read``): the organization's
own bank accounts and what was booked on them, from the ledger (``ledger/banking.py``; the
interpretations there). Bank transactions are paged by ``page`` and ``limit`` with the ``link``
header, as ``/transactionlines``."""

from __future__ import annotations

import re
from datetime import date

from flask import request

from .. import errors
from ..codec_utils import iso_utc
from ..ledger import banking
from ..ledger import interpretations as rules
from ..ledger.people import first_user
from . import jsonout
from .http import Query, json_response, link_header, not_found

_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\Z")
#: the vendor: "The date range cannot span more than two years"
MAX_SPAN_DAYS = 2 * 366


def _owner(ledger, book) -> dict:
    info = ledger.query(lambda: (book.master.records.get("client", {}).get(0)))
    user = ledger.query(first_user, ledger, book.client_id)
    data = info.data if info is not None else {}
    return {"name": book.name, "organizationNumber": str(data.get("OrganizationNumber") or ""),
            "contact": {"name": user.name if user else book.name,
                        "email": user.username if user else ""}}


def account_item(account: banking.BankAccount, owner: dict, balance, type_no: int | None) -> dict:
    """One ``BankAccountResponse``, in the schema's property order."""
    item: dict = {"id": str(account.id), "number": account.number, "bic": rules.BANK_BIC,
                  "type": "bban", "name": account.name, "owner": owner}
    if type_no is not None:
        item["transactionType"] = {"number": type_no}
    item["ledgerAccount"] = {"number": account.account_no}
    if balance is not None:
        item["balance"] = {"amount": balance.amount, "timestamp": iso_utc(balance.at),
                           "currency": {"code": rules.BASE_CURRENCY}}
    item["createdAt"] = item["modifiedAt"] = iso_utc(account.created)
    return item


def transaction_item(account: banking.BankAccount, ln) -> dict:
    """One ``BankTransactionResponse``: the posted line ``ln`` on ``account``."""
    kind, value = banking.payment_reference(ln)
    currency = ln.currency.strip().upper() or rules.BASE_CURRENCY
    amount = ln.amount if ln.amount >= 0 else -ln.amount
    item: dict = {"bankTransactionReference": str(ln.line_id),
                  "type": "inbound" if ln.amount >= 0 else "outbound",
                  "bankAccount": {"id": str(account.id)},
                  "paymentReference": {"type": kind, "value": value},
                  "amount": {"value": amount, "currency": {"code": currency}},
                  "date": ln.date.isoformat()}
    if ln.bank_account_no:
        counterpart = {"number": ln.bank_account_no, "type": "bban"}
        item["fromBankAccount" if ln.amount >= 0 else "toBankAccount"] = counterpart
    item["status"] = "closed"
    stamp = ln.created_at or account.created
    item["createdAt"] = iso_utc(stamp)
    item["modifiedAt"] = iso_utc(ln.modified_at or stamp)
    return item


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def today(token) -> date:
        with ctx.clock_scope(token.client_id):
            return ctx.clock.now().date()

    def answer_accounts(token, wanted: str | None):
        q = Query(request.args)
        before = q.date("before", required=False)
        q.check()
        book = ctx.book(token)
        before = before or today(token)
        owner = _owner(ledger, book)
        type_no = rules.BANK_TRANSACTION_TYPE if rules.BANK_TRANSACTION_TYPE in book.types \
            else None

        def read():
            found = banking.bank_accounts(book)
            if wanted is not None:
                found = [a for a in found if str(a.id) == wanted.lower()]
            return [account_item(a, owner, banking.balance(book, a.account_no, before), type_no)
                    for a in found]

        return ledger.query(read)

    @app.get("/v1/bankaccounts")
    def own_bank_accounts():
        ctx.meta(operation="GetBankAccounts")
        token = ctx.authenticate("GET", "/bankaccounts")
        return json_response(200, jsonout.dumps(answer_accounts(token, None)))

    @app.get("/v1/bankaccounts/<account_id>")
    def own_bank_account(account_id: str):
        ctx.meta(operation="GetBankAccount")
        token = ctx.authenticate("GET", "/bankaccounts/{id}")
        found = answer_accounts(token, account_id)
        if not found:
            raise not_found(f"Bank account {account_id}")
        return json_response(200, jsonout.dumps(found[0]))

    @app.get("/v1/banktransactions")
    def bank_transactions():
        ctx.meta(operation="GetBankTransactions")
        token = ctx.authenticate("GET", "/banktransactions")
        q = Query(request.args)
        first, last = q.date("dateFrom"), q.date("dateTo")
        account_id = q.raw("bankAccountId")
        if account_id is not None and not _UUID_RE.match(account_id):
            q.problems.append(("bankAccountId", "format"))
        limit = q.integer("limit", 25, minimum=1)
        page = q.integer("page", 1, minimum=1)
        if limit > 100:
            q.problems.append(("limit", "maximum"))
        if page > 1000:
            q.problems.append(("page", "maximum"))
        q.check()
        if first > last or (last - first).days > MAX_SPAN_DAYS:
            raise errors.BankDateRange(date_from=first, date_to=last)
        book = ctx.book(token)

        def read():
            account = None
            if account_id is not None:
                account = banking.bank_account(book, account_id)
                if account is None:
                    return [], False
            found = banking.transactions(book, first, last, account)
            start = (page - 1) * limit
            return ([transaction_item(a, ln) for a, ln in found[start:start + limit]],
                    start + limit < len(found))

        body, more = ledger.query(read)
        return json_response(200, jsonout.dumps(body), {"link": link_header(page, more)})

    @app.get("/v1/banktransactions/<reference>")
    def bank_transaction(reference: str):
        ctx.meta(operation="GetBankTransaction")
        token = ctx.authenticate("GET", "/banktransactions/{bankTransactionReference}")
        found = ledger.query(banking.transaction, ctx.book(token), reference)
        if found is None:
            raise not_found(f"Bank transaction {reference}")
        return json_response(200, jsonout.dumps(transaction_item(*found)))

