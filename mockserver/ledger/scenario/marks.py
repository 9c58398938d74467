"""YAML with line marks: every mapping and list remembers the line of each of its items, so
a refusal names the line (``webshop.yaml, line 12: ...``)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import yaml

from ... import errors
from ...errors import ScenarioError  # noqa: F401 (re-exported: ``scenario.ScenarioError``)

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
            raise errors.ScenarioKeyNotText(line=line) from None
        if key in data:
            raise errors.ScenarioKeyTwice(line=line, key=key, first=data.lines[key])
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
        raise errors.ScenarioNotFinite(line=node.start_mark.line + 1, value=text)
    return value


def _construct_timestamp(loader: _Loader, node):
    """A date-like scalar that is no date (``2024-13-01``) stays text, so the field that reads
    it refuses it with its path and line (PyYAML would raise a bare ValueError)."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _line_of(container, key) -> int | None:
    if isinstance(container, _MarkedDict):
        return container.lines.get(key, container.line)
    if isinstance(container, _MarkedList) and isinstance(key, int) and key < len(container.lines):
        return container.lines[key]
    return getattr(container, "line", None)


