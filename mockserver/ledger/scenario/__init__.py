"""Scenario files (SPEC C): a client's set-up and existing data, read from YAML or JSON.

A scenario names the client, its fiscal years, reference data (entry series with start numbers,
accounts, tax codes, types, customers with bank accounts), blocked identities, a rate limit, the
VAT base rate, and existing vouchers: written out, or generated with Faker from a seed so every
run gets the same data (``generate: {lines: 500, seed: 42}``). Files live in
``fixtures/scenarios/NAME.yaml``; ``tfso-mock serve --scenario NAME|PATH`` applies one to the demo
client, ``POST /__admin/clients {"scenario": NAME or {...}}`` to a new client.

A bad scenario is refused with the file, the line and the field: ``webshop.yaml, line 12:
customers[3].bank_account: must be text of digits``.

``load_vouchers`` is the bulk loader: it writes ledger lines straight into a ``ClientBook``
(Line objects and the book's indexes, no SOAP round trips), fast enough for a million lines.

Parts: ``marks`` (YAML with line marks), ``spec`` (the read scenario), ``reader`` (finding files,
schema checks), ``apply`` (options, reference data, vouchers into a client), ``bulk`` (the bulk
loader), ``generate`` (Faker data), ``master`` (companies, products, ...), ``orders`` (orders
and invoices, saved as SaveInvoices saves them). The names below are the package's interface.

Pure: no HTTP, no spyne, no Flask.
"""

from __future__ import annotations

from .apply import apply_reference_data, client_options, populate
from .bulk import load_vouchers
from .generate import bank_account, bulk_generate, generate_vouchers, kid
from .marks import ScenarioError
from .reader import (
    available,
    available_in,
    client_fields,
    from_data,
    from_origin,
    load,
    load_named,
    parse_text,
    resolve_named,
    resolve_path,
    scenario_dir,
)
from .spec import (
    EntrySpec,
    GenerateSpec,
    RelativeDay,
    Scenario,
    VoucherSpec,
    resolve_days,
    resolve_year,
)

__all__ = [
    "EntrySpec", "GenerateSpec", "RelativeDay", "Scenario", "ScenarioError", "VoucherSpec",
    "apply_reference_data", "available", "available_in", "bank_account", "bulk_generate",
    "client_fields", "client_options", "from_data", "from_origin", "generate_vouchers", "kid", "load", "load_named",
    "load_vouchers", "parse_text", "populate", "resolve_days", "resolve_named", "resolve_path",
    "resolve_year", "scenario_dir",
]
