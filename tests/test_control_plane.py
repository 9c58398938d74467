"""Unit tests of the control plane's pure parts: rate limiter (L1, L2, L4), clock (L3), faults,
request journal and scenarios (C). No sockets here; the contract tests cover the wire."""

from __future__ import annotations

import datetime as dt
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from mockserver.app import MockServer
from mockserver.clock import Clock
from mockserver.control import faults
from mockserver.control.ratelimit import RateLimiter, address_key, client_key
from mockserver.journal import RequestJournal
from mockserver.ledger import scenario
from mockserver.ledger.core import ClientOptions, Ledger
from mockserver.settings import Settings

T0 = datetime(2024, 5, 1, 10, 59, 58, tzinfo=UTC)


def pinned(when=T0) -> Clock:
    clock = Clock()
    clock.set(when)
    return clock


# --- rate limiter ------------------------------------------------------------------------------


def test_L1_limiter_counts_refuses_and_names_the_quarantine_end():
    limiter = RateLimiter(pinned(), rate_limit=2)
    key = client_key(7)
    a, b, c, d = (limiter.hit(key) for _ in range(4))
    assert [(x.allowed, x.remaining, x.over_by) for x in (a, b, c, d)] == [
        (True, 1, 0), (True, 0, 0), (False, 0, 1), (False, 0, 2)]
    assert c.error().text == "Limit exceeded by 1. Request is blocked. Quarantine ends at 2024-05-01 11:00:00"
    assert (c.reset_header, c.retry_after) == ("2024-05-01T11:00:00Z", 2)
    assert limiter.hit(client_key(8)).allowed       # callers are separate
    limiter.clock.advance(2)
    assert limiter.hit(key).remaining == 1          # a new clock hour


def test_L1_limiter_is_exact_under_threads():
    limiter = RateLimiter(pinned(), rate_limit=500)
    results = []
    lock = threading.Lock()

    def work():
        mine = [limiter.hit(address_key("10.0.0.1")) for _ in range(100)]
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.allowed for r in results) == 500
    assert sorted(r.over_by for r in results if not r.allowed) == list(range(1, 1101))


def test_L1_per_client_limits_fall_back_to_the_global_one():
    limiter = RateLimiter(pinned(), rate_limit=100, burst_limit=0)
    limiter.configure_client(5, rate_limit=3)
    assert limiter.limits(client_key(5)) == (3, 0)
    assert limiter.limits(address_key("x")) == (100, 0)
    limiter.configure_client(5, rate_limit=None)
    assert limiter.limits(client_key(5)) == (100, 0)
    limiter.configure(rate_limit=0)
    decision = limiter.hit(client_key(5))
    assert (decision.allowed, decision.limit) == (True, 0)   # off: no headers, no counting


def test_L4_burst_window_is_one_second_of_the_clock():
    clock = pinned()
    limiter = RateLimiter(clock, rate_limit=0, burst_limit=2)
    key = client_key(1)
    assert [limiter.hit(key).allowed for _ in range(3)] == [True, True, False]
    refused = limiter.hit(key)
    assert (refused.burst, refused.retry_after) == (True, 1)
    clock.advance(0.999)
    assert limiter.hit(key).allowed is False
    clock.advance(0.002)
    assert limiter.hit(key).allowed is True


# --- clock -------------------------------------------------------------------------------------


def test_L3_clock_scopes_per_client():
    clock = Clock()
    clock.set(datetime(2024, 1, 1, tzinfo=UTC))
    clock.set(datetime(2030, 1, 1, tzinfo=UTC), client_id=9)
    clock.advance(60, client_id=10)                 # offset from the emulator's time
    assert clock.now() == datetime(2024, 1, 1, tzinfo=UTC)
    with clock.scope(9):
        assert clock.now() == datetime(2030, 1, 1, tzinfo=UTC)
        with clock.scope(10):
            assert clock.now() == datetime(2024, 1, 1, 0, 1, tzinfo=UTC)
        assert clock.now().year == 2030
    with clock.scope(11):                           # no own setting: the emulator's
        assert clock.now() == datetime(2024, 1, 1, tzinfo=UTC)
    clock.reset(9)
    with clock.scope(9):
        assert clock.now().year == 2024
    clock.reset()
    assert clock.is_real and abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


# --- faults ------------------------------------------------------------------------------------


SERVICES = {"accountservice": "AccountService", "authenticate": "Authenticate", "rest": "rest"}


def call(op="SaveBundleList", client=1, soap=True, path="/economy/account/v004/accountservice.asmx"):
    return faults.Call(soap, "POST", path, "AccountService" if soap else "rest", op, client)


def test_C_fault_is_used_exactly_times_even_under_threads():
    book = faults.FaultBook()
    book.add(faults.parse({"operation": "SaveBundleList", "http_status": 503, "times": 50},
                          SERVICES, T0))
    taken = []

    def work():
        for _ in range(20):
            taken.append(book.take(call()))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for f in taken if f is not None) == 50
    assert book.list()[0]["remaining"] == 0 and book.list()[0]["hits"] == 50


