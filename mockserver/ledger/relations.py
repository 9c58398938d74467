"""Contacts and their companies (SPEC M2, M3): one relation per person and company, kept once.

CompanyService (SaveRelations, DeleteRelations, GetCompanies' ``Relations``, SaveCompanies'
``Relations``) and PersonService (MakeRelation, GetRelations, GetRelationsChangedAfter,
DeleteRelation, GetPersons' ``RelationData``, SavePerson's ``RelationData``) are two views of
this one store; each writes and reads it in its own shape (``company_fields``/``person_fields``
here: which member of one is which member of the other is a rule, ``rules.RELATION_MEMBERS``).

Rules (interpretations, ``rules.RELATIONS``): both the person and the company must exist; a
pair saved again is updated (the members sent, never a second relation); deleting a pair that is
not there is refused; nothing is saved when any item of a call is refused. A relation's change
stamps its person's and its company's change time (``ChangedAfter``, sync lists). Deleting a
company or a person removes its relations (``masterdata``'s tombstone, here its relations).

Logs written before this store kept relations inside the company record (``Relations``) and the
person record (``RelationData``); ``absorb`` moves them here when such a ``master`` row replays.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import errors
from . import interpretations as rules
from .masterdata import COMPANY, PERSON, decode, encode, merge

Pair = tuple[int, int]  # (person id, company id)


@dataclass
class Relation:
    contact_id: int
    company_id: int
    #: the members set, in the store's vocabulary: Title, RoleId, Fax, Phones{kind: {..}},
    #: Emails{kind: {..}} (``company_fields``/``person_fields`` read and write them)
    data: dict
    created: datetime
    changed: datetime


# --- the two shapes ------------------------------------------------------------------------------


def from_company(rel: dict) -> dict:
    """CompanyService ``Relation`` members (as given) -> the store's (names are the person's)."""
    m = rules.RELATION_MEMBERS
    out: dict[str, Any] = {}
    for company_name, name in m["company"].items():
        if rel.get(company_name) is not None:
            out[name] = rel[company_name]
    return out


def company_fields(r: Relation, person: dict | None) -> dict:
    """The store's relation as CompanyService's ``Relation`` members."""
    out: dict[str, Any] = {"ContactId": r.contact_id, "CompanyId": r.company_id}
    person = person or {}
    for name in ("FirstName", "LastName"):
        if person.get(name):
            out[name] = person[name]
    for company_name, name in rules.RELATION_MEMBERS["company"].items():
        if r.data.get(name) not in (None, {}):
            out[company_name] = r.data[name]
    return _ordered(out, rules.RELATION_MEMBERS["company_order"])


def from_person(rel: dict) -> dict:
    """PersonService ``RelationData`` members (as given) -> the store's."""
    out: dict[str, Any] = {}
    for person_name, path in rules.RELATION_MEMBERS["person"].items():
        value = rel.get(person_name)
        if value is not None:
            node = out
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = value
    return out


def person_fields(r: Relation) -> dict:
    """The store's relation as PersonService's ``RelationData`` members."""
    out: dict[str, Any] = {"ContactId": r.contact_id, "CustomerId": r.company_id}
    for person_name, path in rules.RELATION_MEMBERS["person"].items():
        node: Any = r.data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None:
            out[person_name] = node
    return out


def _ordered(d: dict, order) -> dict:
    return {k: d[k] for k in order if k in d}


# --- the store (in a client's book: ``book.master.relations``) -----------------------------------


def _relations(book) -> dict[Pair, Relation]:
    return book.master.relations


def touch(book, kind: str, rid: int, now: datetime) -> None:
    """Stamp a person's or company's change time (a fixture company without a record gets
    one, as ``MasterDataOps._companies`` shows it)."""
    md = book.master
    rec = md.get(kind, rid)
    if rec is not None:
        rec.changed = now
        return
    cust = book.customers.get(rid) if kind == COMPANY else None
    if cust is not None:
        data = {"Name": cust.name, "Type": rules.FIXTURE_COMPANY_TYPE}
        if cust.bank_account:
            data["BankAccountNo"] = cust.bank_account
        rec = md.put(COMPANY, rid, data, now)
        rec.created = rules.fixture_record_time(book)


