"""Shared by the control-plane contract tests: an emulator of our own, a ``tfso-mock serve``
subprocess, and a raw SOAP call that shows the HTTP answer as it is."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time

import requests

from mockserver.settings import Settings
from mockserver.testing.client import create_client
from mockserver.testing.process import stop_process
from mockserver.testing.server import ThreadedEmulator

from helpers import ACCOUNT, AUTH, NS, envelope, raw_post

GET_TYPE_LIST = envelope(f'<GetTypeList xmlns="{NS}" />')
HAS_SESSION = envelope(f'<HasSession xmlns="{NS}" />')


def type_list(client, session: requests.Session | None = None) -> requests.Response:
    """GetTypeList as raw XML with the client's session cookie: status, headers and body as sent."""
    return raw_post(session or client.http, client.base_url, ACCOUNT, GET_TYPE_LIST, "GetTypeList")


def has_session(base_url: str, session: requests.Session | None = None) -> requests.Response:
    return raw_post(session or requests.Session(), base_url, AUTH, HAS_SESSION, "HasSession")


class OwnEmulator:
    """An in-process emulator with its own settings (for emulator-wide switches)."""

    def __init__(self, **settings):
        self.emulator = ThreadedEmulator(Settings(**settings)).start()
        self.url = self.emulator.url
        self.app = self.emulator.app

    def client(self, wsdl_dir=None, login=True, **options):
        client = create_client(self.url, self.emulator.admin_headers(), wsdl_dir=wsdl_dir, **options)
        if login:
            client.login()
        return client

    def stop(self):
        self.emulator.stop()


class Serve:
    """``python -m mockserver serve --port 0 ...`` in a subprocess; ``url`` from its first line."""

    def __init__(self, *args: str, env: dict | None = None, timeout: float = 30):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **(env or {})})
        self.lines: queue.Queue = queue.Queue()
        self.output: list[str] = []
        self._eof = False
        threading.Thread(target=self._pump, daemon=True).start()
        self.url = None
        deadline = time.monotonic() + timeout
        while self.url is None:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:  # end of output, or nothing yet
                ended = self.lines.empty() and self._eof
                if ended or self.proc.poll() is not None or time.monotonic() > deadline:
                    err = self.stderr()
                    self.stop()
                    raise RuntimeError("tfso-mock serve did not start: " + err)
                continue
            if "listening on " in line:
                self.url = line.rsplit("listening on ", 1)[1].strip()
        self.wait_for_output("Press Ctrl+C" if "--quiet" not in args else None)

    def _pump(self):
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line)
        self._eof = True
        self.lines.put(None)

    def wait_for_output(self, marker: str | None, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while marker and not any(marker in line for line in self.output):
            if time.monotonic() > deadline:
                raise RuntimeError("no " + marker + " in: " + "".join(self.output))
            time.sleep(0.02)

    def value(self, label: str) -> str:
        """A value printed at start-up, e.g. ``value("Control token")``."""
        for line in self.output:
            if line.strip().startswith(label + ":"):
                return line.split(":", 1)[1].strip()
        raise KeyError(label)

    def stderr(self) -> str:
        """What the process wrote to stderr (after it ended; ends it if it still runs)."""
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
            return self.proc.stderr.read() if self.proc.stderr and not self.proc.stderr.closed else ""
        except (subprocess.TimeoutExpired, ValueError):
            return ""

    def stop(self):
        stop_process(self.proc)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
