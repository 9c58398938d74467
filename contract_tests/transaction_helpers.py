"""Shared set-up for the TransactionService (T1) and REST /transactionlines (R1-R4) tests:
vouchers posted through SaveBundleList, OAuth tokens, and the admin snapshot's times."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import requests

from helpers import bundle, bundle_list, entry, voucher

UTC = dt.UTC
AUDIENCE = "https://api.24sevenoffice.com"


def _vendor_read_scopes() -> str:
    """Every ``:read`` scope the vendor's OpenAPI 0.56.0 names, sorted and space-separated: what a
    token asked for without ``scope`` carries (read here from the vendor file, not the code)."""
    import pathlib

    import yaml

    path = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "vendor" / "rest-0.56.0.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    scopes = {s for item in doc["paths"].values() for op in item.values() if isinstance(op, dict)
              for req in op.get("security") or () for s in req.get("tfso", ())}
    return " ".join(sorted(s for s in scopes if s.endswith(":read")))


ALL_SCOPES = _vendor_read_scopes()


def rich_sale(transaction_no: int = 10000, day: dt.date = dt.date(2024, 1, 31)) -> dict:
    """A sale with everything a line can carry: customer, invoice, OCR, due date,
    department, project, user-defined dimensions, comment, VAT code."""
    return voucher([
        entry(1500, "125.00", day, CustomerId=123, InvoiceReferenceNo="INV-2024-001",
              InvoiceOcr="12345678903", DueDate=dt.datetime(2024, 2, 14), DepartmentId=7,
              ProjectId=13, Comment="Consulting, January",
              UserDefinedDimensions={"UserDefinedDimension": [{"Type": 101, "Value": "Oslo"}]}),
        entry(3000, "-100.00", day, TaxNo="3", DepartmentId=7),
        entry(2700, "-25.00", day),
    ], transaction_no=transaction_no, sort=1)


def transfer(amount: str, day: dt.date, customer: int = 123, sort: int = 3,
             transaction_no: int = 0, **kw) -> dict:
    """A two-line voucher (bank against receivable), no VAT; without a TransactionNo ``save``
    numbers it with GetEntryId."""
    return voucher([entry(1920, amount, day), entry(1500, f"{-Decimal(amount)}", day,
                                                    CustomerId=customer, **kw)], sort=sort,
                   transaction_no=transaction_no)


def save(client, vouchers: list[dict], save_option: int = 0, sort: int = 1) -> None:
    """Save the vouchers as one bundle; a voucher without a TransactionNo is numbered the way
    the guide says, with GetEntryId on its type's entry series."""
    numbers: dict[int, int] = {}
    unnumbered = [v for v in vouchers if not v["TransactionNo"]]
    series = {t.TypeNo: t.EntrySeriesId for t in client.account.GetTypeList()} if unnumbered else {}
    for v in unnumbered:
        sid = series[v["Sort"] or sort]
        if sid not in numbers:
            day = v["Entries"]["Entry"][0]["Date"]
            numbers[sid] = client.account.GetEntryId(
                {"Date": day, "SortNo": sid, "EntryNo": 0}).EntryNo
        else:
            numbers[sid] += 1
        v["TransactionNo"] = numbers[sid]
    result = client.account.SaveBundleList(
        bundle_list([bundle(vouchers, sort=sort)], save_option=save_option))
    assert (result.Type, result.Description) == ("Ok", None)


def instant(text: str | None) -> dt.datetime | None:
    """An admin snapshot time (ISO with offset) as an aware datetime."""
    return dt.datetime.fromisoformat(text) if text else None


def zulu(text: str) -> str:
    """An admin snapshot time as the REST surface writes it: UTC, milliseconds, Z."""
    value = instant(text).astimezone(UTC)
    ms = f".{value.microsecond // 1000:03d}" if value.microsecond else ""
    return value.strftime("%Y-%m-%dT%H:%M:%S") + ms + "Z"


def token_response(base_url: str, client, **overrides) -> requests.Response:
    oauth = client.info["oauth"]
    form = {"grant_type": "client_credentials", "client_id": oauth["client_id"],
            "client_secret": oauth["client_secret"], "audience": AUDIENCE,
            "login_organization": oauth["organization"]}
    form.update(overrides)
    form = {k: v for k, v in form.items() if v is not None}
    return requests.post(f"{base_url}/oauth/token", data=form, timeout=30)


def bearer(base_url: str, client, **overrides) -> dict:
    resp = token_response(base_url, client, **overrides)
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def exact(resp: requests.Response):
    """The JSON body with every fraction as Decimal, trackingId dropped after a shape check."""
    data = json.loads(resp.text, parse_float=Decimal)
    if isinstance(data, dict) and "trackingId" in data:
        assert len(data.pop("trackingId")) == 12
    return data


def caller(base_url: str, client):
    """``call(method, path, **kw)``: a request to /v1 with the client's default bearer token
    (every read scope); ``headers=`` replaces the token (another scope, or none)."""
    default = bearer(base_url, client)

    def call(method: str, path: str, headers=default, **kw) -> requests.Response:
        return requests.request(method, f"{base_url}/v1{path}", headers=headers, timeout=30, **kw)

    return call


def rest_fixtures(write_scope: str | None = None, start: dt.datetime | None = None):
    """The fixtures the REST test modules share: ``client`` (a new client with fiscal year 2024,
    its clock set to ``start`` when given, reset afterwards), ``call`` (requests to /v1 with its
    default token) and ``writer`` (a token header with ``write_scope``). A module takes them with
    ``client, call, writer = rest_fixtures(WRITE, start=T0)``; pytest finds them by name."""
    import pytest

    @pytest.fixture
    def client(tfso_new_client):
        c = tfso_new_client(fiscal_years=[2024])
        if start is not None:
            c.set_time(start)
        yield c
        c.reset_clock()

    @pytest.fixture
    def call(tfso_mock, client):
        return caller(tfso_mock.url, client)

    @pytest.fixture
    def writer(tfso_mock, client):
        return bearer(tfso_mock.url, client, scope=write_scope)

    return client, call, writer
