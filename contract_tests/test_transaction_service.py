"""T1: TransactionService (GetTransactions and the lookups) through zeep built from the vendor's
TransactionService.wsdl, on the same ledger SaveBundleList (S1) posts to. A4 for its faults."""

from __future__ import annotations

import datetime as dt
import pathlib
import re
import time
from decimal import Decimal

import pytest
import requests
import zeep
from transaction_helpers import UTC, instant, rich_sale, save, transfer
from zeep.helpers import serialize_object

from mockserver.testing.client import TNS, TRANSACTION_PATH, MockClient

from helpers import SOAP11, SOAP12, entry, envelope, voucher

VENDOR = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "vendor"
TX_NS = "http://24sevenoffice.com/webservices/economy/accounting/"
NOT_AUTHENTICATED = "Client is not authenticated on this identity"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture
def client(tfso_new_client):
    return tfso_new_client(fiscal_years=[2024])


def search(client, **params) -> list[dict]:
    """GetTransactions with the two required-but-nillable members sent as nil, as zeep does."""
    params.setdefault("SystemType", None)
    params.setdefault("HasInvoiceId", None)
    return serialize_object(client.transactions.GetTransactions(params), dict) or []


def keys(rows) -> list[tuple[int, int, Decimal]]:
    return [(r["TransactionNo"], r["AccountNo"], r["Amount"]) for r in rows]


def midnight(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, tzinfo=UTC)


JANUARY = {"DateStart": dt.datetime(2024, 1, 1), "DateEnd": dt.datetime(2024, 1, 31)}


def test_T1_R4_voucher_posted_with_save_option_0_is_returned_with_the_same_values(client):
    save(client, [rich_sale(10000)])
    ledger = client.ledger()
    rows = search(client, **JANUARY)
    created = instant(ledger[0]["created_at"])
    common = {
        "Date": midnight(2024, 1, 31), "Currency": "NOK", "CurrencyRate": Decimal("1"),
        "CurrencyUnit": 1, "StampNo": None, "Period": 1, "TransactionTypeId": 101,
        "TransactionNo": 10000, "SystemType": "InvoiceCustomer", "RegistrationDate": created,
        "DateChanged": created, "Hidden": False, "VatDividend": None, "HasVatDividend": False,
        "PeriodDate": dt.date(2024, 1, 1), "LinkId": None,
    }
    assert rows == [
        {**common, "AccountNo": 1500, "Amount": Decimal("125.00"),
         "Comment": "Consulting, January", "VatCode": 0, "Id": ledger[0]["line_id"],
         "InvoiceNo": "INV-2024-001", "SequenceNo": 1, "DueDate": midnight(2024, 2, 14),
         "Dimensions": {"Dimension": [
             {"Type": "Department", "Name": "Department with ID 7", "Value": "7",
              "Percent": None, "TypeId": None},
             {"Type": "Project", "Name": "Project with ID 13", "Value": "13", "Percent": None,
              "TypeId": None},
             {"Type": "UserDefined", "Name": "Dimension 101 with ID Oslo", "Value": "Oslo",
              "Percent": None, "TypeId": 101},
         ]},
         "Open": True, "OCR": "12345678903"},
        {**common, "AccountNo": 3000, "Amount": Decimal("-100.00"), "Comment": None,
         "VatCode": 3, "Id": ledger[1]["line_id"], "InvoiceNo": None, "SequenceNo": 2,
         "DueDate": None, "Dimensions": {"Dimension": [
             {"Type": "Department", "Name": "Department with ID 7", "Value": "7",
              "Percent": None, "TypeId": None}]},
         "Open": False, "OCR": None},
        {**common, "AccountNo": 2700, "Amount": Decimal("-25.00"), "Comment": None,
         "VatCode": 0, "Id": ledger[2]["line_id"], "InvoiceNo": None, "SequenceNo": 3,
         "DueDate": None, "Dimensions": None, "Open": False, "OCR": None},
    ]
    # the Id is the line GUID AccountService's link methods take (K1)
    link = client.account.CreateLink()
    assert client.account.AddLinkEntries({"LineIds": {"guid": [rows[0]["Id"]]}, "LinkId": link})
    assert [r["LinkId"] for r in search(client, **JANUARY)] == [link, None, None]


