"""Start the emulator the way an integrator's CI does: ``tfso-mock serve`` as a child process.

Shared by the interop fixtures and the Docker CMD test. Nothing here imports the emulator: the
child is a separate interpreter, so what is tested is the installed command and its socket.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from mockserver.testing.process import stop_process

LISTENING = re.compile(r"^tfso-mockserver listening on (http://\S+)$")


def serve_command() -> list[str]:
    """``tfso-mock`` beside this interpreter (a venv's bin/), else ``python -m mockserver``."""
    script = shutil.which("tfso-mock", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "mockserver"]


class Emulator:
    """A running ``tfso-mock serve``; ``url`` is what it printed on its first line."""

    def __init__(self, args: list[str], env: dict | None = None, timeout: float = 30.0,
                 command: list[str] | None = None, cwd: str | Path | None = None):
        self.stderr_file = tempfile.TemporaryFile(mode="w+")
        full_env = dict(os.environ if env is None else env)
        full_env.setdefault("PYTHONUNBUFFERED", "1")
        self.command = (command or serve_command()) + list(args)
        self.proc = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=self.stderr_file,
                                     stdin=subprocess.DEVNULL, text=True, env=full_env,
                                     cwd=cwd)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        self.url = self._wait_for_url(timeout)

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def _wait_for_url(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is not None:
                self.output.append(line)
                m = LISTENING.match(line)
                if m:
                    return m.group(1)
                continue
            if self.proc.poll() is not None or time.monotonic() >= deadline:
                self.stop()
                raise RuntimeError(
                    f"{' '.join(self.command)} did not start (exit {self.proc.returncode}).\n"
                    f"stdout: {self.output}\nstderr: {self.stderr()}"
                )

    def read_output(self, wait: float = 0.5) -> list[str]:
        """Every stdout line so far (waits up to ``wait`` seconds for the next ones)."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.05)
            except queue.Empty:
                continue
            if line is None:
                break
            self.output.append(line)
        return list(self.output)

    def stderr(self) -> str:
        self.stderr_file.seek(0)
        return self.stderr_file.read()

    def stop(self) -> int | None:
        return stop_process(self.proc)


def admin(url: str, method: str, path: str, body: dict | None = None,
          token: str = "") -> tuple[int, dict]:
    """Call the control API; (status, JSON body)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url.rstrip("/") + "/__admin" + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")
