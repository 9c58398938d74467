"""The client options of ``POST /__admin/clients``: read by the schema scenario files use
(``ledger.scenario.client_fields``), so a client option is checked in one place."""

from __future__ import annotations

from datetime import UTC, datetime

from .. import errors
from ..ledger import scenario as scenarios
from ..ledger.clients import ClientOptions
from .common import AdminError

CLIENT_FIELDS = ("name", "fiscal_years", "blocked", "identities", "vat_base_rate", "username",
                 "password", "oauth", "scenario", "rate_limit", "burst_limit")
#: the fields that are client options (the others: the scenario and the rate limits)
_OPTIONS = ("name", "fiscal_years", "blocked", "identities", "vat_base_rate", "username",
            "password", "oauth")


def client_overrides(body: dict, current_year: int | None = None) -> dict:
    """The client options a JSON body of POST /__admin/clients gives, checked field by field
    (``ClientOptions`` names; relative years such as ``current-1`` resolved against
    ``current_year``, the server clock's year)."""
    if not isinstance(body, dict):
        raise errors.ControlBodyNotAnObject()
    unknown = sorted(set(body) - set(CLIENT_FIELDS))
    if unknown:
        raise errors.UnknownClientFields(fields=', '.join(unknown), known=', '.join(CLIENT_FIELDS))
    year = current_year if current_year is not None else datetime.now(UTC).year
    try:
        return scenarios.client_fields({k: body[k] for k in _OPTIONS if k in body}, year)
    except scenarios.ScenarioError as err:
        raise AdminError(400, str(err)) from None


def client_options(body: dict) -> ClientOptions:
    """ClientOptions from a JSON body without a scenario (kept for callers of the old API)."""
    return ClientOptions(**client_overrides(body))
