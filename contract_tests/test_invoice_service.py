"""D1-D2: InvoiceService. Orders are saved with exact totals and in-band errors; an order saved
as Invoiced gets an invoice number, a KID and one balanced voucher in the ledger (receivable with
customer, invoice number and due date; revenue; VAT), seen by GetTransactions and
/v1/transactionlines; offers and plain orders post nothing. zeep from the vendor WSDL and ?WSDL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from zeep.helpers import serialize_object

DAY = dt.datetime(2024, 3, 15, tzinfo=dt.UTC)


def setup(client):
    company, = client.companies.SaveCompanies({"Company": [{"Name": "Webkunde AS"}]})
    product, = client.products.SaveProducts({"Product": [
        {"No": "KAFFE", "Name": "Kaffe 500 g", "Price": Decimal("89.90"), "TaxRate": Decimal("15")}]})
    return company.Id, product.Id


def save(client, *orders):
    return client.invoices.SaveInvoices({"InvoiceOrder": list(orders)})


def search(client) -> list[dict]:
    return serialize_object(client.transactions.GetTransactions({
        "DateStart": dt.datetime(2024, 1, 1), "DateEnd": dt.datetime(2024, 12, 31),
        "SystemType": None, "HasInvoiceId": None}), dict) or []


def test_D1_D2_offer_then_invoice_posts_one_balanced_voucher(master_client):
    client = master_client(fiscal_years=[2024])
    customer, product = setup(client)
    offer, = save(client, {"CustomerId": customer, "OrderStatus": "Offer", "DateOrdered": DAY,
                           "PaymentTime": 10, "InvoiceRows": {"InvoiceRow": [
                               {"ProductId": product, "Quantity": Decimal("3")},
                               {"Name": "Frakt", "Price": Decimal("99"), "Quantity": Decimal("1"),
                                "DiscountRate": Decimal("10"), "VatRate": Decimal("25")},
                               {"Name": "Takk for handelen", "Type": "Text"}]}})
    assert offer.APIException is None
    assert offer.OrderId == 1
    # 3 x 89.90 = 269.70 + 15 % 40.455 -> 40.46 (half to even: 40.46); 99 - 10 % = 89.10 + 22.275 -> 22.28
    assert (offer.OrderTotalVat, offer.OrderTotalIncVat) == (Decimal("62.74"), Decimal("421.54"))
    assert [r.Name for r in offer.InvoiceRows.InvoiceRow] == ["Kaffe 500 g", "Frakt", "Takk for handelen"]
    assert offer.InvoiceId is None and client.ledger() == []

    invoiced, = save(client, {"OrderId": offer.OrderId, "OrderStatus": "Invoiced",
                              "DateInvoiced": DAY})
    assert invoiced.APIException is None
    assert invoiced.InvoiceId == 10000
    assert invoiced.OCR == "100008"
    assert invoiced.DateInvoiced == DAY
    assert invoiced.OrderTotalIncVat == Decimal("421.54")
    rows = search(client)
    assert [(r["AccountNo"], r["Amount"], r["VatCode"], r["InvoiceNo"]) for r in rows] == [
        (1500, Decimal("421.54"), 0, "10000"),
        (3000, Decimal("-269.70"), 31, "10000"),
        (3000, Decimal("-89.10"), 3, "10000"),
        (2700, Decimal("-62.74"), 0, "10000")]
    assert sum(r["Amount"] for r in rows) == 0
    assert len({r["TransactionNo"] for r in rows}) == 1
    assert rows[0]["DueDate"] == dt.datetime(2024, 3, 25, tzinfo=dt.UTC)
    assert rows[0]["OCR"] == "100008"
    assert rows[0]["SystemType"] == "InvoiceCustomer"

    resp = client.rest_get("/v1/transactionlines", dateFrom="2024-01-01", dateTo="2025-01-01")
    assert resp.status_code == 200
    receivable = next(x for x in resp.json() if x["account"]["number"] == 1500)
    assert receivable["invoice"] == {"number": "10000", "dueDate": "2024-03-25",
                                     "remittanceReference": "100008"}
    assert receivable["customer"] == {"id": customer}

    again, = save(client, {"OrderId": offer.OrderId, "InvoiceTitle": "x"})
    assert again.APIException.Message == (
        "InvoiceOrder with OrderId 1 is invoiced and can no longer be changed; use "
        "UpdateInvoices for InvoiceTitle and ReferenceNumber.")
    assert len(search(client)) == 4


def test_D1_include_vat_payment_and_plain_orders(master_client):
    client = master_client(fiscal_years=[2024])
    customer, _ = setup(client)
    plain, = save(client, {"CustomerId": customer, "InvoiceRows": {"InvoiceRow": [
        {"Name": "Vare", "Price": Decimal("100"), "Quantity": Decimal("2")}]}})
    # OrderStatus is Web, the WSDL default, which XmlSerializer leaves out
    assert (plain.OrderStatus, plain.OrderTotalIncVat, plain.OrderTotalVat) == (
        None, Decimal("250.00"), Decimal("50.00"))
    assert [o.OrderId for o in client.invoices.GetInvoices(
        {"OrderStates": {"OrderSlipStateType": ["Web"]}})] == [plain.OrderId]
    assert client.ledger() == []
    paid, = save(client, {"CustomerId": customer, "OrderStatus": "Invoiced", "IncludeVAT": True,
                          "DateInvoiced": DAY, "PaymentAmount": Decimal("125.00"),
                          "InvoiceRows": {"InvoiceRow": [
                              {"Name": "Vare", "Price": Decimal("125"), "Quantity": Decimal("1")}]}})
    assert (paid.OrderTotalIncVat, paid.OrderTotalVat, paid.InvoiceId) == (
        Decimal("125.00"), Decimal("25.00"), 10000)
    assert paid.Paid == DAY
    lines = client.ledger()
    assert [(ln["account_no"], ln["amount"]) for ln in lines] == [
        (1500, "125.00"), (3000, "-100.00"), (2700, "-25.00"), (1920, "125.00"), (1500, "-125.00")]
    receivables = [ln for ln in lines if ln["account_no"] == 1500]
    assert receivables[0]["link_id"] is not None
    assert receivables[0]["link_id"] == receivables[1]["link_id"]


def test_D1_in_band_refusals_save_the_others(master_client):
    client = master_client(fiscal_years=[2024])
    customer, product = setup(client)
    result = save(client,
                  {"CustomerId": 999999, "InvoiceRows": {"InvoiceRow": [{"Name": "x"}]}},
                  {"InvoiceRows": {"InvoiceRow": [{"Name": "x"}]}},
                  {"CustomerId": customer, "InvoiceRows": {"InvoiceRow": [{"ProductId": 77}]}},
                  {"CustomerId": customer, "ProjectId": 5},
                  {"CustomerId": customer, "InvoiceRows": {"InvoiceRow": [
                      {"Name": "x", "Price": Decimal(1), "VatRate": Decimal("7")}]}},
                  {"OrderId": 42, "CustomerId": customer},
                  {"CustomerId": customer, "OrderStatus": "Invoiced",
                   "DateInvoiced": dt.datetime(2019, 1, 1, tzinfo=dt.UTC),
                   "InvoiceRows": {"InvoiceRow": [{"ProductId": product}]}},
                  {"CustomerId": customer, "InvoiceRows": {"InvoiceRow": [{"ProductId": product}]}})
    assert [(o.OrderId, o.APIException and o.APIException.Message) for o in result] == [
        (None, "Company with Id 999999 was not found."),
        (None, "CustomerId is required to create a new InvoiceOrder."),
        (None, "Product with Id 77 was not found."),
        (None, "Project with Id 5 was not found."),
        (None, "VatRate 7 is not an output VAT rate of the client (0, 12, 15, 25); set "
               "TaxSettings.TaxCode."),
        (42, "InvoiceOrder with Id 42 was not found."),
        (None, "The invoice could not be posted: Could not finish last Bundle! iError:2"),
        (1, None)]
    assert result[0].APIException.Type == "ValidationException"
    assert client.ledger() == []
    assert [o.OrderId for o in client.invoices.GetInvoices({})] == [1]


def test_D1_get_invoices_search_sync_list_update_and_lookups(master_client):
    client = master_client(fiscal_years=[2024])
    customer, product = setup(client)
    other, = client.companies.SaveCompanies({"Company": [{"Name": "Annen AS"}]})
    t0 = client.invoices.GetInvoices({}) or []
    assert t0 == []
    a, b, c = save(client,
                   {"CustomerId": customer, "OrderStatus": "Offer", "ExternalStatus": 3,
                    "InvoiceRows": {"InvoiceRow": [{"ProductId": product}]}},
                   {"CustomerId": other.Id, "OrderStatus": "Invoiced", "DateInvoiced": DAY,
                    "InvoiceRows": {"InvoiceRow": [{"ProductId": product}]}},
                   {"CustomerId": customer, "OrderStatus": "Draft"})
    assert [o.OrderId for o in (a, b, c)] == [1, 2, 3]

    def ids(params):
        return [o.OrderId for o in client.invoices.GetInvoices(params) or []]

    assert ids({"CustomerIds": {"int": [customer]}}) == [1, 3]
    assert ids({"OrderStates": {"OrderSlipStateType": ["Invoiced", "Draft"]}}) == [2, 3]
    assert ids({"InvoiceIds": {"int": [b.InvoiceId]}}) == [2]
    assert ids({"OrderIds": {"int": [3, 1]}}) == [1, 3]
    assert ids({"ExternalStatus": {"int": [3]}}) == [1]
    only, = client.invoices.GetInvoices({"OrderIds": {"int": [2]}}, {"string": ["OrderId", "InvoiceRows"]},
                                        {"string": ["Price"]})
    assert (only.OrderId, only.CustomerId, only.InvoiceRows.InvoiceRow[0].Price,
            only.InvoiceRows.InvoiceRow[0].Name) == (2, None, Decimal("89.90"), None)
    assert client.invoices.GetOrderSyncList({"RegisteredAfter": dt.datetime(2000, 1, 1)}) == [1, 2, 3]

    updated, refused = client.invoices.UpdateInvoices({"InvoiceOrder": [
        {"OrderId": 2, "InvoiceTitle": "Ny tittel", "ReferenceNumber": "PO-9", "CustomerId": 1},
        {"OrderId": 1, "InvoiceTitle": "x"}]})
    assert (updated.InvoiceTitle, updated.ReferenceNumber, updated.CustomerId) == (
        "Ny tittel", "PO-9", other.Id)
    assert refused.APIException.Message == (
        "InvoiceOrder with OrderId 1 is not invoiced; UpdateInvoices updates invoiced orders only.")
    assert client.invoices.GetOrderSyncList({"ChangedAfter": updated.DateChanged
                                             - dt.timedelta(microseconds=1),
                                             "RegisteredAfter": dt.datetime(2000, 1, 1)}) == [2]
    assert [m.Description for m in client.invoices.GetDeliveryMethods()] == ["Post", "E-post", "Hentes"]
    assert [m.Name for m in client.invoices.GetPaymentMethods()] == ["Bank", "Kort", "Vipps"]
    template, = client.invoices.GetInvoiceTemplates()
    assert (template.Name, template.IsDefault) == ("Standard faktura", True)


def test_D3_the_invoice_pdf_opens_and_says_what_was_invoiced(master_client):
    import io

    import pypdf
    import zeep

    client = master_client(fiscal_years=[2024])
    customer, product = setup(client)
    invoiced, = save(client, {"CustomerId": customer, "OrderStatus": "Invoiced", "DateInvoiced": DAY,
                              "PaymentTime": 30, "YourReference": "Kari Nordmann",
                              "InvoiceRows": {"InvoiceRow": [
                                  {"ProductId": product, "Quantity": Decimal("2")},
                                  {"Name": "Gavekort ærlig", "Price": Decimal("100"),
                                   "VatRate": Decimal("0")}]}})
    pdf = client.invoices.GetInvoiceDocument({"InvoiceId": invoiced.InvoiceId})
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Faktura 10000", "Webkunde AS", "Kunde 10002", "15.03.2024", "14.04.2024",
                     "100008", "Kaffe 500 g", "179,80", "Gavekort ærlig", "100,00",
                     "Sum eks. mva", "279,80", "26,97", "306,77", "Kari Nordmann"):
        assert expected in text, (expected, text)
    assert invoiced.OrderTotalIncVat == Decimal("306.77")
    assert client.invoices.GetInvoiceDocument({"InvoiceId": invoiced.InvoiceId}) == pdf
    with pytest.raises(zeep.exceptions.Fault) as err:
        client.invoices.GetInvoiceDocument({"InvoiceId": 4242})
    assert err.value.message == ("Server was unable to process request. ---> Invoice with Id 4242 "
                                 "was not found.")


def test_D2_a_credit_note_posts_the_reversed_voucher_with_its_own_number(master_client):
    """An Invoiced order whose total is negative (returned goods) is a credit note
    (interpretation): the invoice's voucher with every sign reversed, the next invoice number,
    "Kreditnota N"; ReferenceInvoiceId names the invoice it credits; a refund is negative."""
    import io

    import pypdf

    client = master_client(fiscal_years=[2024])
    customer, product = setup(client)
    sold, = save(client, {"CustomerId": customer, "OrderStatus": "Invoiced", "DateInvoiced": DAY,
                          "InvoiceRows": {"InvoiceRow": [
                              {"ProductId": product, "Quantity": Decimal("2")}]}})
    assert (sold.InvoiceId, sold.OrderTotalIncVat) == (10000, Decimal("206.77"))
    returned = {"CustomerId": customer, "OrderStatus": "Invoiced", "DateInvoiced": DAY,
                "ReferenceInvoiceId": sold.InvoiceId, "InvoiceRows": {"InvoiceRow": [
                    {"ProductId": product, "Quantity": Decimal("-2")}]}}
    wrong_sign, = save(client, {**returned, "PaymentAmount": Decimal("206.77")})
    assert wrong_sign.APIException.Message == (
        "PaymentAmount 206.77 does not have the sign of OrderTotalIncVat -206.77; a credit "
        "note's refund is negative.")
    unknown, = save(client, {**returned, "ReferenceInvoiceId": 4242})
    assert unknown.APIException.Message == "Invoice with Id 4242 was not found."
    assert len(search(client)) == 3  # nothing of the refused ones
    credit, = save(client, {**returned, "PaymentAmount": Decimal("-206.77")})
    assert credit.APIException is None
    assert (credit.InvoiceId, credit.OCR, credit.OrderTotalIncVat, credit.OrderTotalVat) == (
        10001, "100016", Decimal("-206.77"), Decimal("-26.97"))
    assert credit.Paid == DAY
    rows = search(client)
    assert [(r["AccountNo"], r["Amount"], r["InvoiceNo"], r["Comment"]) for r in rows] == [
        (1500, Decimal("206.77"), "10000", "Faktura 10000"),
        (3000, Decimal("-179.80"), "10000", "Kaffe 500 g"),
        (2700, Decimal("-26.97"), "10000", "Faktura 10000"),
        (1500, Decimal("-206.77"), "10001", "Kreditnota 10001"),
        (3000, Decimal("179.80"), "10001", "Kaffe 500 g"),
        (2700, Decimal("26.97"), "10001", "Kreditnota 10001"),
        (1920, Decimal("-206.77"), None, "Utbetaling kreditnota 10001"),
        (1500, Decimal("206.77"), "10001", "Utbetaling kreditnota 10001")]
    assert rows[3]["TransactionNo"] == rows[0]["TransactionNo"] + 1
    assert rows[3]["DueDate"] == dt.datetime(2024, 3, 29, tzinfo=dt.UTC)
    pdf = client.invoices.GetInvoiceDocument({"InvoiceId": credit.InvoiceId})
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("Kreditnota 10001", "Krediterer faktura 10000", "-206,77"):
        assert expected in text, (expected, text)


def test_D2_an_invoice_in_a_foreign_currency_posts_in_it_with_its_rate(master_client):
    """An order whose Currency is not NOK posts its voucher as SaveBundleList books foreign
    currency (S4): amounts in the currency with CurrencyRate; what converting each entry to NOK
    rounds away is booked on 8160 (S9). The rate: Currency.Rate, else the client's currency."""
    client = master_client(scenario={"fiscal_years": [2024],
                                     "currencies": [{"code": "USD", "rate": "10.50"}]})
    eur, = save(client, {"CustomerId": 123, "OrderStatus": "Invoiced", "DateInvoiced": DAY,
                         "Currency": {"Symbol": "EUR", "Rate": Decimal("11.4567")},
                         "InvoiceRows": {"InvoiceRow": [
                             {"Name": "Vare", "Price": Decimal("20.07")},
                             {"Name": "Te", "Price": Decimal("7.77"), "VatRate": Decimal("15")}]}})
    assert (eur.InvoiceId, eur.OrderTotalIncVat, eur.OrderTotalVat) == (
        10000, Decimal("34.03"), Decimal("6.19"))
    usd, = save(client, {"CustomerId": 123, "OrderStatus": "Invoiced", "DateInvoiced": DAY,
                         "Currency": {"Symbol": "USD"},
                         "InvoiceRows": {"InvoiceRow": [{"Name": "Vare", "Price": Decimal("10")}]}})
    assert (usd.InvoiceId, usd.OrderTotalIncVat) == (10001, Decimal("12.50"))
    unknown, = save(client, {"CustomerId": 123, "OrderStatus": "Invoiced", "DateInvoiced": DAY,
                             "Currency": {"Symbol": "SEK"},
                             "InvoiceRows": {"InvoiceRow": [{"Name": "x", "Price": Decimal("1")}]}})
    assert unknown.APIException.Message == (
        "Currency SEK has no rate: send Currency.Rate or add the currency to the client.")
    rows = search(client)
    assert [(r["AccountNo"], r["Amount"], r["Currency"], r["CurrencyRate"]) for r in rows] == [
        (1500, Decimal("34.03"), "EUR", Decimal("11.4567")),
        (3000, Decimal("-20.07"), "EUR", Decimal("11.4567")),
        (3000, Decimal("-7.77"), "EUR", Decimal("11.4567")),
        (2700, Decimal("-6.19"), "EUR", Decimal("11.4567")),
        (8160, Decimal("0.01"), "NOK", Decimal("1")),  # 389.87 - 229.94 - 89.02 - 70.92 = -0.01 NOK
        (1500, Decimal("12.50"), "USD", Decimal("10.50")),
        (3000, Decimal("-10.00"), "USD", Decimal("10.50")),
        (2700, Decimal("-2.50"), "USD", Decimal("10.50"))]
    pdf = client.invoices.GetInvoiceDocument({"InvoiceId": eur.InvoiceId})
    import io

    import pypdf

    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Å betale EUR" in text and "34,03" in text, text


