"""Scenario files' master data (SPEC M1-M5): companies, persons, projects, products,
departments, currencies and price lists, read with the scenario reader's checks and put into the client's
``MasterData`` (``masterdata.py``) when the scenario is applied.

Each item names its members in the scenario's snake_case; they are stored as the vendor's
members (``organization_number`` -> ``OrganizationNumber``), so the services return them as any
saved record. Companies are also the ledger's customers (the same ids)::

    companies:
      - {id: 20001, name: Havbris AS, bank_account: "15031122222", organization_number: "987654321"}
    persons:   [{id: 1, first_name: Kari, last_name: Nordmann, customer_id: 20001}]
    projects:  [{id: 7, name: Nytt lager, customer_id: 20001}]
    products:  [{id: 1, no: SKU-1, name: Kaffe, price: "89.90", stock: "12"}]
    departments: [{id: 3, name: Salg}]
    currencies: [{code: EUR, rate: "11.50"}]
    price_lists: [{id: 2, name: Forhandler, currency: NOK, include_vat: false,
                   prices: [{product_id: 1, price: "79.00"}]}]
    discount_matrices: {category: [{category_id: 1, customer_id: 20001, value: "7.5"}]}
    work_types: [{id: 1, name: Konsulentarbeid, invoiceable: true, price: "1250.00"}]
    salary_types: [{id: 1, name: Timelønn}]
    time_settings: [{id: 1, key: NormalHoursPerDay, value: "7.5"}]

Price lists are ProductService's (GetAllPriceLists, GetPriceList) and REST ``/pricelists`` after
the standard list 1 (``interpretations.PRICE_LIST``: the products' own prices), so their ids
start at 2. Discount matrices are read by ``discounts.py``. Work types, salary types and time
settings are TimeService's (``timesheets.py``); a list given replaces the default fixtures'
(``fixtures/defaults/time.yaml``, read with these same checks), an empty list leaves none.
"""

from __future__ import annotations

import re

from ... import errors
from .. import interpretations as rules
from ..masterdata import (
    COMPANY,
    CURRENCY,
    DEPARTMENT,
    PERSON,
    PRICE_LIST,
    PRODUCT,
    PROJECT,
    SALARY_TYPE,
    TIME_SETTING,
    WORK_TYPE,
)
from ..model import Customer
from . import discounts

KEYS = ("companies", "persons", "projects", "products", "departments", "currencies",
        "price_lists", "work_types", "salary_types", "time_settings", discounts.KEY)

#: scenario key -> (member, reader kind); "id" and "name" are read for every kind
_MEMBERS = {
    "companies": {"name": ("Name", "text!"), "bank_account": ("BankAccountNo", "digits"),
                  "organization_number": ("OrganizationNumber", "text"),
                  "external_id": ("ExternalId", "text"), "email": ("EmailAddresses", "email"),
                  "phone": ("PhoneNumbers", "phone"), "type": ("Type", "text")},
    "persons": {"first_name": ("FirstName", "text"), "last_name": ("LastName", "text"),
                "customer_id": ("CustomerId", "int"), "email": ("EmailAddresses", "email_list")},
    "projects": {"name": ("Name", "text!"), "customer_id": ("CustomerId", "int"),
                 "enabled": ("Enabled", "bool"), "owner": ("Owner", "int")},
    "products": {"no": ("No", "text"), "name": ("Name", "text!"), "price": ("Price", "decimal"),
                 "cost": ("Cost", "decimal"), "stock": ("Stock", "decimal"),
                 "tax_rate": ("TaxRate", "decimal"), "category_id": ("CategoryId", "int")},
    "departments": {"name": ("Name", "text!")},
    "currencies": {"code": ("Symbol", "code"), "rate": ("Rate", "decimal"), "unit": ("Unit", "int")},
    "price_lists": {"name": ("Name", "text!"), "description": ("Description", "text"),
                    "currency": ("Currency", "code?"), "include_vat": ("IncVat", "bool"),
                    "prices": ("Prices", "prices")},
    # TimeService (``timesheets.py``): a list given replaces the default fixtures' whole list
    "work_types": {"name": ("Name", "text!"), "description": ("Description", "text"),
                   "invoiceable": ("Invoiceable", "bool"), "price": ("Price", "decimal"),
                   "product_id": ("ProductId", "int"), "active": ("Active", "bool")},
    "salary_types": {"name": ("Name", "text!")},
    "time_settings": {"key": ("Key", "text!"), "value": ("Value", "text")},
}
_KINDS = {"companies": COMPANY, "persons": PERSON, "projects": PROJECT, "products": PRODUCT,
          "departments": DEPARTMENT, "currencies": CURRENCY, "price_lists": PRICE_LIST,
          "work_types": WORK_TYPE, "salary_types": SALARY_TYPE, "time_settings": TIME_SETTING}