def test_T1_S1_a_journal_appears_only_after_approval(client):
    save(client, [transfer("500.00", dt.date(2024, 1, 15))], save_option=1)
    assert search(client, **JANUARY) == []
    assert search(client) == []
    assert search(client, DateSearchParameters="DateChangedUTC",
                  DateStart=dt.datetime(2000, 1, 1)) == []
    time.sleep(0.005)
    assert client.approve_journal() == 2
    rows = search(client, **JANUARY)
    assert keys(rows) == [(30000, 1920, Decimal("500.00")), (30000, 1500, Decimal("-500.00"))]
    ledger = client.ledger()
    assert [r["Id"] for r in rows] == [ln["line_id"] for ln in ledger]
    # approval is a change: DateChanged moves, RegistrationDate stays
    assert [r["DateChanged"] for r in rows] == [instant(ln["modified_at"]) for ln in ledger]
    assert rows[0]["DateChanged"] > rows[0]["RegistrationDate"]


def test_T1_date_end_is_inclusive_and_date_start_too(client):
    save(client, [transfer("10.00", dt.date(2024, 1, 31)), transfer("20.00", dt.date(2024, 2, 1))])

    def amounts(start, end):
        return [r["Amount"] for r in search(client, DateStart=start, DateEnd=end)
                if r["AccountNo"] == 1920]

    jan31, feb1 = dt.datetime(2024, 1, 31), dt.datetime(2024, 2, 1)
    assert amounts(dt.datetime(2024, 1, 1), jan31) == [Decimal("10.00")]
    assert amounts(jan31, jan31) == [Decimal("10.00")]
    assert amounts(dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 31, 23, 59, 59)) == [Decimal("10.00")]
    assert amounts(dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 30)) == []
    assert amounts(feb1, feb1) == [Decimal("20.00")]
    assert amounts(jan31, feb1) == [Decimal("10.00"), Decimal("20.00")]
    assert amounts(feb1, jan31) == []
    # open ends: only a start, only an end, neither
    assert [r["Amount"] for r in search(client, DateStart=feb1) if r["AccountNo"] == 1920] == [Decimal("20.00")]
    assert [r["Amount"] for r in search(client, DateEnd=jan31) if r["AccountNo"] == 1920] == [Decimal("10.00")]
    assert len(search(client)) == 4


@pytest.fixture
def books(client):
    """Three vouchers: two sales (different customers, invoices, dimensions) and a payment
    that settles the first through a link; the second sale saved a moment later."""
    save(client, [rich_sale(10000, dt.date(2024, 1, 10))])
    time.sleep(0.005)
    second = voucher([
        entry(1500, "250.00", dt.date(2024, 2, 10), CustomerId=10001,
              InvoiceReferenceNo="INV-2024-002", ProjectId=14),
        entry(3000, "-200.00", dt.date(2024, 2, 10), TaxNo="3"),
        entry(2700, "-50.00", dt.date(2024, 2, 10)),
    ], transaction_no=10001)
    save(client, [second])
    save(client, [transfer("125.00", dt.date(2024, 2, 15))], sort=3)
    ledger = client.ledger()
    link = client.account.CreateLink()
    assert client.account.AddLinkEntries(
        {"LineIds": {"guid": [ledger[0]["line_id"], ledger[7]["line_id"]]}, "LinkId": link})
    return {"ledger": ledger, "link": link}


