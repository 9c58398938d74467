"""A client's master data: companies, persons, projects, products and their satellites.

Records are kept by kind and id as the fields a client set, in the vendor's own vocabulary
(``Name``, ``OrganizationNumber``, ``BankAccountNo``...); a field never set is absent, so an
update changes only what it sends. Every record has its creation and change time (sync lists,
``ChangedAfter``) and a deletion leaves a tombstone with its time.

Companies are the ledger's customers and suppliers (SPEC M2): every company is also in
``ClientBook.customers`` (what SaveBundleList's checks read: its name and ``BankAccountNo``), and
the customers of the default fixtures and of scenario files are companies with the same ids,
without a record until one is saved (``company_view`` shows them).

This module holds no lock and writes no log: ``master.py`` (the ledger's operations) does both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

COMPANY = "company"
PERSON = "person"
PROJECT = "project"
PRODUCT = "product"
DEPARTMENT = "department"
CURRENCY = "currency"
USER = "user"
PRICE_LIST = "price_list"
#: ProductService's discount matrices (scenario files only: ``scenario/discounts.py``)
DISCOUNT_PRICE_GROUP = "discount_price_group"
DISCOUNT_CATEGORY = "discount_category"
#: What a bank feed writes over REST (``bankfeed.py``; read by ``banking.py``)
BANK_ACCOUNT = "bank_account"
BANK_BALANCE = "bank_balance"
BANK_TRANSACTION = "bank_transaction"
#: InvoiceService's orders (``invoices.ORDER``), named here so that master data can ask whether
#: an order names a record without importing invoices (which imports it)
INVOICE_ORDER = "invoice_order"
#: TimeService (``timesheets.py``): hours and costs (numbered per client), and the client's
#: work types, salary types and time settings (scenario or default fixtures)
HOUR = "hour"
COST = "cost"
WORK_TYPE = "work_type"
SALARY_TYPE = "salary_type"
TIME_SETTING = "time_setting"
#: The kinds whose ids are numbered per client (the others: the caller's own ids).
KINDS = (COMPANY, PERSON, PROJECT, PRODUCT, DEPARTMENT, CURRENCY, USER, "company_category",
         "customer_category", "company_relation", "company_map", "industry", "status",
         "crm_group", "person_note", "person_category", "project_task", "project_role",
         "project_type", "project_status", "project_category", "pipeline", "product_category",
         PRICE_LIST, DISCOUNT_PRICE_GROUP, DISCOUNT_CATEGORY, BANK_ACCOUNT, BANK_BALANCE,
         BANK_TRANSACTION, HOUR, COST, WORK_TYPE, SALARY_TYPE, TIME_SETTING)


@dataclass
class Record:
    id: int
    data: dict
    created: datetime
    changed: datetime


@dataclass
class MasterData:
    """Records by kind and id, tombstones, and the last id each kind gave out."""

    records: dict[str, dict[int, Record]] = field(default_factory=dict)
    deleted: dict[str, dict[int, datetime]] = field(default_factory=dict)
    last_id: dict[str, int] = field(default_factory=dict)
    #: (person id, company id) -> ``relations.Relation``: contacts and their companies
    relations: dict = field(default_factory=dict)
    #: (kind, id) -> the pairs a ``master`` row of a log written before ``relations`` listed
    #: in that record (``relations.absorb``: what the next such row no longer lists is gone)
    legacy_relations: dict = field(default_factory=dict)

    def of(self, kind: str) -> dict[int, Record]:
        recs = self.records.get(kind)
        if recs is None:
            recs = self.records[kind] = {}
        return recs

    def get(self, kind: str, rid: int) -> Record | None:
        return self.records.get(kind, {}).get(rid)

    def put(self, kind: str, rid: int, data: dict, now: datetime) -> Record:
        recs = self.of(kind)
        rec = recs.get(rid)
        if rec is None:
            rec = recs[rid] = Record(rid, data, now, now)
        else:
            rec.data, rec.changed = data, now
        self.deleted.get(kind, {}).pop(rid, None)
        if rid > self.last_id.get(kind, 0):
            self.last_id[kind] = rid
        return rec

    def delete(self, kind: str, rid: int, now: datetime) -> None:
        self.of(kind).pop(rid, None)
        self.deleted.setdefault(kind, {})[rid] = now

    def next_id(self, kind: str, floor: int = 0, taken=()) -> int:
        """One more than any id this kind has had (records, tombstones, ``taken``)."""
        top = max([floor, self.last_id.get(kind, 0), *self.deleted.get(kind, {}), *taken])
        return top + 1


def merge(old: dict, new: dict) -> dict:
    """``new``'s fields over ``old``'s; nested records merge field by field, lists replace."""
    out = dict(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


# --- log bodies: records as JSON -----------------------------------------------------------


def encode(value):
    """A record's value as JSON: Decimals, times and GUIDs tagged (``{"$d": "1.50"}``)."""
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, UUID):
        return {"$u": value.hex}
    if hasattr(value, "isoformat"):  # a date
        return {"$day": value.isoformat()}
    return value


def decode(value):
    if isinstance(value, dict):
        if len(value) == 1:
            (tag, text), = value.items()
            if tag == "$d":
                return Decimal(text)
            if tag == "$t":
                return datetime.fromisoformat(text)
            if tag == "$u":
                return UUID(text)
            if tag == "$day":
                from datetime import date

                return date.fromisoformat(text)
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value
