"""``/v1/customers/{customerId}/bankaccounts[/{accountNumber}]`` (SPEC R6, 0.56.0 scopes
``api.crm.bankdetails:read``/``:write``): a customer's bank accounts, kept with its
CompanyService company. CompanyService has one account per company (BankAccountNo, -Type,
-Country, -Bic): that is the customer's default account, both ways; the others a REST client
adds are kept with the company under ``interpretations.BANK_ACCOUNTS_KEY`` (SOAP never shows
them). A company saved over SOAP with a BankAccountNo has that one account, as default."""

from __future__ import annotations

import re

from .. import errors
from ..ledger import interpretations as rules
from ..ledger.masterdata import COMPANY, Record
from . import jsonout
from .body import Reader, json_body
from .http import INT32, json_response, not_found, path_int

KEY = rules.BANK_ACCOUNTS_KEY
TYPES = ("bban", "iban", "bankgiro", "plusgiro")
_NUMBER_RE = re.compile(r"^[A-Z0-9-]+\Z")
_BSC_RE = re.compile(r"^([A-Z]{5}[A-Z0-9]{1,12})?\Z")
_BIC_RE = re.compile(r"^([A-Z]{6}[A-Z0-9]{2,5})?\Z")
#: (member, kind, required, bounds), in the schema's order
_MEMBERS: tuple[tuple[str, str, bool, dict], ...] = (("number", "string", True, {"maxLength": 50, "pattern": _NUMBER_RE}),
            ("type", "string", True, {"enum": TYPES}),
            ("isDefault", "boolean", True, {}),
            ("name", "string", False, {"maxLength": 50}),
            ("countryCode", "string", False, {"maxLength": 2}),
            ("address", "string", False, {"maxLength": 490}),
            ("bsc", "string", False, {"maxLength": 50, "pattern": _BSC_RE}),
            ("bic", "string", False, {"maxLength": 20, "pattern": _BIC_RE}))


def _soap_account(d: dict) -> dict | None:
    number = str(d.get("BankAccountNo") or "").strip()
    if not number:
        return None
    kind = str(d.get("BankAccountType") or "").strip().lower()
    account: dict = {"number": number, "type": kind if kind in TYPES else "bban",
                     "isDefault": True}
    if d.get("BankAccountCountry"):
        account["countryCode"] = d["BankAccountCountry"]
    if d.get("BankAccountBic"):
        account["bic"] = d["BankAccountBic"]
    return account


def accounts(d: dict) -> list[dict]:
    """The company's accounts in 0.56.0's ``CustomerBankAccount`` shape. CompanyService's
    account is the default; one a SOAP client changed since is the default now."""
    soap = _soap_account(d)
    if not isinstance(d.get(KEY), list):
        return [soap] if soap else []
    kept = [dict(a) for a in d[KEY]]
    main = next((a for a in kept if a.get("isDefault")), kept[0] if kept else None)
    if soap is None or (main is not None and main["number"] == soap["number"]):
        return kept
    for a in kept:
        a["isDefault"] = a["number"] == soap["number"]
    if not any(a["isDefault"] for a in kept):
        kept.insert(0, soap)
    return kept


def company_fields(kept: list[dict]) -> dict:
    """What is written back: every account, and the default (else the first) as
    CompanyService's one account."""
    main = next((a for a in kept if a.get("isDefault")), kept[0] if kept else {})
    return {KEY: kept, "BankAccountNo": main.get("number"),
            "BankAccountType": main.get("type"), "BankAccountCountry": main.get("countryCode"),
            "BankAccountBic": main.get("bic")}


def read_account() -> dict:
    body = json_body()
    r = Reader()
    out = {}
    for name, kind, required, bounds in _MEMBERS:
        value = r.get(body, name, "", kind, required, **bounds)
        if value is not None:
            out[name] = value
    r.check(errors.InvalidBankAccount)
    return out


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def company(token, raw: str) -> Record:
        """The customer; here customerId is ``type: string``: no such id (not an integer
        either) is a 404."""
        try:
            cid = path_int("customerId", raw, INT32)
        except errors.InvalidPathParameter:
            raise not_found(f"Customer {raw}") from None
        rec = ledger.record(ctx.book(token), COMPANY, cid)
        if rec is None:
            raise not_found(f"Customer {cid}")
        return rec

    def save(token, rec: Record, kept: list[dict]) -> None:
        with ctx.clock_scope(token.client_id):
            result, = ledger.save_companies(ctx.book(token),
                                            [{"Id": rec.id, **company_fields(kept)}])
        if result.error is not None:
            raise errors.RestError(result.error.text)

    def with_default(kept: list[dict], account: dict) -> list[dict]:
        """At most one default: a new default clears the others'."""
        if account.get("isDefault"):
            for other in kept:
                if other is not account:
                    other["isDefault"] = False
        return kept

    @app.get("/v1/customers/<customer_id>/bankaccounts")
    def bank_accounts(customer_id: str):
        ctx.meta(operation="GetCustomerBankAccounts")
        token = ctx.authenticate("GET", "/customers/{customerId}/bankaccounts")
        return json_response(200, jsonout.dumps(accounts(company(token, customer_id).data)))

    def find(rec: Record, number: str) -> tuple[list[dict], dict]:
        kept = accounts(rec.data)
        found = next((a for a in kept if a["number"] == number), None)
        if found is None:
            raise not_found(f"Bank account {number} of customer {rec.id}")
        return kept, found

    @app.get("/v1/customers/<customer_id>/bankaccounts/<account_number>")
    def bank_account(customer_id: str, account_number: str):
        ctx.meta(operation="GetCustomerBankAccount")
        token = ctx.authenticate("GET", "/customers/{customerId}/bankaccounts/{accountNumber}")
        _, found = find(company(token, customer_id), account_number)
        return json_response(200, jsonout.dumps(found))

    @app.post("/v1/customers/<customer_id>/bankaccounts")
    def create_bank_account(customer_id: str):
        ctx.meta(operation="CreateCustomerBankAccount")
        token = ctx.authenticate("POST", "/customers/{customerId}/bankaccounts")
        rec = company(token, customer_id)
        account = read_account()
        kept = accounts(rec.data)
        if any(a["number"] == account["number"] for a in kept):
            raise errors.BankAccountExists(customer_id=rec.id, number=account["number"])
        kept.append(account)
        save(token, rec, with_default(kept, account))
        return json_response(201, jsonout.dumps(account))

    @app.patch("/v1/customers/<customer_id>/bankaccounts/<account_number>")
    def update_bank_account(customer_id: str, account_number: str):
        ctx.meta(operation="UpdateCustomerBankAccount")
        token = ctx.authenticate("PATCH", "/customers/{customerId}/bankaccounts/{accountNumber}")
        rec = company(token, customer_id)
        kept, found = find(rec, account_number)
        account = read_account()
        if account["number"] != account_number and any(
                a["number"] == account["number"] for a in kept):
            raise errors.BankAccountExists(customer_id=rec.id, number=account["number"])
        found.clear()
        found.update(account)
        save(token, rec, with_default(kept, found))
        return json_response(200, jsonout.dumps(found))
