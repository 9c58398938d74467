"""The vendor's REST error shape (``components/schemas/Error`` and ``ValidationError``).

``{"error": {"name": ..., "message": ...}, "trackingId": ...}``; validation errors carry
``payload.validationErrors[{path, keyword}]``. Every JSON error of the REST surface, and the
front door's 429 on REST paths, is built here; so is the token endpoint's OAuth error shape.
"""

from __future__ import annotations

import json
import uuid


def error_body(name: str, message: str | None = None, payload: dict | None = None) -> dict:
    error: dict = {"name": name}
    if message is not None:
        error["message"] = message
    if payload is not None:
        error["payload"] = payload
    return {"error": error, "trackingId": uuid.uuid4().hex[:12]}


def validation_error(errors: list[tuple[str, str]], message: str | None = None) -> dict:
    """400 body: each (path, keyword) pair, e.g. ("dateFrom", "required")."""
    return error_body(
        "ValidationError", message,
        {"validationErrors": [{"path": p, "keyword": k} for p, k in errors]},
    )


def oauth_body(error: str, description: str) -> dict:
    """The token endpoint's error shape (RFC 6749 section 5.2)."""
    return {"error": error, "error_description": description}


def dumps(body: dict) -> bytes:
    return json.dumps(body).encode("utf-8")
