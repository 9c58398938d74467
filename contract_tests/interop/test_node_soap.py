"""node-soap (npm `soap`, pinned in node/package-lock.json) from the vendor's WSDL file and from
the emulator's ?WSDL URL. Needs Node.js >= 20.19 and `npm ci` in contract_tests/interop/node
(.ci/run does it); without them these tests fail and say so.

node-soap quirk (SPEC W4): through the Soap12 port it still sends SOAP 1.1 (text/xml) unless
`forceSoap12Headers` is set; the emulator answers in the version the request used."""

from __future__ import annotations

import pytest

from .flow import HERE, check_books, check_transcript, config, missing_tool, require, run

FOLDER = HERE / "node"
SCRIPT = FOLDER / "client.js"


def node() -> str:
    path = require("node", "apt-get install -y nodejs npm (Node.js >= 20.19)")
    if not (FOLDER / "node_modules" / "soap" / "package.json").is_file():
        missing_tool(f"node-soap is not installed; run: npm ci --prefix {FOLDER}")
    return path


@pytest.mark.parametrize("port,force_soap12,media", [
    ("Soap", False, "text/xml"),
    ("Soap12", False, "text/xml"),  # the quirk: 1.1 from the 1.2 port
    ("Soap12", True, "application/soap+xml"),
])
@pytest.mark.parametrize("source", ["vendor", "served"])
def test_node_soap(emulator, client, source, port, force_soap12, media):
    cfg = config(emulator.url, client, source, port=port, force_soap12=force_soap12)
    lines = run([node(), str(SCRIPT), cfg])
    check_transcript(lines, media)
    check_books(emulator.url, client)
