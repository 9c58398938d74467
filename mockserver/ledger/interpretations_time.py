"""Interpretations of TimeService (timesheets): the vendor's WSDL types the members and says
nothing of what they mean, so each reading here is one row of the README's fidelity table
marked *interpretation* (a sibling of ``interpretations``, which re-exports every name here).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal

__all__ = ["HOUR_REQUIRED", "HOUR_TOTAL_DECIMALS", "hour_defaults", "hour_status",
           "hour_frozen", "hour_in_period", "hour_needs_approval", "NEED_APPROVAL_VALUES",
           "work_type_active", "search_id", "TIME_TRISTATE"]

#: SaveHour creates an hour only with a ProjectId and a StartTime (an hour is registered on a
#: project, at a time: what GetHours' period reads). ContactId absent or 0: the logged-in user
#: (ClientService GetUsers' ContactId), as the vendor's own time sheet registers. An hour's
#: ``Costs`` are kept with it as sent and answered by GetHours; they are not costs of GetCosts
#: (AddCost adds those).
HOUR_REQUIRED = ("ProjectId", "StartTime")

#: TotalHours absent (not sent, or the WSDL default 0) with StartTime and StopTime: the hours
#: between them, rounded half to even to two decimals (an xs:double on the wire, kept as a
#: Decimal in the ledger); sent, it is kept as sent (breaks are the client's to subtract).
#: TotalHoursInvoice is kept as sent (absent: not written, the WSDL default 0).
HOUR_TOTAL_DECIMALS = Decimal("0.01")


def hour_defaults(data: dict, me: int, recompute: bool) -> None:
    """Fill what SaveHour leaves to the server: the contact and the total (see above)."""
    if not data.get("ContactId"):
        data["ContactId"] = me
    start, stop = data.get("StartTime"), data.get("StopTime")
    if recompute and start is not None and stop is not None:
        seconds = Decimal(int((_utc(stop) - _utc(start)).total_seconds()))
        if seconds >= 0:
            data["TotalHours"] = (seconds / 3600).quantize(HOUR_TOTAL_DECIMALS, ROUND_HALF_EVEN)


def hour_status(d: dict) -> str:
    """HourSearch.Status of an hour: Approved "True" is Approved, Approved "False" Rejected
    (the approver said no), else Locked "True" is Locked, else Registered."""
    approved = d.get("Approved")
    if approved == "True":
        return "Approved"
    if approved == "False":
        return "Rejected"
    return "Locked" if d.get("Locked") == "True" else "Registered"


def hour_frozen(d: dict) -> str | None:
    """An approved or locked hour cannot be changed or deleted (payroll has read it): its
    state in words, or None."""
    if d.get("Approved") == "True":
        return "approved"
    if d.get("Locked") == "True":
        return "locked"
    return None


def hour_in_period(d: dict, start: datetime | None, stop: datetime | None) -> bool:
    """HourSearch StartTime/StopTime: the hour's StartTime is on or after StartTime and on or
    before StopTime (both ends included; either absent: open)."""
    when = _utc(d["StartTime"])
    return (start is None or when >= _utc(start)) and (stop is None or when <= _utc(stop))


#: Project.NeedApproval (a TriState, ProjectService's too) as a choice: "none"/"unknown" say
#: nothing (the hour's own NeedApproval decides)
NEED_APPROVAL_VALUES = {"True": True, "False": False}


def hour_needs_approval(d: dict, project_needs: bool | None) -> bool:
    """GetHoursForApproval: an hour needs approval when it says so (NeedApproval true) or its
    project does (NeedApproval "True"), and is neither approved nor rejected yet (Approved
    "none"/absent)."""
    if d.get("Approved") in ("True", "False"):
        return False
    return bool(d.get("NeedApproval")) or project_needs is True


def work_type_active(data: dict) -> bool:
    """A work type is active unless its scenario says ``active: false``."""
    return data.get("Active") is not False


def search_id(value) -> int | None:
    """A search's id member: the WSDL default (-2147483648), 0 or below means "any". HourSearch
    has ContactId and ProjectId with minOccurs=1 (no default), so a client must send a value
    there: 0 is how it says "any"."""
    return value if isinstance(value, int) and value > 0 else None


#: WorkTypeSearch.Active, a TriState: "True"/"False" filter, "none"/"unknown" mean any
TIME_TRISTATE = {"True": True, "False": False}


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
