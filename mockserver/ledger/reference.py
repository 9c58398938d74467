"""Reference data as REST 0.56.0 lists it (SPEC R6): currencies, dimension types and their
elements, from the client's one state (its books and the lines posted). No HTTP here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from . import interpretations as rules
from .book import ClientBook
from .money import div
from .queries import DIMENSION_TYPES, DimensionValue, currency_code


@dataclass(frozen=True, slots=True)
class CurrencyRate:
    code: str
    rate: Decimal  # NOK per unit


def currencies(book: ClientBook) -> list[CurrencyRate]:
    """The client's own currency first (rate 1), then every currency a line was booked in,
    by code, each with the rate of its latest line (rate per one unit)."""
    latest: dict[str, CurrencyRate] = {}
    for ln in book.lines.values():
        code = currency_code(ln)
        if code in rules.LOCAL_CURRENCIES or ln.currency_rate <= 0:
            continue
        unit = Decimal(ln.currency_unit or 1)
        latest[code] = CurrencyRate(code, div(ln.currency_rate, unit).normalize())
    own = CurrencyRate(rules.BASE_CURRENCY, Decimal(1))
    return [own] + [latest[c] for c in sorted(latest)]


#: The system dimension types REST lists (the vendor: ids below 100 are the same for every
#: client); user-defined types follow with their own ids.
SYSTEM_DIMENSIONS = tuple((i, DIMENSION_TYPES[i]) for i in (1, 2, 3, 4, 5))


def dimension_types(book: ClientBook) -> list[tuple[int, str]]:
    used = sorted({t for ln in book.lines.values() for t, _ in ln.dimensions})
    system = dict(SYSTEM_DIMENSIONS)
    return list(SYSTEM_DIMENSIONS) + [(t, DimensionValue("UserDefined", t, "").type_name)
                                      for t in used if t not in system]


def dimension_type(book: ClientBook, type_id: int) -> tuple[int, str] | None:
    return next((d for d in dimension_types(book) if d[0] == type_id), None)


def dimension_elements(book: ClientBook, type_id: int) -> list[tuple[str, str]]:
    """(value, name) of a type's elements: the customers for Customer (5), else the values
    lines were booked with (projects, departments, user-defined), by value."""
    if type_id == 5:
        return [(str(c.customer_id), c.name)
                for c in sorted(book.customers.values(), key=lambda c: c.customer_id)]
    values: set[str] = set()
    for ln in book.lines.values():
        if type_id == 1 and ln.project_id:
            values.add(str(ln.project_id))
        elif type_id == 2 and ln.department_id:
            values.add(str(ln.department_id))
        elif type_id not in dict(SYSTEM_DIMENSIONS):
            values.update(v for t, v in ln.dimensions if t == type_id)
    kind = DIMENSION_TYPES[type_id] if type_id in dict(SYSTEM_DIMENSIONS) else "UserDefined"

    def order(v: str):
        return (0, int(v), v) if v.isdigit() else (1, 0, v)

    return [(v, DimensionValue(kind, type_id, v).name) for v in sorted(values, key=order)]


@dataclass(frozen=True, slots=True)
class Named:
    id: int
    name: str
    account_id: int | None


def payment_methods(book: ClientBook) -> list[Named]:
    """interpretations.PAYMENT_METHOD_ACCOUNTS: one payment method per such account in the
    client's chart, named as the account."""
    out = []
    for i, account_no in enumerate(rules.PAYMENT_METHOD_ACCOUNTS, start=1):
        acc = book.accounts.get(account_no)
        if acc is not None:
            out.append(Named(i, acc.name, acc.account_id))
    return out


def sales_types(book: ClientBook) -> list[Named]:
    """interpretations.SALES_TYPE_ACCOUNTS: one sales type per sales-revenue account of the
    client's chart, numbered from 1 in account order, named as the account."""
    lo, hi = rules.SALES_TYPE_ACCOUNTS
    accounts = sorted((a for a in book.accounts.values() if lo <= a.account_no <= hi),
                      key=lambda a: a.account_no)
    return [Named(i, a.name, a.account_id) for i, a in enumerate(accounts, start=1)]
