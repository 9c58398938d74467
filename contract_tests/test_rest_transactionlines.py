"""R1-R4 and A5: REST GET /v1/transactionlines[/{id}] and the OAuth2 token endpoint, over a real
socket with requests, with the py24so client (written against the vendor's OpenAPI spec), and
with schemathesis driven by the emulator's /v1/openapi.json."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import pathlib
import re
import uuid
from decimal import Decimal

import jsonschema
import pytest
import requests
import yaml
from transaction_helpers import (
    ALL_SCOPES,
    AUDIENCE,
    bearer,
    rich_sale,
    save,
    token_response,
    transfer,
    zulu,
)

from mockserver.rest import openapi

from helpers import entry, voucher

VENDOR = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "vendor"
TRACKING = re.compile(r"^[0-9a-f]{12}$")
READ = "api.accounting.transaction:read"


@pytest.fixture
def client(tfso_new_client):
    return tfso_new_client(fiscal_years=[2024])


@pytest.fixture
def api(tfso_mock, client):
    """GET helper for /v1 with the client's bearer token."""
    headers = bearer(tfso_mock.url, client)

    def get(path: str, headers=headers, **params) -> requests.Response:
        return requests.get(f"{tfso_mock.url}/v1{path}", params=params, headers=headers, timeout=30)

    return get


def body(resp: requests.Response):
    """The JSON body with every number as Decimal (exact amounts), trackingId checked apart."""
    data = json.loads(resp.text, parse_float=Decimal)
    if isinstance(data, dict) and "trackingId" in data:
        assert TRACKING.match(data.pop("trackingId"))
    return data


@functools.cache
def vendor_spec() -> dict:
    return yaml.safe_load((VENDOR / "rest.yaml").read_text(encoding="utf-8"))


@functools.cache
def vendor_spec_056() -> dict:
    return yaml.safe_load((VENDOR / "rest-0.56.0.yaml").read_text(encoding="utf-8"))


def vendor_validator(name: str) -> jsonschema.Draft4Validator:
    """A validator for one of the vendor's component schemas (OpenAPI 3.0 is Draft 4-like:
    boolean exclusiveMinimum)."""
    spec = vendor_spec()
    return jsonschema.Draft4Validator({"$ref": f"#/components/schemas/{name}",
                                       "components": spec["components"]})


# --- R3/R4: the same ledger, the vendor's shape ------------------------------------------------


def expected_items(client) -> list[dict]:
    """The rich_sale voucher as the vendor's Transaction schema describes it."""
    ledger = client.ledger()
    voucher_id = str(uuid.uuid5(uuid.UUID("6c1f7e52-3a0b-4d8e-9f3c-24500000f00d"),
                                f"{client.client_id}/1/2024/10000"))
    times = {"periodDate": "2024-01-01", "createdAt": zulu(ledger[0]["created_at"]),
             "modifiedAt": zulu(ledger[0]["modified_at"])}
    common = {"transaction": {"id": voucher_id, "number": 10000}, "transactionType": {"id": 101}}
    nok = {"code": "NOK", "rate": Decimal("1")}
    return [
        {"id": ledger[0]["line_id"], **common,
         "account": {"id": 11500, "number": 1500, "name": "Kundefordringer"},
         "transactionType": {"id": 101}, "tax": {"id": 2000, "rate": Decimal("0")},
         "amount": Decimal("125.00"), "currency": nok, "date": "2024-01-31",
         "invoice": {"number": "INV-2024-001", "dueDate": "2024-02-14",
                     "remittanceReference": "12345678903"},
         "customer": {"id": 123}, "comment": "Consulting, January", **times},
        {"id": ledger[1]["line_id"], **common,
         "account": {"id": 13000, "number": 3000, "name": "Salgsinntekt, avgiftspliktig"},
         "tax": {"id": 2003, "rate": Decimal("25")}, "amount": Decimal("-100.00"),
         "currency": nok, "date": "2024-01-31", **times},
        {"id": ledger[2]["line_id"], **common,
         "account": {"id": 12700, "number": 2700, "name": "Utgående merverdiavgift"},
         "tax": {"id": 2000, "rate": Decimal("0")}, "amount": Decimal("-25.00"),
         "currency": nok, "date": "2024-01-31", **times},
    ]


