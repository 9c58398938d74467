"""Default reference data (chart of accounts, tax codes, types, customers) from ``fixtures/``.

Read once per process and shared read-only by every client built from it.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from importlib import resources
from pathlib import Path

import yaml

from .model import Account, Customer, EntrySeries, TaxCode, TransactionType


def fixtures_dir() -> Path:
    """``fixtures/`` of a source checkout, else the copy installed as ``mockserver/fixtures``
    (setup.py ships it there; a folder without ``__init__``, so found from ``mockserver``)."""
    here = Path(__file__).resolve().parents[2] / "fixtures"
    if (here / "defaults").is_dir():
        return here
    return Path(str(resources.files("mockserver"))) / "fixtures"


#: libyaml's parser where PyYAML has it (the same safe loading, several times faster at start-up)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load(name: str) -> dict:
    with open(fixtures_dir() / "defaults" / name, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_SAFE_LOADER)


@functools.cache
def default_accounts() -> dict[int, Account]:
    return {
        no: Account(account_id=10000 + no, account_no=no, name=name, tax_no=tax_no)
        for no, name, tax_no in _load("accounts.yaml")["accounts"]
    }


@functools.cache
def default_tax_codes() -> dict[int, TaxCode]:
    return {
        no: TaxCode(tax_id=2000 + no, tax_no=no, name=name, rate=Decimal(rate), account_no=acct)
        for no, name, rate, acct in _load("tax_codes.yaml")["tax_codes"]
    }


@functools.cache
def _types_file() -> dict:
    return _load("types.yaml")


def default_series() -> dict[int, EntrySeries]:
    return {
        s["id"]: EntrySeries(series_id=s["id"], name=s["name"], start_no=s.get("start"))
        for s in _types_file()["series"]
    }


def default_types() -> dict[int, TransactionType]:
    return {
        t["type_no"]: TransactionType(
            type_id=t["id"], type_no=t["type_no"], title=t["title"], series_id=t["series"],
            turnover=bool(t.get("turnover", False)), system_type=t.get("system", "Miscellaneous"),
        )
        for t in _types_file()["types"]
    }


@functools.cache
def default_customers() -> dict[int, Customer]:
    return {
        c["id"]: Customer(customer_id=c["id"], name=c["name"], bank_account=str(c.get("bank_account", "")))
        for c in _load("customers.yaml")["customers"]
    }
