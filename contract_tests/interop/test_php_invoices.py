"""D1-D4 and S7 with PHP SoapClient (ext-soap): InvoiceService and AttachmentService, SOAP 1.1
and 1.2, from the vendor's WSDL files (location overridden) and from the emulator's ?WSDL. The
PDF PHP received is opened with pypdf; the books and the journal are the emulator's own."""

from __future__ import annotations

import hashlib
import io
import json

import pypdf
import pytest

from .emulator import admin
from .flow import HERE, VENDOR, run
from .test_php_soapclient import php

SCRIPT = HERE / "php" / "invoices.php"
PATHS = {"auth_wsdl": ("/authenticate/v001/authenticate.asmx", "Authenticate.wsdl"),
         "company_wsdl": ("/CRM/Company/V001/CompanyService.asmx", "CompanyService.wsdl"),
         "invoice_wsdl": ("/Economy/InvoiceOrder/V001/InvoiceService.asmx", "InvoiceService.wsdl"),
         "attachment_wsdl": ("/Economy/Accounting/Accounting_V001/AttachmentService.asmx",
                             "AttachmentService.wsdl"),
         "account_wsdl": ("/Economy/Account/V004/Accountservice.asmx", "AccountV004.wsdl")}


def receipt() -> bytes:
    from test_attachment_service import png

    return png(5, 4)


@pytest.mark.parametrize("source", ["vendor", "served"])
@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_php_soapclient_invoice_and_attachment_service(emulator, client, version, source,
                                                       tmp_path):
    wsdls = {key: str(VENDOR / file) if source == "vendor" else f"{emulator.url}{path}?WSDL"
             for key, (path, file) in PATHS.items()}
    content = receipt()
    (tmp_path / "receipt.png").write_bytes(content)
    pdf_path = tmp_path / "invoice.pdf"
    cfg = json.dumps({"base_url": emulator.url, **wsdls, "soap_version": version,
                      "username": client["username"], "password": client["password"],
                      "application_id": client["application_id"], "pdf_path": str(pdf_path),
                      "receipt_path": str(tmp_path / "receipt.png")})
    lines = run([php(), str(SCRIPT), cfg])
    pdf = pdf_path.read_bytes()
    assert lines == [
        "Login: ok",
        "SaveCompanies: Id=10002",
        "SaveInvoices offer: OrderId=1 OrderStatus=Offer OrderTotalIncVat=421.54 OrderTotalVat=62.74",
        "SaveInvoices invoiced: OrderId=1 OrderStatus=Invoiced OrderTotalIncVat=421.54 "
        "OrderTotalVat=62.74 InvoiceId=10000 OCR=100008",
        "SaveInvoices refused: ValidationException: Company with Id 4242 was not found.",
        "GetInvoices: OrderId=1 OrderStatus=Invoiced OrderTotalIncVat=421.54 OrderTotalVat=62.74 "
        "InvoiceId=10000 OCR=100008 DateInvoiced=2024-03-15T00:00:00Z Rows=Kaffex3,Fraktx1 "
        "YourReference=\u00c6rlig \u00c5s",
        f"GetInvoiceDocument: %PDF- md5={hashlib.md5(pdf).hexdigest()}",
        'GetInvoiceDocument 4242: fault "Server was unable to process request. ---> Invoice '
        'with Id 4242 was not found."',
        "GetStampNo: 1",
        f"Uploaded: Id=1 Size={len(content)} Checksum matches",
        "GetFileInfo: Id=1 Type=Png StampNo=1",
        "DownloadChunk: the bytes uploaded",
        "SaveBundleList StampNo=1: Ok",
        "SaveBundleList StampNo=1: Exception | Attachment is posted in the journal",
    ]
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("Faktura 10000", "PHP Handel AS", "15.03.2024", "25.03.2024", "100008",
                     "Kaffe", "Frakt", "421,54", "62,74", "\u00c6rlig \u00c5s"):
        assert expected in text, (expected, text)
    status, body = admin(emulator.url, "GET", f"/clients/{client['client_id']}/ledger")
    assert status == 200, body
    assert [(ln["account_no"], ln["amount"], ln["stamp_no"]) for ln in body["lines"]] == [
        (1920, "20.00", 1), (3000, "-20.00", 0),  # 31 January: the receipt's voucher, once
        (1500, "421.54", 0), (3000, "-269.70", 0), (3000, "-89.10", 0), (2700, "-62.74", 0)]