def test_R4_R3_voucher_posted_with_save_option_0_is_returned_in_the_vendor_shape(client, api):
    save(client, [rich_sale(10000)])
    resp = api("/transactionlines", dateFrom="2024-01-01", dateTo="2024-02-01")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    items = body(resp)
    assert items == expected_items(client)
    assert list(items[0]) == ["id", "transaction", "account", "transactionType", "tax", "amount",
                              "currency", "date", "invoice", "customer", "comment", "periodDate",
                              "createdAt", "modifiedAt"]
    assert '"amount":125.00,' in resp.text  # the Decimal's own digits, as a JSON number
    vendor_validator("Transactions").validate(json.loads(resp.text))
    # ... and the same lines GetTransactions returns (T1)
    rows = client.transactions.GetTransactions(
        {"DateStart": dt.datetime(2024, 1, 1), "DateEnd": dt.datetime(2024, 1, 31),
         "SystemType": None, "HasInvoiceId": None})
    assert [(r.Id, r.AccountNo, r.Amount, r.Date.date().isoformat(), r.TransactionNo) for r in rows] == [
        (i["id"], i["account"]["number"], i["amount"], i["date"], i["transaction"]["number"])
        for i in items]


def test_R3_single_line_by_id_and_include_dimensions(client, api):
    save(client, [rich_sale(10000)])
    first = expected_items(client)[0]
    resp = api(f"/transactionlines/{first['id']}")
    assert (resp.status_code, body(resp)) == (200, first)
    vendor_validator("Transaction").validate(json.loads(resp.text))
    dims = [
        {"dimensionType": 2, "dimensionTypeName": "Department", "value": "7",
         "name": "Department with ID 7"},
        {"dimensionType": 1, "dimensionTypeName": "Project", "value": "13",
         "name": "Project with ID 13"},
        {"dimensionType": 101, "dimensionTypeName": "Dimension 101", "value": "Oslo",
         "name": "Dimension 101 with ID Oslo"},
    ]
    resp = api(f"/transactionlines/{first['id']}", includeDimensions="true")
    assert body(resp) == {**first, "dimensions": dims}
    resp = api("/transactionlines", dateFrom="2024-01-01", dateTo="2024-02-01",
               includeDimensions="true")
    listed = body(resp)
    assert [i["dimensions"] for i in listed] == [dims, dims[:1], []]
    assert list(listed[0])[-5:] == ["dimensions", "comment", "periodDate", "createdAt",
                                    "modifiedAt"]
    vendor_validator("Transactions").validate(json.loads(resp.text))


def test_R3_unknown_malformed_and_journal_ids(client, api):
    save(client, [transfer("10.00", dt.date(2024, 1, 5))], save_option=1)
    journal_line = client.journal()[0]["line_id"]
    missing = str(uuid.UUID(int=42))
    for line_id in (missing, journal_line):
        resp = api(f"/transactionlines/{line_id}")
        assert (resp.status_code, body(resp)) == (404, {"error": {
            "name": "NotFoundError", "message": f"Transaction line {line_id} was not found"}})
    resp = api("/transactionlines/not-a-guid")
    assert (resp.status_code, body(resp)) == (400, {"error": {
        "name": "ValidationError", "message": "id must be a GUID",
        "payload": {"validationErrors": [{"path": "id", "keyword": "format"}]}}})
    client.approve_journal()
    assert api(f"/transactionlines/{journal_line}").status_code == 200


