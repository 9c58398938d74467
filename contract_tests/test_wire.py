"""W1-W8: wire compatibility with ASP.NET ASMX, checked on raw HTTP and through zeep."""

from __future__ import annotations

import datetime as dt
import http.client
import re
from urllib.parse import urlparse

import pytest
import requests
import zeep
from lxml import etree

from mockserver.settings import Settings
from mockserver.testing.client import MockClient
from mockserver.testing.server import ThreadedEmulator

from helpers import (
    ACCOUNT,
    AUTH,
    NS,
    SOAP12,
    bundle,
    bundle_list,
    entry,
    envelope,
    raw_post,
    sale,
    voucher,
)

WSDL_NS = {"wsdl": "http://schemas.xmlsoap.org/wsdl/", "soap": "http://schemas.xmlsoap.org/wsdl/soap/",
           "soap12": "http://schemas.xmlsoap.org/wsdl/soap12/"}


@pytest.fixture
def client(tfso_new_client):
    return tfso_new_client(fiscal_years=[2024])


def entry_id_body(day: str = "2024-06-01T00:00:00", series: int = 1) -> str:
    return (f'<GetEntryId xmlns="{NS}"><argEntryId><Date>{day}</Date><SortNo>{series}</SortNo>'
            "<EntryNo>0</EntryNo></argEntryId></GetEntryId>")


def save_body(entries_xml: str, extra: str = "", year: int = 2024) -> str:
    return (f'<SaveBundleList xmlns="{NS}"><BundleList>{extra}<Bundles><Bundle><YearId>{year}</YearId>'
            "<Sort>10</Sort><Vouchers><Voucher><TransactionNo>1</TransactionNo><Sort>10</Sort>"
            f"<Entries>{entries_xml}</Entries></Voucher></Vouchers></Bundle></Bundles>"
            "</BundleList></SaveBundleList>")


def entry_xml(account: int, amount: str, date: str = "2024-01-31T00:00:00", extra: str = "") -> str:
    return f"<Entry><AccountNo>{account}</AccountNo><Date>{date}</Date><Amount>{amount}</Amount>{extra}</Entry>"


def fault_text(resp: requests.Response) -> str:
    root = etree.fromstring(resp.content)
    return root.findtext(".//faultstring") or root.findtext(
        ".//{http://www.w3.org/2003/05/soap-envelope}Text")


# --- W1 paths ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ACCOUNT, ACCOUNT.upper(), ACCOUNT.lower(), "/economy/Account/v004/AccountService.asmx"])
def test_W1_paths_are_matched_case_insensitively(client, tfso_mock, path):
    resp = raw_post(client.http, tfso_mock.url, path, envelope(entry_id_body()), "GetEntryId")
    assert resp.status_code == 200
    assert "<EntryNo>10000</EntryNo>" in resp.text


def test_W1_unknown_paths_are_json_404(tfso_mock):
    resp = requests.get(tfso_mock.url + "/Economy/Nope.asmx")
    assert resp.status_code == 404
    assert resp.json() == {"error": {"name": "NotFound", "message": "No service at /Economy/Nope.asmx"}}


# --- W2 WSDL ----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["WSDL", "wsdl"])
@pytest.mark.parametrize("path,port", [(ACCOUNT, "AccountServiceSoap"), (AUTH, "AuthenticateSoap")])
def test_W2_wsdl_points_at_the_emulator(tfso_mock, query, path, port):
    resp = requests.get(f"{tfso_mock.url}{path}?{query}")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/xml; charset=utf-8"
    doc = etree.fromstring(resp.content)
    host = urlparse(tfso_mock.url).netloc
    canonical = {ACCOUNT: "/Economy/Account/V004/Accountservice.asmx", AUTH: "/authenticate/v001/authenticate.asmx"}[path]
    assert doc.xpath(f"//wsdl:port[@name='{port}']/soap:address/@location", namespaces=WSDL_NS) == [
        f"http://{host}{canonical}"]
    assert doc.xpath(f"//wsdl:port[@name='{port}12']/soap12:address/@location", namespaces=WSDL_NS) == [
        f"http://{host}{canonical}"]


def test_W2_public_url_setting_goes_into_the_wsdl():
    with ThreadedEmulator(Settings(public_url="https://mock.example.test/base")) as emu:
        doc = etree.fromstring(requests.get(emu.url + ACCOUNT + "?WSDL").content)
        assert doc.xpath("//soap:address/@location", namespaces=WSDL_NS) == [
            "https://mock.example.test/base/Economy/Account/V004/Accountservice.asmx"]