def test_D2_payment_amount_is_taken_by_save_invoices_only(master_client):
    """FAQ: "Can't find the PaymentAmount field when I use GetInvoices? This field is only used
    with the SaveInvoices method": GetInvoices never shows it, even when asked for by name, nor
    does UpdateInvoices' answer; the payment is booked all the same."""
    client = master_client(fiscal_years=[2024])
    customer, _ = setup(client)
    paid, = save(client, {"CustomerId": customer, "OrderStatus": "Invoiced", "IncludeVAT": True,
                          "DateInvoiced": DAY, "PaymentAmount": Decimal("125.00"),
                          "InvoiceRows": {"InvoiceRow": [
                              {"Name": "Vare", "Price": Decimal("125"), "Quantity": Decimal("1")}]}})
    assert (paid.APIException, paid.PaymentAmount, paid.Paid) == (None, Decimal("125.00"), DAY)
    read, = client.invoices.GetInvoices({"OrderIds": {"int": [paid.OrderId]}})
    assert (read.OrderId, read.Paid, read.PaymentAmount) == (paid.OrderId, DAY, None)
    asked, = client.invoices.GetInvoices({"OrderIds": {"int": [paid.OrderId]}},
                                         {"string": ["OrderId", "PaymentAmount"]})
    assert (asked.OrderId, asked.PaymentAmount) == (paid.OrderId, None)
    updated, = client.invoices.UpdateInvoices({"InvoiceOrder": [
        {"OrderId": paid.OrderId, "InvoiceTitle": "Nettordre", "IncludeVAT": None}]})
    assert (updated.APIException, updated.InvoiceTitle, updated.PaymentAmount) == (
        None, "Nettordre", None)
    assert [(ln["account_no"], ln["amount"]) for ln in client.ledger()][-2:] == [
        (1920, "125.00"), (1500, "-125.00")]


