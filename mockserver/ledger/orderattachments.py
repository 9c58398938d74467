"""A sales order's attachments (SPEC R6, REST ``/salesorders/{id}/attachments``).

``OrderAttachmentOps`` is a part of ``Ledger``. An attachment is a record of kind
``ORDER_ATTACHMENT`` in the client's master data (its order, file name, media type, size and
content key), written like every record (``_commit_master``: the lock, one log row), its bytes
in the store's blobs beside AttachmentService's files (SQLite: the ``blob`` table, in the same
transaction; ``MemoryLog``: a dict), so a restart keeps it and a reset ends it.

It is not an AttachmentService file: it has no stamp number and GetFileInfo does not list it
(interpretations.ORDER_ATTACHMENTS). The rules (the order exists and is not invoiced, the media
types, the size, the bytes of the declared type) are checked here, under the ledger's lock::

    made = ledger.attach_to_order(book, 7, "ordre.pdf", "application/pdf", b"%PDF-1.4 ...")
    ledger.order_attachments(book, 7)  # [made]
"""

from __future__ import annotations

import uuid

from .. import errors
from . import interpretations as rules
from .invoices import ORDER
from .masterdata import Record
from .parts import MasterWriteParts

ORDER_ATTACHMENT = "order_attachment"


class OrderAttachmentOps(MasterWriteParts):
    """Mixed into ``Ledger`` (``lock``, ``clock``, ``store``, ``limits``, ``_write``, ``_current``,
    ``_commit_master``)."""

    def attach_to_order(self, book, order_id: int, file_name: str | None, media_type: str,
                        content: bytes) -> dict:
        """Adds a file to an order that is not invoiced; refused (nothing written): no such
        order (404), invoiced, then the catalogue's ``OrderAttachment*`` checks of the file."""
        with self._write():
            book = self._current(book)
            order = book.master.get(ORDER, order_id)
            if order is None:
                raise errors.RestRecordNotFound(what=f"Sales order {order_id}")
            if order.data.get("InvoiceId"):
                raise errors.OrderAttachmentInvoiced()
            self._check_attachment(media_type, content)
            # no name given: the interpretation's name for its type
            file_name = file_name or rules.ORDER_ATTACHMENT_NAMES.get(media_type, "attachment")
            now = self.clock.now()
            aid = book.master.next_id(ORDER_ATTACHMENT)
            data = {"OrderId": order_id, "FileName": file_name, "MediaType": media_type,
                    "Size": len(content), "Key": uuid.uuid4().hex}
            self.store.put_blob(data["Key"], content)
            self._commit_master(book, ORDER_ATTACHMENT, [(aid, data)], [], now)
            return _shown(book.master.get(ORDER_ATTACHMENT, aid))

    def _check_attachment(self, media_type: str, content: bytes) -> None:
        kind = rules.ORDER_ATTACHMENT_TYPES.get(media_type)
        if kind is None:
            raise errors.OrderAttachmentMediaType(media_type=media_type or "(none)")
        if not content:
            raise errors.OrderAttachmentEmpty()
        limit = min(rules.ORDER_ATTACHMENT_MAX_BYTES, self.limits.attachment_bytes)
        if len(content) > limit:
            raise errors.OrderAttachmentTooLarge(size=len(content), limit=limit)
        if not rules.is_attachment_type(kind, content):
            raise errors.OrderAttachmentNotOfType(media_type=media_type)

    def order_attachments(self, book, order_id: int) -> list[dict] | None:
        """The order's attachments in the order they were added, or None when there is no
        such order."""
        with self.lock:
            book = self._current(book)
            if book.master.get(ORDER, order_id) is None:
                return None
            recs = sorted(book.master.records.get(ORDER_ATTACHMENT, {}).items())
            return [_shown(r) for _, r in recs if r.data.get("OrderId") == order_id]

    def order_attachment_bytes(self, book, attachment_id: int) -> bytes | None:
        """An attachment's content (the control API and tests read it back)."""
        with self.lock:
            rec = self._current(book).master.get(ORDER_ATTACHMENT, attachment_id)
            return None if rec is None else self.store.get_blob(rec.data["Key"])


def _shown(rec: Record | None) -> dict:
    assert rec is not None
    return {**{k: v for k, v in rec.data.items() if k != "Key"}, "Id": rec.id,
            "Created": rec.created}


__all__ = ["ORDER_ATTACHMENT", "OrderAttachmentOps"]
