"""M2, M3: a contact's relation to a company is kept once and seen by both services, each in its
own shape (CompanyService ``Relation``, PersonService ``RelationData``), over real sockets with
zeep built from the vendor's WSDLs and from the emulator's ``?WSDL`` (``master_client``), plus
the raw XML of both answers; and PersonService's ``Authentication`` header
(interpretations_crm.PERSON_HEADER)."""

from __future__ import annotations

import re

import pytest
import zeep.exceptions

from mockserver.testing.client import COMPANY_PATH, PERSON_PATH

from helpers import NS, envelope, raw_post

FULL = {"Role": "Daglig leder", "RoleId": 4, "Fax": "22 00 00 09",
        "PhoneNumbers": {"Work": {"Value": "22 00 00 02"}, "Mobile": {"Value": "900 00 001"}},
        "EmailAddresses": {"Work": {"Value": "kari@kunde.no"}}}


def kari_and_ola(client) -> tuple[int, int]:
    return (client.persons.SavePerson({"FirstName": "Kari", "LastName": "Nordmann"}),
            client.persons.SavePerson({"FirstName": "Ola", "LastName": "Hansen"}))


def relation_data(rels) -> list[tuple]:
    return [(r.ContactId, r.CustomerId, r.Email, r.Mobile, r.Phone, r.Title) for r in rels or []]


def company_relations(client, company_id: int, properties=("Relations",)) -> list[tuple] | None:
    got, = client.companies.GetCompanies({"CompanyId": company_id},
                                         {"string": list(properties)})
    if got is None or got.Relations is None:  # <Company /> when it has none (W5)
        return None
    return [(r.ContactId, r.CompanyId, r.FirstName, r.LastName, r.Role, r.RoleId,
             r.PhoneNumbers and r.PhoneNumbers.Work and r.PhoneNumbers.Work.Value,
             r.PhoneNumbers and r.PhoneNumbers.Mobile and r.PhoneNumbers.Mobile.Value,
             r.EmailAddresses and r.EmailAddresses.Work and r.EmailAddresses.Work.Value, r.Fax)
            for r in got.Relations.Relation]


def test_M2_M3_saved_by_company_service_seen_by_person_service(master_client):
    """The issue's reproduction: SaveRelations, then PersonService.GetRelations was empty."""
    client = master_client()
    kari, _ = kari_and_ola(client)
    saved, = client.companies.SaveRelations({"Relation": [
        {"ContactId": kari, "CompanyId": 123, "FirstName": "ignored", **FULL}]})
    assert (saved.ContactId, saved.CompanyId, saved.FirstName, saved.LastName, saved.Role,
            saved.RoleId, saved.PhoneNumbers.Work.Value, saved.PhoneNumbers.Mobile.Value,
            saved.EmailAddresses.Work.Value, saved.Fax) == (
        kari, 123, "Kari", "Nordmann", "Daglig leder", 4, "22 00 00 02", "900 00 001",
        "kari@kunde.no", "22 00 00 09")
    expected = [(kari, 123, "kari@kunde.no", "900 00 001", "22 00 00 02", "Daglig leder")]
    assert relation_data(client.persons.GetRelations(kari)) == expected
    assert relation_data(client.persons.GetRelationsChangedAfter("2000-01-01T00:00:00")) == expected
    detailed, = client.persons.GetPersonsDetailed({"Id": kari})
    assert relation_data(detailed.RelationData.RelationData) == expected
    asked, = client.persons.GetPersons({"Id": kari, "GetRelationData": True})
    assert relation_data(asked.RelationData.RelationData) == expected
    plain, = client.persons.GetPersons({"Id": kari})
    assert plain.RelationData is None


def test_M2_M3_made_by_person_service_seen_by_company_service(master_client):
    client = master_client()
    kari, ola = kari_and_ola(client)
    assert client.persons.MakeRelation({"ContactId": kari, "CustomerId": 10001, "Title": "CFO",
                                        "Email": "kari@kunde.no", "Phone": "22 00 00 01",
                                        "Mobile": "900 00 001"}) is True
    assert client.persons.MakeRelation({"ContactId": ola, "CustomerId": 10001}) is True
    assert company_relations(client, 10001) == [
        (kari, 10001, "Kari", "Nordmann", "CFO", None, "22 00 00 01", "900 00 001",
         "kari@kunde.no", None),
        (ola, 10001, "Ola", "Hansen", None, None, None, None, None, None)]
    assert company_relations(client, 10001, ("Name",)) is None  # not asked for
    every, = client.companies.GetCompanies({"CompanyId": 10001})  # no returnProperties: all
    assert [r.ContactId for r in every.Relations.Relation] == [kari, ola]
    assert company_relations(client, 123) is None
    # the same pair saved by the other service updates the one relation (no duplicate)
    client.companies.SaveRelations({"Relation": [{"ContactId": kari, "CompanyId": 10001,
                                                  "Role": "Styreleder"}]})
    assert relation_data(client.persons.GetRelations(kari)) == [
        (kari, 10001, "kari@kunde.no", "900 00 001", "22 00 00 01", "Styreleder")]