def test_D2_an_order_without_payment_time_takes_its_customers_terms(master_client):
    """Company.PaymentTime (the customer's terms) sets the invoice's due date when the order
    sends no PaymentTime; the order's own PaymentTime wins; neither: 14 days."""
    client = master_client(fiscal_years=[2024])
    net20, plain = client.companies.SaveCompanies({"Company": [
        {"Name": "Netto 20 AS", "PaymentTime": 20}, {"Name": "Uten betingelser AS"}]})
    rows = {"InvoiceRow": [{"Name": "Vare", "Price": Decimal("100")}]}
    orders = save(client,
                  {"CustomerId": net20.Id, "OrderStatus": "Invoiced", "DateInvoiced": DAY,
                   "InvoiceRows": rows},
                  {"CustomerId": net20.Id, "OrderStatus": "Invoiced", "DateInvoiced": DAY,
                   "PaymentTime": 5, "InvoiceRows": rows},
                  {"CustomerId": plain.Id, "OrderStatus": "Invoiced", "DateInvoiced": DAY,
                   "InvoiceRows": rows})
    assert [(o.APIException, o.PaymentTime) for o in orders] == [(None, 20), (None, 5), (None, 14)]
    due = [(r["InvoiceNo"], r["DueDate"]) for r in search(client) if r["AccountNo"] == 1500]
    assert due == [("10000", dt.datetime(2024, 4, 4, tzinfo=dt.UTC)),
                   ("10001", dt.datetime(2024, 3, 20, tzinfo=dt.UTC)),
                   ("10002", dt.datetime(2024, 3, 29, tzinfo=dt.UTC))]


