"""pytest plugin (entry point ``pytest11``): the emulator and isolated clients as fixtures.

- ``tfso_mock``: the session's emulator: started in-process on a free port (settings from
  ``tfso_mock_settings``, by default ``TFSO_MOCK_*`` environment variables), or the one at
  ``TFSO_MOCK_URL`` / ``--tfso-mock-url`` (with ``TFSO_MOCK_ADMIN_TOKEN`` when it needs one).
  Under ``pytest -n`` (xdist) every worker starts its own, unless a URL is given.
- ``tfso_client``: a fresh isolated client per test (its own credentials, books, clock, quota
  and faults), with zeep services and control-API helpers; logged in.
- ``tfso_new_client``: a factory for more clients in one test
  (``tfso_new_client(fiscal_years=[2024])``, ``tfso_new_client(scenario="webshop")``,
  ``tfso_new_client(rate_limit=10)``). It is session-scoped, so a Hypothesis ``@given`` test
  may take it (call it once per example: every call is a new client).

Every test gets its own client, so tests and xdist workers never see each other's data; after the
test, the clients it made have their injected faults and clock settings cleared.

The plugin is loaded in every pytest run of an environment where the package is installed, so
this module imports nothing beyond pytest and the standard library: ``requests``, ``zeep`` and
``hypothesis`` come with the ``testing`` extra and are imported when a fixture is first used.
Without them, a test that uses a fixture fails with one line naming the extra, and every other
test runs as if the plugin were not there.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

EXTRA = "tfso-mockserver[testing]"
#: modules the fixtures need beyond the package's own dependencies
_NEEDS = ("requests", "zeep")

#: ``--hypothesis-profile=NAME``: registered here (unless the project registered NAME itself)
PROFILES = {
    "quick": {"max_examples": 20},  # a fast CI run
    "nightly": {"max_examples": 10_000},  # at least 10,000 examples per property
}

_MADE = pytest.StashKey[list]()


def _require_extra() -> None:
    missing = [name for name in _NEEDS if importlib.util.find_spec(name) is None]
    if missing:
        pytest.fail(f"the tfso_mock fixtures need the testing extra: pip install '{EXTRA}' "
                    f"(missing: {', '.join(missing)})", pytrace=False)


def pytest_addoption(parser):
    group = parser.getgroup("tfso-mock")
    group.addoption("--tfso-mock-url", default=None,
                    help="use the emulator at this URL instead of starting one (env TFSO_MOCK_URL)")
    group.addoption("--tfso-wsdl-dir", default=None,
                    help="build zeep clients from the WSDL files in this folder (env TFSO_MOCK_WSDL_DIR)")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Register the advertised Hypothesis profiles before Hypothesis's plugin loads the one
    named by ``--hypothesis-profile`` (only when that option is given: nothing is imported
    otherwise)."""
    config.stash[_MADE] = []
    try:
        wanted = config.getoption("--hypothesis-profile")
    except ValueError:  # Hypothesis is not installed
        return
    if wanted not in PROFILES:
        return
    from hypothesis import HealthCheck, settings
    from hypothesis.errors import InvalidArgument

    try:
        settings.get_profile(wanted)
        return  # the project's own profile of that name wins
    except InvalidArgument:
        pass
    settings.register_profile(wanted, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow], **PROFILES[wanted])


@pytest.fixture(scope="session")
def tfso_mock_settings():
    """Settings of the in-process emulator; override this fixture to change them
    (e.g. ``return Settings(burst_limit=25)``). Defaults: ``TFSO_MOCK_*`` variables."""
    from ..settings import Settings

    return Settings.from_env()


@pytest.fixture(scope="session")
def tfso_mock(request):
    _require_extra()
    from .server import EmulatorUnusable, RemoteEmulator, ThreadedEmulator

    url = request.config.getoption("--tfso-mock-url") or os.environ.get("TFSO_MOCK_URL")
    if url:
        try:
            emulator = RemoteEmulator(url, os.environ.get("TFSO_MOCK_ADMIN_TOKEN", ""))
        except EmulatorUnusable as err:
            pytest.fail(str(err), pytrace=False)
    else:
        emulator = ThreadedEmulator(request.getfixturevalue("tfso_mock_settings")).start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture(scope="session")
def tfso_wsdl_dir(request):
    return request.config.getoption("--tfso-wsdl-dir") or os.environ.get("TFSO_MOCK_WSDL_DIR")


@pytest.fixture(scope="session")
def tfso_new_client(request, tfso_mock, tfso_wsdl_dir):
    """``tfso_new_client(**options)``: a new isolated client (``POST /__admin/clients``), logged
    in unless ``login=False``. Session-scoped because it holds no state of its own: each call
    is a new client, so it is safe under ``@given``; the clients are cleaned up after the test
    that made them."""
    from .client import create_client

    made = request.config.stash[_MADE]
    headers = tfso_mock.admin_headers()

    def make(login: bool = True, **options):
        # Idle keep-alive connections of the clients made before are closed (a later call on
        # them reconnects): a @given test makes a client per example, and a hundred open
        # connections would reach the server's connection limit.
        for earlier in made:
            earlier.http.close()
        client = create_client(tfso_mock.url, headers, wsdl_dir=tfso_wsdl_dir, **options)
        made.append(client)
        if login and not client.info.get("blocked"):
            client.login()
        return client

    return make


@pytest.fixture(autouse=True)
def _tfso_mock_cleanup(request):
    """After each test: the clients it made get their faults and clocks cleared and their
    connections closed (a no-op for tests that made none)."""
    yield
    made = request.config.stash.get(_MADE, [])
    while made:
        client = made.pop()
        client.cleanup()
        client.http.close()


@pytest.fixture
def tfso_client(tfso_new_client):
    return tfso_new_client()