@pytest.mark.parametrize("params,expected", [
    ({"AccountNoStart": 1500, "AccountNoEnd": 1999},
     [(10000, 1500), (10001, 1500), (30000, 1920), (30000, 1500)]),
    ({"AccountNoStart": 2700}, [(10000, 3000), (10000, 2700), (10001, 3000), (10001, 2700)]),
    ({"AccountNoEnd": 1500}, [(10000, 1500), (10001, 1500), (30000, 1500)]),
    ({"TransactionNoStart": 10001, "TransactionNoEnd": 10001},
     [(10001, 1500), (10001, 3000), (10001, 2700)]),
    ({"TransactionNoStart": 10001}, [(10001, 1500), (10001, 3000), (10001, 2700), (30000, 1920),
                                     (30000, 1500)]),
    ({"TransactionTypeId": 103}, [(30000, 1920), (30000, 1500)]),
    ({"CustomerId": 123}, [(10000, 1500), (30000, 1500)]),
    ({"CustomerId": 10001}, [(10001, 1500)]),
    ({"InvoiceNo": "INV-2024-002"}, [(10001, 1500)]),
    ({"HasInvoiceId": True}, [(10000, 1500), (10001, 1500)]),
    ({"HasInvoiceId": False}, [(10000, 3000), (10000, 2700), (10001, 3000), (10001, 2700),
                               (30000, 1920), (30000, 1500)]),
    ({"VatCode": 3}, [(10000, 3000), (10001, 3000)]),
    ({"SystemType": "Payment"}, [(30000, 1920), (30000, 1500)]),
    ({"DepartmentId": 7}, [(10000, 1500), (10000, 3000)]),
    ({"ProjectId": 14}, [(10001, 1500)]),
    ({"ShowOpenEntries": True}, [(10001, 1500)]),
    ({"ShowOpenEntries": False}, "all"),
    ({"DateStart": dt.datetime(2024, 2, 1), "CustomerId": 123}, [(30000, 1500)]),
])
def test_T1_search_parameters_filter_the_ledger(client, books, params, expected):
    rows = search(client, **params)
    if expected == "all":
        expected = [(ln["transaction_no"], ln["account_no"]) for ln in books["ledger"]]
    assert [(r["TransactionNo"], r["AccountNo"]) for r in rows] == expected


def test_T1_link_id_and_registered_after(client, books):
    ledger, link = books["ledger"], books["link"]
    assert [r["Id"] for r in search(client, LinkId=link)] == [ledger[0]["line_id"], ledger[7]["line_id"]]
    assert search(client, LinkId=link + 1) == []
    first_saved = instant(ledger[0]["created_at"]).replace(tzinfo=None)  # sent without an offset: UTC
    rows = search(client, RegisteredAfter=first_saved)
    assert [r["TransactionNo"] for r in rows] == [10001] * 3 + [30000] * 2


def test_T1_date_changed_utc_is_a_changed_after_full_sync(client):
    """FAQ: "set the date sufficiently back in time" with the DateTime search parameter."""
    save(client, [transfer("75.00", dt.date(2024, 3, 1)), transfer("80.00", dt.date(2024, 4, 1))])
    everything = search(client, DateSearchParameters="DateChangedUTC",
                        DateStart=dt.datetime(2000, 1, 1))
    assert keys(everything) == [(30000, 1920, Decimal("75.00")), (30000, 1500, Decimal("-75.00")),
                                (30001, 1920, Decimal("80.00")), (30001, 1500, Decimal("-80.00"))]
    last_sync = max(r["DateChanged"] for r in everything)
    time.sleep(0.005)
    # a due date update and a link are changes the next sync must pick up
    changed = everything[3]["Id"]
    updated = client.account.UpdateEntryDueDate(
        {"EntryItem": [{"LineId": changed, "DueDate": dt.datetime(2024, 5, 1)}]})
    assert [(u.LineId, u.DueDate.date()) for u in updated] == [(changed, dt.date(2024, 5, 1))]
    after = last_sync + dt.timedelta(milliseconds=1)
    rows = search(client, DateSearchParameters="DateChangedUTC", DateStart=after)
    assert [(r["Id"], r["DueDate"]) for r in rows] == [(changed, midnight(2024, 5, 1))]
    assert rows[0]["DateChanged"] > last_sync
    # DateEnd is the last instant included; entry dates play no part in this mode
    rows = search(client, DateSearchParameters="DateChangedUTC",
                  DateStart=dt.datetime(2000, 1, 1), DateEnd=last_sync)
    assert keys(rows) == keys(everything[:3])
    time.sleep(0.005)
    link = client.account.CreateLink()
    client.account.AddLinkEntries({"LineIds": {"guid": [everything[0]["Id"]]}, "LinkId": link})
    rows = search(client, DateSearchParameters="DateChangedUTC",
                  DateStart=rows[0]["DateChanged"] + dt.timedelta(milliseconds=1))
    assert [r["Id"] for r in rows] == [changed, everything[0]["Id"]]  # oldest change first
    assert [r["LinkId"] for r in rows] == [None, link]


