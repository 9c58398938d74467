"""The server ``tfso-mock serve``, the pytest plugin and the Docker image run: waitress's HTTP
parser and connection handling, with the application run inline in its event loop.

Waitress hands every request from its event-loop thread to a worker thread. On a machine with
idle cores that hand-off convoys on the GIL as soon as a request holds it for a few hundred
microseconds: at 8 connections the emulator served fewer requests than at 1, at five times the
CPU per request (issue 18, figures in the README). Here the event loop runs each complete
request itself, after the read that completed it, and sends the answer at once: one thread, no
hand-off, no GIL contention. Requests that may wait (the control API, anything while an injected
delay is armed: ``app.may_block(path)``) still go to worker threads, so a delay never stalls the
loop and other clients.

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
import logging
import os
import threading
import time
from collections import deque
from operator import itemgetter

from waitress import parser as _parser
from waitress import trigger as _trigger
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import create_server as _waitress_server
from waitress.task import ThreadedTaskDispatcher, WSGITask
from waitress.utilities import build_http_date

from . import errors
from .connlimits import ConnectionLimits

log = logging.getLogger("mockserver")

#: ``loop``: requests run in the event loop's thread (the default, see the module doc);
#: ``threads``: waitress's own hand-off to worker threads (measured against in ``bench/``).
SERVING = ("loop", "threads")

#: Waitress counts chunked framing (sizes, CRLFs) against its limit; the application enforces
#: the exact limit on the de-chunked body, so waitress's own is this much higher.
FRAMING_SLACK = 64 * 1024


#: a response header name -> as waitress writes it (``Title-Case``), worked out once per name:
#: the application writes a few dozen names
_TITLED: dict[str, str] = {}


def titled(name: str) -> str:
    """``name`` as waitress's ``build_response_header`` rewrites it (``Apilimitremaining``)."""
    found = _TITLED.get(name)
    if found is None:
        found = "-".join([x.capitalize() for x in name.split("-")])
        if len(_TITLED) < 512:
            _TITLED[name] = found
    return found


#: the bytes a header field's name may hold (RFC 9110 tchar), and its value (VCHAR, obs-text,
#: SP, HTAB): what waitress's ``HEADER_FIELD_RE`` allows, as sets a C loop checks
_TCHAR = b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_FIELD_BYTES = bytes(range(0x21, 0x7F)) + bytes(range(0x80, 0x100)) + b" \t"
#: lines shorter than this go straight to the regex (it is as quick there)
LONG_FIELD = 128


def fast_field(line: bytes) -> tuple[bytes, bytes] | None:
    """``(name, value)`` as waitress's ``HEADER_FIELD_RE`` reads ``line``, when a check of
    its bytes proves the regex would match; None when it does not prove it (the regex then
    decides, refusal included). The regex is ``token ":" OWS field-value OWS`` to the end: a
    name of tchar up to the first colon, then anything of VCHAR, obs-text, SP and HTAB is a
    match whose value is that stripped of SP and HTAB. A CR or LF anywhere (the regex's ``$``
    also matches before a final LF) is left to the regex."""
    colon = line.find(b":")
    if colon <= 0:
        return None
    name = line[:colon]  # tchar are field bytes, and so is the colon: one pass over the line
    if name.translate(None, _TCHAR) or line.translate(None, _FIELD_BYTES):
        return None
    return name, line[colon + 1:].strip(b" \t")


class _Field(tuple):
    """What waitress's parser reads of a header line's match: ``group("name", "value")``."""

    __slots__ = ()

    def group(self, *names):
        if names == _NAME_VALUE:  # what waitress asks
            return self
        found = tuple(self[_GROUPS[n]] for n in names)
        return found[0] if len(found) == 1 else found


_NAME_VALUE = ("name", "value")
_GROUPS = {"name": 0, "value": 1, 1: 0, 2: 1}


class _HeaderFieldRE:
    """Waitress's ``parser.HEADER_FIELD_RE`` with a quicker proof for long lines.

    The regex checks each byte of a header line in the regex engine: about 5 us for the
    1,488-byte ``Authorization: Bearer <jwt>`` line every REST call sends, a tenth of what
    the emulator's own work on a kept page costs (issue 18). ``fast_field`` proves the same
    answer with two ``bytes.translate`` passes; anything it does not prove goes to the regex,
    so names, values and refusals stay exactly waitress's. Waitress reads the module global
    on each header line: replacing it (here only, once, at import) is the one way in short of
    copying its whole ``parse_header``; it changes nothing for any other waitress server in
    the process but its speed."""

    def __init__(self, regex):
        self.regex = regex

    def match(self, line: bytes, *args):
        if len(line) >= LONG_FIELD and not args:
            found = fast_field(line)
            if found is not None:
                return _Field(found)
        return self.regex.match(line, *args)

    def __getattr__(self, name):
        return getattr(self.regex, name)


