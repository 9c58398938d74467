"""Every code block of the README runs as written, top to bottom, against a fresh
``tfso-mock serve`` with its demo client, and prints something meaningful.

The blocks are taken from README.md as they are (not edited: the README says 127.0.0.1:8080, so
that is where the emulator listens). ``readme_runner.py`` runs them in a network namespace of its
own (``unshare -rn``), so concurrent suite runs on one machine never fight over port 8080; where
namespaces are not allowed it runs under a machine-wide file lock. A block that cannot run here
is listed in ``NOT_RUN`` with the reason, and the test fails on any block that is neither run
nor listed, so a new example cannot escape.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from interop.flow import missing_tool

from helpers import ROOT_README

ROOT = ROOT_README.parent
RUNNER = Path(__file__).with_name("readme_runner.py")
SERVE = "pip install . && tfso-mock serve"
TEST_COMMAND = "pip install -e '.[test]' && ruff check . && python -m pytest -n 2 -p no:cacheprovider"
#: first line of a block -> why it is not run here (and what covers it instead)
NOT_RUN = {
    SERVE: "the set-up command: the runner starts its `tfso-mock serve` part; the install is "
           "checked in fresh venvs by .ci/install-check",
    TEST_COMMAND: "the test command itself: .ci/run runs it (test_ci_runs_the_readme_test_command)",
    "docker build -t tfso-mockserver .": "no Docker engine here: the Dockerfile is linted and its "
                                          "command run as a process (interop/test_docker_cmd.py)",
    "TFSO_LIVE_USERNAME=… TFSO_LIVE_PASSWORD=… TFSO_LIVE_APPLICATION_ID=… \\":
        "needs live 24SevenOffice credentials",
    "python bench/run.py            # ~9 min: 10 s rows, 1,000,000-line scale rows, both stores":
        "the benchmarks take minutes and print, never assert",
}
TODAY = dt.date.today()
LOCK = Path(tempfile.gettempdir()) / "tfso-mock-readme-127.0.0.1-8080.lock"


def blocks(text: str) -> list[dict]:
    """Every fenced block: its language, code and line number."""
    found = []
    for m in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.S | re.M):
        line = text.count("\n", 0, m.start()) + 1
        found.append({"lang": m.group(1), "code": m.group(2), "line": line})
    return found


def plan(text: str) -> tuple[list[dict], list[dict]]:
    """(blocks to run, blocks not run) in README order."""
    run, skipped = [], []
    for b in blocks(text):
        first = b["code"].splitlines()[0] if b["code"] else ""
        if b["lang"] in ("", "yaml") or first in NOT_RUN:
            skipped.append(b)
        elif b["lang"] == "sh":
            run.append({"kind": "sh", "code": b["code"], "line": b["line"]})
        elif b["lang"] == "python":
            kind = "pytest" if re.search(r"^def test_", b["code"], re.M) else "python"
            run.append({"kind": kind, "code": b["code"], "line": b["line"]})
        else:
            raise AssertionError(f"README.md:{b['line']}: a ```{b['lang']} block: run it or list it")
    return run, skipped


def test_every_block_is_run_or_listed_with_a_reason():
    text = ROOT_README.read_text(encoding="utf-8")
    run, skipped = plan(text)
    firsts = {b["code"].splitlines()[0] for b in skipped if b["lang"] in ("sh", "python")}
    assert firsts == set(NOT_RUN), "NOT_RUN lists a block the README no longer has"
    assert [b["kind"] for b in run] == ["python", "sh", "python", "python", "python", "python",
                                        "python", "python", "pytest", "sh", "pytest", "pytest"]
    for b in skipped:
        if b["lang"] == "yaml":
            assert isinstance(yaml.safe_load(b["code"]), dict), b["line"]
    assert SERVE in text and TEST_COMMAND in text


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\n" + TEST_COMMAND + "\n" in ci
    assert "TFSO_REQUIRE_TOOLS=1" in ci


def _run_readme(tmp_path: Path) -> dict:
    for tool in ("bash", "curl", "jq"):
        if shutil.which(tool) is None:
            missing_tool(f"'{tool}' is not installed; the README's shell examples use it "
                         "(apt-get install -y curl jq)")
    run, _ = plan(ROOT_README.read_text(encoding="utf-8"))
    work = tmp_path / "work"
    work.mkdir()
    plan_file, report_file = tmp_path / "plan.json", tmp_path / "report.json"
    plan_file.write_text(json.dumps({"work": str(work), "blocks": run,
                                     "serve": SERVE.split(" && ")[1]}), encoding="utf-8")
    runner = [sys.executable, str(RUNNER), str(plan_file), str(report_file)]
    unshare = shutil.which("unshare")
    netns = unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0
    if netns:
        proc = subprocess.run([unshare, "-rn", *runner, "--netns"], capture_output=True,
                              text=True, timeout=1800, cwd=ROOT)
    else:  # no namespaces here: one README run at a time on this machine
        with LOCK.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", 8080)) == 0:
                    missing_tool("port 8080 is taken by another program and network namespaces "
                                 "are not available here")
            proc = subprocess.run(runner, capture_output=True, text=True, timeout=1800, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(report_file.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return _run_readme(tmp_path_factory.mktemp("readme"))


def _block(report: dict, marker: str) -> dict:
    """The result of the one block whose code contains ``marker`` (found in the README's plan,
    not by position: a block added above another must not make its test read the wrong one)."""
    run, _ = plan(ROOT_README.read_text(encoding="utf-8"))
    found = [n for n, b in enumerate(run) if marker in b["code"]]
    assert len(found) == 1, f"{marker!r} is in {len(found)} README blocks, not exactly one"
    b = report["blocks"][found[0]]
    assert b["line"] == run[found[0]]["line"], "the report is of another README"
    assert b["returncode"] == 0, f"README.md:{b['line']} ({b['kind']}) exited {b['returncode']}\n" \
                                 f"stdout:\n{b['stdout']}\nstderr:\n{b['stderr']}"
    assert "Traceback" not in b["stderr"], b["stderr"]
    return b


def test_the_emulator_starts_as_the_readme_says_and_stops_cleanly(report):
    assert "tfso-mockserver listening on http://127.0.0.1:8080" in report["banner"]
    assert "Username:      demo@24sevenoffice.mock" in report["banner"]
    assert f"Fiscal years:  {TODAY.year - 1}, {TODAY.year}" in report["banner"]
    assert report["serve_exit"] == 0
    assert "Traceback" not in report["serve_stderr"]


def test_first_steps_with_zeep_posts_an_invoice_and_reads_the_next_number(report):
    out = _block(report, "Accountservice.asmx?WSDL")["stdout"].splitlines()
    assert out == ["10000 Ok None", "10001"]


def test_rest_with_curl_gets_a_token_and_the_demo_clients_lines(report):
    out = _block(report, "URL=http://127.0.0.1:8080")["stdout"]
    assert out.startswith("HTTP/1.1 200 OK\n")  # (CRLF read as text)
    head, _, body = out.partition("\n\n")
    assert "Content-Type: application/json" in head
    lines = json.loads(body)
    assert lines and all(ln["date"].startswith(str(TODAY.year)) for ln in lines)
    assert {"id", "account", "amount"} <= set(lines[0])


def test_rest_with_python_pages_through_the_demo_clients_lines(report):
    out = _block(report, "follow the RFC 8288 link header")["stdout"].splitlines()
    assert len(out) >= 6  # more than one page of 5
    for line in out:
        line_id, day, account, amount = line.split()
        assert day.startswith(str(TODAY.year)) and account.isdigit()
        Decimal(amount)


def test_py24so_syncs_the_demo_clients_lines_modified_since(report):
    out = _block(report, "modified_from=last_sync")["stdout"].splitlines()
    listed, summary = out[:-1], out[-1]
    assert listed  # the demo client's lines were all booked after 1 January
    for line in listed:
        _guid, period, account, amount = line.split()
        assert period.startswith(str(TODAY.year)) and period.endswith("-01") and account.isdigit()
        Decimal(amount)
    assert summary == f"{len(listed)} lines modified since {TODAY.year}-01-01T00:00:00+00:00"


def test_py24so_attaches_a_file_to_an_order_and_uploads_a_receipt(report):
    """The application's default scopes carry the write scopes py24so cannot ask for."""
    out = _block(report, "api.sales_orders.attachments.upload")["stdout"].splitlines()
    assert out == ["1 order.pdf application/pdf 14", "['order.pdf']", "Completed 1"]


