"""suds (PyPI `suds-community`): SOAP 1.1 only, from the vendor's WSDL file (location overridden)
and from the emulator's ?WSDL URL. One cookie jar serves both services, as a suds integration
shares its transport's cookies."""

from __future__ import annotations

from http.cookiejar import CookieJar

import pytest

from .flow import ACCOUNT_PATH, AUTH_PATH, check_books, check_transcript, scenario, wsdl_sources


def _media(headers) -> str:
    value = dict(headers).get("Content-Type") or dict(headers).get("Content-type") or "(none)"
    return value.split(";")[0].strip().lower()


def suds_flow(base_url: str, client: dict, source: str) -> list[str]:
    from pathlib import Path

    from suds import WebFault
    from suds.cache import NoCache
    from suds.client import Client
    from suds.transport.http import HttpTransport

    class Recording(HttpTransport):
        def __init__(self, jar):
            super().__init__()
            self.cookiejar = jar
            self.sent = self.received = None

        def send(self, request):
            reply = super().send(request)
            self.sent, self.received = dict(request.headers), reply.headers
            return reply

    def make(wsdl: str, path: str, service: str, jar) -> Client:
        url = wsdl if wsdl.startswith("http") else Path(wsdl).as_uri()
        c = Client(url, location=base_url + path, cache=NoCache(), transport=Recording(jar),
                   port=f"{service}Soap")
        return c

    data = scenario()
    wsdl = wsdl_sources(base_url, source)
    jar = CookieJar()
    out = []
    auth = make(wsdl["auth_wsdl"], AUTH_PATH, "Authenticate", jar)
    cred = auth.factory.create("Credential")
    cred.ApplicationId, cred.Username, cred.Password = (
        client["application_id"], client["username"], client["password"])
    cred.IdentityId = None  # minOccurs=0: left out, the WSDL default applies
    session = auth.service.Login(cred)
    out.append(f"Login: {session}")
    cookie = next((c.value for c in jar if c.name == "ASP.NET_SessionId"), None)
    out.append("Set-Cookie ASP.NET_SessionId equals LoginResult: "
               + ("yes" if cookie == session else f"no ({cookie})"))
    transport = auth.options.transport
    out.append(f"Request: {_media(transport.sent)}")
    out.append(f"Response: {_media(transport.received)}")
    out.append(f"HasSession: {str(auth.service.HasSession()).lower()}")

    anonymous = make(wsdl["account_wsdl"], ACCOUNT_PATH, "AccountService", CookieJar())
    try:
        anonymous.service.GetTypeList()
        out.append("GetTypeList without session: no fault")
    except WebFault as err:
        out.append(f'GetTypeList without session: fault "{err.fault.faultstring}"')

    account = make(wsdl["account_wsdl"], ACCOUNT_PATH, "AccountService", jar)
    r = account.service.GetEntryId(data["entry_id"])
    out.append(f"GetEntryId: SortNo={r.SortNo} EntryNo={r.EntryNo}")
    for name in ("balanced", "vat_error"):
        r = account.service.SaveBundleList(data[name])
        desc = getattr(r, "Description", None)
        out.append(f"SaveBundleList {name}: {r.Type}" + (f" | {desc}" if desc is not None else ""))
    r = account.service.GetEntryId(data["entry_id"])
    out.append(f"GetEntryId: SortNo={r.SortNo} EntryNo={r.EntryNo}")
    return out


@pytest.mark.parametrize("source", ["vendor", "served"])
def test_suds(emulator, client, source):
    check_transcript(suds_flow(emulator.url, client, source), "text/xml")
    check_books(emulator.url, client)
