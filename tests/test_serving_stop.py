"""Stopping the threaded waitress server (``serving.stop_server``) while requests are in flight.

A slow machine is simulated with a worker timeout of a millisecond: workers outlive the shutdown
and pull the trigger after it is closed, and the loop thread gets little CPU. Nothing may fail in
any thread (the EBADF teardown flake), and other servers in the same process keep working.
"""

from __future__ import annotations

import http.client
import threading
import time

import pytest

from mockserver.testing.server import ThreadedEmulator


@pytest.fixture
def thread_errors(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(threading, "excepthook", lambda a: seen.append(
        f"{a.thread.name if a.thread else '?'}: {a.exc_type.__name__}: {a.exc_value}"))
    return seen


def _health(url: str, timeout: float = 30) -> int:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", "/__admin/health")
        return conn.getresponse().status
    finally:
        conn.close()


def test_a_pull_after_stop_is_harmless(thread_errors):
    emulator = ThreadedEmulator().start()
    assert _health(emulator.url) == 200
    trigger = emulator._server.trigger
    emulator.stop()
    assert trigger._closed and not emulator.running
    trigger.pull_trigger()  # a worker that outlived the shutdown: no EBADF, nothing written
    emulator.stop()  # twice is fine
    assert thread_errors == []


def test_stop_never_started():
    emulator = ThreadedEmulator()
    emulator.stop()
    assert emulator._server._map == {}


def test_stopping_under_load_fails_no_thread(thread_errors):
    survivor = ThreadedEmulator().start()

    def hammer(url, stop):
        while not stop.is_set():
            try:
                _health(url, timeout=5)
            except (OSError, http.client.HTTPException):
                pass  # the server is going away: refused, reset or cut off mid-answer

    def cycle():
        for _ in range(6):
            emulator = ThreadedEmulator(threads=4).start()
            stop = threading.Event()
            clients = [threading.Thread(target=hammer, args=(emulator.url, stop)) for _ in range(3)]
            for c in clients:
                c.start()
            time.sleep(0.03)
            emulator.stop(timeout=0.001)
            stop.set()
            for c in clients:
                c.join()

    cyclers = [threading.Thread(target=cycle) for _ in range(3)]
    for c in cyclers:
        c.start()
    for c in cyclers:
        c.join()
    try:
        assert _health(survivor.url) == 200
    finally:
        survivor.stop()
    assert thread_errors == []
