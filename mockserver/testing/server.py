"""Run the emulator for tests: in a background thread on a free port, or point at a running one.

Kept apart from the pytest glue (as pytest-httpserver does) so any test runner can use it.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import requests

from ..settings import Settings


class ThreadedEmulator:
    """The real WSGI app behind a real waitress socket, in this process.

    ``settings``: defaults to ``Settings.from_env()`` (``TFSO_MOCK_RATE_LIMIT``, ...); host and
    port are always the ones given here (a free loopback port by default).
    """

    def __init__(self, settings: Settings | None = None, host: str = "127.0.0.1", port: int = 0,
                 threads: int = 8):
        from ..app import create_app
        from ..serving import create_server

        base = settings if settings is not None else Settings.from_env()
        self.settings = replace(base, host=host, port=port)
        self.app = create_app(self.settings)
        self._server = create_server(self.app, host=host, port=port, threads=threads)
        self.url = f"http://{host}:{self._server.effective_port}"
        self._thread = threading.Thread(target=self._server.run, name="tfso-mock", daemon=True)
        self._stopped = False

    def admin_headers(self) -> dict:
        token = self.settings.admin_token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def start(self) -> ThreadedEmulator:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5) -> None:
        """Close the listener and every connection in the server's own thread, then wait for
        the thread and the worker threads to end. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        from ..serving import stop_server

        stop_server(self._server, self._thread, timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

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
