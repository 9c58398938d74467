"""Run the emulator for tests: in a background thread on a free port, or point at a running one.

Kept apart from the pytest glue (as pytest-httpserver does) so any test runner can use it.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import requests

from ..settings import Settings


class ThreadedEmulator:
    """The real WSGI app behind a real waitress socket, in this process."""

    def __init__(self, settings: Settings | None = None, host: str = "127.0.0.1", port: int = 0):
        from waitress.server import create_server

        from ..app import create_app

        self.settings = replace(settings or Settings(), host=host, port=port)
        self.app = create_app(self.settings)
        self._server = create_server(self.app, host=host, port=port, threads=8,
                                     ident="tfso-mockserver")
        self.url = f"http://{host}:{self._server.effective_port}"
        self._thread = threading.Thread(target=self._server.run, name="tfso-mock", daemon=True)

    def start(self) -> ThreadedEmulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.close()
        for channel in list(self._server._map.values()):  # idle keep-alive connections
            channel.close()
        self._server.task_dispatcher.shutdown(timeout=1)
        self._thread.join(timeout=2)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class RemoteEmulator:
    """An emulator someone else started (``TFSO_MOCK_URL``, a CI service container)."""

    def __init__(self, url: str, admin_token: str = ""):
        self.url = url.rstrip("/")
        self.app = None
        self.admin_token = admin_token
        resp = requests.get(self.url + "/__admin/health", timeout=10, headers=self.admin_headers())
        resp.raise_for_status()

    def admin_headers(self) -> dict:
        return {"Authorization": f"Bearer {self.admin_token}"} if self.admin_token else {}

    def stop(self) -> None:
        return None
