"""``POST /fileUpload`` and ``GET /fileUpload/{fileId}`` (SPEC R6, scope
``api.accounting.transaction:write``): the vendor's upload flow over AttachmentService's files
(``ledger/attachments.py``), so an uploaded file is a document a voucher's ``documentId`` names.

POST creates an empty file of the AttachmentService type of ``contentType`` (Create) and
answers a pre-signed ``uploadUrl``: a PUT there, without a bearer token as the vendor's storage
takes it, carries the client and the file's secret key (interpretations.FILE_UPLOAD). The PUT
writes the bytes and saves the file under the next free stamp number (AppendChunk, Save, with
their checks: the bytes must be a file of that type); GET answers ``Pending`` before it and
``Completed`` with ``documentId`` (the stamp number) after."""

from __future__ import annotations

import hmac
from urllib.parse import urlencode

from flask import request

from .. import errors
from ..ledger import interpretations as rules
from . import jsonout
from .body import Reader, json_body
from .documents import MEDIA_TYPES
from .http import json_response, not_found

TYPES = {media: kind for kind, media in MEDIA_TYPES.items()}


def _message(fault: errors.FileFault) -> str:
    """The fault's own words, without ASMX's "Server was unable to process request." prefix."""
    return str(getattr(fault, "message", fault.text))


def register(app, ctx) -> None:
    ledger = ctx.ledger

    @app.post("/v1/fileUpload")
    def create_upload():
        ctx.meta(operation="CreateFileUpload")
        token = ctx.authenticate("POST", "/fileUpload")
        body = json_body()
        r = Reader()
        media = r.get(body, "contentType", "", "string", True)
        if media is not None and media.split(";")[0].strip().lower() not in TYPES:
            r.bad("contentType", "enum")
        r.check(errors.InvalidFileUpload)
        kind = TYPES[media.split(";")[0].strip().lower()]
        with ctx.clock_scope(token.client_id):
            made = ledger.create_file(ctx.book(token), kind)
        query = urlencode({"client": token.client_id, "key": made["Key"]})
        url = f"{request.host_url}v1/fileUpload/{made['Id']}/content?{query}"
        body = {"uploadMethod": "PUT", "uploadUrl": url, "fileId": str(made["Id"])}
        return json_response(200, jsonout.dumps(body))

    def file_of(book, raw: str) -> dict:
        try:
            return ledger.file_info(book, int(raw)) if raw.isdigit() else {}
        except errors.FileNotFound:
            return {}

    @app.put(rules.FILE_UPLOAD)
    def upload_content(file_id: str):
        ctx.meta(operation="UploadFile")
        client = request.args.get("client", "")
        book = ledger.books.get(int(client)) if client.isdigit() else None
        found = file_of(book, file_id) if book is not None else {}
        key = request.args.get("key", "")
        if book is None or not found or not hmac.compare_digest(key.encode(),
                                                                str(found["Key"]).encode()):
            raise errors.UploadUrlInvalid()
        ctx.meta(client_id=book.client_id)
        content = request.get_data()
        if content and not rules.is_attachment_type(found["Type"], content):  # nothing written
            raise errors.RestError(_message(errors.FileTypeMismatch(found["Id"], found["Type"])))
        try:
            with ctx.clock_scope(book.client_id):
                ledger.append_chunk(book, found["Id"], content, 0)
                ledger.save_file(book, found["Id"], 0, rules.FILE_UPLOAD_LOCATION)
        except errors.FileFault as err:  # AttachmentService's refusal, in the REST shape
            raise errors.RestError(_message(err)) from None
        return json_response(200, "")

    @app.get("/v1/fileUpload/<file_id>")
    def upload_status(file_id: str):
        ctx.meta(operation="GetFileUploadStatus")
        token = ctx.authenticate("GET", "/fileUpload/{fileId}")
        found = file_of(ctx.book(token), file_id)
        if not found:
            raise not_found(f"File upload {file_id}")
        body: dict = {"fileId": str(found["Id"]), "status": "Pending"}
        if found.get("Saved"):
            body.update(status="Completed", documentId=found["StampNo"])
        return json_response(200, jsonout.dumps(body))
