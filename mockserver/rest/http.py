"""What every REST resource module shares: JSON answers, the query reader
(collecting every (path, keyword) problem before answering) and the RFC 8288 link header."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from flask import Response, request

from .. import errors
from ..ledger.ids import trace_id
from ..ledger.queries import utc

# ASCII digits only (a bare \d takes '２' or '١' too), and \Z: $ lets a trailing newline in.
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z", re.ASCII)
_INT_RE = re.compile(r"^[+-]?\d+\Z", re.ASCII)
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z", re.ASCII)
#: RFC 3339 date-time; the offset may be left out (py24so sends naive datetimes): then UTC
_DATETIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?\Z", re.ASCII)
_BOOLS = {"true": True, "false": False, "1": True, "0": False}
Day = date  # in Query, ``date`` is a method
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


def json_response(status: int, text: str, headers: dict | None = None) -> Response:
    resp = Response(text, status=status, content_type="application/json; charset=utf-8")
    resp.headers["X-Trace-Id"] = trace_id()
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def not_found(what: str) -> errors.RestRecordNotFound:
    return errors.RestRecordNotFound(what=what)


def drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


def parse_datetime(text: str) -> datetime:
    """RFC 3339 (``Z`` or an offset; none: UTC), fractions beyond microseconds cut off."""
    if not _DATETIME_RE.match(text):
        raise ValueError(text)
    head, dot, rest = text.partition(".")
    if dot:
        digits = re.match(r"\d+", rest).group(0)  # type: ignore[union-attr]
        text = f"{head}.{digits[:6].ljust(6, '0')}{rest[len(digits):]}"
    if text[-1] in "Zz":
        text = text[:-1] + "+00:00"
    return utc(datetime.fromisoformat(text))  # type: ignore[return-value]


class Query:
    """Reads query (or path) parameters, collecting every (path, keyword) problem."""

    def __init__(self, args):
        self.args = args
        self.problems: list[tuple[str, str]] = []

    def raw(self, name: str) -> str | None:
        return self.args.get(name)

    def date(self, name: str, required: bool = True) -> date | None:
        text = self.raw(name)
        if text is None:
            if required:
                self.problems.append((name, "required"))
            return None
        try:
            if not _DATE_RE.match(text):
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            self.problems.append((name, "format"))
            return None

    def timestamp(self, name: str) -> datetime | None:
        text = self.raw(name)
        if text is None:
            return None
        try:
            return parse_datetime(text.strip())
        except (ValueError, OverflowError):
            self.problems.append((name, "format"))
            return None

    def integer(self, name: str, default: int | None = None, minimum: int | None = None,
                bounds: tuple[int, int] | None = None, required: bool = False):
        text = self.raw(name)
        if text is None:
            if required:
                self.problems.append((name, "required"))
            return default
        try:
            if not _INT_RE.match(text.strip()):
                raise ValueError
            value = int(text)
        except ValueError:  # not an integer, or too many digits for int() (4300)
            self.problems.append((name, "type"))
            return default
        if minimum is not None and value < minimum:
            self.problems.append((name, "minimum"))
            return default
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            self.problems.append((name, "format"))
            return default
        return value

    def number(self, name: str) -> Decimal | None:
        text = self.raw(name)
        if text is None:
            return None
        try:
            if not _NUMBER_RE.match(text.strip()):
                raise InvalidOperation
            return Decimal(text.strip())
        except InvalidOperation:
            self.problems.append((name, "type"))
            return None

    def boolean(self, name: str, default: bool) -> bool:
        text = self.raw(name)
        if text is None:
            return default
        value = _BOOLS.get(text.strip().lower())
        if value is None:
            self.problems.append((name, "type"))
            return default
        return value

    def choice(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        text = self.raw(name)
        if text is None:
            return default
        if text not in allowed:
            self.problems.append((name, "enum"))
            return default
        return text

    def dates(self, name: str, pattern: str) -> list[Day] | None:
        """A comma-separated list of dates (``periods``), each optionally with a ``Z``; an item
        the pattern lets through that is no calendar day (``2024-02-30``) is left out."""
        text = self.raw(name)
        if text is None:
            return None
        if not re.match(pattern, text):
            self.problems.append((name, "pattern"))
            return None
        out = []
        for part in text.split(","):
            try:
                out.append(date.fromisoformat(part.rstrip("Z")))
            except ValueError:
                continue
        return out

    def check(self) -> None:
        if self.problems:
            raise errors.InvalidQuery(self.problems)


def path_int(name: str, text: str, bounds: tuple[int, int] | None = None,
             minimum: int | None = None) -> int:
    """An integer path parameter, or a 400 ValidationError naming it."""
    q = Query({name: text})
    value = q.integer(name, minimum=minimum, bounds=bounds)
    if q.problems:
        raise errors.InvalidPathParameter(q.problems, name, minimum)
    return value


_LINKS: dict[tuple, str] = {}
#: what ``request.base_url`` and ``request.args`` are made of
LINK_KEY = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME",
             "PATH_INFO", "QUERY_STRING")


def link_header(page: int, more: bool) -> str:
    """RFC 8288: first, previous (after page 1) and next (when there is more). The same page of
    the same query is asked for again and again: its header is kept (a few hundred at most)."""
    env = request.environ
    key = tuple(env.get(k) for k in LINK_KEY) + (page, more)
    found = _LINKS.get(key)
    if found is None:
        if len(_LINKS) >= 512:
            _LINKS.clear()
        found = _LINKS[key] = _build_link_header(page, more)
    return found


def _build_link_header(page: int, more: bool) -> str:
    base = request.base_url
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]

    def url(n: int) -> str:
        return f"{base}?{urlencode(pairs + [('page', str(n))])}"

    links = [f'<{url(1)}>; rel="first"']
    if page > 1:
        links.append(f'<{url(page - 1)}>; rel="previous"')
    if more:
        links.append(f'<{url(page + 1)}>; rel="next"')
    return ", ".join(links)
