"""Connections a leaky pool, a slow sender or a flood holds open do not lock other clients out
(issue 17 item 1; ``mockserver/connlimits.py``).

Each test opens its connections against its own ``tfso-mock serve`` child, then a normal client
opens new connections and logs in while they are held. A normal call that is not answered within
the client's socket timeout fails the test (a hang, not a slow answer: nothing here asserts a
duration); the worst latency and the connections the server still held are printed with the
suite's figures.
"""

from __future__ import annotations

import re
import socket
import time

import pytest
import robustness as rb
from robustness import Http, ServeProcess

NS = "http://24sevenOffice.com/webservices"
AUTH = "/authenticate/v001/authenticate.asmx"
#: a normal call that takes longer than this is taken as a hang
HANG_S = 10


def login_body(serve: ServeProcess) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
            'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            f'<Login xmlns="{NS}"><credential>'
            f"<ApplicationId>{serve.value('ApplicationId')}</ApplicationId>"
            f"<Password>{serve.value('Password')}</Password>"
            f"<Username>{serve.value('Username')}</Username>"
            "</credential></Login></soap:Body></soap:Envelope>").encode()


def normal_logins(serve: ServeProcess, n: int) -> list[float]:
    """``n`` Logins, each on a new connection; every one must be answered with a session."""
    times = []
    for _ in range(n):
        http = Http(serve.host, serve.port, timeout=HANG_S)
        try:
            answer = http.call("POST", AUTH, login_body(serve), {
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{NS}/Login"'})
        finally:
            http.close()
        assert answer.status == 200, answer.text[:500]
        assert re.search(r"<LoginResult>[a-z0-5]{24}</LoginResult>", answer.text), answer.text[:500]
        times.append(answer.ms)
    return times


def idle_connection(serve: ServeProcess, source: str = "127.0.0.1") -> socket.socket:
    """A keep-alive connection that asked once, read its answer and now sits idle, as a leaky
    HTTP pool leaves it."""
    sock = socket.create_connection((serve.host, serve.port), timeout=HANG_S,
                                    source_address=(source, 0))
    sock.sendall(b"GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
    while len(body) < length:
        body += sock.recv(65536)
    assert head.startswith(b"HTTP/1.1 200"), head
    return sock


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed this connection (EOF or reset waiting to be read)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        sock.setblocking(True)


def held(socks: list[socket.socket]) -> int:
    return sum(not closed_by_server(s) for s in socks)


@pytest.fixture
def serve_with(monkeypatch):
    started = []

    def start(**env):
        for key, value in env.items():
            monkeypatch.setenv(f"TFSO_MOCK_{key.upper()}", str(value))
        serve = ServeProcess("--rate-limit", "0")
        started.append(serve)
        return serve

    yield start
    for serve in started:
        assert "Traceback" not in serve.stderr(), serve.stderr()[-2000:]
        serve.close()


def test_idle_keep_alive_connections_do_not_starve_new_clients(serve_with):
    """200 idle keep-alive connections from one address (more than the 128 allowed per client,
    and twice waitress's old total of 100): the oldest idle ones are closed to make room, and a
    normal client's new connections are answered at once."""
    serve = serve_with()
    socks = [idle_connection(serve) for _ in range(200)]
    try:
        times = normal_logins(serve, 20)
        still = held(socks)
        # the normal client's connections count against the same address: 128 in all
        assert still <= 128, still
        assert still >= 100, still  # only what had to go went
        assert all(closed_by_server(s) for s in socks[:200 - 128])  # the oldest went first
        rb.note(notes=[f"connections: 200 idle keep-alive from one address -> {still} held "
                       f"(limit 128 per client); normal Login on a new connection: worst "
                       f"{max(times):.1f} ms of {len(times)}"])
    finally:
        for s in socks:
            s.close()


def test_slow_header_connections_time_out_and_do_not_block_others(serve_with):
    """98 connections that trickle in their request one byte a second (a slowloris, or a
    stalled client) next to 98 idle ones: normal calls are answered meanwhile, and each slow
    request's connection is closed once it has been arriving longer than the request timeout."""
    serve = serve_with(request_timeout=2)
    idle = [idle_connection(serve) for _ in range(98)]
    slow = []
    try:
        for _ in range(98):
            s = socket.create_connection((serve.host, serve.port), timeout=HANG_S)
            s.sendall(b"POST /authenticate/v001/authenticate.asmx HTTP/1.1\r\nHost: x\r\n")
            slow.append(s)
        times = []
        held_meanwhile = 0
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for s in slow:
                try:
                    s.send(b"X")  # one more header byte
                except OSError:
                    pass
            times += normal_logins(serve, 2)
            held_meanwhile = max(held_meanwhile, held(slow) + held(idle))
            if not held(slow):
                break
            time.sleep(1)
        assert held(slow) == 0, "slow requests were not timed out"
        assert held(idle) <= 128  # 196 from one address: the least recently active made room
        rb.note(notes=[f"connections: 98 slow-header + 98 idle keep-alive -> {held_meanwhile} "
                       f"held at most, slow ones closed after the 2 s request timeout; normal "
                       f"Login on a new connection: worst {max(times):.1f} ms of {len(times)}"])
    finally:
        for s in slow + idle:
            s.close()


def test_one_address_over_its_limit_leaves_others_alone(serve_with):
    """A per-client limit of 16: 40 idle connections from 127.0.0.1 keep 16; connections from
    127.0.0.2 are not evicted by them and are served."""
    serve = serve_with(connections_per_client=16)
    other = [idle_connection(serve, "127.0.0.2") for _ in range(5)]
    mine = [idle_connection(serve) for _ in range(40)]
    try:
        assert held(mine) == 16
        assert held(other) == 5
        assert all(not closed_by_server(s) for s in mine[-16:])  # the newest stay
        normal_logins(serve, 3)
        assert held(other) == 5
    finally:
        for s in other + mine:
            s.close()
