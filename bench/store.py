"""Store rows of bench/run.py: SaveBundleList on the memory and the SQLite store, 1 and 2 worker
processes, and how fast a restart replays the SQLite log.

    python bench/store.py                 # the rows alone (run.py prints them in its table too)
    python bench/store.py replay PATH     # (internal) time a Ledger replaying PATH; JSON out

Server CPU of a multi-worker server is the CPU of the parent and all its workers (/proc).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))


def _tree(pid: int) -> list[int]:
    """``pid`` and every process under it (the workers of ``--workers N``)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except OSError:
            continue
    return found


def _tree_cpu_times(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of ``pid`` and every process under it."""
    from mockserver.testing.process import cpu_times_of

    user = system = 0.0
    for p in _tree(pid):
        try:
            u, s = cpu_times_of(p)
        except OSError:  # a worker that just ended
            continue
        user += u
        system += s
    return user, system


def _start(log: Path, threads: int, store: str | None, workers: int):
    import run

    class TreeServer(run.Server):
        """The parent and every worker: their CPU (``cpu_s`` is the sum of these) and their
        threads' context switches."""

        def cpu_times(self) -> tuple[float, float]:
            return _tree_cpu_times(self.proc.pid)

        def context_switches(self) -> int:
            return sum(run.context_switches(p) for p in _tree(self.proc.pid))

    port = run.free_port()
    cmd = run.serve_command() + ["serve", "--port", str(port), "--threads", str(threads),
                                 "--rate-limit", "0", "--transaction-no-zero", "next-free"]
    if store:
        cmd += ["--store", store, "--workers", str(workers)]
    return TreeServer(cmd, port, "/__admin/health", log)


def save_row(driver, args, log: Path, name: str, store: str | None, workers: int = 1):
    import run

    srv = _start(log, args.threads, store, workers)
    try:
        creds = run.banner_credentials(srv.read_banner())
        year = max(int(y) for y in creds["fiscal_years"].split(","))
        day = dt.date(year, 1, 15)
        session = run.login(srv.base, creds)
        before = run.next_entry_no(srv.base, session, day)
        row, served = driver.measure(srv, run.Load(
            name, "POST", run.ACCOUNT, run.soap_headers("SaveBundleList", session),
            run.save_body(year, day), expect=r"<Type>Ok</Type>"))
        posted = run.next_entry_no(srv.base, session, day) - before
        ok = served <= posted <= served + 2 * driver.connections
        check = (f"{posted:,} vouchers posted" if ok else
                 f"CHECK FAILED: {served:,} answered, {posted:,} vouchers posted")
        row.note = f"{row.note}; {check}" if row.note else check
        return row
    finally:
        srv.stop()


def build_log(path: Path, lines: int) -> float:
    """A SQLite log holding the demo client and ``lines`` generated ledger lines, one log row
    per voucher (as SaveBundleList of one voucher writes them). Returns seconds taken."""
    from mockserver.ledger import logcodec, scenario
    from mockserver.ledger.core import Ledger
    from mockserver.ledger.posting import PlannedVoucher
    from mockserver.ledger.store import SqliteStore

    t0 = time.perf_counter()
    ledger = Ledger(store=SqliteStore(str(path)))
    ledger.reset()
    book = ledger.books[1000]
    now = ledger.clock.now()
    scenario.bulk_generate(book, lines, seed=7, now=now)  # straight into memory, not logged
    with ledger.transaction():
        store = ledger.store
        for rec in book.vouchers.values():
            vlines = [book.lines[lid] for lid in rec.line_ids]
            invoices = [(rec.type_no, ln.customer_id, ln.invoice_no) for ln in vlines if ln.invoice_no]
            pv = PlannedVoucher(rec, vlines, [], invoices, link_ops=[])
            store.append("bundles", {"c": 1000, "now": now.isoformat(),
                                     "bundles": [[logcodec.encode_voucher(pv)]]})
    ledger.store.close()
    return time.perf_counter() - t0


def replay(path: str) -> dict:
    """A ``Ledger`` opened over ``path``: when it could serve (its constructor returned: the
    books whose rows are queued replay in a thread, ``ledger/deferred.py``), and when every
    book was replayed."""
    import gc

    from mockserver.ledger.core import Ledger
    from mockserver.ledger.store import SqliteStore

    gc.disable()  # as the bulk loader does: a million new objects
    t0, cpu0 = time.perf_counter(), time.process_time()
    ledger = Ledger(store=SqliteStore(path))
    ready, ready_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    queued = sorted(ledger.deferred.pending)
    ledger.deferred.wait()
    ledger.deferred.ensure_all()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    book = ledger.books[1000]
    rows = ledger.store.count()
    return {"lines": len(book.lines), "rows": rows, "seconds": seconds, "cpu_s": cpu,
            "ready_s": ready, "ready_cpu_s": ready_cpu, "queued": queued}


def served_start(path: Path, log: Path) -> tuple[float, float]:
    """``tfso-mock serve`` over the log: launch to its first 200 on health, and its CPU then."""
    import run

    port = run.free_port()
    srv = run.Server(run.serve_command() + ["serve", "--port", str(port),
                                            "--store", f"sqlite:{path}"],
                     port, "/__admin/health", log)
    try:
        return srv.startup_s, srv.startup_cpu_s
    finally:
        srv.stop()


def replay_row(args, tmp: Path):
    import run

    path = tmp / "replay.sqlite"
    built = build_log(path, args.lines)
    size_mb = path.stat().st_size / 1e6
    res = subprocess.run([sys.executable, str(HERE / "store.py"), "replay", str(path)],
                         capture_output=True, text=True, cwd=ROOT, timeout=3600)
    if res.returncode != 0:
        return run.Row("sqlite: replay at start-up", note="failed: " + res.stderr.strip()[-300:])
    out = json.loads(res.stdout)
    served, served_cpu = served_start(path, tmp / "replay-server.log")
    rate = out["lines"] / out["seconds"]
    cpu_rate = out["lines"] / out["cpu_s"]
    return run.Row(f"sqlite: replay {out['lines']:,} lines at start-up", startup_s=served,
                   note=f"served (first 200) after {served:.2f} s, {served_cpu:.2f} s CPU; in "
                        f"process ready after {out['ready_cpu_s']:.2f} s CPU ({out['ready_s']:.2f} "
                        f"s), every book replayed after {out['cpu_s']:.1f} s CPU ({out['seconds']:.1f}"
                        f" s: {cpu_rate:,.0f} lines per CPU second; queued clients "
                        f"{out['queued']}) from {out['rows']:,} log rows, {size_mb:,.0f} MB file "
                        f"(built in {built:.0f} s)",
                   extra={"replay_lines_per_s": rate, "replay_lines_per_cpu_s": cpu_rate,
                          "served_s": served, "served_cpu_s": served_cpu,
                          "replay_lines": out["lines"]})


def store_rows(driver, args, log: Path, tmp: Path) -> list:
    rows = [save_row(driver, args, log, "store: SaveBundleList, memory, 1 process", None)]
    for workers in (1, 2):
        db = tmp / f"bench-{workers}.sqlite"
        rows.append(save_row(driver, args, log,
                             f"store: SaveBundleList, sqlite, {workers} worker{'s' * (workers > 1)}",
                             f"sqlite:{db}", workers))
    rows.append(replay_row(args, tmp))
    return rows


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["replay"] and len(argv) == 2:  # internal: a child run.py times
        print(json.dumps(replay(argv[1])))
        return 0
    import argparse
    import tempfile

    import run

    parser = argparse.ArgumentParser(
        prog="bench/store.py", description="The store rows of bench/run.py alone: SaveBundleList "
        "on the memory and the SQLite store, 1 and 2 worker processes, and the replay of a "
        "1,000,000-line SQLite log at start-up (about 3 minutes).")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run (3 s rows, a 100,000-line log)")
    quick = parser.parse_args(argv).quick
    with tempfile.TemporaryDirectory(prefix="tfso-bench-store-") as tmpdir:
        tmp = Path(tmpdir)

        class Args:
            threads = 8
            lines = 100_000 if quick else 1_000_000

        driver = run.Driver(8, 3.0 if quick else 10.0, 1.0 if quick else 2.0, tmp)
        rows = store_rows(driver, Args, tmp / "servers.log", tmp)
    run.print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
