"""ProjectService v001 (SPEC M4): projects (what ``Entry.ProjectId`` references), their tasks,
and the client's roles, types, statuses, pipelines and categories.

SaveProject and SaveProjectTask answer an id; a problem is a Server fault (their types have no
APIException member). The schema is the vendor's WSDL (``schema.py``).
"""

from __future__ import annotations

from .. import errors
from ..ledger import interpretations as rules
from ..ledger.fixtures import fixtures_dir
from ..ledger.masterdata import COMPANY, PROJECT
from . import records
from .schema import WsdlService


def _model(name):
    return SERVICE.type(name)


def _save_one(ctx, book, kind, item, what, check=None, required=("Name",)) -> int:
    saved, = ctx.ledger.save_items(book, kind, [item], what=what, required=required,
                                   transient=rules.PROJECT_TRANSIENT_FIELDS, check=check)
    if saved.error is not None:
        raise errors.ItemFault(saved.error)
    return saved.id


def _customer_exists(ctx):
    def check(book, rid, data):
        cid = data.get("CustomerId")
        if cid is not None and cid > 0 and ctx.ledger.record(book, COMPANY, cid) is None:
            raise errors.RecordNotFound("Company", cid)

    return check


def _project_out(ctx, book, r) -> dict:
    data = {**r.data, "Id": r.id, "DateChanged": r.changed, "DateRegistered": r.created}
    data.setdefault("Enabled", True)
    cid = data.get("CustomerId")
    if cid and "CustomerName" not in data:
        company = ctx.ledger.record(book, COMPANY, cid)
        if company is not None:
            data["CustomerName"] = company.data.get("Name")
    return records.shaped(data, _model("Project"))


def SaveProject(ctx, project):
    book = ctx.book()
    item = records.given(project, _model("Project"))
    return _save_one(ctx, book, PROJECT, item, "Project", check=_customer_exists(ctx))


def _search(ctx, ps, deactivated: bool):
    book = ctx.book()
    p = records.given(ps, _model("ProjectSearch")) if ps else {}
    me = ctx.session().user.contact_id

    def match(d):
        return rules.project_matches(d, p, me)

    found = ctx.ledger.find_records(book, PROJECT, ids=p.get("ProjectIds") or None,
                                    changed_after=p.get("ChangedAfter"), match=match,
                                    deactivated=deactivated)
    return book, found


def GetProjectList(ctx, Ps):
    book, found = _search(ctx, Ps, deactivated=False)
    return [_project_out(ctx, book, r) for r in found]


def GetProjectsDetailed(ctx, Ps):
    return GetProjectList(ctx, Ps)


def GetDeactivatedProjects(ctx, ps):
    book, found = _search(ctx, ps, deactivated=True)
    return [_project_out(ctx, book, r) for r in found]


def GetProjectNameList(ctx):
    book = ctx.book()
    return [{"Id": r.id, "Name": r.data.get("Name")}
            for r in ctx.ledger.find_records(book, PROJECT, deactivated=False)]


def GetDeactivatedProjectNameList(ctx):
    book = ctx.book()
    return [{"Id": r.id, "Name": r.data.get("Name")}
            for r in ctx.ledger.find_records(book, PROJECT, deactivated=True)]


def GetSingleProject(ctx, projectId):
    book = ctx.book()
    r = ctx.ledger.record(book, PROJECT, projectId) if projectId is not None else None
    if r is None:
        raise errors.UnknownReference("Project", projectId)
    return _project_out(ctx, book, r)


def _task_out(ctx, book, r) -> dict:
    data = {**r.data, "Id": r.id}
    project = ctx.ledger.record(book, PROJECT, data.get("Project")) if data.get("Project") else None
    if project is not None:
        data.setdefault("ProjectName", project.data.get("Name"))
    return records.shaped(data, _model("Task"))


def GetProjectTasks(ctx, projectId):
    book = ctx.book()
    if projectId is None or ctx.ledger.record(book, PROJECT, projectId) is None:
        raise errors.UnknownReference("Project", projectId)
    return [_task_out(ctx, book, r) for r in ctx.ledger.find_records(
        book, "project_task", match=lambda d: d.get("Project") == projectId)]


def SaveProjectTask(ctx, task):
    book = ctx.book()
    item = records.given(task, _model("Task"))

    def check(book, rid, data):
        pid = data.get("Project")
        if pid is None or ctx.ledger.record(book, PROJECT, pid) is None:
            raise errors.RecordNotFound("Project", pid)

    return _save_one(ctx, book, "project_task", item, "Task", check=check)


def GetMyProjectTasks(ctx):
    book = ctx.book()
    me = ctx.session().user.contact_id
    return [_task_out(ctx, book, r) for r in ctx.ledger.find_records(
        book, "project_task", match=lambda d: me in (d.get("Participants") or ()))]


def _kv(ctx, kind):
    book = ctx.book()
    return [{"Key": str(r.id), "Value": r.data.get("Name")} for r in ctx.ledger.records(book, kind)]


def GetProjectTypes(ctx):
    return _kv(ctx, "project_type")


def GetPipeLines(ctx):
    return _kv(ctx, "pipeline")


def GetCategories(ctx):
    return _kv(ctx, "project_category")


def GetProjectRoles(ctx):
    book = ctx.book()
    return [records.shaped({**r.data, "Id": r.id}, _model("Role"))
            for r in ctx.ledger.records(book, "project_role")]


def GetProjectStatuses(ctx):
    book = ctx.book()
    return [records.shaped({"Active": True, **r.data, "Id": r.id}, _model("Status"))
            for r in ctx.ledger.records(book, "project_status")]


def GetProjectParticipants(ctx, ProjectIds, ChangedAfter):
    book = ctx.book()
    since = ChangedAfter if ChangedAfter is not None and ChangedAfter.year > 1 else None
    found = ctx.ledger.find_records(book, PROJECT, ids=[i for i in ProjectIds or () if i] or None,
                                    changed_after=since)
    users = {u["ContactId"]: u.get("Name") for u in ctx.ledger.users(book)}
    return [{"ProjectId": r.id, "Participants": [
        {"ContactId": c, "Name": users.get(c), "State": 2, "StateName": "Participating"}
        for c in r.data.get("Participants") or ()]} for r in found]


SERVICE = WsdlService("ProjectService", fixtures_dir() / "vendor" / "ProjectService.wsdl", {
    "SaveProject": SaveProject, "GetProjectList": GetProjectList,
    "GetProjectsDetailed": GetProjectsDetailed, "GetDeactivatedProjects": GetDeactivatedProjects,
    "GetProjectNameList": GetProjectNameList,
    "GetDeactivatedProjectNameList": GetDeactivatedProjectNameList,
    "GetSingleProject": GetSingleProject, "GetProjectTasks": GetProjectTasks,
    "SaveProjectTask": SaveProjectTask, "GetMyProjectTasks": GetMyProjectTasks,
    "GetProjectTypes": GetProjectTypes, "GetPipeLines": GetPipeLines,
    "GetCategories": GetCategories, "GetProjectRoles": GetProjectRoles,
    "GetProjectStatuses": GetProjectStatuses, "GetProjectParticipants": GetProjectParticipants,
})
