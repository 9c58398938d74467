"""Where a served request's CPU goes: inside the WSGI application, or in the server around it.

    python bench/split.py               # save, entry, login and rest; about 2 minutes
    python bench/split.py rest --seconds 5 --rounds 5

``bench/run.py`` gives the server process's CPU per request; ``bench/inprocess.py`` the
application's, called in a loop. The two do not add up: served, the same application costs
more than in the loop, and only this tells how much. It serves the emulator's application and
the bare app (``bare_app.py``) from this one process, on the emulator's server
(``mockserver/serving.py``), each wrapped in a meter that adds up the thread CPU time spent
inside the application call (``start_response`` included, the body's sending not). wrk sends
both the same request (the same headers and body; for the REST page the bare app answers fixed
JSON of the page's size), at 1 and at N connections, in turns, round after round, so both
see the same neighbours. Per row:

- process: this process's CPU time over the run / requests (what ``bench/run.py`` reports);
- in app: the meter's sum / calls, less the meter's own cost (two thread-clock reads);
- server: process - in app: parsing, the event loop, sending, the kernel's part of those;
- gc: the cyclic GC's collections, wherever they ran (part of "in app" or of "server");
- loop: the application alone, called in a loop on the same request (``bench/inprocess.py``;
  the emulator rows), in each round right after the served runs: "in app" over "loop" is what serving adds to the application's own work, which a loop
  that runs the same code and data over and over does not show (cache and branch-predictor
  state lost to the server, the kernel and the load generator between requests).

Medians of the rounds. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import timeit
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bare_app  # noqa: E402
import inprocess  # noqa: E402
import run as R  # noqa: E402

OPS = ("save", "entry", "login", "rest")


class Meter:
    """A WSGI app that calls ``self.app`` and adds the thread CPU time of each call."""

    def __init__(self, app, may_block):
        self.app = app
        self.may_block = may_block  # the emulator's server asks the app which paths may block
        self.cpu = 0.0
        self.calls = 0

    def __call__(self, environ, start_response):
        t = time.thread_time()
        try:
            return self.app(environ, start_response)
        finally:
            self.cpu += time.thread_time() - t
            self.calls += 1


class GcMeter:
    """Thread CPU time spent in the cyclic GC's collections (``gc.callbacks``), wherever they
    start: inside the application or in the server."""

    def __init__(self):
        self.cpu = 0.0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.thread_time()
        else:
            self.cpu += time.thread_time() - self._start


def meter_cost() -> float:
    """Seconds the meter's two thread-clock reads cost, which "in app" leaves out."""
    clock = time.thread_time
    n = 20000
    return min(timeit.repeat(lambda: clock() - clock(), number=n, repeat=5)) / n


@dataclass
class Served:
    """One server of this process: where it listens and what it counts."""

    meter: Meter
    base: str
    port: int


def serve(app, may_block) -> Served:
    from mockserver.serving import create_server

    meter = Meter(app, may_block)
    server = create_server(meter, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=server.run, daemon=True).start()
    port = server.effective_port
    return Served(meter, f"http://127.0.0.1:{port}", port)


@dataclass
class Sample:
    rps: float
    process_ms: float
    app_ms: float
    gc_ms: float


