"""The dashboard (/__admin/ui) in a real headless Chromium: vouchers and a draft posted through
SOAP (zeep from the vendor WSDL, real sockets), read back from the rendered pages; the draft
approved, the clock moved and a fault cleared with the page's own buttons; the request journal
updating while the page is open. Without Chromium these skip, except in CI where they fail."""

from __future__ import annotations

import base64
import datetime as dt
import os
import time

import pytest
import requests
from browser_helpers import Chromium, require_browser
from control_helpers import OwnEmulator
from transaction_helpers import rich_sale, save, transfer

WAIT = 20  # seconds; two cores shared by several test processes


@pytest.fixture(scope="module")
def browser():
    require_browser()
    chromium = Chromium()
    yield chromium.driver
    chromium.quit()


@pytest.fixture(scope="module")
def emulator():
    emu = OwnEmulator()
    yield emu
    emu.stop()


@pytest.fixture
def client(emulator, tfso_wsdl_dir):
    """A client with two posted vouchers and one draft, all through SaveBundleList."""
    c = emulator.client(wsdl_dir=tfso_wsdl_dir, fiscal_years=[2024])
    save(c, [rich_sale(10000)])
    # numbered as GetEntryId would (series 3 starts at 30000), without journaling the calls
    save(c, [transfer("1500.00", dt.date(2024, 2, 3), Comment="Payment INV-2024-001",
                      transaction_no=30000)])
    save(c, [transfer("500.00", dt.date(2024, 3, 5), Comment="Draft payment March",
                      transaction_no=30001)], save_option=1)
    return c


