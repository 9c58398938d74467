"""The quicker header-field check (``serving.fast_field``) gives exactly what waitress's own
``HEADER_FIELD_RE`` gives: the same name and value, or no answer (the regex then decides, a
refusal included)."""

from __future__ import annotations

import socket

from hypothesis import example, given, settings
from hypothesis import strategies as st
from waitress import parser as waitress_parser
from waitress.rfc7230 import HEADER_FIELD_RE

from mockserver import serving
from mockserver.testing.server import ThreadedEmulator

#: the bytes where the regex's answer turns: tchar and not, the colon, SP/HTAB, CR/LF, controls,
#: DEL, obs-text, the underscore waitress drops names with
_EDGES = b"aZ09!#~|`^_-.:;\"(),/@[]{}\\ \t\r\n\x00\x01\x0b\x1f\x7f\x80\xa0\xfe\xff="
_line_bytes = st.one_of(st.sampled_from(list(_EDGES)), st.integers(0, 255))
_lines = st.one_of(
    st.lists(_line_bytes, max_size=40).map(bytes),
    # a name, a colon, then a value (long enough for the quick check to be used)
    st.tuples(st.lists(_line_bytes, max_size=12).map(bytes),
              st.lists(_line_bytes, max_size=300).map(bytes),
              st.integers(0, 400)).map(lambda t: t[0] + b":" + t[1] + b"x" * t[2]),
)


def _regex(line: bytes):
    m = HEADER_FIELD_RE.match(line)
    return None if m is None else m.group("name", "value")


@settings(max_examples=3000, deadline=None)
@given(_lines)
@example(b"Authorization: Bearer " + b"e" * 1400)
@example(b"X-Trailing-Lf: " + b"v" * 200 + b"\n")
@example(b"X-Trailing-Cr: " + b"v" * 200 + b"\r")
@example(b"X-Empty:")
@example(b"X-Blank: \t \t")
@example(b"X-Tabs:\tv\t" + b"w" * 200 + b"\t")
@example(b"X-Obs: \x80\xff " + b"\xe6" * 200)
@example(b": no name " + b"x" * 200)
@example(b"Bad Name: " + b"x" * 200)
@example(b"X-Ctl: a\x00b" + b"x" * 200)
@example(b"X-Del: a\x7fb" + b"x" * 200)
@example(b"X_Under: " + b"x" * 200)
def test_the_quick_check_proves_only_what_the_regex_answers(line):
    fast = serving.fast_field(line)
    if fast is not None:  # what it proves, the regex answers the same
        assert fast == _regex(line)
    # through what waitress's parser calls: the same answer whatever the length
    m = waitress_parser.HEADER_FIELD_RE.match(line)
    expected = _regex(line)
    assert (None if m is None else m.group("name", "value")) == expected
    if m is not None:
        assert m.group("name") == expected[0] and m.group("value") == expected[1]


def test_the_quick_check_is_used_for_a_long_plain_line():
    line = b"Authorization: Bearer " + b"e" * 1400 + b" \t"
    assert serving.fast_field(line) == (b"Authorization", b"Bearer " + b"e" * 1400)
    assert waitress_parser.HEADER_FIELD_RE.match(line).group("name", "value") == _regex(line)
    # and it proves nothing where it is unsure
    assert serving.fast_field(b"X: " + b"v" * 200 + b"\n") is None
    assert serving.fast_field(b"Bad Name: v") is None


def _raw(url: str, head: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(head)
        data = b""
        while chunk := s.recv(65536):  # Connection: close
            data += chunk
        return data


def test_long_header_lines_over_a_socket():
    """Served: a long obs-text value reaches the application as waitress reads it (the
    journal keeps it out, so the answer tells: a long bad bearer token is refused as any is),
    and a control byte in a long line is still refused by waitress's rule."""
    emulator = ThreadedEmulator().start()
    try:
        token = "e" * 1400
        head = (f"GET /v1/accounts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\t \r\n"
                "Connection: close\r\n\r\n").encode()
        answer = _raw(emulator.url, head)
        assert answer.startswith(b"HTTP/1.1 401 "), answer[:300]
        assert b'{"name":"UnauthorizedError","message":"The access token is invalid"}' in answer
        bad = (b"GET /v1/accounts HTTP/1.1\r\nHost: x\r\nX-Long: " + b"v" * 300 + b"\x01v\r\n"
               b"Connection: close\r\n\r\n")
        answer = _raw(emulator.url, bad)
        assert answer.startswith(b"HTTP/1.0 400 Bad Request\r\n"), answer[:300]
        assert answer.endswith(b'"The HTTP request is malformed: Invalid header"}}'), answer
    finally:
        emulator.stop()
