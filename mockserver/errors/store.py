"""The SQLite store: start-up stops with these texts (exit code 2); /__admin/health shows them."""

from __future__ import annotations


class StoreProblem(RuntimeError):
    """The SQLite store cannot be used: start-up stops with this text and exit code 2."""


class StoreDamaged(StoreProblem):
    """SQLite cannot read or write the file (damaged, not a database, read-only)."""

    def __init__(self, path: str, detail: str):
        super().__init__(f"{path}: the store cannot be used: {detail}")


class LogRowUnreadable(StoreProblem):
    """A row of the log that cannot be replayed: names the file, the row and why."""

    def __init__(self, path: str, row_id: int, kind: str, reason: str):
        self.row_id = row_id
        super().__init__(f"{path}: log row {row_id} ({kind}): {reason}")


def log_row_reason(kind: str, err: Exception, unknown_kind: bool = False) -> str:
    """Why a log row cannot be replayed, in a sentence."""
    import json

    if unknown_kind:
        return f"unknown kind {kind!r}"
    if isinstance(err, json.JSONDecodeError):
        return f"the body is not valid JSON ({err.msg} at character {err.pos})"
    if isinstance(err, KeyError):
        return f"a field is missing or refers to nothing known: {err.args[0]!r}"
    return f"{type(err).__name__}: {err}"

