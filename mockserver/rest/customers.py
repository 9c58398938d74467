"""``/v1/customers`` and ``/v1/customers/{customerId}`` (SPEC R6, 0.56.0 scopes
``api.crm.customer:read``/``:write``): the companies of CompanyService, read and written in the
client's one state (``Ledger.save_companies`` / ``find_companies`` / ``delete_companies``), so a
company saved over SOAP is the customer of the same id here and the other way round.

A customer is a company record in CompanyService's names; ``customer_item`` and
``company_fields`` translate (``interpretations.CUSTOMER_*`` says how a person and a supplier are
told apart). Lists are paged by ``limit`` with an opaque ``continuationToken`` in the ``Link``
header (the 0.56.0 document gives /customers no page parameter)."""

from __future__ import annotations

import re
from datetime import datetime, time

from flask import request

from .. import errors
from ..codec_utils import iso_utc
from ..ledger import interpretations as rules
from ..ledger.masterdata import COMPANY, Record
from . import jsonout
from .body import Reader, json_body
from .http import INT32, Query, json_response, not_found, parse_datetime, path_int
from .paging import offset_links

#: 0.56.0 ``SortInput``
_SORT_RE = re.compile(r"^(name|createdAt|modifiedAt|organizationNumber|id):(asc|desc)\Z")
#: REST address -> CompanyService ``Addresses`` member, and the fields each has
_ADDRESSES = (("visit", "Visit", True, False), ("postal", "Post", False, False),
              ("billing", "Invoice", True, True), ("delivery", "Delivery", True, True))
_ADDRESS_FIELDS = (("street", "Street"), ("postalCode", "PostalCode"),
                   ("postalArea", "PostalArea"), ("countrySubdivision", "State"))


def _value(d: dict, *path: str):
    for name in path:
        if not isinstance(d, dict):
            return None
        d = d.get(name)  # type: ignore[assignment]
    return d if d not in ("",) else None


def customer_item(rec: Record) -> dict:
    """One ``CustomerProperties`` item, in the schema's property order."""
    d = rec.data
    person = not rules.customer_is_company(d)
    item: dict = {"id": rec.id}
    if person:
        item["name"] = " ".join(p for p in (d.get("FirstName"), d.get("Name")) if p) or None
    else:
        item["name"] = d.get("Name") or None
    item["externalReference"] = d.get("ExternalId") or None
    if isinstance(d.get("PriceList"), int):
        item["pricelistId"] = d["PriceList"]
    if person:
        item["person"] = {"firstName": d.get("FirstName") or None,
                          "lastName": d.get("Name") or None}
    item["isCompany"] = not person
    item["isSupplier"] = rules.customer_is_supplier(d)
    if not person:
        item["organizationNumber"] = d.get("OrganizationNumber") or None
    address = {}
    for rest_name, soap_name, has_country, has_name in _ADDRESSES:
        a: dict = {}
        if has_name:
            a["name"] = _value(d, "Addresses", soap_name, "Name")
        if has_country and rest_name == "visit":
            a["countryCode"] = _value(d, "Addresses", soap_name, "Country")
        for rest_field, soap_field in _ADDRESS_FIELDS:
            a[rest_field] = _value(d, "Addresses", soap_name, soap_field)
        if has_country and rest_name != "visit":
            a["countryCode"] = _value(d, "Addresses", soap_name, "Country")
        address[rest_name] = a
    item["address"] = address
    item["email"] = {"contact": _value(d, "EmailAddresses", "Primary", "Value"),
                     "billing": _value(d, "EmailAddresses", "Invoice", "Value")}
    item["phone"] = _value(d, "PhoneNumbers", "Primary", "Value")
    item["mobilePhone"] = _value(d, "PhoneNumbers", "Mobile", "Value")
    item["createdAt"] = iso_utc(rec.created) if rec.created else None
    item["modifiedAt"] = iso_utc(rec.changed) if rec.changed else None
    return item


