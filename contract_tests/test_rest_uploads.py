"""R6 ``/fileUpload``: the vendor's upload flow (POST for a pre-signed URL, PUT the bytes,
GET the status for the documentId) over AttachmentService's files, so the uploaded file is the
document a voucher's documentId names and SOAP GetFileInfo lists it. Over a real socket with
requests (py24so asks for no scope, and the flow needs the write scope)."""

from __future__ import annotations

import datetime as dt

import requests
from transaction_helpers import exact, rest_fixtures

UTC = dt.UTC
WRITE = "api.accounting.transaction:read api.accounting.transaction:write"
PDF = b"%PDF-1.4 uploaded by REST"


client, call, writer = rest_fixtures(WRITE, start=dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC))


def test_R6_an_uploaded_file_is_the_document_of_a_voucher(tfso_mock, client, call, writer):
    made = call("POST", "/fileUpload", headers=writer, json={"contentType": "application/pdf"})
    assert made.status_code == 200
    target = exact(made)
    assert (target["uploadMethod"], target["fileId"]) == ("PUT", "1")
    assert target["uploadUrl"].startswith(f"{tfso_mock.url}/v1/fileUpload/1/content?client=")
    pending = exact(call("GET", "/fileUpload/1", headers=writer))
    assert pending == {"fileId": "1", "status": "Pending"}
    put = requests.put(target["uploadUrl"], data=PDF, timeout=30,
                       headers={"Content-Type": "application/pdf"})
    assert put.status_code == 200
    done = exact(call("GET", "/fileUpload/1", headers=writer))
    assert done == {"fileId": "1", "status": "Completed", "documentId": 1}
    info, = client.attachments.GetFileInfo({"StampNo": {"int": [1]}})
    assert (info.Id, info.Type, info.StampNo) == (1, "Pdf", 1)
    booked = call("POST", "/transactions", headers=writer, json={
        "transactionTypeNumber": 10, "date": "2024-02-10", "documentId": 1, "lines": [
            {"accountNumber": 1920, "amount": 80.00, "tax": {"number": 0}},
            {"accountNumber": 3900, "amount": -80.00, "tax": {"number": 0}}]})
    assert booked.status_code == 201, booked.text
    lines = exact(call("GET", "/transactionlines", params={"dateFrom": "2024-01-01",
                                                           "dateTo": "2024-12-31"}))
    assert [ln["documentId"] for ln in lines] == [1, 1]
    document = exact(call("GET", "/documents/1"))
    assert (document["contentType"], len(document["pages"])) == ("application/pdf", 1)
    got = requests.get(document["downloadUrl"], headers=writer, timeout=30)
    assert got.content == PDF
    again = requests.put(target["uploadUrl"], data=PDF, timeout=30)
    assert (again.status_code, exact(again)) == (400, {"error": {
        "name": "BadRequestError",
        "message": "File with Id 1 is saved and can no longer be changed."}})


def test_R6_upload_refusals_change_nothing(tfso_mock, client, call, writer):
    bad = call("POST", "/fileUpload", headers=writer, json={"contentType": "text/plain"})
    assert (bad.status_code, exact(bad)) == (400, {"error": {
        "name": "ValidationError", "message": "Invalid file upload: contentType (enum)",
        "payload": {"validationErrors": [{"path": "contentType", "keyword": "enum"}]}}})
    read_only = call("POST", "/fileUpload", json={"contentType": "image/png"})
    assert read_only.status_code == 403
    target = exact(call("POST", "/fileUpload", headers=writer, json={"contentType": "image/png"}))
    forged = requests.put(target["uploadUrl"].replace("key=", "key=0"), data=b"x", timeout=30)
    assert (forged.status_code, exact(forged)) == (403, {"error": {
        "name": "ForbiddenError", "message": "The upload URL is not valid"}})
    not_png = requests.put(target["uploadUrl"], data=PDF, timeout=30)
    assert (not_png.status_code, exact(not_png)["error"]["message"]) == (
        400, "File with Id 1 is not a valid Png file.")
    assert exact(call("GET", "/fileUpload/1", headers=writer))["status"] == "Pending"
    assert client.attachments.GetFileInfo({"FileId": {"int": [1]}}) in (None, [])
    missing = call("GET", "/fileUpload/99", headers=writer)
    assert (missing.status_code, exact(missing)["error"]["message"]) == (
        404, "File upload 99 was not found")
