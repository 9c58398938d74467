"""PHP SoapClient (ext-soap), SOAP 1.1 and 1.2, built from the vendor's WSDL file (location
overridden) and from the emulator's own ?WSDL URL. Needs `apt-get install php-cli php-soap`
(.ci/run installs them); without them these tests fail and say so."""

from __future__ import annotations

import subprocess

import pytest

from .flow import HERE, check_books, check_transcript, config, missing_tool, require, run

SCRIPT = HERE / "php" / "client.php"
MEDIA = {"1.1": "text/xml", "1.2": "application/soap+xml"}


def php() -> str:
    path = require("php", "apt-get install -y php-cli php-soap")
    modules = subprocess.run([path, "-m"], capture_output=True, text=True, timeout=60).stdout
    if "soap" not in modules.split():
        missing_tool("PHP has no soap extension; install it with: apt-get install -y php-soap")
    return path


@pytest.mark.parametrize("source", ["vendor", "served"])
@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_php_soapclient(emulator, client, version, source):
    lines = run([php(), str(SCRIPT), config(emulator.url, client, source, soap_version=version)])
    check_transcript(lines, MEDIA[version])
    check_books(emulator.url, client)
