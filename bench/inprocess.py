"""The emulator's own CPU per request, without HTTP: the WSGI app called directly.

    python bench/inprocess.py                 # every operation, best of 5 rounds
    python bench/inprocess.py save --profile  # a cProfile of one operation (sorted by tottime)
    python bench/inprocess.py save --against /path/to/other/checkout   # before/after, in turns

``bench/run.py`` measures what a client sees through waitress; this measures only the application
(front door, SOAP wire layer, ledger), single-threaded, as the best of several rounds of process
CPU time, so it is steady on a busy machine and shows the effect of a change to the hot paths.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as R  # noqa: E402


class InProcess:
    def __init__(self):
        from mockserver.app import create_app
        from mockserver.settings import Settings

        self.app = create_app(Settings(rate_limit=0, transaction_no_zero="next-free"))
        info = self.app.startup_client
        self.creds = {k: str(info[k]) for k in ("username", "password", "application_id",
                                                 "identity_id")}
        self.year = max(info["fiscal_years"])
        self.day = dt.date(self.year, 1, 15)
        status, body = self.call("POST", R.AUTH, R.login_body(self.creds), R.soap_headers("Login"))
        self.session = re.search(rb"<LoginResult>([^<]+)<", body).group(1).decode()
        # a page of 50 REST lines needs lines: book some (through SaveBundleList) and a token
        for _ in range(30):
            self.call("POST", R.ACCOUNT, R.save_body(self.year, self.day),
                      R.soap_headers("SaveBundleList", self.session))
        oauth = info["oauth"]
        form = R.urllib.parse.urlencode({"grant_type": "client_credentials",
                                         "client_id": oauth["client_id"],
                                         "client_secret": oauth["client_secret"]}).encode()
        _, body = self.call("POST", "/oauth/token", form,
                            {"Content-Type": "application/x-www-form-urlencoded"})
        self.token = R.json.loads(body)["access_token"]

    def call(self, method: str, path: str, body: bytes, headers: dict) -> tuple[str, bytes]:
        path, _, query = path.partition("?")
        env = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8080", "HTTP_HOST": "127.0.0.1:8080",
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
               "REMOTE_ADDR": "127.0.0.1", "CONTENT_LENGTH": str(len(body)),
               "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr}
        for k, v in headers.items():
            key = k.upper().replace("-", "_")
            env[key if key in ("CONTENT_TYPE",) else "HTTP_" + key] = v
        out = {}

        def start_response(status, hdrs, exc_info=None):
            out["status"] = status

        data = b"".join(self.app(env, start_response))
        return out["status"], data

    def loads(self) -> dict[str, tuple]:
        s = self.session
        return {
            "save": ("SaveBundleList", "POST", R.ACCOUNT, R.save_body(self.year, self.day),
                     R.soap_headers("SaveBundleList", s), rb"<Type>Ok</Type>"),
            "entry": ("GetEntryId", "POST", R.ACCOUNT, R.entry_id_body(self.day),
                      R.soap_headers("GetEntryId", s), rb"<EntryNo>\d+</EntryNo>"),
            "login": ("Login", "POST", R.AUTH, R.login_body(self.creds), R.soap_headers("Login"),
                      rb"<LoginResult>[a-z0-5]{24}</LoginResult>"),
            "rest": ("GET /v1/transactionlines (50)", "GET", R.lines_path(self.year), b"",
                     {"Authorization": f"Bearer {self.token}"}, rb'^\[\{"id":'),
            "health": ("GET /__admin/health", "GET", "/__admin/health", b"", {}, rb""),
        }


def measure(ip: InProcess, load: tuple, n: int, rounds: int) -> float:
    name, method, path, body, headers, expect = load
    status, data = ip.call(method, path, body, headers)
    if not status.startswith("200") or not re.search(expect, data):
        raise RuntimeError(f"{name}: {status} {data[:300]!r}")
    best = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        for _ in range(n):
            ip.call(method, path, body, headers)
        best = min(best, (time.process_time() - t) / n)
    return best * 1e6


_TURN_WORKER = r"""
import sys, time
sys.path.insert(0, sys.argv[1] + "/bench")
import inprocess
ip = inprocess.InProcess()
load = ip.loads()[sys.argv[2]]
n = int(sys.argv[3])
for _ in range(n):
    ip.call(*load[1:5])
print("ready", flush=True)
for _ in sys.stdin:
    t = time.process_time()
    for _ in range(n):
        ip.call(*load[1:5])
    print((time.process_time() - t) / n * 1e6, flush=True)
"""


def against(other: str, ops: list[str], n: int, rounds: int) -> None:
    """This checkout and ``other`` in two processes that take turns, round by round: on a shared
    machine both see the same neighbours, so the median of the per-round ratios is steady where
    two separate runs differ by 30 % or more."""
    import os
    import statistics
    import subprocess

    here = str(Path(__file__).resolve().parents[1])
    for op in ops:
        procs = []
        for root in (other, here):  # each imports its own mockserver first
            env = dict(os.environ, PYTHONPATH=root)
            procs.append(subprocess.Popen([sys.executable, "-c", _TURN_WORKER, root, op, str(n)],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          text=True, cwd=root, env=env))
        try:
            for proc in procs:
                if proc.stdout.readline().strip() != "ready":
                    raise RuntimeError(f"{op}: a worker did not start")
            times: list[list[float]] = [[], []]
            for r in range(rounds):
                for i in ((0, 1) if r % 2 else (1, 0)):
                    procs[i].stdin.write("go\n")
                    procs[i].stdin.flush()
                    times[i].append(float(procs[i].stdout.readline()))
        finally:
            for proc in procs:
                proc.stdin.close()
                proc.wait()
        ratio = statistics.median(b / a for a, b in zip(times[0], times[1], strict=True))
        print(f"{op:8s} other {statistics.median(times[0]):7.1f} us, this checkout "
              f"{statistics.median(times[1]):7.1f} us CPU per call (medians of {rounds} rounds "
              f"of {n}); this/other {ratio:.3f} (median of the per-round ratios)")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("ops", nargs="*", help="save, entry, login, rest, health (default: all)")
    p.add_argument("-n", type=int, default=2000, help="calls per round (2000)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--profile", action="store_true", help="cProfile the calls instead")
    p.add_argument("--against", metavar="CHECKOUT",
                   help="compare with another checkout of the project (e.g. a `git worktree` "
                        "of main): rounds in turns, the ratio of each round")
    args = p.parse_args(argv)
    if args.against:
        against(args.against, args.ops or ["save"], min(args.n, 300), max(args.rounds, 20))
        return 0
    ip = InProcess()
    loads = ip.loads()
    for op in args.ops or list(loads):
        load = loads[op]
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            for _ in range(args.n):
                ip.call(*load[1:5])
            prof.disable()
            pstats.Stats(prof).sort_stats("tottime").print_stats(30)
            continue
        print(f"{load[0]:22s} {measure(ip, load, args.n, args.rounds):7.1f} us CPU per call")
    return 0


if __name__ == "__main__":
    sys.exit(main())
