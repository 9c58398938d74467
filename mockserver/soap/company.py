"""CompanyService v001 (SPEC M2): companies are the ledger's customers and suppliers.

Per-item problems of Save*/Delete* come back in-band (an ``APIException`` inside the item,
HTTP 200, the other items saved), never as a fault. The schema is the vendor's WSDL.
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


def _company_out(data: dict, properties=None) -> dict:
    return records.shaped(records.only(data, properties), _model("Company"))


def _refused(item: dict, err: errors.ItemRefused) -> dict:
    return {**item, "APIException": records.api_exception(err)}


def _relations_of(ctx, book, company_ids) -> dict[int, list[dict]]:
    """Company id -> its relations as CompanyService ``Relation``s (the one store:
    ``ledger/relations.py``; FirstName/LastName are the person's)."""
    wanted = set(company_ids)
    found = [r for r in ctx.ledger.relations(book) if r.company_id in wanted]
    persons = {p.id: p.data for p in ctx.ledger.find_records(
        book, PERSON, ids=sorted({r.contact_id for r in found}))} if found else {}
    out: dict[int, list[dict]] = {}
    for r in found:
        out.setdefault(r.company_id, []).append(
            relations.company_fields(r, persons.get(r.contact_id)))
    return out


def SaveCompanies(ctx, companies):
    book = ctx.book()
    model = _model("Company")
    items = [records.given(c, model) for c in companies or () if c is not None]
    saved_all = ctx.ledger.save_companies(book, items)
    listed = [s.id for s, item in zip(saved_all, items, strict=True)
              if s.error is None and "Relations" in item]
    rels = _relations_of(ctx, book, listed) if listed else {}
    out = []
    for saved, item in zip(saved_all, items, strict=True):
        if saved.error is not None:
            out.append(_refused(item, saved.error))
        elif "Relations" in item:
            out.append(_company_out({**saved.data, "Relations": rels.get(saved.id, [])}))
        else:
            out.append(_company_out(saved.data))
    return out


def GetCompanies(ctx, searchParams, returnProperties):
    book = ctx.book()
    p = records.given(searchParams, _model("CompanySearchParameters")) if searchParams else {}
    found = ctx.ledger.find_companies(
        book, company_id=p.get("CompanyId"), ids=p.get("CompanyIds"),
        external_id=p.get("ExternalId"), name=p.get("CompanyName"),
        changed_after=p.get("ChangedAfter"), email=p.get("CompanyEmail"),
        phone=p.get("CompanyPhone"), organization_number=p.get("OrganizationNumber"))
    names = records.only({"Relations": True}, returnProperties)
    rels = _relations_of(ctx, book, [r.id for r in found]) if names and found else {}
    return [_company_out({**r.data, "DateChanged": r.changed, "DateCreated": r.created,
                          **({"Relations": rels[r.id]} if r.id in rels else {})},
                         returnProperties) for r in found]


def GetCompanySyncList(ctx, syncSearchParameters):
    book = ctx.book()
    p = syncSearchParameters or {}
    given = records.given(p, _model("SyncSearchParameters"))
    rows = ctx.ledger.company_sync_list(
        book, changed_after=given.get("ChangedAfter"),
        registered_after=given.get("RegisteredAfter"), active=p.get("Active"))
    size = rules.SYNC_PAGE_SIZE
    pages = max(1, -(-len(rows) // size))
    page = given.get("Page") or 1
    page = page if page >= 1 else 1
    items = rows[(page - 1) * size: page * size]
    return {"CurrentPage": page, "TotalPages": pages, "TotalItems": len(rows),
            "ItemsPerPage": size,
            "Items": [records.shaped(r, _model("SyncCompany")) for r in items]}


def DeleteCompanies(ctx, companies):
    book = ctx.book()
    model = _model("Company")
    items = [records.given(c, model) for c in companies or () if c is not None]
    results = ctx.ledger.delete_companies(book, [c.get("Id") for c in items])
    return [item if err is None else _refused(item, err) for item, err in zip(items, results, strict=True)]


# --- categories, relations, maps, lookups ------------------------------------------------------


def _save_simple(ctx, kind: str, what: str, items, model_name: str, required=("Name",)):
    book = ctx.book()
    model = _model(model_name)
    prepared = []
    for item in items or ():
        if item is None:
            continue
        g = records.given(item, model)
        rid = g.pop("Id", None)
        prepared.append((rid if isinstance(rid, int) and rid > 0 else None, g))
    out = []
    for saved in ctx.ledger.save_records(book, kind, prepared, what=what, required=required):
        data = {**saved.data, "Id": saved.id} if saved.id is not None else dict(saved.data)
        out.append(_refused(data, saved.error) if saved.error else records.shaped(data, model))
    return out


def GetCategories(ctx):
    book = ctx.book()
    return [records.shaped({**r.data, "Id": r.id}, _model("Category"))
            for r in ctx.ledger.records(book, "company_category")]


def SaveCategories(ctx, categories):
    return _save_simple(ctx, "company_category", "Category", categories, "Category")


def _pairs(items):
    out = []
    for kv in items or ():
        if kv is None:
            continue
        try:
            out.append((int(kv.get("Key")), int(kv.get("Value"))))
        except (TypeError, ValueError):
            out.append((None, None))
    return out


def _customer_categories(ctx, book, cid: int) -> list[int]:
    rec = ctx.ledger.record(book, "customer_category", cid)
    return list(rec.data.get("Categories", [])) if rec else []


def GetCustomerCategories(ctx, customerId):
    book = ctx.book()
    return _customer_categories(ctx, book, customerId)


def _change_customer_categories(ctx, items, add: bool):
    book = ctx.book()
    known = {r.id for r in ctx.ledger.records(book, "company_category")}
    out: list[dict | None] = []
    for cid, cat in _pairs(items):
        if cid is None or ctx.ledger.record(book, COMPANY, cid) is None:
            out.append(records.api_exception(errors.RecordNotFound("Company", cid)))
            continue
        if cat not in known:
            out.append(records.api_exception(errors.RecordNotFound("Category", cat)))
            continue
        current = _customer_categories(ctx, book, cid)
        new = sorted({*current, cat}) if add else [c for c in current if c != cat]
        ctx.ledger.save_records(book, "customer_category", [(cid, {"Categories": new})],
                                what="Company", explicit_ids=True)
        out.append(None)
    return [e for e in out if e is not None]


def SaveCustomerCategories(ctx, customerCategories):
    return _change_customer_categories(ctx, customerCategories, add=True)


def DeleteCustomerCategories(ctx, customerCategories):
    return _change_customer_categories(ctx, customerCategories, add=False)


def GetCustomerCategoryTree(ctx):
    book = ctx.book()
    return [{"Key": str(r.id), "Value": r.data.get("Name")}
            for r in ctx.ledger.records(book, "company_category")]


def _key_values(ctx, kind: str):
    book = ctx.book()
    return [{"Key": str(r.id), "Value": r.data.get("Name")} for r in ctx.ledger.records(book, kind)]


def GetIndustries(ctx):
    return _key_values(ctx, "industry")


def GetStatuses(ctx):
    return _key_values(ctx, "status")


def GetCRMGroups(ctx):
    book = ctx.book()
    return [{"Members": [], "Children": [], **r.data, "Id": r.id}
            for r in ctx.ledger.records(book, "crm_group")]


def _company_list_change(ctx, items, model_name: str, member: str, key, remove: bool):
    """Maps live in their company's record (``Maps``). CompanyMap has no APIException member:
    an unknown company (or, deleting, an unknown map) is a fault, raised before anything is
    saved (interpretation)."""
    book = ctx.book()
    model = _model(model_name)
    wanted = [records.given(item, model) for item in items or () if item is not None]
    lists: dict[int, list] = {}
    for g in wanted:
        cid = g.get("CompanyId")
        if not isinstance(cid, int):
            raise errors.UnknownReference("Company", cid)
        if cid not in lists:
            rec = ctx.ledger.record(book, COMPANY, cid)
            if rec is None:
                raise errors.UnknownReference("Company", cid)
            lists[cid] = list(rec.data.get(member) or [])
        current = lists[cid]
        kept = [x for x in current if key(x) != key(g)]
        if remove and len(kept) == len(current):
            raise errors.UnknownReference(model_name, key(g))
        lists[cid] = kept if remove else [*kept, g]
    ctx.ledger.save_records(book, COMPANY, [(cid, {member: lst}) for cid, lst in lists.items()],
                            what="Company")
    return [records.shaped(g, model) for g in wanted]


def _relation_items(items) -> list[dict]:
    model = _model("Relation")
    return [records.given(item, model) for item in items or () if item is not None]


def SaveRelations(ctx, relations_):
    """Relation has no APIException member: an unknown company or person is a Server fault and
    nothing of the call is saved; the answer is each relation as stored (with the person's
    FirstName/LastName)."""
    book = ctx.book()
    wanted = _relation_items(relations_)
    saved = ctx.ledger.save_relations(book, [
        (g.get("ContactId"), g.get("CompanyId"), relations.from_company(g)) for g in wanted])
    persons = {p.id: p.data for p in ctx.ledger.find_records(
        book, PERSON, ids=sorted({r.contact_id for r in saved}))} if saved else {}
    return [records.shaped(relations.company_fields(r, persons.get(r.contact_id)),
                           _model("Relation")) for r in saved]


def DeleteRelations(ctx, relations_):
    book = ctx.book()
    wanted = _relation_items(relations_)
    ctx.ledger.delete_relations(book, [(g.get("ContactId"), g.get("CompanyId")) for g in wanted])
    return [records.shaped(g, _model("Relation")) for g in wanted]


def SaveMaps(ctx, maps):
    return _company_list_change(ctx, maps, "CompanyMap", "Maps",
                                lambda m: (m.get("MapType"), m.get("ExternalId")), remove=False)


def DeleteMaps(ctx, maps):
    return _company_list_change(ctx, maps, "CompanyMap", "Maps",
                                lambda m: (m.get("MapType"), m.get("ExternalId")), remove=True)


SERVICE = WsdlService("CompanyService", fixtures_dir() / "vendor" / "CompanyService.wsdl", {
    "SaveCompanies": SaveCompanies, "GetCompanies": GetCompanies,
    "GetCompanySyncList": GetCompanySyncList, "DeleteCompanies": DeleteCompanies,
    "GetCategories": GetCategories, "SaveCategories": SaveCategories,
    "GetCustomerCategories": GetCustomerCategories,
    "SaveCustomerCategories": SaveCustomerCategories,
    "DeleteCustomerCategories": DeleteCustomerCategories,
    "GetCustomerCategoryTree": GetCustomerCategoryTree, "GetIndustries": GetIndustries,
    "GetStatuses": GetStatuses, "GetCRMGroups": GetCRMGroups,
    "SaveRelations": SaveRelations, "DeleteRelations": DeleteRelations,
    "SaveMaps": SaveMaps, "DeleteMaps": DeleteMaps,
})
