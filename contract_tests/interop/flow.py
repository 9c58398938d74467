"""The one flow every interop client runs (scenario.json), and what must come out of it.

Each client prints the same transcript, one line per step; only the session id differs between
runs. After a run the emulator's own books (control API) must hold exactly the two balanced
vouchers, and its request journal must show that every AccountService call carried the session.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from .emulator import admin

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENDOR = ROOT / "fixtures" / "vendor"
SCENARIO = HERE / "scenario.json"
VAT_TEXT = "Voucher has a vat code that does not have a corresponding vat amount"
SESSION = re.compile(r"^[a-z0-9]{24}$")
ACCOUNT_PATH = "/Economy/Account/V004/Accountservice.asmx"
AUTH_PATH = "/authenticate/v001/authenticate.asmx"


def scenario() -> dict:
    return json.loads(SCENARIO.read_text("utf-8"))


def expected(session: str, request_type: str, response_type: str | None = None) -> list[str]:
    return [
        f"Login: {session}",
        "Set-Cookie ASP.NET_SessionId equals LoginResult: yes",
        f"Request: {request_type}",
        f"Response: {response_type or request_type}",
        "HasSession: true",
        'GetTypeList without session: fault "Client is not authenticated on this identity"',
        "GetEntryId: SortNo=1 EntryNo=10000",
        "SaveBundleList balanced: Ok",
        f"SaveBundleList vat_error: Exception | {VAT_TEXT}",
        "GetEntryId: SortNo=1 EntryNo=10002",
    ]


def check_transcript(lines: list[str], request_type: str, response_type: str | None = None) -> str:
    """The whole transcript, exactly; returns the session id the client got."""
    assert lines and lines[0].startswith("Login: "), lines
    session = lines[0][len("Login: "):]
    assert SESSION.match(session), f"LoginResult {session!r} is not 24 lower-case alphanumerics"
    assert lines == expected(session, request_type, response_type)
    return session


LEDGER = [
    (10000, 1500, "125.00", 123, "Faktura 1 \u00e6\u00f8\u00e5 & <ok>"),
    (10000, 3000, "-100.00", 0, ""),
    (10000, 2700, "-25.00", 0, ""),
    (10001, 1500, "62.50", 123, ""),
    (10001, 3000, "-50.00", 0, ""),
    (10001, 2700, "-12.50", 0, ""),
]
OPERATIONS = [
    ("Authenticate", "Login", 200),
    ("Authenticate", "HasSession", 200),
    ("AccountService", "GetEntryId", 200),
    ("AccountService", "SaveBundleList", 200),
    ("AccountService", "SaveBundleList", 200),
    ("AccountService", "GetEntryId", 200),
]


def check_books(base_url: str, client: dict, token: str = "") -> None:
    """What the emulator booked for this client, and what its journal saw, exactly."""
    status, body = admin(base_url, "GET", f"/clients/{client['client_id']}/ledger", token=token)
    assert status == 200, body
    got = [(ln["transaction_no"], ln["account_no"], ln["amount"], ln["customer_id"], ln["comment"])
           for ln in body["lines"]]
    assert got == LEDGER
    assert {ln["date"] for ln in body["lines"]} == {"2024-01-31"}
    status, entries = admin(base_url, "GET", f"/requests?client_id={client['client_id']}", token=token)
    assert status == 200, entries
    calls = [(e["service"], e["operation"], e["status"]) for e in entries if e["method"] == "POST"]
    assert calls == OPERATIONS  # GETs of ?WSDL with the session cookie may be listed too


def new_client(base_url: str, token: str = "") -> dict:
    status, info = admin(base_url, "POST", "/clients", {"fiscal_years": [2024]}, token=token)
    assert status == 201, info
    return info


def wsdl_sources(base_url: str, source: str) -> dict:
    """Where a client reads its WSDLs: the vendor's files, or the emulator's ?WSDL."""
    if source == "vendor":
        return {"auth_wsdl": str(VENDOR / "Authenticate.wsdl"),
                "account_wsdl": str(VENDOR / "AccountV004.wsdl")}
    assert source == "served", source
    return {"auth_wsdl": f"{base_url}{AUTH_PATH}?WSDL", "account_wsdl": f"{base_url}{ACCOUNT_PATH}?WSDL"}


def config(base_url: str, client: dict, source: str = "vendor", **extra) -> str:
    return json.dumps({
        "base_url": base_url, **wsdl_sources(base_url, source), "scenario": str(SCENARIO),
        "username": client["username"], "password": client["password"],
        "application_id": client["application_id"], **extra,
    })


def run(cmd: list[str], timeout: float = 120) -> list[str]:
    """Run an interop script; its stdout lines (the whole story on failure)."""
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, (
        f"{cmd[0]} exited {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    )
    return done.stdout.splitlines()


#: set by .ci/run: a missing tool fails the tests that need it instead of skipping them
REQUIRE_TOOLS = "TFSO_REQUIRE_TOOLS"


def missing_tool(reason: str) -> None:
    """Skip with ``reason`` on a machine that has only Python; fail under TFSO_REQUIRE_TOOLS=1
    (CI), where every interop suite must run for real."""
    import os

    import pytest

    if os.environ.get(REQUIRE_TOOLS, "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} ({REQUIRE_TOOLS} is set: required here)", pytrace=False)
    pytest.skip(f"{reason} (skipped; {REQUIRE_TOOLS}=1 makes this a failure)")


def require(tool: str, install: str) -> str:
    """The tool's path; without it a skip that says what to install (a failure in CI)."""
    path = shutil.which(tool)
    if path is None:
        missing_tool(f"'{tool}' is not installed; install it with: {install}")
    return path
