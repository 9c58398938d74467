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

Pure: no HTTP, no spyne, no Flask.
"""

from __future__ import annotations

import difflib
import gc
import random
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from . import interpretations as rules
from .book import ClientBook
from .fixtures import fixtures_dir
from .model import Account, Customer, EntrySeries, Line, TaxCode, TransactionType, VoucherRecord
from .money import HUNDRED, ZERO, add, cents, div, mul


class ScenarioError(ValueError):
    """A scenario that cannot be used. The text names the source, the line and the field."""


# --- YAML with line marks ----------------------------------------------------------------------


class _MarkedDict(dict):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int | None = None
    lines: dict


class _MarkedList(list):
    line: int | None = None
    lines: list


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false. In YAML 1.1 ``no`` (an account *no*) and ``NO``
    (Norway) read as false, the "Norway problem"."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _construct_map(loader: _Loader, node):
    data = _MarkedDict()
    data.line = node.start_mark.line + 1
    data.lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise ScenarioError(f"line {line}: a key must be plain text") from None
        if key in data:
            raise ScenarioError(f"line {line}: {key} is given twice (first on line {data.lines[key]})")
        data[key] = loader.construct_object(value_node, deep=True)
        data.lines[key] = line


def _construct_seq(loader: _Loader, node):
    data = _MarkedList()
    data.line = node.start_mark.line + 1
    data.lines = []
    yield data
    for child in node.value:
        data.append(loader.construct_object(child, deep=True))
        data.lines.append(child.start_mark.line + 1)


def _construct_decimal(loader: _Loader, node):
    """Money is Decimal: a YAML float is read from its text, never through float."""
    text = loader.construct_scalar(node).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ScenarioError(f"line {node.start_mark.line + 1}: {text!r} is not a finite number")
    return value


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _line_of(container, key) -> int | None:
    if isinstance(container, _MarkedDict):
        return container.lines.get(key, container.line)
    if isinstance(container, _MarkedList) and isinstance(key, int) and key < len(container.lines):
        return container.lines[key]
    return getattr(container, "line", None)


# --- the scenario -------------------------------------------------------------------------


@dataclass(slots=True)
class EntrySpec:
    """One line of an existing voucher. Attribute names follow ``model.Entry``."""

    account_no: int
    amount: Decimal
    date: date
    customer_id: int = 0
    due_date: date | None = None
    period_date: date | None = None
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
    use_default_reference_data: bool = True
    entry_series: dict[int, EntrySeries] = field(default_factory=dict)
    accounts: dict[int, Account] = field(default_factory=dict)
    tax_codes: dict[int, TaxCode] = field(default_factory=dict)
    types: dict[int, TransactionType] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    vouchers: list[VoucherSpec] = field(default_factory=list)
    generate: GenerateSpec | None = None

    def years(self, current_year: int) -> list[int] | None:
        if self.fiscal_years is None:
            return None
        return sorted({resolve_year(y, current_year) for y in self.fiscal_years})


_RELATIVE_YEAR = re.compile(r"^current\s*(?:([+-])\s*(\d+))?$")


def resolve_year(value, current_year: int) -> int:
    if isinstance(value, int):
        return value
    m = _RELATIVE_YEAR.match(str(value).strip().lower())
    if not m:
        raise ValueError(value)
    delta = int(m.group(2) or 0)
    return current_year - delta if m.group(1) == "-" else current_year + delta


# --- reading ----------------------------------------------------------------------------------


def scenario_dir() -> Path:
    return fixtures_dir() / "scenarios"


def available() -> list[str]:
    folder = scenario_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def resolve_path(name_or_path: str) -> Path:
    """A scenario name (``webshop``) from fixtures/scenarios/, or a path to a YAML file."""
    text = str(name_or_path).strip()
    if not text:
        raise ScenarioError("A scenario needs a name or a path")
    candidate = Path(text).expanduser()
    if candidate.suffix.lower() in (".yaml", ".yml", ".json") or "/" in text or "\\" in text:
        if candidate.is_file():
            return candidate
        raise ScenarioError(f"Scenario file {text} does not exist")
    named = scenario_dir() / f"{text}.yaml"
    if named.is_file():
        return named
    names = available()
    hint = difflib.get_close_matches(text, names, n=1)
    extra = f"; did you mean {hint[0]}?" if hint else ""
    raise ScenarioError(f"No scenario named {text!r} (available: {', '.join(names) or 'none'}){extra}")


def load(name_or_path: str) -> Scenario:
    """Read and check a scenario file; ``ScenarioError`` names the line and the field."""
    path = resolve_path(name_or_path)
    return parse_text(path.read_text(encoding="utf-8"), source=path.name)


def parse_text(text: str, source: str = "scenario") -> Scenario:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except ScenarioError as err:
        raise ScenarioError(f"{source}, {err}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err)
        raise ScenarioError(f"{source}{where}: not valid YAML: {problem}") from None
    if data is None:
        data = _MarkedDict()
        data.line, data.lines = 1, {}
    return from_data(data, source)


def from_data(data, source: str = "scenario") -> Scenario:
    """A scenario from parsed YAML, or from a JSON object (no line numbers then)."""
    return _Reader(source).scenario(data)


_TOP = ("name", "description", "username", "password", "application_id", "identity_id",
        "fiscal_years", "vat_base_rate", "rate_limit", "burst_limit", "blocked", "identities",
        "use_default_reference_data", "entry_series", "accounts", "tax_codes", "types",
        "customers", "vouchers", "generate")


class _Reader:
    """Checks every field, naming the path and the line of what is wrong."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, container, key, path: str, problem: str):
        line = _line_of(container, key)
        where = f"{self.source}, line {line}" if line else self.source
        raise ScenarioError(f"{where}: {path}: {problem}")

    def where(self, container, key) -> str:
        line = _line_of(container, key)
        return f"{self.source}, line {line}" if line else self.source

    # --- typed values ---

    def mapping(self, container, key, path: str, value, known: Iterable[str]) -> dict:
        if not isinstance(value, dict):
            self.fail(container, key, path, "must be a mapping (key: value)")
        known = tuple(known)
        for k in value:
            if k not in known:
                hint = difflib.get_close_matches(str(k), known, n=1)
                extra = f" (did you mean {hint[0]}?)" if hint else ""
                self.fail(value, k, f"{path}.{k}" if path else str(k),
                          f"unknown field{extra}; known fields: {', '.join(known)}")
        return value

    def seq(self, container, key, path: str) -> list:
        value = container[key]
        if not isinstance(value, list):
            self.fail(container, key, path, "must be a list")
        return value

    def integer(self, container, key, path: str, low=None, high=None, default=None,
                required=False) -> int | None:
        if key not in container or container[key] is None:
            if required:
                self.fail(container, key, path, "is required")
            return default
        value = container[key]
        if isinstance(value, bool) or not isinstance(value, int | Decimal) or (
                isinstance(value, Decimal) and value != value.to_integral_value()):
            self.fail(container, key, path, f"must be a whole number, not {value!r}")
        value = int(value)
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            self.fail(container, key, path, f"must be {bounds}, not {value}")
        return value

    def text(self, container, key, path: str, default=None, required=False, max_len=None):
        if key not in container or container[key] is None:
            if required:
                self.fail(container, key, path, "is required")
            return default
        value = container[key]
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(container, key, path, f"must be text, not {value!r}")
        value = str(value)
        if max_len is not None and len(value) > max_len:
            self.fail(container, key, path, f"is {len(value)} characters long; at most {max_len} are allowed")
        return value

    def boolean(self, container, key, path: str, default=False) -> bool:
        if key not in container or container[key] is None:
            return default
        value = container[key]
        if not isinstance(value, bool):
            self.fail(container, key, path, f"must be true or false, not {value!r}")
        return value

    def decimal(self, container, key, path: str, default=None, required=False) -> Decimal | None:
        if key not in container or container[key] is None:
            if required:
                self.fail(container, key, path, "is required")
            return default
        value = container[key]
        if isinstance(value, bool):
            self.fail(container, key, path, f"must be a number, not {value!r}")
        if isinstance(value, float):  # JSON bodies: read the shortest text, never the binary
            value = repr(value)
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.fail(container, key, path, f"must be a number, not {value!r}")
        return number

    def day(self, container, key, path: str, required=False) -> date | None:
        if key not in container or container[key] is None:
            if required:
                self.fail(container, key, path, "is required")
            return None
        value = container[key]
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(container, key, path, f"must be a date like 2024-01-31, not {value!r}")

    def guid(self, container, key, path: str) -> uuid.UUID | None:
        if key not in container or container[key] is None:
            return None
        try:
            return uuid.UUID(str(container[key]))
        except ValueError:
            self.fail(container, key, path, f"must be a GUID, not {container[key]!r}")

    # --- the document ---

    def scenario(self, data) -> Scenario:
        top = self.mapping(None, None, "", data, _TOP)
        sc = Scenario(source=self.source)
        sc.name = self.text(top, "name", "name", max_len=100)
        sc.description = self.text(top, "description", "description", default="")
        sc.username = self.text(top, "username", "username")
        sc.password = self.text(top, "password", "password")
        sc.application_id = self.guid(top, "application_id", "application_id")
        sc.identity_id = self.guid(top, "identity_id", "identity_id")
        if top.get("fiscal_years") is not None:
            sc.fiscal_years = self.years(top, "fiscal_years", "fiscal_years")
        rate = self.decimal(top, "vat_base_rate", "vat_base_rate")
        if rate is not None and not ZERO <= rate <= HUNDRED:
            self.fail(top, "vat_base_rate", "vat_base_rate", f"must be from 0 to 100, not {rate}")
        sc.vat_base_rate = rate
        sc.rate_limit = self.integer(top, "rate_limit", "rate_limit", low=0)
        sc.burst_limit = self.integer(top, "burst_limit", "burst_limit", low=0)
        sc.blocked = self.boolean(top, "blocked", "blocked")
        sc.use_default_reference_data = self.boolean(top, "use_default_reference_data",
                                                     "use_default_reference_data", default=True)
        if top.get("identities") is not None:
            sc.identities = self.identities(top)
        for key, reader in (("entry_series", self.series), ("accounts", self.account),
                            ("tax_codes", self.tax_code), ("types", self.type_),
                            ("customers", self.customer)):
            if top.get(key) is None:
                continue
            target = getattr(sc, key)
            items = self.seq(top, key, key)
            for i, item in enumerate(items):
                path = f"{key}[{i}]"
                obj_key, obj = reader(items, i, path, item)
                if obj_key in target:
                    self.fail(items, i, path, f"repeats {obj_key} (ids must be unique)")
                target[obj_key] = obj
        if top.get("vouchers") is not None:
            items = self.seq(top, "vouchers", "vouchers")
            sc.vouchers = [self.voucher(items, i, f"vouchers[{i}]", v) for i, v in enumerate(items)]
        if top.get("generate") is not None:
            sc.generate = self.generate(top)
        return sc

    def years(self, container, key, path: str) -> list:
        items = self.seq(container, key, path)
        out = []
        for i, value in enumerate(items):
            if isinstance(value, int) and not isinstance(value, bool):
                if not 1900 <= value <= 9998:
                    self.fail(items, i, f"{path}[{i}]", f"must be a year from 1900 to 9998, not {value}")
                out.append(value)
                continue
            try:
                resolve_year(value, 2000)
            except ValueError:
                self.fail(items, i, f"{path}[{i}]",
                          f"must be a year (2024) or relative to the clock's year (current, current-1), not {value!r}")
            out.append(str(value).strip().lower())
        return out

    def identities(self, top) -> list[dict]:
        items = self.seq(top, "identities", "identities")
        out = []
        for i, item in enumerate(items):
            path = f"identities[{i}]"
            item = self.mapping(items, i, path, item, ("name", "blocked", "fiscal_years"))
            spec: dict = {"blocked": self.boolean(item, "blocked", f"{path}.blocked")}
            name = self.text(item, "name", f"{path}.name", max_len=100)
            if name:
                spec["name"] = name
            if item.get("fiscal_years") is not None:
                spec["fiscal_years"] = self.years(item, "fiscal_years", f"{path}.fiscal_years")
            out.append(spec)
        return out

    def series(self, items, i, path, item):
        item = self.mapping(items, i, path, item, ("id", "name", "start"))
        sid = self.integer(item, "id", f"{path}.id", low=1, required=True)
        return sid, EntrySeries(series_id=sid, name=self.text(item, "name", f"{path}.name", default=f"Series {sid}"),
                                start_no=self.integer(item, "start", f"{path}.start", low=1))

    def account(self, items, i, path, item):
        item = self.mapping(items, i, path, item, ("no", "name", "tax_no", "id"))
        no = self.integer(item, "no", f"{path}.no", low=1, high=99999999, required=True)
        return no, Account(account_id=self.integer(item, "id", f"{path}.id", low=1, default=10000 + no),
                           account_no=no, name=self.text(item, "name", f"{path}.name", required=True),
                           tax_no=self.integer(item, "tax_no", f"{path}.tax_no", low=0, default=0))

    def tax_code(self, items, i, path, item):
        item = self.mapping(items, i, path, item, ("no", "name", "rate", "account", "id"))
        no = self.integer(item, "no", f"{path}.no", low=0, required=True)
        rate = self.decimal(item, "rate", f"{path}.rate", required=True)
        if not ZERO <= rate <= HUNDRED:
            self.fail(item, "rate", f"{path}.rate", f"must be a percentage from 0 to 100, not {rate}")
        return no, TaxCode(tax_id=self.integer(item, "id", f"{path}.id", low=1, default=2000 + no),
                           tax_no=no, name=self.text(item, "name", f"{path}.name", required=True),
                           rate=rate, account_no=self.integer(item, "account", f"{path}.account", low=1))

    def type_(self, items, i, path, item):
        item = self.mapping(items, i, path, item,
                            ("type_no", "id", "title", "series", "turnover", "system"))
        type_no = self.integer(item, "type_no", f"{path}.type_no", required=True)
        return type_no, TransactionType(
            type_id=self.integer(item, "id", f"{path}.id", low=1, default=100 + abs(type_no)),
            type_no=type_no, title=self.text(item, "title", f"{path}.title", required=True),
            series_id=self.integer(item, "series", f"{path}.series", low=1, required=True),
            turnover=self.boolean(item, "turnover", f"{path}.turnover"),
            system_type=self.text(item, "system", f"{path}.system", default="Miscellaneous"))

    def customer(self, items, i, path, item):
        item = self.mapping(items, i, path, item, ("id", "name", "bank_account"))
        cid = self.integer(item, "id", f"{path}.id", low=1, required=True)
        bank = self.text(item, "bank_account", f"{path}.bank_account", default="")
        if bank and not re.fullmatch(r"[0-9 .]+", bank):
            self.fail(item, "bank_account", f"{path}.bank_account", f"must be digits (spaces and dots allowed), not {bank!r}")
        return cid, Customer(customer_id=cid, name=self.text(item, "name", f"{path}.name", required=True),
                             bank_account=bank)

    _VOUCHER = ("type_no", "date", "transaction_no", "journal", "lines")
    _LINE = ("account", "amount", "date", "customer_id", "due_date", "period_date", "vat_amount",
             "currency", "tax_no", "comment", "invoice_no", "ocr", "stamp_no", "department_id",
             "project_id", "bank_account")

    def voucher(self, items, i, path, item) -> VoucherSpec:
        item = self.mapping(items, i, path, item, self._VOUCHER)
        type_no = self.integer(item, "type_no", f"{path}.type_no", required=True)
        day = self.day(item, "date", f"{path}.date")
        lines = self.seq(item, "lines", f"{path}.lines") if "lines" in item else self.fail(
            item, None, f"{path}.lines", "is required (the voucher's lines)")
        if len(lines) < 1:
            self.fail(item, "lines", f"{path}.lines", "needs at least one line")
        entries = []
        for j, ln in enumerate(lines):
            lp = f"{path}.lines[{j}]"
            ln = self.mapping(lines, j, lp, ln, self._LINE)
            line_day = self.day(ln, "date", f"{lp}.date") or day
            if line_day is None:
                self.fail(ln, "date", f"{lp}.date", "is required (on the line or the voucher)")
            tax = self.integer(ln, "tax_no", f"{lp}.tax_no", low=0)
            entries.append(EntrySpec(
                account_no=self.integer(ln, "account", f"{lp}.account", low=1, required=True),
                amount=self.decimal(ln, "amount", f"{lp}.amount", required=True),
                date=line_day,
                customer_id=self.integer(ln, "customer_id", f"{lp}.customer_id", low=0, default=0),
                due_date=self.day(ln, "due_date", f"{lp}.due_date"),
                period_date=self.day(ln, "period_date", f"{lp}.period_date"),
                vat_amount=self.decimal(ln, "vat_amount", f"{lp}.vat_amount", default=ZERO),
                currency_id=self.text(ln, "currency", f"{lp}.currency", default=""),
                tax_no=str(tax) if tax is not None else "",
                comment=self.text(ln, "comment", f"{lp}.comment", default="", max_len=rules.COMMENT_MAX),
                invoice_reference_no=self.text(ln, "invoice_no", f"{lp}.invoice_no", default=""),
                invoice_ocr=self.text(ln, "ocr", f"{lp}.ocr", default=""),
                stamp_no=self.integer(ln, "stamp_no", f"{lp}.stamp_no", low=0, default=0),
                department_id=self.integer(ln, "department_id", f"{lp}.department_id", low=0, default=0),
                project_id=self.integer(ln, "project_id", f"{lp}.project_id", low=0, default=0),
                bank_account_no=self.text(ln, "bank_account", f"{lp}.bank_account", default=""),
            ))
        total = add(*(e.amount for e in entries))
        if total:
            self.fail(items, i, path, f"is not in balance: the lines sum to {total:f}, not 0")
        return VoucherSpec(
            type_no=type_no, entries=entries,
            transaction_no=self.integer(item, "transaction_no", f"{path}.transaction_no", low=1, default=0),
            posted=not self.boolean(item, "journal", f"{path}.journal"),
            where=f"{self.where(items, i)}: {path}",
            entry_where=[f"{self.where(lines, j)}: {path}.lines[{j}]" for j in range(len(lines))])

    def generate(self, top) -> GenerateSpec:
        item = self.mapping(top, "generate", "generate", top["generate"],
                            ("lines", "seed", "from", "to", "customers"))
        spec = GenerateSpec(
            lines=self.integer(item, "lines", "generate.lines", low=0, high=10_000_000, required=True),
            seed=self.integer(item, "seed", "generate.seed", default=0),
            start=self.day(item, "from", "generate.from"), end=self.day(item, "to", "generate.to"),
            customers=self.integer(item, "customers", "generate.customers", low=0, high=100_000, default=0),
        )
        if spec.lines == 1:
            self.fail(item, "lines", "generate.lines", "must be 0 or at least 2 (a voucher has two lines or more)")
        if spec.start and spec.end and spec.end < spec.start:
            self.fail(item, "to", "generate.to", f"{spec.end} is before generate.from {spec.start}")
        return spec


