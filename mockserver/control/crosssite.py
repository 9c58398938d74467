"""The control API (``/__admin``, the dashboard under it included) refuses cross-site use.

The emulator listens on loopback without a token by default, so a web page a developer opens
could otherwise drive it: a cross-site ``POST`` with ``Content-Type: text/plain`` needs no CORS
preflight, and DNS rebinding (a name of the attacker's that resolves to 127.0.0.1) makes the
browser treat the emulator as the page's own origin and read every client's password. Three
rules close both, in the front door before any control-API code runs:

- **Host**: without a control token, only loopback names (``localhost`` and ``*.localhost``,
  ``127.0.0.0/8``, ``[::1]``) or the ``--public-url`` host are served: a rebinding page's
  requests carry the attacker's name. With a token (always, beyond loopback) the token guards,
  and any Host is served (Docker service names).
- **Origin**: when a browser sends one with a state-changing call (POST, PUT, PATCH, DELETE), it
  must be the emulator's own (the scheme and Host the request came to, or ``--public-url``);
  ``null`` is refused. Reads are left to the same-origin policy: no CORS header is sent.
- **Media type**: a state-changing call (POST, PUT, PATCH, DELETE) with a Content-Type must say
  ``application/json``: the types a page can send without a preflight (``text/plain``, forms)
  are refused. A call without a body and without a Content-Type (``curl -X POST``) is served:
  browsers send an Origin with every such request, checked above.

No CORS header is ever sent, so a preflight gets no permission either.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from .. import errors

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _hostname(host: str) -> str:
    """The name in a Host header value (no port, no brackets), lower-case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        return host.partition(":")[0]
    return host


def is_loopback_name(name: str) -> bool:
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def refusal(environ, admin_token: str, public_url: str) -> errors.HttpRefusal | None:
    """Why a control-API request is refused as cross-site, or None."""
    host = environ.get("HTTP_HOST", "")
    public = urlsplit(public_url) if public_url else None
    public_host = (public.hostname or "").lower() if public else ""
    if host and not admin_token:
        name = _hostname(host)
        if not (is_loopback_name(name) or (public_host and name == public_host)):
            return errors.ControlHostRefused(host)
    if environ.get("REQUEST_METHOD", "GET").upper() not in STATE_CHANGING:
        return None  # a read: the same-origin policy keeps its answer from a page (no CORS)
    origin = environ.get("HTTP_ORIGIN")
    if origin is not None:
        scheme = environ.get("wsgi.url_scheme", "http")
        own = {f"{scheme}://{host}".lower()} if host else set()
        if public is not None and public.scheme and public.netloc:
            own.add(f"{public.scheme}://{public.netloc}".lower())
        if origin.strip().lower().rstrip("/") not in own:
            return errors.CrossSiteRefused(origin)
    ctype = (environ.get("CONTENT_TYPE") or "").strip()
    media = ctype.split(";", 1)[0].strip().lower()
    if ctype and media != "application/json":
        return errors.ControlMediaTypeRefused(ctype)
    return None
