"""What a scenario file says, once read and checked: ``Scenario`` and its vouchers."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from ..model import Account, Customer, EntrySeries, TaxCode, TransactionType
from ..money import ZERO

# --- the scenario -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RelativeDay:
    """A date written relative to the clock's year (``current-03-01``, ``current-1-12-31``),
    fixed when the scenario is loaded into a client, as its fiscal years are: a scenario file
    stays meaningful in every year. 29 February falls on the 28th in a common year."""

    years: int  # added to the current year (0, -1, ...)
    month: int
    day: int

    def resolve(self, current_year: int) -> date:
        year = current_year + self.years
        try:
            return date(year, self.month, self.day)
        except ValueError:  # 29 February in a common year
            return date(year, self.month, self.day - 1)


RELATIVE_DAY = re.compile(r"^current(?:\s*([+-])\s*(\d+))?-(\d{2})-(\d{2})$")


def resolve_days(vouchers: list[VoucherSpec], current_year: int) -> list[VoucherSpec]:
    """The vouchers with every ``RelativeDay`` made a date of ``current_year``'s calendar."""
    def fix(value):
        return value.resolve(current_year) if isinstance(value, RelativeDay) else value

    if not any(isinstance(getattr(e, k), RelativeDay) for v in vouchers for e in v.entries
               for k in ("date", "due_date", "period_date")):
        return vouchers
    return [replace(v, entries=[replace(e, date=fix(e.date), due_date=fix(e.due_date),
                                        period_date=fix(e.period_date)) for e in v.entries])
            for v in vouchers]


@dataclass(slots=True)
class EntrySpec:
    """One line of an existing voucher. Attribute names follow ``model.Entry``."""

    account_no: int
    amount: Decimal
    date: date | RelativeDay  # a RelativeDay until ``resolve_days``
    customer_id: int = 0
    due_date: dt.date | RelativeDay | None = None  # dt.: ``date`` is a field name by now
    period_date: dt.date | RelativeDay | None = None
    vat_amount: Decimal = ZERO
    currency_id: str = ""
    tax_no: str = ""
    comment: str = ""
    invoice_reference_no: str = ""
    invoice_ocr: str = ""
    stamp_no: int = 0
    department_id: int = 0
    project_id: int = 0
    bank_account_no: str = ""


@dataclass(slots=True)
class VoucherSpec:
    type_no: int
    entries: list[EntrySpec]
    transaction_no: int = 0  # 0: the series' next number
    posted: bool = True  # False: left in the journal (draft)
    where: str = ""  # "file, line N: vouchers[i]" for error messages
    entry_where: list[str] | None = None  # the same for each line


@dataclass
class GenerateSpec:
    lines: int
    seed: int = 0
    start: date | None = None
    end: date | None = None
    customers: int = 0  # customers to add before generating (Faker names, bank accounts)


@dataclass
class Scenario:
    source: str = "scenario"
    name: str | None = None
    description: str = ""
    username: str | None = None
    password: str | None = None
    application_id: uuid.UUID | None = None
    identity_id: uuid.UUID | None = None
    fiscal_years: list | None = None  # ints or "current", "current-1", ...
    vat_base_rate: Decimal | None = None
    rate_limit: int | None = None
    burst_limit: int | None = None
    blocked: bool = False
    identities: list[dict] = field(default_factory=list)
    #: the application's default OAuth scopes (``oauth: {scopes}``); None: every read scope
    oauth_scopes: list[str] | None = None
    use_default_reference_data: bool = True
    entry_series: dict[int, EntrySeries] = field(default_factory=dict)
    accounts: dict[int, Account] = field(default_factory=dict)
    tax_codes: dict[int, TaxCode] = field(default_factory=dict)
    types: dict[int, TransactionType] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    #: companies, persons, projects, products, departments, currencies (master.py)
    master: dict[str, dict[int, dict]] = field(default_factory=dict)
    vouchers: list[VoucherSpec] = field(default_factory=list)
    #: orders and invoices (``orders.OrderSpec``), saved as SaveInvoices saves them
    orders: list = field(default_factory=list)
    generate: GenerateSpec | None = None
    #: what the scenario was read from, as data the log keeps (``{"text": the file's text}`` or
    #: ``{"data": the inline JSON object}``): a replay rebuilds the scenario from it, never
    #: from the file, so editing or deleting the file later changes no books
    origin: dict | None = None

    def years(self, current_year: int) -> list[int] | None:
        if self.fiscal_years is None:
            return None
        return resolve_years(self.fiscal_years, current_year)


_RELATIVE_YEAR = re.compile(r"^current\s*(?:([+-])\s*(\d+))?$")


def resolve_years(years, current_year: int) -> list[int]:
    """Years as a scenario gives them (2024, "current-1") as sorted, distinct years."""
    return sorted({resolve_year(y, current_year) for y in years})


def resolve_year(value, current_year: int) -> int:
    if isinstance(value, int):
        return value
    m = _RELATIVE_YEAR.match(str(value).strip().lower())
    if not m:
        raise ValueError(value)
    delta = int(m.group(2) or 0)
    return current_year - delta if m.group(1) == "-" else current_year + delta


