"""Read and write XML by walking the spyne models, the way ASMX's XmlSerializer does.

Reading is lenient where .NET is (children in any order, unknown elements ignored, omitted
elements take their WSDL default) and strict where .NET is: a value that cannot be parsed as its
XSD type is a Client fault in ASMX's words (W9), never a silent misread. The conversions are
.NET's (XmlConvert, Int32.Parse, Decimal.Parse, new Guid(string), XmlSerializer's enum reader),
written out here because their accepted forms and exception texts are what fidelity needs.
Writing follows XmlSerializer too: members equal to their WSDL default are omitted, decimals keep
their scale in plain notation, and every DateTime is UTC.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any
from uuid import UUID
from xml.parsers import expat

from lxml import etree
from spyne.model.complex import Array, ComplexModelBase
from spyne.model.primitive import Uuid

from ..errors import BadValue, DotNet, IgnoredElement
from ..ledger.money import DECIMAL_MAX, MONEY

XSI = "http://www.w3.org/2001/XMLSchema-instance"
_NIL = f"{{{XSI}}}nil"

_INT_RANGES = {
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "long": (-(2**63), 2**63 - 1),
    "unsignedByte": (0, 255),
}
# re.ASCII: .NET reads ASCII digits only; \Z, not $, which would let a trailing newline through.
_DEC_RE = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*\Z", re.ASCII)
_DT_RE = re.compile(
    r"^\s*(-?\d{4,})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?)?"
    r"(Z|[+-]\d\d:\d\d)?\s*\Z", re.ASCII
)


# --- scalar parsing and formatting ------------------------------------------------------------


class Unconvertible(ValueError):
    """A value .NET cannot convert; ``inner`` is .NET's exception text for it."""

    def __init__(self, inner: str):
        super().__init__(inner)
        self.inner = inner


#: The white space .NET's number parsing skips (NumberStyles.AllowLeading/TrailingWhite)
_NUM_WS = " \t\n\v\f\r"
#: The white space XmlConvert trims (XmlConvert.WhitespaceChars)
_XML_WS = " \t\n\r"
_UNSIGNED = frozenset({"unsignedByte"})
_WIDE_INTS = frozenset({"int", "long"})
_DEC_SCALE_MAX = 28
_DEC_COEFF_MAX = 2**96


def _parse_int(text: str, xsd: str) -> int:
    """XmlConvert.ToInt16/32/64 (white space and a sign allowed) and ToByte (no sign)."""
    if len(text) < 10 and xsd in _WIDE_INTS and text.isdecimal() and text.isascii():
        return int(text)  # up to nine plain digits: inside Int32's range, nothing to check
    return _parse_int_general(text, xsd)


def _parse_int_general(text: str, xsd: str) -> int:
    digits = text.strip(_NUM_WS)
    body = digits[1:] if digits[:1] in ("+", "-") and xsd not in _UNSIGNED else digits
    if not (body.isdecimal() and body.isascii()):
        raise Unconvertible(DotNet.FORMAT)
    if len(body.lstrip("0")) > 20:  # beyond every range (and int()'s digit limit)
        raise Unconvertible(DotNet.OVERFLOW[xsd])
    value = int(digits)
    lo, hi = _INT_RANGES[xsd]
    if not lo <= value <= hi:
        raise Unconvertible(DotNet.OVERFLOW[xsd])
    return value


def _parse_decimal(text: str, xsd: str) -> Decimal:
    """XmlConvert.ToDecimal: sign, digits, one decimal point, white space; no exponent. Digits
    beyond what System.Decimal holds (28 places, a 96-bit coefficient) are rounded, as .NET
    rounds them; a value beyond its range overflows."""
    if not _DEC_RE.match(text):
        raise Unconvertible(DotNet.FORMAT)
    if len(text) <= _DEC_SCALE_MAX:
        # at most 28 digits: a coefficient below 10**28 < 2**96, a scale of at most 27 and a
        # value below DECIMAL_MAX, so nothing to round or refuse (the checks below agree)
        return Decimal(text.strip(_NUM_WS))
    return _parse_decimal_general(text, xsd)


def _parse_decimal_general(text: str, xsd: str) -> Decimal:
    if not _DEC_RE.match(text):
        raise Unconvertible(DotNet.FORMAT)
    text = text.strip(_NUM_WS)
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex already rules these out
        raise Unconvertible(DotNet.FORMAT) from exc
    if value.copy_abs() > DECIMAL_MAX:
        raise Unconvertible(DotNet.OVERFLOW[xsd])
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < 0 and (
            exponent < -_DEC_SCALE_MAX or abs(int(value.scaleb(-exponent))) >= _DEC_COEFF_MAX):
        places = min(-exponent, _DEC_SCALE_MAX)
        while places > 0:
            rounded = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN, MONEY)
            if abs(int(rounded.scaleb(places))) < _DEC_COEFF_MAX:
                return rounded
            places -= 1
        return value.quantize(Decimal(1), ROUND_HALF_EVEN, MONEY)
    return value


