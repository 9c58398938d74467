"""Clients of the master-data services built both ways: from the vendor's WSDL (address
pointed at the emulator) and from the emulator's own ``?WSDL``."""

from __future__ import annotations

import pytest

from mockserver.testing.client import create_client

SOURCES = ["vendor", "emulator"]


@pytest.fixture(params=SOURCES)
def master_client(request, tfso_mock, tfso_wsdl_dir):
    """A new isolated client, logged in, whose zeep services come from ``request.param``."""
    made = []

    def make(**options):
        headers = getattr(tfso_mock, "admin_headers", lambda: {})()
        wsdl_dir = tfso_wsdl_dir if request.param == "vendor" else None
        client = create_client(tfso_mock.url, headers, wsdl_dir=wsdl_dir, **options)
        made.append(client)
        client.login()
        return client

    yield make
    for client in made:
        client.cleanup()
        client.http.close()
