"""The SQLite store at the ledger level: every change is a log row, and a second ``Ledger`` over
the same file (another process, a restart) holds the same books."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
import threading
from decimal import Decimal
from uuid import UUID

import pytest

from mockserver.ledger import logcodec
from mockserver.ledger.core import (
    DEMO_APPLICATION_ID,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    ClientOptions,
    Ledger,
)
from mockserver.ledger.model import NIL_GUID, Bundle, BundleList, Entry, Line, Link, Voucher
from mockserver.ledger.store import SqliteStore, StoreError, parse_store

DAY = dt.date(2024, 1, 31)


def open_ledger(path) -> Ledger:
    ledger = Ledger(store=SqliteStore(str(path)))
    ledger.transaction_no_zero = "next-free"  # these tests leave the numbering to the ledger
    if ledger.is_empty():
        ledger.reset(dataclasses.replace(Ledger.demo_options(), fiscal_years=[2024]))
    return ledger


def blist(*vouchers, save_option=0, sort=10, year=2024, **kw) -> BundleList:
    return BundleList(bundles=[Bundle(year_id=year, sort=sort, vouchers=list(vouchers))],
                      save_option=save_option, **kw)


def v(no: int, *pairs, sort=10, **entry) -> Voucher:
    return Voucher(transaction_no=no, sort=sort,
                   entries=[Entry(date=DAY, account_no=a, amount=Decimal(x), **entry) for a, x in pairs])


def lines_of(ledger: Ledger, client_id: int) -> list:
    ledger.sync()
    snap = ledger.snapshot(client_id)
    return snap["ledger"] + snap["journal"]


@pytest.fixture
def path(tmp_path):
    return tmp_path / "state.sqlite"


def test_parse_store():
    assert parse_store("memory") is None
    assert parse_store("") is None
    assert parse_store("sqlite:/tmp/x.db") == "/tmp/x.db"
    with pytest.raises(ValueError):
        parse_store("sqlite:")
    with pytest.raises(ValueError):
        parse_store("postgres://x")


def test_line_codec_covers_every_field_and_round_trips():
    assert logcodec.LINE_FIELDS == tuple(f.name for f in dataclasses.fields(Line))
    ln = Line(line_id=UUID(int=7, version=4), seq=3, transaction_no=9, series_id=1, year=2024,
              type_no=10, type_id=2, account_no=1920, date=DAY,
              amount=Decimal("79228162514264337593543950335.01"), customer_id=5,
              due_date=DAY, period_date=DAY.replace(day=1), currency="EUR",
              currency_rate=Decimal("11.4567"), currency_unit=100, vat_amount=Decimal("-1E+2"),
              tax_no=3, department_id=4, project_id=6, dimensions=((1, "a"), (2, "b")),
              invoice_no="10", ocr="100", comment="æøå \"q\"", stamp_no=8,
              bank_account_no="12345678903", link_id=4, link_guid=UUID(int=9, version=4),
              sequence_no=2, system_type="Sale",
              created_at=dt.datetime(2024, 1, 31, 10, 0, 0, 123000, tzinfo=dt.UTC),
              modified_at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC), posted=True)
    text = json.dumps(logcodec.encode_line(ln))
    back = logcodec.decode_line(json.loads(text))
    assert back == ln
    assert str(back.vat_amount) == "-1E+2" and str(back.amount) == "79228162514264337593543950335.01"
    assert '"79228162514264337593543950335.01"' in text  # money is a string, never a float


def test_a_restart_holds_the_same_books_and_numbers_on(path):
    first = open_ledger(path)
    demo = first.startup_info()
    book = first.books[demo["client_id"]]
    assert first.save_bundle_list(book, blist(v(0, (1920, "100.10"), (3000, "-100.10")))).type == "Ok"
    assert first.save_bundle_list(book, blist(v(0, (1920, "5"), (3000, "-5")))).type == "Ok"
    before = lines_of(first, demo["client_id"])
    series = book.types[10].series_id
    next_no = first.entry_id(book, DAY, series)
    first.store.close()

    again = open_ledger(path)
    assert again.startup_info() == demo
    assert lines_of(again, demo["client_id"]) == before
    book2 = again.books[demo["client_id"]]
    assert again.entry_id(book2, DAY, series) == next_no
    assert again.save_bundle_list(book2, blist(v(0, (1920, "1"), (3000, "-1")))).type == "Ok"
    numbers = sorted({ln["transaction_no"] for ln in lines_of(again, demo["client_id"])})
    assert numbers == [next_no - 2, next_no - 1, next_no]


def test_two_ledgers_over_one_file_share_everything(path):
    a, b = open_ledger(path), open_ledger(path)
    assert a.startup_info() == b.startup_info()
    session = a.login(DEMO_APPLICATION_ID, DEMO_USERNAME, DEMO_PASSWORD, NIL_GUID)
    book_b = b.require_book([session.session_id])  # the session made on a works on b
    assert b.save_bundle_list(book_b, blist(v(0, (1920, "10"), (3000, "-10")))).type == "Ok"
    book_a = a.require_book([session.session_id])
    assert a.save_bundle_list(book_a, blist(v(0, (1920, "20"), (3000, "-20")))).type == "Ok"
    assert lines_of(a, 1000) == lines_of(b, 1000)
    assert [ln["transaction_no"] for ln in lines_of(a, 1000)] == [1, 1, 2, 2]

    # a client, links, due dates, control changes and a token made on one are on the other
    info = a.create_client(ClientOptions(fiscal_years=[2024], extra_identities=[{"name": "X"}]))
    cid = info["client_id"]
    bk = b.books[cid] if (b.sync() or True) else None
    assert b.save_bundle_list(bk, blist(v(0, (1500, "50"), (3000, "-50"), invoice_reference_no="7"))).type == "Ok"
    a.sync()
    line_ids = [UUID(ln["line_id"]) for ln in lines_of(a, cid)]
    link = a.create_link(a.books[cid])
    assert a.link_entries(a.books[cid], line_ids, link, replace=False)
    b.update_due_dates(b.books[cid], [(line_ids[0], dt.date(2024, 3, 1))])
    a.put_series(cid, 42, "Import", 500)
    a.add_year(cid, 2025)
    a.set_blocked(cid, True)
    token = a.tokens.issue(grant_type="client_credentials", client_id=info["oauth"]["client_id"],
                           client_secret=info["oauth"]["client_secret"], audience=None,
                           organization=None, scope=None, now=a.clock.now())
    b.sync()
    assert lines_of(a, cid) == lines_of(b, cid)
    assert [ln["link_id"] for ln in lines_of(b, cid)] == [link, link]
    assert lines_of(b, cid)[0]["due_date"] == "2024-03-01"
    assert b.books[cid].series[42].start_no == 500
    assert sorted(b.books[cid].fiscal_years) == [2024, 2025]
    assert b.credentials[cid]["blocked"] is True
    assert b.tokens.lookup(token.token) == token
    assert b.create_client(ClientOptions())["client_id"] == cid + 2  # ids never taken twice

    assert b.expire_sessions(None) == 2  # the session and the token
    a.sync()
    assert a.session([session.session_id]) is None
    assert a.tokens.lookup(token.token) is None


def test_a_journal_approved_elsewhere_is_in_the_ledger_here(path):
    a, b = open_ledger(path), open_ledger(path)
    assert a.save_bundle_list(a.books[1000], blist(v(0, (1920, "10"), (3000, "-10")), save_option=1)).type == "Ok"
    b.sync()
    assert b.approve_journal(1000) == 2
    a.sync()
    assert lines_of(a, 1000) == lines_of(b, 1000)
    assert len(a.snapshot(1000)["ledger"]) == 2


def test_links_of_a_bundle_resolve_alike_everywhere(path):
    a, b = open_ledger(path), open_ledger(path)
    guid = UUID("11111111-2222-4333-8444-555555555555")
    assert a.save_bundle_list(a.books[1000], blist(v(0, (1500, "10"), (3000, "-10"), link_id=guid))).type == "Ok"
    first = UUID(lines_of(a, 1000)[0]["line_id"])
    second = v(0, (1920, "10"), (1500, "-10"))
    second.entries[1].links = [Link(line_id=first, link_id=guid)]
    b.sync()
    assert b.save_bundle_list(b.books[1000], blist(second)).type == "Ok"
    a.sync()
    assert lines_of(a, 1000) == lines_of(b, 1000)


def test_a_reset_resets_every_process_and_shortens_the_log(path):
    a, b = open_ledger(path), open_ledger(path)
    a.save_bundle_list(a.books[1000], blist(v(0, (1920, "10"), (3000, "-10"))))
    a.create_client(ClientOptions())
    b.reset(dataclasses.replace(Ledger.demo_options(), fiscal_years=[2024]))
    a.sync()
    assert lines_of(a, 1000) == [] and sorted(a.books) == [1000]
    assert a.credentials[1000] == b.credentials[1000]
    assert a.store.count() == 2  # the reset row and the demo client's
    assert open_ledger(path).credentials == a.credentials


def test_a_refused_call_writes_nothing_and_a_failed_change_rebuilds(path):
    a = open_ledger(path)
    rows = a.store.count()
    assert a.save_bundle_list(a.books[1000], blist(v(0, (1920, "10"), (3000, "-9")))).type != "Ok"
    assert a.store.count() == rows

    class Boom(Exception):
        pass

    with pytest.raises(Boom), a.transaction():
        a.create_client(ClientOptions())
        raise Boom()
    assert sorted(a.books) == [1000] and a.store.count() == rows


def test_concurrent_ledgers_never_book_a_number_twice(path):
    ledgers = [open_ledger(path) for _ in range(3)]
    oks = []

    def post(ledger: Ledger):
        for _ in range(15):
            ledger.sync()
            res = ledger.save_bundle_list(ledger.books[1000], blist(v(0, (1920, "1"), (3000, "-1"))))
            oks.append(res.type)

    threads = [threading.Thread(target=post, args=(lg,)) for lg in ledgers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert oks == ["Ok"] * 45
    fresh = open_ledger(path)
    numbers = sorted(ln["transaction_no"] for ln in lines_of(fresh, 1000))
    assert numbers == sorted(list(range(1, 46)) * 2)


def test_the_log_is_json_with_money_as_strings(path):
    a = open_ledger(path)
    a.save_bundle_list(a.books[1000], blist(v(0, (1920, "0.10"), (3000, "-0.10"))))
    conn = sqlite3.connect(str(path))
    kind, body = conn.execute("SELECT kind, body FROM log ORDER BY id DESC LIMIT 1").fetchone()
    conn.close()
    assert kind == "bundles"
    line = json.loads(body)["bundles"][0][0]["lines"][0]
    assert line[9] == "0.10" and line[8] == "2024-01-31"


def test_a_file_of_another_format_is_refused(path):
    SqliteStore(str(path)).close()
    conn = sqlite3.connect(str(path))
    conn.execute("UPDATE meta SET value = 'other/9' WHERE key = 'format'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError):
        SqliteStore(str(path))


def test_master_data_is_logged_and_replayed(path):
    """M1-M6 on the SQLite store: companies (the ledger's customers), their deletion and other
    records are log rows; a second ledger (a restart, another process) holds the same."""
    a = open_ledger(path)
    book = a.books[1000]
    saved = a.save_companies(book, [{"Name": "Lagret AS", "BankAccountNo": "15031122222",
                                     "Turnover": Decimal("12.50")}, {"Name": "Slettes AS"}])
    assert [s.id for s in saved] == [10002, 10003]
    assert a.delete_companies(book, [10003]) == [None]
    a.save_records(book, "product", [(None, {"Name": "Vare", "Price": Decimal("9.90")})],
                   what="Product")
    b = open_ledger(path)
    bbook = b.books[1000]
    got = b.find_companies(bbook, ids=[10002, 10003])
    assert [(r.id, r.data["Name"], r.data["Turnover"]) for r in got] == [
        (10002, "Lagret AS", Decimal("12.50"))]
    assert bbook.customers[10002].bank_account == "15031122222" and 10003 not in bbook.customers
    assert [(r.id, r.data) for r in b.records(bbook, "product")] == [
        (1, {"Name": "Vare", "Price": Decimal("9.90")})]
    assert list(b.deleted_records(bbook, "company")) == [10003]
    # numbering goes on after the replayed ids, in either process
    assert [s.id for s in b.save_companies(bbook, [{"Name": "Neste AS"}])] == [10004]


def test_a_scenario_row_keeps_the_scenario_and_an_older_row_still_reads_its_file(path, tmp_path):
    """The scenario row holds the file's text (a replay reads no file); a row written before
    that (``source``: the file's path) is replayed from the file as it was then."""
    from mockserver.ledger import scenario

    text = ("vouchers:\n  - type_no: 1\n    date: 2024-01-31\n    lines:\n"
            "      - {account: 1920, amount: '40.00'}\n      - {account: 3000, amount: '-40.00'}\n")
    a = open_ledger(path)
    a.populate(1000, scenario.parse_text(text, source="s.yaml"))
    conn = sqlite3.connect(path)
    body = json.loads(conn.execute("SELECT body FROM log WHERE kind = 'scenario'").fetchone()[0])
    assert body["name"] == "s.yaml" and body["scenario"] == {"text": text}
    old_file = tmp_path / "old.yaml"
    old_file.write_text(text.replace("40.00", "7.00"), encoding="utf-8")
    with conn:
        conn.execute("INSERT INTO log (kind, body) VALUES ('scenario', ?)", (json.dumps(
            {"c": 1000, "source": str(old_file), "seed": 1, "now": "2024-02-01T00:00:00+00:00"}),))
    conn.close()
    b = open_ledger(path)
    assert sorted(ln["amount"] for ln in lines_of(b, 1000)) == ["-40.00", "-7.00", "40.00", "7.00"]