# --- applying ---------------------------------------------------------------------------------


def client_options(sc: Scenario, current_year: int, base=None, credentials: bool = True,
                   **overrides):
    """``ClientOptions`` for ``Ledger.create_client``: the scenario over ``base``, then overrides.

    ``credentials``: use the scenario's username, password, application and identity ids (the
    demo client does); a client made through the control API gets fresh ones instead, so two
    clients from one scenario never share a login.
    """
    from .core import ClientOptions

    opts = base or ClientOptions()
    values = {"name": sc.name, "fiscal_years": sc.years(current_year),
              "vat_base_rate": sc.vat_base_rate}
    if credentials:
        values.update(username=sc.username, password=sc.password,
                      application_id=sc.application_id, identity_id=sc.identity_id)
    opts = replace(opts, **{k: v for k, v in values.items() if v is not None})
    if sc.blocked:
        opts = replace(opts, blocked=True)
    if sc.identities:
        extra = []
        for spec in sc.identities:
            spec = dict(spec)
            if "fiscal_years" in spec:
                spec["fiscal_years"] = sorted({resolve_year(y, current_year) for y in spec["fiscal_years"]})
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
        lines = load_vouchers(book, sc.vouchers, now, id_seed=seed) if sc.vouchers else 0
        if sc.generate is not None and sc.generate.lines:
            vouchers = generate_vouchers(book, sc.generate, now.date(), where=sc.source)
            lines += load_vouchers(book, vouchers, now, check=False, fingerprints=False,
                                   id_seed=(sc.generate.seed, client_id))
        return {"scenario": sc.name or sc.source, "lines": lines}


