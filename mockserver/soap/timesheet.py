"""TimeService v001 (timesheets): hours and costs on ProjectService's projects, and the
client's work types, salary types and time settings. The schema is the vendor's WSDL
(``schema.py``); the rules are the ledger's (``ledger/timesheets.py``).

GetProjectList/GetProjectData answer ProjectService's projects and tasks in TimeService's own
``Project``/``Task`` shapes (its members, order and defaults). SaveHour answers the hour's id;
a problem is a Server fault (the types have no APIException member).
"""

from __future__ import annotations

from .. import errors
from ..ledger import interpretations as rules
from ..ledger.fixtures import fixtures_dir
from ..ledger.masterdata import COMPANY, PROJECT, SALARY_TYPE, TIME_SETTING
from . import records
from .codec import spec_of
from .schema import WsdlService


def _model(name):
    return SERVICE.type(name)


def _members(data: dict, model) -> dict:
    """``data`` cut to the members of one of this WSDL's types, its required ones filled."""
    names = {f.name for f in spec_of(model).fields}
    return records.shaped({k: v for k, v in data.items() if k in names}, model)


def _me(ctx) -> int:
    return ctx.session().user.contact_id


def GetTimeSettings(ctx):
    book = ctx.book()
    return [{"Key": d.get("Key"), "Value": d.get("Value")}
            for _, d in ctx.ledger.time_reference(book, TIME_SETTING)]


def GetSalaryTypes(ctx):
    book = ctx.book()
    return [{"Id": rid, "Name": d.get("Name")}
            for rid, d in ctx.ledger.time_reference(book, SALARY_TYPE)]


def _work_types(ctx, book, active=None, project_id=None) -> list[dict]:
    return [_members(d, _model("WorkType"))
            for d in ctx.ledger.work_types(book, active=active, project_id=project_id)]


def GetWorkTypeList(ctx, Wts):
    book = ctx.book()
    w = records.given(Wts, _model("WorkTypeSearch")) if Wts else {}
    return _work_types(ctx, book, active=rules.TIME_TRISTATE.get(w.get("Active")),
                       project_id=rules.search_id(w.get("ProjectId")))


def _project_out(ctx, book, r) -> dict:
    data = {**r.data, "Id": r.id, "DateChanged": r.changed}
    data.setdefault("Enabled", True)
    cid = data.get("CustomerId")
    if cid and "CustomerName" not in data:
        company = ctx.ledger.record(book, COMPANY, cid)
        if company is not None:
            data["CustomerName"] = company.data.get("Name")
    return _members(data, _model("Project"))


def GetProjectList(ctx, Ps):
    book = ctx.book()
    p = records.given(Ps, _model("ProjectSearch")) if Ps else {}
    me = _me(ctx)
    found = ctx.ledger.find_records(book, PROJECT, changed_after=p.get("ChangedAfter"),
                                    match=lambda d: rules.project_matches(d, p, me),
                                    deactivated=False)
    return [_project_out(ctx, book, r) for r in found]


def GetProjectData(ctx, Pds):
    book = ctx.book()
    pds = Pds or {}
    pid = pds.get("ProjectId") or 0
    project = ctx.ledger.record(book, PROJECT, pid)
    if project is None:
        raise errors.UnknownReference("Project", pid)
    data = {"Project": _project_out(ctx, book, project)}
    if not pds.get("ProjectOnly"):
        contact = rules.search_id(pds.get("ContactId"))
        data["WorkTypes"] = _work_types(ctx, book, active=True)
        data["Tasks"] = [
            _members({**t.data, "Id": t.id,
                      "Registered": ctx.ledger.registered_hours(book, t.id)}, _model("Task"))
            for t in ctx.ledger.find_records(book, "project_task", match=lambda d: d.get(
                "Project") == pid and (contact is None or contact in (d.get("Participants") or ())))]
    return data


def SaveHour(ctx, Hour):
    book = ctx.book()
    return ctx.ledger.save_hour(book, records.given(Hour, _model("Hour")), _me(ctx))


def DeleteHour(ctx, Hour):
    book = ctx.book()
    return ctx.ledger.delete_hour(book, (Hour or {}).get("Id"))


def _hour_out(hid: int, d: dict, salary_type: bool = True) -> dict:
    data = {**d, "Id": hid}
    if not salary_type:
        data.pop("SalaryTypeId", None)
    return _members(data, _model("Hour"))


def GetHours(ctx, hs):
    book = ctx.book()
    h = records.given(hs, _model("HourSearch")) if hs else {}
    found = ctx.ledger.hours(book, status=h.get("Status"),
                             contact_id=rules.search_id(h.get("ContactId")),
                             project_id=rules.search_id(h.get("ProjectId")),
                             start=h.get("StartTime"), stop=h.get("StopTime"))
    return [_hour_out(hid, d, bool(h.get("IncludeSalaryType"))) for hid, d in found]


def GetHoursForApproval(ctx, approvalSearchParameters):
    book = ctx.book()
    a = approvalSearchParameters or {}
    found = ctx.ledger.hours_for_approval(book, contact_id=rules.search_id(a.get("ContactId")),
                                          project_id=rules.search_id(a.get("ProjectId")))
    return [_hour_out(hid, d) for hid, d in found]


def AddCost(ctx, cost):
    book = ctx.book()
    ctx.ledger.add_cost(book, records.given(cost, _model("Cost")), _me(ctx), ctx.ledger.clock.now())


def GetCosts(ctx, costSearchParameters):
    book = ctx.book()
    c = costSearchParameters or {}
    found = ctx.ledger.costs(book, project_id=rules.search_id(c.get("ProjectId")),
                             contact_id=rules.search_id(c.get("ContactId")))
    return [_members({**d, "Id": cid}, _model("Cost")) for cid, d in found]


SERVICE = WsdlService("TimeService", fixtures_dir() / "vendor" / "TimeService.wsdl", {
    "GetTimeSettings": GetTimeSettings, "GetWorkTypeList": GetWorkTypeList,
    "GetProjectList": GetProjectList, "GetProjectData": GetProjectData,
    "SaveHour": SaveHour, "DeleteHour": DeleteHour, "AddCost": AddCost, "GetCosts": GetCosts,
    "GetHours": GetHours, "GetSalaryTypes": GetSalaryTypes,
    "GetHoursForApproval": GetHoursForApproval,
})