def apply(book, puts: list[tuple[int, int, dict]], dels: list[Pair], now: datetime) -> None:
    """A ``relation`` row (live and replayed): ``puts`` merge the members given."""
    rels = _relations(book)
    for pid, cid, data in puts:
        r = rels.get((pid, cid))
        if r is None:
            rels[(pid, cid)] = Relation(pid, cid, dict(data), now, now)
        else:
            r.data, r.changed = merge(r.data, data), now
    for pid, cid in dels:
        rels.pop((pid, cid), None)
    for pid, cid in {*((p, c) for p, c, _ in puts), *dels}:
        touch(book, PERSON, pid, now)
        touch(book, COMPANY, cid, now)


def forget(book, kind: str, rid: int, now: datetime) -> None:
    """A company or person deleted: its relations go, the other side is stamped."""
    rels = _relations(book)
    gone = [k for k in rels if (k[1] if kind == COMPANY else k[0]) == rid]
    for pid, cid in gone:
        del rels[(pid, cid)]
        if kind == COMPANY:
            touch(book, PERSON, pid, now)
        else:
            touch(book, COMPANY, cid, now)


#: the member a record of a log written before this store kept its relations in
_LISTS = {COMPANY: "Relations", PERSON: "RelationData"}


def without_list(kind: str, data: dict) -> dict:
    member = _LISTS.get(kind)
    if member is None or member not in data:
        return data
    return {k: v for k, v in data.items() if k != member}


def absorb(book, kind: str, rid: int, data: dict, now: datetime) -> None:
    """A ``master`` row written before this store (a company's ``Relations``, a person's
    ``RelationData``, the whole list at each save; the record itself is put without it): the
    relations move here, those the previous row listed and this one does not are removed."""
    member = _LISTS.get(kind)
    if member is None or member not in data:
        return
    listed = data[member] or []
    puts: list[tuple[int, int, dict]] = []
    for rel in listed:
        if not isinstance(rel, dict):
            continue
        if kind == COMPANY and isinstance(rel.get("ContactId"), int):
            puts.append((rel["ContactId"], rid, from_company(rel)))
        elif kind == PERSON and isinstance(rel.get("CustomerId"), int):
            puts.append((rid, rel["CustomerId"], from_person(rel)))
    seen = book.master.legacy_relations
    now_listed = {(p, c) for p, c, _ in puts}
    dels = [k for k in seen.get((kind, rid), ()) if k not in now_listed]
    seen[(kind, rid)] = now_listed
    rels = _relations(book)
    for pid, cid, fields in puts:  # a row repeats its whole list: only changes stamp
        r = rels.get((pid, cid))
        if r is None or merge(r.data, fields) != r.data:
            apply(book, [(pid, cid, fields)], [], now)
    if dels:
        apply(book, [], dels, now)


# --- the ledger's operations -----------------------------------------------------------------


