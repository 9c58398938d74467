"""Fixtures for the interop tests: one ``tfso-mock serve`` child per test session (per xdist
worker), and a fresh isolated client (POST /__admin/clients) per test."""

from __future__ import annotations

import os

import pytest

pytest.register_assert_rewrite("interop.flow", "interop.emulator")

from .emulator import Emulator  # noqa: E402
from .flow import new_client  # noqa: E402


@pytest.fixture(scope="session")
def emulator():
    # defaults only: an integrator's TFSO_MOCK_* (token, URL, limits) must not leak in
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFSO_MOCK_")}
    running = Emulator(["serve", "--host", "127.0.0.1", "--port", "0", "--quiet"], env=env)
    yield running
    code = running.stop()
    assert code == 0, f"tfso-mock serve exited {code} on SIGTERM\n{running.stderr()}"


@pytest.fixture
def client(emulator) -> dict:
    """Credentials of a new client with fiscal year 2024 (nobody else's books)."""
    return new_client(emulator.url)