def _parse_bool(text: str, _xsd: str) -> bool:
    """XmlConvert.ToBoolean: true, false, 1, 0, white space trimmed."""
    t = text.strip(_XML_WS)
    if t in ("true", "1"):
        return True
    if t in ("false", "0"):
        return False
    raise Unconvertible(DotNet.boolean(text))


def parse_datetime(text: str, _xsd: str = "dateTime") -> dt.datetime:
    """xs:dateTime as .NET reads it; an offset is kept, a bare value is taken as UTC."""
    m = _DT_RE.match(text)
    if not m:
        raise Unconvertible(DotNet.datetime(text))
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


_HEX = frozenset("0123456789abcdefABCDEF")


def _parse_guid(text: str, _xsd: str) -> UUID:
    """XmlConvert.ToGuid = new Guid(string) of .NET Framework: the D form with dashes (also in
    braces or parentheses) or the N form of 32 digits; .NET's text for each way to fail (the
    rarely used {0x...} form is not read: Unrecognized Guid format)."""
    g = text.strip()
    if not g:
        raise Unconvertible(DotNet.GUID_UNRECOGNIZED)
    if "-" in g:
        start = 0
        if g[0] in "{(":
            if len(g) != 38 or g[37] != {"{": "}", "(": ")"}[g[0]]:
                raise Unconvertible(DotNet.GUID_LENGTH)
            start = 1
        elif len(g) != 36:
            raise Unconvertible(DotNet.GUID_LENGTH)
        if any(g[start + i] != "-" for i in (8, 13, 18, 23)):
            raise Unconvertible(DotNet.GUID_DASHES)
        digits = g[start:start + 36].replace("-", "")
    elif "{" in g:  # .NET tries the {0x...} form, which the emulator does not read
        raise Unconvertible(DotNet.GUID_UNRECOGNIZED)
    else:
        if len(g) != 32:
            raise Unconvertible(DotNet.GUID_LENGTH)
        digits = g
    if len(digits) != 32 or not _HEX.issuperset(digits):
        raise Unconvertible(DotNet.GUID_HEX)
    return UUID(digits)


def _parse_string(text: str, _xsd: str) -> str:
    return text


def _enum_parser(values, type_name: str):
    """An xs:string enumeration (DateSearchParameters, PeriodType, ...): exactly one of its
    values, as XmlSerializer's generated enum reader compares them (no trimming)."""
    allowed = frozenset(values)

    def parse(text: str, _xsd: str) -> str:
        if text not in allowed:
            raise Unconvertible(DotNet.enum(text, type_name))
        return text

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


#: a scalar's reader: (text, xsd name) -> value; its writer: value -> text
Parse = Callable[[str, str], Any]
Format = Callable[[Any], str]

