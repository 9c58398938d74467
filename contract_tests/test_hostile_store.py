"""A broken SQLite store is told, never hidden: ``/__admin/health`` answers 503 while the store
cannot take a write, and start-up stops (exit code 2, one line naming the file, the row and the
reason, no traceback) on a damaged file or a log row it cannot replay.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from robustness import Http, ServeProcess


def serve_once(path) -> None:
    """Start an emulator on ``path`` (so the file has the demo client and a few more), stop it."""
    serve = ServeProcess("--quiet", "--store", f"sqlite:{path}")
    try:
        http = Http(serve.host, serve.port)
        for _ in range(3):
            made = http.call("POST", "/__admin/clients", b"{}", {"Content-Type": "application/json"})
            assert made.status == 201, made.text
        http.close()
    finally:
        serve.close()


def start(path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mockserver", "serve", "--port", "0", "--quiet",
                           "--store", f"sqlite:{path}"], capture_output=True, text=True,
                          timeout=30)


def test_store_health_answers_503_while_the_store_cannot_take_a_write(tmp_path):
    path = tmp_path / "s.sqlite"
    serve = ServeProcess("--quiet", "--store", f"sqlite:{path}")
    http = Http(serve.host, serve.port)
    try:
        assert http.call("GET", "/__admin/health").json()["status"] == "ok"
        holder = sqlite3.connect(path, isolation_level=None, timeout=1)
        holder.execute("BEGIN IMMEDIATE")  # another process keeps the write lock
        try:
            answer = http.call("GET", "/__admin/health")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert answer.status == 503, answer.text
        assert answer.json() == {"status": "unhealthy", "version": answer.json()["version"],
                                 "store": f"sqlite:{path}",
                                 "reason": f"{path}: database is locked"}
        assert http.call("GET", "/__admin/health").status == 200
    finally:
        http.close()
        serve.close()


BAD_ROWS = [
    ("login", "{not json", "the body is not valid JSON (Expecting property name enclosed in "
                           "double quotes at character 1)"),
    ("teleport", "{}", "unknown kind 'teleport'"),
    ("login", json.dumps({"sid": "abc"}), "a field is missing or refers to nothing known: 'user'"),
    ("client", "[1, 2]", "TypeError: the body is not a JSON object"),
]


@pytest.mark.parametrize("kind, body, reason", BAD_ROWS, ids=[r[2][:20] for r in BAD_ROWS])
def test_store_a_log_row_that_cannot_be_replayed_stops_start_up_with_its_row(tmp_path, kind, body,
                                                                              reason):
    path = tmp_path / "s.sqlite"
    serve_once(path)
    conn = sqlite3.connect(path)
    with conn:
        row = conn.execute("INSERT INTO log (kind, body) VALUES (?, ?)", (kind, body)).lastrowid
    conn.close()
    done = start(path)
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert done.stderr == (f"tfso-mock: cannot open the store sqlite:{path}: {path}: log row {row} "
                           f"({kind}): {reason}\n")


def test_store_a_damaged_file_stops_start_up(tmp_path):
    path = tmp_path / "s.sqlite"
    serve_once(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the file itself
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    assert pages >= 3
    with open(path, "r+b") as f:  # the data pages (all but the file's header page): garbage
        for n in range(1, pages):
            f.seek(page * n)
            f.write(b"\xa5" * page)
    done = start(path)
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert done.stderr.startswith(f"tfso-mock: cannot open the store sqlite:{path}: {path}: "), \
        done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr


def test_store_swept_sessions_leave_the_log(tmp_path):
    """Every Login is a log row; once its session has ended (swept when the limit is reached)
    its rows go too, so a restart does not replay every Login ever made."""
    path = tmp_path / "s.sqlite"
    serve = ServeProcess("--quiet", "--rate-limit", "0", "--store", f"sqlite:{path}",
                         "--limit", "sessions=5")
    http = Http(serve.host, serve.port)
    login = (b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap='
             b'"http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><Login xmlns='
             b'"http://24sevenOffice.com/webservices"><credential><ApplicationId>'
             b'2f9a1c7e-7d1e-4c3b-9e2a-245000000001</ApplicationId><Username>'
             b"demo@24sevenoffice.mock</Username><Password>demo</Password></credential></Login>"
             b"</soap:Body></soap:Envelope>")
    try:
        def log_in():
            return http.call("POST", "/authenticate/v001/authenticate.asmx", login,
                             {"Content-Type": "text/xml; charset=utf-8"})

        assert all(log_in().status == 200 for _ in range(5))
        assert log_in().status == 500  # the sixth: over the limit
        assert http.call("POST", "/__admin/clock", json.dumps({"advance_seconds": 21 * 60}).encode(),
                         {"Content-Type": "application/json"}).status == 200
        assert log_in().status == 200  # the five idle ones are swept
    finally:
        http.close()
        serve.close()
    conn = sqlite3.connect(path)
    kinds = dict(conn.execute("SELECT kind, count(*) FROM log GROUP BY kind").fetchall())
    conn.close()
    assert kinds.get("login") == 1, kinds
