"""Replaying a pair against a target (the emulator, a fresh isolated client per pair, or the
live API with credentials from the environment), and filling the response of new pairs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .compare import COMPARED_HEADERS
from .pair import (
    SESSION_COOKIE,
    Exchange,
    Pair,
    PairError,
    _esc,
    body_kind,
    dump_pair,
    json_select,
    load_pairs,
    parse_xml,
    pretty_body,
    xml_select,
)
from .scrub import scrub_response_body, scrub_set_cookie

# --- templating -----------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")


def fill(text: str, variables: dict, xml: bool = False) -> str:
    def sub(m):
        name = m.group(1)
        if name not in variables:
            raise PairError(f"no value for {{{{{name}}}}}")
        value = str(variables[name])
        return _esc(value) if xml else value

    return _PLACEHOLDER.sub(sub, text)


# --- replay ---------------------------------------------------------------------------------

AUTH_PATH = "/authenticate/v001/authenticate.asmx"


def soap_envelope(inner: str) -> str:
    """A SOAP 1.1 envelope as a .NET client writes it."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n'
        f"  <soap:Body>\n{inner}\n  </soap:Body>\n</soap:Envelope>\n"
    )


LOGIN_BODY = soap_envelope(
    '    <Login xmlns="http://24sevenOffice.com/webservices">\n'
    "      <credential>\n"
    "        <ApplicationId>{{application_id}}</ApplicationId>\n"
    "        <IdentityId>{{identity_id}}</IdentityId>\n"
    "        <Password>{{password}}</Password>\n"
    "        <Username>{{username}}</Username>\n"
    "      </credential>\n"
    "    </Login>"
)


class Target:
    """Where pairs are replayed: the emulator (a fresh isolated client per pair) or a live API."""

    kind = "emulator"

    def __init__(self, base_url: str, rest_url: str | None = None, admin_headers: dict | None = None,
                 token_path: str = "/oauth/token"):
        self.base_url = base_url.rstrip("/")
        self.rest_url = (rest_url or base_url).rstrip("/")
        self.admin_headers = admin_headers or {}
        self.token_path = token_path

    def url_for(self, path: str) -> str:
        if path.lower().startswith(("/v1/", "/v1?")) or path.lower() == "/v1":
            return self.rest_url + path[3:] if self.rest_url.endswith("/v1") else self.rest_url + path
        return self.base_url + path

    def credentials(self, pair: Pair) -> dict:
        """Template variables for a pair: a new client of the emulator with the pair's setup."""
        import requests

        options = dict(pair.setup.get("client") or {})
        resp = requests.post(f"{self.base_url}/__admin/clients", json=options or None,
                             headers=self.admin_headers, timeout=30)
        if resp.status_code != 201:
            raise PairError(f"creating a client failed: {resp.status_code} {resp.text}")
        info = resp.json()
        oauth = info.get("oauth") or {}
        variables = {
            "client_id": info["client_id"], "username": info["username"],
            "password": info["password"], "application_id": info["application_id"],
            "identity_id": info["identity_id"],
            "oauth_client_id": oauth.get("client_id", ""),
            "oauth_client_secret": oauth.get("client_secret", ""),
            "organization": oauth.get("organization", ""),
        }
        for i, ident in enumerate(info.get("identities") or []):
            variables[f"identity_id.{i}"] = ident["identity_id"]
            variables[f"client_id.{i}"] = ident["client_id"]
        return _derived(variables)


class LiveTarget(Target):
    """The real service, with credentials from the environment (never from a pair file)."""

    kind = "live"

    def __init__(self, base_url: str, env: dict, rest_url: str | None = None,
                 token_url: str | None = None):
        super().__init__(base_url, rest_url)
        self.env = env
        self.token_url = token_url

    def credentials(self, pair: Pair) -> dict:
        e = self.env
        return _derived({
            "client_id": e.get("TFSO_LIVE_CLIENT_ID", ""),
            "username": e["TFSO_LIVE_USERNAME"], "password": e["TFSO_LIVE_PASSWORD"],
            "application_id": e["TFSO_LIVE_APPLICATION_ID"],
            "identity_id": e.get("TFSO_LIVE_IDENTITY_ID") or "00000000-0000-0000-0000-000000000000",
            "oauth_client_id": e.get("TFSO_LIVE_OAUTH_CLIENT_ID", ""),
            "oauth_client_secret": e.get("TFSO_LIVE_OAUTH_CLIENT_SECRET", ""),
            "organization": e.get("TFSO_LIVE_ORGANIZATION", ""),
        })


def _derived(variables: dict) -> dict:
    """Values computed from the credentials: the MD5 password older clients send (A1)."""
    from ..ledger.directory import md5_utf16le

    variables["password_md5"] = md5_utf16le(variables["password"])
    return variables


def _send(target: Target, part: dict, variables: dict, body: str | None = None) -> Exchange:
    import requests

    method = (part.get("method") or "POST").upper()
    path = fill(part["path"], variables)
    headers = {k: fill(str(v), variables) for k, v in (part.get("headers") or {}).items()}
    text = body if body is not None else part.get("body") or ""
    is_xml = body_kind(headers.get("Content-Type", ""), text) == "xml"
    data = fill(text, variables, xml=is_xml).encode("utf-8") if text else None
    if part.get("admin"):
        url = f"{target.base_url}/__admin{path}"
        headers.update(target.admin_headers)
    else:
        url = target.url_for(path)
    resp = requests.request(method, url, data=data, headers=headers, timeout=60,
                            allow_redirects=False)
    hdrs = {k: v for k, v in resp.headers.items()}
    return Exchange(resp.status_code, hdrs, resp.content.decode(resp.encoding or "utf-8", "replace")
                    if resp.content else "")


