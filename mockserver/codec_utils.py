"""Small formatting helpers shared by the control API, the journal and the REST surface."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from urllib.parse import unquote


def iso_utc(value: datetime) -> str:
    """``2024-01-31T12:00:00.123Z``: UTC with a Z, milliseconds only when present."""
    if value.tzinfo is not None and value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    if value.year < 1000:  # strftime's %Y does not pad: keep its spelling for these
        text = value.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S")
    else:  # every request is journaled and every REST line has two: twice as fast as strftime
        text = (f"{value.year}-{value.month:02d}-{value.day:02d}T"
                f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}")
    if value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    return text + "Z"


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def read_json(body: bytes | str, decimals: bool = False):
    """A JSON request body (control API, OAuth token requests), or ``errors.MalformedJson``.

    Stricter than ``json.loads`` where hostile bodies would otherwise get through or crash:
    invalid UTF-8, ``NaN``/``Infinity`` (not JSON), integers too long to convert, and nesting
    deep enough to exhaust the recursion limit are all one clean refusal. ``decimals``: numbers
    with a fraction or exponent are read as Decimal (money), never float.
    """
    import json

    from .errors import JsonTooDeep, MalformedJson

    try:
        if decimals:
            from decimal import Decimal

            return json.loads(body, parse_constant=_no_constant, parse_float=Decimal)
        return json.loads(body, parse_constant=_no_constant)
    except RecursionError:
        raise JsonTooDeep() from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, int digits limit
        raise MalformedJson() from None


def basic_credentials(auth: str) -> tuple[str, str] | None:
    """``(user, password)`` of an ``Authorization: Basic`` header, each form-decoded as RFC 6749
    2.3.1 asks; None for another scheme; ValueError when it cannot be decoded."""
    if auth[:6].lower() != "basic ":
        return None
    user, _, password = base64.b64decode(auth[6:].strip()).decode("utf-8").partition(":")
    return unquote(user), unquote(password)
def bearer_token(header: str) -> str | None:
    """The credentials of an ``Authorization: Bearer ...`` header value, or None; the scheme
    is case-insensitive (RFC 7235 2.1), so ``bearer`` and ``BEARER`` are read too."""
    scheme, _, value = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
