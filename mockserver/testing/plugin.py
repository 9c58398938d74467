"""pytest plugin (entry point ``pytest11``): the emulator and isolated clients as fixtures.

- ``tfso_mock``: the session's emulator: started in-process on a free port (settings from
  ``tfso_mock_settings``, by default ``TFSO_MOCK_*`` environment variables), or the one at
  ``TFSO_MOCK_URL`` / ``--tfso-mock-url`` (with ``TFSO_MOCK_ADMIN_TOKEN`` when it needs one).
  Under ``pytest -n`` (xdist) every worker starts its own, unless a URL is given.
- ``tfso_client``: a fresh isolated client per test (its own credentials, books, clock, quota
  and faults), with zeep services and control-API helpers; logged in.
- ``tfso_new_client``: a factory for more clients in one test
  (``tfso_new_client(fiscal_years=[2024])``, ``tfso_new_client(scenario="webshop")``,
  ``tfso_new_client(rate_limit=10)``).

Every test gets its own client, so tests and xdist workers never see each other's data; after the
test, its clients' injected faults and clock settings are cleared.
"""

from __future__ import annotations

import os

import pytest

from ..settings import Settings
from .client import MockClient, create_client
from .server import RemoteEmulator, ThreadedEmulator


def pytest_addoption(parser):
    group = parser.getgroup("tfso-mock")
    group.addoption("--tfso-mock-url", default=None,
                    help="use the emulator at this URL instead of starting one (env TFSO_MOCK_URL)")
    group.addoption("--tfso-wsdl-dir", default=None,
                    help="build zeep clients from the WSDL files in this folder (env TFSO_MOCK_WSDL_DIR)")


@pytest.fixture(scope="session")
def tfso_mock_settings() -> Settings:
    """Settings of the in-process emulator; override this fixture to change them
    (e.g. ``return Settings(burst_limit=25)``). Defaults: ``TFSO_MOCK_*`` variables."""
    return Settings.from_env()


@pytest.fixture(scope="session")
def tfso_mock(request):
    url = request.config.getoption("--tfso-mock-url") or os.environ.get("TFSO_MOCK_URL")
    if url:
        emulator = RemoteEmulator(url, os.environ.get("TFSO_MOCK_ADMIN_TOKEN", ""))
    else:
        emulator = ThreadedEmulator(request.getfixturevalue("tfso_mock_settings")).start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture(scope="session")
def tfso_wsdl_dir(request):
    return request.config.getoption("--tfso-wsdl-dir") or os.environ.get("TFSO_MOCK_WSDL_DIR")


@pytest.fixture
def tfso_new_client(tfso_mock, tfso_wsdl_dir):
    made: list[MockClient] = []

    def make(login: bool = True, **options) -> MockClient:
        headers = getattr(tfso_mock, "admin_headers", lambda: {})()
        client = create_client(tfso_mock.url, headers, wsdl_dir=tfso_wsdl_dir, **options)
        made.append(client)
        if login and not client.info.get("blocked"):
            client.login()
        return client

    yield make
    for client in made:
        client.cleanup()
        client.http.close()


@pytest.fixture
def tfso_client(tfso_new_client) -> MockClient:
    return tfso_new_client()
