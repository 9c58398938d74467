"""M2, M3 with PHP SoapClient (ext-soap): a relation saved by CompanyService is read by
PersonService and the other way round, each in its own shape; SOAP 1.1 and 1.2, from the
vendor's WSDL files (location overridden) and from the emulator's ?WSDL."""

from __future__ import annotations

import json

import pytest

from .flow import HERE, VENDOR, run
from .test_php_soapclient import php

SCRIPT = HERE / "php" / "relations.php"
PATHS = {"auth_wsdl": ("/authenticate/v001/authenticate.asmx", "Authenticate.wsdl"),
         "company_wsdl": ("/CRM/Company/V001/CompanyService.asmx", "CompanyService.wsdl"),
         "person_wsdl": ("/CRM/Contact/PersonService.asmx", "PersonService.wsdl")}
NOT_AUTHENTICATED = 'fault "Client is not authenticated on this identity"'


@pytest.mark.parametrize("source", ["vendor", "served"])
@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_php_soapclient_relations_both_ways(emulator, client, version, source):
    wsdls = {key: str(VENDOR / file) if source == "vendor" else f"{emulator.url}{path}?WSDL"
             for key, (path, file) in PATHS.items()}
    cfg = json.dumps({"base_url": emulator.url, **wsdls, "soap_version": version,
                      "username": client["username"], "password": client["password"],
                      "application_id": client["application_id"],
                      "client_id": client["client_id"]})
    assert run([php(), str(SCRIPT), cfg]) == [
        "SavePerson: 1 2",
        "SaveRelations: ContactId=1 CompanyId=123 Name=Kari Nordmann Role=Daglig leder RoleId=4 "
        "Work=22 00 00 02 Mobile=900 00 001 Email=kari@kunde.no",
        "GetRelations: ContactId=1 CustomerId=123 Email=kari@kunde.no Mobile=900 00 001 "
        "Phone=22 00 00 02 Title=Daglig leder",
        "MakeRelation: true",
        "MakeRelation unknown person: false",
        "GetCompanies: ContactId=1 CompanyId=123 Name=Kari Nordmann Role=Daglig leder RoleId=4 "
        "Work=22 00 00 02 Mobile=900 00 001 Email=kari@kunde.no",
        "GetCompanies: ContactId=2 CompanyId=123 Name=Ola Hansen Role=Selger RoleId=- Work=- "
        "Mobile=- Email=ola@kunde.no",
        "GetPersonsDetailed: ContactId=2 CustomerId=123 Email=ola@kunde.no Mobile=- Phone=- "
        "Title=Selger",
        'SaveRelations unknown person: fault "Server was unable to process request. ---> '
        'Person with Id 99 was not found."',
        'DeleteRelation again: fault "Server was unable to process request. ---> Person with '
        'Id 1 has no relation to Company with Id 123."',
        "GetCompanies after DeleteRelation: 2",
        "GetPersons with its own Authentication header: Kari",
        f"GetPersons with another ConsumerId: {NOT_AUTHENTICATED}",
    ]
