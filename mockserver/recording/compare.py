"""Normalising and comparing exchanges: volatile values (session ids, GUIDs, timestamps)
are checked against the shape of their kind, replaced by numbered ``«kind:n»`` placeholders,
and the recorded and actual exchanges are diffed as canonical text lines.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field

from lxml import etree

from .pair import (
    SESSION_COOKIE,
    Exchange,
    JsonNumber,
    Pair,
    PairError,
    _esc,
    _json_walk,
    _local,
    _path,
    body_kind,
    json_dumps,
    json_loads,
    json_parts,
    parse_xml,
    xml_select,
)

# --- volatile kinds ---------------------------------------------------------------------------

_KINDS: dict[str, re.Pattern | None] = {
    "session_id": re.compile(r"^[a-z0-5]{24}$"),
    "guid": re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
    # W8: every DateTime the vendor returns is UTC
    "timestamp": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?(Z|\+00:00)$"),
    "date": re.compile(r"^\d{4}-\d\d-\d\d$"),
    "integer": re.compile(r"^-?\d+$"),
    "number": re.compile(r"^-?\d+(\.\d+)?$"),
    "token": re.compile(r"^\S+$"),
    "text": None,
    "any": None,  # no shape at all (a documented divergence, see the pair's notes)
    "datetime": re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d$"),
    "session_cookie": re.compile(r"^ASP\.NET_SessionId=([a-z0-5]{24})(;.*)?$"),
    "bearer": re.compile(r"^Bearer \S+$"),
    # scheme and host vary (a WSDL's soap:address); the path after them is compared
    "url_base": re.compile(r"^(https?://[^/\s]+)(/\S*)?$"),
    # a Link header: scheme and host of each URL vary, paths and rels are compared
    "link_header": re.compile(r'^<[^>]+>;\s*rel="?\w+"?(\s*,\s*<[^>]+>;\s*rel="?\w+"?)*$'),
}


@dataclass
class Normaliser:
    """Replaces volatile values by numbered placeholders; collects shape violations."""

    seen: dict[tuple[str, str], str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def __call__(self, kind: str, value, where: str, typed: bool = False) -> str:
        """``typed``: a JSON value, whose type counts (an integer kind must not be a string)."""
        if kind not in _KINDS:
            raise PairError(f"unknown volatile kind {kind!r} at {where}")
        text = value if isinstance(value, str) else json.dumps(value)
        pattern = _KINDS[kind]
        if kind == "any":
            ok = True
        elif kind in ("integer", "number") and (typed or not isinstance(value, str)):
            ok = (isinstance(value, int) and not isinstance(value, bool)) or (
                kind == "number" and isinstance(value, float | JsonNumber))
        else:
            ok = isinstance(value, str) and not isinstance(value, JsonNumber) and (
                pattern is None or bool(pattern.match(value)))
        if not ok:
            article = "an" if kind[0] in "aeiou" else "a"
            self.problems.append(f"{where}: {text!r} does not look like {article} {kind}")
            return text
        if kind == "session_cookie":
            assert pattern is not None
            m = pattern.match(value)
            assert m is not None  # ok: it matched above
            return f"{SESSION_COOKIE}={self('session_id', m.group(1), where)}{m.group(2) or ''}"
        if kind == "link_header":
            return re.sub(r"<https?://[^/>]+", "<«url_base»", value)
        if kind == "url_base":
            assert pattern is not None
            m = pattern.match(value)
            assert m is not None  # ok: it matched above
            text, suffix = m.group(1), m.group(2) or ""
        else:
            suffix = ""
        key = (kind, text)
        if key not in self.seen:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            self.seen[key] = f"«{kind}:{self.counts[kind]}»"
        return self.seen[key] + suffix




# --- XML: canonical text ----------------------------------------------------------------


def _qname(el_or_attr: str, nsmap: dict) -> str:
    q = etree.QName(el_or_attr)
    if q.namespace is None:
        return q.localname
    for prefix, uri in nsmap.items():
        if uri == q.namespace and prefix is not None:
            return f"{prefix}:{q.localname}"
    return q.localname


def canonical_xml(root) -> list[str]:
    """One line per element: prefixes, new namespace declarations, sorted attributes, text.

    Whitespace between elements is not significant; text of leaf elements is kept exactly.
    """
    lines: list[str] = []

    def walk(el, depth: int, parent_ns: dict) -> None:
        nsmap = el.nsmap
        decls = []
        for prefix, uri in sorted(nsmap.items(), key=lambda kv: kv[0] or ""):
            if parent_ns.get(prefix) != uri:
                decls.append(f'xmlns{":" + prefix if prefix else ""}="{uri}"')
        attrs = sorted((_qname(k, nsmap), v) for k, v in el.attrib.items())
        ns = etree.QName(el.tag).namespace
        name = _local(el.tag) if ns is None or nsmap.get(None) == ns else _qname(el.tag, nsmap)
        head = " ".join([name, *decls, *(f'{k}="{v}"' for k, v in attrs)])
        children = [c for c in el if isinstance(c.tag, str)]
        pad = "  " * depth
        text = el.text or ""
        if not children:
            lines.append(f"{pad}<{head}>{_esc(text)}</{name}>" if text else f"{pad}<{head} />")
            return
        lines.append(f"{pad}<{head}>")
        if text.strip():
            lines.append(f"{pad}  {_esc(text)}")
        for c in children:
            walk(c, depth + 1, nsmap)
            if c.tail and c.tail.strip():
                lines.append(f"{pad}  {_esc(c.tail)}")
        lines.append(f"{pad}</{name}>")

    walk(root, 0, {})
    return lines


def _within(rule: dict, text: str, norm: Normaliser, where: str) -> str:
    """Normalise the whole text, or with ``within: REGEX`` only its first group (a timestamp
    inside an error message)."""
    pattern = rule.get("within")
    if not pattern:
        return norm(rule["kind"], text, where)
    m = re.search(pattern, text)
    if m is None:
        norm.problems.append(f"{where}: {text!r} does not match {pattern!r}")
        return text
    return text[:m.start(1)] + norm(rule["kind"], m.group(1), where) + text[m.end(1):]


def normalise_xml(body: str | bytes, rules: list[dict], norm: Normaliser) -> list[str]:
    root = parse_xml(body)
    for rule in rules:
        sel = rule.get("select")
        if not sel:
            continue
        for el in xml_select(root, sel):
            attr = rule.get("attribute")
            if attr:
                if el.get(attr) is not None:
                    el.set(attr, norm(rule["kind"], el.get(attr), "/".join(_path(el)) + "@" + attr))
                continue
            if el.text is None and not len(el):
                continue
            el.text = _within(rule, el.text or "", norm, "/".join(_path(el)))
    return canonical_xml(root)


# --- JSON: selection, canonical text --------------------------------------------------------


# --- JSON: canonical text ---------------------------------------------------------------


#: A volatile "kind" for a JSON member the vendor added after the recorded example was written
#: (0.56.0's periodDate on a 0.33.1 docs example): left out of both sides, not compared.
LATER = "later"


def _shape(value):
    """Values replaced by their JSON type; placeholders of volatile values are kept."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if isinstance(value, str) and value.startswith("«"):
        return value
    if value is None:
        return "«null»"
    if isinstance(value, bool):
        return "«boolean»"
    if isinstance(value, int | float | JsonNumber):
        return "«number»"
    return "«string»"


