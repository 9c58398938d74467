"""The recorder (``tfso-mock record``) writes pair files meant to be committed: no credential may
reach them however a client spells it, no existing pair is overwritten, and an exchange it could
not write is reported, never silently lost.

The upstream is a ``tfso-mock serve`` child; the recording proxy runs in-process in front of it.
Credentials come as CDATA, split by comments, under any namespace prefix, as attributes, in a
query string, in nested JSON; every pair file is then searched for every secret.
"""

from __future__ import annotations

import base64
import json
import shutil

import pytest
from robustness import Http, ServeProcess

from mockserver.record import RecordingProxy

NS = "http://24sevenOffice.com/webservices"
AUTH = "/authenticate/v001/authenticate.asmx"
CT11 = "text/xml; charset=utf-8"


def envelope(inner: str, prefixes: str = "") -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
            f'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"{prefixes}><soap:Body>{inner}'
            "</soap:Body></soap:Envelope>").encode()


@pytest.fixture(scope="module")
def upstream():
    serve = ServeProcess("--rate-limit", "0", "--quiet")
    http = Http(serve.host, serve.port)
    info = http.call("POST", "/__admin/clients", json.dumps({
        "fiscal_years": [2024], "password": "Pw-7Zq!x9-secret"}).encode(),
        {"Content-Type": "application/json"}).json()
    http.close()
    try:
        yield serve, info
    finally:
        serve.close()


def secrets_of(info: dict) -> list[str]:
    return [info["password"], info["oauth"]["client_secret"], info["username"],
            info["application_id"]]


def exchanges(info: dict) -> list[tuple[str, str, bytes, dict]]:
    app, user, pw = info["application_id"], info["username"], info["password"]
    oauth = info["oauth"]
    soap = {"Content-Type": CT11}
    login = f'<Login xmlns="{NS}"><credential>{{}}</credential></Login>'
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    basic = base64.b64encode(f"{oauth['client_id']}:{oauth['client_secret']}".encode()).decode()
    return [
        ("POST", AUTH, envelope(login.format(
            f"<ApplicationId>{app}</ApplicationId><Username>{user}</Username>"
            f"<Password>{pw}</Password>")), soap),
        ("POST", AUTH, envelope(login.format(
            f"<ApplicationId>{app}</ApplicationId><Username>{user}</Username>"
            f"<Password><![CDATA[{pw}]]></Password>")), soap),
        ("POST", AUTH, envelope(login.format(
            f"<ApplicationId>{app}</ApplicationId><Username>{user[:5]}<!-- -->{user[5:]}"
            f"</Username><Password>{pw[:4]}<!-- split -->{pw[4:]}</Password>")), soap),
        ("POST", AUTH, envelope(
            f'<ns-1:Login xmlns:ns-1="{NS}"><ns-1:credential><ns-1:ApplicationId>{app}'
            f"</ns-1:ApplicationId><ns-1:Username>{user}</ns-1:Username><ns-1:Password>{pw}"
            "</ns-1:Password></ns-1:credential></ns-1:Login>"), soap),
        ("POST", AUTH, envelope(
            f'<GetIdentitiesWithCredential xmlns="{NS}"><credential ApiKey="{pw}">'
            f"<ApplicationId>{app}</ApplicationId><Username><![CDATA[{user}]]></Username>"
            f"<Password>{pw}</Password></credential></GetIdentitiesWithCredential>"), soap),
        ("POST", f"/oauth/token?client_id={oauth['client_id']}&client_secret={oauth['client_secret']}",
         b"grant_type=client_credentials", form),
        ("POST", "/oauth/token", json.dumps({
            "grant_type": "client_credentials", "client_id": oauth["client_id"],
            "client_secret": oauth["client_secret"], "extra": {"password": pw}}).encode(),
         {"Content-Type": "application/json"}),
        ("POST", "/oauth/token", b"grant_type=client_credentials",
         {**form, "Authorization": f"Basic {basic}"}),
        ("POST", "/oauth/token", (f"grant_type=client_credentials&client_id={oauth['client_id']}"
                                  f"&client_secret={oauth['client_secret']}").encode(), form),
    ]


def test_recorder_scrubs_every_spelling_of_a_credential(upstream, tmp_path):
    serve, info = upstream
    with RecordingProxy(serve.url, tmp_path) as proxy:
        http = Http("127.0.0.1", int(proxy.url.rsplit(":", 1)[1]))
        answers = [http.call(m, p, b, h) for m, p, b, h in exchanges(info)]
        http.close()
    # the emulator reads client credentials from the body or Basic, not the query string: 401
    assert [a.status for a in answers] == [200] * 5 + [401] + [200] * 3, [a.text[:200] for a in answers]
    assert proxy.recorder.failed == []
    files = sorted(tmp_path.glob("*.yaml"))
    assert len(files) == 9
    text = "\n".join(f.read_text() for f in files)
    for secret in secrets_of(info):
        assert secret not in text, secret
    assert text.count("{{password}}") >= 5 and "{{oauth_client_secret}}" in text
    assert "client_secret={{oauth_client_secret}}" in text  # the query string too


def test_recorder_never_overwrites_a_pair_and_reports_what_it_could_not_write(upstream, tmp_path):
    serve, info = upstream
    login = exchanges(info)[0]
    with RecordingProxy(serve.url, tmp_path) as proxy:
        http = Http("127.0.0.1", int(proxy.url.rsplit(":", 1)[1]))
        for _ in range(2):
            http.call(*login)
        first, second = sorted(tmp_path.glob("*.yaml"))
        kept = second.read_text()
        first.unlink()  # a reviewer deletes a pair; the next exchange must not take 002's name
        http.call(*login)
        # an overlong SOAPAction: written under a shortened name
        http.call("POST", AUTH, login[2], {**login[3], "SOAPAction": '"' + "x" * 5000 + '"'})
        # a body the recorder cannot read well enough to scrub: not written, reported
        broken = login[2].replace(b"</soap:Envelope>", b"")
        answer = http.call("POST", AUTH, broken, login[3])
        assert answer.status == 500  # the upstream still answered the client
        assert second.read_text() == kept
        shutil.rmtree(tmp_path)  # the folder is gone: reported
        answer = http.call(*login)
        assert answer.status == 200
        http.close()
    names = sorted(p.name for p in proxy.recorder.recorded)
    assert names[:2] == ["001-Login.yaml", "002-Login.yaml"]
    assert names[2] == "003-Login.yaml"
    assert names[3] == "004-" + "x" * 60 + ".yaml"
    failed = proxy.recorder.failed
    assert len(failed) == 2, failed
    assert failed[0][0] == f"POST {AUTH} (Login)"
    assert failed[0][1].startswith("the XML body cannot be read (")
    assert failed[0][1].endswith("; not written, so no credential in it can be kept")
    assert failed[1][0] == f"POST {AUTH}"
    assert "No such file or directory" in failed[1][1]