if not isinstance(_parser.HEADER_FIELD_RE, _HeaderFieldRE):
    _parser.HEADER_FIELD_RE = _HeaderFieldRE(_parser.HEADER_FIELD_RE)


class _CaseKeepingTask(WSGITask):
    def build_response_header(self):
        """Waitress's header block with each name as the application wrote it.

        Waitress capitalises header names (``Apilimitremaining``); clients read
        ``APILimitRemaining`` as the vendor spells it, case-sensitively. This is waitress's
        ``build_response_header`` (3.0) step for step: the same decisions on Content-Length,
        chunking, Connection, Server and Date, the same ``self.response_headers`` after it (in
        waitress's names), the same order (sorted by waitress's name, stably), but each line
        written under the application's spelling of that name (the first spelling, when it
        wrote one name twice), where it respelt waitress's block before: waitress's names cost
        a request a few microseconds and the respelling as much again (issue 18). Any other
        line (``Date``, ``Server``, ``Connection``) reads as waitress writes it.
        ``tests/test_serving_header_block.py`` holds it to waitress's own block, respelt, on
        generated responses."""
        connection = self.request.headers.get("CONNECTION", "").lower()
        spelled: dict[str, str] = {}
        headers = []
        content_length = date = server = None
        has_body = self.has_body
        for name, value in self.response_headers:
            title = _TITLED.get(name) or titled(name)
            if title != name and title not in spelled:
                spelled[title] = name
            if title == "Content-Length":
                if not has_body:
                    continue
                content_length = value
            elif title == "Date":
                date = value
            elif title == "Server":
                server = value
            headers.append((title, value))
        self.response_headers = headers
        if content_length is None and self.content_length is not None and has_body:
            content_length = str(self.content_length)
            headers.append(("Content-Length", content_length))
        version = self.version
        if version == "1.0":
            if connection == "keep-alive":
                if not content_length:
                    self.set_close_on_finish()
                else:
                    headers.append(("Connection", "Keep-Alive"))
            else:
                self.set_close_on_finish()
        elif version == "1.1":
            if connection == "close":
                self.set_close_on_finish()
            if not content_length:
                if has_body:
                    headers.append(("Transfer-Encoding", "chunked"))
                    self.chunked_response = True
                if not self.close_on_finish:
                    self.set_close_on_finish()
        else:
            raise AssertionError("neither HTTP/1.0 or HTTP/1.1")
        ident = self.channel.server.adj.ident
        if not server:
            if ident:
                headers.append(("Server", ident))
        else:
            headers.append(("Via", ident or "waitress"))
        if not date:
            headers.append(("Date", build_http_date(self.start_time)))
        spelling = spelled.get
        lines = [f"HTTP/{version} {self.status}"]
        lines += [f"{spelling(k, k)}: {v}" for k, v in sorted(headers, key=itemgetter(0))]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


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


class _StrictParser(HTTPRequestParser):
    """Waitress's parser, refusing a request that has both Content-Length and Transfer-Encoding
    (RFC 9112 6.1: a server may reject it, and must close after it). Waitress would take the
    chunked body and read the bytes Content-Length counted as a second request: smuggling
    through any proxy in front that trusts Content-Length."""

    def parse_header(self, header_plus):
        super().parse_header(header_plus)
        headers = self.headers
        if "CONTENT_LENGTH" in headers and (self.chunked or "TRANSFER_ENCODING" in headers):
            raise ParsingError(errors.CONTENT_LENGTH_WITH_TRANSFER_ENCODING)


class _Channel(HTTPChannel):
    parser_class = _StrictParser
    task_class = _CaseKeepingTask
    error_task_class = _RefusalTask
    #: when the first byte of the request being read arrived (``time.monotonic()``); None
    #: between requests
    request_started: float | None = None

    def __init__(self, server, sock, addr, adj, map=None):
        super().__init__(server, sock, addr, adj, map)
        limits = getattr(server, "limits", None)
        if limits is not None:
            limits.admit(self)

    def received(self, data):
        if data and self.request is None:
            self.request_started = time.monotonic()
        done = super().received(data)
        if self.request is None:
            self.request_started = None
        return done

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


class _Dispatcher:
    """Where a parsed request runs: in the event loop's own thread (the default: queued here
    and run by ``_run`` right after the read that completed it), or on one of ``threads``
    worker threads (started on first use) when ``may_block(path)`` says it may wait."""

    def __init__(self, threads: int, may_block=None):
        self.pending: deque = deque()
        self.loop_ident: int | None = None
        self.wake = None  # the loop's trigger, set by create_server
        self._threads = max(1, threads)
        self._may_block = may_block
        self._pool: ThreadedTaskDispatcher | None = None
        self._lock = threading.Lock()

    def add_task(self, channel) -> None:
        request = channel.requests[0]
        if self._may_block is not None and request.error is None and \
                self._may_block(request.path or "/"):
            self._worker_pool().add_task(channel)
            return
        self.pending.append(channel)
        if threading.get_ident() != self.loop_ident and self.wake is not None:
            self.wake()  # queued from a worker thread (the next pipelined request)

    def _worker_pool(self) -> ThreadedTaskDispatcher:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadedTaskDispatcher()
                self._pool.set_thread_count(self._threads)
            return self._pool

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        if self._pool is not None:
            self._pool.shutdown(cancel_pending, timeout)
        if threading.get_ident() == self.loop_ident:  # else the loop drains or closes them
            while cancel_pending and self.pending:
                self.pending.popleft().cancel()
        return True