def test_W2_W3_a_client_from_the_emulators_own_wsdl_calls_all_ten_operations(tfso_mock):
    info = requests.post(tfso_mock.url + "/__admin/clients", json={"fiscal_years": [2024]}).json()
    own = MockClient(tfso_mock.url, info)  # no wsdl_dir: zeep reads our ?WSDL
    own.login()
    acc = own.account
    assert acc.GetEntryId({"Date": dt.datetime(2024, 1, 1), "SortNo": 1, "EntryNo": 0}).EntryNo == 10000
    assert acc.SaveBundleList(bundle_list([bundle([sale(10000)])])).Type == "Ok"
    assert len(acc.GetAccountList()) == 82
    assert len(acc.GetTypeList()) == 16
    assert len(acc.GetTaxCodeList()) == 12
    assert acc.CheckAccountNo({"AccountData": [{"AccountNo": 1920}]})[0].Error == "Ok"
    link = acc.CreateLink()
    line = own.ledger()[0]["line_id"]
    assert acc.AddLinkEntries({"LineIds": {"guid": [line]}, "LinkId": link}) is True
    assert acc.ReplaceLinkEntries({"LineIds": {"guid": [line]}, "LinkId": acc.CreateLink()}) is True
    assert acc.UpdateEntryDueDate({"EntryItem": [{"LineId": line, "DueDate": dt.datetime(2024, 5, 1)}]})[0].LineId == line


# --- W3 names and arrays ----------------------------------------------------------------------


def test_W3_arrays_are_ArrayOfX_with_X_items_in_the_vendor_namespace(client, tfso_mock):
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, envelope(f'<GetTypeList xmlns="{NS}" />'), "GetTypeList")
    assert re.search(
        r'<GetTypeListResponse xmlns="http://24sevenOffice.com/webservices"><GetTypeListResult>'
        r"<TypeData><TypeId>101</TypeId><Title>Utgående faktura</Title><EntrySeriesId>1</EntrySeriesId>"
        r"<TypeNo>1</TypeNo></TypeData><TypeData>", resp.text)


def test_W3_wrong_namespace_is_skipped_as_asmx_skips_it(client, tfso_mock):
    """Routed by its SOAPAction (ASMX's SOAP 1.1 routing), a GetEntryId element in another
    namespace is skipped by XmlSerializer: the method runs without its argument (W9's null
    argument, soap:Server), and the journal says why. Without a SOAPAction header the Body
    element routes the call and names no operation (soap:Client). Before: a soap:Client text of
    the emulator's own ("Element GetEntryId is in namespace ...")."""
    body = entry_id_body().replace(NS, "http://24sevenoffice.com/webservices")
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, envelope(body), "GetEntryId")
    assert resp.status_code == 500
    assert fault_text(resp) == ("Server was unable to process request. ---> Object reference not "
                                "set to an instance of an object.")
    assert "<faultcode>soap:Server</faultcode>" in resp.text
    assert client.requests(operation="GetEntryId")[-1]["warnings"] == [
        "Element 'GetEntryId' in namespace 'http://24sevenoffice.com/webservices' is not the "
        "request element of GetEntryId ('GetEntryId' in 'http://24sevenOffice.com/webservices') "
        "and was skipped, as .NET's XmlSerializer skips it: the call was routed by its action and "
        "GetEntryId received no arguments."]
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, envelope(body))
    assert resp.status_code == 500
    assert "<faultcode>soap:Client</faultcode>" in resp.text
    assert fault_text(resp) == ("Unable to handle request without a valid action parameter. "
                                "Please supply a valid soap action.")


# --- W4 SOAP 1.1 and 1.2, client quirks -------------------------------------------------------


def test_W4_soap12_through_zeep_and_raw(client, tfso_mock):
    assert client.account12.GetEntryId({"Date": dt.datetime(2024, 1, 1), "SortNo": 1, "EntryNo": 0}).EntryNo == 10000
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, envelope(entry_id_body(), SOAP12), "GetEntryId", version=SOAP12)
    assert resp.headers["Content-Type"] == "application/soap+xml; charset=utf-8"
    assert resp.text.startswith(f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP12}"')
    bad = raw_post(client.http, tfso_mock.url, ACCOUNT, envelope(f'<GetTypeList xmlns="{NS}" />'), version=SOAP12)
    assert bad.status_code == 500
    assert "<soap:Value>soap:VersionMismatch</soap:Value>" in bad.text


