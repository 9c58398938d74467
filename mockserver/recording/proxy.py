"""The recording proxy behind ``tfso-mock record``: forwards each request upstream unchanged and
writes the exchange as a pair file with secrets scrubbed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .compare import COMPARED_HEADERS
from .pair import _Dumper, pretty_body
from .scrub import (
    ScrubError,
    guess_volatile,
    scrub_query,
    scrub_request_body,
    scrub_response_body,
    scrub_set_cookie,
)

_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
        "transfer-encoding", "upgrade", "content-length", "content-encoding", "host"}


_WSDL_ROOT = re.compile(rb"<(?:[\w.-]+:)?definitions\b")
_ADDRESS = re.compile(rb'(<(?:[\w.-]+:)?address\b[^>]*?\blocation=")([^"]*)(")')


def point_at_proxy(content: bytes, upstream: str, proxy_base: str) -> bytes:
    """A WSDL with every ``soap:address`` / ``soap12:address`` location pointed at the proxy
    (same path), so a client built from it keeps going through the recorder; anything that is
    not a WSDL comes back unchanged."""
    if not _WSDL_ROOT.search(content[:4096]):
        return content
    base_path = urlsplit(upstream).path.rstrip("/")

    def swap(m: re.Match) -> bytes:
        location = urlsplit(m.group(2).decode("utf-8", "replace").replace("&amp;", "&"))
        path = location.path
        if base_path and path.startswith(base_path):
            path = path[len(base_path):] or "/"
        new = proxy_base.rstrip("/") + path + (f"?{location.query}" if location.query else "")
        return m.group(1) + new.replace("&", "&amp;").encode("utf-8") + m.group(3)

    return _ADDRESS.sub(swap, content)


def _operation(headers: dict, body: str, path: str, method: str) -> str:
    action = headers.get("SOAPAction") or ""
    m = re.search(r'action="?([^";]+)', headers.get("Content-Type") or "")
    action = action.strip('"') or (m.group(1) if m else "")
    if action:
        return action.rstrip("/").rsplit("/", 1)[-1]
    m = re.search(r"<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)", body)
    if m:
        return m.group(1)
    return f"{method}-" + re.sub(r"[^A-Za-z0-9]+", "-", path.strip("/")).strip("-")


#: the longest operation name put into a pair's file name (a 5,000-character SOAPAction is cut)
NAME_MAX = 60


def _file_name_part(operation: str) -> str:
    """An operation as the safe tail of a pair's file name: letters, digits, ``-`` and ``_``."""
    part = re.sub(r"[^A-Za-z0-9_-]+", "-", operation).strip("-")[:NAME_MAX].strip("-")
    return part or "exchange"


def _numbers(folder: Path) -> list[int]:
    return [int(m.group(1)) for p in folder.glob("*.yaml")
            if (m := re.match(r"(\d+)-", p.name))]


