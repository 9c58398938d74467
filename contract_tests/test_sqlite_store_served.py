"""The SQLite store through real sockets: ``tfso-mock serve --store sqlite:PATH`` as child
processes, restarted, run side by side over one file, and killed with SIGKILL while clients post.

Sessions and REST tokens are in the store: they survive a restart (*interpretation*, README).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter, defaultdict
from pathlib import Path
from xml.etree import ElementTree

import pytest
import requests

from helpers import soap_action

NS = "http://24sevenOffice.com/webservices"
AUTH = "/authenticate/v001/authenticate.asmx"
ACCOUNT = "/Economy/Account/V004/Accountservice.asmx"
TRANSACTIONS = "/Economy/Accounting/V001/TransactionService.asmx"
TODAY = dt.datetime.now(dt.UTC).date()
DEMO_BANK_TYPE_ID = "109"  # the demo client's own vouchers (fixtures/scenarios/demo.yaml)


class Served:
    """``tfso-mock serve`` in a child process (its own session: a kill reaches every worker)."""

    def __init__(self, path: Path, *extra: str):
        # the emulator numbers the vouchers (TransactionNo 0 takes the next free number)
        cmd = [sys.executable, "-m", "mockserver", "serve", "--port", "0", "--rate-limit", "0",
               "--transaction-no-zero", "next-free", "--store", f"sqlite:{path}", *extra]
        env = {k: v for k, v in os.environ.items() if not k.startswith("TFSO_MOCK_")}
        # stderr kept in a file: a start that fails says why in the assertion
        self.err = tempfile.TemporaryFile("w+")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.err,
                                     text=True, env=env, start_new_session=True)
        banner = []
        for line in self.proc.stdout:
            banner.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        text = "".join(banner)
        m = re.search(r"listening on (http://\S+)", text)
        if m is None:
            self.proc.wait(timeout=30)
            self.err.seek(0)
        assert m, f"exit {self.proc.poll()}; stdout: {text!r}; stderr: {self.err.read()[-4000:]!r}"
        self.url = m.group(1)
        self.creds = {k: re.search(rf"{k}:\s+(\S+)", text).group(1)
                      for k in ("Username", "Password", "ApplicationId", "IdentityId")}
        self.http = requests.Session()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        self.err.close()

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def soap(self, path: str, op: str, inner: str, session: str | None = None,
             http: requests.Session | None = None) -> str:
        body = ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap='
                '"http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
                f"{inner}</soap:Body></soap:Envelope>")
        headers = {"Content-Type": "text/xml; charset=utf-8",
                   "SOAPAction": f'"{soap_action(path, op)}"'}
        if session:
            headers["Cookie"] = f"ASP.NET_SessionId={session}"
        resp = (http or self.http).post(self.url + path, data=body.encode(), headers=headers,
                                        timeout=60)
        return resp.text

    def login(self) -> str:
        c = self.creds
        text = self.soap(AUTH, "Login", (
            f'<Login xmlns="{NS}"><credential><ApplicationId>{c["ApplicationId"]}</ApplicationId>'
            f'<IdentityId>{c["IdentityId"]}</IdentityId><Password>{c["Password"]}</Password>'
            f'<Username>{c["Username"]}</Username></credential></Login>'))
        return re.search(r"<LoginResult>([a-z0-5]{24})</LoginResult>", text).group(1)

    def save(self, session: str, comment: str, entries: int = 3,
             http: requests.Session | None = None) -> str:
        """One voucher of ``entries`` lines (numbered by the emulator); its result Type."""
        amounts = ["-100.00"] * (entries - 1) + [f"{100 * (entries - 1)}.00"]
        xml = "".join(
            f"<Entry><AccountNo>{1920 if i == entries - 1 else 3000}</AccountNo>"
            f"<Date>{TODAY.isoformat()}T00:00:00</Date><Amount>{a}</Amount>"
            f"<Comment>{comment}</Comment></Entry>" for i, a in enumerate(amounts))
        text = self.soap(ACCOUNT, "SaveBundleList", (
            f'<SaveBundleList xmlns="{NS}"><BundleList><SaveOption>0</SaveOption><Bundles>'
            f"<Bundle><YearId>{TODAY.year}</YearId><Sort>1</Sort><Name>t</Name><Vouchers>"
            f"<Voucher><TransactionNo>0</TransactionNo><Sort>1</Sort><Entries>{xml}</Entries>"
            "</Voucher></Vouchers></Bundle></Bundles></BundleList></SaveBundleList>"), session,
            http=http)
        return re.search(r"<Type>(\w+)</Type>", text).group(1)

    def entry_no(self, session: str) -> int:
        text = self.soap(ACCOUNT, "GetEntryId", (
            f'<GetEntryId xmlns="{NS}"><argEntryId><Date>{TODAY.isoformat()}T00:00:00</Date>'
            "<SortNo>1</SortNo><EntryNo>0</EntryNo></argEntryId></GetEntryId>"), session)
        return int(re.search(r"<EntryNo>(-?\d+)</EntryNo>", text).group(1))

    def transactions(self, session: str) -> list[tuple[str, str, str]]:
        """GetTransactions over this year: (TransactionNo, AccountNo, Amount) of each line."""
        text = self.soap(TRANSACTIONS, "GetTransactions", (
            '<GetTransactions xmlns="http://24sevenoffice.com/webservices/economy/accounting/">'
            "<searchParams>"
            f"<DateStart>{TODAY.year}-01-01T00:00:00</DateStart>"
            f"<DateEnd>{TODAY.year}-12-31T00:00:00</DateEnd></searchParams></GetTransactions>"),
            session)
        assert "Fault>" not in text, text[:500]
        rows = []
        for el in ElementTree.fromstring(text).iter():
            if el.tag.endswith("}Transaction"):
                kids = {child.tag.rsplit("}", 1)[-1]: child.text for child in el}
                if kids.get("TransactionTypeId") != DEMO_BANK_TYPE_ID:
                    rows.append((kids["TransactionNo"], kids["AccountNo"], kids["Amount"]))
        return rows

    def ledger(self) -> list[dict]:
        """The demo client's ledger without its own bank vouchers (demo.yaml): what was posted."""
        lines = self.http.get(self.url + "/__admin/clients/1000/ledger", timeout=60).json()["lines"]
        return [ln for ln in lines if ln["type_no"] != 9]


