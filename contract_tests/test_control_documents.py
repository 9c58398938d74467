"""C with D1-D4: the control API shows each client's orders, invoices and attachments, as the
SOAP calls of that client left them (and nothing of another client's)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from test_attachment_service import png, upload


def test_C_invoices_and_attachments_per_client(master_client):
    client, other = master_client(fiscal_years=[2024]), master_client()
    day = dt.datetime(2024, 3, 15, tzinfo=dt.UTC)
    client.invoices.SaveInvoices({"InvoiceOrder": [
        {"CustomerId": 123, "OrderStatus": "Offer", "DateOrdered": day,
         "InvoiceRows": {"InvoiceRow": [{"Name": "Vare", "Price": Decimal("80")}]}},
        {"CustomerId": 123, "OrderStatus": "Invoiced", "DateInvoiced": day, "PaymentTime": 14,
         "InvoiceRows": {"InvoiceRow": [{"Name": "Vare", "Price": Decimal("80")}]}}]})
    ref = upload(client, png())
    client.attachments.Save(ref, "Journal")
    client.attachments.Create("Pdf")  # a ghost file: listed here, not by GetFileInfo

    resp = client.admin("GET", f"/clients/{client.client_id}/invoices")
    assert resp.status_code == 200
    orders = resp.json()["orders"]
    assert [(o["order_id"], o["invoice_id"], o["status"], o["total_inc_vat"], o["total_vat"],
             o["due_date"], o["ocr"], o["rows"]) for o in orders] == [
        (1, None, "Offer", "100.00", "20.00", None, None, 1),
        (2, 10000, "Invoiced", "100.00", "20.00", "2024-03-29", "100008", 1)]
    assert orders[1]["customer_name"] == "Kunde Nordmann AS"
    assert orders[1]["date_invoiced"] == "2024-03-15T00:00:00Z"

    resp = client.admin("GET", f"/clients/{client.client_id}/attachments")
    assert resp.status_code == 200
    files = resp.json()["files"]
    assert [(f["id"], f["type"], f["size"], f["stamp_no"], f["saved"], f["location"], f["status"])
            for f in files] == [(1, "Png", len(png()), 1, True, "Journal", "None"),
                                (2, "Pdf", 0, None, False, None, "None")]

    assert other.admin("GET", f"/clients/{other.client_id}/invoices").json()["orders"] == []
    assert other.admin("GET", f"/clients/{other.client_id}/attachments").json()["files"] == []
    missing = client.admin("GET", "/clients/987654/invoices")
    assert missing.status_code == 404
