"""TimeService (timesheets): hours and costs on ProjectService's projects, the client's work
types, salary types and time settings; zeep from the vendor WSDL and from our ?WSDL
(``master_client``), over a real socket."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import zeep
from lxml import etree
from zeep.helpers import serialize_object

from mockserver.testing.client import TIME_PATH

from helpers import NS, envelope, raw_post

UTC = dt.UTC
PROJECT = {"Name": "Nytt lager", "NameDisplay": "Plain", "TimeReg": "Task", "CustomerId": 123}
UNABLE = "Server was unable to process request. ---> "


def _hour(pid, **members):
    return {"ProjectId": pid, "StartTime": dt.datetime(2024, 3, 4, 8, 0),
            "StopTime": dt.datetime(2024, 3, 4, 11, 30), "Description": "Grunnarbeid",
            **members}


def _fault(call, *args) -> str:
    with pytest.raises(zeep.exceptions.Fault) as fault:
        call(*args)
    return fault.value.message


def _hours(client, **search):
    hs = {"ContactId": 0, "ProjectId": 0, **search}
    return serialize_object(client.time.GetHours(hs), dict) or []


def test_reference_lists_are_the_default_fixtures(master_client):
    client = master_client()
    settings = serialize_object(client.time.GetTimeSettings(), dict)
    assert [(s["Key"], s["Value"]) for s in settings] == [
        ("NormalHoursPerDay", "7.5"), ("NormalHoursPerWeek", "37.5"),
        ("FirstDayOfWeek", "Monday"), ("RegisterStartAndStopTime", "True"),
        ("MinutesRounding", "15"), ("OvertimeAfterHoursPerDay", "9")]
    assert [(s.Id, s.Name) for s in client.time.GetSalaryTypes()] == [
        (1, "Timelønn"), (2, "Overtid 50 %"), (3, "Overtid 100 %"), (4, "Avspasering"),
        (5, "Ferie"), (6, "Sykefravær")]
    every = client.time.GetWorkTypeList()
    assert [(w.Id, w.Name, w.Invoiceable, w.Price) for w in every] == [
        (1, "Konsulentarbeid", True, Decimal("1250.00")),
        (2, "Prosjektledelse", True, Decimal("1450.00")),
        (3, "Reisetid", True, Decimal("650.00")),
        (4, "Internt arbeid", False, None),
        (5, "Kurs og opplæring", False, None),
        (6, "Support (utgått)", True, Decimal("950.00"))]
    assert [w.Id for w in client.time.GetWorkTypeList({"Active": "True"})] == [1, 2, 3, 4, 5]
    assert [w.Id for w in client.time.GetWorkTypeList({"Active": "False"})] == [6]
    assert [w.Id for w in client.time.GetWorkTypeList({"Active": "none"})] == [1, 2, 3, 4, 5, 6]
    assert _fault(client.time.GetWorkTypeList, {"ProjectId": 77}) == (
        UNABLE + "Project with Id 77 was not found.")


def test_the_scenario_replaces_the_reference_lists(master_client):
    client = master_client(scenario={
        "work_types": [{"id": 9, "name": "Snekring", "invoiceable": True, "price": "799.50",
                        "product_id": 4}],
        "salary_types": [],
        "time_settings": [{"id": 1, "key": "NormalHoursPerDay", "value": "8"}]})
    assert [(w.Id, w.Name, w.Invoiceable, w.Price, w.ProductId)
            for w in client.time.GetWorkTypeList()] == [(9, "Snekring", True,
                                                         Decimal("799.50"), 4)]
    assert client.time.GetSalaryTypes() in (None, [])
    assert [(s.Key, s.Value) for s in client.time.GetTimeSettings()] == [
        ("NormalHoursPerDay", "8")]


def test_a_scenario_without_default_reference_data_has_no_time_lists(master_client):
    """``use_default_reference_data: false`` leaves the client without the default fixtures'
    lists, the time lists too (they kept the defaults); lists it gives are its own."""
    client = master_client(scenario={"use_default_reference_data": False,
                                     "salary_types": [{"id": 3, "name": "Overtid 50 %"}]})
    assert client.time.GetWorkTypeList() in (None, [])
    assert client.time.GetTimeSettings() in (None, [])
    assert [(s.Id, s.Name) for s in client.time.GetSalaryTypes()] == [(3, "Overtid 50 %")]


def test_projects_and_tasks_in_time_service_shapes(master_client):
    client = master_client()
    pid = client.projects.SaveProject({**PROJECT, "NeedApproval": "True"})
    other = client.projects.SaveProject({"Name": "Annet", "NameDisplay": "Plain",
                                         "TimeReg": "WorkType"})
    tid = client.projects.SaveProjectTask({"Name": "Fundament", "Project": pid, "Status": 1,
                                           "Participants": {"int": [client.client_id]}})
    projects = client.time.GetProjectList()
    assert [(p.Id, p.Name, p.Enabled, p.NameDisplay, p.TimeReg, p.CustomerId, p.CustomerName,
             p.NeedApproval) for p in projects] == [
        (pid, "Nytt lager", True, "Plain", "Task", 123, "Kunde Nordmann AS", "True"),
        (other, "Annet", True, "Plain", "WorkType", None, None, None)]  # "none": omitted
    assert [p.Id for p in client.time.GetProjectList({"Search": "ANN"})] == [other]
    assert [p.Id for p in client.time.GetProjectList({"CustomerId": 123})] == [pid]
    client.time.SaveHour(_hour(pid, ProjectTaskId=tid))
    data = client.time.GetProjectData({"ProjectId": pid})
    assert data.Project.Id == pid and data.Project.Name == "Nytt lager"
    assert [w.Id for w in data.WorkTypes.WorkType] == [1, 2, 3, 4, 5]
    assert [(t.Id, t.Name, t.Project, t.Status, t.Registered, t.Overtime)
            for t in data.Tasks.Task] == [(tid, "Fundament", pid, 1, Decimal("3.50"),
                                           Decimal(0))]
    only = client.time.GetProjectData({"ProjectId": pid, "ProjectOnly": True})
    assert (only.Project.Id, only.WorkTypes, only.Tasks) == (pid, None, None)
    assert client.time.GetProjectData({"ProjectId": pid, "ContactId": 4242}).Tasks is None
    assert _fault(client.time.GetProjectData, {"ProjectId": 404}) == (
        UNABLE + "Project with Id 404 was not found.")


def test_save_read_update_and_delete_hours(master_client):
    client = master_client()
    pid = client.projects.SaveProject(PROJECT)
    me = client.client_service.GetUsers()[0].ContactId  # the logged-in user (GetUsers)
    person = client.persons.SavePerson({"FirstName": "Kari", "LastName": "Nordmann"})
    first = client.time.SaveHour(_hour(pid, TypeOfWorkId=1, SalaryTypeId=2,
                                       Price=Decimal("1250.00")))
    second = client.time.SaveHour(_hour(pid, ContactId=person, TotalHours=2.25,
                                        StartTime=dt.datetime(2024, 3, 5, 9, 0),
                                        StopTime=dt.datetime(2024, 3, 5, 12, 0)))
    assert (first, second) == (1, 2)
    hours = _hours(client)
    assert [(h["Id"], h["ContactId"], h["ProjectId"], h["TotalHours"], h["TypeOfWorkId"],
             h["SalaryTypeId"], h["Price"]) for h in hours] == [
        (1, me, pid, 3.5, 1, None, Decimal("1250.00")),
        (2, person, pid, 2.25, None, None, None)]
    assert [h["SalaryTypeId"] for h in _hours(client, IncludeSalaryType=True)] == [2, None]
    assert [h["Id"] for h in _hours(client, ContactId=person)] == [2]
    assert [h["Id"] for h in _hours(client, StartTime=dt.datetime(2024, 3, 5),
                                    StopTime=dt.datetime(2024, 3, 6))] == [2]
    assert [h["Id"] for h in _hours(client, Status="Registered")] == [1, 2]
    assert _hours(client, Status="Approved") == []
    # an update changes only what it sends; StopTime moved: TotalHours follows
    assert client.time.SaveHour({"Id": first, "StopTime": dt.datetime(2024, 3, 4, 12, 15),
                                 "Description": "Forskaling"}) == first
    h = _hours(client)[0]
    assert (h["Description"], h["TotalHours"], h["TypeOfWorkId"]) == ("Forskaling", 4.25, 1)
    assert client.time.SaveHour({"Id": second, "Approved": "True", "ApprovedBy": me}) == second
    assert [h["Id"] for h in _hours(client, Status="Approved")] == [2]
    assert _fault(client.time.DeleteHour, {"Id": second}) == (
        UNABLE + f"Hour with Id {second} is approved and can no longer be changed or deleted.")
    assert client.time.DeleteHour({"Id": first}) is True
    assert client.time.DeleteHour({"Id": first}) is False
    assert [h["Id"] for h in _hours(client)] == [2]


@pytest.mark.parametrize("hour,message", [
    ({"StartTime": dt.datetime(2024, 3, 4, 8)}, "ProjectId is required to create a new Hour."),
    ({"ProjectId": 99, "StartTime": dt.datetime(2024, 3, 4, 8)}, "Project with Id 99 was not found."),
    ("project", "Contact with Id 4040 was not found."),
    ("worktype", "WorkType with Id 77 was not found."),
    ("task", "Task with Id 55 was not found."),
    ("salary", "SalaryType with Id 8 was not found."),
    ("reversed", "StopTime 2024-03-04T07:00:00 is before StartTime 2024-03-04T08:00:00."),
    ("negative", "TotalHours -1.5 is negative; an hour is at least 0 hours long."),
    ("unknown id", "Hour with Id 31 was not found."),
])
def test_a_refused_hour_is_a_server_fault_and_changes_nothing(master_client, hour, message):
    client = master_client()
    pid = client.projects.SaveProject(PROJECT)
    kept = client.time.SaveHour(_hour(pid))
    before = _hours(client)
    start = dt.datetime(2024, 3, 4, 8)
    hour = {"project": {"ProjectId": pid, "StartTime": start, "ContactId": 4040},
            "worktype": {"ProjectId": pid, "StartTime": start, "TypeOfWorkId": 77},
            "task": {"ProjectId": pid, "StartTime": start, "ProjectTaskId": 55},
            "salary": {"ProjectId": pid, "StartTime": start, "SalaryTypeId": 8},
            "reversed": {"ProjectId": pid, "StartTime": start, "StopTime": start.replace(hour=7)},
            "negative": {"ProjectId": pid, "StartTime": start, "TotalHours": -1.5},
            "unknown id": {"Id": 31, "ProjectId": pid, "StartTime": start},
            }.get(hour, hour) if isinstance(hour, str) else hour
    assert _fault(client.time.SaveHour, hour) == UNABLE + message
    assert _hours(client) == before and before[0]["Id"] == kept


def test_a_task_of_another_project_is_refused(master_client):
    client = master_client()
    pid = client.projects.SaveProject(PROJECT)
    other = client.projects.SaveProject({**PROJECT, "Name": "Annet"})
    tid = client.projects.SaveProjectTask({"Name": "Fundament", "Project": other, "Status": 1})
    assert _fault(client.time.SaveHour, _hour(pid, ProjectTaskId=tid)) == (
        UNABLE + f"Task with Id {tid} is not a task of Project with Id {pid}.")
    assert client.time.SaveHour(_hour(other, ProjectTaskId=tid)) == 1


def test_hours_for_approval(master_client):
    client = master_client()
    needs = client.projects.SaveProject({**PROJECT, "NeedApproval": "True"})
    free = client.projects.SaveProject({**PROJECT, "Name": "Fri"})
    a = client.time.SaveHour(_hour(needs))
    client.time.SaveHour(_hour(free))
    c = client.time.SaveHour(_hour(free, NeedApproval=True))
    d = client.time.SaveHour(_hour(needs, Approved="True"))
    client.time.SaveHour(_hour(needs, Approved="False"))
    assert d
    got = client.time.GetHoursForApproval()
    assert [h.Id for h in got] == [a, c]
    assert [h.Id for h in client.time.GetHoursForApproval({"ProjectId": free})] == [c]


def test_costs(master_client):
    client = master_client()
    pid = client.projects.SaveProject(PROJECT)
    client.time.AddCost({"ProjectId": pid, "Description": "Leiebil", "Quantity": 2,
                         "InPrice": Decimal("450.10"), "Price": Decimal("599.90"),
                         "DateRegistered": dt.datetime(2024, 3, 4, tzinfo=UTC),
                         "ProductId": None, "SupplierCompanyId": 123})
    costs = client.time.GetCosts({"ProjectId": pid})
    assert [(c.Id, c.ProjectId, c.Description, c.Quantity, c.InPrice, c.Price,
             c.SupplierCompanyId, c.ProductId) for c in costs] == [
        (1, pid, "Leiebil", 2.0, Decimal("450.10"), Decimal("599.90"), 123, None)]
    assert client.time.GetCosts({"ProjectId": pid + 1}) in (None, [])
    for cost, message in (({"ProjectId": 99}, "Project with Id 99 was not found."),
                          ({"ProjectId": pid, "ProductId": 5}, "Product with Id 5 was not found."),
                          ({"Description": "x"}, "ProjectId is required to create a new Cost.")):
        assert _fault(client.time.AddCost, cost) == UNABLE + message
    assert len(client.time.GetCosts()) == 1


@pytest.mark.parametrize("source", ["vendor", "emulator"])
def test_no_session_is_the_documented_fault(tfso_new_client, tfso_wsdl_dir, source):
    client = tfso_new_client(login=False)
    if source == "emulator":
        client.wsdl_dir = None
    for call, args in ((client.time.GetSalaryTypes, ()), (client.time.SaveHour, ({"ProjectId": 1},)),
                       (client.time.GetHours, ({"ContactId": 0, "ProjectId": 0},))):
        with pytest.raises(zeep.exceptions.Fault) as fault:
            call(*args)
        assert (fault.value.code, fault.value.message) == (
            "soap:Server", "Client is not authenticated on this identity")


def test_an_unreadable_value_is_the_dotnet_client_fault_and_changes_nothing(master_client):
    client = master_client()
    pid = client.projects.SaveProject(PROJECT)
    body = (f'<SaveHour xmlns="{NS}"><Hour><ProjectId>{pid}</ProjectId>'
            '<StartTime>2024-03-04T08:00:00</StartTime><TotalHours>halv fire</TotalHours>'
            '</Hour></SaveHour>')
    xml = envelope(body)
    resp = raw_post(client.http, client.base_url, TIME_PATH, xml, "SaveHour")
    assert resp.status_code == 500
    root = etree.fromstring(resp.content)
    assert root.findtext(".//faultcode") == "soap:Client"
    assert root.findtext(".//faultstring") == (
        "Server was unable to read request. ---> There is an error in XML document "
        f"(1, {xml.index('</Hour>') + 3}). ---> Input string was not in a correct format.")
    assert _hours(client) == []


def test_hours_and_costs_survive_a_restart_of_the_sqlite_store(tmp_path, tfso_wsdl_dir):
    """``tfso-mock serve --store sqlite:PATH`` as a child process, stopped and started again:
    the log replays hours (a saved, an updated, a deleted one) and costs as they were."""
    from test_sqlite_store_served import Served

    from mockserver.testing.client import MockClient

    def connect(served):
        info = {"client_id": 0, "username": served.creds["Username"],
                "password": served.creds["Password"],
                "application_id": served.creds["ApplicationId"],
                "identity_id": served.creds["IdentityId"]}
        client = MockClient(served.url, info, wsdl_dir=tfso_wsdl_dir)
        client.login()
        return client

    path = tmp_path / "time.sqlite"
    served = Served(path)
    try:
        client = connect(served)
        pid = client.projects.SaveProject({"Name": "Restart", "NameDisplay": "Plain",
                                           "TimeReg": "WorkType"})
        kept = client.time.SaveHour(_hour(pid, TypeOfWorkId=2, Price=Decimal("1450.00")))
        gone = client.time.SaveHour(_hour(pid))
        client.time.SaveHour({"Id": kept, "Description": "Etter omstart"})
        assert client.time.DeleteHour({"Id": gone}) is True
        client.time.AddCost({"ProjectId": pid, "InPrice": Decimal("10.05"), "Quantity": 3})
        before = (_hours(client), serialize_object(client.time.GetCosts(), dict))
        client.http.close()
    finally:
        served.stop()
    served = Served(path)
    try:
        client = connect(served)
        after = (_hours(client), serialize_object(client.time.GetCosts(), dict))
        assert after == before
        assert [(h["Id"], h["Description"], h["TotalHours"], h["Price"]) for h in after[0]] == [
            (kept, "Etter omstart", 3.5, Decimal("1450.00"))]
        assert [(c["Quantity"], c["InPrice"]) for c in after[1]] == [(3.0, Decimal("10.05"))]
        # ids go on after the replayed ones (the deleted hour's id is not given again)
        assert client.time.SaveHour(_hour(pid)) == gone + 1
        client.http.close()
    finally:
        served.stop()


def test_hours_on_the_wire_are_written_as_dotnet_writes_a_double(master_client):
    """TotalHours is an xs:double: 3.50 sent is ``3.5`` on the wire, a computed 4.00 is ``4``
    (XmlConvert's shortest round trip), while Price (xs:decimal) keeps its scale."""
    client = master_client()
    pid = client.projects.SaveProject(PROJECT)
    body = (f'<SaveHour xmlns="{NS}"><Hour><StartTime>2024-03-04T08:00:00</StartTime>'
            f'<TotalHours>3.50</TotalHours><ContactId>0</ContactId><ProjectId>{pid}</ProjectId>'
            '<Price>1250.00</Price></Hour></SaveHour>')
    assert raw_post(client.http, client.base_url, TIME_PATH, envelope(body), "SaveHour").ok
    client.time.SaveHour(_hour(pid, StartTime=dt.datetime(2024, 3, 5, 8),
                               StopTime=dt.datetime(2024, 3, 5, 12)))
    search = (f'<GetHours xmlns="{NS}"><hs><ContactId>0</ContactId><ProjectId>{pid}</ProjectId>'
              '</hs></GetHours>')
    resp = raw_post(client.http, client.base_url, TIME_PATH, envelope(search), "GetHours")
    root = etree.fromstring(resp.content)
    q = {"t": NS}
    assert [(h.findtext("t:TotalHours", namespaces=q), h.findtext("t:Price", namespaces=q))
            for h in root.iterfind(".//t:Hour", q)] == [("3.5", "1250.00"), ("4", None)]
    # ContactId 0 (as a client without a default sends it) is the logged-in user
    me = client.client_service.GetUsers()[0].ContactId
    assert {h["ContactId"] for h in _hours(client)} == {me}


def test_an_hours_costs_are_kept_with_it_and_a_work_type_search_by_project_0_is_any(master_client):
    client = master_client()
    pid = client.projects.SaveProject(PROJECT)
    client.time.SaveHour(_hour(pid, Costs={"Cost": [{
        "Description": "Parkering", "Quantity": 1, "InPrice": Decimal("45.00"),
        "DateRegistered": None, "ProductId": None, "SupplierCompanyId": None,
        "ProjectId": pid}]}))
    cost, = _hours(client)[0]["Costs"]["Cost"]
    assert (cost["Description"], cost["Quantity"], cost["InPrice"]) == (
        "Parkering", 1.0, Decimal("45.00"))
    assert client.time.GetCosts() in (None, [])  # AddCost's costs only
    assert len(client.time.GetWorkTypeList({"ProjectId": 0})) == 6
    assert len(client.time.GetWorkTypeList({"ProjectId": pid})) == 6