def test_R4_S1_a_journal_appears_only_after_approval(client, api):
    save(client, [transfer("500.00", dt.date(2024, 1, 15))], save_option=1)
    assert body(api("/transactionlines", dateFrom="2024-01-01", dateTo="2025-01-01")) == []
    assert client.approve_journal() == 2
    items = body(api("/transactionlines", dateFrom="2024-01-01", dateTo="2025-01-01"))
    ledger = client.ledger()
    assert [(i["id"], i["account"]["number"], i["amount"], i["date"], i["modifiedAt"]) for i in items] == [
        (ln["line_id"], ln["account_no"], Decimal(ln["amount"]), ln["date"], zulu(ln["modified_at"]))
        for ln in ledger]
    assert [i["amount"] for i in items] == [Decimal("500.00"), Decimal("-500.00")]


# --- R1: the date range ------------------------------------------------------------------------


def test_R1_date_from_is_inclusive_and_date_to_exclusive(client, api):
    save(client, [transfer("31.00", dt.date(2024, 1, 31)), transfer("1.00", dt.date(2024, 2, 1))])

    def amounts(date_from, date_to):
        resp = api("/transactionlines", dateFrom=date_from, dateTo=date_to, accountNumber=1920)
        assert resp.status_code == 200
        return [i["amount"] for i in body(resp)]

    assert amounts("2024-01-01", "2024-02-01") == [Decimal("31.00")]
    assert amounts("2024-01-01", "2024-01-31") == []
    assert amounts("2024-01-31", "2024-02-01") == [Decimal("31.00")]
    assert amounts("2024-01-31", "2024-02-02") == [Decimal("31.00"), Decimal("1.00")]
    assert amounts("2024-02-01", "2024-02-01") == []
    assert amounts("2024-03-01", "2024-01-01") == []


@pytest.mark.parametrize("params,errors", [
    ({"dateTo": "2024-02-01"}, [("dateFrom", "required")]),
    ({"dateFrom": "2024-01-01"}, [("dateTo", "required")]),
    ({}, [("dateFrom", "required"), ("dateTo", "required")]),
    ({"dateFrom": "2024-13-01", "dateTo": "2024-02-01"}, [("dateFrom", "format")]),
    ({"dateFrom": "2024-1-1", "dateTo": "01.02.2024"}, [("dateFrom", "format"), ("dateTo", "format")]),
    ({"dateFrom": "", "dateTo": "2024-02-30"}, [("dateFrom", "format"), ("dateTo", "format")]),
    ({"dateFrom": "2024-01-01", "dateTo": "2024-02-01", "limit": "0"}, [("limit", "minimum")]),
    ({"dateFrom": "2024-01-01", "dateTo": "2024-02-01", "page": "-1", "limit": "ten"},
     [("limit", "type"), ("page", "minimum")]),
    ({"dateFrom": "2024-01-01", "dateTo": "2024-02-01", "customerId": "1.5",
      "transactionNumber": "abc", "includeDimensions": "yes"},
     [("transactionNumber", "type"), ("customerId", "type"), ("includeDimensions", "type")]),
])
def test_R1_missing_or_malformed_parameters_are_a_400_in_the_vendor_shape(api, params, errors):
    resp = api("/transactionlines", **params)
    assert resp.status_code == 400
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    shown = ", ".join(f"{p} ({k})" for p, k in errors)
    assert body(resp) == {"error": {
        "name": "ValidationError", "message": f"Invalid query parameters: {shown}",
        "payload": {"validationErrors": [{"path": p, "keyword": k} for p, k in errors]}}}
    vendor_validator("ValidationError").validate(json.loads(resp.text))


# --- R2: filters, paging, link header ------------------------------------------------------------


@pytest.fixture
def books(client):
    save(client, [rich_sale(10000, dt.date(2024, 1, 10))])
    save(client, [voucher([
        entry(1500, "250.00", dt.date(2024, 2, 10), CustomerId=10001, InvoiceReferenceNo="INV-2024-002"),
        entry(3000, "-200.00", dt.date(2024, 2, 10), TaxNo="3"),
        entry(2700, "-50.00", dt.date(2024, 2, 10)),
    ], transaction_no=10001)])
    save(client, [voucher([entry(1920, "100.00", dt.date(2024, 2, 20), CurrencyId="EUR",
                                 CurrencyRate=Decimal("11.5"), CurrencyUnit=1),
                           entry(1500, "-1150.00", dt.date(2024, 2, 20), CustomerId=123)], sort=3)],
         sort=3)
    return client.ledger()