def test_transaction_service_lists_the_lines_and_what_changed(report):
    out = _block(report, "TransactionService.asmx?WSDL")["stdout"].splitlines()
    listed, summary = out[:-1], out[-1]
    assert listed
    for line in listed:
        _guid, day, account, amount = line.split()
        assert day.startswith(str(TODAY.year)) and account.isdigit()
        Decimal(amount)
    changed = int(summary.split()[0])
    assert changed >= len(listed) and " lines changed since " in summary


def test_the_time_service_example_registers_an_hour_on_a_new_project(report):
    b = _block(report, "timesheet.SaveHour(")
    assert b["stdout"].splitlines() == ["1 Konsulentarbeid 1250.00 [(1, 3.5)]"]


def test_the_master_data_example_passes_in_a_project_of_its_own(report):
    b = _block(report, "def test_a_company_saved_over_soap_is_found_by_name")
    assert "1 passed" in b["stdout"], b["stdout"]


def test_the_control_api_examples_all_succeed(report):
    out = _block(report, "B=http://127.0.0.1:8080")["stdout"]
    assert '"status":"ok"' in out.replace(" ", "")
    assert '"matched":false' in out.replace(" ", "")


def test_the_plugin_examples_pass_in_a_project_of_their_own(report):
    b = _block(report, "def invoice(number: int)")
    assert "2 passed" in b["stdout"], b["stdout"]


def test_the_property_example_passes_in_a_project_of_their_own(report):
    b = _block(report, "def test_exporter_roundtrip")
    assert "1 passed" in b["stdout"], b["stdout"]


def test_readme_runs_in_a_namespace_or_under_a_lock():
    """Two README runs at once must not share port 8080: either each has its own network
    namespace, or the lock serialises them (the lock file is machine-wide)."""
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode == 0:
        inside = subprocess.run([unshare, "-rn", sys.executable, "-c",
                                 "import socket; s = socket.socket(); print(s.connect_ex(('127.0.0.1', 8080)))"],
                                capture_output=True, text=True, timeout=60)
        assert inside.stdout.strip() != "0"  # nothing of this machine's listens in there
    else:
        assert os.access(LOCK.parent, os.W_OK)
