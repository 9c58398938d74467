"""The hot path's short cuts agree with the general code they skip, on generated inputs."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

import pytest

from mockserver.clock import Clock
from mockserver.ledger.ids import uuid4_from
from mockserver.soap import codec, envelope


def _outcome(parse, text: str, xsd: str):
    try:
        value = parse(text, xsd)
    except codec.Unconvertible as exc:
        return "fault", exc.inner
    return "value", type(value), value, str(value)


def _numbers(seed: int, n: int) -> list[str]:
    rnd = random.Random(seed)
    chars = "0123456789 +-.\t\n\u0663\u00b2,e"
    fixed = ["0", "00", "1", "123456789", "1234567890", "2147483647", "2147483648", "-5", "+5",
             "255", "256", "32767", "32768", "\u0663", "\uff11", "", "  7 ", "0000000001",
             "9" * 28, "9" * 29, "0." + "1" * 26, "." + "1" * 28, "-" + "9" * 27, " " + "9" * 27,
             "79228162514264337593543950335", "79228162514264337593543950336", "1." + "5" * 27]
    return fixed + ["".join(rnd.choice(chars) for _ in range(rnd.randint(0, 32)))
                    for _ in range(n)]


@pytest.mark.parametrize("xsd", ["int", "long", "short", "unsignedByte"])
def test_int_reader_agrees_with_the_general_one(xsd):
    for text in _numbers(1, 20000):
        assert _outcome(codec._parse_int, text, xsd) == _outcome(
            codec._parse_int_general, text, xsd), repr(text)


def test_decimal_reader_agrees_with_the_general_one_scale_included():
    for text in _numbers(2, 20000):
        fast = _outcome(codec._parse_decimal, text, "decimal")
        assert fast == _outcome(codec._parse_decimal_general, text, "decimal"), repr(text)
        if fast[0] == "value":  # the same scale too (1.50 stays 1.50)
            assert codec._parse_decimal(text, "decimal").as_tuple() == \
                codec._parse_decimal_general(text, "decimal").as_tuple()


def test_prolog_short_cut_agrees_with_the_scan():
    rnd = random.Random(3)
    parts = [b"<?xml", b' version="1.0"?>', b"?>", b"<", b"!", b"DOCTYPE", b"<!--", b"-->", b"a",
             b"?", b" ", b"\n", b"<?pi x?>", b"\xef\xbb\xbf", b"\x00", b"1", b"\xc3\xa6", b"<s:E>"]
    bodies = [b'<?xml version="1.0"?><a/>', b'<?xml version="1.0"?><!DOCTYPE a><a/>', b"<?xml?>",
              b"<?xml", b"<?xml?><1", b"<?xml?>\xc3\xa6", b"<?xml?><!--x--><a/>"]
    bodies += [(b"<?xml" if rnd.random() < .7 else b"")
               + b"".join(rnd.choice(parts) for _ in range(rnd.randint(0, 8)))
               for _ in range(30000)]
    for body in bodies:
        assert envelope.dtd_in_prolog(body) == envelope._declaration_in_prolog(body), body
    assert envelope.dtd_in_prolog(b'<?xml version="1.0"?><!DOCTYPE a><a/>')


def test_line_ids_are_the_version_4_uuids_of_the_same_bits():
    for seed in range(500):
        fast, plain = uuid4_from(random.Random(seed)), random.Random(seed)
        same = uuid.UUID(int=plain.getrandbits(128), version=4)
        assert (fast, str(fast), hash(fast), fast.version, fast.variant, fast.is_safe) == (
            same, str(same), hash(same), same.version, same.variant, same.is_safe)


def test_clock_reads_a_clients_own_time_only_in_its_scope():
    clock = Clock()
    pinned = datetime(2030, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    clock.set(pinned, client_id=7)
    with clock.scope(7):
        assert clock.now() == pinned.replace(microsecond=123000)
        with clock.scope(8):
            assert clock.now().year != 2030
        assert clock.now() == pinned.replace(microsecond=123000)
    assert clock.now().year != 2030
    clock.set(datetime(2031, 1, 1, tzinfo=UTC))
    assert clock.now() == datetime(2031, 1, 1, tzinfo=UTC)
    with clock.scope(7):
        assert clock.now().year == 2030
    clock.reset()
    assert clock.now().microsecond % 1000 == 0
