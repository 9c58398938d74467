"""The control API's own errors (/__admin), rendered by ``admin/common.py``."""

from __future__ import annotations


class AdminError(Exception):
    """An error of the control API (the emulator's own, never the vendor's): ``status``,
    ``name`` and ``message``, rendered by ``admin/common.py``."""

    def __init__(self, status: int, message: str, name: str = "ValidationError"):
        super().__init__(message)
        self.status, self.message, self.name = status, message, name


class ControlError(AdminError):
    """A catalogued control-API error: ``status``, ``name`` and ``template`` fixed by the class;
    keyword fields fill the template (a template without fields is the text as written)."""

    status, name, template = 400, "ValidationError", ""

    def __init__(self, **fields):
        self.__dict__.update(fields)
        super().__init__(self.status, self.template.format(**fields) if fields else self.template,
                         self.name)


class NoEndpoint(ControlError):
    """A path under /__admin that no control-API endpoint has (worded as REST's)."""

    status, name, template = 404, "NotFound", "No control API endpoint at {method} {path}"


class EndpointMethodNotAllowed(ControlError):
    status, name, template = 405, "MethodNotAllowed", "{method} is not allowed on {path}"


class NoClient(ControlError):
    status, name, template = 404, "NotFound", "No client {client_id}"


class NoFault(ControlError):
    status, name, template = 404, "NotFound", "No fault {fault_id}"


class NotACount(ControlError):
    template = "{key} must be a whole number, 0 or more{null}"

    def __init__(self, key: str, allow_null: bool = False):
        super().__init__(key=key, null=" (or null for the emulator's default)" if allow_null else "")


class QueryNotAnInteger(ControlError):
    template = "{key} must be an integer, not {raw!r}"


class SendClock(ControlError):
    template = 'Send {"now": "2024-05-01T10:59:00Z"} or {"advance_seconds": 3600}'


class ClockNotATime(ControlError):
    template = "now must be an ISO 8601 time like 2024-05-01T10:59:00Z, not {value!r}"


class ClockOutOfRange(ControlError):
    """``key``: now or advance_seconds; ``reason``: the clock's own words."""

    template = "{key} is out of range: {reason}"


class AdvanceNotANumber(ControlError):
    template = "advance_seconds must be a number of seconds"


class SendRateLimit(ControlError):
    template = 'Send {"rate_limit": 7200, "burst_limit": 0} (0 switches one off)'


class SendClientRateLimit(ControlError):
    template = ('Send {"rate_limit": 10} and/or {"burst_limit": 25}; '
                "null goes back to the emulator's default")


class UnknownClientFields(ControlError):
    template = "Unknown field(s): {fields}; known: {known}"


class ScenarioNotNameOrObject(ControlError):
    template = "scenario must be a scenario name or an inline scenario object"


class SendYear(ControlError):
    template = 'Send {"year": 2024}'


class SendSeries(ControlError):
    template = 'Send {"id": 12, "name": "Import", "start": 1} (id: a positive integer)'


class SeriesStartInvalid(ControlError):
    template = "start must be a positive integer, or null for a series without a start number"


class SeriesNameNotString(ControlError):
    template = "name must be a string"


class SendBlocked(ControlError):
    template = 'Send {"blocked": true} or {"blocked": false}'


class ClientIdNotInteger(ControlError):
    template = "client_id must be an integer"


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
