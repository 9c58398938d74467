"""The ledger's attachments (SPEC D4): files uploaded in chunks and saved under a stamp number.

``AttachmentOps`` is a part of ``Ledger``. A file is a record of kind ``ATTACHMENT`` in the
client's master data (its type, size, stamp number, location, content key), changed like every
record (``_commit_master``: the lock, one log row), and its bytes in the store's blobs (SQLite:
the ``blob`` table, written in the same transaction as the record's row, never in the JSON log;
``MemoryLog``: a dict, emptied by a reset).

Stamp numbers tie files to vouchers: ``next_stamp_no`` is one more than any stamp number saved
with a file or posted in the ledger (S7's ``ClientBook.stamps``), and is not reserved; what a
file's status says about the journal is read from ``ClientBook.stamps`` (the same map S7 refuses
a second bundle by), never kept twice::

    f = ledger.create_file(book, "Pdf")
    ledger.append_chunk(book, f["Id"], b"%PDF-1.4...", 0)
    ledger.save_file(book, f["Id"], ledger.next_stamp_no(book), "Journal")
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from .. import errors
from . import interpretations as rules
from .masterdata import Record
from .parts import MasterWriteParts

ATTACHMENT = "attachment"


class AttachmentOps(MasterWriteParts):
    """Mixed into ``Ledger`` (``lock``, ``clock``, ``store``, ``limits``, ``_write``,
    ``_commit_master``, ``_current``)."""

    #: the largest request body the server reads (``Settings.max_body``; the app sets it):
    #: what GetMaxRequestLength answers, in kB
    max_body = 2 * 1024 * 1024

    # --- content ---------------------------------------------------------------------------

    def _content(self, book, data: dict) -> bytes:
        return self.store.get_blob(data["Key"]) or b""

    def _put_content(self, book, key: str, content: bytes) -> None:
        self.store.put_blob(key, content)

    def _file(self, book, file_id) -> Record:
        rec = book.master.get(ATTACHMENT, file_id) if isinstance(file_id, int) else None
        if rec is None:
            raise errors.FileNotFound(file_id)
        return rec

    # --- operations ------------------------------------------------------------------------

    def create_file(self, book, image_type: str) -> dict:
        """Create: a new, empty "ghost" file of a type (valid only after ``save_file``)."""
        if image_type not in rules.ATTACHMENT_TYPES:
            raise errors.ImageTypeUnknown(", ".join(rules.ATTACHMENT_TYPES))
        with self._write():
            book = self._current(book)
            now = self.clock.now()
            fid = book.master.next_id(ATTACHMENT)
            data: dict[str, Any] = {"Type": image_type, "Size": 0, "StampNo": 0, "Saved": False,
                    "Key": uuid.uuid4().hex}
            self._put_content(book, data["Key"], b"")
            self._commit_master(book, ATTACHMENT, [(fid, data)], [], now)
            return {**data, "Id": fid}

    def append_chunk(self, book, file_id, chunk: bytes, offset) -> int:
        """AppendChunk: ``chunk`` written at ``offset`` (at most the size uploaded so far: a
        chunk sent again overwrites); returns the new size."""
        with self._write():
            book = self._current(book)
            rec = self._file(book, file_id)
            data = rec.data
            if data.get("Saved"):
                raise errors.FileAlreadySaved(file_id)
            size = data.get("Size", 0)
            if not isinstance(offset, int) or offset < 0 or offset > size:
                raise errors.ChunkOffsetInvalid(offset, size)
            content = self._content(book, data)
            new = content[:offset] + chunk + content[offset + len(chunk):]
            limit = self.limits.attachment_bytes
            if len(new) > limit:
                raise errors.FileTooLarge(limit)
            self._put_content(book, data["Key"], new)
            self._commit_master(book, ATTACHMENT, [(rec.id, {**data, "Size": len(new)})], [],
                                self.clock.now())
            return len(new)

    def save_file(self, book, file_id, stamp_no: int, location: str) -> dict:
        """Save: the ghost file becomes a valid file under a stamp number (0: the next free
        one) at a location; its content must be a file of its declared type."""
        with self._write():
            book = self._current(book)
            rec = self._file(book, file_id)
            data = rec.data
            if data.get("Saved"):
                raise errors.FileAlreadySaved(file_id)
            content = self._content(book, data)
            if not content:
                raise errors.FileEmpty(file_id)
            if not rules.is_attachment_type(data["Type"], content):
                raise errors.FileTypeMismatch(file_id, data["Type"])
            stamp = stamp_no if stamp_no and stamp_no > 0 else self._next_stamp(book)
            saved = {**data, "Saved": True, "StampNo": stamp, "Location": location,
                     "Checksum": hashlib.md5(content).hexdigest()}  # noqa: S324 - GetChecksum
            self._commit_master(book, ATTACHMENT, [(rec.id, saved)], [], self.clock.now())
            return {**saved, "Id": rec.id}

    def file_bytes(self, book, file_id, offset=0, size=None) -> bytes:
        """DownloadChunk: ``size`` bytes from ``offset`` (of a ghost file too)."""
        with self.lock:
            book = self._current(book)
            rec = self._file(book, file_id)
            content = self._content(book, rec.data)
        if not isinstance(offset, int) or offset < 0 or offset > len(content):
            raise errors.ChunkOffsetInvalid(offset, len(content))
        end = len(content) if size is None else offset + max(size, 0)
        return content[offset:end]

    def file_info(self, book, file_id) -> dict:
        """A file's record (Size, Type, StampNo, Checksum...) with its Id and Status."""
        with self.lock:
            book = self._current(book)
            rec = self._file(book, file_id)
            return self._shown(book, rec)

    def _shown(self, book, rec: Record) -> dict:
        return {**rec.data, "Id": rec.id, "Registered": rec.created, "Changed": rec.changed,
                "Status": self._status(book, rec.data)}

    @staticmethod
    def _status(book, data: dict) -> str:
        """The file's FlagType: posted (or pre-posted: a journal) when a voucher of the ledger
        carries its stamp number (S7's map), else None."""
        key = book.stamps.get(data.get("StampNo") or 0)
        if not data.get("Saved") or key is None:
            return "None"
        voucher = book.vouchers.get(key)
        return "PostedInJournal" if voucher is not None and voucher.posted else "PrepostedInJournal"

    def files(self, book, *, stamp_nos=None, file_ids=None, registered_after=None,
              changed_after=None, has_stamp_no=None, approved=None, statuses=None,
              saved_only: bool = True) -> list[dict]:
        """GetFileInfo: the saved files matching every parameter given (``saved_only`` False:
        the ghost files too, for the control API)."""
        with self.lock:
            book = self._current(book)
            recs = sorted(book.master.records.get(ATTACHMENT, {}).items())
            shown = [self._shown(book, r) for _, r in recs
                     if r.data.get("Saved") or not saved_only]
        out = []
        for f in shown:
            if stamp_nos and f["StampNo"] not in stamp_nos:
                continue
            if file_ids and f["Id"] not in file_ids:
                continue
            if registered_after is not None and not rules.after(f["Registered"], registered_after):
                continue
            if changed_after is not None and not rules.after(f["Changed"], changed_after):
                continue
            if has_stamp_no is not None and bool(f["StampNo"]) != has_stamp_no:
                continue
            if approved is not None and approved != rules.ATTACHMENTS_APPROVED:
                continue
            if statuses and f["Status"] not in statuses:
                continue
            out.append(f)
        return out

    def _next_stamp(self, book) -> int:
        used = [r.data.get("StampNo") or 0
                for r in book.master.records.get(ATTACHMENT, {}).values() if r.data.get("Saved")]
        return max([rules.FIRST_STAMP_NO - 1, *used, *book.stamps]) + 1

    def next_stamp_no(self, book) -> int:
        """GetStampNo: the next free stamp number, not reserved (asking twice gives the same
        number until a file is saved or a voucher posted with it)."""
        with self.lock:
            return self._next_stamp(self._current(book))

    def stamp_series(self, book) -> list[dict]:
        """GetSeries: the client's one stamp number series (interpretation)."""
        return [{"Id": rules.stamp_series_id(book.client_id), "Name": rules.STAMP_SERIES_NAME,
                 "Start": rules.FIRST_STAMP_NO, "End": rules.LAST_STAMP_NO}]

    def next_series_stamp_no(self, book, series_id) -> int:
        if series_id != rules.stamp_series_id(book.client_id):
            raise errors.UnknownStampSeries(series_id)
        return self.next_stamp_no(book)


def checksum_of(content: bytes) -> str:
    return hashlib.md5(content).hexdigest()  # noqa: S324 - the WSDL's "md5 hash"


__all__ = ["AttachmentOps", "ATTACHMENT", "checksum_of"]
