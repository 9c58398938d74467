"""M2 + S + T + R: the flow every webshop/ERP integration runs. Create the customer with
CompanyService, book a sale for it with SaveBundleList, read it back through GetTransactions and
REST /v1/transactionlines: the customer id is the company id everywhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zeep.helpers import serialize_object

from helpers import bundle, bundle_list, sale


def test_company_booked_through_save_bundle_list_and_read_back(master_client):
    client = master_client(fiscal_years=[2024])
    company, = client.companies.SaveCompanies({"Company": [
        {"Name": "Nettbutikk Kunde AS", "BankAccountNo": "15031122222", "Type": "Consumer"}]})
    assert company.APIException is None
    cid = company.Id
    result = client.account.SaveBundleList(bundle_list([bundle([
        sale(0, net="400.00", vat="100.00", day=dt.date(2024, 3, 5), customer=cid,
             InvoiceReferenceNo="WEB-1001")])]))
    assert (result.Type, result.Description) == ("Ok", None)

    rows = serialize_object(client.transactions.GetTransactions({
        "DateStart": dt.datetime(2024, 3, 1), "DateEnd": dt.datetime(2024, 3, 31),
        "CustomerId": cid}), dict)
    assert [(r["AccountNo"], r["Amount"], r["InvoiceNo"]) for r in rows] == [
        (1500, Decimal("500.00"), "WEB-1001")]

    rest = client.rest_get("/v1/transactionlines", dateFrom="2024-03-01", dateTo="2024-03-31",
                           customerId=cid)
    assert rest.status_code == 200, rest.text
    lines = rest.json()
    assert [(ln["account"]["number"], ln["amount"], ln["customer"]) for ln in lines] == [
        (1500, 500.0, {"id": cid})]
    assert lines[0]["invoice"]["number"] == "WEB-1001"
    # the company GetCompanies returns is that customer
    found, = client.companies.GetCompanies({"CompanyId": cid})
    assert (found.Id, found.Name) == (cid, "Nettbutikk Kunde AS")
