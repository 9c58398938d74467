"""R6: ``GET``/``POST /v1/salesorders/{id}/attachments`` over real sockets: files added to an
order saved over SOAP (zeep's SaveInvoices), as raw bytes with Content-Type and
Content-Disposition (py24so's way) or as a multipart file part; every refusal in the vendor's
JSON shape with nothing written; on the SQLite store an attachment outlives a restart and goes
away with a reset."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from decimal import Decimal

import requests
from test_sqlite_store_served import Served, path, servers  # noqa: F401 - fixtures
from transaction_helpers import bearer, exact, rest_fixtures

UTC = dt.UTC
T0 = dt.datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
WRITE = "api.invoicing.salesorder.attachment:write"
READ = "api.invoicing.salesorder.attachment:read"
PDF = b"%PDF-1.4\n% a sales order attachment\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))

client, call, writer = rest_fixtures(f"{READ} {WRITE}", start=T0)


def orders(client) -> tuple[int, int]:
    """An offer and an invoiced order of one company, saved over SOAP."""
    company, = client.companies.SaveCompanies({"Company": [{"Name": "Vedlegg AS"}]})
    day = dt.datetime(2024, 2, 28, tzinfo=UTC)
    offer, invoiced = client.invoices.SaveInvoices({"InvoiceOrder": [
        {"CustomerId": company.Id, "OrderStatus": "Offer", "DateOrdered": day,
         "InvoiceRows": {"InvoiceRow": [{"Name": "Kaffe", "Price": Decimal("80")}]}},
        {"CustomerId": company.Id, "OrderStatus": "Invoiced", "DateOrdered": day,
         "DateInvoiced": day,
         "InvoiceRows": {"InvoiceRow": [{"Name": "Te", "Price": Decimal("40")}]}}]})
    assert (offer.APIException, invoiced.APIException) == (None, None)
    return offer.OrderId, invoiced.OrderId


def test_R6_attachments_are_added_to_an_order_and_listed(client, call, writer):
    offer, _ = orders(client)
    url = f"/salesorders/{offer}/attachments"
    assert exact(call("GET", url)) == []
    added = call("POST", url, headers={**writer, "Content-Type": "application/pdf",
                                       "Content-Disposition": 'attachment; filename="ordre.pdf"'},
                 data=PDF)
    first = {"fileId": "1", "orderId": offer, "fileName": "ordre.pdf",
             "mediaType": "application/pdf", "size": len(PDF),
             "timestamp": "2024-03-01T08:00:00Z", "tags": []}
    assert (added.status_code, exact(added)) == (201, first), added.text
    assert added.headers["Content-Type"] == "application/json; charset=utf-8"
    client.set_time(T0 + dt.timedelta(minutes=1))
    # py24so's Content-Disposition for a name that is not ASCII: filename* (RFC 5987) wins
    png = call("POST", url, data=PNG, headers={
        **writer, "Content-Type": "image/png",
        "Content-Disposition": "attachment; filename=\"_rs.png\"; filename*=UTF-8''%C3%B8rs.png"})
    second = {**first, "fileId": "2", "fileName": "ørs.png", "mediaType": "image/png",
              "size": len(PNG), "timestamp": "2024-03-01T08:01:00Z"}
    assert (png.status_code, exact(png)) == (201, second), png.text
    # the spec's multipart/form-data: one file part, its own name and type
    form = call("POST", url, headers=writer,
                files={"file": ("skjema.pdf", PDF, "application/pdf")})
    third = {**first, "fileId": "3", "fileName": "skjema.pdf", "timestamp": "2024-03-01T08:01:00Z"}
    assert (form.status_code, exact(form)) == (201, third), form.text
    # no Content-Disposition: the name the spec's example gives, by type (interpretation)
    bare = call("POST", url, headers={**writer, "Content-Type": "image/png"}, data=PNG)
    assert exact(bare)["fileName"] == "attachment.png"
    # a file part without its own type: taken by its first bytes (interpretation)
    untyped = call("POST", url, headers=writer, files={"file": ("skann", PNG)})
    assert (untyped.status_code, exact(untyped)["mediaType"]) == (201, "image/png")
    listed = call("GET", url)
    assert listed.status_code == 200
    assert exact(listed) == [first, second, third,
                             {**second, "fileId": "4", "fileName": "attachment.png"},
                             {**second, "fileId": "5", "fileName": "skann"}]


def test_R6_attachment_refusals_change_nothing(tfso_mock, client, call, writer):
    offer, invoiced = orders(client)
    url = f"/salesorders/{offer}/attachments"

    def post(data=PDF, media="application/pdf", headers=None, order=offer, **kw):
        given = {**writer, "Content-Type": media} if headers is None else headers
        resp = call("POST", f"/salesorders/{order}/attachments", headers=given, data=data, **kw)
        return resp.status_code, exact(resp)

    def error(name: str, message: str) -> dict:
        return {"error": {"name": name, "message": message}}

    assert post(order=invoiced) == (403, error(
        "ForbiddenError", "Order is already invoiced, cannot add attachments"))
    assert post(media="text/plain", data=b"hello") == (415, error(
        "UnsupportedMediaTypeError", "Content-Type text/plain is not accepted for a sales order "
        "attachment; send application/pdf or image/png (or multipart/form-data with one such "
        "file)"))
    assert post(data=b"plain words") == (400, error(
        "BadRequestError", "The body is not a file of type application/pdf"))
    assert post(media="image/png", data=PDF) == (400, error(
        "BadRequestError", "The body is not a file of type image/png"))
    assert post(data=b"") == (400, error(
        "BadRequestError", "The attachment is empty; send the file's bytes as the request body"))
    two = call("POST", url, headers=writer, files={"a": ("a.pdf", PDF, "application/pdf"),
                                                    "b": ("b.pdf", PDF, "application/pdf")})
    assert (two.status_code, exact(two)) == (400, error(
        "BadRequestError", "A multipart/form-data body must carry exactly one file, not 2"))
    assert post(order=424242) == (404, error("NotFoundError", "Sales order 424242 was not found"))
    assert post(order="x")[0] == 400
    read_only = bearer(tfso_mock.url, client)  # every read scope, no write scope
    assert post(headers={**read_only, "Content-Type": "application/pdf"}) == (403, error(
        "ForbiddenError", f"The access token lacks the scope {WRITE}"))
    assert post(headers={"Content-Type": "application/pdf"})[0] == 401
    narrow = bearer(tfso_mock.url, client, scope="api.invoicing.salesorder:read")
    assert call("GET", url, headers=narrow).status_code == 403
    assert exact(call("GET", "/salesorders/424242/attachments")) == error(
        "NotFoundError", "Sales order 424242 was not found")
    assert exact(call("GET", url)) == []
    assert exact(call("GET", f"/salesorders/{invoiced}/attachments")) == []


def _token(server: Served, oauth: dict) -> dict:
    resp = requests.post(server.url + "/oauth/token", timeout=30, data={
        "grant_type": "client_credentials", "client_id": oauth["client_id"],
        "client_secret": oauth["client_secret"]})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def _order(server: Served, headers: dict) -> int:
    customer = server.http.post(server.url + "/v1/customers", headers=headers, timeout=30,
                                json={"isCompany": True, "name": "Lagret AS"}).json()["id"]
    made = server.http.post(server.url + "/v1/salesorders", headers=headers, timeout=30,
                            json={"customer": {"id": customer, "name": "Lagret AS"}})
    assert made.status_code == 200, made.text
    return made.json()["id"]


def _blobs(store) -> list[bytes]:
    """The file contents the store holds (read-only, beside the serving process)."""
    with closing(sqlite3.connect(f"file:{store}?mode=ro", uri=True)) as db:
        return [bytes(row[0]) for row in db.execute("SELECT data FROM blob ORDER BY key")]


def test_R6_attachments_outlive_a_restart_and_go_with_a_reset_on_sqlite(path, servers):  # noqa: F811
    """On the SQLite store: an attachment added in one process is listed by the next one; the
    application's default scopes (here every write scope the test needs) are kept too. The
    store's limit applies (``--limit attachment_bytes``: 413). A reset ends the order and its
    files: the new order of the same id has none."""
    first = servers(path, "--limit", "attachment_bytes=100")
    scopes = ["api.crm.customer:write", "api.invoicing.salesorder:write",
              "api.invoicing.salesorder:read", READ, WRITE]
    made = first.http.post(first.url + "/__admin/clients", json={"oauth": {"scopes": scopes}},
                           timeout=30)
    assert made.status_code == 201, made.text
    info = made.json()
    assert info["oauth"]["scopes"] == scopes
    headers = _token(first, info["oauth"])
    oid = _order(first, headers)
    url = f"{first.url}/v1/salesorders/{oid}/attachments"
    added = first.http.post(url, data=PDF, timeout=30, headers={
        **headers, "Content-Type": "application/pdf",
        "Content-Disposition": 'attachment; filename="lagret.pdf"'})
    assert added.status_code == 201, added.text
    big = first.http.post(url, data=PDF + b"x" * 100, timeout=30,
                          headers={**headers, "Content-Type": "application/pdf"})
    assert (big.status_code, exact(big)) == (413, {"error": {
        "name": "PayloadTooLargeError", "message":
        f"An attachment is at most 100 bytes (less than 4 MB); this one is {len(PDF) + 100} "
        "bytes"}})
    first.stop()

    again = servers(path)
    listed = again.http.get(f"{again.url}/v1/salesorders/{oid}/attachments", timeout=30,
                            headers=_token(again, info["oauth"]))
    assert (listed.status_code, exact(listed)) == (200, [added.json()])
    assert _blobs(path) == [PDF]
    reset = again.http.post(again.url + "/__admin/reset", timeout=30)
    assert reset.status_code == 200, reset.text
    assert _blobs(path) == []
    gone = again.http.get(f"{again.url}/v1/salesorders/{oid}/attachments", timeout=30,
                          headers=_token(again, again.http.get(
                              again.url + "/__admin/clients/1000", timeout=30).json()["oauth"]))
    assert gone.status_code == 404, gone.text  # the demo client has no such order