@pytest.mark.parametrize("params,expected", [
    ({"transactionNumber": "10001"}, [(10001, 1500), (10001, 3000), (10001, 2700)]),
    ({"transactionNumber": "10001.0"}, [(10001, 1500), (10001, 3000), (10001, 2700)]),
    ({"transactionNumber": "10001.5"}, []),
    ({"transactionTypeId": "103"}, [(30000, 1920), (30000, 1500)]),
    ({"customerId": "123"}, [(10000, 1500), (30000, 1500)]),
    ({"accountId": "11500"}, [(10000, 1500), (10001, 1500), (30000, 1500)]),
    ({"accountId": "99"}, []),
    ({"accountNumber": "3000"}, [(10000, 3000), (10001, 3000)]),
    ({"invoiceNumber": "INV-2024-001"}, [(10000, 1500)]),
    ({"currencyCode": "EUR"}, [(30000, 1920)]),
    ({"currencyCode": "NOK", "accountNumber": "1500"}, [(10000, 1500), (10001, 1500), (30000, 1500)]),
    ({"customerId": "123", "dateFrom": "2024-02-01"}, [(30000, 1500)]),
])
def test_R2_filters(api, books, params, expected):
    resp = api("/transactionlines", **{"dateFrom": "2024-01-01", "dateTo": "2025-01-01", **params})
    assert resp.status_code == 200, resp.text
    assert [(i["transaction"]["number"], i["account"]["number"]) for i in body(resp)] == expected


def test_R2_R3_foreign_currency_line(api, books):
    items = body(api("/transactionlines", dateFrom="2024-01-01", dateTo="2025-01-01", currencyCode="EUR"))
    assert [(i["amount"], i["currency"]) for i in items] == [
        (Decimal("100.00"), {"code": "EUR", "rate": Decimal("11.5")})]


def test_R2_limit_page_and_link_header(tfso_mock, api, books):
    base = f"{tfso_mock.url}/v1/transactionlines?dateFrom=2024-01-01&dateTo=2025-01-01&limit=3"
    pages = []
    for page in (1, 2, 3, 4):
        resp = api("/transactionlines", dateFrom="2024-01-01", dateTo="2025-01-01", limit="3",
                   page=str(page))
        assert resp.status_code == 200
        pages.append(([(i["transaction"]["number"], i["account"]["number"]) for i in body(resp)],
                      resp.headers["link"]))
    assert pages == [
        ([(10000, 1500), (10000, 3000), (10000, 2700)],
         f'<{base}&page=1>; rel="first", <{base}&page=2>; rel="next"'),
        ([(10001, 1500), (10001, 3000), (10001, 2700)],
         f'<{base}&page=1>; rel="first", <{base}&page=1>; rel="previous", <{base}&page=3>; rel="next"'),
        ([(30000, 1920), (30000, 1500)],
         f'<{base}&page=1>; rel="first", <{base}&page=2>; rel="previous"'),
        ([], f'<{base}&page=1>; rel="first", <{base}&page=3>; rel="previous"'),
    ]
    # limit defaults to 50, page to 1
    resp = api("/transactionlines", dateFrom="2024-01-01", dateTo="2025-01-01")
    assert len(body(resp)) == 8
    assert resp.headers["link"] == (f"<{tfso_mock.url}/v1/transactionlines?dateFrom=2024-01-01"
                                    '&dateTo=2025-01-01&page=1>; rel="first"')


