"""TimeService (timesheets) with PHP SoapClient (ext-soap), SOAP 1.1 and 1.2, from the vendor's
WSDL files (location overridden) and from the emulator's ?WSDL."""

from __future__ import annotations

import json

import pytest

from .flow import HERE, VENDOR, run
from .test_php_soapclient import php

SCRIPT = HERE / "php" / "timesheet.php"
PATHS = {"auth_wsdl": ("/authenticate/v001/authenticate.asmx", "Authenticate.wsdl"),
         "project_wsdl": ("/Project/V001/ProjectService.asmx", "ProjectService.wsdl"),
         "time_wsdl": ("/timesheet/v001/timeservice.asmx", "TimeService.wsdl")}


@pytest.mark.parametrize("source", ["vendor", "served"])
@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_php_soapclient_time_service(emulator, client, version, source):
    wsdls = {key: str(VENDOR / file) if source == "vendor" else f"{emulator.url}{path}?WSDL"
             for key, (path, file) in PATHS.items()}
    cfg = json.dumps({"base_url": emulator.url, **wsdls, "soap_version": version,
                      "username": client["username"], "password": client["password"],
                      "application_id": client["application_id"]})
    assert run([php(), str(SCRIPT), cfg]) == [
        "Login: ok",
        "SaveProject: 1",
        "GetWorkTypeList inactive: 6=Support (utgått)",
        "GetProjectList: 1=PHP Prosjekt WorkType",
        "SaveHour: 1",
        'SaveHour unknown project: fault "Server was unable to process request. ---> '
        'Project with Id 4242 was not found."',
        "GetHours: Id=1 TotalHours=2.25 Price=1250.00 Description=Møte & <plan>",
        "GetCosts: Id=1 Quantity=2 InPrice=450.10 Description=Bompenger",
        "DeleteHour: true",
        "GetHours after delete: 0",
        'GetSalaryTypes without session: fault "Client is not authenticated on this identity"',
    ]