class RelationOps:
    """Mixed into ``Ledger`` (``lock``, ``clock``, ``_write``, ``_log``, ``_current``, ``book``,
    ``_record_data`` from ``MasterDataOps``)."""

    if TYPE_CHECKING:
        from contextlib import AbstractContextManager
        from threading import RLock

        from ..clock import Clock
        from .book import ClientBook

        lock: RLock
        clock: Clock
        _write: Callable[[], AbstractContextManager]
        _log: Callable[..., None]
        _current: Callable[[ClientBook], ClientBook]
        book: Callable[[int], ClientBook]
        _record_data: Callable[..., dict | None]
        find_records: Callable[..., list]

    def _commit_relations(self, book, puts: list[tuple[int, int, dict]], dels: list[Pair],
                          now: datetime) -> None:
        apply(book, puts, dels, now)
        if puts or dels:
            self._log("relation", client=book.client_id, body=lambda: {
                "c": book.client_id, "now": now.isoformat(),
                "put": [[p, c, encode(d)] for p, c, d in puts], "del": [list(k) for k in dels]})

    def _ev_relation(self, b: dict) -> None:
        apply(self.book(b["c"]), [(p, c, decode(d)) for p, c, d in b["put"]],
              [(p, c) for p, c in b["del"]], datetime.fromisoformat(b["now"]))

    def _check_pair(self, book, pid, cid) -> None:
        """UnknownReference (a Server fault) for a company, then a person, the client lacks."""
        if not isinstance(cid, int) or self._record_data(book, COMPANY, cid) is None:
            raise errors.UnknownReference("Company", cid)
        if not isinstance(pid, int) or book.master.get(PERSON, pid) is None:
            raise errors.UnknownReference("Person", pid)

    def save_relations(self, book, items: list[tuple[Any, Any, dict]]) -> list[Relation]:
        """(person id, company id, members in the store's vocabulary) each: created, or the
        members given merged into the pair's relation. Any unknown person or company: the
        first one's UnknownReference, nothing saved. Returns the relations as saved."""
        with self._write():
            book = self._current(book)
            for pid, cid, _ in items:
                self._check_pair(book, pid, cid)
            puts = [(pid, cid, dict(data)) for pid, cid, data in items]
            self._commit_relations(book, puts, [], self.clock.now())
            rels = _relations(book)
            return [_copy(rels[(pid, cid)]) for pid, cid, _ in puts]

    def save_with_relations(self, book, kind: str, items: list[dict], save,
                            check=None) -> list:
        """SaveCompanies' ``Relations`` (CompanyService's ``Relation``s) and SavePerson's
        ``RelationData``: ``save(items, check)`` saves the records (``MasterDataOps``' Saved
        list), each item without its list; an item whose list names a person (company) the
        client does not have is refused (``RecordNotFound``, in the item) and nothing of it is
        saved; a saved item's relations are added or updated (never removed by omission)."""
        member = _LISTS[kind]
        other, what = (PERSON, "Person") if kind == COMPANY else (COMPANY, "Company")
        with self._write():
            book = self._current(book)
            out = []
            for item in items:
                listed = [r for r in item.get(member) or () if isinstance(r, dict)]
                ids: list[Any] = [r.get("ContactId" if kind == COMPANY else "CustomerId") for r in listed]

                def both(book, rid, data, ids=ids):
                    if check is not None:
                        check(book, rid, data)
                    for oid in ids:
                        if not isinstance(oid, int) or self._record_data(book, other, oid) is None:
                            raise errors.RecordNotFound(what, oid)

                saved, = save([without_list(kind, item)], both)
                if saved.error is None and listed:
                    rid = saved.id
                    assert rid is not None  # saved
                    puts: list[tuple[int, int, dict]] = [
                        (oid, rid, from_company(r)) if kind == COMPANY
                        else (rid, oid, from_person(r))
                        for oid, r in zip(ids, listed, strict=True)]
                    self._commit_relations(book, puts, [], self.clock.now())
                out.append(saved)
            return out

    def delete_relations(self, book, pairs: list[tuple[Any, Any]]) -> None:
        """Remove each (person id, company id); an unknown company or person: the first one's
        UnknownReference; a pair without relation: RelationNotFound; either: nothing removed."""
        with self._write():
            book = self._current(book)
            rels = _relations(book)
            wanted: list[Pair] = []
            for pid, cid in pairs:
                self._check_pair(book, pid, cid)
                if (pid, cid) not in rels or (pid, cid) in wanted:
                    raise errors.RelationNotFound(pid, cid)
                wanted.append((pid, cid))
            self._commit_relations(book, [], wanted, self.clock.now())

    def relations(self, book, *, person_id: int | None = None, company_id: int | None = None,
                  changed_after: datetime | None = None) -> list[Relation]:
        """Copies, by person then company id, of those matching every argument given."""
        with self.lock:
            book = self._current(book)
            found = [_copy(r) for k, r in sorted(_relations(book).items())
                     if (person_id is None or k[0] == person_id)
                     and (company_id is None or k[1] == company_id)
                     and (changed_after is None or rules.after(r.changed, changed_after))]
        return found


    def person_of_company(self, book, company_id: Any) -> int:
        """PersonService GetPersonIdByCompanyId: the lowest-numbered person whose CustomerId
        is the company, else the lowest-numbered person related to it (SaveRelations,
        MakeRelation), else 0 (interpretation ``rules.PERSON_OF_COMPANY``)."""
        with self.lock:
            book = self._current(book)
            own = [r.id for r in self.find_records(book, PERSON,
                                                   match=lambda d: d.get("CustomerId") == company_id)]
            related = [p for p, c in _relations(book) if c == company_id]
        return min(own or related or [0])


def _copy(r: Relation) -> Relation:
    return Relation(r.contact_id, r.company_id, copy.deepcopy(r.data), r.created, r.changed)


__all__ = ["Relation", "RelationOps", "absorb", "apply", "forget", "company_fields",
           "person_fields", "from_company", "from_person"]
