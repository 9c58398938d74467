"""A hand-written client: plain HTTP, envelopes as strings, answers read with regexes (W4, W5).

This is what many real integrations do, so the response *text* matters, not only its infoset:
`<LoginResult>(.*)</LoginResult>`, the `soap:` envelope prefix, xsi/xsd declared, the response
element carrying the service namespace as its default namespace, unprefixed children, and the
key path soap:Envelope > soap:Body > XResponse > XResult. Also the .NET and zeep quirks of W4:
`Expect: 100-continue` and a session cookie sent twice.
"""

from __future__ import annotations

import http.client
import re
import socket
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from .flow import ACCOUNT_PATH, AUTH_PATH, check_books, check_transcript, scenario

NS = "http://24sevenOffice.com/webservices"
ENV = {"1.1": "http://schemas.xmlsoap.org/soap/envelope/",
       "1.2": "http://www.w3.org/2003/05/soap-envelope"}
MEDIA = {"1.1": "text/xml", "1.2": "application/soap+xml"}
HEAD = '<?xml version="1.0" encoding="utf-8"?>'
XSI_XSD = ('xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xmlns:xsd="http://www.w3.org/2001/XMLSchema"')


def to_xml(value) -> str:
    """scenario.json's nesting, as XML text in the order given (as a hand-written client does)."""
    if isinstance(value, dict):
        parts = []
        for name, v in value.items():
            for item in v if isinstance(v, list) else [v]:
                parts.append(f"<{name}>{to_xml(item)}</{name}>")
        return "".join(parts)
    return escape(str(value))


def envelope(version: str, operation: str, inner: str = "") -> str:
    return (f'{HEAD}<soap:Envelope xmlns:soap="{ENV[version]}" {XSI_XSD}><soap:Body>'
            f'<{operation} xmlns="{NS}">{inner}</{operation}></soap:Body></soap:Envelope>')


class Raw:
    def __init__(self, base_url: str, version: str):
        u = urlsplit(base_url)
        self.host, self.port, self.version = u.hostname, u.port, version
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.cookie: str | None = None

    def call(self, path: str, operation: str, inner: str = "", cookie: str | None = None):
        headers = {}
        if self.version == "1.1":
            headers["Content-Type"] = "text/xml; charset=utf-8"
            headers["SOAPAction"] = f'"{NS}/{operation}"'
        else:
            headers["Content-Type"] = f'application/soap+xml; charset=utf-8; action="{NS}/{operation}"'
        if cookie:
            headers["Cookie"] = cookie
        self.conn.request("POST", path, envelope(self.version, operation, inner).encode(), headers)
        resp = self.conn.getresponse()
        return resp, resp.read().decode("utf-8")

    def fault_text(self, body: str) -> str:
        if self.version == "1.1":
            return re.search(r"<faultstring>(.*)</faultstring>", body).group(1)
        return re.search(r'<soap:Text xml:lang="en">(.*)</soap:Text>', body).group(1)

    def close(self):
        self.conn.close()


def credential(client: dict) -> str:
    return (f"<credential><ApplicationId>{client['application_id']}</ApplicationId>"
            f"<Password>{escape(client['password'])}</Password>"
            f"<Username>{escape(client['username'])}</Username></credential>")


