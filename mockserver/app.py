"""The front door: one WSGI callable in front of the SOAP services, the REST API and the control API.

Every vendor request (SOAP paths, ``/v1``, ``/oauth``) goes the same way:

1. fold the path's case (IIS does), bound the body: a body over the limit, or a request the HTTP
   server could not read (``serving.py``), is refused here, before anything else reads it, in
   the shape of the path (``door.render_refusal``), journaled but not counted against the quota
   (the door checks and the cheap looks into a body live in ``door.py``);
2. find the caller: the client a session cookie, Login Username, bearer token or OAuth client_id
   names, else the remote address (``control/ratelimit.py`` explains why);
3. in that client's clock (``Clock.scope``): count it against the hourly quota and the burst
   throttle (L1, L4), refusing with the vendor's answer when over;
4. apply an injected fault if one matches (``control/faults.py``);
5. dispatch to the SOAP handler or the REST app (a page of ``/v1/transactionlines`` read again
   while nothing changed, or one line, is written without Flask: ``rest/lean.py``);
6. add ``APILimitRemaining`` / ``APILimitReset`` (L2) and record it in the request journal.

Whatever goes wrong, the answer is a SOAP fault on SOAP paths and JSON elsewhere.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import sys
import threading
import time
from html import unescape

from . import __version__, door, errors
from .admin.shape import error_json
from .clock import Clock
from .codec_utils import basic_credentials, bearer_token, iso_utc
from .control import crosssite
from .control.faults import Call, Fault, FaultBook
from .control.ratelimit import Decision, RateLimiter, address_key, client_key
from .journal import RequestJournal, SecretScrubber
from .ledger import scenario as scenarios
from .ledger.core import Ledger
from .rest import cors
from .settings import Settings
from .soap import catalogue, envelope
from .soap.context import session_ids
from .soap.routing import Route

try:  # waitress closes the socket without an answer when the app raises this
    from waitress.channel import ClientDisconnected as DropConnection
except ImportError:  # pragma: no cover - waitress is a dependency

    class DropConnection(Exception):  # type: ignore[no-redef]
        pass


log = logging.getLogger("mockserver")

#: the demo client's scenario when ``--scenario`` is not given (fixtures/scenarios/demo.yaml)
DEMO_SCENARIO = "demo"

_SAVE_RESULT = re.compile(
    rb"<SaveBundleListResult>\s*<Type>(\w+)</Type>(?:\s*<Description>([^<]*)</Description>)?")


class MockServer:
    """``create_app(settings)`` returns one of these: a WSGI application."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()
        self.clock = Clock()
        self.ledger = Ledger(self.clock, store=_open_store(self.settings.store),
                             limits=self.settings.limits)
        self.journal = RequestJournal(self.clock, max_bytes=self.settings.limits.journal_bytes)
        self.ledger.transaction_no_zero = self.settings.transaction_no_zero
        self.ledger.max_body = self.settings.max_body  # GetMaxRequestLength
        self.journal.scrub = SecretScrubber(self.ledger)
        self.limiter = RateLimiter(self.clock, self.settings.rate_limit, self.settings.burst_limit)
        self.faults = FaultBook(self.settings.limits.faults)
        #: the scenario of the demo client (``--scenario``, else ``demo``: a few posted vouchers
        #: in the current year), read once: a bad file stops start-up
        self.scenario = scenarios.load(self.settings.scenario or DEMO_SCENARIO)
        # the surfaces load on first use (``soap``, ``rest``, ``admin``): start-up imports
        # neither spyne nor Flask, and health is answered without them (``_health``)
        self._surfaces: dict[str, object] = {}
        self._surface_lock = threading.Lock()
        #: the hot REST GET without Flask (``rest/lean.py``), once the REST app is made
        self._lean_rest = None
        with self.ledger.transaction():  # the state the store holds, or (a new one) the demo
            if self.ledger.is_empty():
                self.startup_client = self.reset(clear_control=False)
            else:
                self.startup_client = self.ledger.startup_info()

    # --- the surfaces, loaded on first use -------------------------------------------------

    def _surface(self, name: str, make):
        surface = self._surfaces.get(name)
        if surface is None:
            with self._surface_lock:
                surface = self._surfaces.get(name)
                if surface is None:
                    surface = self._surfaces[name] = make()
        return surface

    @property
    def soap(self):
        """The SOAP handler (``soap/dispatch.py``); each service's module loads on the first
        request to it (``soap/catalogue.py``)."""
        def make():
            from .soap.dispatch import SoapHandler

            return SoapHandler(self.ledger, self.settings.public_url or None)
        return self._surface("soap", make)

    @property
    def rest(self):
        """The REST app (``rest/api.py``, Flask), on the first REST or OAuth request."""
        def make():
            from .rest.api import create_rest

            app = create_rest(self)
            self._lean_rest = app.extensions["lean_lines"].answer
            return app
        return self._surface("rest", make)

    @property
    def admin(self):
        """The control API (``admin/api.py``, Flask), on its first request but health."""
        def make():
            from .admin.api import create_admin

            return create_admin(self)
        return self._surface("admin", make)

    def health(self) -> tuple[int, dict]:
        """``/__admin/health``: 200 and the state, or 503 and why the ledger takes no changes."""
        problem = self.ledger.health()
        if problem is not None:  # 503: the Docker HEALTHCHECK and orchestrators see it
            return 503, {"status": "unhealthy", "version": __version__,
                         "store": self.settings.store, "reason": problem}
        return 200, {"status": "ok", "version": __version__, "clients": len(self.ledger.books),
                     "now": iso_utc(self.clock.now()),
                     "rate_limit": self.limiter.rate_limit,
                     "burst_limit": self.limiter.burst_limit,
                     "scenario": self.settings.scenario or None,
                     "rest": True}

    def _health(self, environ, start_response):
        """Health without Flask (start-up is timed to its first 200), as the control API would
        answer it: GET or HEAD, with the admin token when there is one; anything else (another
        method, a missing or wrong token: the control API's 401 or login page) goes to Flask."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        token = self.settings.admin_token
        if token:
            given = bearer_token(environ.get("HTTP_AUTHORIZATION", "")) or ""
            if not hmac.compare_digest(given.encode(), token.encode()):
                return None
        status, payload = self.health()
        body = (json.dumps(payload, separators=(",", ":")) + "\n").encode()
        start_response(door.status_line(status), [
            ("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    # --- state ----------------------------------------------------------------------------

    def reset(self, clear_control: bool = True) -> dict:
        """Back to the start-up state: the demo client (with its scenario), no other clients;
        with ``clear_control`` also no faults, journal, rate-limit counters or clock settings."""
        if clear_control:
            self.faults.clear()
            self.journal.clear()
            self.clock.reset()
            self.limiter.reset(self.settings.rate_limit, self.settings.burst_limit)
        sc = self.scenario
        with self.ledger.transaction():
            opts = scenarios.client_options(sc, self.clock.now().year, base=Ledger.demo_options())
            info = self.ledger.reset(opts)
            info = {**info, **self.ledger.populate(info["client_id"], sc)}
        self.apply_client_limits(info["client_id"], sc.rate_limit, sc.burst_limit,
                                 extra=[i["client_id"] for i in info.get("identities", ())])
        return info

    @staticmethod
    def operation_names(service: str | None) -> list[str]:
        """The operations of a SOAP service as a fault names them (None: of every one, in the
        catalogue's order); their modules load on this first use, as on a first call."""
        from .soap.dispatch import SERVICES

        out: list[str] = []
        for path in SERVICES:
            entry = catalogue.BY_PATH.get(path)
            if service is not None and entry is not None and entry.name != service:
                continue
            sdef = SERVICES[path]
            if service is None or sdef.name == service:
                out += list(sdef.service.public_methods)
        return out

    @staticmethod
    def service_names() -> dict[str, str]:
        """The services a fault may name, lower-cased to as written (the SOAP ones and rest)."""
        names = catalogue.names()
        names["rest"] = "rest"
        return names

    def apply_client_limits(self, client_id: int, rate_limit=None, burst_limit=None,
                            extra=()) -> None:
        """A client's own limits (and those of the other identities of its login)."""
        from .control.ratelimit import KEEP

        if rate_limit is None and burst_limit is None:
            return
        for cid in {client_id, *extra}:
            self.limiter.configure_client(
                cid, rate_limit=KEEP if rate_limit is None else rate_limit,
                burst_limit=KEEP if burst_limit is None else burst_limit)

    # --- WSGI -----------------------------------------------------------------------------

    def may_block(self, path: str) -> bool:
        """Whether a request to ``path`` may take long or wait: a control-API call (but health),
        or anything while an injected delay is armed. The server (``serving.py``) runs those on
        a worker thread, everything else in its event loop."""
        if self.faults.delays_armed:
            return True
        lower = path.lower()
        return lower.startswith("/__admin") and not lower.startswith("/__admin/health")

    def __call__(self, environ, start_response):
        try:
            return self._dispatch(environ, start_response)
        except DropConnection:
            raise
        except Exception as exc:  # the last line of defence: still a vendor-shaped answer
            log.exception("unhandled error")
            path = (environ.get("PATH_INFO") or "").lower().rstrip("/")
            err = errors.UnableToProcess(detail=type(exc).__name__)
            if path in catalogue.BY_PATH:
                body = envelope.fault(envelope.SOAP11, err)
                headers = [("Content-Type", envelope.CONTENT_TYPES[envelope.SOAP11])]
            else:
                _, headers, body = door.json_body(500, error_json(err.name, err.text))
            start_response(door.status_line(500), headers + [("Content-Length", str(len(body)))],
                           sys.exc_info())
            return [body]

    def _dispatch(self, environ, start_response):
        started = time.perf_counter()
        self.ledger.sync()  # what other worker processes committed
        path = environ.get("PATH_INFO") or "/"
        lower = path.lower().rstrip("/") or "/"
        sdef = self.soap.services[lower] if lower in catalogue.BY_PATH else None
        refusal = door.check(environ, sdef is not None, self.settings.max_body)
        if sdef is not None or lower.startswith(door.REST_PREFIXES):
            if sdef is None and "HTTP_ORIGIN" in environ and cors.applies(environ, lower):
                if refusal is None and (preflight := cors.preflight(environ)) is not None:
                    status, headers, body = preflight  # not a call: no client, no quota
                    self.journal.record(environ, status, started, {"service": "rest"})
                    start_response(door.status_line(status), headers)
                    return [body]
                start_response = cors.allowing(environ, start_response)
            req = self._identify(environ, sdef, lower, refusal)
            with self.clock.scope(req.client_id):
                return self._vendor(req, start_response, started)
        if lower.startswith("/__admin"):
            if not self.settings.admin:
                off = errors.ControlApiOff()
                status, headers, body = door.json_body(off.status, error_json(off.name, off.message))
            elif refusal is not None:
                status, headers, body = door.render_refusal("admin", refusal)
            elif (cross := crosssite.refusal(environ, self.settings.admin_token,
                                             self.settings.public_url)) is not None:
                status, headers, body = door.render_refusal("admin", cross)
            else:  # the control API is not journaled
                if lower == "/__admin/health":
                    answer = self._health(environ, start_response)
                    if answer is not None:
                        return answer
                return self.admin(environ, door.standard_reasons(start_response))
        elif refusal is not None:
            status, headers, body = door.render_refusal("other", refusal)
            self.journal.record(environ, status, started, {"service": None, "fault": refusal.text})
        else:
            missing = errors.NoService(path=path)
            status, headers, body = door.json_body(missing.http_status,
                                                   error_json(missing.name, missing.text))
            self.journal.record(environ, status, started, {"service": None})
        start_response(door.status_line(status), headers + [("Content-Length", str(len(body)))])
        return [body]

    # --- who is calling -------------------------------------------------------------------

    def _identify(self, environ, sdef, lower: str, refusal=None) -> door.Request:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        req = door.Request(environ, method, environ.get("PATH_INFO") or "/", sdef,
                       sdef.name if sdef is not None else "rest", None, None, ("", ""))
        req.refusal = refusal
        client_id = None
        if sdef is not None:
            client_id = self.ledger.session_client(session_ids(environ.get("HTTP_COOKIE", "")))
            if refusal is not None:
                req.version = envelope.version_for_content_type(
                    environ.get("CONTENT_TYPE", "")) or envelope.SOAP11
            elif method == "POST":
                try:
                    req.body = door.read_body(environ, self.settings.max_body)
                except errors.HttpRefusal as refused:
                    req.refusal = refused
                    req.version = envelope.version_for_content_type(
                        environ.get("CONTENT_TYPE", "")) or envelope.SOAP11
                else:
                    # parsed once, here: the operation (fault matching, the journal) and the
                    # caller come from the envelope as the service reads it, before the quota
                    # is charged; never from a look at the raw text
                    ctype = environ.get("CONTENT_TYPE", "")
                    parsed = req.parsed = self.soap.read(req.body, ctype)
                    routed = req.routed = self.soap.route(sdef, parsed, ctype,
                                                          environ.get("HTTP_SOAPACTION"))
                    if isinstance(parsed, errors.VendorError):
                        req.version = door.soap_version(req.body, ctype)
                        req.operation = door.soap_action(environ)
                    else:
                        req.version = parsed.version
                        req.operation = parsed.operation
                    if isinstance(routed, Route):
                        req.operation = routed.operation
                        if client_id is None and self.soap.takes_credential(sdef, routed):
                            assert isinstance(parsed, envelope.SoapRequest)  # routed: read
                            client_id = self._login_client(parsed)
                    else:
                        req.version = routed.version
            elif method == "GET":
                req.operation = "WSDL"
        elif refusal is None:
            client_id = self._rest_client(req, lower)
        req.client_id = client_id
        req.key = client_key(client_id) if client_id is not None else address_key(
            environ.get("REMOTE_ADDR", ""))
        return req

    def _login_client(self, parsed: envelope.SoapRequest) -> int | None:
        username = envelope.credential_username(parsed)
        return self.ledger.client_for_username(username) if username else None

    def _rest_client(self, req: door.Request, lower: str) -> int | None:
        """The client a bearer token (kept as ``req.bearer`` for ``rest/lean.py``) or an OAuth
        client_id names."""
        tokens = getattr(self.ledger, "tokens", None)
        if tokens is None:
            return None
        environ = req.environ
        auth = environ.get("HTTP_AUTHORIZATION", "")
        bearer = bearer_token(auth)
        if bearer is not None:
            found = req.bearer = tokens.lookup(bearer)
            return found.client_id if found is not None else None
        if lower.startswith("/oauth") and req.method == "POST":
            try:
                basic = basic_credentials(auth)
            except ValueError:
                basic = None
            oauth_id = (basic[0] if basic else None) or door.oauth_client_id(
                environ, self.settings.max_body)
            app = tokens.applications.get(oauth_id) if oauth_id else None
            return app.ledger_client_id if app is not None else None
        return None

    # --- a vendor request -----------------------------------------------------------------

    def _vendor(self, req: door.Request, start_response, started: float):
        meta: dict = {"service": req.service, "operation": req.operation, "client_id": req.client_id}
        if req.refusal is not None:  # refused at the door: not counted, no injected fault
            meta["fault"] = req.refusal.text
            status, headers, body = door.render_refusal(
                "soap" if req.soap else door.surface_of(req.path.lower()), req.refusal, req.version)
            return self._answer(req, start_response, started, meta, status,
                                headers + _limit_headers(self.limiter.peek(req.key)), body)
        wsdl = req.is_wsdl
        if wsdl:
            decision = self.limiter.peek(req.key)
        else:
            decision = self.limiter.hit(req.key)
        limit_headers = _limit_headers(decision)

        if not decision.allowed:
            status, headers, body = self._refusal(req, decision, meta)
            return self._answer(req, start_response, started, meta, status,
                                headers + limit_headers, body)

        fault = None if wsdl or not self.faults.armed else self.faults.take(Call(
            req.soap, req.method, req.path, req.service, req.operation, req.client_id))
        if fault is not None:
            meta["injected_fault"] = fault.id
            answer = self._apply_fault(req, fault, meta)
            if answer is not None:
                status, headers, body = answer
                return self._answer(req, start_response, started, meta, status,
                                    headers + limit_headers, body)

        if req.soap:
            status, headers, body, soap_meta = self._soap(req)
            meta.update({k: v for k, v in soap_meta.items() if v is not None})
            return self._answer(req, start_response, started, meta, status,
                                headers + limit_headers, body)
        return self._rest(req, start_response, started, meta, limit_headers)

    def _answer(self, req: door.Request, start_response, started, meta, status, headers, body):
        self.journal.record(req.environ, status, started, meta)
        start_response(door.status_line(status), headers + [("Content-Length", str(len(body)))])
        return [body]

    def _refusal(self, req: door.Request, decision: Decision, meta: dict):
        meta["rate_limited"] = True
        retry = [("Retry-After", str(decision.retry_after))]
        if decision.burst:  # L4: a plain 429, whatever the protocol
            burst = errors.BurstLimited()
            meta["fault"] = burst.text
            body = burst.text.encode()
            return burst.http_status, [("Content-Type", "text/plain; charset=utf-8")] + retry, body
        err = decision.error()
        meta["fault"] = err.text
        if req.soap:  # L1: a SOAP fault, HTTP 500 as ASMX answers faults
            return 500, [("Content-Type", envelope.CONTENT_TYPES[req.version])], envelope.fault(req.version, err)
        status, headers, body = door.rest_json(err.http_status, err.name, err.text)
        return status, headers + retry, body

    def _apply_fault(self, req: door.Request, fault: Fault, meta: dict):
        """Run an injected fault; an answer (status, headers, body), or None to carry on."""
        if fault.delay_ms:
            time.sleep(fault.delay_ms / 1000)
        if fault.action == "expire_session":
            if req.client_id is not None:
                self.ledger.expire_sessions(req.client_id)
            return None
        if fault.action == "drop_connection":
            meta["dropped"] = True
            self.journal.record(req.environ, None, time.perf_counter(), meta)
            raise DropConnection("injected fault: connection dropped")
        if fault.action == "http_status":
            code = fault.http_status
            assert code is not None  # faults.parse requires it for this action
            meta["fault"] = f"HTTP {code}"
            if req.soap:
                reason = door.REASONS.get(code, "Error").encode()
                return code, [("Content-Type", "text/plain; charset=utf-8")], reason
            name = door.REASONS.get(code, "Error").replace(" ", "")
            return door.rest_json(code, name, f"{code} {door.REASONS.get(code, 'Error')}")
        if fault.action == "soap_fault":
            assert fault.soap_fault is not None  # faults.parse requires it for this action
            err = errors.InjectedFault(fault.soap_fault)
            meta["fault"] = err.text
            return 500, [("Content-Type", envelope.CONTENT_TYPES[req.version])], envelope.fault(req.version, err)
        if fault.action == "result":
            return self._injected_result(req, fault, meta)
        return None  # delay only

    def _injected_result(self, req: door.Request, fault: Fault, meta: dict):
        sdef, operation = req.sdef, req.operation
        assert sdef is not None and fault.result is not None  # a SOAP path; faults.parse's
        desc = sdef.service.public_methods.get(operation) if operation else None
        if operation is None or desc is None:  # no such operation: the SOAP handler answers
            return None
        from .soap.dispatch import write_result

        result = dict(fault.result)
        if operation == "SaveBundleList":
            meta["result_type"] = result.get("Type")
            meta["result_description"] = result.get("Description")
        body = envelope.response(req.version, operation, sdef.ns, write_result(desc, result))
        return 200, [("Content-Type", envelope.CONTENT_TYPES[req.version]),
                     ("Cache-Control", "private")], body

    # --- the surfaces ---------------------------------------------------------------------

    def _soap(self, req: door.Request):
        sdef, environ = req.sdef, req.environ
        method = req.method
        if method == "GET":
            ans = self.soap.get(sdef, environ.get("QUERY_STRING", ""), door.base_url(environ))
        elif method == "POST":
            ans = self.soap.post(sdef, req.body, environ.get("CONTENT_TYPE", ""),
                                 environ.get("HTTP_COOKIE", ""), req.parsed,
                                 environ.get("HTTP_SOAPACTION"), req.routed)
        else:
            from .soap.dispatch import SoapAnswer

            err = errors.MethodNotAllowed(method=method)
            ans = SoapAnswer(err.soap_status, envelope.fault(envelope.SOAP11, err),
                             envelope.CONTENT_TYPES[envelope.SOAP11], fault=err.text)
        headers = [("Content-Type", ans.content_type), ("Cache-Control", "private")]
        if ans.set_cookie:
            headers.append(("Set-Cookie", f"ASP.NET_SessionId={ans.set_cookie}; path=/; HttpOnly; SameSite=Lax"))
        meta = {"operation": ans.operation, "client_id": ans.client_id, "fault": ans.fault,
                "fault_detail": ans.fault_detail, "warnings": ans.warnings}
        if ans.operation == "SaveBundleList" and ans.status == 200:
            m = _SAVE_RESULT.search(ans.body)
            meta["result_type"] = m.group(1).decode() if m else None
            if m and m.group(2):
                meta["result_description"] = unescape(m.group(2).decode("utf-8", "replace"))
        return ans.status, headers, ans.body, meta

    def _rest(self, req: door.Request, start_response, started, meta, limit_headers):
        lean = self._lean_rest
        if lean is not None and (answer := lean(req.environ, req.bearer)) is not None:
            headers, body, rest_meta = answer  # the same 200 Flask would write (rest/lean.py)
            meta.update(rest_meta)
            start_response("200 OK", headers + limit_headers)
            self.journal.record(req.environ, 200, started, meta)
            return [body]
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = int(status.split(" ", 1)[0])
            return start_response(door.standard_status(status), list(headers) + limit_headers,
                                  exc_info)

        result = self.rest(req.environ, capture)
        rest_meta = req.environ.get("mockserver.meta") or {}
        meta.update({k: v for k, v in rest_meta.items() if v is not None})
        self.journal.record(req.environ, captured.get("status", 500), started, meta)
        return result


def _limit_headers(decision: Decision) -> list[tuple[str, str]]:
    """L2: on every vendor response while the hourly quota is on."""
    if decision.limit <= 0:
        return []
    return [("APILimitRemaining", str(decision.remaining)),
            ("APILimitReset", decision.reset_header)]


def _open_store(spec: str):
    """A ``MemoryLog`` for the memory store; a ``SqliteStore`` for ``sqlite:PATH``."""
    from .ledger.store import MemoryLog, SqliteStore, parse_store

    path = parse_store(spec)
    return MemoryLog() if path is None else SqliteStore(path)


def create_app(settings: Settings | None = None) -> MockServer:
    return MockServer(settings)