def normalise_json(body: str | bytes, rules: list[dict], norm: Normaliser,
                   shape: bool = False) -> list[str]:
    """``shape``: compare structure and JSON types only (a documentation example's values are
    illustrations, its structure is the contract)."""
    value = json_loads(body) if body not in (b"", "") else None
    for rule in rules:
        sel = rule.get("path")
        if not sel:
            continue
        if rule.get("kind") == LATER:
            *parent, key = json_parts(sel)
            value = _json_walk(value, parent, "$", lambda v, _w, k=key: (
                {n: x for n, x in v.items() if n != k} if isinstance(v, dict) else v))
            continue
        value = _json_walk(value, json_parts(sel), "$", lambda v, w, r=rule: (
            _within(r, v, norm, w) if r.get("within") else norm(r["kind"], v, w, typed=True)))
    if shape:
        value = _shape(value)
    # Key order of a JSON object carries no meaning for its readers: sorted for comparison.
    return json_dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


# --- the pair -------------------------------------------------------------------------------


# --- comparison -----------------------------------------------------------------------------


#: Response headers compared when a pair records them (others are transport noise).
COMPARED_HEADERS = ("Content-Type", "Set-Cookie", "APILimitRemaining", "APILimitReset",
                    "Retry-After", "Link", "WWW-Authenticate")


def render(ex: Exchange, rules: list[dict], header_names: list[str], norm: Normaliser,
           mode: str = "exact") -> list[str]:
    """An exchange as comparable text lines: status, chosen headers, the normalised body."""
    lines = [f"HTTP {ex.status}"]
    header_rules = {r["header"].lower(): r["kind"] for r in rules if r.get("header")}
    for name in header_names:
        value = ex.header(name)
        if value is not None and name.lower() in header_rules:
            value = norm(header_rules[name.lower()], value, f"header {name}")
        lines.append(f"{name}: {value if value is not None else '(absent)'}")
    lines.append("")
    kind = body_kind(ex.header("Content-Type") or "", ex.body)
    try:
        if kind == "xml":
            lines += normalise_xml(ex.body, rules, norm)
        elif kind == "json":
            lines += normalise_json(ex.body, rules, norm, shape=mode == "shape")
        else:
            lines += ex.body.splitlines()
    except (etree.XMLSyntaxError, ValueError) as exc:
        lines.append(f"(unparseable {kind} body: {exc})")
        lines += ex.body.splitlines()
    return lines


def compare(recorded: Exchange, actual: Exchange, rules: list[dict],
            header_names: list[str] | None = None, mode: str = "exact") -> list[str]:
    """A unified diff of recorded against actual after normalisation; empty when they agree.

    Shape violations of volatile values (on either side) are reported too.
    """
    names = header_names if header_names is not None else [
        h for h in COMPARED_HEADERS if recorded.header(h) is not None]
    rec_norm, act_norm = Normaliser(), Normaliser()
    left = render(recorded, rules, names, rec_norm, mode)
    right = render(actual, rules, names, act_norm, mode)
    out = list(difflib.unified_diff(left, right, "recorded", "actual", lineterm="", n=3))
    for p in rec_norm.problems:
        out.append(f"! recorded {p}")
    for p in act_norm.problems:
        out.append(f"! actual {p}")
    return out


def recorded_exchange(pair: Pair) -> Exchange:
    resp = pair.response
    return Exchange(int(resp.get("status", 200)), dict(resp.get("headers") or {}),
                    pair.body_of(resp))


