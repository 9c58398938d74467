"""One frozen settings object, from CLI flags and ``TFSO_MOCK_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

_LOOPBACK = ("127.", "localhost", "::1", "[::1]")


def _env_bool(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


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
    threads: int = 8
    #: The in-memory store, or ``sqlite:PATH``.
    store: str = "memory"
    #: Worker processes serving one listening socket (more than one needs the SQLite store).
    workers: int = 1

    @property
    def is_loopback(self) -> bool:
        return self.host.startswith(_LOOPBACK)

    @classmethod
    def from_env(cls, environ=None, **overrides) -> Settings:
        """Defaults, then TFSO_MOCK_<FIELD> variables, then explicit overrides (CLI flags)."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get("TFSO_MOCK_" + f.name.upper())
            if raw is None:
                continue
            if f.type in ("bool", bool):
                values[f.name] = _env_bool(raw)
            elif f.type in ("int", int):
                values[f.name] = int(raw)
            else:
                values[f.name] = raw
        settings = replace(cls(), **values)
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})
