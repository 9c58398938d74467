"""The waitress server both ``tfso-mock serve`` and the pytest plugin run.

Waitress rewrites response header names to ``Title-Case`` (``Apilimitremaining``). Header names
are case-insensitive in HTTP, but clients in the wild read the vendor's ``APILimitRemaining`` and
``APILimitReset`` with case-sensitive look-ups, and IIS sends names as the application wrote them.
This server keeps the application's spelling.

Waitress reads a request's body before it calls the application, and answers what it refuses
itself (a body over ``max_request_body_size``, malformed framing, headers too large) with its own
``text/plain`` page. Here its limit is the emulator's body limit, so a 100 MB body announced by
Content-Length is refused as soon as the headers are in (nothing of the body is read, the
connection is closed after the answer) and a chunked one once the limit is passed; and every
such refusal goes through the application (``environ["mockserver.http_error"]``, empty body), so
it is answered, counted and journaled in the shape of the path it was sent to, like any other.
"""

from __future__ import annotations

import io
import os
import threading

from waitress import trigger as _trigger
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import create_server as _waitress_server
from waitress.task import WSGITask

from . import errors

#: Waitress counts chunked framing (sizes, CRLFs) against its limit; the application enforces
#: the exact limit on the de-chunked body, so waitress's own is this much higher.
FRAMING_SLACK = 64 * 1024


class _CaseKeepingTask(WSGITask):
    def build_response_header(self):
        originals = {k: k for k, _ in self.response_headers}
        head = super().build_response_header()
        for name in originals:
            normal = "-".join(x.capitalize() for x in name.split("-"))
            if normal != name:
                head = head.replace(f"\r\n{normal}: ".encode("latin-1"),
                                    f"\r\n{name}: ".encode("latin-1"))
        return head


def http_error(err) -> errors.HttpRefusal:
    """Waitress's refusal as the emulator's typed error."""
    code = getattr(err, "code", 400)
    if code == 413:
        return errors.BodyTooLarge(0)  # the application fills in its limit
    reason = str(getattr(err, "body", "") or getattr(err, "reason", "") or "Bad Request")
    return errors.MalformedHttp(reason.rstrip("."), code if code in (400, 431, 501) else 400)


def _recover_request_line(request) -> None:
    """Headers too large: waitress parsed a stand-in ``GET /``; take the method and path from
    the start of what was received, so the answer has the shape of the path (a SOAP fault)."""
    first = request.header_plus.lstrip()[:8192].split(b"\r\n", 1)[0]
    parts = first.split(b" ")
    if len(parts) == 3 and parts[2].startswith(b"HTTP/"):
        path, _, query = parts[1].decode("latin-1").partition("?")
        request.command = parts[0].decode("latin-1")
        request.path, request.query = path.split("#")[0] or "/", query
        request.request_uri = parts[1].decode("latin-1")


class _RefusalTask(_CaseKeepingTask):
    """A request waitress refused, answered by the application (see the module doc)."""

    def execute(self):
        self.set_close_on_finish()  # the rest of the request was not read
        request = self.request
        if getattr(request.error, "code", 400) >= 500 and request.error.code != 501:
            # waitress's own 500: the application failed outside its own last line of defence
            body = b'{"error":{"name":"InternalError","message":"Server was unable to process request."}}'
            self.status, self.complete = "500 Internal Server Error", True
            self.response_headers.append(("Content-Type", "application/json; charset=utf-8"))
            self.content_length = len(body)
            self.write(body)
            return
        if request.error.code == 431:  # waitress forgot the request line: read it again
            _recover_request_line(request)
        if not getattr(request, "command", None):  # the request line itself was unreadable
            request.command, request.path, request.query = "GET", "/", ""
            request.request_uri, request.url_scheme = "/", self.channel.server.adj.url_scheme
        environ = self.get_environment()
        environ["wsgi.input"] = io.BytesIO(b"")
        environ["CONTENT_LENGTH"] = "0"
        environ["mockserver.http_error"] = http_error(request.error)
        super().execute()