def test_C_fault_matching():
    fault = faults.parse({"operation": "savebundlelist", "client_id": 1, "soap_fault": "x"}, SERVICES, T0)
    assert fault.matches(call()) == (True, "")
    assert fault.matches(call(client=2)) == (False, "client_id 2 is not 1")
    assert fault.matches(call(op="GetTypeList")) == (False, "operation GetTypeList is not savebundlelist")
    assert fault.matches(call(soap=False)) == (    # SOAP-only actions never hit REST calls
        False, "soap_fault applies to SOAP calls only")
    rest = faults.parse({"path": "/v1/transactionlines/", "http_status": 500}, SERVICES, T0)
    assert rest.matches(call(op=None, soap=False, path="/v1/TransactionLines/abc")) == (True, "")
    assert rest.matches(call(op=None, soap=False, path="/v1/other")) == (
        False, "path /v1/other is not under /v1/transactionlines/")


# --- journal -----------------------------------------------------------------------------------


def test_C_journal_verify_reasons():
    journal = RequestJournal(pinned())
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/economy/account/v004/accountservice.asmx"}
    journal.record(environ, 200, 0.0, {"service": "AccountService", "operation": "GetTypeList", "client_id": 1})
    result = journal.verify(count=1, operation="SaveBundleList", client_id=1)
    assert result["matched"] is False
    assert result["reason"] == (
        "Expected exactly 1 request(s) matching operation=SaveBundleList, client_id=1, found 0. "
        "Closest requests that did not match: #1 AccountService.GetTypeList client 1 status 200 "
        "(operation is 'GetTypeList', not 'SaveBundleList').")
    assert journal.verify(count=0, operation="SaveBundleList")["matched"] is True
    assert RequestJournal(pinned()).verify()["reason"] == (
        "Expected at least 1 request(s) matching any request, found 0. The journal is empty.")


def test_C_journal_is_bounded():
    journal = RequestJournal(pinned(), size=3)
    for i in range(5):
        journal.record({"PATH_INFO": f"/{i}"}, 200, 0.0, {})
    assert [e["path"] for e in journal.entries()] == ["/2", "/3", "/4"]


def test_C_journal_entries_plain_and_not():
    """A plain 200 (no fault, short texts) skips the scrub-and-cut step: the same entry as
    the full step gives; a long path is still cut, meta's optional keys kept in their order,
    and the duration is read rounded to the microsecond."""
    journal = RequestJournal(pinned())
    started = time.perf_counter() - 0.0123456789
    raw = journal.record({"REQUEST_METHOD": "GET", "PATH_INFO": "/v1/x"}, 200, started,
                         {"service": "rest", "operation": "GetX", "client_id": 3})
    journal.record({"PATH_INFO": "/" + "p" * 600}, 200, 0.0, {"operation": "o" * 1100})
    journal.record({"PATH_INFO": "/y"}, 200, 0.0,
                   {"rate_limited": True, "warnings": ["w"], "result_type": "Ok", "fault": ""})
    plain, long, extra = journal.entries()
    assert plain == {"id": 1, "time": "2024-05-01T10:59:58Z", "method": "GET", "path": "/v1/x",
                     "service": "rest", "operation": "GetX", "client_id": 3,
                     "remote_addr": None, "status": 200,
                     "duration_ms": round(raw["duration_ms"], 3)}
    assert 12.3 < plain["duration_ms"] < 1000 and plain["duration_ms"] == round(plain["duration_ms"], 3)
    assert long["path"] == "/" + "p" * 511 + "... (601 characters)"
    assert long["operation"] == "o" * 1024 + "... (1100 characters)"
    assert list(extra)[-3:] == ["warnings", "result_type", "rate_limited"]


# --- scenarios ---------------------------------------------------------------------------------


def test_C_demo_scenario_is_exactly_the_builtin_demo_client():
    builtin = MockServer(Settings())
    from_file = MockServer(Settings(scenario="demo"))
    keys = ("client_id", "name", "username", "password", "application_id", "identity_id",
            "fiscal_years", "blocked")
    assert {k: builtin.startup_client[k] for k in keys} == {k: from_file.startup_client[k] for k in keys}
    a, b = builtin.ledger.book(1000), from_file.ledger.book(1000)
    for attr in ("accounts", "tax_codes", "types", "series", "customers", "vat_base_rate"):
        assert getattr(a, attr) == getattr(b, attr), attr
    year = builtin.clock.now().year
    posted = [(ln.date, ln.account_no, str(ln.amount)) for ln in a.lines.values()]
    assert posted == [(ln.date, ln.account_no, str(ln.amount)) for ln in b.lines.values()]
    assert posted[:2] == [(dt.date(year, 1, 2), 1920, "50000.00"), (dt.date(year, 1, 2), 2000, "-50000.00")]
    assert len(posted) == 8  # four bank vouchers of the current year (demo.yaml)