def company_fields(body: dict, current: dict | None) -> dict:
    """CompanyService fields from a ``CustomerPostRequest`` (``current`` None) or a
    ``CustomerPatchRequest`` (``current``: the company as stored); 400 listing every problem."""
    r = Reader()
    out: dict = {}
    if current is None:
        is_company = r.get(body, "isCompany", "", "boolean", True)
        if is_company is None:
            r.check(errors.InvalidCustomer)
    else:
        is_company = rules.customer_is_company(current)
    if is_company:
        given, name = r.nullable(body, "name", "", "string")
        if (current is None or given) and not (name or "").strip():
            r.bad("name", "required")  # PATCH too: never a company without a name (interp.)
        elif given:
            out["Name"] = name
        given, org = r.nullable(body, "organizationNumber", "", "string")
        if given:
            out["OrganizationNumber"] = org
        if "person" in body:
            r.bad("person", "not")
    else:
        for field in ("name", "organizationNumber"):
            if field in body:
                r.bad(field, "not")
        if current is None and "person" not in body:
            r.bad("person", "required")
        elif "person" in body:
            p = r.obj(body["person"], "person") if body["person"] is not None else {}
            if p is not None:
                for rest_field, soap_field in (("firstName", "FirstName"), ("lastName", "Name")):
                    given, value = r.nullable(p, rest_field, "person", "string")
                    if given:
                        out[soap_field] = value
                if (current is None or "Name" in out) and not str(out.get("Name") or "").strip():
                    r.bad("person.lastName", "required")  # CompanyService's Name (interp.)
    given, ext = r.nullable(body, "externalReference", "", "string", maxLength=100)
    if given:
        out["ExternalId"] = ext
    supplier = r.get(body, "isSupplier", "", "boolean")
    if current is None or supplier is not None:
        out["Type"] = rules.customer_type(bool(is_company), bool(supplier))
        out["Private"] = not is_company
    if body.get("address") is not None:
        addr = r.obj(body["address"], "address")
        for rest_name, soap_name, has_country, has_name in _ADDRESSES:
            if addr is None or addr.get(rest_name) is None:
                continue
            where = f"address.{rest_name}"
            a = r.obj(addr[rest_name], where)
            if a is None:
                continue
            fields: dict = {}
            pairs = list(_ADDRESS_FIELDS) + [("countryCode", "Country")] * has_country \
                + [("name", "Name")] * has_name
            for rest_field, soap_field in pairs:
                limit = {"maxLength": 2} if rest_field == "countryCode" else {}
                given, value = r.nullable(a, rest_field, where, "string", **limit)
                if given:
                    fields[soap_field] = value
            if fields:
                out.setdefault("Addresses", {})[soap_name] = fields
    if body.get("email") is not None:
        email = r.obj(body["email"], "email")
        for rest_field, soap_field in (("contact", "Primary"), ("billing", "Invoice")):
            if email is None:
                break
            given, value = r.nullable(email, rest_field, "email", "string")
            if given:
                out.setdefault("EmailAddresses", {})[soap_field] = {"Value": value}
    for rest_field, soap_field, limit in (("phone", "Primary", {}),
                                          ("mobilePhone", "Mobile", {"maxLength": 25})):
        given, value = r.nullable(body, rest_field, "", "string", **limit)
        if given:
            out.setdefault("PhoneNumbers", {})[soap_field] = {"Value": value}
    if current is None:
        given, rid = r.nullable(body, "id", "", "integer", minimum=1, maximum=INT32[1])
        if rid is not None:
            out["Id"] = rid
    r.check(errors.InvalidCustomer)
    return out


def _since(q: Query, name: str) -> datetime | None:
    """``createdFrom``/``modifiedFrom``: "accepts dates in ISO8601 format": a date (its
    midnight, UTC) or a date-time."""
    text = q.raw(name)
    if text is None:
        return None
    try:
        if len(text.strip()) == 10:
            day = datetime.fromisoformat(text.strip()).date()
            return datetime.combine(day, time(), tzinfo=rules.UTC)
        return parse_datetime(text.strip())
    except (ValueError, OverflowError):
        q.problems.append((name, "format"))
        return None


