"""The waitress server both ``tfso-mock serve`` and the pytest plugin run.

Waitress rewrites response header names to ``Title-Case`` (``Apilimitremaining``). Header names
are case-insensitive in HTTP, but clients in the wild read the vendor's ``APILimitRemaining`` and
``APILimitReset`` with case-sensitive look-ups, and IIS sends names as the application wrote them.
This server keeps the application's spelling.
"""

from __future__ import annotations

from waitress.channel import HTTPChannel
from waitress.server import create_server as _waitress_server
from waitress.task import WSGITask


class _CaseKeepingTask(WSGITask):
    def build_response_header(self):
        originals = {k: k for k, _ in self.response_headers}
        head = super().build_response_header()
        for name in originals:
            normal = "-".join(x.capitalize() for x in name.split("-"))
            if normal != name:
                head = head.replace(f"\r\n{normal}: ".encode("latin-1"),
                                    f"\r\n{name}: ".encode("latin-1"))
        return head


class _Channel(HTTPChannel):
    task_class = _CaseKeepingTask


def create_server(app, host: str, port: int, threads: int = 8, **kw):
    """A waitress server for ``app`` (not started): ``.run()``, ``.close()``, ``.effective_port``."""
    kw.setdefault("ident", "tfso-mockserver")
    server = _waitress_server(app, host=host, port=port, threads=threads, **kw)
    socket_map = getattr(server, "_map", None) or getattr(server, "map", {})
    for listener in list(socket_map.values()):  # one per listen address
        if hasattr(listener, "channel_class"):
            listener.channel_class = _Channel
    return server