def _service(channel) -> None:
    """Run one queued request in the loop thread and send what it wrote at once."""
    try:
        channel.service()
    except Exception:  # noqa: BLE001 - service() answers the client itself; never stop the loop
        log.exception("unexpected error while serving a request")
    if channel.connected and channel.writable():
        channel.handle_write()


def _run(server, dispatcher: _Dispatcher) -> None:
    """The event loop (``server.run()``): poll, then run what the reads completed."""
    adj = server.adj
    socket_map = getattr(server, "_map", None) or server.map
    poll = wasyncore.poll2 if adj.asyncore_use_poll else wasyncore.poll
    pending = dispatcher.pending
    dispatcher.loop_ident = threading.get_ident()
    try:
        while socket_map:
            poll(0 if pending else adj.asyncore_loop_timeout, socket_map)
            while pending:
                _service(pending.popleft())
    except (SystemExit, KeyboardInterrupt):
        dispatcher.shutdown()


def create_server(app, host: str, port: int, threads: int = 8, **kw):
    """A server for ``app`` (not started): ``.run()``, ``.close()``, ``.effective_port``.

    Waitress's body limit follows ``app.settings.max_body`` unless ``max_request_body_size`` is
    given; the connection limits (``connlimits.py``) follow the app's settings.
    ``threads``: the worker threads for requests that may block (``app.may_block``).
    """
    kw.setdefault("ident", "tfso-mockserver")
    settings = getattr(app, "settings", None)
    if settings is not None:
        kw.setdefault("max_request_body_size", settings.max_body + FRAMING_SLACK)
    limits = ConnectionLimits.from_settings(settings)
    # waitress's own limit only backs ours up: ours closes the least recently active idle
    # connection instead of no longer accepting; poll() has no FD_SETSIZE ceiling
    kw.setdefault("connection_limit", limits.total + 16)
    kw.setdefault("asyncore_use_poll", True)
    kw.setdefault("cleanup_interval", 1)
    kw.setdefault("channel_timeout", limits.idle_timeout)
    serving = kw.pop("serving", None) or getattr(settings, "serving", "loop")
    if serving not in SERVING:
        raise ValueError(f"serving must be one of {', '.join(SERVING)}, not {serving!r}")
    dispatcher = None
    if serving == "loop":
        dispatcher = _Dispatcher(threads, getattr(app, "may_block", None))
        kw["_dispatcher"] = dispatcher
        # a request run in the loop thread must never wait for the loop to drain its output
        kw.setdefault("outbuf_high_watermark", 1 << 62)
    if kw.get("sockets"):  # pre-bound listening sockets (``workers.py``): no host or port
        server = _waitress_server(app, threads=threads, **kw)
    else:
        server = _waitress_server(app, host=host, port=port, threads=threads, **kw)
    socket_map = getattr(server, "_map", None) or getattr(server, "map", {})
    for listener in list(socket_map.values()):  # one per listen address
        if hasattr(listener, "channel_class"):
            listener.channel_class = _Channel
    guard_triggers(server)  # before the loop below binds the triggers' pull_trigger
    for listener in list(socket_map.values()):
        if hasattr(listener, "channel_class"):
            listener.limits = limits
            limits.attach(listener)
            if dispatcher is not None:
                trigger = listener.trigger
                listener.pull_trigger = _loop_waker(dispatcher, trigger)
                dispatcher.wake = trigger.pull_trigger
    if dispatcher is not None:
        server.run = lambda: _run(server, dispatcher)
    return server


def guard_triggers(server) -> None:
    """Give every listener of a waitress server the thread-safe trigger (``_Trigger``): for
    servers made without ``create_server`` (the recording proxy), before ``stop_server``."""
    socket_map = getattr(server, "_map", None) or getattr(server, "map", {})
    for listener in list(socket_map.values()):
        trig = getattr(listener, "trigger", None)
        if isinstance(trig, _trigger.trigger) and not isinstance(trig, _Trigger):
            _Trigger.adopt(trig)


def _loop_waker(dispatcher: _Dispatcher, trigger):
    """``server.pull_trigger``: wakes the loop from a worker thread; in the loop itself the
    next poll sees the output anyway, so no pipe write."""

    def pull_trigger():
        if threading.get_ident() != dispatcher.loop_ident:
            trigger.pull_trigger()

    return pull_trigger


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
