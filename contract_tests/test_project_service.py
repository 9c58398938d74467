"""M4: ProjectService: projects are what Entry.ProjectId references; tasks, lookups."""

from __future__ import annotations

import datetime as dt

import pytest
import zeep
from zeep.helpers import serialize_object

from helpers import bundle, bundle_list, entry, voucher

PROJECT = {"Name": "Nytt lager", "NameDisplay": "Plain", "TimeReg": "Task", "CustomerId": 123}


def test_M4_save_and_read_projects(master_client):
    client = master_client()
    pid = client.projects.SaveProject(PROJECT)
    assert pid == 1
    got = client.projects.GetSingleProject(pid)
    assert (got.Id, got.Name, got.CustomerId, got.CustomerName, got.NameDisplay, got.TimeReg,
            got.Enabled) == (1, "Nytt lager", 123, "Kunde Nordmann AS", "Plain", "Task", True)
    assert client.projects.SaveProject({**PROJECT, "Id": pid, "Description": "Fase 1"}) == pid
    assert client.projects.GetSingleProject(pid).Description == "Fase 1"
    second = client.projects.SaveProject({"Name": "Annet", "NameDisplay": "Plain", "TimeReg": "WorkType"})
    assert [(p.Id, p.Name) for p in client.projects.GetProjectNameList()] == [
        (1, "Nytt lager"), (second, "Annet")]
    assert [p.Id for p in client.projects.GetProjectList({"CustomerId": 123})] == [1]
    assert [p.Id for p in client.projects.GetProjectList({"Search": "ANN"})] == [second]
    assert [p.Id for p in client.projects.GetProjectsDetailed({"ProjectIds": {"int": [second]}})] == [second]
    assert client.projects.GetDeactivatedProjectNameList() in (None, [])


@pytest.mark.parametrize("project,message", [
    ({"Name": "", "NameDisplay": "Plain", "TimeReg": "Task"}, "Name is required to create a new Project."),
    ({**PROJECT, "Id": 55}, "Project with Id 55 was not found."),
    ({**PROJECT, "CustomerId": 4040}, "Company with Id 4040 was not found."),
])
def test_M4_a_project_that_cannot_be_saved_is_a_server_fault(master_client, project, message):
    client = master_client()
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.projects.SaveProject(project)
    assert fault.value.message == "Server was unable to process request. ---> " + message
    assert client.projects.GetProjectNameList() in (None, [])


def test_M4_tasks(master_client):
    client = master_client()
    pid = client.projects.SaveProject(PROJECT)
    tid = client.projects.SaveProjectTask({"Name": "Grunnarbeid", "Project": pid, "Status": 1,
                                           "Participants": {"int": [client.client_id]}})
    tasks = client.projects.GetProjectTasks(pid)
    assert [(t.Id, t.Name, t.Project, t.ProjectName) for t in tasks] == [
        (tid, "Grunnarbeid", pid, "Nytt lager")]
    assert [t.Id for t in client.projects.GetMyProjectTasks()] == [tid]
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.projects.SaveProjectTask({"Name": "x", "Project": 99, "Status": 1})
    assert fault.value.message.endswith("Project with Id 99 was not found.")


def test_M4_project_id_shows_up_in_the_line_dimensions(master_client):
    client = master_client(fiscal_years=[2024])
    pid = client.projects.SaveProject(PROJECT)
    bl = bundle_list([bundle([voucher([entry(1920, "10.00", ProjectId=pid),
                                       entry(3000, "-10.00")])])])
    assert client.account.SaveBundleList(bl).Type == "Ok"
    rows = serialize_object(client.transactions.GetTransactions({
        "DateStart": dt.datetime(2024, 1, 1), "DateEnd": dt.datetime(2024, 12, 31),
        "ProjectId": pid}), dict)
    assert [r["Dimensions"]["Dimension"] for r in rows] == [[
        {"Type": "Project", "Name": "Nytt lager", "Value": str(pid), "Percent": None, "TypeId": None}]]
    rest = client.rest_get("/v1/transactionlines", dateFrom="2024-01-01", dateTo="2025-01-01",
                           includeDimensions="true")
    dims = [ln["dimensions"] for ln in rest.json() if ln["account"]["number"] == 1920]
    assert dims == [[{"dimensionType": 1, "dimensionTypeName": "Project", "value": str(pid),
                      "name": "Nytt lager"}]]
