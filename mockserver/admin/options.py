"""The client options of ``POST /__admin/clients``, checked field by field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..ledger.clients import ClientOptions
from .common import AdminError, is_years

CLIENT_FIELDS = ("name", "fiscal_years", "blocked", "identities", "vat_base_rate", "username",
                 "password", "scenario", "rate_limit", "burst_limit")


def _identities(identities) -> list[dict]:
    """Extra identities of a new client: [{"name": "...", "blocked": false, "fiscal_years": [2024]}]."""
    shape = 'identities must be a list of objects like {"name": "...", "blocked": false}'
    if not isinstance(identities, list) or not all(isinstance(i, dict) for i in identities):
        raise AdminError(400, shape)
    for i, ident in enumerate(identities):
        unknown = sorted(set(ident) - {"name", "blocked", "fiscal_years"})
        if unknown:
            raise AdminError(400, f"identities[{i}]: unknown field(s) {', '.join(unknown)}; "
                                  "known: name, blocked, fiscal_years")
        if ident.get("name") is not None and not isinstance(ident["name"], str):
            raise AdminError(400, f"identities[{i}].name must be a string")
        if ident.get("blocked") is not None and not isinstance(ident["blocked"], bool):
            raise AdminError(400, f"identities[{i}].blocked must be true or false")
        if ident.get("fiscal_years") is not None and not is_years(ident["fiscal_years"]):
            raise AdminError(400, f"identities[{i}].fiscal_years must be a list of years, e.g. [2024]")
    return [{k: v for k, v in ident.items() if v is not None} for ident in identities]


def client_overrides(body: dict) -> dict:
    """The explicit fields of a JSON body of POST /__admin/clients, checked field by field."""
    if not isinstance(body, dict):
        raise AdminError(400, "The body must be a JSON object")
    unknown = sorted(set(body) - set(CLIENT_FIELDS))
    if unknown:
        raise AdminError(400, f"Unknown field(s): {', '.join(unknown)}; known: {', '.join(CLIENT_FIELDS)}")
    out: dict = {}
    years = body.get("fiscal_years")
    if years is not None:
        if not is_years(years):
            raise AdminError(400, "fiscal_years must be a list of years, e.g. [2024]")
        out["fiscal_years"] = years
    if "blocked" in body:
        if not isinstance(body["blocked"], bool):
            raise AdminError(400, "blocked must be true or false")
        out["blocked"] = body["blocked"]
    if "identities" in body:
        out["extra_identities"] = _identities(body["identities"])
    if body.get("vat_base_rate") is not None:
        raw = body["vat_base_rate"]
        try:
            base_rate = Decimal(repr(raw) if isinstance(raw, float) else str(raw))
        except InvalidOperation:
            raise AdminError(400, "vat_base_rate must be a number from 0 to 100") from None
        if isinstance(raw, bool) or not base_rate.is_finite() or not 0 <= base_rate <= 100:
            raise AdminError(400, "vat_base_rate must be a number from 0 to 100")
        out["vat_base_rate"] = base_rate
    for key in ("name", "username", "password"):
        if key in body:
            if not isinstance(body[key], str):
                raise AdminError(400, f"{key} must be a string")
            out[key] = body[key]
    return out


def client_options(body: dict) -> ClientOptions:
    """ClientOptions from a JSON body without a scenario (kept for callers of the old API)."""
    return ClientOptions(**client_overrides(body))


