"""Child processes in tests and benchmarks: ``tfso-mock serve`` started as a child with its banner
read (``ServeProcess``), and any child stopped politely, then firmly (``stop_process``).

One helper for the contract tests, the interop tests and ``bench/``: the banner's first line
(``... listening on URL``) says the socket accepts, the rest of it (up to ``Press Ctrl+C``) holds
the demo client's credentials and the control token.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

#: The banner's first line; ``bench/bare_app.py`` prints one of the same shape.
LISTENING = re.compile(r"listening on (http://\S+)")
#: The banner's last line (absent with ``--quiet``).
BANNER_END = "Press Ctrl+C"


def stop_process(proc: subprocess.Popen, timeout: float = 10) -> int | None:
    """SIGTERM, wait up to ``timeout``, then SIGKILL; close its pipes. Returns the exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()
    return proc.returncode


def serve_command(module: bool = False) -> list[str]:
    """``tfso-mock`` from this interpreter's scripts folder (a venv's bin/; never a pyenv shim,
    which would add its own start-up), else ``python -m mockserver``; ``module``: always the
    latter."""
    script = Path(sys.executable).parent / "tfso-mock"
    if not module and script.exists():
        return [str(script)]
    found = None if module else shutil.which("tfso-mock", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "mockserver"]


def cpu_times_of(pid: int) -> tuple[float, float]:
    """User and system CPU seconds process ``pid`` has used (/proc; OSError once it is gone)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


class ServeProcess:
    """A child server: ``command + args`` started, its stdout pumped by a thread into ``output``
    (lines as printed, with their newline when ``newlines``), ``url`` read from its banner,
    stderr kept in a temporary file.

    ``banner``: also wait for the end of the banner (``Press Ctrl+C``) unless ``--quiet`` is among
    the arguments, so ``value(label)`` finds what it printed. ``log``: append stderr to this file
    (kept) instead of a temporary one (removed by ``close()``).
    """

    def __init__(self, args: Sequence[str], command: Sequence[str] | None = None,
                 env: dict | None = None, cwd: str | Path | None = None, timeout: float = 30.0,
                 banner: bool = True, log: str | Path | None = None, newlines: bool = False):
        self.args = list(args)
        self.newlines = newlines
        self.command = list(serve_command() if command is None else command) + self.args
        self._keep_log = log is not None
        self._err = (open(log, "a+") if log is not None  # noqa: SIM115 - closed in close()
                     else tempfile.NamedTemporaryFile(prefix="tfso-serve-", suffix=".log", mode="w+",
                                                      delete=False))
        full_env = dict(os.environ if env is None else env)
        full_env.setdefault("PYTHONUNBUFFERED", "1")
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=self._err,
                                     stdin=subprocess.DEVNULL, text=True, env=full_env, cwd=cwd)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        self._eof = threading.Event()
        threading.Thread(target=self._pump, daemon=True).start()
        try:
            self.url = self._wait_for(LISTENING, timeout)
            if banner and "--quiet" not in self.args:
                self.wait_for_output(BANNER_END, timeout)
        except BaseException:
            self.close()  # never leave a server behind
            raise
        m = re.match(r"http://([^:/]+):(\d+)", self.url)
        self.host, self.port = (m.group(1), int(m.group(2))) if m else ("", 0)

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if not self.newlines:
                line = line.rstrip("\n")
            self.output.append(line)
            self.lines.put(line)
        self._eof.set()
        self.lines.put(None)

    def _wait_for(self, pattern: re.Pattern, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is not None:
                m = pattern.search(line)
                if m:
                    return m.group(1)
                continue
            if self._eof.is_set() or self.proc.poll() is not None or time.monotonic() >= deadline:
                self.stop()
                raise RuntimeError(
                    f"{' '.join(self.command)} did not start (exit {self.proc.returncode}).\n"
                    f"stdout: {self.output}\nstderr: {self.stderr()}")

    def wait_for_output(self, marker: str, timeout: float = 10) -> None:
        """Wait until a stdout line contains ``marker``."""
        deadline = time.monotonic() + timeout
        while not any(marker in line for line in self.output):
            if time.monotonic() > deadline or (self._eof.is_set() and
                                               not any(marker in ln for ln in self.output)):
                raise RuntimeError(f"no {marker!r} in: " + "\n".join(self.output))
            time.sleep(0.02)

    def read_output(self, wait: float = 0.5) -> list[str]:
        """Every stdout line so far, after waiting ``wait`` seconds for more (or its end)."""
        self._eof.wait(wait)
        return list(self.output)

    def value(self, label: str) -> str:
        """A value the banner printed, e.g. ``value("Control token")``."""
        for line in self.output:
            if line.strip().startswith(label + ":"):
                return line.split(":", 1)[1].strip()
        raise KeyError(label)

    def stderr(self) -> str:
        """What the child wrote to stderr so far."""
        try:
            self._err.flush()
            return Path(self._err.name).read_text(errors="replace")
        except (OSError, ValueError):
            return ""

    def _status(self, key: str) -> int:
        try:
            text = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return 0
        m = re.search(rf"^{key}:\s+(\d+) kB", text, re.M)
        return int(m.group(1)) if m else 0

    def rss_kb(self) -> int:
        return self._status("VmRSS")

    def peak_kb(self) -> int:
        """The high-water mark of its resident memory."""
        return self._status("VmHWM")

    def cpu_s(self) -> float:
        """User plus system CPU seconds the child used."""
        return sum(self.cpu_times())

    def cpu_times(self) -> tuple[float, float]:
        """User and system (kernel: sockets, polling, the store's files) CPU seconds the child
        used."""
        return cpu_times_of(self.proc.pid)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind (a crash, an OOM kill, a pulled plug)."""
        self.proc.kill()
        self.proc.wait()

    def stop(self) -> int | None:
        return stop_process(self.proc)

    def close(self) -> None:
        """Stop it and remove its stderr file."""
        self.stop()
        self._err.close()
        if not self._keep_log:
            try:
                os.unlink(self._err.name)
            except OSError:
                pass

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
