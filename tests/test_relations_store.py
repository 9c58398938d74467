"""Contacts and their companies kept once (``ledger/relations.py``): the rules, and a log written
before the store (relations inside company and person records) replaying into it."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from mockserver import errors
from mockserver.ledger.core import Ledger
from mockserver.ledger.masterdata import COMPANY, PERSON
from mockserver.ledger.store import SqliteStore

#: written by tests/data/make_relations_log.py with main at 20e56cd (before the store): client
#: 1001, persons Kari (1) and Ola (2), relations saved with MakeRelation and SaveRelations
LEGACY = Path(__file__).parent / "data" / "relations_log_main_20e56cd.json"


def ledger_with_client(store=None):
    ledger = Ledger(store=store) if store is not None else Ledger()
    made = ledger.reset(dataclasses.replace(Ledger.demo_options(), fiscal_years=[2024]))
    return ledger, ledger.book(made["client_id"])


def people(ledger, book, *names):
    return [ledger.save_items(book, PERSON, [{"FirstName": n}], what="Person", required=())[0].id
            for n in names]


def pairs(ledger, book, **kw):
    return [(r.contact_id, r.company_id, r.data) for r in ledger.relations(book, **kw)]


def test_one_relation_per_pair_both_shapes_merge_and_stamp_both_sides():
    ledger, book = ledger_with_client()
    kari, = people(ledger, book, "Kari")
    before = ledger.record(book, PERSON, kari).changed
    ledger.clock.advance(60)
    ledger.save_relations(book, [(kari, 123, {"Title": "CFO"})])
    ledger.save_relations(book, [(kari, 123, {"Phones": {"Work": {"Value": "22"}}})])
    assert pairs(ledger, book) == [(kari, 123, {"Title": "CFO", "Phones": {"Work": {"Value": "22"}}})]
    rel, = ledger.relations(book)
    assert ledger.record(book, PERSON, kari).changed == rel.changed > before
    assert ledger.record(book, COMPANY, 123).changed == rel.changed


@pytest.mark.parametrize("pair,text", [
    ((1, 4040), "Company with Id 4040 was not found."),
    ((99, 123), "Person with Id 99 was not found."),
    ((None, 123), "Person with Id None was not found."),
])
def test_an_unknown_side_is_refused_and_nothing_is_saved(pair, text):
    ledger, book = ledger_with_client()
    people(ledger, book, "Kari")
    rows = len(pairs(ledger, book))
    with pytest.raises(errors.UnknownReference) as caught:
        ledger.save_relations(book, [(1, 123, {"Title": "ok"}), (*pair, {})])
    assert caught.value.text.endswith(text)
    assert len(pairs(ledger, book)) == rows == 0


def test_deleting_an_unknown_relation_is_refused_and_removes_nothing():
    ledger, book = ledger_with_client()
    kari, ola = people(ledger, book, "Kari", "Ola")
    ledger.save_relations(book, [(kari, 123, {})])
    with pytest.raises(errors.RelationNotFound) as caught:
        ledger.delete_relations(book, [(kari, 123), (ola, 123)])
    assert caught.value.text.endswith(f"Person with Id {ola} has no relation to Company with "
                                      "Id 123.")
    assert [p[:2] for p in pairs(ledger, book)] == [(kari, 123)]
    ledger.delete_relations(book, [(kari, 123)])
    assert pairs(ledger, book) == []


def test_deleting_a_company_or_a_person_removes_its_relations():
    ledger, book = ledger_with_client()
    kari, ola = people(ledger, book, "Kari", "Ola")
    made, = ledger.save_companies(book, [{"Name": "Ny AS"}])
    ledger.save_relations(book, [(kari, made.id, {}), (ola, made.id, {}), (kari, 123, {})])
    assert ledger.delete_companies(book, [made.id]) == [None]
    assert [p[:2] for p in pairs(ledger, book)] == [(kari, 123)]
    assert ledger.delete_records(book, PERSON, [kari], what="Person") == [None]
    assert pairs(ledger, book) == []


def test_relations_replay_from_the_store_and_reach_another_process(tmp_path):
    path = str(tmp_path / "state.sqlite")
    ledger, book = ledger_with_client(SqliteStore(path))
    kari, = people(ledger, book, "Kari")
    ledger.save_relations(book, [(kari, 123, {"Title": "CFO"})])
    other = Ledger(store=SqliteStore(path))
    assert pairs(other, other.book(book.client_id)) == [(kari, 123, {"Title": "CFO"})]
    ledger.delete_relations(book, [(kari, 123)])
    other.sync()
    assert pairs(other, other.book(book.client_id)) == []


def test_a_log_written_by_main_before_the_store_replays_into_it(tmp_path):
    """Relations saved both ways under the old layout (company ``Relations``, person
    ``RelationData``, each save repeating the whole list) come back as one store; those deleted
    either way stay deleted; the records keep no list."""
    rows = json.loads(LEGACY.read_text("utf-8"))["rows"]
    path = str(tmp_path / "old.sqlite")
    SqliteStore(path).close()
    con = sqlite3.connect(path)
    con.executemany("INSERT INTO log (kind, body, client) VALUES (?, ?, ?)",
                    [(k, json.dumps(b), b.get("c") if isinstance(b, dict) else None)
                     for k, b in rows])
    con.commit()
    con.close()
    ledger = Ledger(store=SqliteStore(path))
    book = ledger.book(1001)
    assert pairs(ledger, book) == [
        (1, 123, {"Title": "CFO", "Emails": {"Work": {"Value": "kari@kunde.no"}},
                  "Phones": {"Work": {"Value": "22 00 00 01"}, "Mobile": {"Value": "900 00 001"}}}),
        (1, 10001, {"Title": "Daglig leder", "RoleId": 4, "Fax": "22 00 00 09",
                    "Phones": {"Work": {"Value": "22 00 00 02"}},
                    "Emails": {"Work": {"Value": "kari@leverandor.no"}}}),
        (2, 10001, {"Title": "Innkjøper"}),
    ]
    for kind in (COMPANY, PERSON):
        for r in ledger.records(book, kind):
            assert "Relations" not in r.data and "RelationData" not in r.data, r
    assert ledger.record(book, COMPANY, 10001).data["Name"] == "Endret Leverandør AS"
    assert ledger.record(book, PERSON, 1).data["Nickname"] == "KN"
    # and the new rows written over it replay too
    ledger.delete_relations(book, [(2, 10001)])
    again = Ledger(store=SqliteStore(path))
    assert [p[:2] for p in pairs(again, again.book(1001))] == [(1, 123), (1, 10001)]
