"""zeep, SOAP 1.1 and 1.2 bindings, from the vendor's WSDL file (address overridden) and from the
emulator's ?WSDL URL; one requests.Session carries the cookie to AccountService."""

from __future__ import annotations

import pytest

from .flow import ACCOUNT_PATH, AUTH_PATH, check_books, check_transcript, scenario, wsdl_sources

NS = "{http://24sevenOffice.com/webservices}"


def zeep_flow(base_url: str, client: dict, source: str, suffix: str) -> list[str]:
    import requests
    import zeep
    from zeep.plugins import HistoryPlugin
    from zeep.transports import Transport

    def media(headers) -> str:
        return (headers.get("Content-Type") or "(none)").split(";")[0].strip().lower()

    data = scenario()
    wsdl = wsdl_sources(base_url, source)
    http = requests.Session()
    history = HistoryPlugin()

    def service(wsdl_source: str, name: str, path: str, session):
        c = zeep.Client(wsdl_source, transport=Transport(session=session), plugins=[history])
        return c.create_service(f"{NS}{name}{suffix}", base_url + path)

    out = []
    with http:
        auth = service(wsdl["auth_wsdl"], "Authenticate", AUTH_PATH, http)
        session = auth.Login({"ApplicationId": client["application_id"],
                              "Username": client["username"], "Password": client["password"]})
        out.append(f"Login: {session}")
        cookie = http.cookies.get("ASP.NET_SessionId")
        out.append("Set-Cookie ASP.NET_SessionId equals LoginResult: "
                   + ("yes" if cookie == session else f"no ({cookie})"))
        out.append(f"Request: {media(history.last_sent['http_headers'])}")
        out.append(f"Response: {media(history.last_received['http_headers'])}")
        out.append(f"HasSession: {str(auth.HasSession()).lower()}")
        with requests.Session() as fresh:
            anonymous = service(wsdl["account_wsdl"], "AccountService", ACCOUNT_PATH, fresh)
            try:
                anonymous.GetTypeList()
                out.append("GetTypeList without session: no fault")
            except zeep.exceptions.Fault as err:
                out.append(f'GetTypeList without session: fault "{err.message}"')
        account = service(wsdl["account_wsdl"], "AccountService", ACCOUNT_PATH, http)
        r = account.GetEntryId(data["entry_id"])
        out.append(f"GetEntryId: SortNo={r.SortNo} EntryNo={r.EntryNo}")
        for name in ("balanced", "vat_error"):
            r = account.SaveBundleList(data[name])
            out.append(f"SaveBundleList {name}: {r.Type}"
                       + (f" | {r.Description}" if r.Description is not None else ""))
        r = account.GetEntryId(data["entry_id"])
        out.append(f"GetEntryId: SortNo={r.SortNo} EntryNo={r.EntryNo}")
    return out


@pytest.mark.parametrize("suffix,media", [("Soap", "text/xml"), ("Soap12", "application/soap+xml")])
@pytest.mark.parametrize("source", ["vendor", "served"])
def test_zeep(emulator, client, source, suffix, media):
    check_transcript(zeep_flow(emulator.url, client, source, suffix), media)
    check_books(emulator.url, client)