class Recorder:
    """A WSGI proxy: forwards each request upstream unchanged, answers with the upstream's
    response unchanged, and writes the exchange as a pair file with secrets scrubbed."""

    def __init__(self, upstream: str, out_dir: str | Path, source: str = "live recording",
                 setup_client: dict | None = None):
        self.upstream = upstream.rstrip("/")
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.source = source
        self.setup_client = setup_client
        self._lock = threading.Lock()
        self._n = max(_numbers(self.out), default=0)
        self._sessions: dict[str, list[str]] = {}  # scrubbed history per session: pair names
        self.recorded: list[Path] = []
        #: exchanges not written, each with why: ``(what, reason)`` (also logged as warnings)
        self.failed: list[tuple[str, str]] = []

    def __call__(self, environ, start_response):
        import requests

        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO") or "/"
        query = environ.get("QUERY_STRING") or ""
        length = environ.get("CONTENT_LENGTH") or ""
        body = environ["wsgi.input"].read(int(length)) if length.strip().isdigit() else b""
        headers = {}
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                headers[key[5:].replace("_", "-").title()] = value
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        if "Soapaction" in headers:
            headers["SOAPAction"] = headers.pop("Soapaction")
        fwd = {k: v for k, v in headers.items() if k.lower() not in _HOP}
        url = self.upstream + path + ("?" + query if query else "")
        try:
            resp = requests.request(method, url, data=body or None, headers=fwd, timeout=120,
                                    allow_redirects=False)
        except requests.RequestException as exc:
            msg = f"upstream {self.upstream} unreachable: {exc}".encode()
            start_response("502 Bad Gateway", [("Content-Type", "text/plain"),
                                               ("Content-Length", str(len(msg)))])
            return [msg]
        out_headers = [(k, v) for k, v in resp.raw.headers.items() if k.lower() not in _HOP]
        content = resp.content
        host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        served = point_at_proxy(content, self.upstream, f"{environ['wsgi.url_scheme']}://{host}")
        out_headers.append(("Content-Length", str(len(served))))
        try:
            self._store(method, path, query, headers, body, resp, content)
        except Exception as exc:  # recording must never break the proxied call: say what was lost
            self._report(f"{method} {path[:200]}", f"{type(exc).__name__}: {exc}")
        start_response(f"{resp.status_code} {resp.reason}", out_headers)
        return [served]

    def _report(self, what: str, reason: str) -> None:
        import logging

        with self._lock:
            self.failed.append((what, reason))
        logging.getLogger("mockserver.record").warning("exchange not recorded: %s: %s", what,
                                                       reason)

    def _write(self, stem: str, pair: dict) -> Path:
        """The pair under the next free number; an existing file is never overwritten (a
        number taken meanwhile, or by hand, moves on to the next). Under ``_lock``."""
        for _ in range(1000):
            self._n += 1
            name = f"{self._n:03d}-{stem}"
            pair["name"] = name
            target = self.out / f"{name}.yaml"
            text = yaml.dump(pair, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
            try:
                with open(target, "x", encoding="utf-8") as f:
                    f.write(text)
            except FileExistsError:
                continue
            return target
        raise OSError(f"no free pair number in {self.out}")

    def _store(self, method, path, query, headers, body: bytes, resp, content: bytes) -> None:
        if method == "GET" and query.lower().startswith(("wsdl", "singlewsdl")):
            return  # WSDL downloads are the contract, not an exchange
        req_ct = headers.get("Content-Type", "")
        req_text = body.decode("utf-8", "replace")
        resp_ct = resp.headers.get("Content-Type", "")
        resp_text = content.decode(resp.encoding or "utf-8", "replace")
        cookie = headers.get("Cookie", "")
        sid = next((m.group(1) for m in re.finditer(r"ASP\.NET_SessionId=([^;\s]+)", cookie)), None)
        auth = headers.get("Authorization", "")
        operation = _operation(headers, req_text, path, method)
        try:
            scrubbed_body = scrub_request_body(req_text, req_ct)
        except ScrubError as err:
            self._report(f"{method} {path[:200]} ({operation[:NAME_MAX]})",
                         f"{err}; not written, so no credential in it can be kept")
            return
        shown_path = path + ("?" + scrub_query(query) if query else "")
        req_headers = {}
        for name in ("Content-Type", "SOAPAction", "Accept"):
            if name in headers:
                req_headers[name] = headers[name]
        if auth:
            req_headers["Authorization"] = "Bearer {{access_token}}" if auth.lower().startswith(
                "bearer") else "{{authorization}}"
        resp_headers = {}
        for name in COMPARED_HEADERS:
            value = resp.headers.get(name)
            if value is not None:
                resp_headers[name] = scrub_set_cookie(value) if name == "Set-Cookie" else value
        raw_resp_body = scrub_response_body(resp_text, resp_ct)
        with self._lock:
            history = list(self._sessions.get(sid, [])) if sid else []
            pair: dict[str, Any] = {
                "name": "",
                "spec": [],
                "title": f"{method} {path[:200]} ({operation[:NAME_MAX]}), recorded",
                "source": {"request": f"{self.source} (credentials scrubbed)",
                           "response": f"{self.source} from {urlsplit(self.upstream).netloc}"},
                "recorded_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "live": {"mode": "emulator-only" if method != "GET" else "safe"},
                "setup": {
                    "client": copy.deepcopy(self.setup_client or {}),
                    "login": bool(sid),
                    "token": bool(auth),
                    "steps": [{"pair": p} for p in history],
                },
                "request": {"method": method, "path": shown_path,
                            "headers": req_headers,
                            "body": pretty_body(scrubbed_body, req_ct)},
                "response": {"status": resp.status_code, "headers": resp_headers,
                             "body": pretty_body(raw_resp_body, resp_ct)},
                "volatile": guess_volatile(req_text, resp_text, resp_ct, resp.headers),
            }
            if not pair["request"]["body"]:
                del pair["request"]["body"]
            target = self._write(_file_name_part(operation), pair)
            name = pair["name"]
            if sid and operation != "Login":
                self._sessions.setdefault(sid, []).append(name)
            if operation == "Login":
                new = re.search(r"<(?:\w+:)?LoginResult>([a-z0-5]{24})<", resp_text)
                if new:
                    self._sessions.setdefault(new.group(1), [])
            self.recorded.append(target)


class RecordingProxy:
    """The recorder behind a waitress socket (``tfso-mock record`` and tests)."""

    def __init__(self, upstream: str, out_dir: str | Path, host: str = "127.0.0.1", port: int = 0,
                 **kw):
        from waitress.server import create_server

        self.recorder = Recorder(upstream, out_dir, **kw)
        self._server = create_server(self.recorder, host=host, port=port, threads=4,
                                     ident="tfso-mock-record")
        from ..serving import guard_triggers

        guard_triggers(self._server)
        self.url = f"http://{host}:{self._server.effective_port}"
        self._thread = threading.Thread(target=self._server.run, name="tfso-record", daemon=True)

    def start(self) -> RecordingProxy:
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.run()

    def stop(self) -> None:
        from ..serving import stop_server

        stop_server(self._server, self._thread, timeout=2)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def record_main(upstream: str, out: str, host: str = "127.0.0.1", port: int = 8081,
                source: str = "live recording", setup: str | None = None) -> int:
    """``tfso-mock record``: run the proxy until Ctrl+C or SIGTERM, then say what was written
    and where."""
    import signal

    client = json.loads(setup) if setup else None
    proxy = RecordingProxy(upstream, out, host=host, port=port, source=source, setup_client=client)
    print(f"tfso-mock record: {proxy.url} -> {upstream}; writing pairs to {out}", flush=True)
    print("Point your client at the proxy URL. Press Ctrl+C to stop.", flush=True)

    def _stop(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        proxy.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        proxy.stop()
    written = proxy.recorder.recorded
    print(f"tfso-mock record: {len(written)} pair(s) written to {proxy.recorder.out.resolve()}",
          flush=True)
    for path in written:
        print(f"  {path.name}", flush=True)
    return 0


# --- filling new pairs ----------------------------------------------------------------------