def raw_flow(base_url: str, client: dict, version: str) -> list[str]:
    data = scenario()
    raw = Raw(base_url, version)
    out = []
    try:
        resp, body = raw.call(AUTH_PATH, "Login", credential(client))
        session = re.search(r"<LoginResult>(.*)</LoginResult>", body).group(1)
        out.append(f"Login: {session}")
        m = re.match(r"ASP\.NET_SessionId=([^;]*);", resp.getheader("Set-Cookie") or "")
        cookie = m and m.group(1)
        out.append("Set-Cookie ASP.NET_SessionId equals LoginResult: "
                   + ("yes" if cookie == session else f"no ({cookie})"))
        out.append(f"Request: {MEDIA[version]}")
        out.append(f"Response: {resp.getheader('Content-Type').split(';')[0]}")
        jar = f"ASP.NET_SessionId={cookie}"
        _, body = raw.call(AUTH_PATH, "HasSession", cookie=jar)
        out.append("HasSession: " + re.search(r"<HasSessionResult>(.*)</HasSessionResult>", body).group(1))
        resp, body = raw.call(ACCOUNT_PATH, "GetTypeList")
        assert resp.status == 500, body
        out.append(f'GetTypeList without session: fault "{raw.fault_text(body)}"')
        arg = "<argEntryId>" + to_xml(data["entry_id"]) + "</argEntryId>"

        def entry_id() -> str:
            _, body = raw.call(ACCOUNT_PATH, "GetEntryId", arg, cookie=jar)
            sort = re.search(r"<SortNo>(-?\d+)</SortNo>", body).group(1)
            no = re.search(r"<EntryNo>(-?\d+)</EntryNo>", body).group(1)
            return f"GetEntryId: SortNo={sort} EntryNo={no}"

        out.append(entry_id())
        for name in ("balanced", "vat_error"):
            _, body = raw.call(ACCOUNT_PATH, "SaveBundleList",
                               "<BundleList>" + to_xml(data[name]) + "</BundleList>", cookie=jar)
            kind = re.search(r"<Type>(\w+)</Type>", body).group(1)
            desc = re.search(r"<Description>(.*)</Description>", body)
            out.append(f"SaveBundleList {name}: {kind}" + (f" | {desc.group(1)}" if desc else ""))
        out.append(entry_id())
    finally:
        raw.close()
    return out


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_raw_xml_flow(emulator, client, version):
    check_transcript(raw_flow(emulator.url, client, version), MEDIA[version])
    check_books(emulator.url, client)


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_W5_asmx_response_text_and_key_path(emulator, client, version):
    raw = Raw(emulator.url, version)
    try:
        resp, body = raw.call(AUTH_PATH, "Login", credential(client))
        session = re.search(r"<LoginResult>(.*)</LoginResult>", body).group(1)
        assert re.fullmatch(r"[a-z0-9]{24}", session)
        assert resp.status == 200
        assert resp.getheader("Content-Type") == f"{MEDIA[version]}; charset=utf-8"
        assert resp.getheader("Set-Cookie") == f"ASP.NET_SessionId={session}; path=/; HttpOnly; SameSite=Lax"
        # byte for byte what ASP.NET writes (the shape the vendor's recorded LoginResponse has)
        assert body == (f'{HEAD}<soap:Envelope xmlns:soap="{ENV[version]}" {XSI_XSD}><soap:Body>'
                        f'<LoginResponse xmlns="{NS}"><LoginResult>{session}</LoginResult>'
                        "</LoginResponse></soap:Body></soap:Envelope>")
        # the key path, with prefixes exactly as clients that walk "soap:Envelope > soap:Body" need
        root = etree.fromstring(body.encode())
        assert (root.prefix, etree.QName(root).localname) == ("soap", "Envelope")
        assert root.nsmap == {"soap": ENV[version], "xsi": "http://www.w3.org/2001/XMLSchema-instance",
                              "xsd": "http://www.w3.org/2001/XMLSchema"}
        (soap_body,) = root
        (response,) = soap_body
        (result,) = response
        assert [(e.prefix, e.tag) for e in (soap_body, response, result)] == [
            ("soap", f"{{{ENV[version]}}}Body"), (None, f"{{{NS}}}LoginResponse"),
            (None, f"{{{NS}}}LoginResult")]
        assert response.nsmap[None] == NS

        _, body = raw.call(ACCOUNT_PATH, "GetEntryId",
                           "<argEntryId><Date>2024-01-31T00:00:00</Date><SortNo>1</SortNo>"
                           "<EntryNo>0</EntryNo></argEntryId>", cookie=f"ASP.NET_SessionId={session}")
        inner = re.search(r"<soap:Body>(.*)</soap:Body>", body).group(1)
        assert inner == (f'<GetEntryIdResponse xmlns="{NS}"><GetEntryIdResult>'
                         "<Date>2024-01-31T00:00:00Z</Date><SortNo>1</SortNo><EntryNo>10000</EntryNo>"
                         "</GetEntryIdResult></GetEntryIdResponse>")

        resp, body = raw.call(ACCOUNT_PATH, "GetTypeList")
        assert resp.status == 500
        fault = re.search(r"<soap:Body>(.*)</soap:Body>", body).group(1)
        if version == "1.1":
            assert fault == ("<soap:Fault><faultcode>soap:Server</faultcode><faultstring>Client is not "
                             "authenticated on this identity</faultstring><detail /></soap:Fault>")
        else:
            assert fault == ("<soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code>"
                             '<soap:Reason><soap:Text xml:lang="en">Client is not authenticated on this '
                             "identity</soap:Text></soap:Reason><soap:Detail /></soap:Fault>")
    finally:
        raw.close()


def test_W4_dotnet_expect_100_continue(emulator, client):
    """.NET's HttpWebRequest sends the headers with `Expect: 100-continue`, waits for the interim
    100 answer, then sends the body."""
    u = urlsplit(emulator.url)
    body = envelope("1.1", "Login", credential(client)).encode()
    head = (f"POST {AUTH_PATH} HTTP/1.1\r\nHost: {u.netloc}\r\n"
            "Content-Type: text/xml; charset=utf-8\r\n"
            f'SOAPAction: "{NS}/Login"\r\nContent-Length: {len(body)}\r\n'
            "Expect: 100-continue\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection((u.hostname, u.port), timeout=30) as sock:
        sock.sendall(head)
        interim = b""
        while b"\r\n\r\n" not in interim:
            chunk = sock.recv(1)
            assert chunk, f"connection closed before the 100 Continue: {interim!r}"
            interim += chunk
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status, _, rest = answer.partition(b"\r\n")
    assert status == b"HTTP/1.1 200 OK"
    assert re.search(rb"<LoginResult>[a-z0-9]{24}</LoginResult>", rest)


def test_W4_session_cookie_sent_twice_is_one_session(emulator, client):
    """zeep (requests' cookie jar plus a header) may send ASP.NET_SessionId twice."""
    raw = Raw(emulator.url, "1.1")
    try:
        _, body = raw.call(AUTH_PATH, "Login", credential(client))
        session = re.search(r"<LoginResult>(.*)</LoginResult>", body).group(1)
        twice = f"ASP.NET_SessionId={session}; ASP.NET_SessionId={session}"
        resp, body = raw.call(AUTH_PATH, "HasSession", cookie=twice)
        assert (resp.status, re.search(r"<HasSessionResult>(.*)</HasSessionResult>", body).group(1)) == (
            200, "true")
        resp, body = raw.call(ACCOUNT_PATH, "GetEntryId",
                              "<argEntryId><Date>2024-01-31T00:00:00</Date><SortNo>1</SortNo>"
                              "<EntryNo>0</EntryNo></argEntryId>", cookie=twice)
        assert (resp.status, re.search(r"<EntryNo>(\d+)</EntryNo>", body).group(1)) == (200, "10000")
    finally:
        raw.close()