def wait_for(predicate, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def one(driver, selector: str):
    found = css(driver, selector)
    assert len(found) == 1, f"{len(found)} elements match {selector!r}"
    return found[0]


def cells(row) -> list[str]:
    from selenium.webdriver.common.by import By

    return [c.text for c in row.find_elements(By.CSS_SELECTOR, "th, td")]


def voucher_rows(driver, section: str, number: int) -> list[list[str]]:
    """The rows of one voucher (its heading, its lines, its sum) as cell texts."""
    body = one(driver, f"#{section} tbody.voucher[id$='-2024-{number}']")
    from selenium.webdriver.common.by import By

    return [cells(tr) for tr in body.find_elements(By.CSS_SELECTOR, "tr")]


def flash(driver, expected: str, prefix: bool = False) -> None:
    """Wait for the page's message to read ``expected`` (or to start with it); an earlier
    message may still be showing while the new action runs."""
    def shown():
        text = one(driver, "#flash").text
        return text.startswith(expected) if prefix else text == expected

    try:
        wait_for(shown, f"the message {expected!r}")
    except AssertionError:
        raise AssertionError(f"the page says {one(driver, '#flash').text!r}, "
                             f"not {expected!r}") from None


def reload_marker(driver) -> None:
    """Mark this document; ``reloaded`` is true once the page has been loaded again."""
    driver.execute_script("window.__tfsoMarker = 1;")


def reloaded(driver) -> bool:
    return driver.execute_script("return window.__tfsoMarker === undefined;")


def test_clients_list_links_to_each_client(browser, emulator, client):
    browser.get(f"{emulator.url}/__admin/ui")
    assert browser.title == "Clients · tfso-mock dashboard"
    rows = {cells(tr)[1]: cells(tr) for tr in css(browser, "main table tbody tr")}
    row = rows[str(client.client_id)]
    assert row[0] == f"Mock Client {client.client_id} AS"
    assert row[2] == client.username
    assert row[3] == "2024"
    assert row[4:7] == ["5", "1", "No"]  # ledger lines, drafts, not blocked
    assert row[7] == "4 of 7200"  # Login and three SaveBundleList calls this hour
    assert row[8] == "No"
    link = one(browser, f"a[href='/__admin/ui/clients/{client.client_id}']")
    link.click()
    wait_for(lambda: browser.current_url.endswith(f"/__admin/ui/clients/{client.client_id}"),
             "the client page")
    assert one(browser, "h1").text == f"Mock Client {client.client_id} AS client {client.client_id}"


def test_client_page_shows_vouchers_drafts_and_requests(browser, emulator, client):
    browser.get(f"{emulator.url}/__admin/ui/clients/{client.client_id}")
    head, *lines, total = voucher_rows(browser, "ledger", 10000)
    assert head == ["Voucher 10000 2024-01-31 Series 1 Type 1 Utgående faktura "
                    "Bundle: contract test"]
    assert lines == [
        ["1500", "Kundefordringer", "125,00", "", "125.00", "", "123 Kunde Nordmann AS",
         "Consulting, January", "", "Department 7; Project 13; Dimension 101 Oslo"],
        ["3000", "Salgsinntekt, avgiftspliktig", "", "100,00", "-100.00", "3 (25 %)", "", "",
         "", "Department 7"],
        ["2700", "Utgående merverdiavgift", "", "25,00", "-25.00", "", "", "", "", ""],
    ]
    assert total == ["Sum of voucher 10000", "125,00", "125,00", "0.00", "In balance"]
    head, *lines, total = voucher_rows(browser, "ledger", 30000)
    assert head[0].startswith("Voucher 30000 2024-02-03 Series 3 Type 3")
    # (WebDriver shows the no-break space between thousands as a space)
    assert [ln[:5] for ln in lines] == [["1920", "Bankinnskudd", "1 500,00", "", "1500.00"],
                                        ["1500", "Kundefordringer", "", "1 500,00", "-1500.00"]]
    assert lines[1][7] == "Payment INV-2024-001"
    assert total[:4] == ["Sum of voucher 30000", "1 500,00", "1 500,00", "0.00"]
    debit = one(browser, "#v-3-2024-30000 tr:nth-child(2) td:nth-child(3)")
    assert debit.get_attribute("textContent") == "1\u00a0500,00"
    # the draft is in the journal section, not in the ledger
    assert not css(browser, "#ledger tbody.voucher[id$='-2024-30001']")
    head, *lines, total = voucher_rows(browser, "drafts", 30001)
    assert head[0].startswith("Voucher 30001 2024-03-05 Series 3")
    assert lines[1][4] == "-500.00" and lines[1][7] == "Draft payment March"
    # the raw amounts are text on the page, as sent
    page = one(browser, "main").text
    for text in ("125.00", "-100.00", "-1500.00", "500.00", "Consulting, January"):
        assert text in page
    # the request journal, newest first
    journal = [cells(tr) for tr in css(browser, "#request-rows tr")]
    assert [r[1:5] for r in journal] == [
        ["AccountService", "SaveBundleList", "200", "Ok"],
        ["AccountService", "SaveBundleList", "200", "Ok"],
        ["AccountService", "SaveBundleList", "200", "Ok"],
        ["Authenticate", "Login", "200", ""],
    ]
    assert all(r[5].endswith(" ms") for r in journal)
    # fiscal years and entry series with their next numbers
    assert cells(one(browser, "#fiscal-years tbody tr")) == ["2024", "2024-01-01", "2024-12-31"]
    series = {cells(tr)[0]: cells(tr) for tr in css(browser, "#entry-series tbody tr")}
    assert series["1"][1:] == ["Utgående fakturaer", "10000", "10001"]
    assert series["3"][3] == "30002"  # 30000 posted, 30001 waiting in the journal
    assert series["12"][2:] == ["none", "fault (no start number)"]
    # every form field has a label, every table its headers
    unlabelled = browser.execute_script(
        "return Array.from(document.querySelectorAll('input:not([type=hidden])'))"
        ".filter(i => i.labels.length === 0).map(i => i.id || i.name);")
    assert unlabelled == []


def test_filter_the_ledger_by_date_range_and_account(browser, emulator, client):
    from selenium.webdriver.common.keys import Keys

    url = f"{emulator.url}/__admin/ui/clients/{client.client_id}"
    browser.get(url + "?account=1920")
    assert [b.get_attribute("id") for b in css(browser, "#ledger tbody.voucher")] == [
        "v-3-2024-30000"]
    browser.get(url + "?from=2024-01-01&to=2024-01-31")
    assert [b.get_attribute("id") for b in css(browser, "#ledger tbody.voucher")] == [
        "v-1-2024-10000"]
    # the form: the account typed in and Enter pressed
    browser.get(url)
    field = one(browser, "#f-account")
    field.send_keys("2700", Keys.ENTER)
    wait_for(lambda: "account=2700" in browser.current_url, "the filtered page")
    assert [b.get_attribute("id") for b in css(browser, "#ledger tbody.voucher")] == [
        "v-1-2024-10000"]
    browser.get(url + "?from=2025-01-01")
    assert one(browser, "#ledger").text.endswith("No posted vouchers match the filter.")
    browser.get(url + "?from=31.01.2024")
    assert one(browser, "[role=alert]").text == (
        "From date must be a date like 2024-01-31, not '31.01.2024'")


def test_approve_the_draft_from_the_page(browser, emulator, client):
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{emulator.url}/__admin/ui/clients/{client.client_id}")
    reload_marker(browser)
    button = one(browser, "#drafts button.api")
    assert button.text == "Approve the journal (1 voucher)"
    button.send_keys(Keys.ENTER)  # the keyboard, as a user without a mouse would
    wait_for(lambda: reloaded(browser), "the page to load again")
    flash(browser, "Journal approved: 2 lines moved to the ledger")
    assert one(browser, "#drafts").text.endswith("No drafts in the journal.")
    head, *lines, total = voucher_rows(browser, "ledger", 30001)
    assert lines[1][7] == "Draft payment March"
    # the same as the control API's approve: the lines are in the ledger now
    numbers = sorted({ln["transaction_no"] for ln in client.ledger()})
    assert numbers == [10000, 30000, 30001]
    assert client.journal() == []


def test_set_advance_and_reset_the_clock_from_the_page(browser, emulator, client):
    browser.get(f"{emulator.url}/__admin/ui/clients/{client.client_id}")
    reload_marker(browser)
    field = one(browser, "#clock-set")
    field.clear()
    field.send_keys("2024-05-01T10:59:00Z")
    one(browser, "#clock form:first-of-type button").click()
    wait_for(lambda: reloaded(browser), "the page to load again")
    flash(browser, "Clock set to 2024-05-01T10:59:00Z")
    assert one(browser, "#clock-now-text").text == "2024-05-01T10:59:00Z"
    assert client.now() == dt.datetime(2024, 5, 1, 10, 59, tzinfo=dt.UTC)

    reload_marker(browser)
    advance = one(browser, "#clock-advance")
    advance.clear()
    advance.send_keys("90")
    one(browser, "#clock form:nth-of-type(2) button").click()
    wait_for(lambda: reloaded(browser), "the page to load again")
    flash(browser, "Clock advanced to 2024-05-01T11:00:30Z")
    assert client.now() == dt.datetime(2024, 5, 1, 11, 0, 30, tzinfo=dt.UTC)

    # a time the control API refuses: its message on the page, nothing changed
    field = one(browser, "#clock-set")
    field.clear()
    field.send_keys("tomorrow")
    one(browser, "#clock form:first-of-type button").click()
    flash(browser, "Failed: now must be an ISO 8601 time like 2024-05-01T10:59:00Z, "
                   "not 'tomorrow'")
    assert client.now() == dt.datetime(2024, 5, 1, 11, 0, 30, tzinfo=dt.UTC)

    reload_marker(browser)
    one(browser, "#clock > button.api").click()
    wait_for(lambda: reloaded(browser), "the page to load again")
    flash(browser, "Clock back to the emulator's: ", prefix=True)
    assert client.admin("GET", f"/clients/{client.client_id}/clock").json()["mode"] == "emulator"


def test_request_journal_updates_live_and_filters(browser, emulator, client):
    browser.get(f"{emulator.url}/__admin/ui/clients/{client.client_id}")
    reload_marker(browser)
    before = len(css(browser, "#request-rows tr"))
    client.account.GetTypeList()  # zeep, while the page is open
    wait_for(lambda: len(css(browser, "#request-rows tr")) == before + 1, "the new request")
    newest = cells(css(browser, "#request-rows tr")[0])
    assert newest[1:4] == ["AccountService", "GetTypeList", "200"]
    assert not reloaded(browser)

    # a failure, injected: the filter by status finds it, the filter by operation leaves it out
    client.inject_fault(operation="GetTypeList", soap_fault="Injected for the dashboard")
    with pytest.raises(Exception, match="Injected for the dashboard"):
        client.account.GetTypeList()
    wait_for(lambda: len(css(browser, "#request-rows tr")) == before + 2, "the failed request")
    failed = cells(css(browser, "#request-rows tr")[0])
    assert failed[1:4] == ["AccountService", "GetTypeList", "500"]
    assert failed[4].startswith("Injected for the dashboard")

    one(browser, "#r-status").send_keys("5xx")
    one(browser, "#requests form button").click()
    wait_for(lambda: "status=5xx" in browser.current_url, "the filtered page")
    rows = [cells(tr) for tr in css(browser, "#request-rows tr")]
    assert [r[2:4] for r in rows] == [["GetTypeList", "500"]]

    browser.get(f"{emulator.url}/__admin/ui/clients/{client.client_id}?operation=SaveBundleList")
    rows = [cells(tr) for tr in css(browser, "#request-rows tr")]
    assert [r[2] for r in rows] == ["SaveBundleList"] * 3
    client.account.GetTypeList()  # filtered out of the live update too
    save(client, [transfer("10.00", dt.date(2024, 4, 1), transaction_no=30002)])
    wait_for(lambda: len(css(browser, "#request-rows tr")) == 4, "the new SaveBundleList")
    time.sleep(2.5)  # one more poll: still only SaveBundleList
    assert [cells(tr)[2] for tr in css(browser, "#request-rows tr")] == ["SaveBundleList"] * 4


def test_a_refused_save_shows_its_type_and_description(browser, emulator, client):
    from helpers import bundle, bundle_list, entry, voucher

    unbalanced = voucher([entry(1920, "100.00"), entry(3000, "-99.00")], sort=3)
    result = client.account.SaveBundleList(bundle_list([bundle([unbalanced])], save_option=0))
    assert result.Type == "Exception"
    assert result.Description.startswith("Voucher is not in balance. Difference: 1.00")
    (entry_,) = client.requests(result_type="Exception")
    assert entry_["result_description"] == result.Description
    browser.get(f"{emulator.url}/__admin/ui/clients/{client.client_id}")
    newest = cells(css(browser, "#request-rows tr")[0])
    assert newest[1:5] == ["AccountService", "SaveBundleList", "200",
                           f"Exception: {result.Description}"]


def test_clear_an_injected_fault_and_the_rate_limit_counters(browser, emulator, client):
    fault = client.inject_fault(operation="SaveBundleList", http_status=503, times=None)
    client.set_rate_limit(rate_limit=4)  # Login and three saves: the next request is refused
    browser.get(f"{emulator.url}/__admin/ui/clients/{client.client_id}")
    row = cells(one(browser, f"#fault-{fault['id']}"))
    assert row[:5] == [str(fault["id"]), "http_status 503", "operation SaveBundleList; this client",
                       "until cleared", "0"]
    assert one(browser, "#quarantine").text.startswith("Next request is refused until ")
    reload_marker(browser)
    one(browser, f"button[aria-label='Clear fault {fault['id']}']").click()
    wait_for(lambda: reloaded(browser), "the page to load again")
    flash(browser, f"Fault {fault['id']} cleared")
    assert client.faults() == []
    assert one(browser, "#faults").text.endswith("No injected faults apply to this client.")

    reload_marker(browser)
    one(browser, "#rate-limit button.api").click()
    wait_for(lambda: reloaded(browser), "the page to load again")
    flash(browser, "Rate-limit counters cleared")
    assert client.rate_limit()["used"] == 0
    assert one(browser, "#quarantine").text == "No"


def test_screenshot_of_the_client_page(browser, emulator, client, tmp_path):
    """The README's picture (docs/dashboard.png) is taken here: run this test with
    ``TFSO_DASHBOARD_SCREENSHOT=docs/dashboard.png``; otherwise it goes to a temporary file."""
    path = os.environ.get("TFSO_DASHBOARD_SCREENSHOT") or str(tmp_path / "dashboard.png")
    client.account.GetTypeList()
    browser.set_window_size(1280, 1700)
    try:
        browser.get(f"{emulator.url}/__admin/ui/clients/{client.client_id}")
        one(browser, "#v-1-2024-10000")
        assert browser.save_screenshot(path)
    finally:
        browser.set_window_size(1440, 1000)
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(head[16:20], "big") == 1280  # the IHDR width


# --- behind the control token ------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded():
    emu = OwnEmulator(admin_token="s3cret-token")
    yield emu
    emu.stop()


def basic(password: str, user: str = "me") -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_pages_need_the_token_as_basic_credentials(guarded):
    url = guarded.url + "/__admin/ui"
    resp = requests.get(url, timeout=30)
    assert resp.status_code == 401
    assert resp.headers["WWW-Authenticate"] == 'Basic realm="tfso-mock dashboard", charset="UTF-8"'
    assert "control token as the password" in resp.text
    assert requests.get(url, headers=basic("wrong"), timeout=30).status_code == 401
    ok = requests.get(url, headers=basic("s3cret-token"), timeout=30)
    assert ok.status_code == 200 and "<h1>Clients</h1>" in ok.text
    assert ok.headers["Cache-Control"] == "no-store"
    bearer = {"Authorization": "Bearer s3cret-token"}
    assert requests.get(url, headers=bearer, timeout=30).status_code == 200
    # Basic credentials (which a browser adds by itself) never authorize the control API
    assert requests.get(guarded.url + "/__admin/clients", headers=basic("s3cret-token"),
                        timeout=30).status_code == 401
    resp = requests.post(guarded.url + "/__admin/clients/1001/journal/approve",
                         headers=basic("s3cret-token"), timeout=30)
    assert resp.status_code == 401
    assert resp.json()["error"]["name"] == "Unauthorized"
    # the static files hold no data
    assert requests.get(url + "/static/dashboard.css", timeout=30).status_code == 200


def test_page_actions_work_behind_the_token(browser, guarded, tfso_wsdl_dir):
    c = guarded.client(wsdl_dir=tfso_wsdl_dir, fiscal_years=[2024])
    host = guarded.url.removeprefix("http://")
    browser.get(f"http://me:s3cret-token@{host}/__admin/ui/clients/{c.client_id}")
    assert one(browser, "h1").text.startswith(f"Mock Client {c.client_id} AS")
    reload_marker(browser)
    field = one(browser, "#clock-set")
    field.clear()
    field.send_keys("2024-06-30T23:00:00Z")
    one(browser, "#clock form:first-of-type button").click()
    wait_for(lambda: reloaded(browser), "the page to load again")
    flash(browser, "Clock set to 2024-06-30T23:00:00Z")
    assert c.now() == dt.datetime(2024, 6, 30, 23, tzinfo=dt.UTC)


# --- without a browser --------------------------------------------------------------------------


def test_no_dashboard_with_the_control_api_off():
    emu = OwnEmulator(admin=False)
    try:
        for path in ("/__admin/ui", "/__admin/ui/clients/1001", "/__admin/ui/static/dashboard.js"):
            resp = requests.get(emu.url + path, timeout=30)
            assert resp.status_code == 404
            assert resp.json()["error"]["message"] == "The control API is switched off"
    finally:
        emu.stop()


def test_no_cors_opening(emulator):
    origin = {"Origin": "http://evil.example"}
    page = requests.get(emulator.url + "/__admin/ui", headers=origin, timeout=30)
    assert page.status_code == 200
    assert "Access-Control-Allow-Origin" not in page.headers
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    preflight = requests.options(emulator.url + "/__admin/clients/1001/clock", timeout=30,
                                 headers={**origin, "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_unknown_client_and_bad_filters(emulator):
    resp = requests.get(emulator.url + "/__admin/ui/clients/987654", timeout=30)
    assert resp.status_code == 404
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "There is no client at /__admin/ui/clients/987654." in resp.text
    for path in ("/__admin/ui/clients/abc", "/__admin/ui/client/1000"):  # was the API's JSON
        resp = requests.get(emulator.url + path, timeout=30)
        assert (resp.status_code, resp.headers["Content-Type"]) == (404, "text/html; charset=utf-8")
        assert f"There is no page at {path}." in resp.text
    assert requests.get(emulator.url + "/__admin/ui/static/dashboard.css", timeout=30).ok
    resp = requests.get(emulator.url + "/__admin/ui/static/nope.css", timeout=30)  # was "no client"
    assert resp.status_code == 404
    assert "There is no page at /__admin/ui/static/nope.css." in resp.text
    resp = requests.get(emulator.url + "/__admin/ui/clients/1000?account=12x", timeout=30)
    assert resp.status_code == 400
    assert "Account must be a whole number, not &#39;12x&#39;" in resp.text
    resp = requests.get(emulator.url + "/__admin/ui/clients/1000/requests?after=x", timeout=30)
    assert (resp.status_code, resp.text) == (400, "after must be a whole number, not 'x'")


def test_templates_ship_in_the_package():
    from importlib import resources

    root = resources.files("mockserver.admin")
    for name in ("templates/base.html", "templates/client.html", "templates/clients.html",
                 "templates/requests_rows.html", "templates/_vouchers.html",
                 "templates/error.html", "static/dashboard.css", "static/dashboard.js"):
        assert root.joinpath(name).is_file(), name


def test_serve_prints_the_dashboard_url():
    from control_helpers import Serve

    with Serve() as served:
        assert served.value("Dashboard") == served.url + "/__admin/ui"
        page = requests.get(served.value("Dashboard"), timeout=30)
        assert page.status_code == 200 and "<h1>Clients</h1>" in page.text
    with Serve("--no-admin") as served:
        with pytest.raises(KeyError):
            served.value("Dashboard")
        assert "  Control API:    " + served.url + "/__admin/health (off)\n" in served.output


def test_client_page_shows_invoices_and_attachments(browser, emulator, client):
    from decimal import Decimal

    from test_attachment_service import png, upload

    day = dt.datetime(2024, 3, 15, tzinfo=dt.UTC)
    client.invoices.SaveInvoices({"InvoiceOrder": [
        {"CustomerId": 123, "OrderStatus": "Offer", "DateOrdered": day,
         "InvoiceRows": {"InvoiceRow": [{"Name": "Vare", "Price": Decimal("1000")}]}},
        {"CustomerId": 123, "OrderStatus": "Invoiced", "DateInvoiced": day, "PaymentTime": 14,
         "InvoiceRows": {"InvoiceRow": [{"Name": "Vare", "Price": Decimal("1000")}]}},
        {"CustomerId": 123, "OrderStatus": "Invoiced", "DateInvoiced": day, "PaymentTime": 14,
         "Currency": {"Symbol": "EUR", "Rate": Decimal("11.50")},
         "InvoiceRows": {"InvoiceRow": [{"Name": "Vare", "Price": Decimal("10")}]}}]})
    ref = upload(client, png())
    client.attachments.Save(ref, "Journal")
    client.attachments.Create("Pdf")
    browser.get(f"{emulator.url}/__admin/ui/clients/{client.client_id}")
    assert [cells(tr) for tr in css(browser, "#invoices tbody tr")] == [
        ["1", "Offer", "123 Kunde Nordmann AS", "", "", "", "", "NOK", "250,00", "1 250,00"],
        ["2", "Invoiced", "123 Kunde Nordmann AS", "10000", "2024-03-15", "2024-03-29",
         "100008", "NOK", "250,00", "1 250,00"],
        ["3", "Invoiced", "123 Kunde Nordmann AS", "10001", "2024-03-15", "2024-03-29",
         "100016", "EUR", "2,50", "12,50"]]
    assert [cells(tr) for tr in css(browser, "#attachments tbody tr")] == [
        ["1", "Png", str(len(png())), "1", "Journal", "None"],
        ["2", "Pdf", "0", "", "not saved", "None"]]
    # the invoice's voucher is in the ledger section too
    head, *lines, total = voucher_rows(browser, "ledger", 10001)
    assert [ln[0] for ln in lines] == ["1500", "3000", "2700"]
    assert total[-1] == "In balance"


def _token_scopes(client) -> list[str]:
    """The scope a token asked for without ``scope`` carries, from the real token endpoint."""
    resp = requests.post(f"{client.base_url}/oauth/token", timeout=30, data={
        "grant_type": "client_credentials", "client_id": client.info["oauth"]["client_id"],
        "client_secret": client.info["oauth"]["client_secret"]})
    assert resp.status_code == 200, resp.text
    return sorted(resp.json()["scope"].split())


def _oauth_section(driver) -> tuple[list[str], list[str]]:
    facts = [e.text for e in css(driver, "#oauth dl.facts dd")]
    return facts, [e.text for e in css(driver, "#oauth-scopes li")]


def test_client_page_shows_the_approved_oauth_scopes(browser, emulator):
    from mockserver.ledger.interpretations import OAUTH_DEFAULT_SCOPES

    approved = ["api.invoicing.salesorder:write", "api.crm.customer:read"]
    made = emulator.client(login=False, oauth={"scopes": approved})
    browser.get(f"{emulator.url}/__admin/ui/clients/{made.client_id}")
    facts, scopes = _oauth_section(browser)
    oauth = made.info["oauth"]
    assert facts == [oauth["client_id"], oauth["organization"],
                     "The 2 scopes approved for this application"]
    assert scopes == approved
    assert sorted(scopes) == _token_scopes(made)  # what the page says a token carries, it does
    assert "client_secret" not in browser.page_source and oauth["client_secret"] not in browser.page_source
    assert one(browser, "nav.sections a[href='#oauth']").text == "OAuth"

    # a scenario file's oauth section: the same setting, shown the same way
    made = emulator.client(login=False, scenario={"oauth": {"scopes": ["api.me.profile:read"]}})
    browser.get(f"{emulator.url}/__admin/ui/clients/{made.client_id}")
    facts, scopes = _oauth_section(browser)
    assert facts[2] == "The 1 scope approved for this application"
    assert scopes == ["api.me.profile:read"] == _token_scopes(made)

    # none approved at all: the token carries none
    made = emulator.client(login=False, oauth={"scopes": []})
    browser.get(f"{emulator.url}/__admin/ui/clients/{made.client_id}")
    facts, scopes = _oauth_section(browser)
    assert facts[2] == ("None approved for this application: a token asked for without scope "
                        "carries none")
    assert scopes == []

    # without oauth.scopes: every read scope of the spec
    made = emulator.client(login=False)
    browser.get(f"{emulator.url}/__admin/ui/clients/{made.client_id}")
    facts, scopes = _oauth_section(browser)
    assert facts[2] == (f"Every read scope of the OpenAPI 0.56.0 ({len(OAUTH_DEFAULT_SCOPES)}): "
                        "the default when no scopes are approved")
    assert scopes == list(OAUTH_DEFAULT_SCOPES)
    assert sorted(scopes) == _token_scopes(made)
