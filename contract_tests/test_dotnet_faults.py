"""W9: faults in .NET ASMX's own words; W6/S9/S10: what the guide's own examples get.

ASMX conventions checked here (.NET Framework, System.Web.Services + XmlSerializer):
- an exception inside a web method is soap:Server (SOAP 1.2 soap:Receiver) with
  "Server was unable to process request. ---> " and the exception's message;
- a value XmlSerializer cannot convert is soap:Client with "Server was unable to read request.
  ---> There is an error in XML document (LINE, COLUMN). ---> " and .NET's own exception text;
- LINE and COLUMN are the reader's IXmlLineInfo (1-based) when the conversion fails. The
  generated reader calls ``XmlConvert.ToX(Reader.ReadElementString())``: ReadElementString has
  already read past the failing element's end tag, so the position is the node after it: a tag
  at its name ('<' + 1, '</' + 2), text or white space at its first character, a comment after
  '<!--'. In an indented request: the line of the failing element, one column past its end tag.
"""

from __future__ import annotations

import pytest
import requests
import zeep.exceptions
from lxml import etree

from helpers import (
    ACCOUNT,
    AUTH,
    NS,
    SOAP11,
    SOAP12,
    bundle,
    bundle_list,
    entry,
    envelope,
    raw_post,
    voucher,
)

TX = "/Economy/Accounting/V001/TransactionService.asmx"
TNS = "http://24sevenoffice.com/webservices/economy/accounting/"
NRE = ("Server was unable to process request. ---> Object reference not set to an instance of an "
       "object.")
FORMAT = "Input string was not in a correct format."


@pytest.fixture
def client(tfso_new_client):
    return tfso_new_client(fiscal_years=[2024])


def fault(resp: requests.Response) -> tuple[str, str]:
    root = etree.fromstring(resp.content)
    code = root.findtext(".//faultcode") or root.findtext(f".//{{{SOAP12}}}Value")
    text = root.findtext(".//faultstring") or root.findtext(f".//{{{SOAP12}}}Text")
    return code, text


def unreadable(line: int, column: int, inner: str) -> str:
    return (f"Server was unable to read request. ---> There is an error in XML document "
            f"({line}, {column}). ---> {inner}")


# --- exceptions inside the web method: soap:Server ---------------------------------------------


@pytest.mark.parametrize("version,code", [(SOAP11, "soap:Server"), (SOAP12, "soap:Receiver")])
def test_W9_login_without_credential_faults_as_server(client, tfso_mock, version, code):
    """The web method receives credential = null and the vendor's code fails on it: soap:Server
    (1.2 soap:Receiver), "Server was unable to process request. ---> ..." (before: HTTP 200 with
    an empty LoginResult, which reads like bad credentials)."""
    resp = raw_post(requests.Session(), tfso_mock.url, AUTH,
                    envelope(f'<Login xmlns="{NS}" />', version), "Login", version)
    assert resp.status_code == 500
    assert fault(resp) == (code, NRE)
    assert "Set-Cookie" not in resp.headers


def test_W9_zeep_sees_the_server_fault_for_a_missing_credential(client):
    with pytest.raises(zeep.exceptions.Fault) as caught:
        client.auth.Login(None)
    assert (caught.value.code, caught.value.message) == ("soap:Server", NRE)


def test_W9_missing_arguments_of_account_and_transaction_methods_are_server_faults(client, tfso_mock):
    """"X is required" was a soap:Client text of the emulator's own; the journal still says what
    was missing (fault_detail)."""
    for path, op, ns, args in (
            (ACCOUNT, "SaveBundleList", NS, ""), (ACCOUNT, "GetEntryId", NS, ""),
            (ACCOUNT, "AddLinkEntries", NS, '<linkEntryItem xsi:nil="true" />'),
            (TX, "GetAggregated", TNS, '<startDate xsi:nil="true" /><periodType>Month</periodType>')):
        resp = raw_post(client.http, tfso_mock.url, path,
                        envelope(f'<{op} xmlns="{ns}">{args}</{op}>'), op)
        assert resp.status_code == 500, op
        assert fault(resp) == ("soap:Server", NRE), op
    details = [r.get("fault_detail") for r in client.requests()[-4:]]
    assert details == [f"{name} was missing or nil; the web method received null" for name in
                       ("BundleList", "argEntryId", "linkEntryItem", "startDate")]


# --- values XmlSerializer cannot read: soap:Client, .NET's inner texts ---------------------------

ENTRY_ID = ('<GetEntryId xmlns="' + NS + '">\n'
            "  <argEntryId>\n"
            "    <Date>{date}</Date>\n"
            "    <SortNo>{sort}</SortNo>\n"
            "    <EntryNo>0</EntryNo>\n"
            "  </argEntryId>\n"
            "</GetEntryId>")