class _Channel(HTTPChannel):
    task_class = _CaseKeepingTask
    error_task_class = _RefusalTask

    def send_continue(self):
        # Waitress sends "100 Continue" even for a request it has just refused (a body over the
        # limit with "Expect: 100-continue", as .NET sends) and then un-completes it: the
        # client sends the body and waitress reads up to the limit before answering. A refused
        # request gets its answer at once instead.
        if self.request is not None and self.request.error is not None:
            return
        super().send_continue()


class _Trigger(_trigger.trigger):
    """Waitress's wake-up pipe, safe to pull from any thread at any time.

    Waitress writes to the pipe's raw file descriptor from worker threads and closes it from the
    loop thread with no lock between them: a pull after the close fails with EBADF, and a pull
    racing the close can write into whatever file reuses the number (another server's socket in
    the same process). Here the pull and the close share a lock, a pull after the close is a
    no-op (nothing is left to wake), and the write end never blocks while the lock is held.
    """

    @classmethod
    def adopt(cls, trig: _trigger.trigger) -> None:
        trig.__class__ = cls
        # reentrant: a second SIGTERM can run a handler that closes the server while the first
        # handler's close still holds the lock in the same (main) thread
        trig._fd_lock = threading.RLock()
        os.set_blocking(trig.trigger, False)

    def _physical_pull(self):
        with self._fd_lock:
            if self._closed:
                return
            try:
                os.write(self.trigger, b"x")
            except BlockingIOError:  # the pipe is full: the loop wakes anyway
                pass

    def close(self):
        with self._fd_lock:
            super().close()


def create_server(app, host: str, port: int, threads: int = 8, **kw):
    """A waitress server for ``app`` (not started): ``.run()``, ``.close()``, ``.effective_port``.

    Waitress's body limit follows ``app.settings.max_body`` unless ``max_request_body_size`` is
    given.
    """
    kw.setdefault("ident", "tfso-mockserver")
    settings = getattr(app, "settings", None)
    if settings is not None:
        kw.setdefault("max_request_body_size", settings.max_body + FRAMING_SLACK)
    if kw.get("sockets"):  # pre-bound listening sockets (``workers.py``): no host or port
        server = _waitress_server(app, threads=threads, **kw)
    else:
        server = _waitress_server(app, host=host, port=port, threads=threads, **kw)
    socket_map = getattr(server, "_map", None) or getattr(server, "map", {})
    for listener in list(socket_map.values()):  # one per listen address
        if hasattr(listener, "channel_class"):
            listener.channel_class = _Channel
    guard_triggers(server)
    return server


def guard_triggers(server) -> None:
    """Give every listener of a waitress server the thread-safe trigger (``_Trigger``): for
    servers made without ``create_server`` (the recording proxy), before ``stop_server``."""
    socket_map = getattr(server, "_map", None) or getattr(server, "map", {})
    for listener in list(socket_map.values()):
        trig = getattr(listener, "trigger", None)
        if isinstance(trig, _trigger.trigger) and not isinstance(trig, _Trigger):
            _Trigger.adopt(trig)


def stop_server(server, thread, timeout: float = 5) -> None:
    """Stop a waitress server running ``server.run()`` in ``thread``, without races.

    Order matters: stop accepting, let the worker threads finish (they wake the loop through the
    trigger), then close every socket, the trigger included, from the loop's own thread. While
    that thread lives, no other thread closes anything: two threads closing the same raw file
    descriptors close numbers that another server (or file) may already have reused, and the
    loop's ``select`` on a closed descriptor fails with EBADF. On a busy machine a worker may
    outlive ``timeout``; its late pull of the trigger is harmless (``_Trigger``).
    """
    socket_map = server._map
    if thread.is_alive():
        # the listener only (waitress's server.close() would close the trigger too)
        server.trigger.pull_trigger(lambda: wasyncore.dispatcher.close(server))
    server.task_dispatcher.shutdown(timeout=timeout)
    if thread.is_alive():
        server.trigger.pull_trigger(lambda: wasyncore.close_all(socket_map))
        # the loop ends once its map is empty; if it is still starved of CPU after this, it
        # closes everything itself when it runs (a daemon thread)
        thread.join(timeout=max(timeout, 30))
    elif socket_map:  # never started, or already ended: this thread is the only one left
        wasyncore.close_all(socket_map)
