"""R6 sales orders (the vendor's OpenAPI v0.56.0 ``/salesorders``, reads): InvoiceService's
orders over REST, one state: an order saved over SOAP SaveInvoices is the sales order of the
same id, with its totals, status and invoice. Over a real socket with requests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from transaction_helpers import bearer, caller, exact

DAY = dt.datetime(2024, 3, 15, tzinfo=dt.UTC)


def _setup(client):
    company, = client.companies.SaveCompanies({"Company": [{"Name": "Webkunde AS"}]})
    product, = client.products.SaveProducts({"Product": [
        {"No": "KAFFE", "Name": "Kaffe 500 g", "Price": Decimal("89.90"), "TaxRate": Decimal("15")}]})
    return company.Id, product.Id


def test_R6_an_order_saved_over_soap_is_the_sales_order_of_the_same_id(master_client, tfso_mock):
    client = master_client(fiscal_years=[2024])
    call = caller(tfso_mock.url, client)
    customer, product = _setup(client)
    offer, invoiced = client.invoices.SaveInvoices({"InvoiceOrder": [
        {"CustomerId": customer, "OrderStatus": "Offer", "DateOrdered": DAY,
         "InvoiceText": "Levering fredag", "InvoiceRows": {"InvoiceRow": [
             {"ProductId": product, "Quantity": Decimal("3")}]}},
        {"CustomerId": customer, "OrderStatus": "Invoiced", "DateOrdered": DAY,
         "DateInvoiced": DAY, "PaymentTime": 10, "InvoiceRows": {"InvoiceRow": [
             {"Name": "Frakt", "Price": Decimal("99"), "Quantity": Decimal("1"),
              "DiscountRate": Decimal("10"), "VatRate": Decimal("25")}]}}]})
    assert (offer.APIException, invoiced.APIException) == (None, None)
    resp = call("GET", f"/salesorders/{offer.OrderId}")
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    got = exact(resp)
    stamp = got["createdAt"]
    assert stamp.endswith("Z") and got["modifiedAt"] == stamp
    assert got == {
        "id": offer.OrderId, "customer": {"id": customer, "name": "Webkunde AS"},
        "currency": {"code": "NOK", "rate": 1}, "status": "Proposal", "date": "2024-03-15", "memo": "Levering fredag",
        "createdAt": stamp, "modifiedAt": stamp,
        # 3 x 89.90 = 269.70 + 15 % 40.455 -> 40.46
        "grossAmount": Decimal("310.16"), "netAmount": Decimal("269.70"),
        "taxAmount": Decimal("40.46"), "dimensions": []}
    got = exact(call("GET", f"/salesorders/{invoiced.OrderId}"))
    assert (got["status"], got["invoice"], got["grossAmount"], got["netAmount"],
            got["taxAmount"]) == (
        "Invoice", {"number": 10000, "date": "2024-03-15", "dueDate": "2024-03-25",
                    "paymentTerms": {"type": "NumberOfDays", "value": 10},
                    "remittanceReference": "100008"},
        Decimal("111.38"), Decimal("89.10"), Decimal("22.28"))

    listed = call("GET", "/salesorders")
    assert listed.status_code == 200, listed.text
    assert [o["id"] for o in exact(listed)] == [offer.OrderId, invoiced.OrderId]
    assert "dimensions" not in exact(listed)[0]
    assert [o["id"] for o in exact(call("GET", "/salesorders", params={"status": "Invoice"}))] \
        == [invoiced.OrderId]
    assert [o["id"] for o in exact(call("GET", "/salesorders",
                                        params={"invoiceNumber": "10000"}))] == [invoiced.OrderId]
    assert exact(call("GET", "/salesorders", params={"customerId": "999"})) == []
    assert exact(call("GET", "/salesorders", params={"dateFrom": "2024-03-16"})) == []
    assert len(exact(call("GET", "/salesorders", params={"date": "2024-03-15"}))) == 2
    assert exact(call("GET", "/salesorders", params={"modifiedFrom": "2999-01-01T00:00:00Z"})) == []
    page = call("GET", "/salesorders", params={"limit": "1"})
    assert [o["id"] for o in exact(page)] == [offer.OrderId]
    assert 'rel="next"' in page.headers["link"]
    nxt = call("GET", "/salesorders", params={"limit": "1", "continuationToken": "1"})
    assert [o["id"] for o in exact(nxt)] == [invoiced.OrderId]

    # bad input: the vendor's 400/404, never a trace
    bad = call("GET", "/salesorders", params={"status": "Offer"})
    assert bad.status_code == 400, bad.text
    assert exact(bad)["error"]["name"] == "ValidationError"
    missing = call("GET", "/salesorders/999")
    assert missing.status_code == 404, missing.text
    # the order's attachments (none yet); no token, 401
    post = call("GET", f"/salesorders/{offer.OrderId}/attachments")
    assert (post.status_code, exact(post)) == (200, []), post.text
    assert call("GET", "/salesorders", headers={}).status_code == 401
    narrow = bearer(tfso_mock.url, client, scope="api.crm.customer:read")
    assert call("GET", "/salesorders", headers=narrow).status_code == 403


def test_R6_py24so_sales_orders(master_client, tfso_mock):
    from py24so import Client24SO, ClientOptions

    client = master_client(fiscal_years=[2024])
    customer, product = _setup(client)
    made, = client.invoices.SaveInvoices({"InvoiceOrder": [
        {"CustomerId": customer, "OrderStatus": "Invoiced", "DateOrdered": DAY, "DateInvoiced": DAY,
         "InvoiceRows": {"InvoiceRow": [{"ProductId": product, "Quantity": Decimal("2")}]}}]})
    assert made.APIException is None
    assert client.rest_get(f"/v1/salesorders/{made.OrderId}").status_code == 200
    oauth = client.info["oauth"]
    options = ClientOptions(base_url=f"{tfso_mock.url}/v1", token_url=f"{tfso_mock.url}/oauth/token")
    with Client24SO(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                    options=options) as api:
        assert [o.id for o in api.sales_orders.list(status="Invoice")] == [made.OrderId]
        got = api.sales_orders.get(made.OrderId)
        assert (got.customer.id, got.customer.name, got.invoice.number, got.dimensions) == (
            customer, "Webkunde AS", 10000, [])
        # 2 x 89.90 = 179.80 + 15 % 26.97
        assert (got.gross_amount, got.net_amount, got.tax_amount) == (206.77, 179.80, 26.97)


def test_R6_sales_order_lines_are_the_orders_invoice_rows(master_client, tfso_mock):
    from py24so import Client24SO, ClientOptions

    client = master_client(fiscal_years=[2024])
    call = caller(tfso_mock.url, client)
    customer, product = _setup(client)
    order, = client.invoices.SaveInvoices({"InvoiceOrder": [
        {"CustomerId": customer, "OrderStatus": "Confirmed", "DateOrdered": DAY,
         "InvoiceRows": {"InvoiceRow": [
             {"ProductId": product, "Quantity": Decimal("3"), "InPrice": Decimal("40.5"),
              "DiscountRate": Decimal("10")},
             {"Type": "Text", "Name": "Levering fredag"},
             {"Name": "Frakt", "Price": Decimal("99"), "Quantity": Decimal("1"),
              "VatRate": Decimal("0"), "Hidden": True}]}}]})
    assert order.APIException is None
    resp = call("GET", f"/salesorders/{order.OrderId}/lines")
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    kaffe = {"id": 1, "type": "product", "product": {"id": product, "number": "KAFFE"},
             "description": "Kaffe 500 g", "quantity": 3, "price": Decimal("89.90"),
             "costPrice": Decimal("40.5"), "discountRate": 10,
             "tax": {"id": 2031, "number": 31, "rate": 15},
             "account": {"id": 13000, "number": 3000, "name": "Salgsinntekt, avgiftspliktig"}}
    assert exact(resp) == [
        kaffe, {"id": 2, "type": "text", "description": "Levering fredag"},
        {"id": 3, "type": "product", "description": "Frakt", "quantity": 1, "price": 99,
         "discountRate": 0, "tax": {"id": 2005, "number": 5, "rate": 0},
         "account": {"id": 13100, "number": 3100, "name": "Salgsinntekt, avgiftsfri"},
         "isHidden": True}]
    one = call("GET", f"/salesorders/{order.OrderId}/lines/1")
    assert (one.status_code, exact(one)) == (200, kaffe)
    # every tax and account id resolves on /taxes and /accounts
    assert exact(call("GET", "/taxes/2031"))["number"] == 31
    assert exact(call("GET", "/accounts/13000"))["number"] == 3000

    for path, message in ((f"/salesorders/{order.OrderId}/lines/9",
                           f"Sales order line 9 of sales order {order.OrderId} was not found"),
                          ("/salesorders/999/lines", "Sales order 999 was not found"),
                          ("/salesorders/999/lines/1", "Sales order 999 was not found")):
        missing = call("GET", path)
        assert (missing.status_code, exact(missing)["error"]) == (
            404, {"name": "NotFoundError", "message": message}), path
    bad = call("GET", f"/salesorders/{order.OrderId}/lines/x")
    assert (bad.status_code, exact(bad)["error"]["name"]) == (400, "ValidationError")
    narrow = bearer(tfso_mock.url, client, scope="api.invoicing.salesorder:read")
    denied = call("GET", f"/salesorders/{order.OrderId}/lines", headers=narrow)
    assert (denied.status_code, exact(denied)["error"]["message"]) == (
        403, "The access token lacks the scope api.invoicing.salesorder.line:read")
    assert client.rest_get(f"/v1/salesorders/{order.OrderId}/lines/3").status_code == 200

    oauth = client.info["oauth"]
    options = ClientOptions(base_url=f"{tfso_mock.url}/v1", token_url=f"{tfso_mock.url}/oauth/token")
    with Client24SO(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                    options=options) as api:
        listed = api.sales_orders.lines.list(order.OrderId)
        assert [(x.id, x.type, x.description) for x in listed] == [
            (1, "product", "Kaffe 500 g"), (2, "text", "Levering fredag"),
            (3, "product", "Frakt")]
        got = api.sales_orders.lines.get(order.OrderId, 1)
        assert (got.product.id, got.product.number, got.quantity, got.price, got.cost_price,
                got.discount_rate, got.tax.id, got.tax.rate, got.account.number) == (
            product, "KAFFE", 3, 89.90, 40.5, 10, 2031, 15, 3000)
