"""InvoiceService and AttachmentService have what every other service has (issue 14): SOAP 1.2
calls, the hourly quota (APILimit* headers, the quarantine fault), the request journal, injected
faults, per-client isolation of orders and invoices, and an attachment chunk over the body limit
refused before it is read, changing nothing. zeep from the vendor WSDL and from ?WSDL, raw HTTP
where the headers or the socket matter.

What is already generic elsewhere (parametrised over every WsdlService, so over these two):
hostile envelopes and wrong-typed values on both stores (test_hostile_input.py), ``?WSDL``
parity (test_wsdl_parity.py); both stores over real sockets: test_documents_sqlite_served.py,
test_invoice_scenario.py."""

from __future__ import annotations

import base64
import datetime as dt
import re
import socket
import threading
from decimal import Decimal

import pytest
import requests
import zeep

from mockserver.testing.client import ATTACHMENT_PATH, INVOICE_PATH, NS, TNS

from helpers import SOAP12, envelope, raw_post

INVOICE_NS = NS.strip("{}")
ATTACH_NS = TNS.strip("{}")
DAY = dt.datetime(2024, 3, 15, tzinfo=dt.UTC)


def order(customer: int, status: str = "Offer", **extra) -> dict:
    return {"CustomerId": customer, "OrderStatus": status, "DateInvoiced": DAY,
            "InvoiceRows": {"InvoiceRow": [{"Name": "Vare", "Price": Decimal("80")}]}, **extra}


def test_soap12_calls_the_journal_and_injected_faults(master_client):
    client = master_client(fiscal_years=[2024])
    invoices = client.service(INVOICE_PATH, NS + "InvoiceServiceSoap12")
    attachments = client.service(ATTACHMENT_PATH, TNS + "AttachmentServiceSoap12")
    saved, = invoices.SaveInvoices({"InvoiceOrder": [order(123, "Invoiced")]})
    assert (saved.OrderId, saved.InvoiceId, saved.OrderTotalIncVat) == (1, 10000, Decimal("100.00"))
    assert [o.OrderId for o in invoices.GetInvoices({"InvoiceIds": {"int": [10000]}})] == [1]
    assert invoices.GetInvoiceDocument({"InvoiceId": 10000}).startswith(b"%PDF-")
    made = attachments.Create("Pdf")
    ref = {"Id": made.Id, "Type": "Pdf", "StampNo": 0}
    attachments.AppendChunk(ref, b"%PDF-1.4 kvittering", 0)
    assert attachments.GetSize(ref) == 19

    journal = client.requests(service="InvoiceService")
    assert [(r["operation"], r["status"]) for r in journal] == [
        ("SaveInvoices", 200), ("GetInvoices", 200), ("GetInvoiceDocument", 200)]
    journal = client.requests(service="AttachmentService")
    assert [(r["operation"], r["status"]) for r in journal] == [
        ("Create", 200), ("AppendChunk", 200), ("GetSize", 200)]

    client.inject_fault(service="InvoiceService", operation="GetInvoices",
                        soap_fault="Fakturering er nede", times=1)
    client.inject_fault(service="AttachmentService", operation="GetSize",
                        soap_fault="Vedlegg er nede", times=1)
    for call, text in ((lambda: invoices.GetInvoices({"OrderIds": {"int": [1]}}),
                        "Fakturering er nede"),
                       (lambda: attachments.GetSize(ref), "Vedlegg er nede")):
        with pytest.raises(zeep.exceptions.Fault) as fault:
            call()
        assert fault.value.message == text
    # once only: then normal service, and the fault is in the journal as a 500
    assert [o.OrderId for o in client.invoices.GetInvoices({"OrderIds": {"int": [1]}})] == [1]
    assert client.attachments.GetSize(ref) == 19
    faulted = client.requests(service="InvoiceService", operation="GetInvoices")
    assert [r["status"] for r in faulted] == [200, 500, 200]
    # the injected fault changed nothing: one order, one voucher
    assert [ln["account_no"] for ln in client.ledger()] == [1500, 3000, 2700]


def _get_invoices(client) -> requests.Response:
    return raw_post(client.http, client.base_url, INVOICE_PATH, envelope(
        f'<GetInvoices xmlns="{INVOICE_NS}"><searchParams><OrderIds><int>1</int></OrderIds>'
        "</searchParams></GetInvoices>"), "GetInvoices")


def _get_stamp_no(client) -> requests.Response:
    return raw_post(client.http, client.base_url, ATTACHMENT_PATH, envelope(
        f'<GetStampNo xmlns="{ATTACH_NS}"/>', SOAP12), version=SOAP12)


