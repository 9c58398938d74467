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
