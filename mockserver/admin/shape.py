"""The control API's error shape: its one place, without Flask (the front door, which answers
before the control API is loaded, writes it too)."""

from __future__ import annotations


def error_json(name: str, message: str) -> dict:
    return {"error": {"name": name, "message": message}}
