"""Small builders for SaveBundleList payloads and raw SOAP calls, shared by the contract tests."""

from __future__ import annotations

import datetime as dt
import pathlib
from decimal import Decimal

import requests

ROOT_README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
ACCOUNT = "/Economy/Account/V004/Accountservice.asmx"
AUTH = "/authenticate/v001/authenticate.asmx"
NS = "http://24sevenOffice.com/webservices"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"


def entry(account_no: int, amount: str, day: dt.date = dt.date(2024, 1, 31), **kw) -> dict:
    e = {"AccountNo": account_no, "Date": dt.datetime(day.year, day.month, day.day),
         "Amount": Decimal(amount)}
    e.update(kw)
    return e


def voucher(entries: list[dict], transaction_no: int = 0, sort: int = 1, **kw) -> dict:
    return {"TransactionNo": transaction_no, "Sort": sort, "Entries": {"Entry": entries}, **kw}


def bundle(vouchers: list[dict], year: int = 2024, sort: int = 1, **kw) -> dict:
    return {"YearId": year, "Sort": sort, "Name": "contract test", "Vouchers": {"Voucher": vouchers}, **kw}


def bundle_list(bundles: list[dict], save_option: int = 0, **kw) -> dict:
    return {"SaveOption": save_option, "Bundles": {"Bundle": bundles}, **kw}


def sale(transaction_no: int, net: str = "100.00", vat: str = "25.00", day=dt.date(2024, 1, 31),
         customer: int = 123, **kw) -> dict:
    """A balanced sale with output VAT: receivable, revenue with TaxNo 3, VAT on 2700."""
    gross = str(Decimal(net) + Decimal(vat))
    return voucher([
        entry(1500, gross, day, CustomerId=customer, **kw),
        entry(3000, "-" + net, day, TaxNo="3"),
        entry(2700, "-" + vat, day),
    ], transaction_no=transaction_no, sort=1)


def save(client, blist: dict) -> tuple:
    """SaveBundleList through the client's zeep service: (result Type, Description)."""
    result = client.account.SaveBundleList(blist)
    return result.Type, result.Description


def amounts(lines: list[dict]) -> list[tuple]:
    """(account number, amount) of each line of a control-API ledger or journal dump."""
    return [(ln["account_no"], ln["amount"]) for ln in lines]


def envelope(body: str, version: str = SOAP11) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{version}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>{body}</soap:Body></soap:Envelope>'
    )


def soap_action(path: str, operation: str) -> str:
    """The soapAction the vendor WSDL of the service at ``path`` gives ``operation`` (its
    namespace, a ``/`` unless it ends with one, the operation): what .NET, zeep or PHP send."""
    from mockserver.soap.dispatch import SERVICES

    ns = SERVICES[path.lower()].ns
    return (ns if ns.endswith("/") else ns + "/") + operation


def raw_post(session: requests.Session, base_url: str, path: str, xml: str | bytes,
             operation: str | None = None, version: str = SOAP11, **headers) -> requests.Response:
    """POST an envelope as .NET would: SOAPAction for 1.1, action= in the content type for 1.2
    (the service's own soapAction of ``operation``)."""
    hdrs = {}
    if version == SOAP11:
        hdrs["Content-Type"] = "text/xml; charset=utf-8"
        if operation:
            hdrs["SOAPAction"] = f'"{soap_action(path, operation)}"'
    else:
        ct = "application/soap+xml; charset=utf-8"
        if operation:
            ct += f'; action="{soap_action(path, operation)}"'
        hdrs["Content-Type"] = ct
    hdrs.update(headers)
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return session.post(base_url + path, data=data, headers=hdrs, timeout=30)
