"""The recorded pair file format: loading and writing pairs, their bodies (XML and JSON read
and selected the way the normaliser and the replay need), and the ``Exchange`` they describe.

See ``mockserver/recording/__init__.py`` for the format itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from lxml import etree

SOAP_NS = {"http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope"}
VENDOR_NS = ("http://24sevenOffice.com/webservices",
             "http://24sevenoffice.com/webservices/economy/accounting/")
SESSION_COOKIE = "ASP.NET_SessionId"
#: What a scrubbed session id looks like: still 24 characters of the ASP.NET alphabet.
SCRUBBED_SESSION = "scrubbedsessionid0000000"
SCRUBBED_TOKEN = "scrubbed-access-token"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          remove_comments=True, remove_pis=True)


class JsonNumber(str):
    """A JSON number kept as its text (``80.00`` stays ``80.00``: W7), never a float."""


def json_loads(text: str | bytes):
    return json.loads(text, parse_float=JsonNumber)


def json_dumps(value, **kw) -> str:
    """``json.dumps`` that writes JsonNumber back as the number text it was read from."""
    marks: dict[str, str] = {}

    def mark(v):
        if isinstance(v, JsonNumber):
            key = f"\u0000num{len(marks)}\u0000"
            marks[key] = str(v)
            return key
        if isinstance(v, dict):
            return {k: mark(x) for k, x in v.items()}
        if isinstance(v, list):
            return [mark(x) for x in v]
        return v

    text = json.dumps(mark(value), **kw)
    for key, number in marks.items():
        text = text.replace(json.dumps(key), number)
    return text


class PairError(Exception):
    """A pair file that cannot be used, or a replay step that failed."""



# --- XML and JSON: parsing and selection -------------------------------------------------


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _path(el) -> list[str]:
    names = []
    while el is not None:
        names.append(_local(el.tag))
        el = el.getparent()
    return names[::-1]


def xml_select(root, selector: str) -> list:
    """Elements whose local-name path ends with ``selector`` (``a/b/c``; ``*`` matches one name)."""
    want = [p for p in selector.strip("/").split("/") if p]
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        path = _path(el)
        if len(path) >= len(want) and all(w in ("*", p) for w, p in zip(want, path[-len(want):], strict=True)):
            out.append(el)
    return out


def parse_xml(body: str | bytes):
    data = body.encode("utf-8") if isinstance(body, str) else body
    return etree.fromstring(data.strip(), _PARSER)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _json_walk(value, parts: list[str], where: str, fn):
    """Apply ``fn(value, where)`` to every value that ``parts`` selects; returns the new value."""
    if not parts:
        return fn(value, where)
    head, rest = parts[0], parts[1:]
    if head == "**":
        value = _json_walk(value, rest, where, fn)
        if isinstance(value, dict):
            return {k: _json_walk(v, parts, f"{where}.{k}", fn) for k, v in value.items()}
        if isinstance(value, list):
            return [_json_walk(v, parts, f"{where}[{i}]", fn) for i, v in enumerate(value)]
        return value
    if isinstance(value, list) and head in ("*", "[*]"):
        return [_json_walk(v, rest, f"{where}[{i}]", fn) for i, v in enumerate(value)]
    if isinstance(value, dict):
        if head == "*":
            return {k: _json_walk(v, rest, f"{where}.{k}", fn) for k, v in value.items()}
        if head in value:
            out = dict(value)
            out[head] = _json_walk(value[head], rest, f"{where}.{head}", fn)
            return out
    return value


def json_parts(selector: str) -> list[str]:
    """``$[*].transaction.id`` -> ['[*]', 'transaction', 'id']."""
    sel = selector.strip()
    if sel.startswith("$"):
        sel = sel[1:]
    sel = sel.replace("[*]", ".[*]")
    return [p for p in sel.split(".") if p]


def json_select(value, selector: str) -> list:
    found: list = []

    def keep(v, _where):
        found.append(v)
        return v

    _json_walk(value, json_parts(selector), "$", keep)
    return found




@dataclass
class Pair:
    path: Path
    data: dict

    @property
    def name(self) -> str:
        return self.data.get("name") or self.path.stem

    @property
    def spec(self) -> list[str]:
        return list(self.data.get("spec") or [])

    @property
    def setup(self) -> dict:
        return self.data.get("setup") or {}

    @property
    def request(self) -> dict:
        return self.data["request"]

    @property
    def response(self) -> dict:
        return self.data["response"]

    @property
    def volatile(self) -> list[dict]:
        return list(self.data.get("volatile") or [])

    @property
    def live(self) -> str:
        return (self.data.get("live") or {}).get("mode", "emulator-only") if isinstance(
            self.data.get("live"), dict) else (self.data.get("live") or "emulator-only")

    @property
    def mode(self) -> str:
        """``exact`` (default) or ``shape`` (JSON structure and types only)."""
        return self.data.get("compare", "exact")

    @property
    def test_id(self) -> str:
        return "-".join(self.spec) + "-" + self.name if self.spec else self.name

    def body_of(self, part: dict) -> str:
        if "body_file" in part:
            return (self.path.parent / part["body_file"]).read_text(encoding="utf-8")
        return part.get("body") or ""


_SPEC_ID = re.compile(r"^([WALESKTRMD]\d+|C\d*)$")


def load_pair(path: str | Path) -> Pair:
    path = Path(path)
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or "request" not in data or "response" not in data:
        raise PairError(f"{path}: a pair needs 'request' and 'response'")
    for sid in data.get("spec") or []:
        if not _SPEC_ID.match(str(sid)):
            raise PairError(f"{path}: {sid!r} is not a SPEC id")
    live = data.get("live")
    mode = live.get("mode") if isinstance(live, dict) else live
    if mode not in (None, "safe", "writes", "emulator-only"):
        raise PairError(f"{path}: live mode must be safe, writes or emulator-only, not {mode!r}")
    return Pair(path, data)


def load_pairs(folder: str | Path) -> list[Pair]:
    folder = Path(folder)
    return [load_pair(p) for p in sorted(folder.rglob("*.yaml")) if not p.name.startswith("_")]


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper, value: str):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_presenter)


def dump_pair(data: dict, path: str | Path) -> None:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    Path(path).write_text(text, encoding="utf-8")


def pretty_body(body: bytes | str, content_type: str) -> str:
    """A body as stored in a pair: XML and JSON indented for review, anything else as text."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    kind = body_kind(content_type, text)
    try:
        if kind == "xml":
            root = parse_xml(text)
            etree.indent(root, space="  ")
            return '<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(
                root, encoding="unicode") + "\n"
        if kind == "json":
            return json_dumps(json_loads(text), indent=2, ensure_ascii=False) + "\n"
    except (etree.XMLSyntaxError, ValueError):
        pass
    return text


def body_kind(content_type: str, body: str | bytes = "") -> str:
    ct = (content_type or "").lower()
    if "xml" in ct:
        return "xml"
    if "json" in ct:
        return "json"
    head = (body[:1] if isinstance(body, str) else body[:1].decode("latin-1")) if body else ""
    if head == "<":
        return "xml"
    if head in "[{":
        return "json" if head else "text"
    return "text"




@dataclass
class Exchange:
    """What came back: enough of an HTTP response to compare."""

    status: int
    headers: dict[str, str]
    body: str

    def header(self, name: str) -> str | None:
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None