def test_T1_get_fiscal_years_ending_date_is_exclusive(tfso_new_client):
    client = tfso_new_client(fiscal_years=[2024, 2023])
    years = serialize_object(client.transactions.GetFiscalYears(), dict)
    assert [(y["StartingDate"], y["EndingDate"], y["IsLocked"]) for y in years] == [
        (midnight(2023, 1, 1), midnight(2024, 1, 1), False),
        (midnight(2024, 1, 1), midnight(2025, 1, 1), False),
    ]
    assert all(GUID.match(y["Id"]) for y in years) and years[0]["Id"] != years[1]["Id"]


def test_T1_get_transaction_types_are_the_account_service_types(client):
    types = client.transactions.GetTransactionTypes()
    type_list = client.account.GetTypeList()
    assert [(t.Id, t.No, t.Title) for t in types] == [
        (t.TypeId, t.TypeNo, t.Title) for t in type_list]
    assert [(t.No, t.Turnover) for t in types][:4] == [(1, True), (2, True), (3, False), (4, False)]


def test_T1_user_defined_dimensions_and_values(client):
    dims = lambda *pairs: {"UserDefinedDimension": [{"Type": t, "Value": v} for t, v in pairs]}  # noqa: E731
    save(client, [voucher([
        entry(1920, "10.00", UserDefinedDimensions=dims((101, "Oslo"), (205, "X1"))),
        entry(3900, "-10.00", UserDefinedDimensions=dims((101, "Bergen"))),
    ], sort=10)], sort=10)
    found = serialize_object(client.transactions.GetUserDefinedDimensions(), dict)
    assert found == [
        {"Type": "UserDefined", "Name": "Dimension 101", "Value": None, "Percent": None,
         "TypeId": 101},
        {"Type": "UserDefined", "Name": "Dimension 205", "Value": None, "Percent": None,
         "TypeId": 205},
    ]
    values = client.transactions.GetUserDefinedDimensionValues(101)
    assert [(v.Value, v.TypeId, v.Name) for v in values] == [
        ("Bergen", 101, "Dimension 101 with ID Bergen"), ("Oslo", 101, "Dimension 101 with ID Oslo")]
    # an empty <GetUserDefinedDimensionValuesResult />, which zeep reads as None
    assert client.transactions.GetUserDefinedDimensionValues(999) is None


def test_T1_get_aggregated_balances_per_account_and_month(client):
    save(client, [transfer("100.00", dt.date(2024, 1, 15)), transfer("40.50", dt.date(2024, 2, 3)),
                  transfer("9.50", dt.date(2024, 3, 20))])
    result = serialize_object(client.transactions.GetAggregated(
        startDate=dt.datetime(2024, 2, 1), accountNos={"short": [1920]}, periodType="Month",
        returnIB=True), dict)
    assert result == [{
        "IncomingBalance": Decimal("100.00"), "TotalBalance": Decimal("150.00"),
        "Periods": {"KeyValuePair": [{"Key": "2024-02", "Value": "40.50"},
                                     {"Key": "2024-03", "Value": "9.50"}]},
        "Dimension": None, "AccountNo": 1920,
    }]
    by_customer = serialize_object(client.transactions.GetAggregated(
        startDate=dt.datetime(2024, 1, 1), dimensions={"Dimension": [{"Type": "Customer", "Value": "123"}]},
        accountNos={"short": [1500, 1920]}, periodType="None", returnIB=False), dict)
    assert [(a["AccountNo"], a["IncomingBalance"], a["TotalBalance"], a["Periods"], a["Dimension"]["Value"])
            for a in by_customer] == [
        (1500, Decimal("0"), Decimal("-150.00"), None, "123"),
        (1920, Decimal("0"), Decimal("0"), None, "123"),
    ]


@pytest.mark.parametrize("operation,args", [
    ("GetTransactions", ({"SystemType": None, "HasInvoiceId": None},)),
    ("GetTransactionTypes", ()),
    ("GetFiscalYears", ()),
    ("GetUserDefinedDimensions", ()),
    ("GetUserDefinedDimensionValues", (101,)),
])
def test_A4_T1_calls_without_a_session_fault(tfso_new_client, operation, args):
    client = tfso_new_client(login=False, fiscal_years=[2024])
    with pytest.raises(zeep.exceptions.Fault) as fault:
        getattr(client.transactions, operation)(*args)
    assert fault.value.message == NOT_AUTHENTICATED