def test_C_scenario_errors_name_line_and_field():
    text = ("name: X\n"
            "fiscal_years: [2024]\n"
            "vouchers:\n"
            "  - type_no: 1\n"
            "    date: 2024-01-31\n"
            "    lines:\n"
            "      - {account: 1500, amount: 100.10}\n"
            "      - {account: 3000, amount: -100.1, tax_no: x}\n")
    with pytest.raises(scenario.ScenarioError) as err:
        scenario.parse_text(text, source="s.yaml")
    assert str(err.value) == "s.yaml, line 8: vouchers[0].lines[1].tax_no: must be a whole number, not 'x'"
    ok = scenario.parse_text(text.replace(", tax_no: x", ""), source="s.yaml")
    assert [e.amount for e in ok.vouchers[0].entries] == [Decimal("100.10"), Decimal("-100.1")]
    assert str(ok.vouchers[0].entries[0].amount) == "100.10"   # YAML floats read as Decimal text


def test_C_scenario_dates_relative_to_the_clock_year():
    text = ("fiscal_years: [current-1, current]\n"
            "vouchers:\n"
            "  - type_no: 9\n"
            "    date: current-02-29\n"
            "    lines:\n"
            "      - {account: 1920, amount: 10.00, due_date: current-03-01}\n"
            "      - {account: 2050, amount: -10.00}\n"
            "  - type_no: 9\n"
            "    date: current-1-12-31\n"
            "    lines: [{account: 1920, amount: 5.00}, {account: 2050, amount: -5.00}]\n")
    sc = scenario.parse_text(text, source="s.yaml")
    ledger = Ledger(pinned())  # the clock says 2024: a leap year
    info = ledger.create_client(scenario.client_options(sc, 2024))
    ledger.populate(info["client_id"], sc)
    lines = sorted(ledger.book(info["client_id"]).lines.values(), key=lambda ln: ln.amount)
    assert [(ln.date, ln.due_date, str(ln.amount)) for ln in lines] == [
        (dt.date(2024, 2, 29), None, "-10.00"), (dt.date(2023, 12, 31), None, "-5.00"),
        (dt.date(2023, 12, 31), None, "5.00"), (dt.date(2024, 2, 29), dt.date(2024, 3, 1), "10.00")]
    assert scenario.resolve_days(sc.vouchers, 2025)[0].entries[1].date == dt.date(2025, 2, 28)
    with pytest.raises(scenario.ScenarioError) as err:
        scenario.parse_text(text.replace("current-02-29", "current-02-30"), source="s.yaml")
    assert str(err.value) == "s.yaml, line 4: vouchers[0].date: 'current-02-30' is not a day of the year"
    with pytest.raises(scenario.ScenarioError) as err:
        scenario.parse_text(text.replace("current-02-29", "next-02-01"), source="s.yaml")
    assert "must be a date like 2024-01-31 or relative to the clock's year like current-01-31" in str(err.value)


def test_C_scenario_unknown_references_are_refused_at_load():
    ledger = Ledger(pinned())
    info = ledger.create_client(ClientOptions(fiscal_years=[2024]))
    sc = scenario.parse_text("vouchers:\n  - type_no: 1\n    date: 2025-01-31\n    lines:\n"
                             "      - {account: 1500, amount: 1}\n      - {account: 3000, amount: -1}\n",
                             source="s.yaml")
    with pytest.raises(scenario.ScenarioError) as err:
        scenario.populate(ledger, info["client_id"], sc)
    assert str(err.value) == "s.yaml, line 2: vouchers[0].date: 2025-01-31 is in no fiscal year of the client (2024)"


def test_C_generated_lines_are_exact_balanced_and_repeatable():
    ledger = Ledger(pinned())
    books = []
    for _ in range(2):
        info = ledger.create_client(ClientOptions(fiscal_years=[2023, 2024]))
        book = ledger.book(info["client_id"])
        assert scenario.bulk_generate(book, 20_001, seed=3, now=ledger.clock.now()) == 20_001
        books.append(book)
    lines = list(books[0].ledger_lines())
    assert len(lines) == 20_001 == books[0].count_ledger_lines()
    assert sum(ln.amount for ln in lines) == 0
    assert all(isinstance(ln.amount, Decimal) for ln in lines)
    assert [(ln.date, ln.account_no, ln.amount) for ln in lines] == [
        (ln.date, ln.account_no, ln.amount) for ln in books[1].ledger_lines()]
    assert lines[0].date == datetime(2023, 1, 1).date() and lines[-1].date <= T0.date()
    # numbering continues where the loaded vouchers end (E1)
    last = books[0].last_number[(1, 2024)]
    from mockserver.ledger import posting
    assert posting.next_entry_no(books[0], datetime(2024, 2, 1).date(), 1) == last + 1
