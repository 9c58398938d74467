"""Random version-4 GUIDs for new ledger lines, made without ``UUID.__init__``'s checks."""

from __future__ import annotations

import random
import uuid

_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_V4 = (0x4000 << 64) | (0x8000 << 48)
#: read once: an Enum member read off its class goes through a descriptor (about 1 µs)
_UNKNOWN = uuid.SafeUUID.unknown


def uuid4_from(rng: random.Random) -> uuid.UUID:
    """A version-4 UUID from ``rng``: the same value as ``UUID(int=rng.getrandbits(128),
    version=4)``, about three times faster (every booked line gets one)."""
    value = (rng.getrandbits(128) & _UUID_CLEAR) | _UUID_V4
    u = object.__new__(uuid.UUID)
    object.__setattr__(u, "int", value)
    object.__setattr__(u, "is_safe", _UNKNOWN)
    return u