def test_the_hourly_quota_counts_and_refuses_both_services(master_client):
    client = master_client(fiscal_years=[2024], rate_limit=5)
    client.set_time("2024-05-01T10:59:30Z")  # a new hour: the login counted in the last one
    saved, = client.invoices.SaveInvoices({"InvoiceOrder": [order(123)]})  # 1
    assert saved.OrderId == 1
    first = _get_invoices(client)  # 2
    assert first.status_code == 200 and "<OrderId>1</OrderId>" in first.text
    assert (first.headers["APILimitRemaining"], first.headers["APILimitReset"]) == (
        "3", "2024-05-01T11:00:00Z")
    stamp = _get_stamp_no(client)  # 3
    assert stamp.status_code == 200 and "<GetStampNoResult>1</GetStampNoResult>" in stamp.text
    assert stamp.headers["APILimitRemaining"] == "2"
    assert client.attachments.GetStampNo() == 1  # 4
    assert client.invoices.GetDeliveryMethods()[0].Description == "Post"  # 5: the last served
    quarantine = "Limit exceeded by 1. Request is blocked. Quarantine ends at 2024-05-01 11:00:00"
    with pytest.raises(zeep.exceptions.Fault) as refused:  # 6
        client.invoices.SaveInvoices({"InvoiceOrder": [order(123)]})
    assert refused.value.message == quarantine
    raw = _get_stamp_no(client)  # 7: SOAP 1.2, as ASMX sends it
    assert raw.status_code == 500
    assert raw.headers["Content-Type"].startswith("application/soap+xml")
    assert "<soap:Value>soap:Receiver</soap:Value>" in raw.text
    assert "Limit exceeded by 2. Request is blocked." in raw.text
    assert raw.headers["APILimitRemaining"] == "0"
    client.set_time("2024-05-01T11:00:01Z")
    assert [o.OrderId for o in client.invoices.GetInvoices({"OrderIds": {"int": [1, 2]}})] == [1]


def test_orders_invoices_and_their_pdf_are_isolated_per_client(master_client):
    one, two = master_client(fiscal_years=[2024]), master_client(fiscal_years=[2024])
    mine, = one.invoices.SaveInvoices({"InvoiceOrder": [order(123, "Invoiced")]})
    assert mine.InvoiceId == 10000
    assert two.invoices.GetInvoices({"OrderIds": {"int": [mine.OrderId]}}) in (None, [])
    assert two.invoices.GetInvoices({"CustomerIds": {"int": [123]}}) in (None, [])
    assert two.invoices.GetOrderSyncList({"ChangedAfter": dt.datetime(2000, 1, 1),
                                          "RegisteredAfter": dt.datetime(2000, 1, 1)}) in (None, [])
    with pytest.raises(zeep.exceptions.Fault) as fault:
        two.invoices.GetInvoiceDocument({"InvoiceId": mine.InvoiceId})
    assert fault.value.message == (
        "Server was unable to process request. ---> Invoice with Id 10000 was not found.")
    changed, = two.invoices.SaveInvoices({"InvoiceOrder": [{"OrderId": mine.OrderId,
                                                             "InvoiceTitle": "Kapret"}]})
    assert changed.APIException.Message == "InvoiceOrder with Id 1 was not found."
    updated, = two.invoices.UpdateInvoices({"InvoiceOrder": [{"InvoiceId": mine.InvoiceId,
                                                              "InvoiceTitle": "Kapret"}]})
    assert updated.APIException.Message == "InvoiceOrder with Id 10000 was not found."
    assert two.ledger() == []
    # the other client's own numbering starts at its own beginning
    theirs, = two.invoices.SaveInvoices({"InvoiceOrder": [order(123, "Invoiced")]})
    assert (theirs.OrderId, theirs.InvoiceId) == (1, 10000)
    again, = one.invoices.GetInvoices({"OrderIds": {"int": [1]}})
    assert again.InvoiceTitle is None
    assert [ln["amount"] for ln in one.ledger()] == ["100.00", "-80.00", "-20.00"]


def test_an_attachment_chunk_over_the_body_limit_is_refused_unread_and_changes_nothing(
        master_client):
    """GetMaxRequestLength says 2048 (KB): a chunk whose request is larger gets ASMX's 413 fault
    before its body is read, and the file stays as it was."""
    client = master_client()
    svc = client.attachments
    assert svc.GetMaxRequestLength() == 2048
    made = svc.Create("Png")
    ref = {"Id": made.Id, "Type": "Png", "StampNo": 0}
    svc.AppendChunk(ref, b"\x89PNG\r\n\x1a\n", 0)
    limit = 2048 * 1024
    chunk = base64.b64encode(b"\0" * (limit * 3 // 4 + 16)).decode()
    body = envelope(
        f'<AppendChunk xmlns="{ATTACH_NS}"><file><Id>{made.Id}</Id><Type>Png</Type>'
        f"<StampNo>0</StampNo></file><buffer>{chunk}</buffer><offset>8</offset></AppendChunk>"
    ).encode()
    assert len(body) > limit
    host, port = re.match(r"http://([^:/]+):(\d+)", client.base_url).groups()
    session = client.http.cookies.get("ASP.NET_SessionId")
    head = (f"POST {ATTACHMENT_PATH} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Content-Type: text/xml; charset=utf-8\r\n"
            f'SOAPAction: "{ATTACH_NS}AppendChunk"\r\nCookie: ASP.NET_SessionId={session}\r\n'
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head)

        def pump():  # the answer may come (and the socket close) before the body is sent
            try:
                sock.sendall(body)
            except OSError:
                pass

        sender = threading.Thread(target=pump, daemon=True)
        sender.start()
        answer = b""
        try:
            while part := sock.recv(65536):
                answer += part
                head_end = answer.find(b"\r\n\r\n")
                length = re.search(rb"Content-Length: (\d+)", answer[:head_end])
                if head_end >= 0 and length and len(answer) - head_end - 4 >= int(length[1]):
                    break
        except OSError:
            pass
        sender.join(30)
    status, _, rest = answer.partition(b"\r\n")
    assert status == b"HTTP/1.1 413 Request Entity Too Large", answer[:300]
    assert b"<faultcode>soap:Client</faultcode>" in rest
    assert f"Request body is larger than the {limit} bytes allowed.".encode() in rest
    assert svc.GetSize(ref) == 8
    assert svc.DownloadChunk(ref, 0, 100) == b"\x89PNG\r\n\x1a\n"