def apply_reference_data(book: ClientBook, sc: Scenario) -> None:
    """Replace or extend the book's reference data (never mutating the shared defaults)."""
    if not sc.use_default_reference_data:
        book.accounts, book.tax_codes, book.types = {}, {}, {}
        book.series, book.customers = {}, {}
    book.accounts = {**book.accounts, **sc.accounts}
    book.tax_codes = {**book.tax_codes, **sc.tax_codes}
    book.types = {**book.types, **sc.types}
    book.series = {**book.series, **sc.entry_series}
    book.customers = {**book.customers, **sc.customers}
    if sc.vat_base_rate is not None:
        book.vat_base_rate = sc.vat_base_rate
    for ttype in book.types.values():
        if ttype.series_id not in book.series:
            raise ScenarioError(f"{sc.source}: types: TypeNo {ttype.type_no} uses entry series "
                                f"{ttype.series_id}, which the client does not have")
    if sc.generate is not None and sc.generate.customers:
        _add_customers(book, sc.generate.customers, sc.generate.seed)


# --- the bulk loader --------------------------------------------------------------------------


def _seeded_uuid4(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID from ``rng`` (about three times faster than ``UUID(int=..., version=4)``)."""
    value = (rng.getrandbits(128) & _UUID_CLEAR) | _UUID_V4
    u = object.__new__(uuid.UUID)
    object.__setattr__(u, "int", value)
    object.__setattr__(u, "is_safe", uuid.SafeUUID.unknown)
    return u


_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_V4 = (0x4000 << 64) | (0x8000 << 48)


#: A load at least this big ends with ``gc.freeze()`` (see ``load_vouchers``).
_FREEZE_AFTER = 50_000


def load_vouchers(book: ClientBook, vouchers: Iterable[VoucherSpec], now: datetime,
                  check: bool = True, id_seed=None, fingerprints: bool = True) -> int:
    """Write vouchers straight into the book as ledger (or journal) lines; returns lines written.

    The caller holds the ledger lock. ``check``: refuse unknown accounts, types, tax codes,
    customers, dates outside the fiscal years, unbalanced vouchers and taken numbers, naming the
    voucher (generated data is built valid and skips the checks). ``id_seed``: line ids drawn
    from a seeded generator, so a seeded scenario gives the same ids on every run.
    ``fingerprints``: record each voucher's content fingerprint, so the integration re-sending
    the same voucher gets DuplicateData (S11); generated vouchers skip it (a re-send of other
    content under that number is still DataAlreadySaved).

    The cyclic garbage collector is paused meanwhile: a million lines are millions of new
    objects, and collecting while they are made doubles the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    written = 0
    try:
        written = _load(book, vouchers, now, check, id_seed, fingerprints)
        return written
    finally:
        if was_enabled:
            gc.enable()
        if written >= _FREEZE_AFTER:
            # A full collection walks every tracked object: after a million lines it would stop
            # every request for seconds, again and again as the heap grows. The loaded lines
            # live as long as their client, so move everything alive out of the collector's way.
            gc.freeze()


def _load(book: ClientBook, vouchers: Iterable[VoucherSpec], now: datetime, check: bool,
          id_seed, fingerprints: bool) -> int:
    from .posting import _fingerprint  # the same fingerprint SaveBundleList uses (S11)

    rng = random.Random(repr(id_seed)) if id_seed is not None else None
    months: dict[date, date] = {}
    written = 0
    for v in vouchers:
        ttype = book.types.get(v.type_no)
        if ttype is None:
            raise ScenarioError(f"{v.where}.type_no: TypeNo {v.type_no} does not exist")
        first = v.entries[0].date
        fy = book.fiscal_year_for(first)
        if check:
            _check_voucher(book, v, fy)
        year = fy.year if fy is not None else first.year
        number = v.transaction_no or rules.auto_number(book, ttype.series_id, year, ())
        key = (ttype.series_id, year, number)
        if key in book.vouchers:
            raise ScenarioError(f"{v.where}.transaction_no: TransactionNo {number} is already used "
                                f"in entry series {ttype.series_id} for {year}")
        lines = []
        for pos, e in enumerate(v.entries, start=1):
            line_id = _seeded_uuid4(rng) if rng else uuid.uuid4()
            tax_no = int(e.tax_no) if e.tax_no else 0
            period = e.period_date
            if period is None:
                period = months.get(e.date)
                if period is None:
                    period = months[e.date] = e.date.replace(day=1)
            lines.append(Line(
                line_id=line_id, seq=book.next_seq(), transaction_no=number,
                series_id=ttype.series_id, year=year, type_no=ttype.type_no,
                type_id=ttype.type_id, account_no=e.account_no, date=e.date, amount=e.amount,
                customer_id=e.customer_id, due_date=e.due_date,
                period_date=period, currency=e.currency_id,
                vat_amount=e.vat_amount, tax_no=tax_no, department_id=e.department_id,
                project_id=e.project_id, invoice_no=e.invoice_reference_no, ocr=e.invoice_ocr,
                comment=e.comment, stamp_no=e.stamp_no, bank_account_no=e.bank_account_no,
                sequence_no=pos, system_type=ttype.system_type, created_at=now,
                modified_at=now, posted=v.posted,
            ))
        record = VoucherRecord(
            series_id=ttype.series_id, year=year, transaction_no=number, type_no=ttype.type_no,
            fingerprint=_fingerprint(year, ttype.type_no, v.entries) if fingerprints else "",
            line_ids=[ln.line_id for ln in lines], posted=v.posted, bundle_name="scenario",
        )
        stamps = sorted({e.stamp_no for e in v.entries if e.stamp_no})
        invoices = [(ttype.type_no, e.customer_id, e.invoice_reference_no)
                    for e in v.entries if e.invoice_reference_no]
        book.add_voucher(record, lines, stamps, invoices)
        written += len(lines)
    return written


def _check_voucher(book: ClientBook, v: VoucherSpec, fy) -> None:
    if fy is None:
        raise ScenarioError(f"{v.where}.date: {v.entries[0].date} is in no fiscal year of the "
                            f"client ({', '.join(str(y) for y in sorted(book.fiscal_years)) or 'none'})")
    for j, e in enumerate(v.entries):
        where = v.entry_where[j] if v.entry_where else f"{v.where}.lines[{j}]"
        if not fy.contains(e.date):
            raise ScenarioError(f"{where}.date: {e.date} is outside fiscal year {fy.year} of the voucher")
        if e.account_no not in book.accounts:
            raise ScenarioError(f"{where}.account: account {e.account_no} does not exist")
        if e.tax_no and int(e.tax_no) not in book.tax_codes:
            raise ScenarioError(f"{where}.tax_no: TaxNo {e.tax_no} does not exist")
        if e.customer_id and e.customer_id not in book.customers:
            raise ScenarioError(f"{where}.customer_id: customer {e.customer_id} does not exist")
    if add(*(e.amount for e in v.entries)):
        raise ScenarioError(f"{v.where}: the voucher is not in balance")


# --- generated data (Faker, seeded) ------------------------------------------------------------

_KONTO_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def bank_account(rng: random.Random) -> str:
    """A Norwegian account number (11 digits, MOD11 check digit)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, _KONTO_WEIGHTS, strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def kid(number: str) -> str:
    """A KID (OCR reference) with a MOD10 (Luhn) check digit."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return number + str((10 - total % 10) % 10)


def _faker(seed: int):
    from faker import Faker

    fake = Faker("no_NO")
    fake.seed_instance(seed)
    return fake


def _add_customers(book: ClientBook, count: int, seed: int) -> None:
    fake = _faker(seed)
    rng = random.Random(f"customers/{seed}")
    next_id = max([*book.customers, 20000]) + 1
    added = {}
    for i in range(count):
        cid = next_id + i
        added[cid] = Customer(customer_id=cid, name=fake.company()[:100], bank_account=bank_account(rng))
    book.customers = {**book.customers, **added}


#: What generated data books, by TypeNo: sales invoice, payment, supplier invoice, bank fee.
_NEEDS = {"types": (1, 3, 4), "accounts": (1500, 1920, 2400, 2700, 2710, 3000, 4300, 7770),
          "tax_codes": (1, 3)}


def generate_vouchers(book: ClientBook, spec: GenerateSpec, today: date,
                      where: str = "scenario") -> Iterator[VoucherSpec]:
    """Plausible webshop bookkeeping: sales invoices with VAT, their payments, supplier invoices.

    Exactly ``spec.lines`` lines, in date order across the period, from ``spec.seed``: the same
    seed gives the same vouchers. Amounts are Decimal cents.
    """
    for kind, needed in _NEEDS.items():
        have = getattr(book, kind)
        missing = [str(n) for n in needed if n not in have]
        if missing:
            raise ScenarioError(f"{where}: generate: needs {kind} {', '.join(missing)}")
    years = sorted(book.fiscal_years.values(), key=lambda f: f.start)
    if not years:
        raise ScenarioError(f"{where}: generate: the client has no fiscal years")
    start = spec.start or years[0].start
    end = spec.end or min(years[-1].end, max(today, years[0].start))
    if book.fiscal_year_for(start) is None or book.fiscal_year_for(end) is None:
        raise ScenarioError(f"{where}: generate: {start}..{end} is not inside the client's fiscal years")
    customers = [c for c in book.customers.values() if c.customer_id < 10000 or c.customer_id > 20000]
    customers = customers or list(book.customers.values())
    if not customers:
        raise ScenarioError(f"{where}: generate: the client has no customers; add some or set generate.customers")
    suppliers = [c for c in book.customers.values() if c not in customers] or customers
    fake = _faker(spec.seed)
    rng = random.Random(spec.seed)
    products = [fake.catch_phrase()[:40] for _ in range(40)] if hasattr(fake, "catch_phrase") else ["Varer"]
    span = (end - start).days
    expected_vouchers = max(1, spec.lines * 2 // 5)
    open_invoices: list[tuple[Customer, str, str, Decimal]] = []
    invoice_no = 100000 + rng.randint(0, 899) * 1000
    remaining, k = spec.lines, 0
    vat_high = book.tax_codes[3].rate
    vat_in = book.tax_codes[1].rate
    while remaining > 0:
        day = start + timedelta(days=min(span, span * k // expected_vouchers))
        if not book.fiscal_year_for(day):
            day = end
        k += 1
        if remaining == 3:
            size = 3
        elif remaining in (2, 4):
            size = 2
        else:
            size = 3 if rng.random() < 0.6 else 2
        if size == 3 and rng.random() < 0.8:
            customer = rng.choice(customers)
            net = Decimal(rng.randint(9900, 2500000)) / 100
            vat = cents(div(mul(net, vat_high), HUNDRED))
            gross = add(net, vat)
            invoice_no += 1
            inv, ocr = str(invoice_no), kid(str(invoice_no))
            text = f"Faktura {inv} {rng.choice(products)}"[: rules.COMMENT_MAX]
            due = day + timedelta(days=14)
            entries = [
                EntrySpec(1500, gross, day, customer_id=customer.customer_id, due_date=due,
                          invoice_reference_no=inv, invoice_ocr=ocr, comment=text),
                EntrySpec(3000, -net, day, tax_no="3", comment=text),
                EntrySpec(2700, -vat, day, comment=text),
            ]
            open_invoices.append((customer, inv, ocr, gross))
            yield VoucherSpec(1, entries)
        elif size == 3:
            supplier = rng.choice(suppliers)
            net = Decimal(rng.randint(5000, 1000000)) / 100
            vat = cents(div(mul(net, vat_in), HUNDRED))
            gross = add(net, vat)
            text = f"Innkjøp {rng.choice(products)}"[: rules.COMMENT_MAX]
            entries = [
                EntrySpec(4300, net, day, tax_no="1", comment=text),
                EntrySpec(2710, vat, day, comment=text),
                EntrySpec(2400, -gross, day, customer_id=supplier.customer_id,
                          due_date=day + timedelta(days=30), comment=text),
            ]
            yield VoucherSpec(4, entries)
        elif open_invoices and rng.random() < 0.9:
            customer, inv, ocr, gross = open_invoices.pop(rng.randrange(len(open_invoices)))
            text = f"Innbetaling faktura {inv}"
            entries = [
                EntrySpec(1920, gross, day, comment=text, invoice_ocr=ocr),
                EntrySpec(1500, -gross, day, customer_id=customer.customer_id,
                          invoice_reference_no=inv, invoice_ocr=ocr, comment=text),
            ]
            yield VoucherSpec(3, entries)
        else:
            fee = Decimal(rng.randint(100, 50000)) / 100
            entries = [EntrySpec(7770, fee, day, comment="Bankgebyr"),
                       EntrySpec(1920, -fee, day, comment="Bankgebyr")]
            yield VoucherSpec(9 if 9 in book.types else 3, entries)
        remaining -= size


def bulk_generate(book: ClientBook, lines: int, seed: int, now: datetime) -> int:
    """``lines`` generated ledger lines straight into ``book`` (benchmarks). Holds no lock."""
    spec = GenerateSpec(lines=lines, seed=seed)
    return load_vouchers(book, generate_vouchers(book, spec, now.date()), now, check=False,
                         fingerprints=False, id_seed=(seed, book.client_id))