def _capture(ex: Exchange, captures: dict, variables: dict, where: str) -> None:
    for name, selector in (captures or {}).items():
        values: list = []
        if body_kind(ex.header("Content-Type") or "", ex.body) == "xml":
            values = [el.text or "" for el in xml_select(parse_xml(ex.body), selector)]
        else:
            values = json_select(json.loads(ex.body), selector)
        if not values:
            raise PairError(f"{where}: nothing matched {selector!r} to capture {name!r}:\n{ex.body[:2000]}")
        variables[name] = values[0]
        for i, v in enumerate(values):
            variables[f"{name}.{i}"] = v


def login(target: Target, variables: dict) -> str:
    part = {"method": "POST", "path": AUTH_PATH,
            "headers": {"Content-Type": "text/xml; charset=utf-8",
                        "SOAPAction": '"http://24sevenOffice.com/webservices/Login"'}}
    ex = _send(target, part, variables, LOGIN_BODY)
    found = xml_select(parse_xml(ex.body), "LoginResult") if ex.status == 200 else []
    session = found[0].text if found and found[0].text else ""
    if not session:
        raise PairError(f"Login failed: HTTP {ex.status}\n{ex.body[:2000]}")
    return session


def get_token(target: Target, variables: dict, scope: str | None = None) -> str:
    """A bearer token; ``scope`` (a pair's ``setup.token`` given as a string) asks for those
    scopes, e.g. a write scope."""
    import requests

    url = getattr(target, "token_url", None) or target.base_url + target.token_path
    form = {
        "grant_type": "client_credentials", "client_id": variables["oauth_client_id"],
        "client_secret": variables["oauth_client_secret"],
        "login_organization": variables.get("organization", ""),
        "audience": "https://api.24sevenoffice.com",
    }
    if scope:
        form["scope"] = scope
    resp = requests.post(url, data=form, timeout=30)
    if resp.status_code != 200:
        raise PairError(f"token request failed: {resp.status_code} {resp.text[:500]}")
    return resp.json()["access_token"]


def replay(pair: Pair, target: Target, pairs_by_name: dict[str, Pair] | None = None) -> Exchange:
    """Run a pair's setup (new client, login, token, steps) and send its request."""
    variables = target.credentials(pair)
    setup = pair.setup
    if setup.get("login", True):
        variables["session_id"] = login(target, variables)
    if setup.get("token"):
        scope = setup["token"] if isinstance(setup["token"], str) else None
        variables["access_token"] = get_token(target, variables, scope)
    for i, step in enumerate(setup.get("steps") or [], start=1):
        if "pair" in step:  # an earlier recorded exchange, replayed as it was
            earlier = (pairs_by_name or {}).get(step["pair"])
            if earlier is None:
                raise PairError(f"setup step {i}: no pair named {step['pair']!r}")
            part, body = earlier.request, earlier.body_of(earlier.request)
        else:
            part, body = step["request"], step["request"].get("body")
        ex = _send(target, _with_cookie(part, setup, variables), variables, body)
        expect = step.get("expect_status", 200 if "pair" not in step else None)
        if expect is not None and ex.status != expect:
            raise PairError(f"setup step {i} of {pair.name}: HTTP {ex.status}, expected {expect}\n"
                            f"{ex.body[:2000]}")
        for needle in step.get("expect_contains") or []:
            if needle not in ex.body:
                raise PairError(f"setup step {i} of {pair.name}: {needle!r} not in\n{ex.body[:2000]}")
        _capture(ex, step.get("capture"), variables, f"setup step {i} of {pair.name}")
    part = _with_cookie(pair.request, setup, variables)
    return _send(target, part, variables, pair.body_of(pair.request))


def _with_cookie(part: dict, setup: dict, variables: dict) -> dict:
    if part.get("admin") or "session_id" not in variables:
        return part
    headers = dict(part.get("headers") or {})
    if not any(k.lower() == "cookie" for k in headers):
        headers["Cookie"] = f"{SESSION_COOKIE}={{{{session_id}}}}"
    return {**part, "headers": headers}




# --- filling new pairs ----------------------------------------------------------------------


def fill_missing(folder: str | Path, target: Target) -> list[Path]:
    """Give every pair without a response the one ``target`` answers (for a new hand-written
    pair: its response is then reviewed by hand and becomes the recorded one)."""
    pairs = load_pairs(folder)
    by_name = {p.name: p for p in pairs}
    written = []
    for pair in pairs:
        if pair.response:
            continue
        ex = replay(pair, target, by_name)
        ct = ex.header("Content-Type") or ""
        headers = {}
        for name in COMPARED_HEADERS:
            value = ex.header(name)
            if value is not None and name not in ("Content-Type", "Set-Cookie", "Link"):
                continue  # quota and throttle headers change with every call: not recorded
            if value is not None:
                headers[name] = scrub_set_cookie(value) if name == "Set-Cookie" else value
        data = dict(pair.data)
        data["response"] = {"status": ex.status, "headers": headers,
                            "body": pretty_body(scrub_response_body(ex.body, ct), ct)}
        dump_pair(data, pair.path)
        written.append(pair.path)
    return written
