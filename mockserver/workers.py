"""``tfso-mock serve --workers N --store sqlite:PATH``: N worker processes on one socket.

The parent binds the listening socket once, opens the store (making the demo client when the
file is new), prints the banner, closes its SQLite connection and forks N workers. Each worker
opens its own connection (SQLite connections must not cross a fork), replays the log and serves
the inherited socket with waitress; the kernel hands each new connection to one of them. The
workers share every client, book, session and token through the store (``ledger/store.py``);
what the control API keeps besides (rate-limit counters, faults, the request journal, the clock)
is per worker. A worker that dies is started again; SIGTERM or Ctrl+C stops them all.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def _die_with_parent() -> None:
    """Linux: a worker gets SIGTERM when the parent dies (even by kill -9)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: workers outlive a killed parent
        pass


def _worker(settings, sock: socket.socket) -> None:
    """In the forked child: never returns."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us with SIGTERM
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _die_with_parent()
        from .app import create_app
        from .serving import create_server

        app = create_app(settings)
        server = create_server(app, host=settings.host, port=settings.port,
                               threads=settings.threads, sockets=[sock],
                               clear_untrusted_proxy_headers=True)

        def _stop(*_):
            server.close()
            os._exit(0)

        signal.signal(signal.SIGTERM, _stop)
        server.run()
    except BaseException as err:  # noqa: BLE001 - a worker reports and ends
        print(f"tfso-mock worker {os.getpid()}: {type(err).__name__}: {err}", file=sys.stderr,
              flush=True)
        code = 1
    finally:
        os._exit(code)


def serve_workers(settings, app, banner) -> None:
    sock = _bind(settings.host, settings.port)
    host, port = sock.getsockname()[:2]
    app.ledger.store.close()  # the parent serves nothing; its connection must not be forked
    if banner is not None:
        banner(settings, app, host, port)
    else:
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        print(f"tfso-mockserver listening on {settings.public_url.rstrip('/') or f'http://{shown}:{port}'}",
              flush=True)
    del app
    workers: dict[int, float] = {}
    stopping = False

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:
            _worker(settings, sock)
        workers[pid] = time.monotonic()

    def stop(*_):
        nonlocal stopping
        stopping = True
        for pid in list(workers):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(settings.workers):
        spawn()
    while workers:
        try:
            pid, _status = os.wait()
        except ChildProcessError:
            break
        started = workers.pop(pid, None)
        if not stopping and started is not None:
            if time.monotonic() - started < 1:  # dying at start-up: do not spin
                print(f"tfso-mock: worker {pid} ended at start-up; stopping", file=sys.stderr,
                      flush=True)
                stop()
                continue
            spawn()
    sock.close()
    sys.exit(0)
