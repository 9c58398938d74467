"""The short cuts of the SaveBundleList hot path give the general path's answer, byte for byte.

The readers take the usual forms directly: an XML declaration followed by the root element skips
the prolog scan (``envelope.dtd_in_prolog``), an int of up to nine plain digits and a decimal of
up to 28 characters skip .NET's range and rounding checks (``codec._parse_int`` and
``_parse_decimal``). Each case here is sent twice over a real socket: in the usual form, then
with the same values written so that only the general path reads them (white space around a
number, a line break after the declaration), and the two answers must be the same bytes: valid
bundles, bundles the rules refuse, values .NET cannot read, prefixed namespaces and SOAP 1.2.
"""

from __future__ import annotations

import itertools

import pytest
import requests

from helpers import ACCOUNT, NS, SOAP11, SOAP12, raw_post

#: a transaction number per post: every valid bundle books a new voucher
_NUMBERS = itertools.count(20000)


@pytest.fixture
def client(tfso_new_client):
    return tfso_new_client(fiscal_years=[2024])


def _int(value: str, general: bool) -> str:
    return f" {value}" if general else value  # white space: only the general reader takes it


def _dec(value: str, general: bool) -> str:
    return value + " " * 30 if general else value  # over 28 characters: the general reader


def _body(general: bool, *, version: str = SOAP11, prefix: str = "", amounts=("1250.00", "-1250.00"),
          accounts=("1920", "3000"), date: str = "2024-01-15T00:00:00", sort: str = "1",
          year: str = "2024", extra: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{NS}"' if prefix else f'xmlns="{NS}"'
    number = str(next(_NUMBERS))
    entries = "".join(
        f"<{p}Entry><{p}AccountNo>{_int(acc, general)}</{p}AccountNo><{p}Date>{date}</{p}Date>"
        f"<{p}Amount>{_dec(amount, general)}</{p}Amount><{p}Comment>fast</{p}Comment>"
        f"<{p}VatAmount>{_dec('0', general)}</{p}VatAmount></{p}Entry>"
        for acc, amount in zip(accounts, amounts, strict=True))
    operation = (
        f"<{p}SaveBundleList {ns}><{p}BundleList><{p}SaveOption>{_int('0', general)}</{p}SaveOption>"
        f"<{p}Bundles><{p}Bundle><{p}YearId>{_int(year, general)}</{p}YearId>"
        f"<{p}Sort>{_int(sort, general)}</{p}Sort><{p}Name>fast</{p}Name>"
        f"<{p}Vouchers><{p}Voucher><{p}TransactionNo>{_int(number, general)}</{p}TransactionNo>"
        f"<{p}Entries>{entries}</{p}Entries></{p}Voucher></{p}Vouchers></{p}Bundle></{p}Bundles>"
        f"{extra}</{p}BundleList></{p}SaveBundleList>")
    declaration = '<?xml version="1.0" encoding="utf-8"?>' + ("\n" if general else "")
    return (declaration + f'<soap:Envelope xmlns:soap="{version}" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
            f"<soap:Body>{operation}</soap:Body></soap:Envelope>").encode()


CASES = {
    "valid": ({}, b"<Type>Ok</Type>"),
    "valid, prefixed namespace": ({"prefix": "tns"}, b"<Type>Ok</Type>"),
    "valid, SOAP 1.2": ({"version": SOAP12}, b"<Type>Ok</Type>"),
    "unbalanced": ({"amounts": ("1250.00", "-1249.99")},
                   b"Voucher is not in balance. Difference: 0.01 (Bundle 1, Voucher 1)"),
    "unknown account": ({"accounts": ("1920", "99999")}, b"99999"),
    "unknown type": ({"sort": "777"}, b"777"),
    "no fiscal year": ({"year": "2031"}, b"iError:2"),
    "date outside the fiscal year": ({"date": "2023-12-31T00:00:00"}, b"<Type>"),
    "SOAP 1.2, unbalanced": ({"version": SOAP12, "amounts": ("10.00", "-9.00")},
                             b"Difference: 1.00"),
}


def _post(client, tfso_mock, body: bytes, version: str) -> requests.Response:
    return raw_post(client.http, tfso_mock.url, ACCOUNT, body, "SaveBundleList", version)


@pytest.mark.parametrize("name", list(CASES))
def test_the_usual_forms_answer_as_the_general_path(client, tfso_mock, name):
    kw, expected = CASES[name]
    version = kw.get("version", SOAP11)
    fast = _post(client, tfso_mock, _body(False, **kw), version)
    general = _post(client, tfso_mock, _body(True, **kw), version)
    assert fast.status_code == general.status_code == 200
    assert expected in fast.content
    assert fast.content == general.content
    assert fast.headers["Content-Type"] == general.headers["Content-Type"]


@pytest.mark.parametrize("name,kw,value,element,inner", [
    ("bad date", {"date": "2024-13-01T00:00:00"}, "2024-13-01T00:00:00", "Date",
     "The string '2024-13-01T00:00:00' is not a valid AllXsd value."),
    ("a decimal that is not one", {"amounts": ("12,50", "-12.50")}, "12,50", "Amount",
     "Input string was not in a correct format."),
    ("an int that is not one", {"accounts": ("19x0", "3000")}, "19x0", "AccountNo",
     "Input string was not in a correct format."),
    ("an int beyond Int32", {"accounts": ("2147483648", "3000")}, "2147483648", "AccountNo",
     "Value was either too large or too small for an Int32."),
])
def test_values_net_cannot_read_are_the_same_fault_either_way(client, tfso_mock, name, kw, value,
                                                              element, inner):
    """Every value the short cuts do not take goes to the general reader: .NET's text, at the
    position .NET reports in each form (the node after the failing element: the next start tag,
    at its name), and otherwise the same bytes."""
    answers = []
    for general in (False, True):
        body = _body(general, **kw)
        resp = _post(client, tfso_mock, body, SOAP11)
        assert resp.status_code == 500
        text = body.decode()
        line_no = 2 if general else 1
        line = text.split("\n")[line_no - 1]
        column = line.index(f"</{element}>", line.index(value)) + len(f"</{element}>") + 2
        position = f"({line_no}, {column})".encode()
        expected = (b"<faultcode>soap:Client</faultcode><faultstring>Server was unable to read "
                    b"request. ---&gt; There is an error in XML document " + position
                    + b". ---&gt; " + inner.encode() + b"</faultstring>")
        assert expected in resp.content, resp.content
        answers.append(resp.content.replace(position, b"(LINE, COLUMN)"))
    assert answers[0] == answers[1]


def test_missing_elements_take_their_defaults_either_way(client, tfso_mock):
    """Elements left out (VatAmount, SaveOption) read as their WSDL defaults on both paths."""
    bodies = [_body(general).replace(b"<VatAmount>0</VatAmount>", b"").replace(
        b"<VatAmount>0" + b" " * 30 + b"</VatAmount>", b"") for general in (False, True)]
    assert b"VatAmount" not in bodies[0] and b"VatAmount" not in bodies[1]
    answers = [_post(client, tfso_mock, body, SOAP11).content for body in bodies]
    assert b"<Type>Ok</Type>" in answers[0]
    assert answers[0] == answers[1]
