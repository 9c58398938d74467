"""Shared by the control-plane contract tests: an emulator of our own, a ``tfso-mock serve``
subprocess, and a raw SOAP call that shows the HTTP answer as it is."""

from __future__ import annotations

import os
import subprocess

import requests

from mockserver.settings import Settings
from mockserver.testing.client import create_client
from mockserver.testing.process import ServeProcess, serve_command
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


class Serve(ServeProcess):
    """``python -m mockserver serve --port 0 ...`` in a subprocess; ``url`` from its first line."""

    def __init__(self, *args: str, env: dict | None = None, timeout: float = 30):
        super().__init__(["serve", "--port", "0", *args], command=serve_command(module=True),
                         env={**os.environ, **(env or {})}, timeout=timeout, newlines=True)

    def stderr(self) -> str:
        """What the process wrote to stderr (after it ended; ends it if it still runs)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                return ""
        return super().stderr()