def test_M2_M3_deleted_by_either_service_is_gone_for_both(master_client):
    client = master_client()
    kari, ola = kari_and_ola(client)
    client.companies.SaveRelations({"Relation": [{"ContactId": kari, "CompanyId": 123},
                                                 {"ContactId": ola, "CompanyId": 123}]})
    client.persons.DeleteRelation(kari, 123)
    assert [r[0] for r in company_relations(client, 123) or []] == [ola]
    gone, = client.companies.DeleteRelations({"Relation": [{"ContactId": ola, "CompanyId": 123}]})
    assert (gone.ContactId, gone.CompanyId) == (ola, 123)
    assert client.persons.GetRelations(ola) in (None, [])
    assert company_relations(client, 123) is None


@pytest.mark.parametrize("relations,message", [
    ([{"ContactId": 1, "CompanyId": 123}, {"ContactId": 9, "CompanyId": 123}],
     "Person with Id 9 was not found."),
    ([{"ContactId": 1, "CompanyId": 123}, {"CompanyId": 123}],
     "Person with Id None was not found."),
    ([{"ContactId": 1, "CompanyId": 4040}], "Company with Id 4040 was not found."),
])
def test_M2_an_unknown_person_or_company_is_a_fault_and_nothing_is_saved(master_client, relations,
                                                                         message):
    client = master_client()
    kari, _ = kari_and_ola(client)
    assert kari == 1
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.companies.SaveRelations({"Relation": relations})
    assert fault.value.message == "Server was unable to process request. ---> " + message
    assert client.persons.GetRelations(kari) in (None, [])
    assert company_relations(client, 123) is None
    assert client.persons.MakeRelation({"ContactId": 9, "CustomerId": 123}) is False
    assert client.persons.MakeRelation({"ContactId": kari, "CustomerId": 4040}) is False
    assert client.persons.GetRelations(kari) in (None, [])


def test_M2_M3_deleting_a_relation_that_is_not_there_is_a_fault(master_client):
    client = master_client()
    kari, ola = kari_and_ola(client)
    client.persons.MakeRelation({"ContactId": kari, "CustomerId": 123})
    text = ("Server was unable to process request. ---> Person with Id {} has no relation to "
            "Company with Id 123.")
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.companies.DeleteRelations({"Relation": [{"ContactId": kari, "CompanyId": 123},
                                                       {"ContactId": ola, "CompanyId": 123}]})
    assert (fault.value.code, fault.value.message) == ("soap:Server", text.format(ola))
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.persons.DeleteRelation(ola, 123)
    assert fault.value.message == text.format(ola)
    assert [r[0] for r in company_relations(client, 123) or []] == [kari]  # nothing removed


def test_M2_M3_embedded_lists_save_into_the_same_store(master_client):
    """SaveCompanies' Relations and SavePerson's RelationData add relations (never remove);
    one naming a person (company) the client lacks refuses that item and saves nothing of it."""
    client = master_client()
    kari, ola = kari_and_ola(client)
    made, refused = client.companies.SaveCompanies({"Company": [
        {"Name": "Ny AS", "Relations": {"Relation": [{"ContactId": kari, "Role": "Eier"}]}},
        {"Name": "Feil AS", "Relations": {"Relation": [{"ContactId": 77}]}}]})
    assert [(r.ContactId, r.CompanyId, r.FirstName, r.Role) for r in made.Relations.Relation] == [
        (kari, made.Id, "Kari", "Eier")]
    assert (refused.APIException.Type, refused.APIException.Message) == (
        "ValidationException", "Person with Id 77 was not found.")
    assert [c.Name for c in client.companies.GetCompanies({"CompanyName": "Feil"}) or []] == []
    assert client.persons.SavePerson({"Id": ola, "RelationData": {"RelationData": [
        {"ContactId": 0, "CustomerId": made.Id, "Title": "Selger"}]}}) == ola
    assert [(r[0], r[4]) for r in company_relations(client, made.Id)] == [(kari, "Eier"),
                                                                           (ola, "Selger")]
    assert relation_data(client.persons.GetRelations(ola)) == [
        (ola, made.Id, None, None, None, "Selger")]
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.persons.SavePerson({"Id": ola, "Nickname": "x", "RelationData": {"RelationData": [
            {"ContactId": 0, "CustomerId": 4040}]}})
    assert fault.value.message == ("Server was unable to process request. ---> Company with Id "
                                   "4040 was not found.")
    assert client.persons.GetPersons({"Id": ola})[0].Nickname is None
    client.companies.SaveCompanies({"Company": [{"Id": made.Id, "Name": "Ny AS 2"}]})
    assert len(company_relations(client, made.Id)) == 2  # a save without the list keeps them


