"""WSDL parity: compare the emulator's ``?WSDL`` with the vendor's, and say what differs.

Both documents are read into the same normalised tree (namespace prefixes resolved, schema
defaults filled in, whitespace and attribute order dropped), then walked side by side. Every
difference is reported, each marked **breaking** (it changes what a client generated from one
document sends or expects from a server described by the other) or **tolerated**:

- ``soap:address``/``soap12:address`` ``location``: the emulator's own URL, by design (SPEC W2);
- ``documentation`` text: not part of any message;
- the order of global declarations (types, messages, operations, bindings, ports, enumeration
  values): generated clients look these up by name. Order *inside* ``s:sequence`` is breaking.

Prefix spellings, line endings, indentation and attribute order are not differences at all.

Use::

    report = compare(vendor_bytes, ours_bytes)
    assert not report.breaking, report.format()

or from a shell (exit status 1 on a breaking difference)::

    python -m mockserver.soap.parity fixtures/vendor/AccountV004.wsdl \
        http://127.0.0.1:8080/Economy/Account/V004/Accountservice.asmx?WSDL
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from lxml import etree

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/"
PREFIXES = {
    WSDL: "wsdl", XS: "s", SOAP: "soap", SOAP12: "soap12",
    "http://schemas.xmlsoap.org/wsdl/http/": "http",
    "http://schemas.xmlsoap.org/wsdl/mime/": "mime",
    "http://microsoft.com/wsdl/types/": "s1",
}
#: Attributes whose value is a QName (resolved against the in-scope namespaces).
QNAME_ATTRS = {"type", "base", "element", "message", "binding", "ref", "itemType"}
#: What an absent attribute means, per element kind (XSD/WSDL defaults).
DEFAULTS = {
    "s:element": {"minOccurs": "1", "maxOccurs": "1", "nillable": "false"},
    "s:any": {"minOccurs": "1", "maxOccurs": "1"},
    "s:sequence": {"minOccurs": "1", "maxOccurs": "1"},
    "s:choice": {"minOccurs": "1", "maxOccurs": "1"},
    "s:complexType": {"mixed": "false", "abstract": "false"},
    "s:complexContent": {"mixed": "false"},
    "s:schema": {"elementFormDefault": "unqualified", "attributeFormDefault": "unqualified"},
}
#: Child keys: which attribute names a child among its siblings.
KEY_ATTRS = ("name", "namespace", "value")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True,
                          remove_pis=True, load_dtd=False)


@dataclass
class Node:
    kind: str  # "s:element", "wsdl:operation", ...
    key: str  # its name (or namespace, value, or occurrence number)
    attrs: dict[str, str]
    text: str = ""
    children: list[Node] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.kind}[{self.key}]" if self.key and not self.key.startswith("#") else self.kind


@dataclass(frozen=True)
class Difference:
    path: str
    what: str  # "attribute", "missing", "extra", "order", "text"
    vendor: str | None
    ours: str | None
    breaking: bool
    why: str = ""

    def __str__(self) -> str:
        mark = "BREAKING " if self.breaking else "tolerated"
        if self.what == "missing":
            detail = f"missing in ours (vendor has {self.vendor})"
        elif self.what == "extra":
            detail = f"not in the vendor's (ours has {self.ours})"
        elif self.what == "order":
            detail = f"order differs: vendor {self.vendor} / ours {self.ours}"
        else:
            detail = f"vendor {self.vendor!r} / ours {self.ours!r}"
        return f"{mark} {self.path}: {detail}" + (f"  ({self.why})" if self.why else "")


@dataclass
class Report:
    differences: list[Difference]

    @property
    def breaking(self) -> list[Difference]:
        return [d for d in self.differences if d.breaking]

    @property
    def tolerated(self) -> list[Difference]:
        return [d for d in self.differences if not d.breaking]

    def format(self) -> str:
        if not self.differences:
            return "no differences"
        lines = [str(d) for d in self.breaking] + [str(d) for d in self.tolerated]
        lines.append(f"{len(self.breaking)} breaking, {len(self.tolerated)} tolerated")
        return "\n".join(lines)


# --- normalising ------------------------------------------------------------------------------


def _name(tag: str) -> str:
    ns, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    prefix = PREFIXES.get(ns)
    return f"{prefix}:{local}" if prefix else (f"{{{ns}}}{local}" if ns else local)


def _qname(value: str, elem, target: str) -> str:
    prefix, _, local = value.rpartition(":")
    ns = elem.nsmap.get(prefix or None, "")
    if ns == target:
        return f"tns:{local}"
    if ns in PREFIXES:
        return f"{PREFIXES[ns]}:{local}"
    return f"{{{ns}}}{local}" if ns else local


def _node(elem, target: str) -> Node:
    kind = _name(elem.tag)
    if kind == "s:schema":
        target = elem.get("targetNamespace", target)
    attrs = dict(DEFAULTS.get(kind, {}))
    for k, v in elem.attrib.items():
        k = _name(k)
        attrs[k] = _qname(v, elem, target) if k in QNAME_ATTRS else v
    keys = ("targetNamespace",) if kind == "s:schema" else KEY_ATTRS
    key = next((attrs.pop(k) for k in keys if k in attrs), "")
    text = " ".join((elem.text or "").split()) if kind.endswith(":documentation") else ""
    node = Node(kind, key, attrs, text)
    counts: dict[str, int] = {}
    for child in elem:
        if not isinstance(child.tag, str):
            continue
        sub = _node(child, target)
        if not sub.key:
            counts[sub.kind] = counts.get(sub.kind, 0) + 1
            sub.key = f"#{counts[sub.kind]}"
        node.children.append(sub)
    return node


def normalise(document: bytes) -> Node:
    root = etree.fromstring(document, _PARSER)
    if root.tag != f"{{{WSDL}}}definitions":
        raise ValueError(f"not a WSDL 1.1 document (root element {root.tag})")
    return _node(root, root.get("targetNamespace", ""))


# --- comparing --------------------------------------------------------------------------------


def _tolerance(path: list[Node], what: str, attr: str | None = None) -> str | None:
    """Why a difference does not matter to a generated client, or None when it does."""
    kind = path[-1].kind if path else ""
    if any(n.kind.endswith(":documentation") for n in path):
        return "documentation is not part of any message"
    if attr == "location" and kind in ("soap:address", "soap12:address"):
        return "the emulator's own address (W2)"
    if what == "order" and kind != "s:sequence":
        return "global declarations are looked up by name"
    return None


def _walk(vendor: Node, ours: Node, path: list[Node], out: list[Difference]) -> None:
    where = "/".join(n.label for n in path)
    for attr in sorted(set(vendor.attrs) | set(ours.attrs)):
        a, b = vendor.attrs.get(attr), ours.attrs.get(attr)
        if a != b:
            why = _tolerance(path, "attribute", attr)
            out.append(Difference(f"{where}@{attr}", "attribute", a, b, why is None, why or ""))
    if vendor.text != ours.text:
        why = _tolerance(path, "text")
        out.append(Difference(f"{where}/text()", "text", vendor.text, ours.text, why is None,
                              why or ""))
    ours_by = {(c.kind, c.key): c for c in ours.children}
    vendor_by = {(c.kind, c.key): c for c in vendor.children}
    for c in vendor.children:
        if (c.kind, c.key) not in ours_by:
            why = _tolerance([*path, c], "missing")
            out.append(Difference(f"{where}/{c.label}", "missing", _summary(c), None,
                                  why is None, why or ""))
    for c in ours.children:
        if (c.kind, c.key) not in vendor_by:
            why = _tolerance([*path, c], "extra")
            out.append(Difference(f"{where}/{c.label}", "extra", None, _summary(c), why is None,
                                  why or ""))
    common_v = [c for c in vendor.children if (c.kind, c.key) in ours_by]
    common_o = [c for c in ours.children if (c.kind, c.key) in vendor_by]
    if [(c.kind, c.key) for c in common_v] != [(c.kind, c.key) for c in common_o]:
        why = _tolerance(path, "order")
        out.append(Difference(where, "order", _order(common_v), _order(common_o), why is None,
                              why or ""))
    for c in common_v:
        _walk(c, ours_by[(c.kind, c.key)], [*path, c], out)


def _summary(node: Node) -> str:
    attrs = " ".join(f'{k}="{v}"' for k, v in sorted(node.attrs.items()))
    return f"{node.label} {attrs}".strip()


def _order(nodes: list[Node]) -> str:
    return "[" + ", ".join(n.key if not n.key.startswith("#") else n.kind for n in nodes) + "]"


def compare(vendor: bytes, ours: bytes) -> Report:
    """Every difference between two WSDL documents, breaking ones marked."""
    a, b = normalise(vendor), normalise(ours)
    out: list[Difference] = []
    _walk(a, b, [a], out)
    return Report(out)


def fetch(source: str) -> bytes:
    """A WSDL from a file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as resp:  # noqa: S310 - caller's URL
            return resp.read()
    with open(source, "rb") as fh:
        return fh.read()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m mockserver.soap.parity VENDOR_WSDL OURS_WSDL_OR_URL",
              file=sys.stderr)
        return 2
    try:
        vendor, ours = (_load(source) for source in argv)
    except _Unusable as err:
        print(f"parity: {err}", file=sys.stderr)
        return 2
    report = compare(vendor, ours)
    print(report.format())
    return 1 if report.breaking else 0


class _Unusable(Exception):
    """A document the shell command cannot compare: its one line (exit status 2)."""


def _load(source: str) -> bytes:
    """The WSDL at ``source``, read and checked to be one, or ``_Unusable`` saying why."""
    try:
        document = fetch(source)
    except urllib.error.HTTPError as err:
        raise _Unusable(f"cannot read {source}: HTTP {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        reason = getattr(err.reason, "strerror", None) or err.reason
        raise _Unusable(f"cannot read {source}: {reason}") from None
    except OSError as err:
        raise _Unusable(f"cannot read {source}: {err.strerror or err}") from None
    try:
        normalise(document)
    except etree.XMLSyntaxError as err:
        raise _Unusable(f"{source} is not XML: {err.msg}") from None
    except ValueError as err:
        raise _Unusable(f"{source}: {err}") from None
    return document


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


__all__ = ["compare", "normalise", "fetch", "Report", "Difference", "main"]
