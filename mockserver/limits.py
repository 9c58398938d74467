"""The emulator's own capacity limits: how much one process holds for its callers.

A local emulator is shared by a whole CI run (``pytest -n 32``) and reachable by anything on the
machine; without bounds, one careless client (a loop that never logs out, a scenario asking for
ten million lines) takes the memory and the lock from every other one. Each limit is a number of
things held at once (or made by one call); over it the request is refused in its path's shape
(``errors.LimitReached``) and nothing changes. Expired sessions and tokens are swept first, so
only live ones count.

Set with ``--limit NAME=N`` (repeatable) or ``TFSO_MOCK_LIMIT_NAME=N``; ``0`` is never "off"
here (a limit of 0 would refuse everything): every limit must be at least 1.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Limits:
    #: clients (``POST /__admin/clients``), the demo client and extra identities' books included
    clients: int = 10_000
    #: ledger lines one scenario may generate (``generate.lines``); they are loaded under the
    #: ledger's lock, so other callers wait meanwhile (about 1 s per 10,000 lines on a busy
    #: 2-core machine)
    generated_lines: int = 50_000
    #: generated ledger lines held by all clients together
    generated_lines_total: int = 1_000_000
    #: live SOAP sessions (idle ones past the 20-minute timeout are swept, then counted)
    sessions: int = 50_000
    #: live REST access tokens (expired ones are swept, then counted)
    tokens: int = 50_000
    #: bytes of one uploaded file (AttachmentService; each chunk is a request body as well)
    attachment_bytes: int = 16 * 1024 * 1024
    #: injected faults waiting to fire (``POST /__admin/faults``)
    faults: int = 1_000
    #: bytes the request journal holds (oldest entries go first); a path is kept to 512 chars
    journal_bytes: int = 32 * 1024 * 1024
    #: attributes of one XML element, and of a whole envelope
    xml_attributes: int = 256
    xml_attributes_total: int = 20_000
    #: namespace declarations on one XML element, and in a whole envelope
    xml_namespaces: int = 64
    xml_namespaces_total: int = 2_000

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def with_values(self, values: dict[str, int]) -> Limits:
        """These limits with some changed; ValueError names an unknown limit or a bad number."""
        known = self.names()
        for name, value in values.items():
            if name not in known:
                raise ValueError(f"unknown limit {name!r} (known: {', '.join(known)})")
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"limit {name} must be a whole number of at least 1, not {value!r}")
        return replace(self, **values)

    @classmethod
    def parse(cls, items, environ=None) -> Limits:
        """From ``TFSO_MOCK_LIMIT_<NAME>`` variables, then ``NAME=N`` items (CLI flags)."""
        values: dict[str, int] = {}
        for key, raw in (environ or {}).items():
            if key.startswith("TFSO_MOCK_LIMIT_"):
                values[key[len("TFSO_MOCK_LIMIT_"):].lower()] = _number(key, raw)
        for item in items or ():
            name, sep, raw = str(item).partition("=")
            if not sep:
                raise ValueError(f"--limit takes NAME=N, not {item!r}")
            values[name.strip().lower().replace("-", "_")] = _number(name.strip(), raw)
        return cls().with_values(values)


def _number(name: str, raw: str) -> int:
    text = str(raw).strip().replace("_", "")
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"limit {name} must be a whole number of at least 1, not {raw!r}")
    return int(text)
