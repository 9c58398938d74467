"""Accounting read endpoints of 0.56.0 (SPEC R6) over the client's one state: ``/accounts``,
``/accounts/{id}``, ``/accountbalances[/{id}]``, ``/taxes``, ``/taxes/{id}``, ``/fiscalperiods``,
``/transactiontypes`` and ``/currencies``. Ids are the ones transaction lines carry (account
id, tax id, transaction type id)."""

from __future__ import annotations

import uuid

from flask import request

from ..ledger import balances, queries, reference
from ..ledger.model import Account
from . import jsonout, vendor
from .http import INT32, Query, json_response, not_found, path_int

_NS_PERIOD = uuid.UUID("0d6f3b9e-5e2a-4c1b-8f0a-24500000f15c")


def account(book, a: Account) -> dict:
    """Account1: ``taxId`` is the id of the account's default tax code (as on /taxes)."""
    code = book.tax_codes.get(a.tax_no)
    return {"id": a.account_id, "number": a.account_no, "name": a.name,
            "taxId": code.tax_id if code is not None else 0}


def tax(t) -> dict:
    return {"id": t.tax_id, "number": t.tax_no, "name": t.name, "rate": t.rate}


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def answer(body) -> object:
        return json_response(200, jsonout.dumps(body))

    @app.get("/v1/accounts")
    def accounts():
        ctx.meta(operation="GetAccounts")
        token = ctx.authenticate("GET", "/accounts")
        words = (request.args.get("query") or "").lower().split()
        book = ctx.book(token)
        found = ledger.query(lambda: [
            account(book, a) for a in sorted(book.accounts.values(), key=lambda a: a.account_no)
            if all(w in f"{a.account_no} {a.name}".lower() for w in words)])
        return answer(found)

    @app.get("/v1/accounts/<account_id>")
    def account_one(account_id: str):
        ctx.meta(operation="GetAccount")
        token = ctx.authenticate("GET", "/accounts/{id}")
        wanted = path_int("id", account_id)
        book = ctx.book(token)

        def the_account():
            found = book.account_by_id(wanted)
            return account(book, found) if found is not None else None

        body = ledger.query(the_account)
        if body is None:
            raise not_found(f"Account {wanted}")
        return answer(body)

    def balance_list(path: str, raw_id: str | None):
        token = ctx.authenticate("GET", path)
        account_id = path_int("id", raw_id) if raw_id is not None else None
        q = Query(request.args)
        first, last = q.date("dateFrom"), q.date("dateTo")
        pattern = vendor.parameter("GET", "/accountbalances", "periods")["schema"]["pattern"]
        breaks = q.dates("periods", pattern)
        kind = q.choice("type", ("Date", "Period"), "Date")
        keep = q.boolean("keepIncoming", False)
        q.check()
        assert first is not None and last is not None  # required: check() refused them missing
        book = ctx.book(token)

        def the_balances() -> list:
            numbers = None
            if account_id is not None:
                found = book.account_by_id(account_id)
                if found is None:
                    raise not_found(f"Account {account_id}")
                numbers = [found.account_no]
            rows = balances.account_balances(book, first, last, breaks, kind == "Period", keep,
                                             numbers) if first <= last else []
            body = []
            for r in rows:
                acc = book.accounts.get(r.account_no)
                head: dict = {"number": r.account_no}
                if acc is not None:
                    head = {"id": acc.account_id, "number": acc.account_no, "name": acc.name}
                body.append({"account": head, "balances": [
                    {"date": b.start.isoformat(), "opening": b.opening, "closing": b.closing,
                     "change": b.change} for b in r.balances]})
            return body

        return answer(ledger.query(the_balances))

    @app.get("/v1/accountbalances")
    def account_balances():
        ctx.meta(operation="GetAccountBalances")
        return balance_list("/accountbalances", None)

    @app.get("/v1/accountbalances/<account_id>")
    def account_balance_one(account_id: str):
        ctx.meta(operation="GetAccountBalance")
        return balance_list("/accountbalances/{id}", account_id)

    @app.get("/v1/taxes")
    def taxes():
        ctx.meta(operation="GetTaxes")
        token = ctx.authenticate("GET", "/taxes")
        book = ctx.book(token)
        body = ledger.query(lambda: [
            tax(t) for t in sorted(book.tax_codes.values(), key=lambda t: t.tax_no)])
        return answer(body)

    @app.get("/v1/taxes/<tax_id>")
    def tax_one(tax_id: str):
        ctx.meta(operation="GetTax")
        token = ctx.authenticate("GET", "/taxes/{id}")
        wanted = path_int("id", tax_id, INT32, minimum=0)
        book = ctx.book(token)
        found = ledger.query(
            lambda: book.tax_code_by_id(wanted))
        if found is None:
            raise not_found(f"Tax code {wanted}")
        return answer(tax(found))

    @app.get("/v1/fiscalperiods")
    def fiscal_periods():
        ctx.meta(operation="GetFiscalPeriods")
        token = ctx.authenticate("GET", "/fiscalperiods")
        q = Query(request.args)
        kind = q.choice("type", ("Year", "Period", "All"), "Year")
        q.check()
        book = ctx.book(token)
        body = []
        years = ledger.query(lambda: sorted(book.fiscal_years.values(), key=lambda f: f.start))
        for fy in years:
            if kind in ("Year", "All"):
                body.append({"id": str(fy.id), "type": "Year",
                             "startingDate": fy.start.isoformat(),
                             "endingDate": fy.end.isoformat()})
            if kind in ("Period", "All"):
                for start, end in balances.months(fy.start, fy.end):
                    pid = uuid.uuid5(_NS_PERIOD, f"{fy.id}/{start.isoformat()}")
                    body.append({"id": str(pid), "type": "Period",
                                 "startingDate": start.isoformat(), "endingDate": end.isoformat()})
        return answer(body)

    @app.get("/v1/transactiontypes")
    def transaction_types():
        ctx.meta(operation="GetTransactionTypes")
        token = ctx.authenticate("GET", "/transactiontypes")
        book = ctx.book(token)
        body = ledger.query(lambda: [{"id": t.type_id, "number": t.type_no, "name": t.title}
                                     for t in queries.transaction_types(book)])
        return answer(body)

    @app.get("/v1/currencies")
    def currencies():
        ctx.meta(operation="GetCurrencies")
        token = ctx.authenticate("GET", "/currencies")
        book = ctx.book(token)
        body = ledger.query(
            lambda: [{"code": c.code, "rate": c.rate} for c in reference.currencies(book)])
        return answer(body)
