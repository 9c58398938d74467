"""Read and write XML by walking the spyne models, the way ASMX's XmlSerializer does.

Reading is lenient where .NET is (children in any order, unknown elements ignored, omitted
elements take their WSDL default) and strict where .NET is (a value that cannot be parsed as its
XSD type is a Client fault naming the element and value: never a silent misread).
Writing follows XmlSerializer too: members equal to their WSDL default are omitted, decimals keep
their scale in plain notation, and every DateTime is UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from uuid import UUID

from spyne.model.complex import Array, ComplexModelBase
from spyne.model.primitive import Uuid

from ..errors import BadValue
from ..ledger.money import DECIMAL_MAX

XSI = "http://www.w3.org/2001/XMLSchema-instance"
_NIL = f"{{{XSI}}}nil"

_INT_RANGES = {
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "long": (-(2**63), 2**63 - 1),
    "unsignedByte": (0, 255),
}
# re.ASCII: XmlConvert reads ASCII digits only ('\d' alone would take '١' or '２' too), and
# \Z, not $, which would let a trailing newline through.
_INT_RE = re.compile(r"^\s*[+-]?\d+\s*\Z", re.ASCII)
_DEC_RE = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*\Z", re.ASCII)
_DT_RE = re.compile(
    r"^\s*(-?\d{4,})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?)?"
    r"(Z|[+-]\d\d:\d\d)?\s*\Z", re.ASCII
)
_GUID_RE = re.compile(r"^\s*\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?\s*\Z")


# --- scalar parsing and formatting ------------------------------------------------------------


def _parse_int(text: str, xsd: str) -> int:
    # What _INT_RE accepts (str methods are several times faster than the regex):
    # whitespace, an optional sign, decimal digits, whitespace.
    digits = text.strip()
    if digits[:1] in ("+", "-"):
        digits = digits[1:]
    if not (digits.isdecimal() and digits.isascii()):
        raise ValueError
    value = int(text)
    lo, hi = _INT_RANGES[xsd]
    if not lo <= value <= hi:
        raise ValueError
    return value


def _parse_decimal(text: str, _xsd: str) -> Decimal:
    if not _DEC_RE.match(text):
        raise ValueError
    text = text.strip()
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex already rules these out
        raise ValueError from exc
    # The regex leaves only plain notation, so the scale is the count of digits after the point.
    point = text.find(".")
    if (point >= 0 and len(text) - point - 1 > 28) or value.copy_abs() > DECIMAL_MAX:
        raise ValueError
    return value


def _parse_bool(text: str, _xsd: str) -> bool:
    t = text.strip()
    if t in ("true", "1"):
        return True
    if t in ("false", "0"):
        return False
    raise ValueError


def parse_datetime(text: str, _xsd: str = "dateTime") -> dt.datetime:
    """xs:dateTime as .NET reads it; an offset is kept, a bare value is taken as UTC."""
    m = _DT_RE.match(text)
    if not m:
        raise ValueError
    y, mo, d, h, mi, s, frac, tz = m.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    value = dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), micro)
    if tz:
        if tz == "Z":
            value = value.replace(tzinfo=dt.UTC)
        else:
            sign = 1 if tz[0] == "+" else -1
            offset = dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6]))
            value = value.replace(tzinfo=dt.timezone(sign * offset))
            # every DateTime is written back as UTC (W8): one that UTC cannot hold
            # (0001-01-01T00:00:00+01:00) is not a valid value (OverflowError is caught as one)
            value.astimezone(dt.UTC)
    return value


def _parse_date(text: str, xsd: str) -> dt.date:
    return parse_datetime(text, xsd).date()


def _parse_guid(text: str, _xsd: str) -> UUID:
    m = _GUID_RE.match(text)
    if not m:
        raise ValueError
    return UUID(m.group(1))


def _parse_string(text: str, _xsd: str) -> str:
    return text


def _enum_parser(values):
    """An xs:string enumeration (DateSearchParameters, PeriodType, ...): one of its values, as
    XmlSerializer reads enums; anything else is not a valid value (W6: never a silent misread)."""
    allowed = frozenset(values)

    def parse(text: str, _xsd: str) -> str:
        value = text.strip()
        if value not in allowed:
            raise ValueError
        return value

    return parse


def format_datetime(value) -> str:
    """Every DateTime goes out as UTC (W8): ``2024-01-31T00:00:00Z``."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        text = value.strftime("%Y-%m-%dT%H:%M:%S") if value.year >= 1000 else (
            f"{value.year:04d}-{value.month:02d}-{value.day:02d}T"
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}")
        if value.microsecond:
            text += f".{value.microsecond:06d}".rstrip("0")
        return text + "Z"
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}T00:00:00Z"