@pytest.mark.parametrize(("body", "line", "column", "inner"), [
    ("not xml", 1, 1, "Start tag expected, '<' not found, line 1, column 1"),
    ("<a>\n  <b></a>", 2, 10, "Opening and ending tag mismatch: b line 2 and a, line 2, column 10"),
])
def test_W9_xml_that_is_not_well_formed_says_where(client, tfso_mock, body, line, column, inner):
    """W9's shape with the parser's position; the parser's own message without the
    ``(<string>, line 1)`` Python's lxml appends (it was sent on the wire)."""
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, body, "GetEntryId")
    assert resp.status_code == 500
    assert fault(resp) == ("soap:Client", unreadable(line, column, inner))


def _entry_id(date="2024-01-31T00:00:00", sort="1") -> str:
    # the envelope puts the operation on line 1; its lines follow
    return envelope("\n" + ENTRY_ID.format(date=date, sort=sort))


@pytest.mark.parametrize("sort,inner", [
    ("12,5", FORMAT),
    ("", FORMAT),
    ("1e3", FORMAT),
    ("١٢", FORMAT),
    ("2147483648", "Value was either too large or too small for an Int32."),
    ("-2147483649", "Value was either too large or too small for an Int32."),
])
def test_W9_int_values_get_dotnets_texts_at_dotnets_position(client, tfso_mock, sort, inner):
    """XmlConvert.ToInt32 is Int32.Parse: FormatException or OverflowException. The SortNo
    element is on line 5; the reader stands on the white space after </SortNo>."""
    body = _entry_id(sort=sort)
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, body, "GetEntryId")
    line = body.split("\n")[4]
    assert line.strip().startswith("<SortNo>")
    assert resp.status_code == 500
    assert fault(resp) == ("soap:Client", unreadable(5, len(line) + 1, inner))


@pytest.mark.parametrize("date", ["", "yes", "2024-13-01T00:00:00", "31.01.2024"])
def test_W9_datetime_values_are_not_valid_allxsd_values(client, tfso_mock, date):
    body = _entry_id(date=date)
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, body, "GetEntryId")
    assert fault(resp) == ("soap:Client", unreadable(
        4, len(body.split("\n")[3]) + 1, f"The string '{date}' is not a valid AllXsd value."))


@pytest.mark.parametrize("value,inner", [
    ("yes", "The string 'yes' is not a valid Boolean value."),
    ("True", "The string 'True' is not a valid Boolean value."),
])
def test_W9_boolean_values(client, tfso_mock, value, inner):
    blist = (f'<SaveBundleList xmlns="{NS}"><BundleList><AllowDifference>{value}</AllowDifference>'
             "<Bundles /></BundleList></SaveBundleList>")
    body = envelope(blist)
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, body, "SaveBundleList")
    assert fault(resp) == ("soap:Client", unreadable(1, body.index("<Bundles />") + 2, inner))


def test_W9_int16_int64_and_decimal_overflow_texts(client, tfso_mock):
    cases = [
        (ACCOUNT, "CheckAccountNo", NS, "<accountList><AccountData><AccountNo>40000</AccountNo>"
         "</AccountData></accountList>", "</AccountData>",
         "Value was either too large or too small for an Int16."),
        (AUTH, "SetIdentity", NS, "<identity><Client><Id>9223372036854775808</Id></Client>"
         "</identity>", "</Client>", "Value was either too large or too small for an Int64."),
        (TX, "GetAggregated", TNS, "<startDate>2024-01-01T00:00:00</startDate><accountNos><short>"
         "1.5</short></accountNos>", "</accountNos>", FORMAT),
    ]
    for path, op, ns, args, after, inner in cases:
        body = envelope(f'<{op} xmlns="{ns}">{args}</{op}>')
        resp = raw_post(client.http, tfso_mock.url, path, body, op)
        assert fault(resp) == ("soap:Client", unreadable(1, body.index(after) + 3, inner)), op
    amount = voucher([entry(1920, "79228162514264337593543950336"), entry(3900, "-1")], 1, sort=10)
    with pytest.raises(zeep.exceptions.Fault) as caught:
        client.account.SaveBundleList(bundle_list([bundle([amount], sort=10)]))
    assert caught.value.code == "soap:Client"
    assert caught.value.message.endswith(
        "---> Value was either too large or too small for a Decimal.")