def read(r, top) -> dict[str, dict[int, dict]]:
    """The master data of a scenario's top mapping, checked; ``r`` is the scenario reader."""
    out: dict[str, dict[int, dict]] = {}
    for key in _MEMBERS:
        if top.get(key) is None:
            continue
        items = r.seq(top, key, key)
        records: dict[int, dict] = {}
        for i, item in enumerate(items):
            path = f"{key}[{i}]"
            members = _MEMBERS[key]
            item = r.mapping(items, i, path, item, ("id", *members))
            if key == "currencies":
                rid = r.integer(item, "id", f"{path}.id", low=1, default=None)
            else:
                rid = r.integer(item, "id", f"{path}.id", low=1, required=True)
            if key == "price_lists" and rid == rules.PRICE_LIST["id"]:
                r.fail(item, "id", f"{path}.id",
                       errors.ScenarioStandardPriceList(id=rid, first=rid + 1))
            data: dict = {}
            for name, (member, kind) in members.items():
                value = _value(r, item, name, f"{path}.{name}", kind)
                if value is not None:
                    data[member] = value
            if key == "currencies":
                rid = rid or rules.currency_id(data["Symbol"])
                data["Id"] = rid
            if rid in records:
                r.fail(items, i, path, errors.ScenarioRepeatedId(key=rid))
            records[rid] = data
        out[key] = records
    return {**out, **discounts.read(r, top)}


def _value(r, item, name, path, kind):
    if kind in ("text", "text!"):
        return r.text(item, name, path, required=kind == "text!", max_len=200)
    if kind == "digits":
        text = r.text(item, name, path)
        if text and not re.fullmatch(r"[0-9 .]+", text):
            r.fail(item, name, path, errors.ScenarioNotDigits(value=text))
        return text
    if kind == "int":
        return r.integer(item, name, path, low=0)
    if kind == "decimal":
        return r.decimal(item, name, path)
    if kind == "bool":
        return r.boolean(item, name, path, default=None) if name in item else None
    if kind == "prices":
        return _prices(r, item, name, path) if item.get(name) is not None else None
    if kind in ("code", "code?"):
        text = r.text(item, name, path, required=kind == "code")
        if text is None:
            return None
        if not re.fullmatch(r"[A-Za-z]{3}", text):
            r.fail(item, name, path, errors.ScenarioNotACurrencyCode(value=text))
        return text.upper()
    text = r.text(item, name, path)
    if text is None:
        return None
    if kind == "email":
        return {"Primary": {"Value": text}}
    if kind == "phone":
        return {"Primary": {"Value": text}}
    return [{"Type": "Primary", "Value": text}]  # email_list


def _prices(r, item, name, path) -> dict[str, object]:
    """A price list's ``prices: [{product_id, price}]`` as ``{"3": Decimal}`` (the record's
    ``Prices``: JSON keys, as the log keeps them), one price per product."""
    items = r.seq(item, name, path)
    out: dict[str, object] = {}
    for i, entry in enumerate(items):
        at = f"{path}[{i}]"
        entry = r.mapping(items, i, at, entry, ("product_id", "price"))
        pid = r.integer(entry, "product_id", f"{at}.product_id", low=1, required=True)
        price = r.decimal(entry, "price", f"{at}.price", required=True)
        if str(pid) in out:
            r.fail(items, i, at, errors.ScenarioRepeatedProduct(product_id=pid))
        out[str(pid)] = price
    return out


def apply(book, master: dict[str, dict[int, dict]]) -> None:
    """Put a scenario's master data into a client's book (companies into its customers too)."""
    when = rules.fixture_record_time(book)
    for key, records in master.items():
        kind = _KINDS.get(key, key)  # discount matrices: already by kind
        book.master.of(kind)  # given, even empty: the client's own list, not the defaults
        for rid, data in records.items():
            book.master.put(kind, rid, dict(data), when)
        if kind == COMPANY:
            book.customers = {**book.customers, **{
                rid: Customer(customer_id=rid, name=d.get("Name", ""),
                              bank_account=d.get("BankAccountNo") or "")
                for rid, d in records.items()}}
