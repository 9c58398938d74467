"""Contract tests drive the running emulator over a real socket, with clients built from the
vendor's own WSDL (fixtures/vendor/) and the address pointed at the emulator."""

from __future__ import annotations

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
VENDOR = ROOT / "fixtures" / "vendor"
RECORDED = ROOT / "fixtures" / "recorded"


@pytest.fixture(scope="session")
def tfso_wsdl_dir():
    """Vendor WSDLs, not the emulator's: what an integrator's generated client was built from."""
    return str(VENDOR)


# --- drift checks against the live API (test_recorded.py) -----------------------------------


def pytest_addoption(parser):
    group = parser.getgroup("tfso-live", "drift checks of the recorded pairs against a live API")
    group.addoption("--target-url", default=None,
                    help="replay fixtures/recorded against this live SOAP base URL too "
                         "(e.g. https://api.24sevenoffice.com; env TFSO_LIVE_URL); credentials "
                         "from TFSO_LIVE_USERNAME, TFSO_LIVE_PASSWORD, TFSO_LIVE_APPLICATION_ID")
    group.addoption("--target-rest-url", default=None,
                    help="live REST base URL (default: --target-url; env TFSO_LIVE_REST_URL)")
    group.addoption("--target-token-url", default=None,
                    help="live OAuth2 token URL (env TFSO_LIVE_TOKEN_URL)")
    group.addoption("--live-writes", action="store_true", default=False,
                    help="also replay pairs that post to the live client's books (live: writes)")


# --- Hypothesis profiles (test_properties.py) ----------------------------------------------

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # pragma: no cover - hypothesis is in the test extras
    settings = None

if settings is not None:
    # no function_scoped_fixture suppression: tfso_new_client is fine under @given as it is
    _common = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
    #: CI: the whole property suite in well under a minute.
    settings.register_profile("default", max_examples=40, **_common)
    #: --hypothesis-profile=nightly: at least 10,000 examples per property.
    settings.register_profile("nightly", max_examples=10_000, **_common)
    settings.load_profile("default")


# --- robustness figures (test_hostile_*.py): printed at the end of the run, also under -n ---

# --- the master-data services' clients, from the vendor WSDL and from ?WSDL (M1-M6) ----------
from master_helpers import master_client  # noqa: E402,F401
from robustness import (  # noqa: E402,F401
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
)
