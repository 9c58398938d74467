"""CORS for the REST API under ``/v1``: a web page of another origin may call it (interpretation
``CORS``).

The vendor's 0.56.0 document lists ``Access-Control-Allow-Origin`` and
``Access-Control-Allow-Credentials`` among the headers of its answers, so its API answers
browsers; an integration that runs in a page (a webshop's admin, an SPA on ``localhost:3000``)
needs the emulator to do the same, or the browser refuses to show it any answer. A request
that carries an ``Origin`` gets it back in ``Access-Control-Allow-Origin`` on every ``/v1``
answer (errors too, so the page can read the vendor's error body), and a preflight
(``OPTIONS`` with ``Access-Control-Request-Method``) is answered 204 here: not counted against
the quota, no client, no injected fault. A request without ``Origin`` (every server-side client)
gets exactly what it got before.

Only ``/v1``: ``/oauth/token`` stays without CORS (a client secret has no place in a page, and a
page that cannot read a token cannot use ``/v1``); the control API refuses cross-site use
(``control/crosssite.py``); the SOAP services are not called from pages.
"""

from __future__ import annotations

from ..ledger.interpretations import CORS_EXPOSED_HEADERS, CORS_MAX_AGE, CORS_METHODS

PREFIX = "/v1"


def applies(environ, lower: str) -> bool:
    """Whether a request to ``lower`` (the lower-case path) gets CORS: a ``/v1`` path and an
    ``Origin``."""
    return (lower == PREFIX or lower.startswith(PREFIX + "/")) and bool(environ.get("HTTP_ORIGIN"))


def preflight(environ) -> tuple[int, list[tuple[str, str]], bytes] | None:
    """A preflight's answer (status, headers, body), or None for any other request."""
    if environ.get("REQUEST_METHOD") != "OPTIONS" or not environ.get(
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD"):
        return None
    headers = [("Access-Control-Allow-Origin", environ["HTTP_ORIGIN"]),
               ("Access-Control-Allow-Credentials", "true"),
               ("Access-Control-Allow-Methods", CORS_METHODS),
               ("Access-Control-Allow-Headers",
                environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS") or "Authorization, Content-Type"),
               ("Access-Control-Max-Age", CORS_MAX_AGE),
               ("Vary", "Origin")]
    return 204, headers, b""


def allowing(environ, start_response):
    """``start_response`` that adds the CORS headers for the request's ``Origin``."""
    extra = [("Access-Control-Allow-Origin", environ["HTTP_ORIGIN"]),
             ("Access-Control-Allow-Credentials", "true"),
             ("Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS),
             ("Vary", "Origin")]

    def start(status, headers, exc_info=None):
        return start_response(status, headers + extra, exc_info)

    return start