def _format_default_datetime(value) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}T00:00:00"


def _format_bool(value) -> str:
    return "true" if value else "false"


def _format_decimal(value) -> str:
    return format(value, "f")


def _format_date(value) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


_SCALARS = {
    # xsd name: (parse, format, .NET default when absent)
    "int": (_parse_int, str, 0),
    "short": (_parse_int, str, 0),
    "long": (_parse_int, str, 0),
    "unsignedByte": (_parse_int, str, 0),
    "decimal": (_parse_decimal, _format_decimal, Decimal(0)),
    "boolean": (_parse_bool, _format_bool, False),
    "dateTime": (parse_datetime, format_datetime, dt.datetime(1, 1, 1)),
    "date": (_parse_date, _format_date, dt.date(1, 1, 1)),
    "string": (_parse_string, str, None),
    "guid": (_parse_guid, str, UUID(int=0)),
}


def xsd_name(t) -> str:
    """The XSD type name of a scalar spyne type ('int', 'guid', 'decimal', ...)."""
    if issubclass(t, Uuid):
        return "guid"
    if getattr(t.Attributes, "values", None):
        return "string"
    return t.get_type_name()


def escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


# --- compiled model specs ---------------------------------------------------------------------


@dataclass
class FieldSpec:
    name: str
    kind: str  # "scalar", "complex", "array"
    min_occurs: int
    nillable: bool
    has_default: bool
    default: object
    xsd: str = ""
    parse: object = None
    fmt: object = None
    absent: object = None  # the value when the element is missing
    model: object = None  # complex: the ComplexModel; array: item FieldSpec
    item: FieldSpec | None = None


@dataclass
class ModelSpec:
    ns: str
    fields: list[FieldSpec]
    by_name: dict[str, FieldSpec] = field(default_factory=dict)
    #: every field's value when its element is absent, copied as the start of each read
    absent: dict[str, object] = field(default_factory=dict)
    #: namespace -> {Clark tag "{ns}Name": field}, so a child is matched with one look-up
    by_tag: dict[str, dict[str, FieldSpec]] = field(default_factory=dict)

    def tags(self, ns: str) -> dict[str, FieldSpec]:
        tags = self.by_tag.get(ns)
        if tags is None:
            tags = self.by_tag[ns] = {_clark(ns, f.name): f for f in self.fields}
        return tags


_SPECS: dict[type, ModelSpec] = {}


def field_spec(name: str, t) -> FieldSpec:
    """How one element of a model is read, written and declared."""
    a = t.Attributes
    default = getattr(a, "default", None)
    has_default = default is not None
    spec = FieldSpec(name=name, kind="scalar", min_occurs=a.min_occurs, nillable=bool(a.nillable),
                     has_default=has_default, default=default)
    if issubclass(t, Array):
        (item_name, item_t), = t._type_info.items()
        spec.kind = "array"
        spec.item = field_spec(item_name, item_t)
        return spec
    if issubclass(t, ComplexModelBase):
        spec.kind = "complex"
        spec.model = t
        return spec
    spec.xsd = xsd_name(t)
    spec.parse, spec.fmt, net_default = _SCALARS[spec.xsd]
    # A nillable value type is Nullable<T> in .NET: absent means null, not 0 or false.
    spec.absent = default if has_default else (None if spec.nillable else net_default)
    values = getattr(a, "values", None)
    if values:  # an enumeration: faults name its type ("is not a valid DateSearchParameters")
        spec.parse, spec.xsd = _enum_parser(values), t.get_type_name()
    return spec


