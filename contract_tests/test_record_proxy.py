"""``tfso-mock record``: a WSDL fetched through the recorder points at the recorder (every
soap:address), so a client built from it keeps recording; SIGINT and SIGTERM end it with a
summary of the pairs written and where."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest
import requests
import zeep
from zeep.transports import Transport

from mockserver.recording import RecordingProxy
from mockserver.testing.server import ThreadedEmulator

from helpers import AUTH, envelope, raw_post

PATHS = ["/authenticate/v001/authenticate.asmx", "/Economy/Account/V004/Accountservice.asmx",
         "/Economy/Accounting/V001/TransactionService.asmx"]


@pytest.fixture(scope="module")
def upstream():
    with ThreadedEmulator() as emulator:
        yield emulator


def test_every_soap_address_in_a_forwarded_wsdl_points_at_the_recorder(upstream, tmp_path):
    with RecordingProxy(upstream.url, tmp_path) as proxy:
        for path in PATHS:
            direct = requests.get(f"{upstream.url}{path}?WSDL", timeout=30).content
            served = requests.get(f"{proxy.url}{path}?WSDL", timeout=30)
            locations = re.findall(rb'address location="([^"]*)"', served.content)
            assert locations == [f"{proxy.url}{path}".encode()] * 2
            assert int(served.headers["Content-Length"]) == len(served.content)
            # nothing else changed
            assert served.content.replace(proxy.url.encode(), upstream.url.encode()) == direct
        # a client built from the recorder's WSDL, address untouched, goes through the recorder
        info = requests.post(upstream.url + "/__admin/clients", json={}, timeout=30).json()
        auth = zeep.Client(f"{proxy.url}{PATHS[0]}?WSDL",
                           transport=Transport(session=requests.Session())).service
        session = auth.Login({"ApplicationId": info["application_id"],
                              "Username": info["username"], "Password": info["password"]})
        assert len(session) == 24
    assert sorted(p.name for p in tmp_path.glob("*.yaml")) == ["001-Login.yaml"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_record_stops_on_a_signal_with_a_summary(upstream, tmp_path, sig):
    out = tmp_path / "pairs"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TFSO_")}
    proc = subprocess.Popen([sys.executable, "-m", "mockserver", "record", "--upstream",
                             upstream.url, "--out", str(out), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = proc.stdout.readline()
        url = re.match(r"tfso-mock record: (http://\S+) -> ", first).group(1)
        proc.stdout.readline()  # "Point your client at ..."
        answer = raw_post(requests.Session(), url, AUTH,
                          envelope('<HasSession xmlns="http://24sevenOffice.com/webservices" />'),
                          "HasSession")
        assert answer.status_code == 200
        proc.send_signal(sig)
        rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert rest.splitlines() == [f"tfso-mock record: 1 pair(s) written to {out.resolve()}",
                                 "  001-HasSession.yaml"]
    assert "Traceback" not in err