def _sort_key(field: str):
    if field == "name":
        return lambda item: ((item["name"] or "").casefold(), item["id"])
    if field == "organizationNumber":
        return lambda item: (item.get("organizationNumber") or "", item["id"])
    if field in ("createdAt", "modifiedAt"):
        return lambda item: (item[field] or "", item["id"])
    return lambda item: item["id"]


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def one(token, raw: str) -> Record:
        cid = path_int("customerId", raw, INT32)
        rec = ledger.record(ctx.book(token), COMPANY, cid)
        if rec is None:
            raise not_found(f"Customer {cid}")
        return rec

    @app.get("/v1/customers")
    def customers():
        ctx.meta(operation="GetCustomers")
        token = ctx.authenticate("GET", "/customers")
        q = Query(request.args)
        limit = q.integer("limit", rules.CUSTOMER_PAGE_SIZE, minimum=1, bounds=(1, 100))
        start = q.integer("continuationToken", 0, minimum=0, bounds=INT32)
        org = q.raw("organizationNumber")
        is_company = q.boolean("isCompany", None)  # type: ignore[arg-type]
        is_supplier = q.boolean("isSupplier", None)  # type: ignore[arg-type]
        modified_from, created_from = _since(q, "modifiedFrom"), _since(q, "createdFrom")
        sort_by = q.raw("sortBy") or "id:asc"
        if not _SORT_RE.match(sort_by):
            q.problems.append(("sortBy", "pattern"))
        q.check()
        found = ledger.find_companies(ctx.book(token), organization_number=org or None)
        items = [customer_item(rec) for rec in found
                 if (created_from is None or rules.utc(rec.created) >= created_from)
                 and (modified_from is None or rules.utc(rec.changed) >= modified_from)]
        items = [i for i in items
                 if (is_company is None or i["isCompany"] == is_company)
                 and (is_supplier is None or i["isSupplier"] == is_supplier)]
        field, _, direction = sort_by.partition(":")
        items.sort(key=_sort_key(field), reverse=direction == "desc")
        page = items[start:start + limit]
        links = offset_links(start, limit, start + limit < len(items))
        return json_response(200, jsonout.dumps(page), {"link": links})

    @app.get("/v1/customers/<customer_id>")
    def customer(customer_id: str):
        ctx.meta(operation="GetCustomer")
        token = ctx.authenticate("GET", "/customers/{customerId}")
        return json_response(200, jsonout.dumps(customer_item(one(token, customer_id))))

    def saved(token, fields: dict) -> Record:
        with ctx.clock_scope(token.client_id):
            result, = ledger.save_companies(ctx.book(token), [fields])
        if result.error is not None:
            raise errors.RestError(result.error.text)
        return ledger.record(ctx.book(token), COMPANY, result.id)  # type: ignore[return-value]

    @app.post("/v1/customers")
    def create_customer():
        ctx.meta(operation="CreateCustomer")
        token = ctx.authenticate("POST", "/customers")
        fields = company_fields(json_body(), None)
        if "Id" in fields:
            if ledger.record(ctx.book(token), COMPANY, fields["Id"]) is not None:
                raise errors.CustomerExists(customer_id=fields["Id"])
            fields["ExplicitlySpecifyNewCompanyId"] = True
        return json_response(200, jsonout.dumps(customer_item(saved(token, fields))))

    @app.patch("/v1/customers/<customer_id>")
    def update_customer(customer_id: str):
        ctx.meta(operation="UpdateCustomer")
        token = ctx.authenticate("PATCH", "/customers/{customerId}")
        current = one(token, customer_id)
        fields = company_fields(json_body(), current.data)
        fields["Id"] = current.id
        return json_response(200, jsonout.dumps(customer_item(saved(token, fields))))

    @app.delete("/v1/customers/<customer_id>")
    def delete_customer(customer_id: str):
        ctx.meta(operation="DeleteCustomer")
        token = ctx.authenticate("DELETE", "/customers/{customerId}")
        current = one(token, customer_id)
        with ctx.clock_scope(token.client_id):
            refused, = ledger.delete_companies(ctx.book(token), [current.id])
        if refused is not None:
            raise errors.RestError(refused.text)
        return json_response(204, "")