def _raw(client, base_url: str, body: str, operation: str, version: str = SOAP11) -> requests.Response:
    if version == SOAP11:
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{TX_NS}{operation}"'}
    else:
        headers = {"Content-Type": f'application/soap+xml; charset=utf-8; action="{TX_NS}{operation}"'}
    return client.http.post(base_url + TRANSACTION_PATH, data=envelope(body, version).encode(),
                            headers=headers, timeout=30)


@pytest.mark.parametrize("version", [SOAP11, SOAP12])
def test_T1_W4_missing_nillable_members_mean_not_given(tfso_mock, client, version):
    """A .NET or PHP client may leave out SystemType, HasInvoiceId, VatCode and ShowOpenEntries:
    missing means null (no filter), not false or 0."""
    save(client, [rich_sale(10000)])
    body = (f'<GetTransactions xmlns="{TX_NS}"><searchParams>'
            "<DateStart>2024-01-01T00:00:00</DateStart><DateEnd>2024-01-31T00:00:00</DateEnd>"
            "</searchParams></GetTransactions>")
    resp = _raw(client, tfso_mock.url, body, "GetTransactions", version)
    assert resp.status_code == 200, resp.text
    assert re.findall(r"<AccountNo>(\d+)</AccountNo>", resp.text) == ["1500", "3000", "2700"]
    assert "<GetTransactionsResponse xmlns=\"" + TX_NS + "\"><GetTransactionsResult><Transaction>" in resp.text
    nil = body.replace("</DateEnd>", '</DateEnd><VatCode xsi:nil="true" /><HasInvoiceId>true</HasInvoiceId>')
    resp = _raw(client, tfso_mock.url, nil, "GetTransactions", version)
    assert re.findall(r"<AccountNo>(\d+)</AccountNo>", resp.text) == ["1500"]


def test_T1_W9_unreadable_search_value_is_a_client_fault_in_dotnets_words(tfso_mock, client):
    """XmlConvert.ToInt16("1500.5") is Int16.Parse's FormatException; XmlSerializer reports the
    reader's position after ReadElementString: the name of the next tag, </searchParams>."""
    body = (f'<GetTransactions xmlns="{TX_NS}"><searchParams><AccountNoStart>1500.5</AccountNoStart>'
            "</searchParams></GetTransactions>")
    resp = _raw(client, tfso_mock.url, body, "GetTransactions")
    assert resp.status_code == 500
    column = envelope(body).index("</searchParams>") + 3
    assert re.findall(r"<faultcode>(.*)</faultcode><faultstring>(.*)</faultstring>", resp.text) == [(
        "soap:Client",
        f"Server was unable to read request. ---&gt; There is an error in XML document (1, {column}). "
        "---&gt; Input string was not in a correct format.")]


def test_T1_W2_W3_wsdl_is_the_vendors_but_for_the_address(tfso_mock):
    resp = requests.get(f"{tfso_mock.url}{TRANSACTION_PATH}?WSDL", timeout=30)
    assert resp.status_code == 200
    ours = resp.content.replace(f"{tfso_mock.url}{TRANSACTION_PATH}".encode(),
                                b"https://api.24sevenoffice.com/Economy/Accounting/V001/TransactionService.asmx")
    vendor = (VENDOR / "TransactionService.wsdl").read_bytes()
    assert ours == vendor


def test_T1_W3_a_client_from_the_emulators_own_wsdl_works(tfso_mock, client):
    save(client, [rich_sale(10000)])
    own = MockClient(tfso_mock.url, client.info)  # zeep from our ?WSDL
    own.http.cookies.update(client.http.cookies)
    rows = own.transactions.GetTransactions({**JANUARY, "SystemType": None, "HasInvoiceId": None})
    assert [(r.AccountNo, r.Amount) for r in rows] == [
        (1500, Decimal("125.00")), (3000, Decimal("-100.00")), (2700, Decimal("-25.00"))]
    soap12 = client.service(TRANSACTION_PATH, TNS + "TransactionServiceSoap12")
    assert len(soap12.GetFiscalYears()) == 1
