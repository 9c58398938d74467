"""The control API's own errors (/__admin), rendered by ``admin/common.py``."""

from __future__ import annotations


class AdminError(Exception):
    """An error of the control API (the emulator's own, never the vendor's): ``status``,
    ``name`` and ``message``, rendered by ``admin/common.py``."""

    def __init__(self, status: int, message: str, name: str = "ValidationError"):
        super().__init__(message)
        self.status, self.message, self.name = status, message, name


class UsernameTaken(AdminError):
    """A ledger rule: usernames are unique across clients (they name the login)."""

    def __init__(self, username: str):
        super().__init__(409, f"Username {username} is already taken", "Conflict")


class SeriesInUse(AdminError):
    """A ledger rule: an entry series stays while a transaction type books into it."""

    def __init__(self, series_id: int, type_nos: list[int]):
        super().__init__(409, f"Entry series {series_id} is used by TypeNo "
                              f"{', '.join(map(str, type_nos))}", "Conflict")


class ControlApiOff(AdminError):
    def __init__(self):
        super().__init__(404, "The control API is switched off", "NotFound")


def scenario_name_invalid(shown: str) -> str:
    return (f"A scenario is asked for by its name (1-64 letters, digits, '-', '_' or '.'), "
            f"not {shown!r}; the names are listed by GET /__admin/scenarios")


def scenario_unknown(name: str, names: list[str], hint: str | None) -> str:
    extra = f"; did you mean {hint}?" if hint else ""
    return f"No scenario named {name!r} (available: {', '.join(names) or 'none'}){extra}"



def scenario_order_refused(where: str, reason: str) -> str:
    """A scenario's order SaveInvoices refuses: the scenario is not applied."""
    return f"{where}: the order is refused (nothing of the scenario is applied): {reason}"
