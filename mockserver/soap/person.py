"""PersonService (SPEC M3): persons (contacts) linked to companies (``CustomerId``), their
relations to companies (the ledger's one store, shared with CompanyService:
``ledger/relations.py``), notes and categories. The schema is the vendor's WSDL (``schema.py``).

SavePerson and AddNote answer an id; a problem is a Server fault (the types have no
APIException member).
"""

from __future__ import annotations

from .. import errors
from ..ledger import interpretations as rules
from ..ledger import relations
from ..ledger.fixtures import fixtures_dir
from ..ledger.masterdata import COMPANY, PERSON
from . import records
from .schema import WsdlService


def _model(name):
    return SERVICE.type(name)


def _company_exists(ctx, book, cid) -> bool:
    return isinstance(cid, int) and ctx.ledger.record(book, COMPANY, cid) is not None


def _person(ctx, book, pid):
    return ctx.ledger.record(book, PERSON, pid) if isinstance(pid, int) else None


def _relation_out(r) -> dict:
    return records.shaped(relations.person_fields(r), _model("RelationData"))


def _persons_out(ctx, book, found, with_relations: bool) -> list[dict]:
    """PersonItems; with ``with_relations`` their RelationData from the one relation store
    (``ledger/relations.py``), none: an empty list."""
    rels: dict[int, list[dict]] = {}
    if with_relations and found:
        ids = {r.id for r in found}
        for rel in ctx.ledger.relations(book):
            if rel.contact_id in ids:
                rels.setdefault(rel.contact_id, []).append(_relation_out(rel))
    out = []
    for r in found:
        data = {**r.data, "Id": r.id, "DateChanged": r.changed, "DateRegistered": r.created}
        if with_relations:
            data["RelationData"] = rels.get(r.id, [])
        out.append(records.shaped(data, _model("PersonItem")))
    return out


def SavePerson(ctx, personItem):
    """A ``RelationData`` list adds or updates the person's relations (its ContactId is the
    saved person's; a CustomerId that is no company refuses the whole save)."""
    book = ctx.book()
    item = records.given(personItem, _model("PersonItem"))

    def check(book, rid, data):
        if not (str(data.get("FirstName") or "").strip() or str(data.get("LastName") or "").strip()):
            raise errors.NameRequired("Person", "FirstName or LastName")
        cid = data.get("CustomerId")
        if cid is not None and cid > 0 and not _company_exists(ctx, book, cid):
            raise errors.RecordNotFound("Company", cid)

    def save(items, check):
        return ctx.ledger.save_items(book, PERSON, items, what="Person", required=(),
                                     transient=rules.PERSON_TRANSIENT_FIELDS, check=check)

    saved, = ctx.ledger.save_with_relations(book, PERSON, [item], save, check)
    if saved.error is not None:
        raise errors.ItemFault(saved.error)
    return saved.id


def _find(ctx, p: dict):
    book = ctx.book()
    return book, ctx.ledger.find_records(
        book, PERSON, ids=[p["Id"]] if p.get("Id") else None,
        changed_after=p.get("ChangedAfter"), match=lambda d: rules.person_matches(d, p))


def GetPersons(ctx, personSearch):
    p = records.given(personSearch, _model("PersonSearchParameters")) if personSearch else {}
    book, found = _find(ctx, p)
    return _persons_out(ctx, book, found, bool(p.get("GetRelationData")))


def GetPersonsDetailed(ctx, personSearch):
    """Every member, RelationData too (as GetPersons with GetRelationData)."""
    p = records.given(personSearch, _model("PersonSearchParameters")) if personSearch else {}
    book, found = _find(ctx, p)
    return _persons_out(ctx, book, found, True)


def GetPersonId(ctx, consumerPersonNo):
    p = {"ConsumerPersonNo": consumerPersonNo} if consumerPersonNo else {}
    if not p:
        ctx.book()
        return 0
    _, found = _find(ctx, p)
    return found[0].id if found else 0


def GetPersonIdsByUserName(ctx, username):
    book = ctx.book()
    return [r.id for r in ctx.ledger.find_records(
        book, PERSON, match=lambda d: bool(username) and d.get("WebUserName") == username)]


def GetPersonIdByCompanyId(ctx, companyId):
    return ctx.ledger.person_of_company(ctx.book(), companyId)


# --- relations ---------------------------------------------------------------------------------


def MakeRelation(ctx, relation):
    """True: the relation saved (or updated); false: no such person or company (the vendor's
    answer is a boolean), nothing saved."""
    book = ctx.book()
    rel = records.given(relation, _model("RelationData"))
    try:
        ctx.ledger.save_relations(book, [(rel.get("ContactId"), rel.get("CustomerId"),
                                          relations.from_person(rel))])
    except errors.UnknownReference:
        return False
    return True


def GetRelations(ctx, personId):
    book = ctx.book()
    if _person(ctx, book, personId) is None:
        raise errors.UnknownReference("Person", personId)
    return [_relation_out(r) for r in ctx.ledger.relations(book, person_id=personId)]


