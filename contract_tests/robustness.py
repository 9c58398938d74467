"""Shared by the hostile-input, concurrency and isolation tests (``test_hostile_*.py``): a
``tfso-mock serve`` child whose memory and stderr can be read, a raw HTTP caller that times each
answer, checks of the answer's shape per protocol, and the suite's figures.

The figures (inputs tried, refusals, server errors, lost or duplicated bundles, worst refusal
latency, peak memory) are printed at the end of every run that includes these tests, also under
``pytest -n`` (workers hand theirs to the controller: ``contract_tests/conftest.py``).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import asdict, dataclass, field

import pytest
from lxml import etree

from mockserver.testing import process

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
#: The documented refusal budget (reported, not asserted). HARD_LIMIT only tells a refusal from
#: one that waited for the body or for a read timeout (15-30 s): it is no speed target, so a busy
#: CI machine (load 20+ on 2 cores made honest refusals take over 1 s) does not flake.
BUDGET_MS = 100
HARD_LIMIT_MS = 10_000


# --- figures ------------------------------------------------------------------------------------


@dataclass
class Figures:
    inputs: int = 0
    refusals: int = 0
    accepted: int = 0
    server_errors: int = 0
    worst_refusal_ms: float = 0.0
    worst_refusal: str = ""
    over_budget: int = 0
    refusal_ms: list = field(default_factory=list)
    rss_before_kb: int = 0
    rss_after_kb: int = 0
    peak_rss_kb: int = 0
    saves: int = 0
    saves_ok: int = 0
    saves_other: dict = field(default_factory=dict)
    lost_bundles: int = 0
    duplicated_bundles: int = 0
    concurrency_seconds: float = 0.0
    concurrency_calls: int = 0
    rate_limit: str = ""
    notes: list = field(default_factory=list)

    def merge(self, other: dict) -> None:
        for key, value in other.items():
            mine = getattr(self, key)
            if key == "worst_refusal_ms":
                if value > mine:
                    self.worst_refusal_ms, self.worst_refusal = value, other["worst_refusal"]
            elif key in ("worst_refusal",):
                continue
            elif key in ("peak_rss_kb", "rss_before_kb", "rss_after_kb"):
                setattr(self, key, max(mine, value))
            elif isinstance(mine, dict):
                for k, v in value.items():
                    mine[k] = mine.get(k, 0) + v
            elif isinstance(mine, list):
                mine.extend(value)
            elif isinstance(mine, str):
                setattr(self, key, mine or value)
            else:
                setattr(self, key, mine + value)

    @property
    def empty(self) -> bool:
        return not (self.inputs or self.saves or self.notes or self.rate_limit)

    def lines(self) -> list[str]:
        out = []
        if self.inputs:
            out.append(f"hostile inputs tried: {self.inputs} ({self.refusals} refused with a "
                       f"vendor-shaped error, {self.accepted} answered with a documented result)")
            out.append(f"server errors: {self.server_errors}")
            ms = sorted(self.refusal_ms)
            if ms:
                p50, p99 = ms[len(ms) // 2], ms[min(len(ms) - 1, int(len(ms) * 0.99))]
                out.append(f"refusal latency: median {p50:.1f} ms, p99 {p99:.1f} ms, worst "
                           f"{self.worst_refusal_ms:.1f} ms ({self.worst_refusal}); over the "
                           f"{BUDGET_MS} ms budget: {self.over_budget} of {len(ms)}")
        if self.peak_rss_kb:
            out.append(f"tfso-mock serve memory: RSS {self.rss_before_kb / 1024:.1f} MB before, "
                       f"{self.rss_after_kb / 1024:.1f} MB after, peak {self.peak_rss_kb / 1024:.1f} MB")
        if self.saves:
            others = ", ".join(f"{k} {v}" for k, v in sorted(self.saves_other.items())) or "none"
            out.append(f"concurrent SaveBundleList: {self.saves} calls, {self.saves_ok} Ok, others: "
                       f"{others}; lost bundles: {self.lost_bundles}, duplicated bundles: "
                       f"{self.duplicated_bundles}; {self.concurrency_calls} calls in "
                       f"{self.concurrency_seconds:.1f} s")
        if self.rate_limit:
            out.append(f"rate limit under load: {self.rate_limit}")
        out.extend(self.notes)
        return out


FIGURES = Figures()
_LOCK = threading.Lock()


def note_input(name: str, refused: bool, elapsed_ms: float, server_error: bool = False) -> None:
    with _LOCK:
        f = FIGURES
        f.inputs += 1
        if refused:
            f.refusals += 1
            f.refusal_ms.append(round(elapsed_ms, 2))
            if elapsed_ms > f.worst_refusal_ms:
                f.worst_refusal_ms, f.worst_refusal = elapsed_ms, name
            if elapsed_ms > BUDGET_MS:
                f.over_budget += 1
        else:
            f.accepted += 1
        if server_error:
            f.server_errors += 1


def note(**values) -> None:
    with _LOCK:
        FIGURES.merge(values)


def figures_json() -> str:
    return json.dumps(asdict(FIGURES))


# --- the emulator as a child process -----------------------------------------------------------


class ServeProcess(process.ServeProcess):
    """``python -m mockserver serve --port 0 ARGS``: its URL, memory, stderr; ``stop()``."""

    def __init__(self, *args: str, timeout: float = 30):
        super().__init__(["serve", "--port", "0", *args], command=process.serve_command(module=True),
                         timeout=timeout, newlines=True)


# --- raw HTTP -----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    ms: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def json(self):
        return json.loads(self.body)


class Http:
    """One keep-alive connection (reopened when the server closes it); ``call`` times the
    answer from the first byte sent to the last byte read."""

    def __init__(self, host: str, port: int, timeout: float = 30):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: bytes | None = None,
             headers: dict | None = None) -> Answer:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                data = resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()  # a keep-alive connection the server had closed: once more
                if attempt == 2:
                    raise
                continue
            except BaseException:
                self.close()
                raise
            ms = (time.perf_counter() - started) * 1000
            answer = Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data, ms)
            if resp.will_close:
                self.close()
            return answer
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- shapes of an answer ------------------------------------------------------------------------


def soap_fault(answer: Answer) -> tuple[str, str, str]:
    """(SOAP version namespace, fault code, fault text) of a SOAP fault answer; AssertionError
    when the body is not a SOAP fault envelope."""
    root = etree.fromstring(answer.body)
    ns = root.tag[1:].partition("}")[0]
    assert root.tag in (f"{{{SOAP11}}}Envelope", f"{{{SOAP12}}}Envelope"), answer.text[:300]
    if ns == SOAP11:
        code = root.findtext(f".//{{{SOAP11}}}Fault/faultcode")
        text = root.findtext(f".//{{{SOAP11}}}Fault/faultstring")
    else:
        code = root.findtext(f".//{{{SOAP12}}}Fault/{{{SOAP12}}}Code/{{{SOAP12}}}Value")
        text = root.findtext(f".//{{{SOAP12}}}Fault/{{{SOAP12}}}Reason/{{{SOAP12}}}Text")
    assert code is not None and text is not None, answer.text[:300]
    return ns, code, text


def never_a_stack_trace(answer: Answer) -> None:
    low = answer.text.lower()
    assert "traceback" not in low and "<html" not in low and 'file "' not in low, answer.text[:300]
    assert not answer.content_type.startswith(("text/plain", "text/html")), answer.content_type


# --- floods -------------------------------------------------------------------------------------


class Probe:
    """A normal request sent again and again, on its own connection, while a flood runs: the
    worst latency and every answer that was not the expected one (``with Probe(call):``;
    ``call(http)`` returns whether the answer was right)."""

    def __init__(self, serve: ServeProcess, call, pause: float = 0.02):
        self.serve, self.call, self.pause = serve, call, pause
        self.worst_ms = 0.0
        self.count = 0
        self.wrong: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        http = Http(self.serve.host, self.serve.port)
        try:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    ok = self.call(http)
                except OSError as err:
                    ok, self.wrong = False, [*self.wrong, repr(err)]
                ms = (time.perf_counter() - started) * 1000
                self.count += 1
                self.worst_ms = max(self.worst_ms, ms)
                if not ok:
                    self.wrong.append(f"probe {self.count} answered wrongly")
                self._stop.wait(self.pause)
        finally:
            http.close()

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(60)


def note_flood(name: str, serve: ServeProcess, probe: Probe) -> None:
    """The figures of one flood: memory after it, the worst latency of a normal request."""
    note(notes=[f"flood {name}: RSS after {serve.rss_kb() / 1024:.1f} MB; a normal request "
                f"during it: worst {probe.worst_ms:.1f} ms of {probe.count}"])


# --- pytest hooks (imported by contract_tests/conftest.py) ----------------------------------------

_KEY = "tfso_robustness_figures"


def pytest_sessionfinish(session, exitstatus):
    """An xdist worker hands its figures to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None and not FIGURES.empty:
        workeroutput[_KEY] = figures_json()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller gathers each worker's figures (xdist hook)."""
    data = getattr(node, "workeroutput", {}).get(_KEY)
    if data:
        note(**json.loads(data))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if getattr(config, "workeroutput", None) is not None or FIGURES.empty:
        return
    terminalreporter.section("robustness figures (test_hostile_*.py)")
    for line in FIGURES.lines():
        terminalreporter.write_line(line)
