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


class EmulatorUnusable(Exception):
    """The emulator at ``TFSO_MOCK_URL`` cannot be used; the text says why in one line (the
    plugin fails the test with it, without a traceback into requests)."""


class RemoteEmulator:
    """An emulator someone else started (``TFSO_MOCK_URL``, a CI service container)."""

    def __init__(self, url: str, admin_token: str = ""):
        self.url = url.rstrip("/")
        self.app = None
        self.admin_token = admin_token
        where = f"the emulator at {self.url} (--tfso-mock-url / TFSO_MOCK_URL)"
        try:
            resp = requests.get(self.url + "/__admin/health", timeout=10,
                                headers=self.admin_headers())
        except (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
                requests.exceptions.InvalidURL):
            raise EmulatorUnusable(f"{where}: not an http:// or https:// URL") from None
        except requests.Timeout:
            raise EmulatorUnusable(f"{where}: no answer within 10 s") from None
        except requests.ConnectionError:
            raise EmulatorUnusable(f"{where}: cannot connect (is it running?)") from None
        if resp.status_code in (401, 403):
            raise EmulatorUnusable(f"{where}: its control API refused the token "
                                   f"(HTTP {resp.status_code}; set TFSO_MOCK_ADMIN_TOKEN to the "
                                   "one it printed)")
        if resp.status_code == 404:
            raise EmulatorUnusable(f"{where}: no control API at /__admin (started with "
                                   "--no-admin, or not a tfso-mockserver)")
        if resp.status_code != 200:
            raise EmulatorUnusable(f"{where}: /__admin/health answered HTTP {resp.status_code}: "
                                   f"{resp.text[:200]}")

    def admin_headers(self) -> dict:
        return {"Authorization": f"Bearer {self.admin_token}"} if self.admin_token else {}

    def stop(self) -> None:
        return None
