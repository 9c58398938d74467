"""The JSON bodies of ``POST /v1/bankaccounts``, ``/bankaccounts/{id}/balances`` and
``/banktransactions`` (0.56.0 ``BankAccountRequestPost``, ``BankAccountBalanceRequestPost``,
``BankTransactionRequestPost``), read into the ledger's fields (``ledger/bankfeed.py``). Every
problem is collected as a (path, keyword) pair and answered at once as a 400 ValidationError,
nothing written. What the schema leaves open is checked as ``interpretations.BANK_FEED_INPUT``
says (a BIC, an IBAN's check digits, a currency code), and what the vendor says in words only
(the reference's 10-130 characters, a positive amount)."""

from __future__ import annotations

import re

from .. import errors
from .body import Reader, json_body
from .http import INT32, parse_datetime

TYPES = ("bban", "iban")
#: the vendor's words: a reference of "Min 10 and max 130 characters", a payment reference
#: value "of max 1000 characters"
REFERENCE_LENGTH, PAYMENT_REFERENCE_MAX = (10, 130), 1000
#: a balance's timestamp: the years the control API's clock takes too (interpretation)
YEARS = (1900, 9998)
_NUMBER_RE = re.compile(r"^[A-Z0-9]{1,34}\Z")
_BIC_RE = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?\Z")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}\Z")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\Z")
_IBAN_RE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\Z")


def iban_ok(number: str) -> bool:
    """ISO 13616: the country, two check digits, and the whole mod 97 equal to 1."""
    if not _IBAN_RE.match(number):
        return False
    moved = number[4:] + number[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _text(r: Reader, d: dict, name: str, path: str, required: bool = True, **bounds):
    """A string member; a blank one where one is required is a ``minLength`` problem."""
    value = r.get(d, name, path, "string", required, **bounds)
    if value is not None and required and not value.strip():
        r.bad(f"{path}.{name}" if path else name, "minLength")
        return None
    return value


def _number_ref(r: Reader, d: dict, name: str) -> int | None:
    """``{"number": n}`` (transactionType, ledgerAccount), optional."""
    ref = r.member(d, name, required=False)
    if ref is None:
        return None
    return r.get(ref, "number", name, "integer", True, minimum=1, maximum=INT32[1])


def _balance(r: Reader, d: dict, path: str = "") -> dict | None:
    before = len(r.problems)
    amount = r.get(d, "amount", path, "number", True)
    stamp = r.get(d, "timestamp", path, "string", True)
    at = None
    if stamp is not None:
        try:
            at = parse_datetime(stamp)
            if not YEARS[0] <= at.year <= YEARS[1]:
                raise ValueError(stamp)
        except (ValueError, OverflowError):
            r.bad(f"{path}.timestamp" if path else "timestamp", "format")
            at = None
    currency = _currency(r, d, path)
    if len(r.problems) > before:
        return None
    return {"Amount": amount, "Timestamp": at, "Currency": currency}


def _currency(r: Reader, d: dict, path: str) -> str | None:
    found = r.member(d, "currency", path)
    if found is None:
        return None
    return r.get(found, "code", f"{path}.currency" if path else "currency", "string", True,
                 pattern=_CURRENCY_RE)


def read_account() -> tuple[dict, dict | None]:
    """(account fields, its first balance or None): ``balance`` is not in the vendor's request
    schema, but its description promises "optional initial balance information"."""
    body = json_body()
    r = Reader()
    number = r.get(body, "number", "", "string", True, pattern=_NUMBER_RE)
    bic = r.get(body, "bic", "", "string", True, pattern=_BIC_RE)
    kind = r.get(body, "type", "", "string", True, enum=TYPES)
    if number is not None and kind == "iban" and not iban_ok(number):
        r.bad("number", "format")
    name = _text(r, body, "name", "")
    owner = None
    given = r.member(body, "owner")
    if given is not None:
        owner = {"name": _text(r, given, "name", "owner"),
                 "organizationNumber": r.get(given, "organizationNumber", "owner", "string",
                                             True)}
        contact = r.member(given, "contact", "owner")
        if contact is not None:
            owner["contact"] = {
                "name": _text(r, contact, "name", "owner.contact"),
                "email": r.get(contact, "email", "owner.contact", "string", True,
                               pattern=_EMAIL_RE)}
    type_no = _number_ref(r, body, "transactionType")
    account_no = _number_ref(r, body, "ledgerAccount")
    first = None
    balance = r.member(body, "balance", required=False)
    if balance is not None:
        first = _balance(r, balance, "balance")
    r.check(errors.InvalidOwnBankAccount)
    return ({"Number": number, "Bic": bic, "Type": kind, "Name": name, "Owner": owner,
             "TransactionType": type_no, "LedgerAccount": account_no}, first)


def read_balance() -> dict:
    body = json_body()
    r = Reader()
    found = _balance(r, body)
    r.check(errors.InvalidBankBalance)
    assert found is not None
    return found


def _counterpart(r: Reader, d: dict, name: str) -> dict | None:
    """fromBankAccount / toBankAccount: the members given (number, type; null: left out; a
    number without a type is the schema's default, bban)."""
    given = r.member(d, name, required=False)
    if given is None:
        return None
    out = {"number": r.get(given, "number", name, "string"),
           "type": r.get(given, "type", name, "string", enum=TYPES)}
    if out["number"] is not None and out["type"] is None:
        out["type"] = "bban"  # the schema's default
    return {k: v for k, v in out.items() if v is not None} or None


def read_transaction() -> dict:
    body = json_body()
    r = Reader()
    low, high = REFERENCE_LENGTH
    reference = r.get(body, "bankTransactionReference", "", "string", True, maxLength=high)
    if reference is not None and len(reference) < low:
        r.bad("bankTransactionReference", "minLength")
    kind = r.get(body, "type", "", "string", True, enum=("inbound", "outbound"))
    account_id = None
    account = r.member(body, "bankAccount")
    if account is not None:
        account_id = r.get(account, "id", "bankAccount", "string", True)
    payment_type = payment_value = None
    payment = r.member(body, "paymentReference")
    if payment is not None:
        payment_type = r.get(payment, "type", "paymentReference", "string", True,
                             enum=("text", "ocr", "invoiceRef"))
        payment_value = r.get(payment, "value", "paymentReference", "string", True,
                              maxLength=PAYMENT_REFERENCE_MAX)
    value = currency = None
    amount = r.member(body, "amount")
    if amount is not None:
        value = r.get(amount, "value", "amount", "number", True)
        if value is not None and value <= 0:
            r.bad("amount.value", "exclusiveMinimum")
        currency = _currency(r, amount, "amount")
    day = r.get(body, "date", "", "date", True)
    sent = {"fromBankAccount": _counterpart(r, body, "fromBankAccount"),
            "toBankAccount": _counterpart(r, body, "toBankAccount")}
    code = None
    given = r.member(body, "bankTransactionCode", required=False)
    if given is not None:
        code = {name: r.get(given, name, "bankTransactionCode", "string")
                for name in ("domainCode", "familyCode", "subFamilyCode") if name in given}
    r.check(errors.InvalidBankTransaction)
    # the side of the organization's own account is set from it; the other is the counterpart
    counterpart = sent["toBankAccount" if kind == "outbound" else "fromBankAccount"]
    return {"Reference": reference, "Type": kind, "AccountId": account_id,
            "PaymentType": payment_type, "PaymentValue": payment_value, "Amount": value,
            "Currency": currency, "Date": day, "Counterpart": counterpart, "Code": code}