def test_M2_deleting_a_company_removes_its_relations(master_client):
    client = master_client()
    kari, _ = kari_and_ola(client)
    made, = client.companies.SaveCompanies({"Company": [{"Name": "Kortlevd AS"}]})
    client.persons.MakeRelation({"ContactId": kari, "CustomerId": made.Id})
    client.persons.MakeRelation({"ContactId": kari, "CustomerId": 123})
    client.companies.DeleteCompanies({"Company": [{"Id": made.Id}]})
    assert [r.CustomerId for r in client.persons.GetRelations(kari)] == [123]


def test_M2_M3_a_relation_changes_its_person_and_company(master_client):
    client = master_client()
    kari, _ = kari_and_ola(client)
    client.advance(seconds=5)
    mark = client.now()
    assert [p.Id for p in client.persons.GetPersons({"ChangedAfter": mark}) or []] == []
    client.advance(seconds=1)
    client.companies.SaveRelations({"Relation": [{"ContactId": kari, "CompanyId": 10001}]})
    assert [p.Id for p in client.persons.GetPersons({"ChangedAfter": mark})] == [kari]
    assert [c.Id for c in client.companies.GetCompanies({"ChangedAfter": mark})] == [10001]
    assert [r.CustomerId for r in client.persons.GetRelationsChangedAfter(mark)] == [10001]
    later = client.persons.GetPersons({"Id": kari})[0].DateChanged
    assert client.persons.GetRelationsChangedAfter(later) in (None, [])


# --- the XML itself: element names, order and omitted defaults from the WSDLs --------------------


def _body(resp) -> str:
    assert resp.status_code == 200, resp.text
    return re.sub(r"^.*<soap:Body>|</soap:Body>.*$", "", resp.text, flags=re.S)


def test_M2_M3_the_two_shapes_on_the_wire(tfso_mock):
    from mockserver.testing.client import create_client

    client = create_client(tfso_mock.url, getattr(tfso_mock, "admin_headers", lambda: {})())
    try:
        client.login()
        kari, _ = kari_and_ola(client)
        client.companies.SaveRelations({"Relation": [{"ContactId": kari, "CompanyId": 123, **FULL}]})
        got = _body(raw_post(client.http, tfso_mock.url, PERSON_PATH, envelope(
            f'<GetRelations xmlns="{NS}"><personId>{kari}</personId></GetRelations>'),
            "GetRelations"))
        assert got == (
            f'<GetRelationsResponse xmlns="{NS}"><GetRelationsResult><RelationData>'
            f"<ContactId>{kari}</ContactId><CustomerId>123</CustomerId>"
            "<Email>kari@kunde.no</Email><Mobile>900 00 001</Mobile><Phone>22 00 00 02</Phone>"
            "<Title>Daglig leder</Title></RelationData></GetRelationsResult>"
            "</GetRelationsResponse>")
        client.persons.MakeRelation({"ContactId": kari, "CustomerId": 10001, "Title": "CFO"})
        got = _body(raw_post(client.http, tfso_mock.url, COMPANY_PATH, envelope(
            f'<GetCompanies xmlns="{NS}"><searchParams><CompanyIds><int>123</int><int>10001</int>'
            "</CompanyIds></searchParams><returnProperties><string>Relations</string>"
            "</returnProperties></GetCompanies>"), "GetCompanies"))
        assert got == (
            f'<GetCompaniesResponse xmlns="{NS}"><GetCompaniesResult>'
            "<Company><Relations><Relation>"
            f"<ContactId>{kari}</ContactId><CompanyId>123</CompanyId><FirstName>Kari</FirstName>"
            "<LastName>Nordmann</LastName><Role>Daglig leder</Role><RoleId>4</RoleId>"
            "<PhoneNumbers><Mobile><Value>900 00 001</Value></Mobile><Work><Value>22 00 00 02"
            "</Value></Work></PhoneNumbers><EmailAddresses><Work><Value>kari@kunde.no</Value>"
            "</Work></EmailAddresses><Fax>22 00 00 09</Fax></Relation></Relations></Company>"
            "<Company><Relations><Relation>"
            f"<ContactId>{kari}</ContactId><CompanyId>10001</CompanyId><FirstName>Kari"
            "</FirstName><LastName>Nordmann</LastName><Role>CFO</Role></Relation></Relations>"
            "</Company></GetCompaniesResult></GetCompaniesResponse>")
    finally:
        client.cleanup()
        client.http.close()


