"""Issue 15's "Done when": py24so 0.3.0, configured only with ``base_url`` and ``token_url``,
runs EVERY read method it has against the emulator, each answering 200 with the data the
client's one state holds (saved over SOAP, booked, uploaded), and an incremental sync by
``created_from``/``modified_from`` returns exactly the lines created or modified since.

The read methods are enumerated from py24so's own source (every public method of a resource
reachable from ``Client24SO`` that sends a GET or follows pages), so a py24so read method this
test does not run makes it fail."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from decimal import Decimal

import pytest
from transaction_helpers import ALL_SCOPES, bearer, caller, rich_sale, save

from helpers import entry, voucher

UTC = dt.UTC
T0 = dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)

#: py24so asks for no scope: the application's default scopes (``oauth: {scopes}`` of the
#: client, as approved in the vendor's developer portal) are every read scope and the write
#: scopes of GET /fileUpload/{id} (api.accounting.transaction:write) and the uploads
UPLOAD = "api.accounting.transaction:write"
ATTACH = "api.invoicing.salesorder.attachment:write"
PDF = b"%PDF-1.4\n% py24so\n%%EOF\n"


def read_methods(api) -> set[str]:
    """``resource.method`` (sub-resources too: ``products.dimensions.list``) of every public
    method that sends a GET or follows pages."""
    from py24so.resources._sync._resource import Resource

    found: set[str] = set()

    def walk(obj, prefix: str) -> None:
        for name, value in vars(obj).items():
            if isinstance(value, Resource):
                walk(value, f"{prefix}{name}.")
        for name, fn in inspect.getmembers(type(obj), inspect.isfunction):
            if name.startswith("_"):
                continue
            src = inspect.getsource(fn)
            if re.search(r'"GET"', src) or "paginate(" in src:
                found.add(prefix + name)

    for name, value in vars(api).items():
        if isinstance(value, Resource):
            walk(value, f"{name}.")
    return found


@pytest.fixture
def client(tfso_new_client):
    c = tfso_new_client(fiscal_years=[2024],
                        oauth={"scopes": [*ALL_SCOPES.split(), UPLOAD, ATTACH]})
    c.set_time(T0)
    yield c
    c.reset_clock()


def _state(tfso_mock, client) -> dict:
    """Everything py24so reads, made over SOAP and REST: lines (one with a document), a
    company, a product in a category with a dimension and a sales type override, a person,
    a sales order."""
    save(client, [rich_sale(10000)])
    files = client.attachments
    made = files.Create("Pdf")
    ref = {"Id": made.Id, "Type": made.Type, "StampNo": 0}
    files.AppendChunk(ref, b"%PDF-1.4 receipt", 0)
    files.Save({**ref, "FrameInfo": {"ImageFrameInfo": [{"Id": 0, "StampNo": 31,
                                                         "Status": 0}]}}, "Journal")
    client.set_time(T0 + dt.timedelta(minutes=5))
    save(client, [voucher([entry(1920, "125.00", dt.date(2024, 2, 20), StampNo=31),
                           entry(1500, "-125.00", dt.date(2024, 2, 20), CustomerId=123)],
                          sort=3)], sort=3)
    old, new = client.ledger()[:3], client.ledger()[3:]
    client.set_time(T0 + dt.timedelta(minutes=10))
    client.account.UpdateEntryDueDate({"EntryItem": [{"LineId": old[0]["line_id"],
                                                      "DueDate": dt.datetime(2024, 3, 1)}]})
    category, = client.products.SaveCategories({"Category": [{"Name": "Drikke"}]})
    product, = client.products.SaveProducts({"Product": [
        {"No": "KAFFE", "Name": "Kaffe 500 g", "Price": Decimal("89.90"),
         "CategoryId": category.Id}]})
    company, = client.companies.SaveCompanies({"Company": [{"Name": "Webkunde AS"}]})
    person = client.persons.SavePerson({"FirstName": "Kari", "LastName": "Nordmann",
                                        "CustomerId": company.Id})
    order, = client.invoices.SaveInvoices({"InvoiceOrder": [
        {"CustomerId": company.Id, "OrderStatus": "Offer",
         "DateOrdered": dt.datetime(2024, 3, 1, tzinfo=UTC),
         "InvoiceRows": {"InvoiceRow": [{"ProductId": product.Id, "Quantity": Decimal("2")}]}}]})
    assert order.APIException is None
    call = caller(tfso_mock.url, client)
    writer = bearer(tfso_mock.url, client, scope="api.product.dimension:write "
                                                  "api.product.salestype:write")
    assert call("PUT", f"/products/{product.Id}/dimensions/2", headers=writer,
                json={"value": "7"}).status_code == 200
    assert call("PUT", f"/products/{product.Id}/salestypeOverrides/1", headers=writer,
                json={"accountNumber": 3000}).status_code == 200
    return {"old": old, "new": new, "product": product.Id, "category": category.Id,
            "company": company.Id, "person": person, "order": order.OrderId}


def test_issue15_py24so_runs_every_read_method_with_the_states_data(tfso_mock, client):
    from py24so import Client24SO, ClientOptions

    s = _state(tfso_mock, client)
    old, new = s["old"], s["new"]
    oauth = client.info["oauth"]
    options = ClientOptions(base_url=f"{tfso_mock.url}/v1",
                            token_url=f"{tfso_mock.url}/oauth/token")
    ran: set[str] = set()
    with Client24SO(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                    options=options) as api:

        def run(name: str, *args, **kw):
            target = api
            for part in name.split("."):
                target = getattr(target, part)
            ran.add(name)
            result = target(*args, **kw)
            return list(result) if not isinstance(result, (list, dict)) and hasattr(
                result, "__iter__") and not hasattr(result, "model_dump") else result

        # --- accounting, with the incremental sync --------------------------------------------
        def synced(**kw) -> list[str]:
            return [ln.id for ln in run("transaction_lines.list", date_from="2024-01-01",
                                        date_to="2025-01-01", **kw)]

        assert synced() == [ln["line_id"] for ln in old + new]
        assert synced(created_from=T0 + dt.timedelta(minutes=5)) == [
            ln["line_id"] for ln in new]
        assert synced(modified_from=T0 + dt.timedelta(minutes=10)) == [old[0]["line_id"]]
        assert synced(created_from=T0 + dt.timedelta(minutes=5),
                      modified_from=T0 + dt.timedelta(minutes=5)) == [ln["line_id"] for ln in new]
        assert synced(modified_from=T0 + dt.timedelta(days=1)) == []
        bank_line = run("transaction_lines.get", new[0]["line_id"])
        assert (bank_line.account.number, bank_line.amount, bank_line.document_id) == (
            1920, 125, 31)
        accounts = run("accounts.list")
        assert run("accounts.get", bank_line.account.id).number == 1920
        assert [a.number for a in accounts if a.number in (1920, 3000)] == [1920, 3000]
        balances = run("account_balances.list", date_from="2024-02-01", date_to="2024-02-29")
        assert [b.balances[0].change for b in balances if b.account.number == 1920] == [125]
        assert [c.code for c in run("currencies.list")] == ["NOK"]
        taxes = run("taxes.list")
        assert run("taxes.get", taxes[0].id).name == taxes[0].name
        assert [p.type for p in run("fiscal_periods.list")] == ["Year"]
        assert [t.number for t in run("transaction_types.list")][:2] == [1, 2]
        assert [d.name for d in run("dimensions.list")][:2] == ["Project", "Department"]
        assert run("dimensions.get", 2).name == "Department"
        assert [e.value for e in run("dimensions.elements.list", 1)] == ["13"]
        assert run("dimensions.elements.get", 2, "7").name == "Department with ID 7"

        # --- bank, documents -------------------------------------------------------------------
        bank = run("bank_accounts.list", before="2024-12-31")
        assert [(a.ledger_account.number, a.name) for a in bank][0] == (1920, "Bankinnskudd")
        assert run("bank_accounts.get", bank[0].id).balance.amount == 125
        moved = run("bank_transactions.list", date_from="2024-02-01", date_to="2024-02-29")
        assert [(t.bank_transaction_reference, t.type, t.amount.value) for t in moved] == [
            (new[0]["line_id"], "inbound", 125)]
        assert run("bank_transactions.get", new[0]["line_id"]).bank_account.id == bank[0].id
        document = run("documents.get", bank_line.document_id)
        assert (document.document_id, document.content_type) == (31, "application/pdf")

        # --- customers, products, sales --------------------------------------------------------
        customers = run("customers.list")
        assert s["company"] in [c.id for c in customers]
        assert run("customers.get", s["company"]).name == "Webkunde AS"
        assert [a.number for a in run("customers.bank_accounts.list", 10001)] == ["60110512345"]
        assert run("customers.bank_accounts.get", 10001, "60110512345").is_default is True
        assert [p.id for p in run("products.list")] == [s["product"]]
        assert run("products.get", s["product"]).sales_price == 89.9  # py24so reads floats
        assert [(d.dimension_type, d.value) for d in run("products.dimensions.list",
                                                          s["product"])] == [(2, "7")]
        assert [(o.sales_type_id, o.account_number) for o in run(
            "products.sales_type_overrides.list", s["product"])] == [(1, 3000)]
        assert [c.name for c in run("product_categories.list")] == ["Drikke"]
        assert run("product_categories.get", s["category"]).name == "Drikke"
        assert [u.symbol for u in run("product_units.list")][0] == "stk"
        assert [p.id for p in run("price_lists.list")] == [1]
        assert run("price_lists.get", 1).currency_code == "NOK"
        assert [(p.product_id, p.price) for p in run("price_lists.prices", 1,
                                                      product_ids=[s["product"]])] == [
            (s["product"], 89.9)]
        assert [o.id for o in run("sales_orders.list")] == [s["order"]]
        assert run("sales_orders.get", s["order"]).customer.id == s["company"]
        assert [m.name for m in run("payment_methods.list")] == ["Kontanter", "Bankinnskudd"]
        types = run("sales_types.list")
        assert run("sales_types.get", types[0].id).name == types[0].name

        # --- organization and user -------------------------------------------------------------
        assert run("organization.get").name == client.info["name"]
        assert run("me.get").country_code == "NO"
        idents = run("me.identifiers.list")
        assert [i.value for i in idents] == [client.info["username"]]
        assert run("me.identifiers.get", idents[0].id).status == "Confirmed"
        licenses = run("me.licenses.list")
        assert [x.organization_id for x in licenses] == [
            i["client_id"] for i in client.info["identities"]]
        assert run("me.licenses.organization", licenses[0].id).name == client.info["name"]
        people = run("organization.people.list")
        assert [(p.id, p.person_type) for p in people if p.id == s["person"]] == [
            (s["person"], "Client")]
        assert run("organization.people.get", s["person"]).last_name == "Nordmann"

        lines = run("sales_orders.lines.list", s["order"])
        assert [(ln.type, ln.product.id, ln.quantity, ln.price) for ln in lines] == [
            ("product", s["product"], 2, 89.9)]
        assert run("sales_orders.lines.get", s["order"], lines[0].id).id == lines[0].id

        # --- uploads: py24so's token carries the application's default write scopes ---------
        assert run("sales_orders.attachments.list", s["order"]) == []
        attached = api.sales_orders.attachments.upload(s["order"], PDF, filename="ordre.pdf")
        assert attached.model_dump() == {
            "file_id": "1", "order_id": s["order"], "file_name": "ordre.pdf",
            "media_type": "application/pdf", "size": len(PDF),
            "timestamp": T0 + dt.timedelta(minutes=10), "tags": []}
        assert run("sales_orders.attachments.list", s["order"]) == [attached]
        uploaded = api.files.upload(PDF, content_type="application/pdf")
        assert (uploaded.status, uploaded.document_id) == ("Completed", 32)
        status = run("files.get_status", uploaded.file_id)
        assert (status.file_id, status.status, status.document_id) == (
            uploaded.file_id, "Completed", 32)
        assert run("documents.get", 32).content_type == "application/pdf"

        every = read_methods(api)
        every = read_methods(api)
    missing = every - ran
    assert not missing, f"py24so read methods not run: {sorted(missing)}"
    ops = [(r["operation"], r["status"]) for r in client.requests(service="rest")
           if r["operation"] != "GetAccessToken"]
    assert ops and all(status == (201 if op == "AddSalesOrderAttachment" else 200)
                       for op, status in ops), ops
    assert {"AddSalesOrderAttachment", "CreateFileUpload", "UploadFile",
            "GetFileUploadStatus"} <= {op for op, _ in ops}
