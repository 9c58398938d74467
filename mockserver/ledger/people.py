"""Who a REST token acts for and who works in the organization (``/me``, ``/me/identifiers``,
``/me/licenses``, ``/organization/people``; SPEC R6), from the emulator's one directory (the
users Authenticate logs in and their identities) and PersonService's persons. No HTTP here.

A client credentials token has no user: "me" is the client's first user (as ``/me``). Each
identity of that user is one license (one organization it may log in to). The organization's
people are its users (``Organization``, licensed, their PersonService id being their
``contact_id``, as GetClientInformation's UserId) and PersonService's persons: ``Client`` when
a company's contact (CustomerId), else ``Basic`` (interpretations.PEOPLE_TYPES)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from . import interpretations as rules
from .directory import User
from .masterdata import PERSON

_NS = uuid.UUID("0c3e5a4d-24a0-4d6b-8f1e-9e0b1e000000")


def first_user(ledger, client_id: int) -> User | None:
    """The client's first user (callers hold the lock: ``ledger.query``)."""
    for user in ledger.directory.users.values():
        if any(i.client_id == client_id for i in user.identities):
            return user
    return None


@dataclass(frozen=True, slots=True)
class Identifier:
    id: uuid.UUID
    type: str
    value: str
    status: str


def identifiers(user: User) -> list[Identifier]:
    """The user's login name (an e-mail address), confirmed: they log in with it."""
    return [Identifier(uuid.uuid5(_NS, f"identifier:{user.user_id}:{user.username}"),
                       rules.IDENTIFIER_TYPE, user.username, "Confirmed")]


@dataclass(frozen=True, slots=True)
class License:
    id: uuid.UUID
    name: str
    organization_id: int
    identity_id: uuid.UUID
    person_id: int


def licenses(user: User) -> list[License]:
    return [License(uuid.uuid5(_NS, f"license:{i.identity_id}"), i.client_name, i.client_id,
                    i.identity_id, user.contact_id) for i in user.identities]


def organization_id(client_id: int) -> uuid.UUID:
    """``OrganizationModel.id`` is a GUID: one per client, stable."""
    return uuid.uuid5(_NS, f"organization:{client_id}")


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    identity_id: uuid.UUID | None
    first_name: str | None
    last_name: str | None
    person_type: str
    has_license: bool


def people(ledger, book) -> list[Person]:
    """The users with an identity on the client, then every PersonService person (one with a
    user's contact id is that user), by id (callers hold the lock)."""
    out: dict[int, Person] = {}
    for user in ledger.directory.users.values():
        ident = next((i for i in user.identities if i.client_id == book.client_id), None)
        if ident is not None:
            first, _, last = user.name.partition(" ")
            out[user.contact_id] = Person(user.contact_id, ident.identity_id, first or None,
                                          last or None, rules.PEOPLE_TYPES[0], True)
    for pid, rec in book.master.records.get(PERSON, {}).items():
        if pid in out:
            continue
        d = rec.data
        kind = rules.PEOPLE_TYPES[1] if (d.get("CustomerId") or 0) > 0 else rules.PEOPLE_TYPES[2]
        out[pid] = Person(pid, None, d.get("FirstName") or None, d.get("LastName") or None,
                          kind, False)
    return [out[k] for k in sorted(out)]
