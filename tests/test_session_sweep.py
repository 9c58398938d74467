"""Sweeping idle sessions (ledger/directory.py): each client's sessions wait in a heap by the
time they would go idle, so a sweep reads what may have gone idle, not every session. Checked
against the rule itself (A4: unused for more than 20 minutes by the session's client's clock)
over random logins, uses, SetIdentity moves between clients and clock moves."""

from __future__ import annotations

import heapq
import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from mockserver import errors
from mockserver.ledger import directory as d
from mockserver.ledger import interpretations as rules

IDLE = timedelta(seconds=rules.SESSION_IDLE_SECONDS)
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
APP = uuid.UUID(int=7)


def a_directory(clients: int, limit: int = 50_000):
    clocks = {cid: START for cid in range(1, clients + 1)}
    book = d.Directory(limit, now_for=lambda cid: clocks[cid])
    user = d.User("u@example.com", "pw", uuid.uuid4(), "U", 1, [
        d.Identity(uuid.UUID(int=cid), cid, f"client {cid}", is_default=cid == 1)
        for cid in clocks])
    book.add_user(user)
    return book, user, clocks


def idle_by_the_rule(book, clocks) -> set[str]:
    return {sid for sid, s in book.sessions.items()
            if clocks[s.identity.client_id] - s.last_seen > IDLE}


@pytest.mark.parametrize("seed", range(25))
def test_a_sweep_ends_exactly_the_sessions_the_rule_calls_idle(seed):
    rng = random.Random(seed)
    book, user, clocks = a_directory(clients=3)
    for _ in range(400):
        op = rng.random()
        if op < 0.35:  # a login on one of the identities, at that client's time
            ident = rng.choice(user.identities)
            book.login(APP, user.username, "pw", ident.identity_id, clocks[ident.client_id])
        elif op < 0.6 and book.sessions:  # a session used by its client now
            s = book.sessions[rng.choice(sorted(book.sessions))]
            now = clocks[s.identity.client_id]
            if now - s.last_seen <= IDLE and now > s.last_seen:
                s.last_seen = now
        elif op < 0.7 and book.sessions:  # SetIdentity: the session works for another client
            s = book.sessions[rng.choice(sorted(book.sessions))]
            s.identity = rng.choice(user.identities)
            book.regroup(s)
        elif op < 0.9:  # one client's clock moves (mostly forward)
            cid = rng.choice(sorted(clocks))
            clocks[cid] += timedelta(minutes=rng.choice([1, 3, 7, 12, 21, -5]))
        else:
            expected = idle_by_the_rule(book, clocks)
            live = set(book.sessions)
            assert set(book.sweep(START)) == expected
            assert set(book.sessions) == live - expected
    expected = idle_by_the_rule(book, clocks)
    assert set(book.sweep(START)) == expected and not idle_by_the_rule(book, clocks)


def test_at_the_limit_a_refused_login_reads_no_live_session(monkeypatch):
    book, user, clocks = a_directory(clients=2, limit=2_000)
    for i in range(2_000):
        ident = user.identities[i % 2]
        book.login(APP, user.username, "pw", ident.identity_id, clocks[ident.client_id])
    popped = []
    real_pop = heapq.heappop
    monkeypatch.setattr(d.heapq, "heappop", lambda heap: popped.append(1) or real_pop(heap))
    for _ in range(50):
        with pytest.raises(errors.LimitReached):
            book.login(APP, user.username, "pw", d.NIL_GUID, clocks[1])
    assert popped == []  # nothing could have gone idle: no session was looked at
    clocks[1] += IDLE + timedelta(seconds=1)  # client 1's sessions go idle by its clock
    session = book.login(APP, user.username, "pw", d.NIL_GUID, clocks[1])
    assert session is not None and len(popped) == 1_000
    assert len(book.sessions) == 1_001
