"""Run the README's code blocks, as written, against a fresh ``tfso-mock serve`` (used by
test_readme.py; ``python readme_runner.py PLAN.json REPORT.json``).

The README's examples use ``http://127.0.0.1:8080`` literally, and several suite runs (worktrees,
xdist workers) may run at once on one machine. test_readme.py therefore starts this script in its
own network namespace (``unshare -rn``: a loopback of its own, so every run has its own port
8080), or, where namespaces are not allowed, under a machine-wide file lock. ``--netns`` brings
the namespace's loopback up first.

Each block runs in order in one work folder: ``sh`` with ``bash -euo pipefail`` (an unset
variable or a failed command stops the block), ``python`` with this interpreter, and ``pytest``
(a block of test functions) as a test file of a separate project with ``pytest -n 2
--hypothesis-profile=quick``. ``curl``
is run with ``--fail-with-body`` (a wrapper first on PATH), so an HTTP error fails the block.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path


def loopback_up() -> None:
    """``ip link set lo up`` without iproute2 (SIOCGIFFLAGS / SIOCSIFFLAGS)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        flags = struct.unpack("16sh", fcntl.ioctl(s, 0x8913, struct.pack("16sh", b"lo", 0)))[1]
        fcntl.ioctl(s, 0x8914, struct.pack("16sh", b"lo", flags | 1))


def _env(work: Path) -> dict:
    shim = work / "bin"
    shim.mkdir(exist_ok=True)
    curl = shutil.which("curl")
    if curl:
        (shim / "curl").write_text(f'#!/bin/sh\nexec {curl} --fail-with-body "$@"\n')
        (shim / "curl").chmod(0o755)
    here = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TFSO_", "PYTEST_"))}
    env["PATH"] = os.pathsep.join([str(shim), here, env.get("PATH", "")])
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_server(command: str, env: dict, work: Path):
    """``command`` in the background (output to files: a full pipe would stall it); its banner."""
    out, err = work / "serve.out", work / "serve.err"
    proc = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=work, env=env,
                            stdout=out.open("w"), stderr=err.open("w"), stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        banner = out.read_text(encoding="utf-8")
        if "Press Ctrl+C" in banner:
            return proc, banner
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"{command} did not start (exit {proc.wait()}):\n"
                     f"{out.read_text(encoding='utf-8')}{err.read_text(encoding='utf-8')}")


def run_block(block: dict, n: int, env: dict, work: Path) -> dict:
    kind, code = block["kind"], block["code"]
    started = time.monotonic()
    if kind == "sh":
        cmd, cwd = ["bash", "-euo", "pipefail", "-c", code], work
    elif kind == "python":
        path = work / f"readme_block_{n}.py"
        path.write_text(code, encoding="utf-8")
        cmd, cwd = [sys.executable, path.name], work
    else:  # pytest: a separate project folder with nothing but the README's test file
        project = work / f"project_{n}"
        project.mkdir()
        (project / f"test_readme_block_{n}.py").write_text(code, encoding="utf-8")
        cmd, cwd = [sys.executable, "-m", "pytest", "-n", "2", "-p", "no:cacheprovider", "-q",
                    "--hypothesis-profile=quick",  # the README's fast profile (the plugin's)
                    "-W", "error::pytest.PytestUnhandledThreadExceptionWarning"], project
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    return {"line": block["line"], "kind": kind, "returncode": done.returncode,
            "stdout": done.stdout, "stderr": done.stderr,
            "seconds": round(time.monotonic() - started, 1)}


def main(plan_file: str, report_file: str, netns: bool) -> int:
    plan = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    work = Path(plan["work"])
    if netns:
        loopback_up()
    env = _env(work)
    server, banner = start_server(plan["serve"], env, work)
    results = []
    try:
        for n, block in enumerate(plan["blocks"]):
            results.append(run_block(block, n, env, work))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            code = server.wait()
    report = {"banner": banner, "blocks": results, "serve_exit": code,
              "serve_stderr": (work / "serve.err").read_text(encoding="utf-8")}
    Path(report_file).write_text(json.dumps(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--netns"]
    sys.exit(main(args[0], args[1], "--netns" in sys.argv))
