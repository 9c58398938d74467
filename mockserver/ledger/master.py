"""The ledger's master-data operations (SPEC M1-M5): what the SOAP and REST surfaces call.

``MasterDataOps`` is a part of ``Ledger``: every change runs in ``_write()`` (the lock, the
store's transaction and one ``master`` log row), and ``_ev_master`` replays that row,
so every process holds the same records. Reads take the lock and return copies of plain dicts.

Companies (the ledger's customers)::

    results = ledger.save_companies(book, [{"Name": "Kunde AS", "BankAccountNo": "1503..."}])
    ledger.find_companies(book, name="kunde")        # -> [CompanyView]
    ledger.delete_companies(book, [10002])

Other kinds share ``save_items`` / ``save_records`` / ``records`` / ``record`` /
``find_records`` / ``delete_records`` with a ``kind`` of ``masterdata.KINDS``; for example the
products and projects other surfaces (REST ``/v1/products``, InvoiceService) read::

    ledger.find_records(book, PRODUCT, ids=[1, 2])          # -> [Record(id, data, created, changed)]
    ledger.record(book, PROJECT, 7)                         # -> Record or None
    ledger.set_fields(book, PRODUCT, 1, {"Stock": Decimal("3")}, "Product")

A record's ``data`` holds the members a client set, by their vendor names (``Name``, ``No``,
``Price`` as Decimal...); its id is the record's ``id`` (companies also carry ``Id``). Items that cannot be saved come back as ``errors.ItemRefused`` in the
result list (the surface writes them in-band); the others are saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import errors
from . import interpretations as rules
from . import reference, relations
from .masterdata import (
    COMPANY,
    INVOICE_ORDER,
    PRICE_LIST,
    PRODUCT,
    MasterData,
    Record,
    decode,
    encode,
    merge,
)
from .model import Customer


@dataclass
class Saved:
    """One item of a Save* call: its id and the record as stored, or the reason it was not."""

    id: int | None
    data: dict
    error: errors.ItemRefused | None = None


class MasterDataOps:
    """Mixed into ``Ledger`` (which provides ``lock``, ``clock``, ``store``, ``_write``, ``_log``,
    ``_current`` and ``book``)."""

    if TYPE_CHECKING:  # what Ledger (core.py) provides
        from contextlib import AbstractContextManager
        from threading import RLock

        from ..clock import Clock
        from .book import ClientBook
        from .directory import Directory

        lock: RLock
        store: Any
        clock: Clock
        directory: Directory
        _write: Callable[[], AbstractContextManager]
        _log: Callable[..., None]
        _current: Callable[[ClientBook], ClientBook]
        book: Callable[[int], ClientBook]
        save_with_relations: Callable[..., list]  # relations.RelationOps

    # --- the one way a record changes ----------------------------------------------------

    def _commit_master(self, book, kind: str, puts: list[tuple[int, dict]], dels: list[int],
                       now: datetime) -> None:
        _apply_master(book, kind, puts, dels, now)
        if puts or dels:
            self._log("master", client=book.client_id, body=lambda: {
                "c": book.client_id, "kind": kind, "now": now.isoformat(),
                "put": [[rid, encode(data)] for rid, data in puts], "del": list(dels)})

    def _ev_master(self, b: dict) -> None:
        _apply_master(self.book(b["c"]), b["kind"],
                      [(rid, decode(data)) for rid, data in b["put"]], b["del"],
                      datetime.fromisoformat(b["now"]))

    # --- generic records -----------------------------------------------------------------

    def save_records(self, book, kind: str, items: list[tuple[int | None, dict]], *,
                     what: str, floor: int = 0, required: tuple[str, ...] = (),
                     explicit_ids: bool = False, check=None) -> list[Saved]:
        """Create (id None) or update (id given: merged field by field) each item.
        ``required``: fields a new record must have; ``explicit_ids``: an unknown id creates
        the record with that id instead of being refused; ``check(book, data)`` may raise
        ``ItemRefused`` for an item."""
        with self._write():
            book = self._current(book)
            now = self.clock.now()
            md: MasterData = book.master
            out: list[Saved] = []
            puts: list[tuple[int, dict]] = []
            taken: set[int] = set()
            for rid, fields in items:
                try:
                    current = self._record_data(book, kind, rid) if rid is not None else None
                    if rid is not None and current is None and not explicit_ids:
                        raise errors.RecordNotFound(what, rid)
                    if current is None:
                        for name in required:
                            if not str(fields.get(name) or "").strip():
                                raise errors.NameRequired(what, name)
                        if rid is None:
                            rid = md.next_id(kind, floor, [*taken, *self._implicit_ids(book, kind)])
                        data = dict(fields)
                    else:
                        data = merge(current, fields)
                    assert rid is not None  # given, or numbered just above
                    if check is not None:
                        check(book, rid, data)
                except errors.ItemRefused as err:
                    out.append(Saved(rid, fields, err))
                    continue
                taken.add(rid)
                puts.append((rid, data))
                out.append(Saved(rid, data))
            self._commit_master(book, kind, puts, [], now)
            return out

    def delete_records(self, book, kind: str, ids: list[int], *, what: str,
                       check=None) -> list[errors.ItemRefused | None]:
        with self._write():
            book = self._current(book)
            now = self.clock.now()
            out: list[errors.ItemRefused | None] = []
            dels: list[int] = []
            for rid in ids:
                try:
                    if rid is None or rid in dels or self._record_data(book, kind, rid) is None:
                        raise errors.RecordNotFound(what, rid)
                    if check is not None:
                        check(book, rid)
                except errors.ItemRefused as err:
                    out.append(err)
                    continue
                dels.append(rid)
                out.append(None)
            self._commit_master(book, kind, [], dels, now)
            return out

    def records(self, book, kind: str) -> list[Record]:
        """Every record of a kind, by id (companies: ``companies`` instead)."""
        with self.lock:
            book = self._current(book)
            if kind == COMPANY:
                return self._companies(book)
            recs = book.master.records.get(kind, {})
            return [Record(r.id, dict(r.data), r.created, r.changed)
                    for _, r in sorted(recs.items())]

    def record(self, book, kind: str, rid: int) -> Record | None:
        with self.lock:
            book = self._current(book)
            if kind == COMPANY:
                return next((r for r in self._companies(book, [rid])), None)
            r = book.master.get(kind, rid)
            return None if r is None else Record(r.id, dict(r.data), r.created, r.changed)

    def deleted_records(self, book, kind: str) -> dict[int, datetime]:
        with self.lock:
            return dict(self._current(book).master.deleted.get(kind, {}))

    def _record_data(self, book, kind: str, rid: int) -> dict | None:
        if kind == COMPANY:
            found = self._companies(book, [rid])
            return found[0].data if found else None
        r = book.master.get(kind, rid)
        return None if r is None else r.data

    @staticmethod
    def _implicit_ids(book, kind: str):
        return book.customers.keys() if kind == COMPANY else ()

    # --- companies (SPEC M2) -------------------------------------------------------------

    def _companies(self, book, ids=None) -> list[Record]:
        """Every company: saved records, and the fixtures' and scenario's customers (same
        ids) that have none, shown with their name and bank account."""
        md = book.master
        saved = md.records.get(COMPANY, {})
        since = rules.fixture_record_time(book)
        out = []
        for cid in (sorted(book.customers) if ids is None else ids):
            cust = book.customers.get(cid)
            if cust is None:
                continue
            rec = saved.get(cid)
            if rec is not None:
                out.append(Record(cid, {**rec.data, "Id": cid}, rec.created, rec.changed))
            else:
                data = {"Id": cid, "Name": cust.name, "Type": rules.FIXTURE_COMPANY_TYPE}
                if cust.bank_account:
                    data["BankAccountNo"] = cust.bank_account
                out.append(Record(cid, data, since, since))
        return out

    def save_companies(self, book, items: list[dict], check=None) -> list[Saved]:
        """SaveCompanies: Id absent (or not positive) creates, Id given updates; with
        ``ExplicitlySpecifyNewCompanyId`` an unknown Id creates the company with that Id.
        An item's ``Relations`` (CompanyService's ``Relation``): ``relations.py``."""
        def save(items, check):
            return self.save_items(book, COMPANY, items, what="Company",
                                   floor=rules.FIRST_COMPANY_ID - 1, required=("Name",),
                                   transient=rules.COMPANY_TRANSIENT_FIELDS,
                                   explicit_flag="ExplicitlySpecifyNewCompanyId", check=check)

        return self.save_with_relations(book, COMPANY, items, save, check)

    def save_items(self, book, kind: str, items: list[dict], *, what: str, floor: int = 0,
                   required=("Name",), transient=frozenset({"Id", "APIException"}),
                   explicit_flag: str | None = None, id_field: str = "Id",
                   check=None) -> list[Saved]:
        """Save* of a kind whose items carry their id in ``id_field`` (absent or not positive:
        create). A refused item is answered as it was sent; a saved one as stored, with its
        id. Items are saved one by one, in order (each refusal leaves the others saved)."""
        out: list[Saved] = []
        for fields in items:
            rid = fields.get(id_field)
            rid = rid if isinstance(rid, int) and rid > 0 else None
            explicit = bool(explicit_flag and fields.get(explicit_flag))
            data = {k: v for k, v in fields.items() if k not in transient and k != id_field}
            saved, = self.save_records(book, kind, [(rid, data)], what=what, floor=floor,
                                       required=required, explicit_ids=explicit, check=check)
            saved.data = ({**saved.data, id_field: saved.id} if saved.error is None
                          else dict(fields))
            out.append(saved)
        return out

    def save_products(self, book, items: list[dict], *,
                      known_references: bool = False) -> list[Saved]:
        """SaveProducts (and REST POST/PATCH /products): Id absent creates, Id given updates;
        a product number (``No``) is unique among the client's products (interpretation).
        ``known_references`` (REST, interpretation REST_PRODUCT_REFERENCES): a CategoryId or
        SupplierId the item sets (not 0, not the one stored) must be a record the client has."""

        def check(book, rid, data):
            no = str(data.get("No") or "").strip()
            for r in book.master.records.get(PRODUCT, {}).values() if no else ():
                if r.id != rid and str(r.data.get("No") or "").strip() == no:
                    raise errors.RecordExists("Product", "No", no)
            if known_references:
                stored = self._record_data(book, PRODUCT, rid) or {}
                for field, kind, what in rules.REST_PRODUCT_REFERENCES:
                    value = data.get(field)
                    if value and value != stored.get(field) \
                            and self._record_data(book, kind, value) is None:
                        raise errors.RecordNotFound(what, value)

        return self.save_items(book, PRODUCT, items, what="Product",
                               transient=rules.PRODUCT_TRANSIENT_FIELDS, check=check)

    def set_product_link(self, book, product_id: int, link: str, target: int | None, value, *,
                         problems=(), refused: errors.VendorError | None = None) -> None:
        """REST PUT /products/{id}/dimensions/{dimensionId} (``link`` PRODUCT_DIMENSIONS, value
        the element) and .../salestypeOverrides/{salesTypeId} (PRODUCT_SALES_TYPES, value the
        account; None removes the pair): one read-modify-write of the product's pairs under the
        lock, so concurrent PUTs never lose one. ``refused`` (what the surface could not read:
        the target id, then the body) and ``problems`` (the body's) are reported in the order
        the vendor checks: the product, the target, then the body."""
        with self._write():
            book = self._current(book)
            self._product_link_checks(book, product_id, link, target, refused)
            assert target is not None  # else refused, raised above
            if link == rules.PRODUCT_DIMENSIONS:
                if reference.dimension_type(book, target) is None:
                    raise errors.RestRecordNotFound(what=f"Dimension type {target}")
                what = "dimension"
            else:
                if not any(n.id == target for n in reference.sales_types(book)):
                    raise errors.RestRecordNotFound(what=f"Sales type {target}")
                what = "sales type override"
                if value is not None and value not in book.accounts:
                    problems = [*problems, ("accountNumber", "enum")]
            if refused is not None:
                raise refused
            if problems:
                raise errors.InvalidProductLink(list(problems), what)
            self._save_product_link(book, product_id, link, target, value)

    def remove_product_link(self, book, product_id: int, link: str, target: int | None, *,
                            refused: errors.VendorError | None = None) -> None:
        """REST DELETE of a product's dimension or sales type override: gone, or never there
        (both 204); the target need not exist (interpretation: nothing to remove)."""
        with self._write():
            book = self._current(book)
            self._product_link_checks(book, product_id, link, target, refused)
            assert target is not None
            self._save_product_link(book, product_id, link, target, None)

    def _product_link_checks(self, book, product_id: int, link: str, target: int | None,
                             refused: errors.VendorError | None) -> None:
        if link not in (rules.PRODUCT_DIMENSIONS, rules.PRODUCT_SALES_TYPES):
            raise ValueError(link)
        if book.master.get(PRODUCT, product_id) is None:
            raise errors.RestRecordNotFound(what=f"Product {product_id}")
        if target is None:
            raise refused or ValueError("no target")

    def _save_product_link(self, book, product_id: int, link: str, target: int, value) -> None:
        rec = book.master.get(PRODUCT, product_id)
        pairs = product_links(rec.data, link)
        if value is None:
            if pairs.pop(target, None) is None:
                return  # nothing to remove: nothing written
        else:
            pairs[target] = value
        kept = [[k, v] for k, v in sorted(pairs.items())]
        saved, = self.save_products(book, [{"Id": product_id,
                                            rules.PRODUCT_REST_ONLY: {link: kept}}])
        if saved.error is not None:
            raise errors.RestError(saved.error.text)

    def price_lists(self, book) -> list[tuple[int, dict]]:
        """(id, members) of REST ``/pricelists``: the standard list (``rules.PRICE_LIST``,
        the products' own prices) first, then the scenario's (GetAllPriceLists'), by id."""
        std: dict[str, Any] = rules.PRICE_LIST
        standard = {"Name": std["name"], "Description": std["description"],
                    "IncVat": std["isInclusiveTax"], "Currency": None}
        return [(int(std["id"]), standard),
                *((r.id, r.data) for r in self.records(book, PRICE_LIST))]

    def price_list_prices(self, book, list_id: int) -> list[tuple[int, Decimal]] | None:
        """(product id, price) of one list, by product id; None: no such list. The standard
        list's are the products' ``Price`` (none: 0)."""
        if list_id == rules.PRICE_LIST["id"]:
            return [(r.id, _decimal(r.data.get("Price"))) for r in self.records(book, PRODUCT)]
        rec = self.record(book, PRICE_LIST, list_id)
        if rec is None:
            return None
        return sorted((int(pid), _decimal(price))
                      for pid, price in (rec.data.get("Prices") or {}).items())

    def delete_product_category(self, book, category_id: int) -> list[errors.ItemRefused | None]:
        """REST DELETE /productcategories/{id} (ProductService has no delete): refused while a
        product or another category refers to it (interpretation: nothing left dangling)."""

        def in_use(book, cid):
            md = book.master
            if any(r.data.get("CategoryId") == cid for r in md.records.get(PRODUCT, {}).values()) \
                    or any(r.data.get("ParentId") == cid
                           for r in md.records.get("product_category", {}).values()):
                raise errors.CategoryInUse(cid)

        return self.delete_records(book, "product_category", [category_id], what="Category",
                                   check=in_use)

    def delete_companies(self, book, ids: list[int]) -> list[errors.ItemRefused | None]:
        def in_use(book, cid):
            if any(ln.customer_id == cid for ln in book.lines.values()):
                raise errors.CompanyInUse(cid)
            _not_on_orders(book, "Company", cid,
                           lambda order: order.get("CustomerId") == cid)

        return self.delete_records(book, COMPANY, ids, what="Company", check=in_use)

    def delete_products(self, book, ids: list[int]) -> list[errors.ItemRefused | None]:
        """DeleteProducts (and REST's DELETE): a product on an order's row is kept."""
        def in_use(book, pid):
            _not_on_orders(book, "Product", pid, lambda order: any(
                row.get("ProductId") == pid for row in order.get("InvoiceRows") or ()))

        return self.delete_records(book, PRODUCT, ids, what="Product", check=in_use)

    def find_companies(self, book, *, company_id: int | None = None, ids=None,
                       external_id: str | None = None, name: str | None = None,
                       changed_after: datetime | None = None, email: str | None = None,
                       phone: str | None = None, organization_number: str | None = None
                       ) -> list[Record]:
        """GetCompanies: every search parameter given must match (interpretations: name,
        e-mail and phone as ``rules.company_matches`` reads them)."""
        wanted = None
        if company_id is not None or ids:
            wanted = sorted({*(ids or ()), *([company_id] if company_id is not None else [])})
        with self.lock:
            book = self._current(book)
            found = self._companies(book, wanted)
        return [r for r in found if rules.company_matches(
            r, external_id=external_id, name=name, changed_after=changed_after, email=email,
            phone=phone, organization_number=organization_number)]

    def company_sync_list(self, book, *, changed_after=None, registered_after=None,
                          active: bool | None = None) -> list[dict]:
        """GetCompanySyncList: companies (Active) and deleted ones (not Active) changed after
        a time, oldest change first."""
        with self.lock:
            book = self._current(book)
            rows: list[dict[str, Any]] = [{"CompanyId": r.id, "ExternalId": r.data.get("ExternalId"),
                     "DateChanged": r.changed, "DateRegistered": r.created, "Active": True}
                    for r in self._companies(book)]
            rows += [{"CompanyId": cid, "ExternalId": None, "DateChanged": when,
                      "DateRegistered": when, "Active": False}
                     for cid, when in book.master.deleted.get(COMPANY, {}).items()]
        if active is not None:
            rows = [r for r in rows if r["Active"] == active]
        if changed_after is not None:
            rows = [r for r in rows if rules.after(r["DateChanged"], changed_after)]
        if registered_after is not None:
            rows = [r for r in rows if rules.after(r["DateRegistered"], registered_after)]
        rows.sort(key=lambda r: (rules.utc(r["DateChanged"]), r["CompanyId"]))
        return rows


    # --- the client (SPEC M1: ClientService) -------------------------------------------------

    def client_information(self, book, session) -> dict:
        """GetClientInformation: the logged-in client and user."""
        with self.lock:
            book = self._current(book)
            info = dict(rules.CLIENT_DEFAULTS)
            saved = book.master.records.get("client", {}).get(0)
            info.update(saved.data if saved is not None else {})
            info["Name"] = book.name
            info["UserId"] = session.user.contact_id
            return info

    def currencies(self, book) -> list[dict]:
        """GetCurrencyList: the local currency first, then the client's own (scenario) and
        every currency booked, by code; ids are ISO 4217 numbers (``rules.currency_id``)."""
        with self.lock:
            book = self._current(book)
            own = {r.data.get("Symbol"): r.data for r in book.master.records.get(
                "currency", {}).values()}
            used = {ln.currency for ln in book.lines.values()}
        codes = {c.strip().upper() for c in [*own, *used] if c and c.strip()}
        codes -= rules.LOCAL_CURRENCIES
        out = [{"Symbol": rules.LOCAL_CURRENCY, "Id": rules.currency_id(rules.LOCAL_CURRENCY),
                "Rate": rules.LOCAL_RATE, "Unit": 1}]
        for code in sorted(codes):
            mine = own.get(code, {})
            out.append({"Symbol": code, "Id": mine.get("Id") or rules.currency_id(code),
                        "Rate": mine.get("Rate", rules.LOCAL_RATE), "Unit": mine.get("Unit", 1)})
        return out

    def users(self, book) -> list[dict]:
        """GetUsers: the logins with an identity on this client, then the scenario's users."""
        with self.lock:
            book = self._current(book)
            out = []
            for user in self.directory.users.values():
                if any(i.client_id == book.client_id for i in user.identities):
                    out.append({"ContactId": user.contact_id, "Id": user.user_id,
                                "Name": user.name})
            out += [dict(r.data) for _, r in sorted(book.master.records.get("user", {}).items())]
            return out


    def find_records(self, book, kind: str, ids=None, changed_after=None, match=None,
                     deactivated: bool | None = None) -> list[Record]:
        """Records of a kind: of ``ids`` (if given), changed after a time, ``match(data)``,
        and (``deactivated`` not None) only those whose ``Enabled`` is or is not False."""
        wanted = set(ids) if ids else None
        out = []
        for r in self.records(book, kind):
            if wanted is not None and r.id not in wanted:
                continue
            if changed_after is not None and not rules.after(r.changed, changed_after):
                continue
            if deactivated is not None and (r.data.get("Enabled") is False) != deactivated:
                continue
            if match is not None and not match(r.data):
                continue
            out.append(r)
        return out

    def set_fields(self, book, kind: str, rid: int, fields: dict, what: str) -> bool:
        """Change some fields of one record (SetStockQuantity); False when it does not exist."""
        saved, = self.save_records(book, kind, [(rid, fields)], what=what)
        return saved.error is None


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def product_links(data: dict, link: str) -> dict:
    """A product's pairs of ``link`` (PRODUCT_DIMENSIONS or PRODUCT_SALES_TYPES) as a dict."""
    return {k: v for k, v in (data.get(rules.PRODUCT_REST_ONLY) or {}).get(link) or ()}


def _apply_master(book, kind: str, puts, dels, now: datetime) -> None:
    md = book.master
    for rid, data in puts:
        md.put(kind, rid, relations.without_list(kind, data), now)
        relations.absorb(book, kind, rid, data, now)  # a log written before relations.py
    for rid in dels:
        md.delete(kind, rid, now)
        relations.forget(book, kind, rid, now)
    if kind == COMPANY:  # the ledger's customers are the companies
        customers = dict(book.customers)
        for rid, data in puts:
            customers[rid] = Customer(customer_id=rid, name=str(data.get("Name") or ""),
                                      bank_account=str(data.get("BankAccountNo") or ""))
        for rid in dels:
            customers.pop(rid, None)
        book.customers = customers


__all__ = ["MasterDataOps", "Saved", "product_links"]


def _not_on_orders(book, what: str, rid: int, names: Callable[[dict], bool]) -> None:
    """``rules.KEEP_RECORDS_ON_ORDERS``: refuses deleting what an order names."""
    if not rules.KEEP_RECORDS_ON_ORDERS:
        return
    for oid, order in sorted(book.master.records.get(INVOICE_ORDER, {}).items()):
        if names(order.data):
            raise errors.UsedOnOrders(what, rid, oid)
