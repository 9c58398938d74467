"""Reading scenario files: finding them by name or path, and checking every field against the
schema (``_Reader``), with the line of each refusal."""

from __future__ import annotations

import difflib
import re
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, NoReturn, overload

import yaml

from ... import errors
from .. import interpretations as rules
from ..fixtures import fixtures_dir
from ..model import Account, Customer, EntrySeries, TaxCode, TransactionType
from ..money import HUNDRED, ZERO, add
from ..tokens import closest_scope
from . import master, orders
from .marks import ScenarioError, _line_of, _Loader, _MarkedDict
from .spec import (
    RELATIVE_DAY,
    EntrySpec,
    GenerateSpec,
    RelativeDay,
    Scenario,
    VoucherSpec,
    resolve_year,
    resolve_years,
)

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
        raise errors.ScenarioNoName()
    candidate = Path(text).expanduser()
    if candidate.suffix.lower() in (".yaml", ".yml", ".json") or "/" in text or "\\" in text:
        if candidate.is_file():
            return candidate
        raise errors.ScenarioFileMissing(path=text)
    named = scenario_dir() / f"{text}.yaml"
    if named.is_file():
        return named
    names = available()
    hint = difflib.get_close_matches(text, names, n=1)
    raise ScenarioError(errors.scenario_unknown(text, names, hint[0] if hint else None))


#: a scenario name: what the control API accepts (never a path: ``{"scenario": "/etc/shadow"}``
#: must not read, or say anything about, a file outside the scenario folders)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def available_in(folders: Iterable[Path]) -> list[str]:
    """Scenario names in the shipped folder and ``folders`` (the first folder with a name wins)."""
    names: set[str] = set()
    for folder in [scenario_dir(), *folders]:
        if folder.is_dir():
            names.update(p.stem for p in folder.iterdir()
                         if p.suffix in (".yaml", ".yml", ".json") and _NAME.fullmatch(p.stem))
    return sorted(names)


def resolve_named(name, folders: Iterable[Path] = ()) -> Path:
    """The file of scenario ``name`` in the shipped folder or one of ``folders``; a path, a
    name that is too long or has other characters, or an unknown name: ``ScenarioError``
    (its text shows at most 64 characters of what was asked, and no file's contents)."""
    folders = list(folders)
    text = str(name).strip()
    if not _NAME.fullmatch(text) or ".." in text:
        shown = text if len(text) <= 64 else text[:64] + "..."
        raise ScenarioError(errors.scenario_name_invalid(shown))
    for folder in [scenario_dir(), *folders]:
        for suffix in (".yaml", ".yml", ".json"):
            candidate = folder / f"{text}{suffix}"
            if candidate.is_file():
                return candidate
    names = available_in(folders)
    hint = difflib.get_close_matches(text, names, n=1)
    raise ScenarioError(errors.scenario_unknown(text, names, hint[0] if hint else None))


def load_named(name, folders: Iterable[Path] = ()) -> Scenario:
    """A scenario by name only (the control API)."""
    path = resolve_named(name, folders)
    return parse_text(path.read_text(encoding="utf-8"), source=path.name)


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
        raise errors.ScenarioNotYaml(source=source, where=where, problem=problem) from None
    if data is None:
        data = _MarkedDict()
        data.line, data.lines = 1, {}
    sc = _Reader(source).scenario(data)
    sc.origin = {"text": text}
    return sc


def from_data(data, source: str = "scenario") -> Scenario:
    """A scenario from a JSON object (no line numbers then)."""
    sc = _Reader(source).scenario(data)
    sc.origin = {"data": data}
    return sc


def from_origin(origin: dict, source: str) -> Scenario:
    """The scenario a log row keeps (``Scenario.origin``), read again with the same checks."""
    if "text" in origin:
        return parse_text(origin["text"], source)
    return from_data(origin["data"], source)


_TOP = ("name", "description", "username", "password", "application_id", "identity_id",
        "fiscal_years", "vat_base_rate", "rate_limit", "burst_limit", "blocked", "identities", "oauth",
        "use_default_reference_data", "entry_series", "accounts", "tax_codes", "types",
        "customers", "vouchers", "orders", "generate", *master.KEYS)


