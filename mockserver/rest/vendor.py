"""The vendor's OpenAPI v0.56.0 document ("Finago Office Public API", a verbatim copy in
``fixtures/vendor/rest-0.56.0.yaml``), read once: every path and method it has, and the scopes
each operation requires. The REST surface takes its per-endpoint scopes, its 501 answers and
its ``/v1/openapi.json`` from here, so they cannot drift from the vendor's."""

from __future__ import annotations

import copy
import functools

import yaml

from ..ledger.fixtures import fixtures_dir

VERSION = "0.56.0"
FILE = f"rest-{VERSION}.yaml"
METHODS = ("get", "put", "post", "delete", "patch")


@functools.cache
def _document() -> dict:
    with open(fixtures_dir() / "vendor" / FILE, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def document() -> dict:
    """A fresh copy of the vendor's document."""
    return copy.deepcopy(_document())


@functools.cache
def operations() -> tuple[tuple[str, str], ...]:
    """(METHOD, path) of every operation, in the document's order (paths without /v1)."""
    return tuple((m.upper(), path) for path, item in _document()["paths"].items()
                 for m in item if m in METHODS)


@functools.cache
def required_scopes(method: str, path: str) -> frozenset[str]:
    """The scopes the operation's ``tfso`` requirement names (all of them are required; an
    empty list: any valid token)."""
    op = _document()["paths"][path][method.lower()]
    needed: set[str] = set()
    for requirement in op.get("security") or ():
        needed.update(requirement.get("tfso", ()))
    return frozenset(needed)


@functools.cache
def all_scopes() -> frozenset[str]:
    return frozenset(s for m, p in operations() for s in required_scopes(m, p))


@functools.cache
def parameter(method: str, path: str, name: str) -> dict:
    """A parameter of an operation (path-level or operation-level), schema refs resolved."""
    item = _document()["paths"][path]
    for p in list(item.get("parameters", ())) + list(item[method.lower()].get("parameters", ())):
        if p.get("name") == name:
            p = copy.deepcopy(p)
            ref = p.get("schema", {}).get("$ref")
            if ref:
                p["schema"] = copy.deepcopy(_document()["components"]["schemas"][ref.rsplit("/", 1)[1]])
            return p
    raise KeyError(f"{method} {path} has no parameter {name}")
