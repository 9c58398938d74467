"""Applying a scenario to a client: its ``ClientOptions``, its reference data and its vouchers."""

from __future__ import annotations

from dataclasses import replace

from ... import errors
from ..book import ClientBook
from ..clients import ClientOptions
from ..masterdata import SALARY_TYPE, TIME_SETTING, WORK_TYPE
from . import master
from .bulk import load_vouchers
from .generate import _add_customers, generate_vouchers
from .spec import Scenario, resolve_days, resolve_years

# --- applying ---------------------------------------------------------------------------------


def client_options(sc: Scenario, current_year: int, base=None, credentials: bool = True,
                   **overrides):
    """``ClientOptions`` for ``Ledger.create_client``: the scenario over ``base``, then overrides.

    ``credentials``: use the scenario's username, password, application and identity ids (the
    demo client does); a client made through the control API gets fresh ones instead, so two
    clients from one scenario never share a login.
    """
    opts = base or ClientOptions()
    values: dict[str, object] = {"name": sc.name, "fiscal_years": sc.years(current_year),
              "vat_base_rate": sc.vat_base_rate, "oauth_scopes": sc.oauth_scopes}
    if credentials:
        values.update(username=sc.username, password=sc.password,
                      application_id=sc.application_id, identity_id=sc.identity_id)
    opts = replace(opts, **{k: v for k, v in values.items() if v is not None})
    if sc.blocked:
        opts = replace(opts, blocked=True)
    if sc.generate is not None:
        opts = replace(opts, generated_lines=sc.generate.lines)
    if sc.identities:
        extra = []
        for spec in sc.identities:
            spec = dict(spec)
            if "fiscal_years" in spec:
                spec["fiscal_years"] = resolve_years(spec["fiscal_years"], current_year)
            extra.append(spec)
        opts = replace(opts, extra_identities=extra)
    return replace(opts, **{k: v for k, v in overrides.items() if v is not None})


def populate(ledger, client_id: int, sc: Scenario, id_seed=None, now=None) -> dict:
    """Reference data and existing vouchers of ``sc`` into a client created for it.

    ``id_seed``: the scenario's voucher lines get ids drawn from it (a shared store replays the
    scenario and must get the same ids); ``now``: the time of the load (default: the clock).
    """
    with ledger.lock:
        book = ledger.book(client_id)
        apply_reference_data(book, sc)
        now = now or ledger.clock.now()
        seed = None if id_seed is None else ("scenario", id_seed, client_id)
        vouchers = resolve_days(sc.vouchers, now.year) if sc.vouchers else []
        lines = load_vouchers(book, vouchers, now, id_seed=seed) if vouchers else 0
        if sc.generate is not None and sc.generate.lines:
            made = generate_vouchers(book, sc.generate, now.date(), where=sc.source)
            generated = load_vouchers(book, made, now, check=False, fingerprints=False,
                                      id_seed=(sc.generate.seed, client_id))
            book.generated_lines += generated
            lines += generated
        result = {"scenario": sc.name or sc.source, "lines": lines}
        if sc.orders:
            result["orders"] = len(sc.orders)
        return result


def apply_reference_data(book: ClientBook, sc: Scenario) -> None:
    """Replace or extend the book's reference data (never mutating the shared defaults)."""
    if not sc.use_default_reference_data:
        book.accounts, book.tax_codes, book.types = {}, {}, {}
        book.series, book.customers = {}, {}
        for kind in (WORK_TYPE, SALARY_TYPE, TIME_SETTING):  # TimeService's lists: the client's own, even empty
            book.master.of(kind)
    book.accounts = {**book.accounts, **sc.accounts}
    book.tax_codes = {**book.tax_codes, **sc.tax_codes}
    book.types = {**book.types, **sc.types}
    book.series = {**book.series, **sc.entry_series}
    book.customers = {**book.customers, **sc.customers}
    master.apply(book, sc.master)
    if sc.vat_base_rate is not None:
        book.vat_base_rate = sc.vat_base_rate
    for ttype in book.types.values():
        if ttype.series_id not in book.series:
            raise errors.ScenarioTypeWithoutSeries(source=sc.source, type_no=ttype.type_no,
                                                   series_id=ttype.series_id)
    if sc.generate is not None and sc.generate.customers:
        _add_customers(book, sc.generate.customers, sc.generate.seed)


