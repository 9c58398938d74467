"""D4 at the ledger level: a file's bytes are kept as a blob in the SQLite store (never in the
JSON log), seen by a second ``Ledger`` over the same file, gone after a reset; the memory log
keeps them in a dict, emptied by a reset. Size-limited by ``--limit attachment_bytes``."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from mockserver import errors
from mockserver.ledger.core import DEMO_CLIENT_ID, Ledger
from mockserver.ledger.store import SqliteStore
from mockserver.limits import Limits

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 4


def open_ledger(path, limits=None) -> Ledger:
    ledger = Ledger(store=SqliteStore(str(path)), limits=limits)
    if ledger.is_empty():
        ledger.reset(dataclasses.replace(Ledger.demo_options(), fiscal_years=[2024]))
    return ledger


def upload(ledger, content: bytes, chunk: int = 100) -> int:
    book = ledger.book(DEMO_CLIENT_ID)
    fid = ledger.create_file(book, "Pdf")["Id"]
    for offset in range(0, len(content), chunk):
        ledger.append_chunk(book, fid, content[offset:offset + chunk], offset)
    return fid


def test_bytes_are_blobs_shared_by_processes_and_gone_after_a_reset(tmp_path):
    path = tmp_path / "state.sqlite"
    one = open_ledger(path)
    fid = upload(one, PDF)
    saved = one.save_file(one.book(DEMO_CLIENT_ID), fid, 0, "Journal")
    assert saved["StampNo"] == 1
    two = open_ledger(path)  # another process, or a restart
    book = two.book(DEMO_CLIENT_ID)
    assert two.file_bytes(book, fid) == PDF
    assert two.file_info(book, fid)["Size"] == len(PDF)
    assert two.next_stamp_no(book) == 2
    conn = sqlite3.connect(str(path))
    assert conn.execute("SELECT count(*) FROM blob").fetchone() == (1,)
    logged = " ".join(b for (b,) in conn.execute("SELECT body FROM log"))
    assert "PDF-1.4" not in logged and "JVBERi0" not in logged  # not in the log, nor base64
    two.reset()
    assert conn.execute("SELECT count(*) FROM blob").fetchone() == (0,)
    conn.close()


def test_memory_store_and_the_size_limit_refuse_without_a_change():
    ledger = Ledger(limits=Limits(attachment_bytes=1000))
    book = ledger.book(DEMO_CLIENT_ID)
    fid = upload(ledger, PDF[:900])
    with pytest.raises(errors.FileTooLarge) as err:
        ledger.append_chunk(book, fid, b"x" * 200, 900)
    assert err.value.text.endswith("A file is at most 1000 bytes (--limit attachment_bytes=1000); "
                                   "nothing was changed.")
    assert ledger.file_bytes(book, fid) == PDF[:900]
    assert ledger.file_info(book, fid)["Size"] == 900
