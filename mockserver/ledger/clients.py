"""Clients: what ``POST /__admin/clients`` or a scenario asks for (``ClientOptions``), the demo
client, and the decision of a new client's ids and credentials (``client_spec``), which the ledger
applies and logs as one change (``Ledger.create_client``).

Its own module so scenarios (which build ``ClientOptions``) and the ledger core (which creates
clients and applies scenarios) do not import each other.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

DEMO_USERNAME = "demo@24sevenoffice.mock"
DEMO_PASSWORD = "demo"
DEMO_APPLICATION_ID = UUID("2f9a1c7e-7d1e-4c3b-9e2a-245000000001")
DEMO_IDENTITY_ID = UUID("2f9a1c7e-7d1e-4c3b-9e2a-245000000002")
DEMO_CLIENT_ID = 1000
#: Namespace of the ids derived from a client id (fiscal years, the OAuth organization).
NS_FY = UUID("b1d6a3a0-24ae-4f4b-9c55-6f0f6a1c0001")


@dataclass
class ClientOptions:
    """What ``POST /__admin/clients`` (or a scenario) asks for."""

    name: str | None = None
    fiscal_years: list[int] | None = None  # None: the current and previous year
    blocked: bool = False
    extra_identities: list[dict] = field(default_factory=list)
    vat_base_rate: Decimal = Decimal(100)
    username: str | None = None
    password: str | None = None
    application_id: UUID | None = None
    identity_id: UUID | None = None
    client_id: int | None = None
    #: the OAuth application's default scopes (a token asked for without ``scope``); None:
    #: every read scope (``interpretations.OAUTH_DEFAULT_SCOPES``)
    oauth_scopes: list[str] | None = None
    #: ledger lines its scenario will generate (checked against the limits before anything)
    generated_lines: int = 0


def demo_options() -> ClientOptions:
    """The demo client as ``tfso-mock serve`` starts it (fixtures/scenarios/demo.yaml)."""
    return ClientOptions(
        name="Demo AS", username=DEMO_USERNAME, password=DEMO_PASSWORD,
        application_id=DEMO_APPLICATION_ID, identity_id=DEMO_IDENTITY_ID,
        client_id=DEMO_CLIENT_ID,
    )


def client_spec(opts: ClientOptions, this_year: int, next_id: Callable[[], int]) -> dict:
    """A new client's ids and credentials, decided once (the log keeps them as they are)."""
    years = opts.fiscal_years if opts.fiscal_years is not None else [this_year - 1, this_year]
    client_id = opts.client_id or next_id()
    name = opts.name or f"Mock Client {client_id} AS"
    extras: list[dict] = []
    oauth: dict = {
        "client_id": f"mock-{client_id}-{secrets.token_hex(4)}",
        "client_secret": secrets.token_urlsafe(24),
        "organization": str(uuid.uuid5(NS_FY, f"organization/{client_id}")),
    }
    if opts.oauth_scopes is not None:
        oauth["scopes"] = list(opts.oauth_scopes)
    spec = {
        "client_id": client_id, "name": name, "years": list(years),
        "base_rate": str(opts.vat_base_rate), "blocked": opts.blocked,
        "identity_id": str(opts.identity_id or uuid.uuid4()),
        "username": opts.username or f"client{client_id}@24sevenoffice.mock",
        "password": opts.password or secrets.token_urlsafe(12),
        "user_id": str(uuid.uuid4()),
        "application_id": str(opts.application_id or uuid.uuid4()),
        "oauth": oauth,
        "extra": extras,
    }
    for extra in opts.extra_identities:
        extra_id = next_id()
        extras.append({
            "client_id": extra_id,
            "name": extra.get("name") or f"Mock Client {extra_id} AS",
            "years": list(extra.get("fiscal_years", years)),
            "blocked": bool(extra.get("blocked")), "identity_id": str(uuid.uuid4()),
        })
    return spec
