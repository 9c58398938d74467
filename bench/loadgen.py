"""A small closed-loop HTTP/1.1 load generator, for machines without wrk.

Like ``wrk -tP -cN``: P worker processes share N keep-alive connections; every connection sends
the same pre-built request, waits for the whole response (Content-Length framing), and sends it
again until the time is up. Returns the same summary as ``bench/wrk/request.lua``.
It is slower than wrk (it spends more CPU per request on the same cores), so the figures it gives
are a lower bound; ``bench/run.py`` says which generator it used.
"""

from __future__ import annotations

import multiprocessing as mp
import selectors
import socket
import time


def build_request(method: str, host: str, port: int, path: str, headers: dict[str, str],
                  body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class _Conn:
    __slots__ = ("sock", "buf", "sent_at", "need")

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()
        self.sent_at = 0.0
        self.need = -1  # bytes of the whole response, once the head is in


def _worker(host: str, port: int, request: bytes, connections: int, duration: float, out) -> None:
    sel = selectors.DefaultSelector()
    latencies: list[int] = []
    counts = {"requests": 0, "bytes": 0, "connect": 0, "read": 0, "write": 0, "status": 0,
              "timeout": 0}
    conns = []
    for _ in range(connections):
        try:
            s = socket.create_connection((host, port), timeout=5)
        except OSError:
            counts["connect"] += 1
            continue
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        c = _Conn(s)
        conns.append(c)
        sel.register(s, selectors.EVENT_READ, c)
    start = time.perf_counter()
    deadline = start + duration
    for c in conns:
        c.sent_at = time.perf_counter()
        c.sock.sendall(request)
    live = len(conns)
    while live and time.perf_counter() < deadline:
        for key, _ in sel.select(timeout=0.5):
            c = key.data
            try:
                chunk = c.sock.recv(262144)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                counts["read"] += 1
                sel.unregister(c.sock)
                c.sock.close()
                live -= 1
                continue
            c.buf += chunk
            if c.need < 0:
                end = c.buf.find(b"\r\n\r\n")
                if end < 0:
                    continue
                head = bytes(c.buf[:end]).decode("latin-1").split("\r\n")
                length = 0
                for h in head[1:]:
                    name, _, value = h.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                c.need = end + 4 + length
                status = int(head[0].split(" ", 2)[1])
                if status >= 400:
                    counts["status"] += 1
            if len(c.buf) < c.need:
                continue
            now = time.perf_counter()
            latencies.append(int((now - c.sent_at) * 1e6))
            counts["requests"] += 1
            counts["bytes"] += c.need
            del c.buf[: c.need]
            c.need = -1
            if now >= deadline:
                continue
            c.sent_at = now
            try:
                c.sock.setblocking(True)
                c.sock.sendall(request)
                c.sock.setblocking(False)
            except OSError:
                counts["write"] += 1
    elapsed = time.perf_counter() - start
    for c in conns:
        try:
            c.sock.close()
        except OSError:
            pass
    out.put((counts, latencies, elapsed))


def run(host: str, port: int, request: bytes, connections: int = 8, duration: float = 10.0,
        processes: int = 2) -> dict:
    """Drive the server for ``duration`` seconds; the wrk-shaped summary."""
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    processes = max(1, min(processes, connections))
    share = [connections // processes + (1 if i < connections % processes else 0)
             for i in range(processes)]
    procs = [ctx.Process(target=_worker, args=(host, port, request, n, duration, q))
             for n in share]
    for p in procs:
        p.start()
    results = [q.get(timeout=duration + 60) for _ in procs]
    for p in procs:
        p.join()
    total = {"requests": 0, "bytes": 0, "connect": 0, "read": 0, "write": 0, "status": 0,
             "timeout": 0}
    lat: list[int] = []
    elapsed = 0.0
    for counts, latencies, secs in results:
        for k, v in counts.items():
            total[k] += v
        lat += latencies
        elapsed = max(elapsed, secs)
    lat.sort()

    def pct(p: float) -> int:
        return lat[min(len(lat) - 1, int(len(lat) * p / 100))] if lat else 0

    total.update(duration_us=int(elapsed * 1e6), p50_us=pct(50), p90_us=pct(90),
                 p99_us=pct(99), max_us=lat[-1] if lat else 0)
    return total