def test_D2_a_new_order_with_nothing_to_invoice_names_no_order_id(master_client):
    """Refused, a new order has no OrderId: the text names none (it named the id the next order
    then got); an existing order's refusal names it."""
    client = master_client(fiscal_years=[2024])
    customer, _ = setup(client)
    empty, = save(client, {"CustomerId": customer, "OrderStatus": "Invoiced"})
    assert (empty.OrderId, empty.APIException.Type, empty.APIException.Message) == (
        None, "ValidationException", "InvoiceOrder has no row to invoice.")
    draft, = save(client, {"CustomerId": customer, "OrderStatus": "Offer"})
    assert (draft.APIException, draft.OrderId) == (None, 1)
    again, = save(client, {"OrderId": draft.OrderId, "OrderStatus": "Invoiced"})
    assert again.APIException.Message == "InvoiceOrder with OrderId 1 has no row to invoice."
    assert client.ledger() == []


def test_M2_M5_a_company_or_product_an_order_names_is_not_deleted(master_client):
    """An order (any state) naming a company or a product keeps it: DeleteCompanies and
    DeleteProducts refuse it in-band, REST's DELETE /products/{id} with a 400, and the order
    can still be invoiced. Deleted anyway, the order could no longer be saved ("Company with
    Id N was not found.")."""
    client = master_client(fiscal_years=[2024])
    kept, gone = client.companies.SaveCompanies({"Company": [{"Name": "Ordrekunde AS"},
                                                             {"Name": "Uten ordre AS"}]})
    on_order, spare, spare2 = client.products.SaveProducts({"Product": [
        {"Name": "Bestilt", "No": "B-1", "Price": Decimal("10")},
        {"Name": "Ledig", "No": "L-1", "Price": Decimal("10")},
        {"Name": "Ledig 2", "No": "L-2", "Price": Decimal("10")}]})
    offer, = save(client, {"CustomerId": kept.Id, "OrderStatus": "Offer", "InvoiceRows": {
        "InvoiceRow": [{"ProductId": on_order.Id, "Quantity": Decimal("2")}]}})
    assert offer.APIException is None
    refused, deleted = client.companies.DeleteCompanies({"Company": [{"Id": kept.Id},
                                                                     {"Id": gone.Id}]})
    assert (refused.APIException.Type, refused.APIException.Message) == (
        "ValidationException",
        f"Company with Id {kept.Id} is used by InvoiceOrder {offer.OrderId} and cannot be deleted.")
    assert deleted.APIException is None
    refused, deleted = client.products.DeleteProducts({"Product": [{"Id": on_order.Id},
                                                                   {"Id": spare.Id}]})
    assert refused.APIException.Message == (
        f"Product with Id {on_order.Id} is used by InvoiceOrder {offer.OrderId} and cannot be "
        "deleted.")
    assert deleted.APIException is None
    assert [c.Id for c in client.companies.GetCompanies({"CompanyIds": {"int": [
        kept.Id, gone.Id]}})] == [kept.Id]
    assert [p.Id for p in client.products.GetProducts({"ProductIds": {"int": [
        on_order.Id, spare.Id, spare2.Id]}})] == [on_order.Id, spare2.Id]
    rest = client.rest("DELETE", f"/v1/products/{on_order.Id}", scope="api.product.product:write")
    assert (rest.status_code, rest.json()["error"]["name"]) == (400, "BadRequestError")
    assert client.rest("DELETE", f"/v1/products/{spare2.Id}",
                       scope="api.product.product:write").status_code == 204
    invoiced, = save(client, {"OrderId": offer.OrderId, "OrderStatus": "Invoiced",
                              "DateInvoiced": DAY})
    assert (invoiced.APIException, invoiced.InvoiceId, invoiced.OrderTotalIncVat) == (
        None, 10000, Decimal("25.00"))
