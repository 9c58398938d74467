"""Concurrency against a real socket: 8 threads x 500 SaveBundleList on one client, each after its
own GetEntryId, racing for the same numbers; and the hourly quota counted exactly under the same
kind of load.

Raw HTTP with prebuilt envelopes (a zeep call costs more client CPU than the emulator's answer),
one keep-alive connection per thread, against a ``tfso-mock serve`` child.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from decimal import Decimal
from http.client import HTTPException

import pytest
import robustness as rb
from robustness import Http, ServeProcess, soap_fault

NS = "http://24sevenOffice.com/webservices"
TNS = "http://24sevenoffice.com/webservices/economy/accounting/"
AUTH = "/authenticate/v001/authenticate.asmx"
ACCOUNT = "/Economy/Account/V004/Accountservice.asmx"
TRANSACTIONS = "/Economy/Accounting/V001/TransactionService.asmx"
THREADS, CALLS = 8, 500
#: every RETRY-th Ok bundle is sent again as it was: a client retrying after a lost answer
RETRY = 25

HEAD = ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
        'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>')
TAIL = "</soap:Body></soap:Envelope>"
ENTRY_ID = (HEAD + f'<GetEntryId xmlns="{NS}"><argEntryId><Date>2024-06-01T00:00:00</Date>'
            "<SortNo>1</SortNo><EntryNo>0</EntryNo></argEntryId></GetEntryId>" + TAIL).encode()
SAVE = (HEAD + f'<SaveBundleList xmlns="{NS}"><BundleList><SaveOption>0</SaveOption><Bundles><Bundle>'
        "<YearId>2024</YearId><Sort>1</Sort><Name>load</Name><Vouchers><Voucher>"
        "<TransactionNo>%(no)d</TransactionNo><Sort>1</Sort><Entries>"
        "<Entry><AccountNo>1920</AccountNo><Date>2024-06-01T00:00:00</Date><Amount>%(amount)s</Amount>"
        "<Comment>%(tag)s</Comment></Entry>"
        "<Entry><AccountNo>3000</AccountNo><Date>2024-06-01T00:00:00</Date><Amount>-%(amount)s</Amount>"
        "<Comment>%(tag)s</Comment></Entry>"
        "</Entries></Voucher></Vouchers></Bundle></Bundles></BundleList></SaveBundleList>" + TAIL)
ENTRY_NO = re.compile(rb"<EntryNo>(-?\d+)</EntryNo>")
RESULT = re.compile(r"<Type>(\w+)</Type>(?:<Description>([^<]*)</Description>)?")
CLOCK = "2024-06-01T10:00:00Z"


@pytest.fixture(scope="module")
def served():
    serve = ServeProcess("--rate-limit", "0", "--quiet")
    try:
        yield serve
        assert "Traceback" not in serve.stderr(), serve.stderr()[-2000:]
    finally:
        serve.close()


def new_client(serve: ServeProcess, pin: bool = True) -> tuple[dict, str]:
    """A client with 2024, its clock pinned (one hour for the whole run), logged in."""
    http = Http(serve.host, serve.port)
    import json

    info = http.call("POST", "/__admin/clients", json.dumps({"fiscal_years": [2024]}).encode(),
                     {"Content-Type": "application/json"}).json()
    cid = info["client_id"]
    if pin:
        assert http.call("POST", f"/__admin/clients/{cid}/clock", json.dumps({"now": CLOCK}).encode(),
                         {"Content-Type": "application/json"}).status == 200
    login = http.call("POST", AUTH, (
        HEAD + f'<Login xmlns="{NS}"><credential><ApplicationId>{info["application_id"]}</ApplicationId>'
        f'<Username>{info["username"]}</Username><Password>{info["password"]}</Password>'
        "</credential></Login>" + TAIL).encode(), {"Content-Type": "text/xml; charset=utf-8"})
    session = re.search(r"<LoginResult>(\w+)</LoginResult>", login.text).group(1)
    http.close()
    return info, session


def admin_json(serve, method, path, body=None):
    import json

    http = Http(serve.host, serve.port)
    try:
        data = json.dumps(body).encode() if body is not None else None
        return http.call(method, path, data, {"Content-Type": "application/json"} if data else {}).json()
    finally:
        http.close()


def run_threads(work, n: int = THREADS) -> float:
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def runner(k):
        try:
            barrier.wait()
            work(k)
        except BaseException as err:  # surfaced below, with the thread's own traceback text
            errors.append(err)

    threads = [threading.Thread(target=runner, args=(k,)) for k in range(n)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def test_concurrent_savebundlelist_books_each_number_once_and_loses_nothing(served):
    info, session = new_client(served)
    cid = info["client_id"]
    headers = {"Content-Type": "text/xml; charset=utf-8", "Cookie": f"ASP.NET_SessionId={session}"}
    results: list[tuple] = []  # (thread, i, number, amount, tag, type, description, retry)
    calls = Counter()

    def work(k: int) -> None:
        http = Http(served.host, served.port)
        mine = []
        oks = 0
        try:
            for i in range(CALLS):
                got = http.call("POST", ACCOUNT, ENTRY_ID, headers)
                assert got.status == 200, got.text[:300]
                number = int(ENTRY_NO.search(got.body).group(1))
                amount, tag = f"{i + 1}.{k:02d}", f"t{k}-{i}"
                body = (SAVE % {"no": number, "amount": amount, "tag": tag}).encode()
                saved = http.call("POST", ACCOUNT, body, headers)
                assert saved.status == 200, saved.text[:300]
                kind, text = RESULT.search(saved.text).groups()
                mine.append((k, i, number, amount, tag, kind, text, False))
                if kind == "Ok":
                    oks += 1
                    if oks % RETRY == 0:  # the same bundle again: DuplicateData
                        again = http.call("POST", ACCOUNT, body, headers)
                        kind, text = RESULT.search(again.text).groups()
                        mine.append((k, i, number, amount, tag, kind, text, True))
        finally:
            http.close()
            with lock:
                results.extend(mine)
                calls["n"] += 2 * CALLS + sum(1 for r in mine if r[7])

    lock = threading.Lock()
    seconds = run_threads(work)

    # every answer is Ok or a documented refusal, with its documented text
    kinds = Counter(r[5] for r in results)
    assert set(kinds) <= {"Ok", "DataAlreadySaved", "DuplicateData"}, kinds
    for _, _, number, _, _, kind, text, retry in results:
        if kind == "DataAlreadySaved":
            assert not retry
            assert text == f"TransactionNo {number} is already used in entry series 1 for 2024 (Bundle 1, Voucher 1)"
        elif kind == "DuplicateData":
            assert retry, "DuplicateData for content never sent before"
            assert text == f"Voucher with TransactionNo {number} is already saved (Bundle 1, Voucher 1)"
        else:
            assert text is None and not retry
    assert all(r[5] == "DuplicateData" for r in results if r[7])

    ok = [r for r in results if r[5] == "Ok"]
    numbers = Counter(r[2] for r in ok)
    duplicated = sum(n - 1 for n in numbers.values() if n > 1)
    assert duplicated == 0, [n for n, c in numbers.items() if c > 1][:10]

    # the ledger holds exactly the lines of the bundles answered Ok
    ledger = admin_json(served, "GET", f"/__admin/clients/{cid}/ledger")["lines"]
    assert admin_json(served, "GET", f"/__admin/clients/{cid}/journal")["lines"] == []
    booked = Counter((ln["transaction_no"], ln["account_no"], ln["amount"], ln["comment"]) for ln in ledger)
    expected = Counter()
    for _, _, number, amount, tag, *_ in ok:
        expected[(number, 1920, amount, tag)] += 1
        expected[(number, 3000, "-" + amount, tag)] += 1
    lost = len({k[0] for k in expected - booked})
    extra = len({k[0] for k in booked - expected})
    rb.note(saves=sum(1 for r in results if not r[7]) + sum(1 for r in results if r[7]),
            saves_ok=len(ok), saves_other=dict(Counter(r[5] for r in results if r[5] != "Ok")),
            lost_bundles=lost, duplicated_bundles=duplicated + extra,
            concurrency_seconds=seconds, concurrency_calls=calls["n"])
    assert booked == expected, (lost, extra)
    # numbers are handed out without gaps: the Ok bundles hold 10000, 10001, ... in order
    assert sorted(numbers) == list(range(10000, 10000 + len(ok)))
    assert len(ok) >= THREADS  # every thread got some through

    # REST /v1/transactionlines and SOAP GetTransactions show the same lines
    soap_lines = get_transactions(served, session)
    rest_lines = rest_transaction_lines(served, info)
    assert len(soap_lines) == len(ledger) == 2 * len(ok)
    assert rest_lines == soap_lines


def get_transactions(served, session: str) -> set[tuple]:
    http = Http(served.host, served.port)
    try:
        answer = http.call("POST", TRANSACTIONS, (
            HEAD + f'<GetTransactions xmlns="{TNS}"><searchParams><DateStart>2024-01-01T00:00:00'
            "</DateStart><DateEnd>2024-12-31T00:00:00</DateEnd></searchParams></GetTransactions>"
            + TAIL).encode(), {"Content-Type": "text/xml; charset=utf-8",
                               "Cookie": f"ASP.NET_SessionId={session}"})
    finally:
        http.close()
    assert answer.status == 200, answer.text[:300]
    from lxml import etree

    out = set()
    for t in etree.fromstring(answer.body).iter(f"{{{TNS}}}Transaction"):
        out.add((t.findtext(f"{{{TNS}}}Id"), int(t.findtext(f"{{{TNS}}}TransactionNo")),
                 int(t.findtext(f"{{{TNS}}}AccountNo")), Decimal(t.findtext(f"{{{TNS}}}Amount")),
                 t.findtext(f"{{{TNS}}}Comment")))
    return out


def rest_transaction_lines(served, info: dict) -> set[tuple]:
    import json

    http = Http(served.host, served.port)
    oauth = info["oauth"]
    try:
        token = http.call("POST", "/oauth/token", (
            f"grant_type=client_credentials&client_id={oauth['client_id']}"
            f"&client_secret={oauth['client_secret']}").encode(),
            {"Content-Type": "application/x-www-form-urlencoded"}).json()["access_token"]
        out, page = set(), 1
        while True:
            got = http.call("GET", f"/v1/transactionlines?dateFrom=2024-01-01&dateTo=2025-01-01"
                                   f"&limit=1000&page={page}", None, {"Authorization": f"Bearer {token}"})
            assert got.status == 200, got.text[:300]
            items = json.loads(got.body, parse_float=Decimal)
            for item in items:
                out.add((item["id"], item["transaction"]["number"], item["account"]["number"],
                         Decimal(str(item["amount"])), item.get("comment")))
            if 'rel="next"' not in got.headers.get("link", ""):
                return out
            page += 1
    finally:
        http.close()


def test_the_hourly_quota_serves_exactly_n_under_concurrent_load(served):
    """Limit N: exactly N requests of the hour are served, every other one is refused with its
    own over-by count (1, 2, ... each once); refused saves book nothing."""
    limit, per_thread = 600, 150  # 8 x 150 x 2 calls = 2400 > 600
    info, session = new_client(served)
    cid = info["client_id"]
    admin_json(served, "PUT", f"/__admin/clients/{cid}/rate_limit", {"rate_limit": limit})
    admin_json(served, "DELETE", f"/__admin/clients/{cid}/rate_limit/counters")  # the Login
    headers = {"Content-Type": "text/xml; charset=utf-8", "Cookie": f"ASP.NET_SessionId={session}"}
    answers: list = []
    lock = threading.Lock()

    def work(k: int) -> None:
        http = Http(served.host, served.port)
        mine = []
        try:
            for i in range(per_thread):
                got = http.call("POST", ACCOUNT, ENTRY_ID, headers)
                m = ENTRY_NO.search(got.body)
                number = int(m.group(1)) if m else 0
                body = (SAVE % {"no": number, "amount": f"{i + 1}.{k:02d}", "tag": f"q{k}-{i}"}).encode()
                saved = http.call("POST", ACCOUNT, body, headers)
                mine += [("GetEntryId", got, None), ("SaveBundleList", saved, (number, f"{i + 1}.{k:02d}"))]
        finally:
            http.close()
            with lock:
                answers.extend(mine)

    run_threads(work)
    served_ = [a for a in answers if a[1].status == 200]
    refused = [a for a in answers if a[1].status != 200]
    assert len(answers) == THREADS * per_thread * 2
    assert len(served_) == limit
    over = []
    for _, answer, _ in refused:
        assert answer.status == 500
        _, code, text = soap_fault(answer)
        m = re.fullmatch(r"Limit exceeded by (\d+)\. Request is blocked\. Quarantine ends at "
                         r"2024-06-01 11:00:00", text)
        assert code == "soap:Server" and m, text
        over.append(int(m.group(1)))
        assert answer.headers["apilimitremaining"] == "0"
    assert sorted(over) == list(range(1, len(refused) + 1))
    remaining = sorted(int(a[1].headers["apilimitremaining"]) for a in served_)
    assert remaining == list(range(limit))
    usage = admin_json(served, "GET", f"/__admin/clients/{cid}/rate_limit")
    assert (usage["used"], usage["remaining"], usage["quarantined"]) == (len(answers), 0, True)
    # the ledger holds the saves that were served and answered Ok, nothing of the refused ones
    ok = [a[2] for a in served_ if a[0] == "SaveBundleList" and "<Type>Ok</Type>" in a[1].text]
    ledger = admin_json(served, "GET", f"/__admin/clients/{cid}/ledger")["lines"]
    assert sorted((ln["transaction_no"], ln["amount"]) for ln in ledger if ln["account_no"] == 1920) \
        == sorted(ok)
    rb.note(rate_limit=f"limit {limit}: {len(answers)} calls from {THREADS} threads, "
                       f"{len(served_)} served, {len(refused)} refused (over-by 1..{len(refused)} "
                       f"each once), {len(ok)} bundles booked")


def test_sqlite_store_killed_mid_race_keeps_exactly_the_answered_bundles(tmp_path):
    """The same race (8 threads, GetEntryId then SaveBundleList with that number) against
    ``--store sqlite:PATH``, killed with SIGKILL mid-run and started again on the file: every
    bundle answered Ok is there, whole; bundles refused are not; a bundle whose answer the kill
    swallowed is there whole or not at all; no number is booked twice; numbering goes on."""
    store = f"sqlite:{tmp_path / 'state.sqlite'}"
    first = ServeProcess("--store", store, "--rate-limit", "0", "--quiet")
    try:
        info, session = new_client(first, pin=False)  # the clock is not part of the store
        cid = info["client_id"]
        headers = {"Content-Type": "text/xml; charset=utf-8", "Cookie": f"ASP.NET_SessionId={session}"}
        answers: dict = {}  # tag -> (number, amount, result type or None: no answer)
        lock = threading.Lock()

        def work(k: int) -> None:
            http = Http(first.host, first.port, timeout=10)
            try:
                for i in range(CALLS):
                    got = http.call("POST", ACCOUNT, ENTRY_ID, headers)
                    number = int(ENTRY_NO.search(got.body).group(1))
                    amount, tag = f"{i + 1}.{k:02d}", f"k{k}-{i}"
                    with lock:
                        answers[tag] = (number, amount, None)
                    saved = http.call("POST", ACCOUNT, (SAVE % {"no": number, "amount": amount,
                                                                "tag": tag}).encode(), headers)
                    kind = RESULT.search(saved.text).group(1)
                    with lock:
                        answers[tag] = (number, amount, kind)
            except (OSError, HTTPException, AttributeError):
                return  # the server is gone
            finally:
                http.close()

        def killer():
            while sum(1 for a in list(answers.values()) if a[2] == "Ok") < 150:
                if first.proc.poll() is not None:
                    return
                time.sleep(0.002)
            first.kill()

        k = threading.Thread(target=killer)
        k.start()
        run_threads(work)
        k.join()
        assert first.proc.returncode == -9, "the server was not killed mid-run"
    finally:
        first.close()

    again = ServeProcess("--store", store, "--rate-limit", "0", "--quiet")
    try:
        ledger = admin_json(again, "GET", f"/__admin/clients/{cid}/ledger")["lines"]
        by_tag: dict = {}
        for ln in ledger:
            by_tag.setdefault(ln["comment"], []).append(ln)
        ok = {t for t, a in answers.items() if a[2] == "Ok"}
        in_doubt = {t for t, a in answers.items() if a[2] is None}
        lost = ok - set(by_tag)
        wrong = set(by_tag) - ok - in_doubt  # refused, or never sent, yet booked
        for tag, lines in by_tag.items():  # whole vouchers, with the content that was sent
            number, amount, _ = answers[tag]
            assert sorted((ln["transaction_no"], ln["account_no"], ln["amount"]) for ln in lines) == [
                (number, 1920, amount), (number, 3000, "-" + amount)], tag
        numbers = Counter(ln["transaction_no"] for ln in ledger)
        twice = [n for n, c in numbers.items() if c != 2]
        rb.note(notes=[f"SQLite store, SIGKILL mid-race: {len(answers)} bundles sent, {len(ok)} "
                       f"answered Ok before the kill, {len(in_doubt)} unanswered; after a restart "
                       f"{len(by_tag)} booked: lost {len(lost)}, booked though refused {len(wrong)}, "
                       f"numbers booked twice {len(twice)}"])
        assert (lost, wrong, twice) == (set(), set(), [])
        # the session survived; numbering goes on after the highest booked number
        got = Http(again.host, again.port).call("POST", ACCOUNT, ENTRY_ID, headers)
        assert int(ENTRY_NO.search(got.body).group(1)) == max(numbers) + 1
    finally:
        again.close()