def test_W4_expect_100_continue_as_dotnet_sends_it(client, tfso_mock):
    url = urlparse(tfso_mock.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    body = envelope(entry_id_body()).encode()
    conn.putrequest("POST", ACCOUNT)
    for k, v in (("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", f'"{NS}/GetEntryId"'),
                 ("Expect", "100-continue"), ("Content-Length", str(len(body))),
                 ("Cookie", f"ASP.NET_SessionId={client.http.cookies['ASP.NET_SessionId']}")):
        conn.putheader(k, v)
    conn.endheaders()
    conn.send(body)
    resp = conn.getresponse()
    assert resp.status == 200
    assert b"<EntryNo>10000</EntryNo>" in resp.read()


def test_W4_members_equal_to_their_default_may_be_omitted(client, tfso_mock):
    # .NET leaves out SaveOption=1, AllowDifference=false, CurrencyUnit=1 ...: a journal is saved
    body = save_body(entry_xml(1920, "10.00") + entry_xml(3900, "-10.00"))
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, envelope(body), "SaveBundleList")
    assert "<SaveBundleListResult><Type>Ok</Type></SaveBundleListResult>" in resp.text
    assert [ln["currency_unit"] for ln in client.journal()] == [1, 1]
    assert client.ledger() == []


def test_W4_the_session_cookie_sent_twice_still_works(client, tfso_mock):
    sid = client.http.cookies["ASP.NET_SessionId"]
    resp = requests.post(tfso_mock.url + ACCOUNT, data=envelope(entry_id_body()).encode(), headers={
        "Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}/GetEntryId"',
        "Cookie": f"ASP.NET_SessionId=stalestalestalestalestal; ASP.NET_SessionId={sid}"})
    assert "<EntryNo>10000</EntryNo>" in resp.text


# --- W5 ASMX-shaped envelopes -----------------------------------------------------------------


def test_W5_responses_match_what_hand_written_clients_parse(client, tfso_mock):
    cred = (f'<Login xmlns="{NS}"><credential><ApplicationId>{client.application_id}</ApplicationId>'
            f"<Password>{client.password}</Password><Username>{client.username}</Username>"
            "</credential></Login>")
    resp = raw_post(requests.Session(), tfso_mock.url, AUTH, envelope(cred), "Login")
    m = re.search(r"<LoginResult>(.*)</LoginResult>", resp.text)
    assert m and re.fullmatch(r"[a-z0-5]{24}", m.group(1))
    assert resp.text == (
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
        'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>'
        '<LoginResponse xmlns="http://24sevenOffice.com/webservices">'
        f"<LoginResult>{m.group(1)}</LoginResult></LoginResponse></soap:Body></soap:Envelope>")
    assert resp.headers["Set-Cookie"] == f"ASP.NET_SessionId={m.group(1)}; path=/; HttpOnly; SameSite=Lax"
    root = etree.fromstring(resp.content)
    path = f"{{http://schemas.xmlsoap.org/soap/envelope/}}Body/{{{NS}}}LoginResponse/{{{NS}}}LoginResult"
    assert root.find(path).text == m.group(1)


# --- W6 lenient reading, clear faults ---------------------------------------------------------


def test_W6_children_in_any_order_and_unknown_elements_are_fine(client, tfso_mock):
    body = (f'<GetEntryId xmlns="{NS}"><argEntryId><Unknown>x</Unknown><EntryNo>0</EntryNo>'
            "<SortNo>3</SortNo><Date>2024-06-01T00:00:00</Date></argEntryId></GetEntryId>")
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, envelope(body), "GetEntryId")
    assert "<SortNo>3</SortNo><EntryNo>30000</EntryNo>" in resp.text


@pytest.mark.parametrize("entries,extra,element,value,xsd,inner,after", [
    (entry_xml(1920, "12,50") + entry_xml(3900, "-12.50"), "", "Amount", "12,50", "decimal",
     "Input string was not in a correct format.", "</Entry>"),
    (entry_xml(1920, "1E+2") + entry_xml(3900, "-100"), "", "Amount", "1E+2", "decimal",
     "Input string was not in a correct format.", "</Entry>"),
    (entry_xml(1920, "1") + entry_xml(3900, "-1"), "<AllowDifference>yes</AllowDifference>",
     "AllowDifference", "yes", "boolean", "The string 'yes' is not a valid Boolean value.",
     "<Bundles>"),
    (entry_xml(1920, "1", date="") + entry_xml(3900, "-1"), "", "Date", "", "dateTime",
     "The string '' is not a valid AllXsd value.", "<Amount>"),
    (entry_xml(1920, "1", extra="<CurrencyUnit>40000</CurrencyUnit>") + entry_xml(3900, "-1"), "",
     "CurrencyUnit", "40000", "short", "Value was either too large or too small for an Int16.",
     "</Entry>"),
    (entry_xml(1920, "79228162514264337593543950336") + entry_xml(3900, "-1"), "", "Amount",
     "79228162514264337593543950336", "decimal",
     "Value was either too large or too small for a Decimal.", "</Entry>"),
])
def test_W9_unreadable_values_are_client_faults_in_dotnets_words(
        client, tfso_mock, entries, extra, element, value, xsd, inner, after):
    """ASMX + XmlSerializer: soap:Client, "Server was unable to read request. ---> There is an
    error in XML document (LINE, COLUMN). ---> INNER" with .NET's own INNER; the position is the
    reader's after ReadElementString: here the next tag's name ('<' + 1, or '</' + 2). The
    request journal's fault_detail names the element and the value (W6)."""
    body = envelope(save_body(entries, extra))
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, body, "SaveBundleList")
    assert resp.status_code == 500
    assert resp.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert "<faultcode>soap:Client</faultcode>" in resp.text
    failing = body.index(f"<{element}>{value}</{element}>") + len(f"<{element}>{value}</{element}>")
    assert body[failing:].startswith(after)
    column = failing + (3 if after.startswith("</") else 2)
    assert fault_text(resp) == (
        f"Server was unable to read request. ---> There is an error in XML document (1, {column}). "
        f"---> {inner}")
    assert client.journal() == [] and client.ledger() == []
    logged = client.requests(operation="SaveBundleList")[-1]
    assert logged["fault_detail"] == f"The value '{value}' of element '{element}' is not a valid {xsd}."


