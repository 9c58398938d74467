"""R6 sales order writes (the vendor's OpenAPI v0.56.0 ``POST/PATCH/DELETE /salesorders`` and
``/salesorders/{id}/lines``) through InvoiceService's own rules: an order written over REST is
the order SOAP GetInvoices answers (same id, rows and totals) and the other way round;
``status: Invoice`` invoices exactly as SaveInvoices does. Over real sockets: requests, zeep
and py24so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from py24so import BadRequestError
from transaction_helpers import bearer, caller, exact

DAY = dt.datetime(2024, 3, 15, tzinfo=dt.UTC)
WRITE = ("api.invoicing.salesorder:read api.invoicing.salesorder:write "
         "api.invoicing.salesorder:delete api.invoicing.salesorder.line:read "
         "api.invoicing.salesorder.line:write api.invoicing.salesorder.line:delete")


def _setup(client):
    company, = client.companies.SaveCompanies({"Company": [{
        "Name": "Webkunde AS", "OrganizationNumber": "987654321", "GlnNumber": "7080001234567",
        "EmailAddresses": {"Invoice": {"Value": "faktura@webkunde.no"}},
        "Addresses": {"Invoice": {"Street": "Storgata 1", "PostalCode": "0155",
                                  "PostalArea": "Oslo", "City": "Oslo", "Country": "NO"}}}]})
    product, = client.products.SaveProducts({"Product": [
        {"No": "KAFFE", "Name": "Kaffe 500 g", "Price": Decimal("89.90"), "TaxRate": Decimal("15")}]})
    return company.Id, product.Id


def _soap(client, oid):
    found, = client.invoices.GetInvoices({"OrderIds": {"int": [oid]}})
    return found


def test_R6_an_order_written_over_rest_is_the_soap_order_and_invoices_as_save_invoices(
        master_client, tfso_mock):
    client = master_client(fiscal_years=[2024])
    call = caller(tfso_mock.url, client)
    writer = bearer(tfso_mock.url, client, scope=WRITE)
    customer, product = _setup(client)

    made = call("POST", "/salesorders", headers=writer, json={
        "customer": {"id": customer, "name": "Webkunde AS"}, "date": "2024-03-15",
        "memo": "Takk for handelen", "internalMemo": "Ring før levering",
        "referenceNumber": "PO-77", "yourReference": {"name": "Kari Kunde"},
        "paymentMethod": {"id": 1}, "currency": {"code": "NOK"},
        "deliveryCustomer": {"name": "Lager", "street": "Havnegata 2", "postalCode": "5003",
                             "city": "Bergen", "countryCode": "NO"}})
    assert made.status_code == 200, made.text
    order = exact(made)
    oid = order["id"]
    stamp = order["createdAt"]
    assert order == {
        "id": oid,
        "customer": {"id": customer, "organizationNumber": "987654321",
                     "invoiceEmailAddresses": ["faktura@webkunde.no"], "gln": "7080001234567",
                     "name": "Webkunde AS", "street": "Storgata 1", "postalCode": "0155",
                     "postalArea": "Oslo", "city": "Oslo", "countryCode": "NO"},
        "currency": {"code": "NOK", "rate": 1}, "status": "Draft",
        "deliveryCustomer": {"name": "Lager", "street": "Havnegata 2", "postalCode": "5003",
                             "city": "Bergen", "countryCode": "NO"},
        "date": "2024-03-15", "internalMemo": "Ring før levering", "memo": "Takk for handelen",
        "yourReference": {"name": "Kari Kunde"}, "paymentMethod": {"id": 1},
        "referenceNumber": "PO-77", "createdAt": stamp, "modifiedAt": stamp,
        "grossAmount": 0, "netAmount": 0, "taxAmount": 0, "dimensions": []}

    kaffe = call("POST", f"/salesorders/{oid}/lines", headers=writer,
                 json={"type": "product", "product": {"id": product}, "quantity": 2})
    assert kaffe.status_code == 200, kaffe.text
    assert exact(kaffe)["id"] == 1 and exact(kaffe)["price"] == Decimal("89.90")
    freight = call("POST", f"/salesorders/{oid}/lines", headers=writer, json={
        "type": "product", "description": "Frakt", "quantity": 1, "price": 99.5,
        "discountRate": 10, "tax": {"number": 3}})
    assert freight.status_code == 200, freight.text
    assert exact(freight) == {"id": 2, "type": "product", "description": "Frakt", "quantity": 1,
                              "price": Decimal("99.5"), "discountRate": 10,
                              "tax": {"id": 2003, "number": 3, "rate": 25},
                              "account": {"id": 13000, "number": 3000,
                                          "name": "Salgsinntekt, avgiftspliktig"}}
    note = call("POST", f"/salesorders/{oid}/lines", headers=writer,
                json={"type": "text", "description": "Levering fredag"})
    assert exact(note) == {"id": 3, "type": "text", "description": "Levering fredag"}

    # SOAP sees the same order: id, rows, totals (2 x 89.90 = 179.80 + 15 % 26.97;
    # 99.5 - 10 % = 89.55 + 25 % 22.39 (22.3875 half to even))
    soap = _soap(client, oid)
    assert (soap.OrderId, soap.CustomerId, soap.OrderStatus, soap.InvoiceText,
            soap.ReferenceNumber, soap.YourReference, soap.PaymentMethodId) == (
        oid, customer, "Draft", "Takk for handelen", "PO-77", "Kari Kunde", 1)
    assert [(r.RowId, r.Name, r.Quantity) for r in soap.InvoiceRows.InvoiceRow] == [
        (1, "Kaffe 500 g", Decimal("2")), (2, "Frakt", Decimal("1")),
        (3, "Levering fredag", None)]
    assert (soap.OrderTotalIncVat, soap.OrderTotalVat) == (Decimal("318.71"), Decimal("49.36"))
    got = exact(call("GET", f"/salesorders/{oid}"))
    assert (got["grossAmount"], got["netAmount"], got["taxAmount"]) == (
        Decimal("318.71"), Decimal("269.35"), Decimal("49.36"))

    # PATCH a line and delete one: the totals follow, over SOAP too
    patched = call("PATCH", f"/salesorders/{oid}/lines/1", headers=writer, json={"quantity": 3})
    assert (patched.status_code, exact(patched)["quantity"]) == (200, 3)
    assert call("DELETE", f"/salesorders/{oid}/lines/3", headers=writer).status_code == 204
    assert [r.RowId for r in _soap(client, oid).InvoiceRows.InvoiceRow] == [1, 2]
    # 3 x 89.90 = 269.70 + 40.46 (40.455) ; 89.55 + 22.39
    assert _soap(client, oid).OrderTotalIncVat == Decimal("422.10")

    # a SOAP change is a REST change
    resaved, = client.invoices.SaveInvoices({"InvoiceOrder": [
        {"OrderId": oid, "CustomerId": customer, "InvoiceText": "Endret over SOAP"}]})
    assert resaved.APIException is None
    assert exact(call("GET", f"/salesorders/{oid}"))["memo"] == "Endret over SOAP"

    # status Invoice invoices exactly as SaveInvoices does: the twin saved over SOAP posts
    # the same voucher lines
    assert client.ledger() == []
    invoiced = call("PATCH", f"/salesorders/{oid}", headers=writer,
                    json={"status": "Invoice", "invoice": {"date": "2024-03-15"}})
    assert invoiced.status_code == 200, invoiced.text
    body = exact(invoiced)
    assert (body["status"], body["invoice"]["number"], body["grossAmount"]) == (
        "Invoice", 10000, Decimal("422.10"))
    rest_lines = client.ledger()
    twin, = client.invoices.SaveInvoices({"InvoiceOrder": [
        {"CustomerId": customer, "OrderStatus": "Invoiced", "DateOrdered": DAY,
         "DateInvoiced": DAY,
         "InvoiceRows": {"InvoiceRow": [
             {"ProductId": product, "Quantity": Decimal("3")},
             {"Name": "Frakt", "Quantity": Decimal("1"), "Price": Decimal("99.5"),
              "DiscountRate": Decimal("10"), "TaxSettings": {"TaxCode": 3},
              "VatRate": Decimal("25")}]}}]})
    assert twin.APIException is None and twin.InvoiceId == 10001
    twin_lines = client.ledger()[len(rest_lines):]

    def shape(lines):
        return [(ln["account_no"], ln["amount"], ln.get("tax_no")) for ln in lines]

    assert shape(rest_lines) == shape(twin_lines)
    assert [ln["amount"] for ln in rest_lines if ln["account_no"] == 1500] == ["422.10"]
    assert _soap(client, oid).InvoiceId == 10000

    # invoiced: no more changes; nothing changed by the refusals
    gone = call("DELETE", f"/salesorders/{oid}", headers=writer)
    assert (gone.status_code, exact(gone)["error"]["name"]) == (409, "ConflictError")
    gone = call("DELETE", f"/salesorders/{oid}/lines/1", headers=writer)
    assert gone.status_code == 409, gone.text
    late = call("PATCH", f"/salesorders/{oid}/lines/1", headers=writer, json={"quantity": 1})
    assert (late.status_code, exact(late)["error"]["name"]) == (400, "BadRequestError")
    assert len(client.ledger()) == len(rest_lines) + len(twin_lines)


def test_R6_soap_order_members_are_the_sales_order_fields(master_client, tfso_mock):
    client = master_client(fiscal_years=[2024])
    call = caller(tfso_mock.url, client)
    customer, _ = _setup(client)
    order, = client.invoices.SaveInvoices({"InvoiceOrder": [{
        "CustomerId": customer, "OrderStatus": "Confirmed", "DateOrdered": DAY,
        "CustomerOrgNo": "912345678", "InvoiceEmailAddress": "regnskap@kunde.no",
        "YourReference": "Ola", "OurReference": 7, "PaymentMethodId": 2, "TypeOfSaleId": 1,
        "ReferenceNumber": "R-9", "Currency": {"Symbol": "EUR", "Rate": Decimal("11.5"),
                                               "Unit": 1},
        "AccrualDate": DAY, "AccrualLength": 12, "CustomerDeliveryId": customer,
        "CustomerDeliveryName": "Lager Vest",
        "Addresses": {"Delivery": {"Street": "Kaia 3", "PostalCode": "4006",
                                   "City": "Stavanger", "Country": "NO"}}}]})
    assert order.APIException is None
    got = exact(call("GET", f"/salesorders/{order.OrderId}"))
    stamp = got["createdAt"]
    assert got == {
        "id": order.OrderId,
        "customer": {"id": customer, "organizationNumber": "912345678",
                     "invoiceEmailAddresses": ["regnskap@kunde.no"], "gln": "7080001234567",
                     "name": "Webkunde AS", "street": "Storgata 1", "postalCode": "0155",
                     "postalArea": "Oslo", "city": "Oslo", "countryCode": "NO"},
        "currency": {"code": "EUR", "rate": Decimal("11.5")}, "status": "Confirmed",
        "deliveryCustomer": {"id": customer, "name": "Lager Vest", "street": "Kaia 3",
                             "postalCode": "4006", "city": "Stavanger", "countryCode": "NO"},
        "accrual": {"startDate": "2024-03-15", "length": 12}, "date": "2024-03-15",
        "yourReference": {"name": "Ola"}, "ourReference": {"id": 7},
        "paymentMethod": {"id": 2}, "referenceNumber": "R-9", "salesType": {"id": 1},
        "createdAt": stamp, "modifiedAt": stamp,
        "grossAmount": 0, "netAmount": 0, "taxAmount": 0, "dimensions": []}


def test_R6_bad_sales_order_writes_change_nothing(master_client, tfso_mock):
    client = master_client(fiscal_years=[2024])
    call = caller(tfso_mock.url, client)
    writer = bearer(tfso_mock.url, client, scope=WRITE)
    customer, product = _setup(client)
    made = exact(call("POST", "/salesorders", headers=writer,
                      json={"customer": {"id": customer, "name": "Webkunde AS"}}))
    oid = made["id"]
    before = client.orders()

    def refused(method, path, body, status, name, message=None):
        resp = call(method, path, headers=writer, json=body)
        assert resp.status_code == status, resp.text
        error = exact(resp)["error"]
        assert error["name"] == name, error
        if message is not None:
            assert error["message"] == message
        return error

    refused("POST", "/salesorders", {"customer": {"id": 999, "name": "Ukjent"}}, 400,
            "BadRequestError", "Company with Id 999 was not found.")
    error = refused("POST", "/salesorders", {"customer": {"id": customer}}, 400,
                    "ValidationError")
    assert error["payload"]["validationErrors"] == [{"path": "customer.name",
                                                     "keyword": "required"}]
    refused("POST", f"/salesorders/{oid}/lines", {"product": {"id": 999}, "quantity": 1}, 400,
            "BadRequestError", "Product with Id 999 was not found.")
    error = refused("POST", f"/salesorders/{oid}/lines",
                    {"product": {"id": product}, "quantity": "2", "discountRate": 150,
                     "colour": "red"}, 400, "ValidationError")
    assert error["payload"]["validationErrors"] == [
        {"path": "colour", "keyword": "additionalProperties"},
        {"path": "quantity", "keyword": "type"}, {"path": "discountRate", "keyword": "maximum"}]
    refused("POST", f"/salesorders/{oid}/lines", {"tax": {"id": 424242}}, 400,
            "BadRequestError", "Tax with Id 424242 was not found.")
    error = refused("PATCH", f"/salesorders/{oid}", {"status": "Invoice"}, 400,
                    "BadRequestError", "No lines in the sales order")
    assert error["payload"] == {"errors": [{"type": "NoLines",
                                            "message": "No lines in the sales order",
                                            "arguments": ["lineItems"]}]}
    refused("PATCH", "/salesorders/999", {"memo": "x"}, 404, "NotFoundError")
    refused("DELETE", "/salesorders/999", None, 404, "NotFoundError")
    refused("PATCH", f"/salesorders/{oid}/lines/5", {"quantity": 1}, 404, "NotFoundError")
    wrong = call("POST", "/salesorders", headers=writer, data="{}",
                 )
    assert (wrong.status_code, exact(wrong)["error"]["name"]) == (415, "UnsupportedMediaTypeError")
    # a read-only token (every read scope, the default) may not write
    for method, path in (("POST", "/salesorders"), ("PATCH", f"/salesorders/{oid}"),
                         ("DELETE", f"/salesorders/{oid}"),
                         ("POST", f"/salesorders/{oid}/lines"),
                         ("PATCH", f"/salesorders/{oid}/lines/1"),
                         ("DELETE", f"/salesorders/{oid}/lines/1")):
        denied = call(method, path, json={"customer": {"id": customer, "name": "x"}})
        assert (denied.status_code, exact(denied)["error"]["name"]) == (403, "ForbiddenError")
    assert client.orders() == before and client.ledger() == []

    assert call("DELETE", f"/salesorders/{oid}", headers=writer).status_code == 204
    assert call("GET", f"/salesorders/{oid}").status_code == 404
    assert client.invoices.GetInvoices({"OrderIds": {"int": [oid]}}) in (None, [])


def test_R6_py24so_writes_sales_orders(master_client, tfso_mock):
    """py24so never asks for a scope (its token body has none), and the emulator grants write
    scopes only when asked for (A5): its writes are a 403 PermissionDeniedError, nothing
    written. A py24so client whose token request asks for the write scopes (one override of
    its token request) creates, fills and invoices an order."""
    import json

    from py24so import Client24SO, ClientOptions, PermissionDeniedError
    from py24so.models import SalesOrderCreate, SalesOrderCustomer, SalesOrderLineCreate

    def asking_for_write(api):
        """py24so's own token request, with the write scopes asked for."""
        own = api._client._token_request

        def token_request(http):
            request = own(http)
            body = {**json.loads(request.content), "scope": WRITE}
            headers = {k: v for k, v in request.headers.items() if k.lower() == "user-agent"}
            return http.build_request("POST", request.url, json=body, headers=headers)

        api._client._token_request = token_request
        return api

    client = master_client(fiscal_years=[2024])
    customer, product = _setup(client)
    oauth = client.info["oauth"]
    options = ClientOptions(base_url=f"{tfso_mock.url}/v1",
                            token_url=f"{tfso_mock.url}/oauth/token")
    new = SalesOrderCreate(customer=SalesOrderCustomer(id=customer, name="Webkunde AS"),
                           memo="Fra py24so", date=DAY.date())
    with Client24SO(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                    options=options) as api:
        with pytest.raises(PermissionDeniedError):
            api.sales_orders.create(new)
    assert client.orders() == []
    with asking_for_write(Client24SO(oauth["client_id"], oauth["client_secret"],
                                     oauth["organization"], options=options)) as api:
        order = api.sales_orders.create(new)
        with pytest.raises(BadRequestError) as refused:
            api.sales_orders.invoice(order.id)
        assert refused.value.errors == [{"type": "NoLines", "arguments": ["lineItems"],
                                         "message": "No lines in the sales order"}]
        line = api.sales_orders.lines.create(order.id, SalesOrderLineCreate(
            type="product", product={"id": product}, quantity=2))
        assert (line.id, line.price, line.tax.rate) == (1, 89.90, 15)
        api.sales_orders.lines.update(order.id, line.id, {"quantity": 4})
        api.sales_orders.update(order.id, {"invoice": {"date": "2024-03-15"}})
        done = api.sales_orders.invoice(order.id)
        # 4 x 89.90 = 359.60 + 15 % 53.94
        assert (done.status, done.invoice.number, done.gross_amount) == ("Invoice", 10000, 413.54)
    soap, = client.invoices.GetInvoices({"OrderIds": {"int": [order.id]}})
    assert (soap.InvoiceId, soap.OrderTotalIncVat, soap.InvoiceText) == (
        10000, Decimal("413.54"), "Fra py24so")
    assert [ln["amount"] for ln in client.ledger() if ln["account_no"] == 1500] == ["413.54"]
