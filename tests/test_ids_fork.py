"""New line GUIDs and trace ids differ between forked workers (``--workers N`` forks after the
ledger, and its random source, exist)."""

from __future__ import annotations

import os
import re

import pytest

from mockserver.ledger import ids

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _draw() -> str:
    return f"{ids.new_line_id()} {ids.trace_id()}"


def test_a_forked_worker_draws_its_own_ids():
    ids.new_line_id()  # the parent has drawn already, as a serving parent has
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its first ids, then gone
        try:
            os.write(write, _draw().encode())
        finally:
            os._exit(0)
    os.close(write)
    child = os.read(read, 200).decode()
    os.close(read)
    os.waitpid(pid, 0)
    parent = _draw()
    assert child.split()[0] != parent.split()[0]
    assert child.split()[1] != parent.split()[1]


def test_trace_id_is_a_version_4_uuid_in_hex():
    seen = {ids.trace_id() for _ in range(1000)}
    assert len(seen) == 1000
    for value in seen:
        assert re.fullmatch(r"[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}", value), value


def test_trace_id_is_the_uuid_of_the_same_draw():
    """The same 128 random bits as ``uuid.UUID(int=..., version=4).hex`` gives."""
    import random
    import uuid

    state = ids.RNG.getstate()
    drawn = [ids.trace_id() for _ in range(200)]
    again = random.Random()
    again.setstate(state)
    assert drawn == [uuid.UUID(int=again.getrandbits(128), version=4).hex for _ in range(200)]
