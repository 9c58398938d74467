"""Property tests with the strategies integrators import (mockserver.testing.strategies).

Against a running emulator (its own in-process instance with the hourly quota off, so 10,000
examples do not trip L1; or TFSO_MOCK_URL), over raw SOAP and REST as .NET clients send them:

- W5/W6: no request, however broken, gets anything but a SOAP envelope (or JSON on REST), and
  never an unexpected server error;
- S1/S4/S5/S9/S10/W7/T1/R4: every valid balanced ledger bundle list is saved and its lines come
  back from the control API, GetTransactions and /v1/transactionlines with exactly the amounts sent;
- S1: a valid journal bundle list lands in the journal, not the ledger;
- S2/S3/S4/S5/S8: every invalid bundle list gets its documented Description and leaves the
  ledger unchanged; bundles before the failing one stay saved;
- W6: hostile values get a SOAP Client fault naming the element and the value;
- R1/R2: /transactionlines answers valid queries with matching lines and refuses broken ones.

Profiles (contract_tests/conftest.py): ``default`` (CI, fast) and ``--hypothesis-profile=nightly``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
from decimal import Decimal

import pytest
import requests
from hypothesis import given, note
from hypothesis import strategies as st
from lxml import etree

from mockserver.testing import strategies as tst

ACCOUNT = "/Economy/Account/V004/Accountservice.asmx"
AUTH = "/authenticate/v001/authenticate.asmx"
TRANSACTIONS = "/Economy/Accounting/V001/TransactionService.asmx"
NS = "http://24sevenOffice.com/webservices"
TNS = "http://24sevenoffice.com/webservices/economy/accounting/"
SOAP_ENVS = {"http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope"}
#: Faults with code Server that are documented vendor answers (anything else is a server error).
VENDOR_SERVER_FAULTS = ("Client is not authenticated on this identity",
                        "No next Entry Id found with the provided date and sort",
                        "Limit exceeded by ",
                        # W9: a missing argument reaches the web method as null (ASMX's words)
                        "Server was unable to process request. ---> Object reference not set to "
                        "an instance of an object.")


@pytest.fixture(scope="module")
def base_url():
    url = os.environ.get("TFSO_MOCK_URL")
    if url:
        yield url.rstrip("/")
        return
    from mockserver.settings import Settings
    from mockserver.testing.server import ThreadedEmulator

    with ThreadedEmulator(Settings(rate_limit=0)) as emulator:
        yield emulator.url


class Client:
    """One fresh isolated client, logged in over raw SOAP; a bearer token on demand."""

    def __init__(self, base: str, fiscal_years=(2024,)):
        self.base = base
        info = requests.post(f"{base}/__admin/clients", json={"fiscal_years": list(fiscal_years)},
                             timeout=30).json()
        self.info = info
        self.http = requests.Session()
        body = (f'<Login xmlns="{NS}"><credential><ApplicationId>{info["application_id"]}'
                f'</ApplicationId><Password>{info["password"]}</Password><Username>'
                f'{info["username"]}</Username></credential></Login>')
        resp = self.soap(AUTH, _envelope(body), "Login")
        assert resp.status_code == 200 and self.http.cookies.get("ASP.NET_SessionId")
        self._token = None

    def soap(self, path: str, xml: str, operation: str, ns: str = NS) -> requests.Response:
        return self.http.post(self.base + path, data=xml.encode("utf-8"), timeout=60, headers={
            "Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{ns}/{operation}"'})

    def save(self, blist: dict) -> tuple[str, str | None]:
        resp = self.soap(ACCOUNT, tst.to_xml(blist), "SaveBundleList")
        assert resp.status_code == 200, resp.text
        root = etree.fromstring(resp.content)
        return _text(root, "Type"), _text(root, "Description")

    def ledger(self) -> list[dict]:
        return requests.get(f"{self.base}/__admin/clients/{self.info['client_id']}/ledger",
                            timeout=30).json()["lines"]

    def journal(self) -> list[dict]:
        return requests.get(f"{self.base}/__admin/clients/{self.info['client_id']}/journal",
                            timeout=30).json()["lines"]

    def get_transactions(self, year: int = 2024) -> list[tuple[int, str, dt.date]]:
        body = (f'<GetTransactions xmlns="{TNS}"><searchParams>'
                f"<DateStart>{year}-01-01T00:00:00</DateStart><DateEnd>{year}-12-31T00:00:00</DateEnd>"
                "</searchParams></GetTransactions>")
        resp = self.soap(TRANSACTIONS, _envelope(body), "GetTransactions", ns=TNS.rstrip("/"))
        assert resp.status_code == 200, resp.text
        out = []
        for t in etree.fromstring(resp.content).iter(f"{{{TNS}}}Transaction"):
            out.append((int(_text(t, "AccountNo")), _text(t, "Amount"),
                        dt.date.fromisoformat(_text(t, "Date")[:10])))
        return out

    def token(self) -> str:
        if self._token is None:
            oauth = self.info["oauth"]
            resp = requests.post(f"{self.base}/oauth/token", timeout=30, data={
                "grant_type": "client_credentials", "client_id": oauth["client_id"],
                "client_secret": oauth["client_secret"]})
            assert resp.status_code == 200, resp.text
            self._token = resp.json()["access_token"]
        return self._token

    def transactionlines(self, query: dict) -> requests.Response:
        return requests.get(f"{self.base}/v1/transactionlines", params=query, timeout=30,
                            headers={"Authorization": f"Bearer {self.token()}"})


def _envelope(body: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
            'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>{body}</soap:Body></soap:Envelope>')


def _text(root, local: str) -> str | None:
    found = next((e for e in root.iter() if isinstance(e.tag, str)
                  and etree.QName(e).localname == local), None)
    return None if found is None else (found.text or "")


def _sorted_by_date(lines):
    return sorted(lines, key=lambda ln: ln[2])  # stable: booking order within a day


def _expected(blist) -> list[tuple[int, str, dt.date]]:
    return _sorted_by_date([(a, format(m, "f"), d) for a, m, d in tst.expected_lines(blist)])


def _ledger_view(lines) -> list[tuple[int, str, dt.date]]:
    return [(ln["account_no"], ln["amount"], dt.date.fromisoformat(ln["date"])) for ln in lines]


def assert_soap_answer(resp: requests.Response) -> etree._Element:
    """W5/W6: a SOAP envelope, and no unexpected server error."""
    ctype = resp.headers.get("Content-Type", "")
    assert ctype.split(";")[0] in ("text/xml", "application/soap+xml"), (resp.status_code, ctype,
                                                                          resp.text[:500])
    root = etree.fromstring(resp.content)
    assert etree.QName(root).localname == "Envelope" and etree.QName(root).namespace in SOAP_ENVS
    fault = next((e for e in root.iter() if isinstance(e.tag, str)
                  and etree.QName(e).localname == "Fault"), None)
    if fault is not None:
        assert resp.status_code in (400, 405, 413, 415, 500), resp.status_code
        code = (_text(fault, "faultcode") or _text(fault, "Value") or "").split(":")[-1]
        text = _text(fault, "faultstring") or _text(fault, "Text") or ""
        assert code in ("Client", "Sender", "VersionMismatch", "Server", "Receiver"), code
        if code in ("Server", "Receiver"):
            assert text.startswith(VENDOR_SERVER_FAULTS), f"server error: {text}"
    else:
        assert resp.status_code == 200, resp.status_code
    return root


# --- valid bundle lists -------------------------------------------------------------------


@given(blist=tst.bundle_lists(save_option=0, vat=None, currency=None, difference_options=None))
def test_S1_S5_S9_S10_W7_T1_R4_valid_ledger_bundle_lists_come_back_with_the_amounts_sent(
        base_url, blist):
    client = Client(base_url)
    assert client.save(blist) == ("Ok", None)
    expected = _expected(blist)
    note(f"expected {expected}")
    assert _ledger_view(client.ledger()) == expected
    assert client.journal() == []
    assert _sorted_by_date(client.get_transactions()) == expected
    resp = client.transactionlines({"dateFrom": "2024-01-01", "dateTo": "2025-01-01",
                                    "limit": "1000"})
    assert resp.status_code == 200, resp.text
    items = json.loads(resp.text, parse_float=Decimal, parse_int=Decimal)
    got = [(int(i["account"]["number"]), i["amount"], dt.date.fromisoformat(i["date"]))
           for i in items]
    assert [(a, Decimal(m), d) for a, m, d in expected] == got


@given(blist=tst.bundle_lists(save_option=1, vat=False, currency=None))
def test_S1_valid_journal_bundle_lists_are_in_the_journal_not_the_ledger(base_url, blist):
    client = Client(base_url)
    assert client.save(blist) == ("Ok", None)
    assert client.ledger() == []
    assert _ledger_view(client.journal()) == [
        (a, format(m, "f"), d) for a, m, d in tst.expected_lines(blist)]


# --- invalid bundle lists -----------------------------------------------------------------


@st.composite
def invalid_bundle_lists(draw):
    """(bundle list, the Description it must get): one bundle that the vendor refuses."""
    kind = draw(st.sampled_from(("unbalanced", "vat_missing", "no_fiscal_year", "system_type",
                                 "long_comment", "unknown_account")))
    if kind == "unbalanced":
        blist = draw(tst.bundle_lists(save_option=0, balanced=False, max_bundles=1, vat=False,
                                      currency=False, first_transaction_no=1000))
        vs = blist["Bundles"]["Bundle"][0]["Vouchers"]["Voucher"]
        diff = sum((e["Amount"] for e in vs[-1]["Entries"]["Entry"]), Decimal(0))
        return blist, (f"Voucher is not in balance. Difference: {diff:f} "
                       f"(Bundle 1, Voucher {len(vs)})")
    blist = draw(tst.bundle_lists(save_option=0, max_bundles=1, max_vouchers=1, vat=False,
                                  currency=False, first_transaction_no=1000))
    bundle = blist["Bundles"]["Bundle"][0]
    voucher = bundle["Vouchers"]["Voucher"][0]
    entries = voucher["Entries"]["Entry"]
    if kind == "vat_missing":
        entries[0] = {**entries[0], "AccountNo": 3000, "TaxNo": draw(st.sampled_from(("2", "3")))}
        return blist, "Voucher has a vat code that does not have a corresponding vat amount"
    if kind == "no_fiscal_year":
        bundle["YearId"] = 2033
        return blist, "Could not finish last Bundle! iError:2"
    if kind == "system_type":
        sort = draw(st.integers(-4, -1))
        voucher["Sort"] = sort
        bundle["Sort"] = 1
        return blist, (f"TypeNo {sort} is a system type. Only positive TypeNos can be used with "
                       "SaveBundleList (Bundle 1, Voucher 1)")
    if kind == "long_comment":
        comment = draw(st.text(st.characters(codec="ascii", min_codepoint=33, max_codepoint=126),
                               min_size=76, max_size=200))
        entries[-1] = {**entries[-1], "Comment": comment}
        return blist, (f"Comment is {len(comment)} characters long; at most 75 are allowed "
                       "(Bundle 1, Voucher 1)")
    account = draw(st.sampled_from((1234, 5555, 9999)))
    entries[0] = {**entries[0], "AccountNo": account}
    return blist, f"Account {account} does not exist (Bundle 1, Voucher 1)"


@pytest.fixture(scope="module")
def seeded_client(base_url):
    """A client with one voucher in the ledger (the 'unchanged' reference for refusals)."""
    client = Client(base_url)
    seed = {"SaveOption": 0, "Bundles": {"Bundle": [{"YearId": 2024, "Sort": 1, "Vouchers": {
        "Voucher": [{"TransactionNo": 0, "Sort": 1, "Entries": {"Entry": [
            {"AccountNo": 1500, "Date": dt.datetime(2024, 5, 5), "Amount": Decimal("10.00")},
            {"AccountNo": 1920, "Date": dt.datetime(2024, 5, 5), "Amount": Decimal("-10.00")},
        ]}}]}}]}}
    assert client.save(seed) == ("Ok", None)
    return client


@given(case=invalid_bundle_lists())
def test_S2_S3_S4_S5_invalid_bundle_lists_get_the_documented_error_and_change_nothing(
        seeded_client, case):
    blist, description = case
    before = seeded_client.ledger()
    assert seeded_client.save(blist) == ("Exception", description)
    assert seeded_client.ledger() == before
    assert seeded_client.journal() == []


@given(valid=tst.bundle_lists(save_option=0, max_bundles=2, vat=None, currency=False),
       invalid=invalid_bundle_lists())
def test_S1_bundles_before_the_failing_one_stay_saved(base_url, valid, invalid):
    client = Client(base_url)
    bad, description = invalid
    blist = {"SaveOption": 0, "Bundles": {"Bundle": valid["Bundles"]["Bundle"]
                                          + bad["Bundles"]["Bundle"]}}
    n = len(blist["Bundles"]["Bundle"])
    result_type, text = client.save(blist)
    assert result_type == "Exception"
    assert text == description.replace("(Bundle 1,", f"(Bundle {n},")
    assert _ledger_view(client.ledger()) == _expected(valid)


# --- hostile values and garbage -----------------------------------------------------------


_HOSTILE_NUMBERS = itertools.count(100_000)


@given(case=tst.hostile_bundle_lists())
def test_W6_hostile_values_are_refused_by_name_and_never_misread(seeded_client, case):
    # one client for every example: each voucher its own number (S11: 0 is booked as sent)
    case.bundle_list["Bundles"]["Bundle"][0]["Vouchers"]["Voucher"][0]["TransactionNo"] = \
        next(_HOSTILE_NUMBERS)
    before = seeded_client.ledger()
    resp = seeded_client.soap(ACCOUNT, tst.to_xml(case.bundle_list), "SaveBundleList")
    root = assert_soap_answer(resp)
    if case.expect == "fault":
        assert resp.status_code == 500
        assert _text(root, "faultcode") == "soap:Client"
        assert re.fullmatch(r"Server was unable to read request\. ---> There is an error in XML "
                            r"document \([1-9][0-9]*, [1-9][0-9]*\)\. ---> .+\.",
                            _text(root, "faultstring"))
        logged = requests.get(f"{seeded_client.base}/__admin/requests", timeout=30, params={
            "client_id": seeded_client.info["client_id"], "operation": "SaveBundleList"}).json()
        entries = logged["requests"] if isinstance(logged, dict) else logged
        shown = case.value if len(case.value) <= 80 else case.value[:77] + "..."
        assert f"The value '{shown}' of element '{case.element}' is not a valid " in \
            entries[-1]["fault_detail"]
    elif case.expect == "refused":
        assert (_text(root, "Type"), _text(root, "Description")) == (
            "Exception", f"Comment is {len(case.value)} characters long; at most 75 are allowed "
                         "(Bundle 1, Voucher 1)")
    if case.expect != "saved":
        assert seeded_client.ledger() == before
        return
    assert (_text(root, "Type"), _text(root, "Description")) == ("Ok", None)
    after = seeded_client.ledger()
    assert case.value in [ln["comment"] for ln in after[len(before):]] or case.value in [
        ln["comment"] for ln in after]


def _mutations():
    """Bodies from wrecked to almost right: bytes, truncated or spliced valid envelopes, wrong
    namespaces, unknown operations, SOAP 1.2 bodies under a 1.1 content type."""
    valid = tst.bundle_lists(save_option=0, max_bundles=1, max_vouchers=1).map(tst.to_xml)
    return st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda s: s.encode("utf-8")),
        st.tuples(valid, st.integers(0, 2000)).map(lambda t: t[0][: t[1]].encode("utf-8")),
        st.tuples(valid, st.integers(0, 2000), st.sampled_from(("<", "&", "]]>", "\x00", "<!DOCTYPE x>",
                                                                "<x:y>", "</Entry>", "é")))
        .map(lambda t: (t[0][: t[1]] + t[2] + t[0][t[1]:]).encode("utf-8")),
        valid.map(lambda x: x.replace(NS, "http://example.com/other").encode()),
        valid.map(lambda x: x.replace("SaveBundleList", "SaveBundleLists").encode()),
        valid.map(lambda x: x.replace("http://schemas.xmlsoap.org/soap/envelope/",
                                      "http://www.w3.org/2003/05/soap-envelope").encode()),
    )


@given(body=_mutations(), path=st.sampled_from((ACCOUNT, AUTH, TRANSACTIONS)),
       content_type=st.sampled_from(("text/xml; charset=utf-8", "application/soap+xml",
                                     "application/json", "")))
def test_W5_W6_no_request_gets_a_non_soap_answer_or_a_server_error(seeded_client, body, path,
                                                                    content_type):
    resp = seeded_client.http.post(seeded_client.base + path, data=body, timeout=30, headers={
        "Content-Type": content_type, "SOAPAction": f'"{NS}/SaveBundleList"'})
    assert_soap_answer(resp)


# --- /transactionlines --------------------------------------------------------------------


@pytest.fixture(scope="module")
def rest_client(base_url):
    """A client with a fixed set of ledger lines over 2024 to query."""
    client = Client(base_url)
    for month in (1, 3, 6, 12):
        day = dt.datetime(2024, month, 15)
        blist = {"SaveOption": 0, "Bundles": {"Bundle": [{"YearId": 2024, "Sort": 1, "Vouchers": {
            "Voucher": [{"TransactionNo": month, "Sort": 1, "Entries": {"Entry": [
                {"AccountNo": 1500, "CustomerId": 123, "Date": day, "Amount": Decimal("125.00")},
                {"AccountNo": 3000, "Date": day, "Amount": Decimal("-100.00"), "TaxNo": "3"},
                {"AccountNo": 2700, "Date": day, "Amount": Decimal("-25.00")},
            ]}}]}}]}}
        assert client.save(blist) == ("Ok", None)
    return client


@given(query=tst.transactionlines_queries())
def test_R1_R2_R3_valid_queries_return_the_matching_lines(rest_client, query):
    resp = rest_client.transactionlines(query)
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    items = json.loads(resp.text, parse_float=Decimal)
    assert isinstance(items, list) and len(items) <= int(query.get("limit", 50))
    start, end = dt.date.fromisoformat(query["dateFrom"]), dt.date.fromisoformat(query["dateTo"])
    for item in items:
        assert start <= dt.date.fromisoformat(item["date"]) < end
        if "accountNumber" in query:
            assert item["account"]["number"] == int(query["accountNumber"])
        if "customerId" in query:
            assert item["customer"]["id"] == int(query["customerId"])
        if "transactionNumber" in query:
            assert item["transaction"]["number"] == int(query["transactionNumber"])
        assert item["createdAt"].endswith("Z") and item["modifiedAt"].endswith("Z")
        assert len(item.get("comment", "")) <= 75


@given(query=tst.hostile_transactionlines_queries())
def test_R1_broken_queries_get_the_vendor_validation_error(rest_client, query):
    resp = rest_client.transactionlines(query)
    assert resp.status_code == 400, (query, resp.status_code, resp.text)
    body = resp.json()
    assert body["error"]["name"] == "ValidationError"
    assert isinstance(body["trackingId"], str) and body["trackingId"]


# --- links --------------------------------------------------------------------------------


@given(data=st.data())
def test_K2_new_entries_linked_to_existing_lines_share_their_link(base_url, data):
    client = Client(base_url)
    first = data.draw(tst.bundle_lists(save_option=0, max_bundles=1, max_vouchers=1, vat=False,
                                       currency=False), label="existing")
    assert client.save(first) == ("Ok", None)
    existing = [ln["line_id"] for ln in client.ledger()]
    link = data.draw(tst.links(existing), label="link")
    second = data.draw(tst.bundle_lists(save_option=0, max_bundles=1, max_vouchers=1, vat=False,
                                        currency=False, first_transaction_no=2),
                       label="linking")
    entry = second["Bundles"]["Bundle"][0]["Vouchers"]["Voucher"][0]["Entries"]["Entry"][0]
    entry.update(link)
    assert client.save(second) == ("Ok", None)
    by_id = {ln["line_id"]: ln for ln in client.ledger()}
    linked = {str(m["LineId"]) for m in link["Links"]["LinkModel"]}
    new_line = next(ln for lid, ln in by_id.items() if lid not in existing
                    and ln["sequence_no"] == 1)
    assert new_line["link_id"] is not None
    assert {lid for lid in linked if by_id[lid]["link_id"] == new_line["link_id"]} == linked