def format_default(f: FieldSpec) -> str:
    """The WSDL ``default`` attribute text (DateTimes without a zone, as ASMX writes them)."""
    if f.xsd == "dateTime":
        return _format_default_datetime(f.default)
    return f.fmt(f.default)


def spec_of(model, ns: str | None = None) -> ModelSpec:
    spec = _SPECS.get(model)
    if spec is None:
        flat = model.get_flat_type_info(model)
        fields = [field_spec(n, t) for n, t in flat.items()]
        spec = ModelSpec(ns=ns or model.get_namespace(), fields=fields,
                         by_name={f.name: f for f in fields},
                         absent={f.name: f.absent if f.kind == "scalar" else None
                                 for f in fields})
        _SPECS[model] = spec
    return spec


# --- reading ----------------------------------------------------------------------------------


def _clark(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}" if ns else local


def read_complex(elem, model, ns: str | None = None) -> dict:
    """The element's children as a dict of field name to value, defaults applied."""
    spec = _SPECS.get(model) or spec_of(model, ns)
    ns = ns or spec.ns
    tags = spec.by_tag.get(ns) or spec.tags(ns)
    values = spec.absent.copy()
    for child in elem:
        # Comments, processing instructions and elements of other namespaces match no tag;
        # unknown elements are ignored, as ASMX does.
        f = tags.get(child.tag)
        if f is None:
            continue
        if f.kind != "scalar" or child.get(_NIL) in ("true", "1"):
            values[f.name] = _read_field(child, f, ns)
            continue
        text = child.text or ""  # a scalar, read here: the hot path of every request
        try:
            values[f.name] = f.parse(text, f.xsd)
        except (ValueError, OverflowError):
            raise BadValue(f.name, text, f.xsd, child.sourceline) from None
    return values


def _read_field(child, f: FieldSpec, ns: str):
    if child.get(_NIL) in ("true", "1"):
        return None
    kind = f.kind
    if kind == "scalar":
        text = child.text or ""
        try:
            return f.parse(text, f.xsd)
        except (ValueError, OverflowError):
            raise BadValue(f.name, text, f.xsd, child.sourceline) from None
    if kind == "complex":
        return read_complex(child, f.model, ns)
    item = f.item
    item_tag = _clark(ns, item.name)
    return [_read_field(sub, item, ns) for sub in child if sub.tag == item_tag]


# --- writing ----------------------------------------------------------------------------------


def _get(value, name: str):
    if isinstance(value, dict):
        return value.get(name)
    return getattr(value, name, None)


def write_field(out: list, f: FieldSpec, value) -> None:
    name = f.name
    if value is None:
        if f.nillable:
            out.append(f'<{name} xsi:nil="true" />')
        return
    if f.kind == "scalar":
        if f.has_default and value == f.default:
            return  # XmlSerializer omits members equal to their DefaultValue
        text = f.fmt(value)
        out.append(f"<{name}>{escape(text)}</{name}>" if text != "" else f"<{name} />")
    elif f.kind == "complex":
        write_complex(out, name, f.model, value)
    else:
        if not value:
            out.append(f"<{name} />")
            return
        out.append(f"<{name}>")
        item = f.item
        for v in value:
            write_field(out, item, v)
        out.append(f"</{name}>")


def write_complex(out: list, name: str, model, value) -> None:
    spec = spec_of(model)
    out.append(f"<{name}>")
    for f in spec.fields:
        write_field(out, f, _get(value, f.name))
    out.append(f"</{name}>")
