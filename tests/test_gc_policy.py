"""`tfso-mock serve`'s cyclic GC policy (cli._collect_only_what_is_new): after a collection of
generation 1 or 2 what survived is frozen, so no later collection walks the booked ledger again;
young garbage is still collected. Run in a child process: the policy is process-wide."""

from __future__ import annotations

import subprocess
import sys

CHILD = r"""
import gc
from mockserver import cli

cli._collect_only_what_is_new()
frozen_at_start = gc.get_freeze_count()
kept = [[i] for i in range(5000)]          # what a booked ledger is: alive, tracked
gc.collect(1)
assert gc.get_freeze_count() >= frozen_at_start + 5000, gc.get_freeze_count()
assert not gc.get_objects(generation=2), len(gc.get_objects(generation=2))

class Node:
    pass
a, b = Node(), Node()
a.other, b.other = b, a                    # young cyclic garbage
del a, b
assert gc.collect(0) >= 2                  # a young collection still finds it
gc.collect(0)
assert gc.get_freeze_count() >= frozen_at_start + 5000
print("ok", len(kept))
"""


def test_what_survives_an_older_collection_is_frozen_and_young_cycles_are_collected():
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok 5000"