# --- PersonService's Authentication header ------------------------------------------------------


def _auth(**members) -> str:
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in members.items())
    return f'<soap:Header><Authentication xmlns="{NS}">{inner}</Authentication></soap:Header>'


def _get_persons(client, url, header: str):
    xml = envelope(f'<GetPersons xmlns="{NS}"><personSearch><Id>1</Id></personSearch>'
                   "</GetPersons>").replace("<soap:Body>", header + "<soap:Body>")
    return raw_post(client.http, url, PERSON_PATH, xml, "GetPersons")


NOT_AUTHENTICATED = "<faultstring>Client is not authenticated on this identity</faultstring>"


def test_M3_the_authentication_header_must_agree_with_the_session(tfso_mock):
    from mockserver.testing.client import create_client

    client = create_client(tfso_mock.url, getattr(tfso_mock, "admin_headers", lambda: {})())
    try:
        client.login()
        kari, _ = kari_and_ola(client)
        assert kari == 1
        own = {"Username": client.username.upper(), "Password": client.password,
               "ConsumerId": client.client_id}
        for header in ("", _auth(), _auth(ConsumerId=0), _auth(**own)):
            resp = _get_persons(client, tfso_mock.url, header)
            assert resp.status_code == 200 and "<FirstName>Kari</FirstName>" in resp.text, header
        for bad in ({"ConsumerId": client.client_id + 1}, {"Username": "someone@else.no"},
                    {"Password": "wrong"}, {"UserId": "not-this-user"}):
            resp = _get_persons(client, tfso_mock.url, _auth(**{**own, **bad}))
            assert resp.status_code == 500 and NOT_AUTHENTICATED in resp.text, bad
        resp = _get_persons(client, tfso_mock.url, _auth(ConsumerId="abc"))
        assert resp.status_code == 500 and "<faultcode>soap:Client</faultcode>" in resp.text
        assert "There is an error in XML document" in resp.text
        # a bad header changes nothing: SavePerson refused, the person not renamed
        xml = envelope(f'<SavePerson xmlns="{NS}"><personItem><FirstName>Endret</FirstName>'
                       f"<Id>{kari}</Id></personItem></SavePerson>").replace(
            "<soap:Body>", _auth(ConsumerId=client.client_id + 1) + "<soap:Body>")
        resp = raw_post(client.http, tfso_mock.url, PERSON_PATH, xml, "SavePerson")
        assert resp.status_code == 500 and NOT_AUTHENTICATED in resp.text
        assert client.persons.GetPersons({"Id": kari})[0].FirstName == "Kari"
        # the header is no way in without the session cookie
        client.http.cookies.clear()
        resp = _get_persons(client, tfso_mock.url, _auth(**own))
        assert resp.status_code == 500 and NOT_AUTHENTICATED in resp.text
    finally:
        client.cleanup()
        client.http.close()


def test_M3_zeep_sends_the_header_from_the_vendor_wsdl(master_client):
    client = master_client()
    kari, _ = kari_and_ola(client)
    header = {"ConsumerId": client.client_id, "Username": client.username}
    found = client.persons.GetPersons({"Id": kari}, _soapheaders={"Authentication": header})
    assert [p.FirstName for p in found] == ["Kari"]
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.persons.GetPersons({"Id": kari}, _soapheaders={"Authentication": {
            **header, "ConsumerId": client.client_id + 1}})
    assert fault.value.message == "Client is not authenticated on this identity"


def test_M3_person_of_a_company_is_its_own_contact_else_a_related_one(master_client):
    """GetPersonIdByCompanyId (interpretations_crm.PERSON_OF_COMPANY): a person whose own
    CustomerId is the company first, else the lowest-numbered related person, else 0; a
    relation saved by either service counts, and deleting it is seen."""
    client = master_client()
    kari, ola = kari_and_ola(client)
    assert client.persons.GetPersonIdByCompanyId(123) == 0
    client.companies.SaveRelations({"Relation": [{"ContactId": ola, "CompanyId": 123}]})
    assert client.persons.GetPersonIdByCompanyId(123) == ola
    assert client.persons.MakeRelation({"ContactId": kari, "CustomerId": 123}) is True
    assert client.persons.GetPersonIdByCompanyId(123) == kari
    client.persons.DeleteRelation(kari, 123)
    assert client.persons.GetPersonIdByCompanyId(123) == ola
    own = client.persons.SavePerson({"FirstName": "Per", "LastName": "Eier", "CustomerId": 123})
    assert own > ola
    assert client.persons.GetPersonIdByCompanyId(123) == own
    assert client.persons.GetPersonIdByCompanyId(4040) == 0