def run_once(driver: R.Driver, served: Served, load: R.Load, conns: int,
             overhead: float, collections: GcMeter) -> Sample:
    driver._run(served, load, driver.warmup, conns)
    t0, cpu0, calls0, gc0 = os.times(), served.meter.cpu, served.meter.calls, collections.cpu
    res = driver._run(served, load, driver.duration, conns)
    t1, cpu1, calls1, gc1 = os.times(), served.meter.cpu, served.meter.calls, collections.cpu
    n = max(res["requests"], 1)
    calls = max(calls1 - calls0, 1)
    process = (t1.user + t1.system - t0.user - t0.system) / n
    return Sample(n / (res["duration_us"] / 1e6), process * 1000,
                  ((cpu1 - cpu0) / calls - overhead) * 1000, (gc1 - gc0) / n * 1000)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("ops", nargs="*", help="save, entry, login, rest (default: all four)")
    p.add_argument("--seconds", type=float, default=3, help="timed seconds per run (3)")
    p.add_argument("--rounds", type=int, default=3, help="rounds in turns (3)")
    p.add_argument("--connections", type=int, default=8, help="the many (8)")
    args = p.parse_args(argv)
    if not shutil.which("wrk"):
        print("bench/split.py needs wrk (apt-get install wrk)", file=sys.stderr)
        return 2
    ops = args.ops or list(OPS)
    unknown = [op for op in ops if op not in OPS]
    if unknown:
        p.error(f"unknown operation {unknown[0]!r} (choose from {', '.join(OPS)})")

    from mockserver.cli import _collect_only_what_is_new

    ip = inprocess.InProcess()  # the emulator's app, a session and a token (in process)
    _collect_only_what_is_new()  # the cyclic GC policy of `tfso-mock serve`, as bench/run.py sees
    loads = ip.loads()
    emulator = serve(ip.app, ip.app.may_block)
    bare = serve(bare_app.app, lambda path: False)
    overhead = meter_cost()
    collections = GcMeter()
    with tempfile.TemporaryDirectory() as tmp:
        driver = R.Driver(args.connections, args.seconds, 1.0, Path(tmp))
        print(f"tfso-mockserver served CPU split, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
              f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}; wrk -t1, {args.seconds:g} s "
              f"per run after 1 s warm-up, medians of {args.rounds} rounds in turns; the meter's "
              f"own {overhead * 1e6:.1f} us per call left out\n")
        head = (f"{'':42s} {'conns':>5s} {'req/s':>7s} {'process':>8s} {'in app':>7s} "
                f"{'server':>7s} {'gc':>6s} {'loop':>7s}  (CPU ms per request)")
        print(head)
        print("-" * len(head))
        for op in ops:
            name, method, path, body, headers, expect = loads[op]
            load = R.Load(name, method, path, headers, body, expect.decode())
            status, _, page = R.request(method, emulator.base + path, body or None, headers)
            if status != 200:
                raise RuntimeError(f"{name}: {status} {page[:300]!r}")
            # the bare app gets the same request; for the page, fixed JSON of the page's size
            bare_path = f"/?bytes={len(page)}" if method == "GET" else path
            bare_load = R.Load(f"bare app, same request, {len(page):,} B answered",
                               method, bare_path, headers, body)
            for conns in (1, args.connections):
                mine: list[Sample] = []
                floor: list[Sample] = []
                loop: list[float] = []
                for r in range(args.rounds):
                    turns = ((emulator, load, mine), (bare, bare_load, floor))
                    for served, ld, out in (turns if r % 2 == 0 else turns[::-1]):
                        out.append(run_once(driver, served, ld, conns, overhead, collections))
                    loop.append(inprocess.measure(ip, loads[op], 1000, 1) / 1000)
                for label, samples, lp in ((name, mine, statistics.median(loop)),
                                           (bare_load.name, floor, None)):
                    _print_row(label if conns == 1 else "", conns, samples, lp)
            print()
    print("process: this process's CPU time over the run / requests; in app: inside the WSGI call\n"
          "(start_response included); server: the rest (parsing, event loop, sending, their kernel\n"
          "time); gc: the cyclic GC's collections, in either; loop: the application alone in a loop\n"
          "on the same request (bench/inprocess.py).")
    return 0


def _print_row(label: str, conns: int, samples: list[Sample], loop: float | None) -> None:
    rps = statistics.median(s.rps for s in samples)
    process = statistics.median(s.process_ms for s in samples)
    app = statistics.median(s.app_ms for s in samples)
    collecting = statistics.median(s.gc_ms for s in samples)
    lp = f"{loop:7.3f}" if loop is not None else f"{'-':>7s}"
    print(f"{label[:42]:42s} {conns:5d} {rps:7,.0f} {process:8.3f} {app:7.3f} "
          f"{process - app:7.3f} {collecting:6.3f} {lp}")


if __name__ == "__main__":
    sys.exit(main())