def load_thousand_lines(client) -> None:
    """1,000 ledger lines: 500 two-line vouchers over 2024, 100 vouchers per SaveBundleList."""
    for batch in range(5):
        vouchers = []
        for i in range(100):
            n = batch * 100 + i
            day = dt.date(2024, 1, 1) + dt.timedelta(days=n * 365 // 500)
            amount = f"{n + 1}.{n % 100:02d}"
            vouchers.append(voucher([entry(1920, amount, day), entry(3900, f"-{amount}", day)],
                                    sort=10))
        save(client, vouchers, sort=10)


def test_R2_A5_a_client_written_against_the_vendor_openapi_pages_through_1000_lines(tfso_mock, client):
    """py24so (a typed client of the vendor's REST API) gets its own token and follows the link
    header through every page; the amounts are read exactly from the raw JSON."""
    from py24so import Client24SO, ClientOptions

    load_thousand_lines(client)
    ledger = client.ledger()
    assert len(ledger) == 1000
    oauth = client.info["oauth"]
    options = ClientOptions(base_url=f"{tfso_mock.url}/v1", token_url=f"{tfso_mock.url}/oauth/token",
                            max_retries=0)
    with Client24SO(oauth["client_id"], oauth["client_secret"], oauth["organization"],
                    options=options) as api24:

        def pages(**kw):
            out = []
            for page in api24.transaction_lines.list(date_from="2024-01-01", date_to="2025-01-01",
                                                     **kw).pages():
                out.append(page)
                if not page.has_next:
                    # py24so, after a full last page without a rel="next" link, probes page 2
                    # again; the link header says there is no more, so stop here.
                    break
            return out

        hundreds = pages(page_size=100)
        assert [(len(p), p.has_next) for p in hundreds] == [(100, True)] * 9 + [(100, False)]
        raw = [i for p in hundreds for i in p.response.json(parse_float=Decimal)]
        assert [(i["id"], i["amount"], i["date"]) for i in raw] == [
            (ln["line_id"], Decimal(ln["amount"]), ln["date"]) for ln in ledger]
        # the default page size (50): 20 requests, same lines, same order
        fifties = pages()
        assert [len(p) for p in fifties] == [50] * 20
        assert [item.id for p in fifties for item in p] == [ln["line_id"] for ln in ledger]
        one = api24.transaction_lines.get(ledger[999]["line_id"])
        assert (one.id, one.account.number, one.transaction_type.id) == (ledger[999]["line_id"], 3900, 110)
    requests_made = client.requests(operation="GetTransactionLines")
    assert len(requests_made) == 30
    assert {r["client_id"] for r in requests_made} == {client.client_id}


# --- A5: OAuth2 and bearer tokens ------------------------------------------------------------------


def jwt_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_A5_token_form_encoded_json_and_basic(tfso_mock, client):
    oauth = client.info["oauth"]
    form = token_response(tfso_mock.url, client)
    assert form.status_code == 200
    assert form.headers["Cache-Control"] == "no-store"
    data = form.json()
    assert sorted(data) == ["access_token", "expires_in", "scope", "token_type"]
    assert (data["expires_in"], data["token_type"], data["scope"]) == (3600, "Bearer", ALL_SCOPES)
    claims = jwt_claims(data["access_token"])
    assert (claims["exp"] - claims["iat"], claims["azp"], claims["org_id"], claims["aud"]) == (
        3600, oauth["client_id"], oauth["organization"], AUDIENCE)
    as_json = requests.post(f"{tfso_mock.url}/oauth/token", timeout=30, json={
        "grant_type": "client_credentials", "client_id": oauth["client_id"],
        "client_secret": oauth["client_secret"], "audience": AUDIENCE,
        "login_organization": oauth["organization"]})
    assert (as_json.status_code, as_json.json()["scope"]) == (200, ALL_SCOPES)
    basic = requests.post(f"{tfso_mock.url}/oauth/token", timeout=30,
                          auth=(oauth["client_id"], oauth["client_secret"]),
                          data={"grant_type": "client_credentials"})
    assert basic.status_code == 200
    tokens = {data["access_token"], as_json.json()["access_token"], basic.json()["access_token"]}
    assert len(tokens) == 3
    for token in tokens:
        resp = requests.get(f"{tfso_mock.url}/v1/transactionlines", timeout=30,
                            params={"dateFrom": "2024-01-01", "dateTo": "2024-02-01"},
                            headers={"Authorization": f"Bearer {token}"})
        assert (resp.status_code, resp.json()) == (200, [])


@pytest.mark.parametrize("overrides,status,error,description", [
    ({"grant_type": "password"}, 400, "unsupported_grant_type", "Unsupported grant type: password"),
    ({"grant_type": None}, 400, "invalid_request", "Missing required parameter: grant_type"),
    ({"client_secret": "wrong"}, 401, "invalid_client", "Client authentication failed"),
    ({"client_id": "nobody"}, 401, "invalid_client", "Client authentication failed"),
    ({"client_id": None}, 401, "invalid_client", "Missing required parameter: client_id"),
    ({"audience": "https://example.com"}, 403, "access_denied", "Service not found: https://example.com"),
    ({"login_organization": "00000000-0000-0000-0000-000000000001"}, 403, "access_denied",
     "The application is not connected to organization 00000000-0000-0000-0000-000000000001"),
    ({"scope": "api.sales:write"}, 400, "invalid_scope",
     "None of the requested scopes is granted: api.sales:write"),
])
def test_A5_token_errors_in_the_oauth_shape(tfso_mock, client, overrides, status, error, description):
    resp = token_response(tfso_mock.url, client, **overrides)
    assert (resp.status_code, resp.json()) == (status, {"error": error, "error_description": description})
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"


def test_A5_token_of_another_organization_cannot_be_had(tfso_mock, tfso_new_client, client):
    other = tfso_new_client(fiscal_years=[2024])
    resp = token_response(tfso_mock.url, client,
                          login_organization=other.info["oauth"]["organization"])
    assert resp.status_code == 403


UNAUTHORIZED = {"error": {"name": "UnauthorizedError", "message": "The access token is invalid"}}


@pytest.mark.parametrize("header,message", [
    (None, "Missing Authorization header"),
    ("Basic dXNlcjpwYXNz", "The Authorization header must be 'Bearer <access token>'"),
    ("Bearer", "The Authorization header must be 'Bearer <access token>'"),
    ("Bearer not-a-token", "The access token is invalid"),
])
@pytest.mark.parametrize("path", ["/transactionlines?dateFrom=2024-01-01&dateTo=2024-02-01",
                                  f"/transactionlines/{uuid.UUID(int=1)}"])
def test_A5_missing_or_invalid_bearer_token_is_401(tfso_mock, header, message, path):
    headers = {"Authorization": header} if header else {}
    resp = requests.get(f"{tfso_mock.url}/v1{path}", headers=headers, timeout=30)
    assert (resp.status_code, body(resp)) == (401, {"error": {"name": "UnauthorizedError",
                                                              "message": message}})
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_A5_expired_token_is_401(tfso_mock, client, api):
    if tfso_mock.app is None:
        pytest.skip("moves the in-process emulator's clock")
    assert api("/transactionlines", dateFrom="2024-01-01", dateTo="2024-02-01").status_code == 200
    clock = tfso_mock.app.clock
    clock.advance(3600)
    try:
        resp = api("/transactionlines", dateFrom="2024-01-01", dateTo="2024-02-01")
        assert (resp.status_code, body(resp)) == (401, {"error": {
            "name": "UnauthorizedError", "message": "The access token has expired"}})
        # a new token works again
        fresh = bearer(tfso_mock.url, client)
        assert api("/transactionlines", headers=fresh, dateFrom="2024-01-01",
                   dateTo="2024-02-01").status_code == 200
    finally:
        clock.advance(-3600)


def test_A5_token_without_the_read_scope_is_403(tfso_mock, client, api):
    save(client, [transfer("10.00", dt.date(2024, 1, 5))])
    headers = bearer(tfso_mock.url, client, scope="api.accounting.account:read")
    line_id = client.ledger()[0]["line_id"]
    for path, params in (("/transactionlines", {"dateFrom": "2024-01-01", "dateTo": "2024-02-01"}),
                         (f"/transactionlines/{line_id}", {})):
        resp = api(path, headers=headers, **params)
        assert (resp.status_code, body(resp)) == (403, {"error": {
            "name": "ForbiddenError", "message": f"The access token lacks the scope {READ}"}})
    narrow = bearer(tfso_mock.url, client, scope=f"{READ} api.sales:write")
    assert api(f"/transactionlines/{line_id}", headers=narrow).status_code == 200


def test_A5_R4_a_token_reads_only_its_own_client(tfso_mock, tfso_new_client, client, api):
    other = tfso_new_client(fiscal_years=[2024])
    save(other, [transfer("10.00", dt.date(2024, 1, 5))])
    theirs = other.ledger()[0]["line_id"]
    assert api(f"/transactionlines/{theirs}").status_code == 404
    assert body(api("/transactionlines", dateFrom="2024-01-01", dateTo="2024-02-01")) == []
    mine = bearer(tfso_mock.url, other)
    assert api(f"/transactionlines/{theirs}", headers=mine).status_code == 200


# --- never an HTML page ------------------------------------------------------------------------------


@pytest.mark.parametrize("method,path,status,name", [
    ("GET", "/v1/nothing", 404, "NotFoundError"),
    ("GET", "/v1/transactionlines/", 404, "NotFoundError"),
    ("POST", "/v1/transactionlines", 405, "MethodNotAllowedError"),
    ("DELETE", f"/v1/transactionlines/{uuid.UUID(int=1)}", 405, "MethodNotAllowedError"),
    ("GET", "/oauth/token", 405, "MethodNotAllowedError"),
    ("GET", "/oauth/authorize", 404, "NotFoundError"),
])
def test_R1_unknown_paths_and_methods_answer_vendor_json(tfso_mock, method, path, status, name):
    resp = requests.request(method, tfso_mock.url + path, timeout=30)
    assert resp.status_code == status
    assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
    assert body(resp)["error"]["name"] == name


# --- /v1/openapi.json --------------------------------------------------------------------------------


def test_R1_R2_R3_openapi_document_is_the_vendors_for_these_paths(tfso_mock):
    """/v1/openapi.json is the vendor's 0.56.0 document for what is served: same schemas, same
    /transactionlines parameters (0.33.1's plus createdFrom...modifiedAfter), same security;
    the deviations are the documented ones."""
    resp = requests.get(f"{tfso_mock.url}/v1/openapi.json", timeout=30)
    assert resp.status_code == 200
    ours = resp.json()
    vendor = vendor_spec_056()
    for name, schema in ours["components"]["schemas"].items():
        if name in vendor["components"]["schemas"]:
            expected = dict(vendor["components"]["schemas"][name])
            if name == "Transactions":
                del expected["minItems"]  # a documented deviation: an empty period is []
            if name == "CustomerPostRequest":  # documented: its discriminator maps strings
                del expected["discriminator"]
            if name == "Line":  # documented: LineWithoutId with the id, as one object
                expected = dict(vendor["components"]["schemas"]["LineWithoutId"])
                expected["properties"] = {"id": vendor["components"]["schemas"]["Line"][
                    "allOf"][0]["properties"]["id"], **expected["properties"]}
            if name == "FileUploadRequest":  # documented: contentType is a served enum
                expected["properties"] = {"contentType": {
                    **expected["properties"]["contentType"],
                    "enum": sorted(openapi.UPLOAD_TYPES)}}
            if name == "BankAccountRequestPost":  # documented: the optional initial balance
                expected["properties"] = {"balance": {
                    "$ref": "#/components/schemas/BankAccountBalanceRequestPost"}}
            assert schema == expected, name
    assert ours["components"]["securitySchemes"] == vendor["components"]["securitySchemes"]
    vendor_params = []
    for p in vendor["paths"]["/transactionlines"]["get"]["parameters"]:
        if p["in"] == "query":
            p = dict(p)
            if p.get("example") == {}:
                del p["example"]  # documented: the vendor's {} examples are not date-times
            vendor_params.append(p)
    our_params = ours["paths"]["/transactionlines"]["get"]["parameters"]
    for p in our_params:
        if p["name"] in ("limit", "page"):
            assert p["schema"].pop("minimum") == 1
    assert our_params == vendor_params
    assert [p["name"] for p in our_params][2:6] == ["createdFrom", "createdAfter", "modifiedFrom",
                                                    "modifiedAfter"]
    vendor_id = vendor["paths"]["/transactionlines/{id}"]["parameters"][0]
    our_id = ours["paths"]["/transactionlines/{id}"]["parameters"][0]
    assert our_id["schema"].pop("pattern") == openapi.GUID_PATTERN
    assert our_id == vendor_id
    assert ours["info"]["version"] == vendor["info"]["version"] == "0.56.0"
    for path, item in ours["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "patch", "put", "delete") and path != "/oauth/token":
                assert op["security"] == vendor["paths"][path][method]["security"], (method, path)
    # 0.33.1's item schema is unchanged in 0.56.0 but for periodDate and documentId
    old = dict(vendor_spec()["components"]["schemas"]["Transaction"]["properties"])
    new = dict(vendor["components"]["schemas"]["Transaction"]["properties"])
    assert set(new) - set(old) == {"periodDate", "documentId"}


def test_R3_amounts_are_exact_decimals(client, api):
    """29 significant digits survive the JSON answer (no float on the way)."""
    big = "1234567890123456789012345.67"
    save(client, [voucher([entry(1920, big, dt.date(2024, 1, 2)), entry(2000, f"-{big}", dt.date(2024, 1, 2))],
                          sort=10)], sort=10)
    resp = api("/transactionlines", dateFrom="2024-01-01", dateTo="2024-01-03")
    assert [i["amount"] for i in body(resp)] == [Decimal(big), Decimal(f"-{big}")]
    assert f'"amount":{big},' in resp.text and f'"amount":-{big},' in resp.text


def test_A5_R1_rest_calls_are_in_the_request_journal(tfso_mock, client, api):
    api("/transactionlines", dateFrom="2024-01-01", dateTo="2024-02-01")
    api("/transactionlines")
    ops = [(r["operation"], r["status"]) for r in client.requests(service="rest")]
    assert ops[-3:] == [("Token", 200), ("GetTransactionLines", 200), ("GetTransactionLines", 400)]



def test_R3_a_changed_line_is_served_changed_page_and_by_id(client, api):
    """Lines' JSON is kept between reads (``rest/linecache.py``); a due date set through
    UpdateEntryDueDate, a link and an approval each show on the next read."""
    save(client, [rich_sale(10000)])
    first = expected_items(client)[0]
    page = lambda: body(api("/transactionlines", dateFrom="2024-01-01", dateTo="2025-01-01"))  # noqa: E731
    assert page()[0] == first and body(api(f"/transactionlines/{first['id']}")) == first
    assert page()[0] == first  # the kept text

    client.account.UpdateEntryDueDate(entryItems={"EntryItem": [
        {"LineId": first["id"], "DueDate": dt.datetime(2024, 3, 31)}]})
    line = client.ledger()[0]
    assert (line["line_id"], line["due_date"]) == (first["id"], "2024-03-31")
    changed = {**first, "invoice": {**first["invoice"], "dueDate": "2024-03-31"},
               "modifiedAt": zulu(line["modified_at"])}
    assert page()[0] == changed
    assert body(api(f"/transactionlines/{first['id']}")) == changed

    save(client, [transfer("20.00", dt.date(2024, 2, 20))], save_option=1)
    assert len(page()) == 3  # the journal is not in the ledger yet
    client.approve_journal()
    items = page()
    assert items[0] == changed
    assert [(i["id"], i["amount"], i["modifiedAt"]) for i in items[3:]] == [
        (ln["line_id"], Decimal(ln["amount"]), zulu(ln["modified_at"])) for ln in client.ledger()[3:]]
