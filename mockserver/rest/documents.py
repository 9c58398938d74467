"""``/documents/{documentId}`` (SPEC R6, scope ``api.accounting.transaction:read``): the
``documentId`` of a transaction line is its stamp number, and the document is what
AttachmentService saved under it (``ledger/attachments.py``): each file saved with that stamp
number is a page, in the order they were created; no saved file, no document (404).

``downloadUrl`` and the pages' URLs point at ``/v1/documents/{documentId}/content`` (the
vendor's are its file store's; interpretations.DOCUMENT_CONTENT), which answers a page's bytes
to the same bearer token and scope."""

from __future__ import annotations

from flask import Response, request

from .. import errors
from ..ledger import interpretations as rules
from . import jsonout
from .http import Query, json_response, not_found, path_int

#: AttachmentService's file types as media types
MEDIA_TYPES = {"Wmf": "image/wmf", "Png": "image/png", "Tiff": "image/tiff",
               "Pdf": "application/pdf", "Bmp": "image/bmp", "Gif": "image/gif",
               "Jpeg": "image/jpeg"}


def register(app, ctx) -> None:
    ledger = ctx.ledger

    def pages(token, raw: str) -> tuple[int, list[dict]]:
        stamp_no = path_int("documentId", raw)
        found = ledger.files(ctx.book(token), stamp_nos=[stamp_no]) if stamp_no > 0 else []
        if not found:
            raise not_found(f"Document {stamp_no}")
        return stamp_no, sorted(found, key=lambda f: f["Id"])

    @app.get("/v1/documents/<document_id>")
    def document(document_id: str):
        ctx.meta(operation="GetDocument")
        token = ctx.authenticate("GET", "/documents/{documentId}")
        stamp_no, files = pages(token, document_id)
        url = f"{request.host_url}v1/documents/{stamp_no}/content"
        body = {"documentId": stamp_no, "contentType": MEDIA_TYPES[files[0]["Type"]],
                "downloadUrl": url,
                "pages": [{"sequenceNumber": n, "thumbnailUrl": f"{url}?page={n}",
                           "previewUrl": f"{url}?page={n}"}
                          for n in range(1, len(files) + 1)]}
        return json_response(200, jsonout.dumps(body))

    @app.get(rules.DOCUMENT_CONTENT)
    def document_content(document_id: str):
        ctx.meta(operation="GetDocumentContent")
        token = ctx.authenticate("GET", "/documents/{documentId}")
        _, files = pages(token, document_id)
        q = Query(request.args)
        page = q.integer("page", 1, minimum=1)
        q.check()
        if page > len(files):
            raise errors.RestRecordNotFound(what=f"Page {page} of document {document_id}")
        chosen = files[page - 1]
        content = ledger.file_bytes(ctx.book(token), chosen["Id"])
        return Response(content, 200, content_type=MEDIA_TYPES[chosen["Type"]])
