"""The front door in-process (plain WSGI calls, no server): bodies over the limit are refused
without being read, in the shape of the path; the DOCTYPE scan, JSON reading, value parsing and
clock range that the hostile-input suite (contract_tests/test_hostile_*.py) drives over sockets."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest

from mockserver import errors
from mockserver.app import create_app
from mockserver.clock import Clock, ClockRangeError
from mockserver.codec_utils import read_json
from mockserver.journal import REDACTED, RequestJournal, SecretScrubber
from mockserver.settings import Settings
from mockserver.soap import codec, envelope

ACCOUNT = "/Economy/Account/V004/Accountservice.asmx"
LIMIT = 1000


class Untouchable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *_):
        raise AssertionError("the body was read")

    readline = readinto = read


class Endless(io.RawIOBase):
    """A body without Content-Length that never ends; counts what was read."""

    def __init__(self):
        self.taken = 0

    def read(self, n=-1):
        n = 65536 if n is None or n < 0 else n
        self.taken += n
        return b"x" * n


@pytest.fixture(scope="module")
def app():
    return create_app(Settings(max_body=LIMIT, rate_limit=5))


def call(app, path: str, body, length: str | None, ctype: str = "text/xml; charset=utf-8",
         method: str = "POST", **extra):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
               "SERVER_NAME": "x", "SERVER_PORT": "80", "REMOTE_ADDR": "10.9.8.7",
               "wsgi.input": body, "wsgi.url_scheme": "http", "CONTENT_TYPE": ctype, **extra}
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    got = {}

    def start_response(status, headers, exc_info=None):
        got["status"], got["headers"] = status, dict(headers)

    got["body"] = b"".join(app(environ, start_response))
    return got


@pytest.mark.parametrize("path,ctype,expected", [
    (ACCOUNT, "text/xml; charset=utf-8", "soap"),
    ("/v1/transactionlines", "application/json", "rest"),
    ("/oauth/token", "application/x-www-form-urlencoded", "oauth"),
    ("/__admin/clients", "application/json", "admin"),
    ("/elsewhere", "application/json", "admin"),
])
def test_a_content_length_over_the_limit_is_refused_unread(app, path, ctype, expected):
    got = call(app, path, Untouchable(), str(100 * 1024 * 1024), ctype)
    text = f"Request body is larger than the {LIMIT} bytes allowed."
    assert got["status"] == "413 Request Entity Too Large"
    if expected == "soap":
        assert got["headers"]["Content-Type"] == "text/xml; charset=utf-8"
        assert f"<faultcode>soap:Client</faultcode><faultstring>{text}</faultstring>" in got["body"].decode()
        assert got["headers"]["APILimitRemaining"] == "5"  # refused at the door: not counted
    elif expected == "rest":
        body = json.loads(got["body"])
        assert body["error"] == {"name": "PayloadTooLargeError", "message": text}
    elif expected == "oauth":
        assert json.loads(got["body"]) == {"error": "invalid_request", "error_description": text}
    else:
        assert json.loads(got["body"]) == {"error": {"name": "PayloadTooLarge", "message": text}}


def test_an_endless_body_without_content_length_is_read_only_up_to_the_limit(app):
    body = Endless()
    got = call(app, "/__admin/clients", body, None, "application/json",
               HTTP_TRANSFER_ENCODING="chunked")
    assert got["status"] == "413 Request Entity Too Large"
    assert LIMIT < body.taken <= LIMIT + 65536
    soap = Endless()
    got = call(app, ACCOUNT, soap, None)
    assert got["status"] == "413 Request Entity Too Large"
    assert soap.taken <= LIMIT + 65536


def test_an_unreadable_content_length_is_a_400_in_the_paths_shape(app):
    got = call(app, ACCOUNT, Untouchable(), "12abc")
    assert got["status"] == "400 Bad Request"
    assert ("<faultstring>The HTTP request is malformed: Content-Length is invalid</faultstring>"
            in got["body"].decode())


def test_a_refusal_reported_by_the_http_server_is_answered_by_the_app(app):
    got = call(app, "/v1/transactionlines", io.BytesIO(b""), "0", "application/json",
               **{"mockserver.http_error": errors.MalformedHttp("Invalid chunk size")})
    assert got["status"] == "400 Bad Request"
    assert json.loads(got["body"])["error"] == {
        "name": "BadRequestError", "message": "The HTTP request is malformed: Invalid chunk size"}


@pytest.mark.parametrize("body,found", [
    (b'<?xml version="1.0"?><!DOCTYPE x>', True),
    (b'\xef\xbb\xbf  <!-- a --><?pi x?>\n<!DOCTYPE x>', True),
    (b"<?xml version='1.0'?>" + b"<!-- pad -->" * 5000 + b"<!DOCTYPE x>", True),
    ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16"), True),
    ('<!DOCTYPE x><x/>'.encode("utf-32-be"), True),
    (b"<x><!DOCTYPE not in the prolog></x>", False),
    (b"<!-- unterminated <!DOCTYPE x>", False),
    (b"<?xml version='1.0'?><soap:Envelope/>", False),
])
def test_the_prolog_scan_finds_a_dtd_wherever_the_prolog_puts_it(body, found):
    assert envelope.dtd_in_prolog(body) is found


def test_the_prolog_scan_is_linear_on_pathological_prologs():
    """2 MB pathological prologs: a linear scan reads each in milliseconds, a quadratic one
    would take hours, so the bound only tells the two apart (it is no speed target and does
    not flake on a busy machine)."""
    import time

    for body in (b" " * 2_000_000, b"<!--a-->" * 250_000, b"<?" * 1_000_000, b"<!--" + b"-" * 2_000_000):
        started = time.perf_counter()
        envelope.dtd_in_prolog(body + b"<!DOCTYPE x>")
        assert time.perf_counter() - started < 10


@pytest.mark.parametrize("ctype", ["application/json", "text/plain", "application/xml"])
def test_a_soap_call_with_another_media_type_is_unsupported(ctype):
    with pytest.raises(errors.UnsupportedMediaType) as err:
        envelope.parse(b"<x/>", ctype)
    assert err.value.http_status == 415


@pytest.mark.parametrize("text,error", [
    (b"{", "The body is not valid JSON"),
    (b'{"a": NaN}', "The body is not valid JSON"),
    (b'{"a": "\xff"}', "The body is not valid JSON"),
    (b"9" * 5000, "The body is not valid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "The body is not valid JSON: it is nested too deeply"),
])
def test_json_bodies_that_cannot_be_read_are_one_clean_error(text, error):
    with pytest.raises(errors.MalformedJson) as err:
        read_json(text)
    assert err.value.text == error


@pytest.mark.parametrize("xsd,text", [
    ("int", "١٢"), ("int", "２"), ("int", "12\n3"), ("decimal", "１.5"), ("decimal", "1.5\n\n"[:-1] + "x"),
    ("dateTime", "２０２４-01-01T00:00:00"), ("dateTime", "0001-01-01T00:00:00+01:00"),
    ("dateTime", "9999-12-31T23:59:59-00:01"),
])
def test_values_are_ascii_digits_and_datetimes_utc_can_hold(xsd, text):
    parse = codec._SCALARS[xsd][0]
    with pytest.raises((ValueError, OverflowError)):
        parse(text, xsd)


def test_an_enumeration_reads_only_its_values():
    from mockserver.soap import transaction

    spec = codec.spec_of(transaction.TransactionSearchParameters)
    f = spec.by_name["DateSearchParameters"]
    with pytest.raises(ValueError):  # XmlSerializer compares enum texts as they are (W9)
        f.parse(" DateChangedUTC ", f.xsd)
    assert f.xsd == "DateSearchParameters"
    with pytest.raises(ValueError):
        f.parse("dateChangedUTC", f.xsd)


def test_the_clock_stays_where_every_calculation_on_it_holds():
    clock = Clock()
    clock.advance(3600, client_id=7)
    with pytest.raises(ClockRangeError):
        clock.set(datetime(9998, 12, 31, 23, 30, tzinfo=UTC))  # client 7 would pass 9998
    for bad in (1e300, float("nan"), -1e12):
        with pytest.raises(ClockRangeError):
            clock.advance(bad)
    assert clock.describe()["mode"] == "real"  # nothing moved


def test_the_journal_scrubs_secrets_from_failed_requests_only():
    app = create_app(Settings())
    info = app.startup_client
    scrub = SecretScrubber(app.ledger)
    journal = RequestJournal(app.clock, scrub=scrub)
    text = f"The value '{info['password']}' of element 'ApplicationId' is not a valid guid."
    failed = journal.record({"PATH_INFO": "/x/" + info["password"]}, 500, 0.0, {"fault": text})
    assert failed["fault"] == f"The value '{REDACTED}' of element 'ApplicationId' is not a valid guid."
    assert failed["path"] == "/x/" + REDACTED
    ok = journal.record({"PATH_INFO": "/x/" + info["password"]}, 200, 0.0, {})
    assert ok["path"] == "/x/" + info["password"]  # successful requests are not scanned