def GetRelationsChangedAfter(ctx, changedAfter):
    """The relations saved after the time (their own change time, ``rules.RELATIONS``)."""
    book = ctx.book()
    return [_relation_out(r) for r in ctx.ledger.relations(book, changed_after=changedAfter)]


def DeleteRelation(ctx, personId, companyId):
    book = ctx.book()
    if _person(ctx, book, personId) is None:
        raise errors.UnknownReference("Person", personId)
    ctx.ledger.delete_relations(book, [(personId, companyId)])


# --- notes -------------------------------------------------------------------------------------


def _note_out(r) -> dict:
    return records.shaped({**r.data, "Id": r.id, "DateAdded": r.created}, _model("NoteData"))


def GetNotes(ctx, personId):
    book = ctx.book()
    return [_note_out(r) for r in ctx.ledger.find_records(
        book, "person_note", match=lambda d: d.get("PersonId") == personId)]


def GetAllNotes(ctx):
    book = ctx.book()
    return [_note_out(r) for r in ctx.ledger.records(book, "person_note")]


def _required(value, name: str):
    if value is None:  # W9, as AccountService's arguments (account.py): null reaches the method
        raise errors.NullArgument(name)
    return value


def AddNote(ctx, note):
    book = ctx.book()
    _required(note, "note")
    item = records.given(note, _model("NoteData"))
    item.pop("Id", None)

    def check(book, rid, data):
        if _person(ctx, book, data.get("PersonId")) is None:
            raise errors.RecordNotFound("Person", data.get("PersonId"))

    saved, = ctx.ledger.save_items(book, "person_note", [item], what="Note", required=(),
                                   transient=frozenset({"Id", "DateAdded"}), check=check)
    if saved.error is not None:
        raise errors.ItemFault(saved.error)
    return saved.id


def DeleteNoteById(ctx, noteId):
    book = ctx.book()
    err, = ctx.ledger.delete_records(book, "person_note", [noteId], what="Note")
    if err is not None:
        raise errors.ItemFault(err)


def DeleteNote(ctx, note):
    ctx.book()
    return DeleteNoteById(ctx, _required(note, "note").get("Id"))


# --- categories --------------------------------------------------------------------------------


def GetCategoryList(ctx):
    book = ctx.book()
    return [records.shaped({**r.data, "Id": r.id}, _model("Category"))
            for r in ctx.ledger.records(book, "person_category")]


def _categories(r) -> list[int]:
    return list(r.data.get("Categories") or [])


def GetPersonCategoryList(ctx, personId):
    book = ctx.book()
    person = _person(ctx, book, personId)
    if person is None:
        raise errors.UnknownReference("Person", personId)
    return _categories(person)


def GetPersonArrayCategoryList(ctx, personIds):
    book = ctx.book()
    out = []
    for pid in personIds or ():
        person = _person(ctx, book, pid)
        if person is not None:
            out.append({"personId": pid, "categories": _categories(person)})
    return out


def _change_category(ctx, personId, categoryId, add: bool):
    book = ctx.book()
    person = _person(ctx, book, personId)
    if person is None:
        raise errors.UnknownReference("Person", personId)
    if ctx.ledger.record(book, "person_category", categoryId) is None:
        raise errors.UnknownReference("Category", categoryId)
    current = _categories(person)
    new = sorted({*current, categoryId}) if add else [c for c in current if c != categoryId]
    ctx.ledger.set_fields(book, PERSON, person.id, {"Categories": new}, "Person")


def AddCategoryToPerson(ctx, personId, categoryId):
    _change_category(ctx, personId, categoryId, add=True)


def RemoveCategoryFromPerson(ctx, personId, categoryId):
    _change_category(ctx, personId, categoryId, add=False)


SERVICE = WsdlService("PersonService", fixtures_dir() / "vendor" / "PersonService.wsdl", {
    "GetPersonId": GetPersonId, "SavePerson": SavePerson,
    "GetPersonIdsByUserName": GetPersonIdsByUserName,
    "GetPersonIdByCompanyId": GetPersonIdByCompanyId, "GetPersons": GetPersons,
    "GetPersonsDetailed": GetPersonsDetailed, "MakeRelation": MakeRelation,
    "GetRelations": GetRelations, "GetRelationsChangedAfter": GetRelationsChangedAfter,
    "DeleteRelation": DeleteRelation, "GetNotes": GetNotes, "GetAllNotes": GetAllNotes,
    "AddNote": AddNote, "DeleteNote": DeleteNote, "DeleteNoteById": DeleteNoteById,
    "GetCategoryList": GetCategoryList, "GetPersonCategoryList": GetPersonCategoryList,
    "GetPersonArrayCategoryList": GetPersonArrayCategoryList,
    "AddCategoryToPerson": AddCategoryToPerson,
    "RemoveCategoryFromPerson": RemoveCategoryFromPerson,
})
