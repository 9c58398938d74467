"""Small formatting helpers shared by the control API, the journal and the REST surface."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_utc(value: datetime) -> str:
    """``2024-01-31T12:00:00.123Z``: UTC with a Z, milliseconds only when present."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    return text + "Z"


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def read_json(body: bytes | str):
    """A JSON request body (control API, OAuth token requests), or ``errors.MalformedJson``.

    Stricter than ``json.loads`` where hostile bodies would otherwise get through or crash:
    invalid UTF-8, ``NaN``/``Infinity`` (not JSON), integers too long to convert, and nesting
    deep enough to exhaust the recursion limit are all one clean refusal.
    """
    import json

    from .errors import MalformedJson

    try:
        return json.loads(body, parse_constant=_no_constant)
    except RecursionError:
        raise MalformedJson("The body is not valid JSON: it is nested too deeply") from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, int digits limit
        raise MalformedJson("The body is not valid JSON") from None
