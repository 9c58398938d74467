"""D1-D4 on the SQLite store through real sockets: an invoice and a receipt made in one
``tfso-mock serve`` process are seen by a second process over the same file (the receipt's
bytes are a blob of the store, the invoice's voucher a row of its log), and after a restart;
the receipt's stamp posted once in one process is refused in the other (S7)."""

from __future__ import annotations

import base64
import re

from test_attachment_service import png
from test_sqlite_store_served import NS, TODAY, Served, path, servers  # noqa: F401 - fixtures

INVOICE = "/Economy/InvoiceOrder/V001/InvoiceService.asmx"
ATTACH = "/Economy/Accounting/Accounting_V001/AttachmentService.asmx"
ATT_NS = "http://24sevenoffice.com/webservices/economy/accounting/"


def call(server: Served, path_: str, inner: str, session: str) -> str:
    body = ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap='
            '"http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            f"{inner}</soap:Body></soap:Envelope>")
    resp = server.http.post(server.url + path_, data=body.encode(), timeout=60, headers={
        "Content-Type": "text/xml; charset=utf-8",
        "Cookie": f"ASP.NET_SessionId={session}"})
    assert resp.status_code == 200, resp.text
    return resp.text


def sale(stamp: int, no: int) -> str:
    day = f"{TODAY.year}-01-31T00:00:00"
    return (f'<SaveBundleList xmlns="{NS}"><BundleList><SaveOption>0</SaveOption><Bundles><Bundle>'
            f"<YearId>{TODAY.year}</YearId><Sort>10</Sort><Name>r</Name><Vouchers><Voucher>"
            f"<TransactionNo>{no}</TransactionNo><Sort>10</Sort><Entries>"
            f"<Entry><AccountNo>1920</AccountNo><Date>{day}</Date><Amount>20.00</Amount>"
            f"<StampNo>{stamp}</StampNo></Entry><Entry><AccountNo>3000</AccountNo>"
            f"<Date>{day}</Date><Amount>-20.00</Amount></Entry></Entries></Voucher></Vouchers>"
            "</Bundle></Bundles></BundleList></SaveBundleList>")


def test_invoices_and_receipts_are_shared_by_processes_and_survive_a_restart(path, servers):  # noqa: F811
    a, b = servers(path), servers(path)
    session = a.login()
    text = call(a, INVOICE, (
        f'<SaveInvoices xmlns="{NS}"><invoices><InvoiceOrder><CustomerId>123</CustomerId>'
        f"<OrderStatus>Invoiced</OrderStatus><DateInvoiced>{TODAY.year}-01-15T00:00:00"
        "</DateInvoiced><InvoiceRows><InvoiceRow><Name>Vare</Name><Price>80</Price></InvoiceRow>"
        "</InvoiceRows></InvoiceOrder></invoices></SaveInvoices>"), session)
    assert "<InvoiceId>10000</InvoiceId>" in text and "<OrderTotalIncVat>100.00<" in text
    content = png()
    stamp = re.search(r"<GetStampNoResult>(\d+)<", call(
        b, ATTACH, f'<GetStampNo xmlns="{ATT_NS}"/>', session)).group(1)
    created = call(b, ATTACH, f'<Create xmlns="{ATT_NS}"><type>Png</type></Create>', session)
    fid = re.search(r"<Id>(\d+)</Id>", created).group(1)
    file = f"<file><Id>{fid}</Id><Type>Png</Type><StampNo>{stamp}</StampNo></file>"
    call(a, ATTACH, (f'<AppendChunk xmlns="{ATT_NS}">{file}<buffer>'
                     f"{base64.b64encode(content[:20]).decode()}</buffer><offset>0</offset>"
                     "</AppendChunk>"), session)
    call(b, ATTACH, (f'<AppendChunk xmlns="{ATT_NS}">{file}<buffer>'
                     f"{base64.b64encode(content[20:]).decode()}</buffer><offset>20</offset>"
                     "</AppendChunk>"), session)
    call(a, ATTACH, f'<Save xmlns="{ATT_NS}">{file}<location>Journal</location></Save>', session)
    assert "<Type>Ok</Type>" in call(a, "/Economy/Account/V004/Accountservice.asmx",
                                      sale(int(stamp), 1), session)
    refused = call(b, "/Economy/Account/V004/Accountservice.asmx", sale(int(stamp), 2), session)
    assert "Attachment is posted in the journal" in refused
    a.stop()
    b.stop()

    again = servers(path)
    download = call(again, ATTACH, (f'<DownloadChunk xmlns="{ATT_NS}">{file}<offset>0</offset>'
                                    "<bufferSize>100000</bufferSize></DownloadChunk>"), session)
    got = re.search(r"<DownloadChunkResult>([^<]*)<", download).group(1)
    assert base64.b64decode(got) == content
    orders = call(again, INVOICE, f'<GetInvoices xmlns="{NS}"><searchParams/></GetInvoices>',
                  session)
    assert "<InvoiceId>10000</InvoiceId>" in orders and "<OCR>100008</OCR>" in orders
    invoice_lines = [ln for ln in again.ledger() if ln["invoice_no"] == "10000"]
    assert [(ln["account_no"], ln["amount"]) for ln in invoice_lines] == [
        (1500, "100.00"), (3000, "-80.00"), (2700, "-20.00")]
    text = call(again, INVOICE, (
        f'<SaveInvoices xmlns="{NS}"><invoices><InvoiceOrder><CustomerId>123</CustomerId>'
        f"<OrderStatus>Invoiced</OrderStatus><DateInvoiced>{TODAY.year}-01-16T00:00:00"
        "</DateInvoiced><InvoiceRows><InvoiceRow><Name>Vare</Name><Price>8</Price></InvoiceRow>"
        "</InvoiceRows></InvoiceOrder></invoices></SaveInvoices>"), session)
    assert "<OrderId>2</OrderId>" in text and "<InvoiceId>10001</InvoiceId>" in text
