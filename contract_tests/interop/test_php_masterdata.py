"""M1, M2 with PHP SoapClient (ext-soap): ClientService and CompanyService, SOAP 1.1 and 1.2,
from the vendor's WSDL files (location overridden) and from the emulator's ?WSDL."""

from __future__ import annotations

import json

import pytest

from .flow import HERE, VENDOR, run
from .test_php_soapclient import php

SCRIPT = HERE / "php" / "masterdata.php"
PATHS = {"auth_wsdl": ("/authenticate/v001/authenticate.asmx", "Authenticate.wsdl"),
         "client_wsdl": ("/Client/V001/ClientService.asmx", "ClientService.wsdl"),
         "company_wsdl": ("/CRM/Company/V001/CompanyService.asmx", "CompanyService.wsdl")}


@pytest.mark.parametrize("source", ["vendor", "served"])
@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_php_soapclient_client_and_company_service(emulator, client, version, source):
    wsdls = {key: str(VENDOR / file) if source == "vendor" else f"{emulator.url}{path}?WSDL"
             for key, (path, file) in PATHS.items()}
    cfg = json.dumps({"base_url": emulator.url, **wsdls, "soap_version": version,
                      "username": client["username"], "password": client["password"],
                      "application_id": client["application_id"]})
    assert run([php(), str(SCRIPT), cfg]) == [
        "Login: ok",
        f"GetClientInformation: {client['name']} | UserId positive: yes",
        "GetCurrencyList: NOK=578",
        "SaveCompanies: Id=10002 Name=PHP Kunde AS",
        "SaveCompanies: Id=4242 Name=Finnes ikke AS | ValidationException: "
        "Company with Id 4242 was not found.",
        "GetCompanies: Id=10002 Name=PHP Kunde AS OrganizationNumber=912345678 "
        "BankAccountNo=15031122222",
        'GetCompanies without session: fault "Client is not authenticated on this identity"',
    ]
