"""JSON text with exact money: a ``Decimal`` is written as its own digits, as a JSON number.

``json.dumps`` cannot write a Decimal without going through float (``0.1 + 0.2`` trouble, 29-digit
amounts rounded). Response bodies of the REST surface are plain dicts, lists, strings, ints,
bools, None and Decimals, so a small writer is enough.
"""

from __future__ import annotations

import json
import secrets
from decimal import Decimal


def number(value: Decimal) -> str:
    """``Decimal("125.00")`` -> ``125.00``; scale kept, never exponent notation."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a JSON number")
    return format(value, "f")


#: A Decimal goes through the C encoder as a string between two marks, which are then taken off
#: along with the quotes. The marks are a private-use character and a per-process nonce: no text a
#: client can send or see carries them (ensure_ascii escapes the character, the nonce is secret).
_MARK = "\ue000" + secrets.token_hex(8)
_ESCAPED = json.dumps(_MARK)[1:-1]
_OPEN, _CLOSE = '"' + _ESCAPED, _ESCAPED + '"'


def _decimal(value) -> str:
    if isinstance(value, Decimal):
        return _MARK + number(value) + _MARK
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


_ENCODER = json.JSONEncoder(separators=(",", ":"), default=_decimal)


def dumps(value) -> str:
    """The same text as writing each value by hand (``json.dumps`` for strings, ``,``/``:``
    without spaces), through the C encoder: a page of lines is written several times faster.
    (Bodies hold no floats: money is Decimal.)"""
    text = _ENCODER.encode(value)
    if _ESCAPED in text:
        text = text.replace(_OPEN, "").replace(_CLOSE, "")
    return text
