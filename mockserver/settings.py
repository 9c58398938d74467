"""One frozen settings object, from CLI flags and ``TFSO_MOCK_*`` environment variables.

``Settings.from_env`` refuses what it cannot read, and ``check()`` what is out of range, with a
``SettingsError`` whose text is one line naming the flag or variable: the CLI prints it and exits
with code 2.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlsplit

from .ledger.interpretations import TRANSACTION_NO_ZERO_MODES
from .limits import Limits

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_HOSTNAME = re.compile(r"(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")



class SettingsError(ValueError):
    """A setting that cannot be used; the text names it and says why, in one line."""


def _env_bool(name: str, value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise SettingsError(f"{name}={value!r}: expected true or false")


def _env_int(name: str, value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise SettingsError(f"{name}={value!r}: not a whole number") from None


def _label(field: str) -> str:
    """How a user sets ``field``: its flag and its variable (``--port/TFSO_MOCK_PORT``)."""
    variable = "TFSO_MOCK_" + field.upper()
    return variable if field == "max_body" else f"--{field.replace('_', '-')}/{variable}"


def host_problem(host: str) -> str | None:
    """Why ``host`` cannot be a listening address (None: it can; binding may still fail)."""
    bare = host.strip()
    if bare.startswith("[") and bare.endswith("]"):
        bare = bare[1:-1]
    if not bare:
        return "empty (use 0.0.0.0 for every interface)"
    if ":" in bare or re.fullmatch(r"[0-9.]+", bare):
        try:
            ipaddress.ip_address(bare)
        except ValueError:
            return "not an IP address"
        return None
    return None if _HOSTNAME.fullmatch(bare) else "not a host name or IP address"


def is_loopback_host(host: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1); never a name that merely starts
    like one (``localhost.example.com``, ``127.example.com``)."""
    bare = host.strip().strip("[]").rstrip(".").lower()
    if bare == "localhost":
        return True
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    #: The URL clients use to reach the emulator; goes into every WSDL's soap:address.
    #: Empty: taken from each request's Host header.
    public_url: str = ""
    #: The control API under /__admin/. Off: every /__admin/ path answers 404.
    admin: bool = True
    #: Required as ``Authorization: Bearer <token>`` on /__admin/ when set.
    admin_token: str = ""
    #: Largest request body accepted, in bytes.
    max_body: int = 2 * 1024 * 1024
    #: Requests per hour per caller (L1); 0 switches the quota off.
    rate_limit: int = 7200
    #: Burst throttle in requests per second (L4); 0 is off.
    burst_limit: int = 0
    #: A scenario name or path loaded for the demo client at start-up.
    scenario: str = ""
    #: More folders of scenario files (``os.pathsep``-separated): the control API loads
    #: scenarios by name from the shipped folder and these, never by path.
    scenario_dirs: str = ""
    threads: int = 8
    #: ``loop`` (requests run in the server's event loop; worker threads only for requests that
    #: may wait) or ``threads`` (waitress's hand-off of every request to a worker thread).
    serving: str = "loop"
    #: The in-memory store, or ``sqlite:PATH``.
    store: str = "memory"
    #: Worker processes serving one listening socket (more than one needs the SQLite store).
    workers: int = 1
    #: Open connections at most, and from one remote address (``connlimits.py``): over either,
    #: the least recently active idle connection is closed to make room.
    connection_limit: int = 1000
    connections_per_client: int = 128
    #: Seconds from a request's first byte to its last (headers and body) before the connection
    #: is closed unanswered; seconds an idle keep-alive connection is kept.
    request_timeout: int = 15
    idle_timeout: int = 120
    #: S11: what SaveBundleList does with TransactionNo 0: "as-sent", "next-free" or "refuse"
    #: (``ledger/interpretations.py``).
    transaction_no_zero: str = "as-sent"
    #: Capacity limits (``limits.py``): ``--limit NAME=N``, ``TFSO_MOCK_LIMIT_<NAME>``.
    limits: Limits = Limits()

    @property
    def scenario_folders(self) -> list:
        from pathlib import Path

        return [Path(p).expanduser() for p in self.scenario_dirs.split(os.pathsep) if p.strip()]

    @property
    def is_loopback(self) -> bool:
        return is_loopback_host(self.host)

    def check(self) -> Settings:
        """Refuse values the server cannot run with (``SettingsError``); returns self."""
        def bad(field: str, why: str):
            return SettingsError(f"{_label(field)} {getattr(self, field)!r}: {why}")

        if problem := host_problem(self.host):
            raise bad("host", problem)
        if not 0 <= self.port <= 65535:
            raise bad("port", "must be between 0 and 65535 (0 picks a free one)")
        for field in ("threads", "workers", "max_body"):
            if getattr(self, field) < 1:
                raise bad(field, "must be at least 1")
        for field in ("rate_limit", "burst_limit"):
            if getattr(self, field) < 0:
                raise bad(field, "must be 0 (off) or more")
        if self.transaction_no_zero not in TRANSACTION_NO_ZERO_MODES:
            raise bad("transaction_no_zero", "must be one of " + ", ".join(TRANSACTION_NO_ZERO_MODES))
        if self.public_url:
            url = urlsplit(self.public_url)
            if url.scheme not in ("http", "https") or not url.hostname:
                raise bad("public_url", "expected an http:// or https:// URL with a host")
        return self

    @classmethod
    def from_env(cls, environ=None, **overrides) -> Settings:
        """Defaults, then TFSO_MOCK_<FIELD> variables, then explicit overrides (CLI flags)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "limits":
                values["limits"] = Limits.parse((), environ)
                continue
            raw = environ.get("TFSO_MOCK_" + f.name.upper())
            if raw is None:
                continue
            name = "TFSO_MOCK_" + f.name.upper()
            if f.type in ("bool", bool):
                values[f.name] = _env_bool(name, raw)
            elif f.type in ("int", int):
                values[f.name] = _env_int(name, raw)
            else:
                values[f.name] = raw
        settings = replace(cls(), **values)
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})
