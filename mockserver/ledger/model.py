"""The vendor's vocabulary as plain data: reference data, what a client sends, what is booked.

Nothing here knows about SOAP or HTTP. Input classes (BundleList, Bundle, Voucher, Entry,
DifferenceOptions) carry the WSDL defaults already applied by the protocol surface.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

NIL_GUID = UUID(int=0)

# --- reference data -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Account:
    account_id: int
    account_no: int
    name: str
    tax_no: int = 0  # default tax code of the account
    account_tax: int = 0


@dataclass(frozen=True, slots=True)
class TaxCode:
    tax_id: int
    tax_no: int
    name: str
    rate: Decimal  # percent, e.g. Decimal("25")
    account_no: int | None  # where the VAT amount is posted; None for zero-rate codes


@dataclass(frozen=True, slots=True)
class EntrySeries:
    series_id: int
    name: str
    start_no: int | None  # first number of an empty series; None: GetEntryId faults (E3)


@dataclass(frozen=True, slots=True)
class TransactionType:
    type_id: int
    type_no: int
    title: str
    series_id: int
    turnover: bool = False
    system_type: str = "Miscellaneous"


@dataclass(frozen=True, slots=True)
class FiscalYear:
    year: int
    id: UUID
    start: date
    end: date  # inclusive, as the vendor's EndingDate
    locked: bool = False

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Customer:
    customer_id: int
    name: str
    bank_account: str = ""


# --- what a client sends (SaveBundleList) ---------------------------------------------------


@dataclass(slots=True)
class Link:
    line_id: UUID = NIL_GUID
    link_id: UUID = NIL_GUID


@dataclass(slots=True)
class Dimension:
    type: int = 0
    value: str = ""


@dataclass(slots=True)
class Entry:
    date: date
    sequence_id: Decimal = Decimal(0)
    customer_id: int = 0
    account_no: int = 0
    due_date: _dt.date | None = None
    amount: Decimal = Decimal(0)
    vat_amount: Decimal = Decimal(0)
    currency_id: str = ""
    base_rate: Decimal = Decimal(-1)
    currency_rate: Decimal = Decimal(0)
    currency_unit: int = 1
    department_id: int = 0
    project_id: int = 0
    dimensions: list[Dimension] = field(default_factory=list)
    invoice_reference_no: str = ""
    invoice_ocr: str = ""
    tax_no: str = ""
    period_date: _dt.date | None = None
    comment: str = ""
    stamp_no: int = 0
    bank_account_no: str = ""
    link_id: UUID = NIL_GUID
    links: list[Link] = field(default_factory=list)


@dataclass(slots=True)
class DifferenceOptions:
    threshold: Decimal = Decimal(0)
    account_id: int = 0
    due_date: date | None = None
    date: date | None = None
    currency_id: int = 0
    currency_unit: int = 1
    currency_rate: Decimal = Decimal(0)
    comment: str = ""
    customer_id: int = 0
    period: int = 0
    link_id: UUID = NIL_GUID
    invoice_ocr: str = ""
    department_id: int = 0
    project_id: int = 0
    bank_account_no: str = ""


@dataclass(slots=True)
class Voucher:
    transaction_no: int = 0
    sort: int = 0
    entries: list[Entry] = field(default_factory=list)
    difference_options: DifferenceOptions | None = None


@dataclass(slots=True)
class Bundle:
    year_id: int = 0
    sort: int = 0
    name: str = ""
    bundle_direct_accounting: bool = False
    use_auto_base_rate: bool = True
    vouchers: list[Voucher] = field(default_factory=list)


@dataclass(slots=True)
class BundleList:
    bundles: list[Bundle] = field(default_factory=list)
    allow_difference: bool = False
    direct_ledger: bool = False
    save_option: int = 1
    default_customer_id: int = 0
    ignore_warnings: list[str] = field(default_factory=list)


# --- what is booked -------------------------------------------------------------------------


@dataclass(slots=True)
class Line:
    """One line of a voucher, in the journal (draft) or in the ledger."""

    line_id: UUID
    seq: int  # client-wide insertion order; ties broken by it
    transaction_no: int
    series_id: int
    year: int
    type_no: int
    type_id: int
    account_no: int
    date: date
    amount: Decimal
    customer_id: int = 0
    due_date: _dt.date | None = None
    period_date: _dt.date | None = None
    currency: str = ""
    currency_rate: Decimal = Decimal(1)
    currency_unit: int = 1
    vat_amount: Decimal = Decimal(0)
    tax_no: int = 0
    department_id: int = 0
    project_id: int = 0
    dimensions: tuple[tuple[int, str], ...] = ()
    invoice_no: str = ""
    ocr: str = ""
    comment: str = ""
    stamp_no: int = 0
    bank_account_no: str = ""
    link_id: int | None = None  # the integer link (GetTransactions LinkId)
    link_guid: UUID | None = None  # the SaveBundleList LinkId it was booked with
    sequence_no: int = 0  # position in the voucher
    system_type: str = "Miscellaneous"
    created_at: datetime | None = None
    modified_at: datetime | None = None
    posted: bool = False  # False: journal (draft), True: ledger


@dataclass(slots=True)
class VoucherRecord:
    """A saved voucher: its numbering key, content fingerprint and lines."""

    series_id: int
    year: int
    transaction_no: int
    type_no: int
    fingerprint: str
    line_ids: list[UUID]
    posted: bool
    bundle_name: str = ""
