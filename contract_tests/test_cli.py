"""The CLI's error cases: every bad flag, variable or environment problem is one line on stderr
naming it, and exit code 2; never a traceback, never a silent substitute. ``--version``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest

import mockserver


def tfso_mock(*args: str, env: dict | None = None, cwd=None) -> subprocess.CompletedProcess:
    """``tfso-mock ARGS`` (as ``python -m mockserver``), without the caller's TFSO_MOCK_*."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TFSO_")}
    return subprocess.run([sys.executable, "-m", "mockserver", *args], capture_output=True,
                          text=True, timeout=120, env={**clean, **(env or {})}, cwd=cwd)


class _StillServing(BaseException):
    """Raised by the alarm in a ``main()`` that serves instead of refusing (a BaseException:
    no ``except Exception`` on the way swallows it)."""


#: seconds an in-process refusal may take before it counts as serving (a refusal takes well
#: under a second; a regression must fail the test, not hang the run on a server)
REFUSAL_SECONDS = 60


def in_process(monkeypatch, capsys, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The same ``main()`` in this process (fast), as a CompletedProcess. A ``main()`` still
    running after ``REFUSAL_SECONDS`` (a server that should have been refused) is stopped and
    answers return code ``"still serving"``."""
    from mockserver.cli import main

    for key in [k for k in os.environ if k.startswith("TFSO_")]:
        monkeypatch.delenv(key)
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)

    def alarm(_signum, _frame):
        raise _StillServing

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(REFUSAL_SECONDS)
    try:
        code = main(list(args))
    except SystemExit as stop:  # argparse
        code = stop.code
    except _StillServing:
        code = "still serving"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


def assert_refused(proc: subprocess.CompletedProcess, *expected: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("tfso-mock"), lines[0]
    for text in expected:
        assert text in lines[0]
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "listening on" not in proc.stdout


def test_version():
    proc = tfso_mock("--version")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"tfso-mock {mockserver.__version__}\n", "")


@pytest.mark.parametrize(("args", "env", "expected"), [
    (["--port", "-1"], {}, ["--port/TFSO_MOCK_PORT -1: must be between 0 and 65535"]),
    (["--port", "99999"], {}, ["--port/TFSO_MOCK_PORT 99999: must be between 0 and 65535"]),
    (["--port", "eighty"], {}, ["argument --port: invalid int value: 'eighty'"]),
    ([], {"TFSO_MOCK_PORT": "abc"}, ["TFSO_MOCK_PORT='abc': not a whole number"]),
    ([], {"TFSO_MOCK_PORT": "70000"}, ["--port/TFSO_MOCK_PORT 70000"]),
    (["--host", "256.1.1.1"], {}, ["--host/TFSO_MOCK_HOST '256.1.1.1': not an IP address"]),
    (["--host", "bad host"], {}, ["'bad host': not a host name or IP address"]),
    (["--host", "192.0.2.1", "--port", "0"], {}, ["cannot listen on 192.0.2.1:0: that address is not on this machine"]),
    (["--host", "no-such-host.invalid", "--port", "0"], {}, ["cannot listen on no-such-host.invalid:0: the host does not resolve"]),
    (["--threads", "0"], {}, ["--threads/TFSO_MOCK_THREADS 0: must be at least 1"]),
    ([], {"TFSO_MOCK_THREADS": "-3"}, ["--threads/TFSO_MOCK_THREADS -3: must be at least 1"]),
    (["--workers", "0"], {}, ["--workers/TFSO_MOCK_WORKERS 0: must be at least 1"]),
    (["--workers", "2"], {}, ["--workers N (N > 1) needs --store sqlite:PATH"]),
    (["--rate-limit", "-5"], {}, ["--rate-limit/TFSO_MOCK_RATE_LIMIT -5: must be 0 (off) or more"]),
    ([], {"TFSO_MOCK_MAX_BODY": "0"}, ["TFSO_MOCK_MAX_BODY 0: must be at least 1"]),
    ([], {"TFSO_MOCK_ADMIN": "maybe"}, ["TFSO_MOCK_ADMIN='maybe': expected true or false"]),
    (["--public-url", "localhost:8080"], {}, ["--public-url/TFSO_MOCK_PUBLIC_URL 'localhost:8080'"]),
    (["--store", "postgres://x"], {}, ["--store/TFSO_MOCK_STORE: store must be 'memory' or 'sqlite:PATH'"]),
    (["--store", "sqlite:/no/such/dir/x.db"], {}, ["--store sqlite:/no/such/dir/x.db: directory /no/such/dir does not exist"]),
    (["--scenario", "/no/such/scenario.yaml"], {}, ["bad scenario: Scenario file /no/such/scenario.yaml does not exist"]),
    (["--scenario", "webshopp"], {}, ["No scenario named 'webshopp'", "did you mean webshop?"]),
    (["--bogus"], {}, ["tfso-mock: unrecognized arguments: --bogus"]),
])
def test_serve_refuses_in_one_line(monkeypatch, capsys, args, env, expected):
    assert_refused(in_process(monkeypatch, capsys, "serve", *args, env=env), *expected)


@pytest.mark.parametrize(("args", "expected"), [
    (["--bogus"], "tfso-mock: unrecognized arguments: --bogus (see tfso-mock --help)"),
    (["--bogus", "serve"], "tfso-mock: unrecognized arguments: --bogus (see tfso-mock --help)"),
    ([], "tfso-mock: the following arguments are required: command (see tfso-mock --help)"),
    (["serve", "--bogus", "x"], "tfso-mock: unrecognized arguments: --bogus x (see tfso-mock --help)"),
])
def test_a_bad_flag_without_a_command_is_named(monkeypatch, capsys, args, expected):
    """``tfso-mock --bogus`` named the missing command, not the flag it did not know."""
    proc = in_process(monkeypatch, capsys, *args)
    assert_refused(proc, expected)
    assert proc.stderr == expected + "\n"


def test_the_installed_command_refuses_in_one_line_too():
    assert_refused(tfso_mock("serve", "--port", "99999"), "--port/TFSO_MOCK_PORT 99999")
    assert_refused(tfso_mock("serve", env={"TFSO_MOCK_PORT": "abc"}), "TFSO_MOCK_PORT='abc'")
    assert_refused(tfso_mock("serve", "--nope"), "unrecognized arguments: --nope")
    assert_refused(tfso_mock("record", "--upstream", "not-a-url", "--out", "x"), "--upstream")


def test_serve_refuses_a_port_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert_refused(tfso_mock("serve", "--port", str(port)),
                       f"cannot listen on 127.0.0.1:{port}: the port is already in use")


def test_serve_refuses_an_unreadable_or_broken_scenario(monkeypatch, capsys, tmp_path):
    folder = tmp_path / "scenario.yaml"
    folder.mkdir()
    assert_refused(in_process(monkeypatch, capsys, "serve", "--scenario", str(folder)), "does not exist")
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("name: Sm\xf8rbr\xf8d\n".encode("latin-1"))
    assert_refused(in_process(monkeypatch, capsys, "serve", "--scenario", str(latin1)),
                   f"cannot read scenario {latin1}: not UTF-8 text")
    broken = tmp_path / "broken.yaml"
    broken.write_text("fiscal_years: [2024]\naccounts: {oops\n", encoding="utf-8")
    assert_refused(in_process(monkeypatch, capsys, "serve", "--scenario", str(broken)),
                   "bad scenario: broken.yaml")
    no_day = tmp_path / "no_day.yaml"
    no_day.write_text("fiscal_years: [2024]\nvouchers:\n  - type_no: 1\n    date: 2024-02-30\n"
                      "    lines: [{account: 1920, amount: 0}]\n", encoding="utf-8")
    assert_refused(in_process(monkeypatch, capsys, "serve", "--scenario", str(no_day)),
                   "bad scenario: no_day.yaml, line 4: vouchers[0].date: must be a date like "
                   "2024-01-31 or relative to the clock's year like current-01-31, not "
                   "'2024-02-30'")


def test_a_store_directory_is_never_created(monkeypatch, capsys, tmp_path):
    missing = tmp_path / "missing"
    assert_refused(in_process(monkeypatch, capsys, "serve", "--store", f"sqlite:{missing}/x.db"),
                   "does not exist")
    assert not missing.exists()


@pytest.mark.parametrize(("args", "expected"), [
    (["--upstream", "not-a-url"], "--upstream 'not-a-url': expected an http:// or https:// base URL"),
    (["--upstream", "ftp://example.com"], "--upstream 'ftp://example.com'"),
    (["--upstream", "https://example.com:99999"], "--upstream 'https://example.com:99999'"),
    (["--upstream", "https://example.com", "--port", "70000"], "--port 70000: must be between 0 and 65535"),
    (["--upstream", "https://example.com", "--host", "256.0.0.1"], "--host '256.0.0.1': not an IP address"),
    (["--upstream", "https://example.com", "--setup", "{nope"], "--setup: not a JSON object"),
])
def test_record_refuses_in_one_line(monkeypatch, capsys, tmp_path, args, expected):
    assert_refused(in_process(monkeypatch, capsys, "record", "--out", str(tmp_path / "out"), *args),
                   expected)
    assert not (tmp_path / "out").exists()


def test_a_scenario_folder_that_is_not_one_is_refused(monkeypatch, capsys, tmp_path):
    """``--scenario-dir`` pointing nowhere started the server, and every scenario of it was then
    "No scenario named ..." (found by the tools walk-through)."""
    missing = tmp_path / "no-such-folder"
    assert_refused(in_process(monkeypatch, capsys, "serve", "--scenario-dir", str(missing)),
                   f"tfso-mock: --scenario-dir/TFSO_MOCK_SCENARIO_DIRS {missing}: does not exist")
    a_file = tmp_path / "webshop.yaml"
    a_file.write_text("fiscal_years: [2024]\n", encoding="utf-8")
    assert_refused(in_process(monkeypatch, capsys, "serve", "--scenario-dir", str(tmp_path),
                              "--scenario-dir", str(a_file)), f"{a_file}: is not a folder")
    assert_refused(tfso_mock("serve", "--port", "0",
                             env={"TFSO_MOCK_SCENARIO_DIRS": f"{tmp_path}{os.pathsep}{missing}"}),
                   f"TFSO_MOCK_SCENARIO_DIRS {missing}: does not exist")


def test_an_empty_admin_token_is_refused(monkeypatch, capsys):
    """``--admin-token ""`` served the control API without any token (found by the tools
    walk-through): whoever wrote the flag meant one."""
    assert_refused(in_process(monkeypatch, capsys, "serve", "--admin-token", ""),
                   "tfso-mock: --admin-token: must not be empty")
    assert_refused(tfso_mock("serve", "--port", "0", "--admin-token", " "), "--admin-token")


def test_record_names_an_out_folder_it_cannot_make(monkeypatch, capsys, tmp_path):
    """``--out`` under a file was reported as "cannot listen on 127.0.0.1:0: Not a directory"."""
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    proc = tfso_mock("record", "--upstream", "https://example.com", "--port", "0",
                     "--out", str(a_file / "pairs"))
    assert_refused(proc, f"tfso-mock: --out {a_file / 'pairs'}: cannot create the folder: Not a directory")
    with socket.socket() as taken:  # refused after the folder was made: no empty folder left
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert_refused(in_process(monkeypatch, capsys, "record", "--upstream", "https://example.com",
                                  "--port", str(port), "--out", str(tmp_path / "new" / "pairs")),
                       "the port is already in use")
    assert not (tmp_path / "new" / "pairs").exists()


def test_serve_help_names_every_capacity_limit(monkeypatch, capsys):
    """``--limit``'s help lists every limit ``--limit NAME=N`` takes (attachment_bytes was
    missing from it, though the README and the REST table point users to it)."""
    from dataclasses import fields

    from mockserver.limits import Limits

    proc = in_process(monkeypatch, capsys, "serve", "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())  # argparse wraps the help at any space
    listed = text.split("--limit NAME=N a capacity limit, repeatable:", 1)[1].split("(env", 1)[0]
    assert [n.strip() for n in listed.split(",")] == [f.name for f in fields(Limits)]


def test_every_flag_the_readme_names_exists():
    """Each ``--flag`` the README shows in backticks is one a command of this project takes:
    ``tfso-mock serve``/``record``, the pytest plugin or the contract suite's options, the
    bench (its argparse), or Hypothesis's profile option; the README once sent users to a
    ``--max-body`` flag the CLI does not have."""
    import re
    from pathlib import Path

    from mockserver.cli import _parser

    root = Path(__file__).resolve().parents[1]
    known = {"--hypothesis-profile", "--help", "--version"}
    p = _parser()
    for command in p._subparsers._group_actions[0].choices.values():  # serve, record
        known.update(o for a in command._actions for o in a.option_strings)
    for source in [root / "mockserver/testing/plugin.py", root / "contract_tests/conftest.py",
                   *sorted((root / "bench").glob("*.py"))]:
        known.update(re.findall(r"""(?:addoption|add_argument)\(\s*["'](--[a-z0-9-]+)""",
                                source.read_text(encoding="utf-8")))
    readme = (root / "README.md").read_text(encoding="utf-8")
    named = {flag for code in re.findall(r"`([^`\n]+)`", readme)
             for flag in re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", code)}
    assert sorted(named - known) == []
