"""``/me/identifiers[/{id}]``, ``/me/licenses``, ``/me/licenses/{id}/organization`` and
``/organization/people[/{id}]`` (SPEC R6): the token's user and the organization's people from
the emulator's directory and PersonService (``ledger/people.py``, its interpretations)."""

from __future__ import annotations

from flask import request

from ..ledger import people
from . import jsonout
from .http import INT32, INT64, Query, json_response, not_found, path_int

STATUSES = ("Unconfirmed", "Confirmed")
PERSON_TYPES = ("Organization", "External", "Basic", "Client")


def _identifier(i: people.Identifier) -> dict:
    return {"id": str(i.id), "type": i.type, "value": i.value, "status": i.status}


def _license(x: people.License) -> dict:
    return {"id": str(x.id), "name": x.name, "organizationId": x.organization_id,
            "identityId": str(x.identity_id), "personId": x.person_id}


def _person(p: people.Person) -> dict:
    return {"id": p.id, "identityId": str(p.identity_id) if p.identity_id else None,
            "firstName": p.first_name, "lastName": p.last_name, "personType": p.person_type,
            "hasLicense": p.has_license}


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def me(token):
        return ledger.query(people.first_user, ledger, token.client_id)

    def identifiers(token) -> list[dict]:
        user = me(token)
        return [_identifier(i) for i in people.identifiers(user)] if user else []

    @app.get("/v1/me/identifiers")
    def my_identifiers():
        ctx.meta(operation="GetIdentifiers")
        token = ctx.authenticate("GET", "/me/identifiers")
        q = Query(request.args)
        kind = q.raw("type")
        status = q.choice("status", STATUSES, "")
        q.check()
        body = [i for i in identifiers(token) if (kind is None or i["type"] == kind)
                and (not status or i["status"] == status)]
        return json_response(200, jsonout.dumps(body))

    @app.get("/v1/me/identifiers/<identifier_id>")
    def my_identifier(identifier_id: str):
        ctx.meta(operation="GetIdentifier")
        token = ctx.authenticate("GET", "/me/identifiers/{id}")
        found = next((i for i in identifiers(token) if i["id"] == identifier_id.lower()), None)
        if found is None:
            raise not_found(f"Identifier {identifier_id}")
        return json_response(200, jsonout.dumps(found))

    def licenses(token) -> list[people.License]:
        user = me(token)
        return people.licenses(user) if user else []

    @app.get("/v1/me/licenses")
    def my_licenses():
        ctx.meta(operation="GetLicenses")
        token = ctx.authenticate("GET", "/me/licenses")
        q = Query(request.args)
        organization = q.integer("organizationId", bounds=INT64)
        person = q.integer("personId", bounds=INT32)
        q.check()
        body = [_license(x) for x in licenses(token)
                if (organization is None or x.organization_id == organization)
                and (person is None or x.person_id == person)]
        return json_response(200, jsonout.dumps(body))

    @app.get("/v1/me/licenses/<license_id>/organization")
    def license_organization(license_id: str):
        ctx.meta(operation="GetLicenseOrganization")
        token = ctx.authenticate("GET", "/me/licenses/{id}/organization")
        found = next((x for x in licenses(token) if str(x.id) == license_id.lower()), None)
        if found is None:
            raise not_found(f"License {license_id}")
        body = {"id": str(people.organization_id(found.organization_id)), "name": found.name}
        return json_response(200, jsonout.dumps(body))

    def listed(token, q: Query) -> list[dict]:
        kind = q.choice("personType", PERSON_TYPES, "")
        q.check()
        found = ledger.query(people.people, ledger, ctx.book(token))
        return [_person(p) for p in found if not kind or p.person_type == kind]

    @app.get("/v1/organization/people")
    def organization_people():
        ctx.meta(operation="GetPeople")
        token = ctx.authenticate("GET", "/organization/people")
        return json_response(200, jsonout.dumps(listed(token, Query(request.args))))

    @app.get("/v1/organization/people/<person_id>")
    def organization_person(person_id: str):
        ctx.meta(operation="GetPerson")
        token = ctx.authenticate("GET", "/organization/people/{id}")
        wanted = path_int("id", person_id, INT32)
        found = next((p for p in listed(token, Query(request.args)) if p["id"] == wanted), None)
        if found is None:
            raise not_found(f"Person {wanted}")
        return json_response(200, jsonout.dumps(found))