@pytest.fixture
def path(tmp_path):
    return tmp_path / "state.sqlite"


@pytest.fixture
def servers():
    started: list[Served] = []

    def start(path, *extra) -> Served:
        s = Served(path, *extra)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


def test_state_sessions_and_numbering_survive_a_restart(path, servers):
    first = servers(path)
    session = first.login()
    assert [first.save(session, f"r{i}") for i in range(3)] == ["Ok"] * 3
    token = requests.post(first.url + "/__admin/clients", json={"fiscal_years": [TODAY.year]},
                          timeout=30).json()["oauth"]
    access = requests.post(first.url + "/oauth/token", data={
        "grant_type": "client_credentials", "client_id": token["client_id"],
        "client_secret": token["client_secret"]}, timeout=30).json()["access_token"]
    lines, transactions = first.ledger(), first.transactions(session)
    next_no = first.entry_no(session)
    assert len(lines) == 9 and len(transactions) == 9
    first.stop()

    again = servers(path)
    assert again.creds == first.creds
    assert again.ledger() == lines
    assert again.transactions(session) == transactions  # the session survived the restart
    assert again.entry_no(session) == next_no
    assert again.save(session, "after") == "Ok"
    assert sorted({ln["transaction_no"] for ln in again.ledger()}) == [
        next_no - 3, next_no - 2, next_no - 1, next_no]
    rest = requests.get(again.url + "/v1/transactionlines",
                        params={"dateFrom": f"{TODAY.year}-01-01", "dateTo": f"{TODAY.year}-12-31"},
                        headers={"Authorization": f"Bearer {access}"}, timeout=30)
    assert (rest.status_code, rest.json()) == (200, [])  # so did the REST token


def test_two_processes_over_one_file(path, servers):
    a = servers(path)
    b = servers(path)
    session = a.login()
    assert b.save(session, "on-b") == "Ok"  # logged in on a, posted on b
    assert a.save(session, "on-a") == "Ok"
    assert a.transactions(session) == b.transactions(session)
    first = a.ledger()[0]["transaction_no"]
    assert [(ln["transaction_no"], ln["comment"]) for ln in a.ledger()] == [
        (first, "on-b")] * 3 + [(first + 1, "on-a")] * 3
    assert a.ledger() == b.ledger()
    assert a.entry_no(session) == b.entry_no(session)
    requests.post(b.url + "/__admin/reset", timeout=30).raise_for_status()
    assert a.ledger() == [] and "<HasSessionResult>false" in a.soap(
        AUTH, "HasSession", f'<HasSession xmlns="{NS}"/>', session)