_SCALARS: dict[str, tuple[Parse, Format, object]] = {
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


def _not_a_scalar(text: str, xsd: str) -> Any:
    raise TypeError("a complex or array field has no scalar parser")


@dataclass
class FieldSpec:
    name: str
    kind: str  # "scalar", "complex", "array"
    min_occurs: int
    nillable: bool
    has_default: bool
    default: object
    xsd: str = ""
    parse: Parse = _not_a_scalar  # scalars: text -> value (raises ValueError, OverflowError)
    fmt: Format = str  # scalars: value -> text
    absent: object = None  # the value when the element is missing
    model: Any = None  # complex: the model (a spyne ComplexModel or a schema.SchemaModel)
    item: FieldSpec | None = None  # array: the item's spec

    @property
    def of(self) -> FieldSpec:
        """An array's item spec."""
        assert self.item is not None, f"{self.name} is not an array"
        return self.item


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
    if values:  # an enumeration: faults name its type ("... valid value for DateSearchParameters.")
        spec.parse, spec.xsd = _enum_parser(values, t.get_type_name()), t.get_type_name()
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


class _Unread(Exception):
    """A value that failed to convert: the element, .NET's text, and what the journal says."""

    def __init__(self, node, inner: str, detail: str):
        super().__init__(inner)
        self.node, self.inner, self.detail = node, inner, detail


#: Elements skipped while reading the current request (IgnoredElement texts), or None
_IGNORED: contextvars.ContextVar[list | None] = contextvars.ContextVar("ignored", default=None)


def _ignored(child, parent, item: str | None = None) -> None:
    found = _IGNORED.get()
    tag = child.tag
    if found is None or not isinstance(tag, str) or len(found) >= 20:
        return
    local = tag.rpartition("}")[2]
    found.append(IgnoredElement(local, parent.tag.rpartition("}")[2], child.sourceline,
                                item).text)


def _fail(child, f: FieldSpec, text: str, exc: Exception) -> _Unread:
    if isinstance(exc, Unconvertible):
        inner = exc.inner
    elif f.xsd in ("dateTime", "date"):
        inner = DotNet.datetime(text)
    elif f.xsd == "boolean":
        inner = DotNet.boolean(text)
    elif f.xsd == "guid":
        inner = DotNet.GUID_LENGTH
    else:
        inner = DotNet.FORMAT
    return _Unread(child, inner, BadValue.describe(f.name, text, f.xsd))


def read_arguments(elem, model, ns: str, body: bytes) -> tuple[dict, list[str]]:
    """A web method's arguments from its request element, as XmlSerializer reads them, and the
    elements it skipped (IgnoredElement texts, for the request journal). A value that cannot be
    converted is ``BadValue`` with .NET's text and the position .NET reports (W9)."""
    token = _IGNORED.set([])
    try:
        values = read_complex(elem, model, ns)
    except _Unread as unread:
        line, column = dotnet_position(body, unread.node)
        raise BadValue(unread.inner, line, column, unread.detail) from None
    finally:
        ignored = _IGNORED.get() or []
        _IGNORED.reset(token)
    return values, ignored


def read_complex(elem, model, ns: str | None = None) -> dict:
    """The element's children as a dict of field name to value, defaults applied."""
    spec = _SPECS.get(model) or spec_of(model, ns)
    ns = ns or spec.ns
    tags = spec.by_tag.get(ns) or spec.tags(ns)
    values = spec.absent.copy()
    for child in elem:
        # Comments, processing instructions and elements of other namespaces match no tag;
        # unknown elements are ignored, as ASMX does (and noted for the request journal).
        f = tags.get(child.tag)
        if f is None:
            _ignored(child, elem)
            continue
        if f.kind != "scalar" or child.get(_NIL) in ("true", "1"):
            values[f.name] = _read_field(child, f, ns)
            continue
        text = child.text or ""  # a scalar, read here: the hot path of every request
        try:
            values[f.name] = f.parse(text, f.xsd)
        except (ValueError, OverflowError) as exc:
            raise _fail(child, f, text, exc) from None
    return values


def _read_field(child, f: FieldSpec, ns: str):
    if child.get(_NIL) in ("true", "1"):
        return None
    kind = f.kind
    if kind == "scalar":
        text = child.text or ""
        try:
            return f.parse(text, f.xsd)
        except (ValueError, OverflowError) as exc:
            raise _fail(child, f, text, exc) from None
    if kind == "complex":
        return read_complex(child, f.model, ns)
    item = f.of
    item_tag = _clark(ns, item.name)
    items = []
    for sub in child:
        if sub.tag == item_tag:
            items.append(_read_field(sub, item, ns))
        else:
            _ignored(sub, child, item.name)
    return items


# --- where .NET says the error is ------------------------------------------------------------


class _Found(Exception):
    pass


def dotnet_position(body: bytes, node) -> tuple[int, int]:
    """(line, column) that XmlSerializer reports for a value of ``node`` it cannot convert.

    The generated reader calls ``XmlConvert.ToX(Reader.ReadElementString())``: ReadElementString
    reads the element to its end tag and moves on, so the conversion fails with the reader on
    the node *after* the element, and XmlSerializer reports that node's IXmlLineInfo (1-based):
    a start tag at its name ('<' + 1), an end tag at its name ('</' + 2), text or white space at
    its first character, a comment after '<!--', a processing instruction after '<?', CDATA
    after '<![CDATA['. In an indented request that is the white space right after the failing
    element's end tag, on the same line. Columns count characters.
    """
    index = -1
    for i, el in enumerate(node.getroottree().getroot().iter(etree.Element)):
        if el is node:
            index = i
            break
    parser = expat.ParserCreate()
    state = {"n": -1, "depth": 0, "target": None, "after": False}

    def here(extra: int):
        if state["after"]:
            raise _Found((parser.CurrentLineNumber, parser.CurrentColumnNumber + extra))

    def start(_name, _attrs):
        here(2)
        state["n"] += 1
        state["depth"] += 1
        if state["n"] == index:
            state["target"] = state["depth"]

    def end(_name):
        here(3)
        if state["depth"] == state["target"]:
            state["after"] = True
        state["depth"] -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = lambda _data: here(1)
    parser.CommentHandler = lambda _data: here(5)
    parser.ProcessingInstructionHandler = lambda _target, _data: here(3)
    parser.StartCdataSectionHandler = lambda: here(10)
    try:
        parser.Parse(body, True)
    except _Found as found:
        return found.args[0]
    except expat.ExpatError:  # an encoding expat does not know: the element's line at least
        pass
    return (node.sourceline or 1, 1)


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
        item = f.of
        for v in value:
            write_field(out, item, v)
        out.append(f"</{name}>")


def write_complex(out: list, name: str, model, value) -> None:
    """``value`` as the element ``name``; one with nothing to write is ``<name />``, as
    XmlSerializer's writer closes an element without content."""
    spec = spec_of(model)
    start = len(out)
    out.append(f"<{name}>")
    for f in spec.fields:
        write_field(out, f, _get(value, f.name))
    if len(out) == start + 1:
        out[start] = f"<{name} />"
    else:
        out.append(f"</{name}>")
