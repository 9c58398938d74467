"""The emulator's response header block (``serving._CaseKeepingTask.build_response_header``) is
waitress's own block with each name as the application wrote it: the same lines, order,
framing and connection decisions as waitress's ``build_response_header`` followed by the
respelling the emulator did before (every line whose waitress name is one the application
spelt otherwise, under the application's first spelling of it)."""

from __future__ import annotations

import socket
import threading
import types

from hypothesis import example, given, settings
from hypothesis import strategies as st
from waitress.task import WSGITask

from mockserver import serving

#: names as applications write them: the vendor's spellings, Flask's, lower case, two
#: spellings of one name, and the names waitress decides on
_NAMES = ["APILimitRemaining", "APILimitReset", "Content-Type", "Content-Length", "content-length",
          "X-Trace-Id", "x-trace-id", "link", "Link", "LINK", "Set-Cookie", "Cache-Control",
          "Retry-After", "Date", "date", "Server", "server", "Connection", "connection",
          "Transfer-Encoding", "WWW-Authenticate", "Via", "a", "A-b-C"]
_STATUSES = ["200 OK", "201 CREATED", "204 No Content", "304 Not Modified", "101 Switching Protocols",
             "401 UNAUTHORIZED", "429 Too Many Requests", "500 Internal Server Error"]
_values = st.text(alphabet="aZ09 ;=,-:/<>\"'", max_size=12)
_responses = st.fixed_dictionaries({
    "headers": st.lists(st.tuples(st.sampled_from(_NAMES), _values), max_size=9),
    "status": st.sampled_from(_STATUSES),
    "version": st.sampled_from(["1.0", "1.1"]),
    "connection": st.sampled_from([None, "close", "keep-alive", "Keep-Alive", "Close", "upgrade"]),
    "content_length": st.one_of(st.none(), st.integers(0, 10**6)),
    "ident": st.sampled_from(["waitress", ""]),
})


def _task(cls, r: dict):
    task = object.__new__(cls)
    headers = {} if r["connection"] is None else {"CONNECTION": r["connection"]}
    task.request = types.SimpleNamespace(headers=headers)
    task.channel = types.SimpleNamespace(
        server=types.SimpleNamespace(adj=types.SimpleNamespace(ident=r["ident"])))
    task.response_headers = list(r["headers"])
    task.status, task.version = r["status"], r["version"]
    task.content_length = r["content_length"]
    task.close_on_finish = task.wrote_header = task.chunked_response = False
    task.start_time = 1_796_212_800.0  # 2026-12-02 10:40 UTC
    return task


def _waitress_respelt(r: dict):
    """Waitress's block and what it leaves on the task, respelt as the emulator did before."""
    task = _task(WSGITask, r)
    head = WSGITask.build_response_header(task)
    respell = []
    for name, _ in r["headers"]:
        title = "-".join(x.capitalize() for x in name.split("-"))
        if title != name:
            respell.append((f"\r\n{title}: ".encode("latin-1"), f"\r\n{name}: ".encode("latin-1")))
    for title, name in dict.fromkeys(respell):
        head = head.replace(title, name)
    return head, task


@settings(max_examples=2000, deadline=None)
@given(_responses)
@example({"headers": [("Content-Type", "application/json; charset=utf-8"),
                      ("Content-Length", "22006"), ("X-Trace-Id", "0af"), ("link", "<x>"),
                      ("APILimitRemaining", "9"), ("APILimitReset", "2026-12-02T11:00:00Z")],
          "status": "200 OK", "version": "1.1", "connection": None, "content_length": None,
          "ident": "waitress"})
@example({"headers": [("link", "1"), ("Link", "2"), ("LINK", "3")], "status": "200 OK",
          "version": "1.0", "connection": "keep-alive", "content_length": 3, "ident": ""})
@example({"headers": [("content-length", "5")], "status": "204 No Content", "version": "1.1",
          "connection": "close", "content_length": None, "ident": "waitress"})
def test_the_block_is_waitress_own_respelt(r):
    expected, theirs = _waitress_respelt(r)
    ours = _task(serving._CaseKeepingTask, r)
    assert ours.build_response_header() == expected
    assert ours.response_headers == theirs.response_headers
    assert (ours.close_on_finish, ours.chunked_response) == (theirs.close_on_finish,
                                                             theirs.chunked_response)


def test_a_version_waitress_refuses_is_refused_alike():
    r = {"headers": [], "status": "200 OK", "version": "0.9", "connection": None,
         "content_length": 1, "ident": "waitress"}
    for cls in (WSGITask, serving._CaseKeepingTask):
        try:
            cls.build_response_header(_task(cls, r))
        except AssertionError as exc:
            assert str(exc) == "neither HTTP/1.0 or HTTP/1.1"
        else:
            raise AssertionError(f"{cls.__name__} accepted HTTP/0.9")


def test_names_over_a_socket_are_the_application_spelling():
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("APILimitRemaining", "7"),
                                  ("link", "<a>"), ("x-trace-id", "ab")])
        return [b"ok"]

    server = serving.create_server(app, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.effective_port), timeout=5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while not data.endswith(b"\r\n\r\nok"):
                chunk = s.recv(4096)
                assert chunk, data
                data += chunk
    finally:
        serving.stop_server(server, thread)
    head = data.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    assert head[0] == "HTTP/1.1 200 OK"
    names = [line.split(": ", 1)[0] for line in head[1:]]
    assert names == ["APILimitRemaining", "Content-Length", "Content-Type", "Date", "link",
                     "Server", "x-trace-id"]
    assert "Content-Length: 2" in head and "APILimitRemaining: 7" in head
