"""JSON text with exact money: a ``Decimal`` is written as its own digits, as a JSON number.

``json.dumps`` cannot write a Decimal without going through float (``0.1 + 0.2`` trouble, 29-digit
amounts rounded). Response bodies of the REST surface are plain dicts, lists, strings, ints,
bools, None and Decimals, so a small writer is enough.
"""

from __future__ import annotations

import json
from decimal import Decimal


def number(value: Decimal) -> str:
    """``Decimal("125.00")`` -> ``125.00``; scale kept, never exponent notation."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    return format(value, "f")


def dumps(value) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
