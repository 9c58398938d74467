"""The floor: a bare WSGI app on the same server as the emulator that answers fixed bytes.

It reads the request body (as the emulator must) and answers a SaveBundleList-sized SOAP
response, so the difference between its figures and the emulator's is the emulator's own work.
Started by ``bench/run.py`` the same way as the emulator: a subprocess that prints its URL.

    python bench/bare_app.py --port 8099 --threads 8
"""

from __future__ import annotations

import argparse
import signal
import sys

BODY = (
    b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
    b'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    b'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>'
    b'<SaveBundleListResponse xmlns="http://24sevenOffice.com/webservices">'
    b"<SaveBundleListResult><Type>Ok</Type></SaveBundleListResult>"
    b"</SaveBundleListResponse></soap:Body></soap:Envelope>"
)
HEADERS = [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(BODY)))]


_SIZED: dict[int, tuple[list, bytes]] = {}


def _sized(n: int) -> tuple[list, bytes]:
    """``?bytes=N``: fixed JSON of N bytes, the size of a REST page, to tell the cost of its
    bytes from the emulator's work on it."""
    if n not in _SIZED:
        body = (b'[' + b'{"id":"x"},' * (n // 11) + b'{}]')[:max(n - 1, 1)] + b"]"
        _SIZED[n] = ([("Content-Type", "application/json; charset=utf-8"),
                      ("Content-Length", str(len(body)))], body)
    return _SIZED[n]


def app(environ, start_response):
    length = environ.get("CONTENT_LENGTH") or ""
    if length.isdigit() and int(length):
        environ["wsgi.input"].read(int(length))
    query = environ.get("QUERY_STRING", "")
    if query.startswith("bytes=") and query[6:].isdigit():
        headers, body = _sized(min(int(query[6:]), 10_000_000))
        start_response("200 OK", headers)
        return [body]
    start_response("200 OK", HEADERS)
    return [BODY]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8099)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--server", choices=("emulator", "waitress"), default="emulator",
                   help="the emulator's server (mockserver/serving.py, the default) or plain "
                        "threaded waitress")
    args = p.parse_args(argv)

    if args.server == "waitress":
        from waitress.server import create_server
    else:
        from mockserver.serving import create_server

    server = create_server(app, host=args.host, port=args.port, threads=args.threads,
                           ident="bare-wsgi")
    print(f"bare WSGI app listening on http://{args.host}:{server.effective_port}", flush=True)

    def _stop(*_):
        server.close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
