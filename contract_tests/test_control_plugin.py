"""C: the pytest plugin: fixtures tfso_mock / tfso_client / tfso_new_client under ``pytest -n 2``
(xdist), against ONE shared ``tfso-mock serve`` (TFSO_MOCK_URL) and with one in-process emulator
per worker; workers never see each other's lines, and in-process emulators stop cleanly."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time

import requests
from control_helpers import Serve

from mockserver.testing.server import ThreadedEmulator

INNER = textwrap.dedent('''
    import datetime as dt
    import json
    import os
    import pathlib
    import time
    from decimal import Decimal

    import pytest

    OUT = pathlib.Path(os.environ["TFSO_TEST_OUT"])
    DAY = dt.datetime(2024, 3, 1)


    def entry(account, amount, comment):
        return {"AccountNo": account, "Date": DAY, "Amount": Decimal(amount), "Comment": comment}


    @pytest.mark.parametrize("n", range(6))
    def test_each_test_has_its_own_client(tfso_mock, tfso_new_client, n):
        client = tfso_new_client(fiscal_years=[2024])
        time.sleep(0.05)  # let the two workers overlap
        number = client.account.GetEntryId({"Date": DAY, "SortNo": 1, "EntryNo": 0}).EntryNo
        assert number == 10000  # nobody else's voucher is in these books
        comment = f"test-{n}"
        result = client.account.SaveBundleList({"SaveOption": 0, "Bundles": {"Bundle": [{
            "YearId": 2024, "Sort": 1, "Name": comment, "Vouchers": {"Voucher": [{
                "TransactionNo": number, "Sort": 1, "Entries": {"Entry": [
                    entry(1920, "100.00", comment), entry(2050, "-100.00", comment)]}}]}}]}})
        assert result.Type == "Ok"
        time.sleep(0.05)
        assert [(ln["comment"], ln["amount"]) for ln in client.ledger()] == [
            (comment, "100.00"), (comment, "-100.00")]
        assert {r["client_id"] for r in client.requests()} == {client.client_id}
        client.inject_fault(operation="GetTypeList", soap_fault="only mine", times=None)
        client.set_time("2031-01-01T00:00:00Z")
        (OUT / f"{comment}.json").write_text(json.dumps({
            "worker": os.environ.get("PYTEST_XDIST_WORKER"), "client_id": client.client_id,
            "url": tfso_mock.url}))
''')


def run_inner(tmp_path, env: dict) -> tuple[subprocess.CompletedProcess, list[dict]]:
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "test_inner.py").write_text(INNER, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "-p", "no:cacheprovider", "-q",
         # plugins the inner tests do not need: less start-up per worker
         "-p", "no:hypothesispytest", "-p", "no:faker", "-p", "no:benchmark",
         "-W", "error::pytest.PytestUnraisableExceptionWarning",
         "-W", "error::pytest.PytestUnhandledThreadExceptionWarning", "test_inner.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**{k: v for k, v in os.environ.items() if not k.startswith(("TFSO_", "PYTEST_"))},
             "TFSO_TEST_OUT": str(out), **env})
    return proc, [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]


def test_C_two_xdist_workers_share_one_emulator_and_never_see_each_others_lines(tmp_path):
    with Serve("--quiet") as serve:
        proc, seen = run_inner(tmp_path, {"TFSO_MOCK_URL": serve.url})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "6 passed" in proc.stdout
        assert {s["worker"] for s in seen} == {"gw0", "gw1"}
        assert {s["url"] for s in seen} == {serve.url}
        clients = [s["client_id"] for s in seen]
        assert len(set(clients)) == 6
        for s in seen:   # in the shared emulator: each client's books hold only its own voucher
            lines = requests.get(f"{serve.url}/__admin/clients/{s['client_id']}/ledger").json()["lines"]
            assert len(lines) == 2 and len({ln["comment"] for ln in lines}) == 1
        # after each test the plugin cleared the client's faults and clock
        assert requests.get(serve.url + "/__admin/faults").json() == []
        for client_id in clients:
            clock = requests.get(f"{serve.url}/__admin/clients/{client_id}/clock").json()
            assert clock["mode"] == "emulator"


def test_C_each_xdist_worker_starts_its_own_emulator_and_stops_it_cleanly(tmp_path):
    proc, seen = run_inner(tmp_path, {})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "6 passed" in proc.stdout
    assert {s["worker"] for s in seen} == {"gw0", "gw1"}
    assert len({s["url"] for s in seen}) == 2          # one emulator per worker
    for text in ("Traceback", "Exception in thread", "Unhandled", "unraisable"):
        assert text not in proc.stdout + proc.stderr


def test_C_threaded_emulator_stops_cleanly():
    before = {t.ident for t in threading.enumerate()}
    emulator = ThreadedEmulator().start()
    port = int(emulator.url.rsplit(":", 1)[1])
    keep_alive = requests.Session()                    # an idle keep-alive connection
    assert keep_alive.get(emulator.url + "/__admin/health").status_code == 200
    started = time.perf_counter()
    emulator.stop()
    assert time.perf_counter() - started < 30   # not the idle keep-alive timeout (120 s)
    assert not emulator.running
    emulator.stop()                                    # twice is fine
    leftover = [t for t in threading.enumerate() if t.ident not in before and t.is_alive()]
    assert leftover == []
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    keep_alive.close()


def test_C_an_emulator_url_that_cannot_be_used_fails_in_one_line(tmp_path):
    """``--tfso-mock-url`` / ``TFSO_MOCK_URL`` pointing at nothing, at an emulator with another
    control token or with the control API off failed each test with a traceback into requests
    (``ConnectionError: HTTPConnectionPool(...): Max retries exceeded ...``, ``HTTPError: 401``);
    found by the tools walk-through. Now one line saying which URL and why."""
    (tmp_path / "test_one.py").write_text("def test_one(tfso_client):\n    pass\n", encoding="utf-8")

    def inner(url: str, token: str = "") -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-p", "no:faker",
             "-p", "no:benchmark", "test_one.py"], cwd=tmp_path, capture_output=True, text=True,
            timeout=120,
            env={**{k: v for k, v in os.environ.items() if not k.startswith(("TFSO_", "PYTEST_"))},
                 "TFSO_MOCK_URL": url, "TFSO_MOCK_ADMIN_TOKEN": token})
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "1 error" in proc.stdout
        for text in ("Traceback", "requests.exceptions", "HTTPConnectionPool", "site-packages"):
            assert text not in proc.stdout + proc.stderr, proc.stdout
        return proc.stdout

    with socket.socket() as s:      # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    where = f"the emulator at {closed} (--tfso-mock-url / TFSO_MOCK_URL)"
    assert f"{where}: cannot connect (is it running?)" in inner(closed)
    assert ("the emulator at localhost:1 (--tfso-mock-url / TFSO_MOCK_URL): not an http:// or "
            "https:// URL") in inner("localhost:1")
    with Serve("--quiet", "--admin-token", "right") as serve:
        assert (f"the emulator at {serve.url} (--tfso-mock-url / TFSO_MOCK_URL): its control API "
                "refused the token (HTTP 401; set TFSO_MOCK_ADMIN_TOKEN to the one it printed)"
                ) in inner(serve.url, "wrong")
    with Serve("--quiet", "--no-admin") as serve:
        assert "no control API at /__admin (started with --no-admin" in inner(serve.url)
