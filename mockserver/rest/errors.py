"""The vendor's REST error shape (``components/schemas/Error`` and ``ValidationError``).

``{"error": {"name": ..., "message": ...}, "trackingId": ...}``; validation errors carry
``payload.validationErrors[{path, keyword}]``. Every JSON error of the REST surface, and the
front door's 429 on REST paths, is built here; so is the token endpoint's OAuth error shape.
``render`` and ``render_oauth`` turn a catalogue error (``mockserver/errors.py``) into its status,
headers and body: the one place each shape is written.
"""

from __future__ import annotations

import json

from .. import errors
from ..ledger.ids import trace_id


def error_body(name: str, message: str | None = None, payload: dict | None = None) -> dict:
    error: dict = {"name": name}
    if message is not None:
        error["message"] = message
    if payload is not None:
        error["payload"] = payload
    return {"error": error, "trackingId": trace_id()[:12]}


def validation_error(errors: list[tuple[str, str]], message: str | None = None) -> dict:
    """400 body: each (path, keyword) pair, e.g. ("dateFrom", "required")."""
    return error_body(
        "ValidationError", message,
        {"validationErrors": [{"path": p, "keyword": k} for p, k in errors]},
    )


def oauth_body(error: str, description: str) -> dict:
    """The token endpoint's error shape (RFC 6749 section 5.2)."""
    return {"error": error, "error_description": description}


def render(err: errors.VendorError) -> tuple[int, dict, dict]:
    """A REST error: its status, headers (WWW-Authenticate when it has a challenge) and body."""
    headers = {}
    challenge = getattr(err, "challenge", None)
    if challenge:
        headers["WWW-Authenticate"] = challenge
    if isinstance(err, errors.InvalidQuery):
        return err.http_status, headers, validation_error(err.problems, err.text)
    return err.http_status, headers, error_body(err.name, err.text, getattr(err, "payload", None))


def render_oauth(err: errors.OAuthError) -> tuple[int, dict, dict]:
    """A token endpoint error: RFC 6749's code and description, never cached; 401 asks for
    HTTP Basic client authentication (RFC 6749 section 5.2)."""
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if err.http_status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="oauth"'
    return err.http_status, headers, oauth_body(err.oauth_error, err.text)


def dumps(body: dict) -> bytes:
    return json.dumps(body).encode("utf-8")