def test_W9_enum_values_are_instance_validation_errors(client, tfso_mock):
    """XmlSerializer's enum reader compares the text as it is (no trimming)."""
    for value in ("Foo", " EntryDate", "entrydate"):
        body = envelope(f'<GetTransactions xmlns="{TNS}"><searchParams><DateSearchParameters>'
                        f"{value}</DateSearchParameters></searchParams></GetTransactions>")
        resp = raw_post(client.http, tfso_mock.url, TX, body, "GetTransactions")
        assert fault(resp) == ("soap:Client", unreadable(
            1, body.index("</searchParams>") + 3,
            f"Instance validation error: '{value}' is not a valid value for DateSearchParameters."))


@pytest.mark.parametrize("value,inner", [
    ("yes", "Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."),
    ("2f9a1c7e-7d1e-4c3b-9e2a-24500000000", "Guid should contain 32 digits with 4 dashes "
                                            "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."),
    ("", "Unrecognized Guid format."),
    ("2f9a1c7e7-d1e-4c3b-9e2a-245000000002", "Dashes are in the wrong position for GUID parsing."),
    ("2f9a1c7e-7d1e-4c3b-9e2a-24500000000g", "Guid string should only contain hexadecimal characters."),
])
def test_W9_guid_values(client, tfso_mock, value, inner):
    body = envelope(f'<SetIdentityById xmlns="{NS}"><identityId>{value}</identityId>'
                    "</SetIdentityById>")
    resp = raw_post(client.http, tfso_mock.url, AUTH, body, "SetIdentityById")
    assert fault(resp) == ("soap:Client", unreadable(1, body.index("</SetIdentityById>") + 3, inner))


@pytest.mark.parametrize("form", ["{%s}", "(%s)", " %s "])
def test_W9_guid_forms_dotnet_reads_are_read(client, tfso_mock, form):
    """new Guid(string) also takes braces, parentheses, and the 32-digit N form."""
    ident = client.info["identity_id"]
    for value in (form % ident, form % ident.replace("-", "")):
        if value.strip()[0] in "{(" and "-" not in value:
            continue  # only the dashed form goes in braces or parentheses
        body = envelope(f'<SetIdentityById xmlns="{NS}"><identityId>{value}</identityId>'
                        "</SetIdentityById>")
        resp = raw_post(client.http, tfso_mock.url, AUTH, body, "SetIdentityById")
        assert "<SetIdentityByIdResult>true</SetIdentityByIdResult>" in resp.text, value


def test_W9_position_is_the_node_after_the_failing_element(client, tfso_mock):
    """A following start tag is reported at its name, an end tag at its name after '</', a
    comment after '<!--', text at its first character; line breaks count as .NET counts them."""
    pre = f'<GetEntryId xmlns="{NS}"><argEntryId>'
    for tail, offset in (("<EntryNo>0</EntryNo></argEntryId>", 2),
                         ("</argEntryId>", 3),
                         ("<!-- x --><EntryNo>0</EntryNo></argEntryId>", 5)):
        body = envelope(f"{pre}<SortNo>x</SortNo>{tail}</GetEntryId>")
        resp = raw_post(client.http, tfso_mock.url, ACCOUNT, body, "GetEntryId")
        assert fault(resp) == ("soap:Client", unreadable(
            1, body.index("<SortNo>x</SortNo>") + len("<SortNo>x</SortNo>") + offset,
            FORMAT)), tail
    crlf = envelope(f"{pre}\r\n  <SortNo>x</SortNo>\r\n</argEntryId></GetEntryId>")
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, crlf, "GetEntryId")
    assert fault(resp) == ("soap:Client", unreadable(2, 21, FORMAT))  # at the '\r' after </SortNo>
    empty = envelope(f"{pre}<Date />\n<SortNo>1</SortNo></argEntryId></GetEntryId>")
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, empty, "GetEntryId")
    assert fault(resp) == ("soap:Client", unreadable(
        1, empty.index("<Date />") + len("<Date />") + 1, "The string '' is not a valid AllXsd value."))


# --- the guide's examples --------------------------------------------------------------------

GUIDE_DIFFERENCE = """<DifferenceOptions>
    <Threshold>0.5</Threshold>
    <AccountId>1000</AccountId>
    <DueDate>2019-04-09T00:00:00</DueDate>
    <Date>2019-04-09T00:00:00</Date>
    <Comment>Øreavrunding</Comment>
    <Period>4</Period>
    <DepartmentId>1</DepartmentId>
    <ProjectId></ProjectId>
</DifferenceOptions>"""