def client_fields(data: dict, current_year: int) -> dict:
    """The client options given in a ``POST /__admin/clients`` body, checked by the schema
    scenario files use (``_Reader.client_fields``), as ``ClientOptions`` fields with their
    years resolved against ``current_year``; ``ScenarioError``: ``path: problem``."""
    fields = _Reader(None).client_fields(data)
    if "fiscal_years" in fields:
        fields["fiscal_years"] = resolve_years(fields["fiscal_years"], current_year)
    for spec in fields.get("extra_identities", ()):
        if "fiscal_years" in spec:
            spec["fiscal_years"] = resolve_years(spec["fiscal_years"], current_year)
    return fields


class _Reader:
    """Checks every field, naming the path and the line of what is wrong."""

    def __init__(self, source: str | None):
        self.source = source

    def fail(self, container, key, path: str, problem: ScenarioError) -> NoReturn:
        """Raise ``problem`` (a catalogue refusal) with the place of the value before it."""
        where = self.where(container, key)
        raise problem.at(f"{where}: {path}" if where else path)

    def where(self, container, key) -> str | None:
        """``file, line N`` (or the file, or None for a control-API body) of a value."""
        line = _line_of(container, key)
        return f"{self.source}, line {line}" if line else self.source

    # --- typed values ---

    def mapping(self, container, key, path: str, value, known: Iterable[str]) -> dict:
        if not isinstance(value, dict):
            self.fail(container, key, path, errors.ScenarioNotAMapping())
        known = tuple(known)
        for k in value:
            if k not in known:
                hint = difflib.get_close_matches(str(k), known, n=1)
                self.fail(value, k, f"{path}.{k}" if path else str(k), errors.ScenarioUnknownField(
                    hint=errors.did_you_mean(hint[0] if hint else None), known=", ".join(known)))
        return value

    def seq(self, container, key, path: str) -> list:
        value = container[key]
        if not isinstance(value, list):
            self.fail(container, key, path, errors.ScenarioNotAList())
        return value

    # a required value, or one with a default, is never None (the overloads say so)
    @overload
    def integer(self, container: Any, key: Any, path: str, low: int | None = None,
                high: int | None = None, *, default: int, required: bool = False) -> int: ...
    @overload
    def integer(self, container: Any, key: Any, path: str, low: int | None = None,
                high: int | None = None, *, default: None = None,
                required: Literal[True]) -> int: ...
    @overload
    def integer(self, container: Any, key: Any, path: str, low: int | None = None,
                high: int | None = None, *, default: None = None,
                required: Literal[False] = False) -> int | None: ...
    def integer(self, container, key, path: str, low=None, high=None, *, default=None,
                required=False) -> int | None:
        if key not in container or container[key] is None:
            if required:
                self.fail(container, key, path, errors.ScenarioRequired())
            return default
        value = container[key]
        if isinstance(value, bool) or not isinstance(value, int | Decimal) or (
                isinstance(value, Decimal) and value != value.to_integral_value()):
            self.fail(container, key, path, errors.ScenarioNotAWholeNumber(value=value))
        value = int(value)
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(container, key, path, errors.ScenarioOutOfBounds(low, high, value))
        return value

    def text(self, container, key, path: str, default=None, required=False, max_len=None):
        if key not in container or container[key] is None:
            if required:
                self.fail(container, key, path, errors.ScenarioRequired())
            return default
        value = container[key]
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(container, key, path, errors.ScenarioNotText(value=value))
        value = str(value)
        if max_len is not None and len(value) > max_len:
            self.fail(container, key, path, errors.ScenarioTooLong(length=len(value), max_len=max_len))
        return value

    def boolean(self, container, key, path: str, default=False) -> bool:
        if key not in container or container[key] is None:
            return default
        value = container[key]
        if not isinstance(value, bool):
            self.fail(container, key, path, errors.ScenarioNotABoolean(value=value))
        return value

    @overload
    def decimal(self, container: Any, key: Any, path: str, *, default: Decimal,
                required: bool = False) -> Decimal: ...
    @overload
    def decimal(self, container: Any, key: Any, path: str, *, default: None = None,
                required: Literal[True]) -> Decimal: ...
    @overload
    def decimal(self, container: Any, key: Any, path: str, *, default: None = None,
                required: Literal[False] = False) -> Decimal | None: ...
    def decimal(self, container, key, path: str, *, default=None,
                required=False) -> Decimal | None:
        if key not in container or container[key] is None:
            if required:
                self.fail(container, key, path, errors.ScenarioRequired())
            return default
        value = container[key]
        if isinstance(value, bool):
            self.fail(container, key, path, errors.ScenarioNotANumber(value=value))
        if isinstance(value, float):  # JSON bodies: read the shortest text, never the binary
            value = repr(value)
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.fail(container, key, path, errors.ScenarioNotANumber(value=value))
        return number

    @overload
    def day(self, container: Any, key: Any, path: str, required: bool = False,
            relative: Literal[False] = False) -> date | None: ...
    @overload
    def day(self, container: Any, key: Any, path: str, required: bool = False, *,
            relative: Literal[True]) -> date | RelativeDay | None: ...
    def day(self, container, key, path: str, required=False,
            relative: bool = False) -> date | RelativeDay | None:
        """A date; with ``relative`` also ``current-MM-DD`` / ``current-N-MM-DD``."""
        if key not in container or container[key] is None:
            if required:
                self.fail(container, key, path, errors.ScenarioRequired())
            return None
        value = container[key]
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        m = RELATIVE_DAY.match(text) if relative else None
        if m:
            sign, years, month, day = m.groups()
            offset = int(years or 0) * (-1 if sign == "-" else 1)
            try:
                date(2000, int(month), int(day))  # a leap year: 29 February is a day
            except ValueError:
                self.fail(container, key, path, errors.ScenarioNotADayOfTheYear(value=text))
            return RelativeDay(offset, int(month), int(day))
        try:
            return date.fromisoformat(text)
        except ValueError:
            refusal = errors.ScenarioNotADateOrRelative if relative else errors.ScenarioNotADate
            self.fail(container, key, path, refusal(value=value))

    def guid(self, container, key, path: str) -> uuid.UUID | None:
        if key not in container or container[key] is None:
            return None
        try:
            return uuid.UUID(str(container[key]))
        except ValueError:
            self.fail(container, key, path, errors.ScenarioNotAGuid(value=container[key]))

    # --- the document ---

    def scenario(self, data) -> Scenario:
        top = self.mapping(None, None, "", data, _TOP)
        sc = Scenario(source=self.source or "scenario")
        client = self.client_fields(top)
        sc.name = client.get("name")
        sc.description = self.text(top, "description", "description", default="")
        sc.username = client.get("username")
        sc.password = client.get("password")
        sc.application_id = self.guid(top, "application_id", "application_id")
        sc.identity_id = self.guid(top, "identity_id", "identity_id")
        sc.fiscal_years = client.get("fiscal_years")
        sc.vat_base_rate = client.get("vat_base_rate")
        sc.rate_limit = self.integer(top, "rate_limit", "rate_limit", low=0)
        sc.burst_limit = self.integer(top, "burst_limit", "burst_limit", low=0)
        sc.blocked = client.get("blocked", False)
        sc.use_default_reference_data = self.boolean(top, "use_default_reference_data",
                                                     "use_default_reference_data", default=True)
        sc.identities = client.get("extra_identities", [])
        sc.oauth_scopes = client.get("oauth_scopes")
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
                    self.fail(items, i, path, errors.ScenarioRepeatedId(key=obj_key))
                target[obj_key] = obj
        sc.master = master.read(self, top)
        if top.get("vouchers") is not None:
            items = self.seq(top, "vouchers", "vouchers")
            sc.vouchers = [self.voucher(items, i, f"vouchers[{i}]", v) for i, v in enumerate(items)]
        if top.get("orders") is not None:
            sc.orders = orders.read(self, top)
        if top.get("generate") is not None:
            sc.generate = self.generate(top)
        return sc

    def client_fields(self, top) -> dict:
        """The options of a client that ``top`` gives (``ClientOptions`` names, relative years
        not yet resolved): the one schema of scenario files and ``POST /__admin/clients``."""
        out: dict = {}
        if top.get("name") is not None:
            out["name"] = self.text(top, "name", "name", max_len=100)
        for key in ("username", "password"):
            if top.get(key) is not None:
                out[key] = self.text(top, key, key)
        if top.get("fiscal_years") is not None:
            out["fiscal_years"] = self.years(top, "fiscal_years", "fiscal_years")
        if top.get("vat_base_rate") is not None:
            rate = self.decimal(top, "vat_base_rate", "vat_base_rate")
            if rate is not None and not ZERO <= rate <= HUNDRED:
                self.fail(top, "vat_base_rate", "vat_base_rate",
                          errors.ScenarioOutOfBounds(0, 100, rate))
            out["vat_base_rate"] = rate
        if top.get("blocked") is not None:
            out["blocked"] = self.boolean(top, "blocked", "blocked")
        if top.get("identities") is not None:
            out["extra_identities"] = self.identities(top)
        if top.get("oauth") is not None:
            out["oauth_scopes"] = self.oauth_scopes(top)
        return out

    def oauth_scopes(self, top) -> list[str] | None:
        """``oauth: {scopes: [...]}``: the application's default scopes (what a token asked for
        without ``scope`` carries), each a scope of ``rules.OAUTH_SCOPES``."""
        oauth = self.mapping(top, "oauth", "oauth", top["oauth"], ("scopes",))
        if oauth.get("scopes") is None:
            return None
        items = self.seq(oauth, "scopes", "oauth.scopes")
        out: list[str] = []
        for i, value in enumerate(items):
            path = f"oauth.scopes[{i}]"
            if not isinstance(value, str) or value not in rules.OAUTH_SCOPES:
                hint = closest_scope(str(value), rules.OAUTH_SCOPES)
                self.fail(items, i, path, errors.ScenarioUnknownScope(
                    value=value, hint=errors.did_you_mean(hint),
                    scopes=", ".join(rules.OAUTH_SCOPES)))
            if value not in out:
                out.append(value)
        return out

    def years(self, container, key, path: str) -> list[int | str]:
        items = self.seq(container, key, path)
        out: list[int | str] = []
        for i, value in enumerate(items):
            if isinstance(value, int) and not isinstance(value, bool):
                if not 1900 <= value <= 9998:
                    self.fail(items, i, f"{path}[{i}]", errors.ScenarioYearOutOfRange(value=value))
                out.append(value)
                continue
            try:
                resolve_year(value, 2000)
            except ValueError:
                self.fail(items, i, f"{path}[{i}]", errors.ScenarioNotAYear(value=value))
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
            self.fail(item, "rate", f"{path}.rate", errors.ScenarioNotAPercentage(value=rate))
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
            self.fail(item, "bank_account", f"{path}.bank_account", errors.ScenarioNotDigits(value=bank))
        return cid, Customer(customer_id=cid, name=self.text(item, "name", f"{path}.name", required=True),
                             bank_account=bank)

    _VOUCHER = ("type_no", "date", "transaction_no", "journal", "lines")
    _LINE = ("account", "amount", "date", "customer_id", "due_date", "period_date", "vat_amount",
             "currency", "tax_no", "comment", "invoice_no", "ocr", "stamp_no", "department_id",
             "project_id", "bank_account")

    def voucher(self, items, i, path, item) -> VoucherSpec:
        item = self.mapping(items, i, path, item, self._VOUCHER)
        type_no = self.integer(item, "type_no", f"{path}.type_no", required=True)
        day = self.day(item, "date", f"{path}.date", relative=True)
        lines = self.seq(item, "lines", f"{path}.lines") if "lines" in item else self.fail(
            item, None, f"{path}.lines", errors.ScenarioVoucherLinesRequired())
        if len(lines) < 1:
            self.fail(item, "lines", f"{path}.lines", errors.ScenarioNoLines())
        entries = []
        for j, ln in enumerate(lines):
            lp = f"{path}.lines[{j}]"
            ln = self.mapping(lines, j, lp, ln, self._LINE)
            line_day = self.day(ln, "date", f"{lp}.date", relative=True) or day
            if line_day is None:
                self.fail(ln, "date", f"{lp}.date", errors.ScenarioLineDateRequired())
            tax = self.integer(ln, "tax_no", f"{lp}.tax_no", low=0)
            entries.append(EntrySpec(
                account_no=self.integer(ln, "account", f"{lp}.account", low=1, required=True),
                amount=self.decimal(ln, "amount", f"{lp}.amount", required=True),
                date=line_day,
                customer_id=self.integer(ln, "customer_id", f"{lp}.customer_id", low=0, default=0),
                due_date=self.day(ln, "due_date", f"{lp}.due_date", relative=True),
                period_date=self.day(ln, "period_date", f"{lp}.period_date", relative=True),
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
            self.fail(items, i, path, errors.ScenarioLinesNotInBalance(total=total))
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
            self.fail(item, "lines", "generate.lines", errors.ScenarioGenerateOneLine())
        if spec.start and spec.end and spec.end < spec.start:
            self.fail(item, "to", "generate.to", errors.ScenarioEndBeforeStart(end=spec.end, start=spec.start))
        return spec


