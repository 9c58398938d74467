"""Reading a JSON request body against the vendor's 0.56.0 schema: every problem is collected
as a (path, keyword) pair (the keyword is JSON Schema's: ``required``, ``type``, ``maxLength``,
...) and answered at once as a 400 ``ValidationError``, nothing written."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask import request

from .. import errors
from ..codec_utils import read_json
from ..ledger.money import DECIMAL_MAX

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z", re.ASCII)


def json_body(invalid=errors.InvalidBody, optional: bool = False) -> dict:
    """The request's JSON object (415 when not ``application/json``, 400 when not JSON or not
    an object); numbers with a fraction are Decimals. ``optional``: the vendor's document does
    not mark the operation's request body required, so a request without one is ``{}``
    (``interpretations.OPTIONAL_BODY``), whatever its Content-Type."""
    if optional and not request.get_data(cache=True):
        return {}
    if request.mimetype != "application/json":
        raise errors.RestUnsupportedMediaType()
    try:
        body = read_json(request.get_data(cache=True), decimals=True)
    except errors.MalformedJson as err:
        raise errors.BodyNotJson(err.text) from None
    if not isinstance(body, dict):
        raise errors.BodyNotAnObject([("", "type")])
    return body


class Reader:
    """Typed reads of a JSON object, collecting (path, keyword) problems. A null where the spec
    allows none is the member left out (``interpretations.NULL_AS_ABSENT``)."""

    def __init__(self):
        self.problems: list[tuple[str, str]] = []

    def bad(self, path: str, keyword: str) -> None:
        self.problems.append((path, keyword))

    def obj(self, value, path: str) -> dict | None:
        if not isinstance(value, dict):
            self.bad(path, "type")
            return None
        return value

    def member(self, d: dict, name: str, path: str = "", required: bool = True) -> dict | None:
        """An object member ``d[name]`` (absent or null: None, a ``required`` problem when it
        must be there)."""
        full = f"{path}.{name}" if path else name
        if d.get(name) is None:
            if required:
                self.bad(full, "required")
            return None
        return self.obj(d[name], full)

    def check(self, invalid=errors.InvalidBody) -> None:
        if self.problems:
            raise invalid(self.problems)

    def get(self, d: dict, name: str, path: str, kind: str, required: bool = False, **bounds):
        """``d[name]`` as ``kind`` (integer, number, boolean, date or string), or None when it is
        absent, null or wrong (then a problem is noted)."""
        full = f"{path}.{name}" if path else name
        if name not in d or d[name] is None:
            if required:
                self.bad(full, "required")
            return None
        value = d[name]
        if kind == "boolean":
            if not isinstance(value, bool):
                self.bad(full, "type")
                return None
            return value
        if kind == "integer":
            if isinstance(value, bool) or not isinstance(value, (int, Decimal)) \
                    or value != int(value):
                self.bad(full, "type")
                return None
            value = int(value)
            if "minimum" in bounds and value < bounds["minimum"]:
                self.bad(full, "minimum")
                return None
            if "maximum" in bounds and value > bounds["maximum"]:
                self.bad(full, "maximum")
                return None
            return value
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
                self.bad(full, "type")
                return None
            value = Decimal(value)
            if value.copy_abs() > DECIMAL_MAX:
                self.bad(full, "maximum")
                return None
            if "minimum" in bounds and value < bounds["minimum"]:
                self.bad(full, "minimum")
                return None
            return value
        if not isinstance(value, str):
            self.bad(full, "type")
            return None
        if kind == "date":
            try:
                if not _DATE_RE.match(value):
                    raise ValueError
                return date.fromisoformat(value)
            except ValueError:
                self.bad(full, "format")
                return None
        if "maxLength" in bounds and len(value) > bounds["maxLength"]:
            self.bad(full, "maxLength")
            return None
        if "pattern" in bounds and not bounds["pattern"].match(value):
            self.bad(full, "pattern")
            return None
        if "enum" in bounds and value not in bounds["enum"]:
            self.bad(full, "enum")
            return None
        return value

    def nullable(self, d: dict, name: str, path: str, kind: str, **bounds):
        """(given, value): a nullable member that may be set to null (PATCH clears it)."""
        if name not in d:
            return False, None
        if d[name] is None:
            return True, None
        before = len(self.problems)
        value = self.get(d, name, path, kind, **bounds)
        return len(self.problems) == before, value