def _with_difference(options: str) -> str:
    return envelope(
        f'<SaveBundleList xmlns="{NS}"><BundleList><SaveOption>0</SaveOption><Bundles><Bundle>'
        "<YearId>2024</YearId><Sort>10</Sort><Vouchers><Voucher><TransactionNo>1</TransactionNo>"
        "<Sort>10</Sort><Entries><Entry><AccountNo>1920</AccountNo><Date>2024-04-09T00:00:00"
        "</Date><Amount>100.00</Amount></Entry><Entry><AccountNo>3900</AccountNo><Date>"
        "2024-04-09T00:00:00</Date><Amount>-99.70</Amount></Entry></Entries>"
        f"{options}</Voucher></Vouchers></Bundle></Bundles></BundleList></SaveBundleList>")


def test_W9_S9_the_guides_empty_project_id_is_an_unreadable_int(client, tfso_mock):
    """Guide, Rounding functionality: "<ProjectId></ProjectId>" with "ProjectId Int What Project
    should be associated with the entry (Optional)". AccountV004.wsdl declares
    DifferenceOptions.ProjectId minOccurs=1 type s:int, not nillable: XmlSerializer reads it with
    XmlConvert.ToInt32(""), which throws "Input string was not in a correct format." The real
    service cannot read the example as printed, so neither does the emulator; "Optional" works
    by leaving the element out (DepartmentId 1 is kept)."""
    body = _with_difference(GUIDE_DIFFERENCE)
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, body, "SaveBundleList")
    lines = body.split("\n")
    n = next(i for i, ln in enumerate(lines) if "<ProjectId></ProjectId>" in ln)
    assert fault(resp) == ("soap:Client", unreadable(n + 1, len(lines[n]) + 1, FORMAT))
    assert client.ledger() == []
    left_out = _with_difference(GUIDE_DIFFERENCE.replace("    <ProjectId></ProjectId>\n", ""))
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, left_out, "SaveBundleList")
    assert "<Type>Ok</Type>" in resp.text, resp.text
    rounding = next(ln for ln in client.ledger() if ln["account_no"] == 1000)
    assert (rounding["amount"], rounding["department_id"], rounding["project_id"],
            rounding["comment"]) == ("-0.30", 1, 0, "Øreavrunding")


def test_W6_S10_the_guides_unwrapped_user_defined_dimensions_are_not_dropped_silently(client, tfso_mock):
    """Guide, Set UserDefined Dimensions: "<UserDefinedDimensions><Type>101</Type><Value>1</Value>
    </UserDefinedDimensions>". The WSDL's ArrayOfUserDefinedDimension holds <UserDefinedDimension>
    items; XmlSerializer skips the unwrapped Type and Value without a word, so the entry is saved
    without the dimension, as the real service saves it. The emulator says so in the control
    API's request journal (before: nothing anywhere)."""
    entries = ("<Entries><Entry><AccountNo>1920</AccountNo><Date>2024-01-31T00:00:00</Date>"
               "<Amount>10.00</Amount><UserDefinedDimensions><Type>101</Type><Value>1</Value>"
               "</UserDefinedDimensions></Entry><Entry><AccountNo>3900</AccountNo><Date>"
               "2024-01-31T00:00:00</Date><Amount>-10.00</Amount></Entry></Entries>")
    body = envelope(
        f'<SaveBundleList xmlns="{NS}"><BundleList><SaveOption>0</SaveOption><Bundles><Bundle>'
        "<YearId>2024</YearId><Sort>10</Sort><Vouchers><Voucher><TransactionNo>1</TransactionNo>"
        f"<Sort>10</Sort>{entries}</Voucher></Vouchers></Bundle></Bundles></BundleList>"
        "</SaveBundleList>")
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, body, "SaveBundleList")
    assert "<Type>Ok</Type>" in resp.text
    assert [ln["dimensions"] for ln in client.ledger()] == [[], []]
    hint = ("is not in the WSDL and was ignored, as .NET's XmlSerializer ignores it; "
            "UserDefinedDimensions holds <UserDefinedDimension> elements, so wrap each item in "
            "<UserDefinedDimension>.")
    assert client.requests(operation="SaveBundleList")[-1]["warnings"] == [
        f"Element 'Type' in 'UserDefinedDimensions' (line 1) {hint}",
        f"Element 'Value' in 'UserDefinedDimensions' (line 1) {hint}",
    ]
    wrapped = body.replace("<UserDefinedDimensions><Type>101</Type><Value>1</Value>",
                           "<UserDefinedDimensions><UserDefinedDimension><Type>101</Type><Value>1"
                           "</Value></UserDefinedDimension>").replace("<TransactionNo>1<", "<TransactionNo>2<")
    resp = raw_post(client.http, tfso_mock.url, ACCOUNT, wrapped, "SaveBundleList")
    assert "<Type>Ok</Type>" in resp.text
    assert client.ledger()[2]["dimensions"] == [{"type": 101, "value": "1"}]
    assert "warnings" not in client.requests(operation="SaveBundleList")[-1]