def _post_from_threads(targets: list[Served], session: str, per_thread: int, answers: dict,
                       stop: threading.Event | None = None) -> None:
    def run(index: int, target: Served):
        http = requests.Session()
        for i in range(per_thread):
            if stop is not None and stop.is_set():
                return
            comment = f"t{index}-{i}"
            answers[comment] = None  # sent, no answer yet
            try:
                answers[comment] = target.save(session, comment, http=http)
            except (requests.RequestException, AttributeError):
                return  # the server went away: this bundle has no answer

    threads = [threading.Thread(target=run, args=(k, targets[k % len(targets)]))
               for k in range(2 * len(targets) + 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_concurrent_posting_from_two_processes_never_books_a_number_twice(path, servers):
    a = servers(path)
    b = servers(path)
    session = a.login()
    answers: dict = {}
    _post_from_threads([a, b], session, 20, answers)
    assert Counter(answers.values()) == {"Ok": 120}
    numbers = Counter(ln["transaction_no"] for ln in a.ledger())
    first = min(numbers)
    assert numbers == {n: 3 for n in range(first, first + 120)}
    assert a.ledger() == b.ledger()


def test_workers_share_one_socket_and_one_store(path, servers):
    served = servers(path, "--workers", "2", "--threads", "4")
    session = served.login()
    answers: dict = {}
    _post_from_threads([served], session, 25, answers)  # 4 threads, fresh connections each
    children = Path(f"/proc/{served.proc.pid}/task/{served.proc.pid}/children")
    if children.exists():  # Linux: the parent and its two workers
        assert len(children.read_text().split()) == 2
    assert Counter(answers.values()) == {"Ok": 100}
    lines = served.ledger()
    numbers = Counter(ln["transaction_no"] for ln in lines)
    first = min(numbers)
    assert numbers == {n: 3 for n in range(first, first + 100)}
    # every worker draws its own line GUIDs: forked from one state, they drew the same ones
    assert len({ln["line_id"] for ln in lines}) == 300


@pytest.mark.parametrize("workers", ["1", "2"])
def test_kill_9_while_posting_loses_no_answered_bundle_and_halves_none(path, servers, workers):
    served = servers(path, "--workers", workers)
    session = served.login()
    answers: dict = {}
    stop = threading.Event()
    killer_done = threading.Event()

    def killer():
        while sum(1 for v in list(answers.values()) if v == "Ok") < 60:
            if stop.wait(0.005):
                break
        served.kill()  # SIGKILL to every process of the server, mid-run
        killer_done.set()

    k = threading.Thread(target=killer)
    k.start()
    _post_from_threads([served], session, 10_000, answers, stop)
    stop.set()
    k.join()
    assert killer_done.is_set()

    again = servers(path)
    by_comment = defaultdict(list)
    for ln in again.ledger():
        by_comment[ln["comment"]].append(ln)
    answered = {c for c, v in answers.items() if v == "Ok"}
    assert len(answered) >= 60
    assert answered <= set(by_comment)  # every bundle answered Ok is there
    assert set(by_comment) <= set(answers)  # and nothing that was never sent
    for comment, lines in by_comment.items():  # whole vouchers only, each booked once
        assert len(lines) == 3, comment
        assert len({ln["transaction_no"] for ln in lines}) == 1, comment
    numbers = Counter(ln["transaction_no"] for ln in again.ledger())
    first = min(numbers)
    assert set(numbers.values()) == {3} and sorted(numbers) == list(range(first, first + len(numbers)))
    assert again.save(session, "after-crash") == "Ok"  # the session survived, numbering goes on


def test_master_data_survives_a_restart(path, servers):
    """M1-M6 on the SQLite store, over real sockets: companies, products and projects saved
    through SOAP are there after a restart, a deleted company stays deleted, numbering goes on."""
    company = "/CRM/Company/V001/CompanyService.asmx"
    product = "/Logistics/Product/V001/ProductService.asmx"
    first = servers(path)
    session = first.login()
    text = first.soap(company, "SaveCompanies", (
        f'<SaveCompanies xmlns="{NS}"><companies><Company><Name>Lagret AS</Name>'
        "<BankAccountNo>15031122222</BankAccountNo></Company><Company><Name>Borte AS</Name>"
        "</Company></companies></SaveCompanies>"), session)
    assert re.findall(r"<Id>(\d+)</Id>", text) == ["10002", "10003"]
    first.soap(company, "DeleteCompanies", (
        f'<DeleteCompanies xmlns="{NS}"><companies><Company><Id>10003</Id></Company>'
        "</companies></DeleteCompanies>"), session)
    text = first.soap(product, "SaveProducts", (
        f'<SaveProducts xmlns="{NS}"><products><Product><Name>Kaffe</Name><Price>89.90</Price>'
        "<No>SKU-1</No></Product></products></SaveProducts>"), session)
    assert "<Id>1</Id>" in text
    first.stop()

    again = servers(path)
    get = again.soap(company, "GetCompanies", (
        f'<GetCompanies xmlns="{NS}"><searchParams><CompanyIds><int>10002</int><int>10003</int>'
        "</CompanyIds></searchParams></GetCompanies>"), session)
    assert re.findall(r"<Id>(\d+)</Id>", get) == ["10002"]
    assert "<BankAccountNo>15031122222</BankAccountNo>" in get
    products = again.soap(product, "GetProducts", (
        f'<GetProducts xmlns="{NS}"><searchParams><No>SKU-1</No></searchParams></GetProducts>'),
        session)
    assert "<Price>89.90</Price>" in products and "<Name>Kaffe</Name>" in products
    text = again.soap(company, "SaveCompanies", (
        f'<SaveCompanies xmlns="{NS}"><companies><Company><Name>Neste AS</Name></Company>'
        "</companies></SaveCompanies>"), session)
    assert re.findall(r"<Id>(\d+)</Id>", text) == ["10004"]


SCENARIO = """\
name: Lager AS
accounts:
  - {no: 1920, name: Bank}
  - {no: 3000, name: Salg}
types:
  - {type_no: 41, id: 141, title: Salg, series: 1}
vouchers:
  - type_no: 41
    date: current-03-01
    lines:
      - {account: 1920, amount: "125.00"}
      - {account: 3000, amount: "-125.00"}
"""


def test_scenario_data_is_in_the_log_not_reread_from_its_file(path, servers, tmp_path):
    """A scenario's books come from the log on a restart: the scenario file (the demo client's
    --scenario, and one a client of the control API was made from) edited, then deleted,
    changes nothing that was already made from it."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    demo_file, other_file = folder / "demo-lager.yaml", folder / "lager.yaml"
    demo_file.write_text(SCENARIO, encoding="utf-8")
    other_file.write_text(SCENARIO, encoding="utf-8")
    first = servers(path, "--scenario", str(demo_file), "--scenario-dir", str(folder))
    made = first.http.post(first.url + "/__admin/clients", json={"scenario": "lager"},
                           timeout=60).json()
    cid = made["client_id"]

    def books(server) -> list:
        out = []
        for client in (1000, cid):
            lines = server.http.get(f"{server.url}/__admin/clients/{client}/ledger",
                                    timeout=60).json()["lines"]
            out.append(sorted((ln["account_no"], ln["amount"], ln["date"], ln["line_id"])
                              for ln in lines))
        return out

    before = books(first)
    assert [[(acc, amount) for acc, amount, _, _ in b] for b in before] == [
        [(1920, "125.00"), (3000, "-125.00")]] * 2
    first.stop()

    edited = SCENARIO.replace('"125.00"', '"999.00"').replace('"-125.00"', '"-999.00"')
    demo_file.write_text(edited, encoding="utf-8")
    other_file.write_text(edited.replace("accounts:", "accounts:\n  - {no: 1500, name: X}"),
                          encoding="utf-8")
    again = servers(path, "--scenario", str(demo_file), "--scenario-dir", str(folder))
    assert books(again) == before
    again.stop()

    other_file.unlink()
    demo_file.unlink()
    third = servers(path)
    assert books(third) == before
    assert third.http.get(f"{third.url}/__admin/clients/{cid}", timeout=60).json()["name"] == (
        "Lager AS")


def test_a_big_log_serves_before_its_books_are_replayed_and_never_half_of_one(path, servers):
    """A log of 20,000 booked lines: the server answers while the demo client's rows still
    replay (ledger/deferred.py), and the demo client's ledger, asked for at once, is whole."""
    from mockserver.ledger import logcodec, scenario
    from mockserver.ledger.core import ClientOptions, Ledger
    from mockserver.ledger.posting import PlannedVoucher
    from mockserver.ledger.store import SqliteStore

    led = Ledger(store=SqliteStore(str(path)))
    led.reset()
    other = led.create_client(ClientOptions(fiscal_years=[TODAY.year]))["client_id"]
    book = led.books[1000]
    before = set(book.vouchers)
    scenario.bulk_generate(book, 20_000, seed=3, now=led.clock.now())
    with led.transaction():
        for key, rec in book.vouchers.items():
            if key not in before:
                lines = [book.lines[lid] for lid in rec.line_ids]
                led.store.append("bundles", {"c": 1000, "now": led.clock.now().isoformat(),
                                             "bundles": [[logcodec.encode_voucher(
                                                 PlannedVoucher(rec, lines, [], [], link_ops=[]))]]})
    expected = len(led.snapshot(1000)["ledger"])
    led.store.close()
    full = Ledger(store=SqliteStore(str(path)))
    assert len(full.snapshot(1000)["ledger"]) == expected  # the log replays to what was made
    full.store.close()

    server = servers(path)
    assert server.http.get(server.url + f"/__admin/clients/{other}/ledger", timeout=60).json()[
        "lines"] == []
    lines = server.http.get(server.url + "/__admin/clients/1000/ledger", timeout=120).json()["lines"]
    assert len(lines) == expected
    session = server.login()
    assert server.entry_no(session) >= 1