# --- W7 decimals ------------------------------------------------------------------------------


def test_W7_decimals_keep_scale_and_big_values_stay_exact(client, tfso_mock):
    big = "79228162514264337593543950335"
    v = voucher([entry(1920, big), entry(1920, "0.10"), entry(3900, "-" + big), entry(3900, "-0.100")], 1, sort=10)
    assert client.account.SaveBundleList(bundle_list([bundle([v], sort=10)])).Type == "Ok"
    # S12: an amount with more than two decimals is booked in øre (-0.100 is -0.10)
    assert [ln["amount"] for ln in client.ledger()] == [big, "0.10", "-" + big, "-0.10"]
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, envelope(f'<GetTaxCodeList xmlns="{NS}" />'), "GetTaxCodeList")
    assert "<TaxRate>25</TaxRate>" in resp.text and "<TaxRate>11.11</TaxRate>" in resp.text
    assert "E+" not in resp.text


# --- W8 UTC -----------------------------------------------------------------------------------


def test_W8_datetimes_in_responses_are_utc(client, tfso_mock):
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, envelope(entry_id_body("2024-06-01T00:00:00")), "GetEntryId")
    assert "<Date>2024-06-01T00:00:00Z</Date>" in resp.text
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, envelope(entry_id_body("2024-06-01T01:30:00+02:00")), "GetEntryId")
    assert "<Date>2024-05-31T23:30:00Z</Date>" in resp.text


# --- hostile and malformed bodies: always a SOAP fault, never a changed ledger -----------------


HOSTILE = {
    "doctype internal entity": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "boom">]>' + envelope("&x;")[21:],
    "doctype external entity": '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
    "billion laughs": ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                       + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
                       + "]><lolz>&lol9;</lolz>"),
    "malformed": envelope("<SaveBundleList><BundleList>")[:-20],
    "not soap": "<hello>world</hello>",
    "empty": "",
    "deep nesting": envelope("<a>" * 10000 + "</a>" * 10000),
    "unknown operation": envelope(f'<DeleteEverything xmlns="{NS}" />'),
    "invalid utf-8": b'<?xml version="1.0" encoding="utf-8"?><x>\xff\xfe</x>',
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_bodies_get_a_soap_fault_and_change_nothing(client, tfso_mock, name):
    """Each with the SOAPAction of SaveBundleList, but the unknown operation with its own (ASMX
    routes by the header: under SaveBundleList's the unknown element would be skipped and
    SaveBundleList run without arguments, soap:Server; test_soap_routing.py)."""
    before = (client.ledger(), client.journal())
    action = "DeleteEverything" if name == "unknown operation" else "SaveBundleList"
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, HOSTILE[name], action)
    assert resp.status_code == 500
    assert resp.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert "<faultcode>soap:Client</faultcode>" in resp.text
    assert "Traceback" not in resp.text and "<html" not in resp.text.lower()
    assert (client.ledger(), client.journal()) == before


def test_oversized_bodies_are_refused_with_a_fault(client, tfso_mock):
    huge = envelope(save_body(entry_xml(1920, "1", extra="<Comment>" + "x" * (3 * 1024 * 1024) + "</Comment>")))
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, huge, "SaveBundleList")
    assert resp.status_code == 413
    assert fault_text(resp) == "Request body is larger than the 2097152 bytes allowed."
    assert client.journal() == []


def test_get_without_wsdl_is_a_fault_not_a_help_page(tfso_mock):
    resp = requests.get(tfso_mock.url + ACCOUNT)
    assert resp.status_code == 405
    assert fault_text(resp) == "AccountService answers SOAP requests by POST; its WSDL is at ?WSDL."


def test_zeep_sees_faults_as_faults(client):
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.account.GetEntryId({"Date": dt.datetime(2024, 1, 1), "SortNo": 999, "EntryNo": 0})
    assert fault.value.code == "soap:Server"
