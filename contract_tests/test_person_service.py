"""M3: PersonService: persons linked to companies, search, relations, notes, categories."""

from __future__ import annotations

import pytest
import zeep
import zeep.exceptions

from mockserver.testing.client import PERSON_PATH

from helpers import NS, envelope, raw_post

KARI = {"FirstName": "Kari", "LastName": "Nordmann", "CustomerId": 123,
        "ConsumerPersonNo": "P-1", "WebUserName": "kari",
        "EmailAddresses": {"EmailAddress": [{"Type": "Primary", "Value": "kari@kunde.no"}]},
        "PhoneNumbers": {"PhoneNumber": [{"Type": "Mobile", "Value": "+47 900 00 001"}]},
        "WorkPosition": "Innkjøpssjef"}


def test_M3_save_and_find_persons(master_client):
    client = master_client()
    pid = client.persons.SavePerson(KARI)
    ola = client.persons.SavePerson({"FirstName": "Ola", "LastName": "Hansen"})
    assert (pid, ola) == (1, 2)
    assert client.persons.SavePerson({"Id": pid, "Nickname": "KN"}) == pid
    got, = client.persons.GetPersons({"Id": pid})
    assert (got.FirstName, got.LastName, got.CustomerId, got.Nickname, got.Gender) == (
        "Kari", "Nordmann", 123, "KN", None)
    assert got.EmailAddresses.EmailAddress[0].Value == "kari@kunde.no"
    cases = [({"Name": "kari nord"}, [pid]), ({"CustomerId": 123}, [pid]),
             ({"Email": "KARI@kunde.no"}, [pid]), ({"Phone": "4790000001"}, [pid]),
             ({"Role": "innkjøp"}, [pid]), ({"ConsumerPersonNo": "P-1"}, [pid]), ({}, [pid, ola])]
    for params, expected in cases:
        assert [p.Id for p in client.persons.GetPersons(params) or []] == expected, params
    assert client.persons.GetPersonId("P-1") == pid
    assert client.persons.GetPersonId("nope") == 0
    assert client.persons.GetPersonIdsByUserName("kari") == [pid]
    assert client.persons.GetPersonIdByCompanyId(123) == pid


@pytest.mark.parametrize("person,message", [
    ({"Nickname": "x"}, "FirstName or LastName is required to create a new Person."),
    ({"FirstName": "A", "CustomerId": 4040}, "Company with Id 4040 was not found."),
    ({"Id": 99, "FirstName": "A"}, "Person with Id 99 was not found."),
])
def test_M3_a_person_that_cannot_be_saved_is_a_server_fault(master_client, person, message):
    client = master_client()
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.persons.SavePerson(person)
    assert fault.value.message == "Server was unable to process request. ---> " + message


def test_M3_relations_notes_and_categories(master_client):
    client = master_client()
    pid = client.persons.SavePerson({"FirstName": "Kari"})
    assert client.persons.MakeRelation({"ContactId": pid, "CustomerId": 10001, "Title": "CFO"}) is True
    assert client.persons.MakeRelation({"ContactId": pid, "CustomerId": 4040}) is False
    rels = client.persons.GetRelations(pid)
    assert [(r.ContactId, r.CustomerId, r.Title) for r in rels] == [(pid, 10001, "CFO")]
    assert [r.CustomerId for r in client.persons.GetRelationsChangedAfter("2000-01-01T00:00:00")] == [10001]
    with_rel, = client.persons.GetPersons({"Id": pid, "GetRelationData": True})
    assert with_rel.RelationData.RelationData[0].Title == "CFO"
    without, = client.persons.GetPersons({"Id": pid})
    assert without.RelationData is None
    client.persons.DeleteRelation(pid, 10001)
    assert client.persons.GetRelations(pid) in (None, [])
    nid = client.persons.AddNote({"PersonId": pid, "Subject": "Ringt", "Description": "ok"})
    assert [(n.Id, n.Subject, n.PersonId) for n in client.persons.GetNotes(pid)] == [(nid, "Ringt", pid)]
    assert len(client.persons.GetAllNotes()) == 1
    client.persons.DeleteNoteById(nid)
    assert client.persons.GetNotes(pid) in (None, [])
    with pytest.raises(zeep.exceptions.Fault):
        client.persons.AddCategoryToPerson(pid, 1)  # no such category
    assert client.persons.GetPersonCategoryList(pid) in (None, [])
    assert client.persons.GetCategoryList() in (None, [])


def test_W9_a_missing_note_reaches_the_web_method_as_null(master_client):
    """ASMX convention (W9): a missing argument reaches the web method as null and the vendor's
    code fails on it: soap:Server, "Server was unable to process request. ---> Object reference
    not set to an instance of an object." (before: a soap:Client "note is required.")."""
    client = master_client()
    for call in (client.persons.AddNote, client.persons.DeleteNote):
        with pytest.raises(zeep.exceptions.Fault) as caught:
            call(None)
        assert (caught.value.code, caught.value.message) == (
            "soap:Server", "Server was unable to process request. ---> Object reference not set "
            "to an instance of an object.")
    assert client.persons.GetAllNotes() in (None, [])


def test_W5_a_void_operation_answers_an_empty_response_element(master_client):
    """A web method that returns nothing (DeleteNoteById, DeleteRelation, AddCategoryToPerson,
    ...; AttachmentService's Save and AppendChunk, TimeService's AddCost): XmlSerializer writes
    the response element with no content as ``<XResponse xmlns="..." />`` (the emulator wrote
    ``<XResponse xmlns="..."></XResponse>``)."""
    client = master_client()
    pid = client.persons.SavePerson({"FirstName": "Kari", "LastName": "Nordmann"})
    nid = client.persons.AddNote({"PersonId": pid, "Subject": "Ringt", "Description": "ok"})
    resp = raw_post(client.http, client.base_url, PERSON_PATH, envelope(
        f'<DeleteNoteById xmlns="{NS}"><noteId>{nid}</noteId></DeleteNoteById>'),
        "DeleteNoteById")
    assert resp.status_code == 200
    assert (f'<soap:Body><DeleteNoteByIdResponse xmlns="{NS}" /></soap:Body>') in resp.text, resp.text
    assert client.persons.GetNotes(pid) in (None, [])
