"""``/bankaccounts[/{id}]`` and ``/banktransactions[/{bankTransactionReference}]`` (SPEC R6,
0.56.0 scopes ``api.bank.account:read``/``:write`` and ``api.bank.transaction:read``/``:write``):
the organization's own bank accounts and what was booked on them, from the ledger
(``ledger/banking.py``; the interpretations there), and what a bank feed posts
(``POST /bankaccounts``, ``/bankaccounts/{id}/balances``, ``/banktransactions``: the bodies read
by ``bankbody.py``, the rules in ``ledger/bankfeed.py``). Bank transactions are paged by ``page``
and ``limit`` with the ``link`` header, as ``/transactionlines``."""

from __future__ import annotations

import re

from flask import request

from .. import errors
from ..codec_utils import iso_utc
from ..ledger import banking
from ..ledger import interpretations as rules
from ..ledger.people import first_user
from . import bankbody, jsonout
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


def balance_item(balance: banking.Balance) -> dict:
    """One ``BankAccountBalance``."""
    return {"amount": balance.amount, "timestamp": iso_utc(balance.at),
            "currency": {"code": balance.currency}}


def account_item(account: banking.BankAccount, owner: dict, balance, type_no: int | None) -> dict:
    """One ``BankAccountResponse``, in the schema's property order; ``owner`` and ``type_no``:
    the client's and its bank type, for the chart's accounts (a posted one has its own)."""
    if account.posted:
        owner, type_no = account.owner or owner, account.type_no
    item: dict = {"id": str(account.id), "number": account.number, "bic": account.bic,
                  "type": account.type, "name": account.name, "owner": owner}
    if type_no is not None:
        item["transactionType"] = {"number": type_no}
    if account.account_no is not None:
        item["ledgerAccount"] = {"number": account.account_no}
    if balance is not None:
        item["balance"] = balance_item(balance)
    item["createdAt"] = iso_utc(account.created)
    item["modifiedAt"] = iso_utc(account.modified or account.created)
    return item


def transaction_item(account: banking.BankAccount, ln) -> dict:
    """One ``BankTransactionResponse``: the posted line ``ln`` on ``account``, or what a bank
    feed posted."""
    if isinstance(ln, banking.FedTransaction):
        return fed_item(account, ln)
    kind, value = banking.payment_reference(ln)
    currency = ln.currency.strip().upper() or rules.BASE_CURRENCY
    amount = ln.amount if ln.amount >= 0 else -ln.amount
    item: dict = {"bankTransactionReference": str(ln.line_id),
                  "type": "inbound" if ln.amount >= 0 else "outbound",
                  "bankAccount": {"id": str(account.id)},
                  "paymentReference": {"type": kind, "value": value},
                  "amount": {"value": amount, "currency": {"code": currency}},
                  "date": ln.date.isoformat()}
    # the vendor: the own account's side is always returned (to inbound, from outbound); the
    # other side is the line's BankAccountNo, when it has one
    own = {"number": account.number, "type": account.type}
    counterpart = {"number": ln.bank_account_no, "type": "bban"} if ln.bank_account_no else None
    sides = (counterpart, own) if ln.amount >= 0 else (own, counterpart)
    for name, side in zip(("fromBankAccount", "toBankAccount"), sides, strict=True):
        if side is not None:
            item[name] = side
    item["status"] = "closed"
    stamp = ln.created_at or account.created
    item["createdAt"] = iso_utc(stamp)
    item["modifiedAt"] = iso_utc(ln.modified_at or stamp)
    return item


def fed_item(account: banking.BankAccount, t: banking.FedTransaction) -> dict:
    """A posted bank transaction: the vendor fills the own account's side (outbound: from,
    inbound: to) from the bank account; the other side is the counterpart as sent."""
    item: dict = {"bankTransactionReference": t.reference, "type": t.type,
                  "bankAccount": {"id": str(account.id)},
                  "paymentReference": {"type": t.payment_type, "value": t.payment_value},
                  "amount": {"value": t.amount, "currency": {"code": t.currency}},
                  "date": t.date.isoformat()}
    own = {"number": account.number, "type": account.type}
    sides = (own, t.counterpart) if t.type == "outbound" else (t.counterpart, own)
    for name, side in zip(("fromBankAccount", "toBankAccount"), sides, strict=True):
        if side is not None:
            item[name] = side
    if t.code is not None:
        item["bankTransactionCode"] = t.code
    item["status"] = "created"
    item["createdAt"] = iso_utc(t.created)
    item["modifiedAt"] = iso_utc(t.modified)
    return item


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def answer_accounts(token, wanted: str | None):
        q = Query(request.args)
        before = q.date("before", required=False)
        q.check()
        book = ctx.book(token)
        # no ``before``: the latest posted balance up to now, else the ledger's up to today
        until = None
        if before is None:
            with ctx.clock_scope(token.client_id):
                until = ctx.clock.now()
            before = until.date()
        owner = _owner(ledger, book)
        type_no = rules.BANK_TRANSACTION_TYPE if rules.BANK_TRANSACTION_TYPE in book.types \
            else None

        def read():
            found = banking.bank_accounts(book)
            if wanted is not None:
                found = [a for a in found if str(a.id) == wanted.lower()]
            return [account_item(a, owner, banking.balance(book, a, before, until), type_no)
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

    @app.post("/v1/bankaccounts")
    def create_own_bank_account():
        ctx.meta(operation="CreateBankAccount")
        token = ctx.authenticate("POST", "/bankaccounts")
        fields, first = bankbody.read_account()
        book = ctx.book(token)
        with ctx.clock_scope(token.client_id):
            made, balance = ledger.create_bank_account(book, fields, first)
        return json_response(201, jsonout.dumps(account_item(made, {}, balance, None)))

    @app.post("/v1/bankaccounts/<account_id>/balances")
    def add_own_bank_balance(account_id: str):
        ctx.meta(operation="CreateBankAccountBalance")
        token = ctx.authenticate("POST", "/bankaccounts/{id}/balances")
        given = bankbody.read_balance()
        with ctx.clock_scope(token.client_id):
            made = ledger.add_bank_balance(ctx.book(token), account_id, given["Amount"],
                                           given["Timestamp"], given["Currency"])
        return json_response(201, jsonout.dumps(balance_item(made)))

    @app.post("/v1/banktransactions")
    def create_own_bank_transaction():
        ctx.meta(operation="CreateBankTransaction")
        token = ctx.authenticate("POST", "/banktransactions")
        fields = bankbody.read_transaction()
        with ctx.clock_scope(token.client_id):
            account, made = ledger.create_bank_transaction(ctx.book(token), fields)
        return json_response(201, jsonout.dumps(fed_item(account, made)))

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

