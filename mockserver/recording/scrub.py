"""Scrubbing what ``tfso-mock record`` writes: credentials become ``{{placeholders}}``, session ids
and tokens become fixed stand-ins, and a first guess of the volatile rules a reviewer starts from.
"""

from __future__ import annotations

import json
import re

from lxml import etree

from .compare import _KINDS
from .pair import (
    SCRUBBED_SESSION,
    SCRUBBED_TOKEN,
    SESSION_COOKIE,
    _local,
    body_kind,
    json_dumps,
    json_loads,
    parse_xml,
)

#: Credentials the replay fills in again: name (lower case, ``_`` and ``-`` left out) -> variable
_PLACEHOLDERS = {"password": "password", "username": "username",
                 "applicationid": "application_id", "identityid": "identity_id",
                 "clientsecret": "oauth_client_secret", "clientid": "oauth_client_id",
                 "loginorganization": "organization"}
#: What any other credential-named value becomes (no replay variable: the value is gone)
SCRUBBED = "scrubbed"
_CREDENTIAL_PARTS = ("password", "passwd", "secret", "token", "apikey", "credential",
                     "sessionid", "authorization")


def _key(name: str) -> str:
    return name.rpartition("}")[2].rpartition(":")[2].replace("_", "").replace("-", "").lower()


def credential_named(name: str) -> bool:
    """Whether an element, attribute, JSON key or query field (any prefix, any case) names a
    credential: a login's fields and anything called like a password, secret, token or key.
    A ``credential`` element holding fields is not itself replaced (its fields are)."""
    key = _key(name)
    return key in _PLACEHOLDERS or (key != "credential" and any(p in key for p in _CREDENTIAL_PARTS))


def placeholder(name: str) -> str:
    var = _PLACEHOLDERS.get(_key(name))
    return f"{{{{{var}}}}}" if var else SCRUBBED


class ScrubError(ValueError):
    """A body the recorder cannot read well enough to scrub: it is not written."""


#: a parser that keeps comments and CDATA as text (a secret split by a comment is joined) and
#: resolves nothing
_SCRUB_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                remove_pis=True, strip_cdata=True, huge_tree=False)


def scrub_xml(body: str) -> str:
    """Every credential-named element (any prefix) loses its whole content (text, CDATA,
    comments, children) to its placeholder; every credential-named attribute its value.
    Parsed, never matched by pattern: ``ScrubError`` when the body is not well-formed XML."""
    try:
        root = etree.fromstring(body.strip().encode("utf-8"), _SCRUB_PARSER)
    except (etree.XMLSyntaxError, ValueError) as err:
        raise ScrubError(f"the XML body cannot be read ({err})") from None
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        for attr in list(el.attrib):
            if credential_named(attr):
                el.attrib[attr] = placeholder(attr)
        if credential_named(el.tag):  # text, CDATA, comments and children: nothing is kept
            for child in list(el):
                el.remove(child)
            el.text = placeholder(el.tag)
    return etree.tostring(root, encoding="unicode")


def _scrub_json(value):
    if isinstance(value, dict):
        return {k: (placeholder(k) if credential_named(k) and not isinstance(v, (dict, list))
                    else SCRUBBED if credential_named(k) else _scrub_json(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_json(v) for v in value]
    return value


def scrub_query(query: str) -> str:
    """A query string (or form body) with every credential-named field's value replaced."""
    from urllib.parse import parse_qsl, quote

    fields = parse_qsl(query, keep_blank_values=True)
    return "&".join(f"{quote(k, safe='')}={placeholder(k)}" if credential_named(k)
                    else f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in fields)


def scrub_request_body(body: str, content_type: str) -> str:
    """Credentials become ``{{placeholders}}`` the replay fills in again; ``ScrubError`` for a
    body that cannot be read well enough to be sure none is left."""
    kind = body_kind(content_type, body)
    if not body.strip():
        return body
    if kind == "xml":
        return scrub_xml(body)
    if kind == "json":
        try:
            value = json_loads(body)
        except ValueError:
            raise ScrubError("the JSON body cannot be read") from None
        return json_dumps(_scrub_json(value), indent=2)
    if "x-www-form-urlencoded" in (content_type or "").lower():
        return scrub_query(body)
    if any(p in body.lower() for p in (*_CREDENTIAL_PARTS, "username")):
        raise ScrubError(f"a {content_type or 'untyped'} body that names a credential")
    return body


def scrub_response_body(body: str, content_type: str) -> str:
    kind = body_kind(content_type, body)
    if kind == "xml":
        return re.sub(r"(<(?:\w+:)?LoginResult>)[a-z0-5]{24}(</(?:\w+:)?LoginResult>)",
                      rf"\g<1>{SCRUBBED_SESSION}\g<2>", body)
    if kind == "json":
        try:
            value = json_loads(body)
        except ValueError:
            return body
        if isinstance(value, dict) and "access_token" in value:
            value["access_token"] = SCRUBBED_TOKEN
            return json_dumps(value)
    return body


def scrub_set_cookie(value: str) -> str:
    return re.sub(r"ASP\.NET_SessionId=[^;]*", f"{SESSION_COOKIE}={SCRUBBED_SESSION}", value)


_GUID_IN_TEXT = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


_TIMESTAMP = re.compile(_KINDS["timestamp"].pattern)  # type: ignore[union-attr]


def guess_volatile(request_body: str, response_body: str, content_type: str,
                   headers: dict) -> list[dict]:
    """Volatile rules a reviewer starts from: session ids, GUIDs and timestamps the request did
    not send, Set-Cookie, the API limit headers, tracking ids and REST timestamps."""
    rules: list[dict] = []
    kind = body_kind(content_type, response_body)
    if kind == "xml":
        try:
            root = parse_xml(response_body)
        except etree.XMLSyntaxError:
            root = None
        seen = set()
        for el in root.iter() if root is not None else ():
            if not isinstance(el.tag, str) or len(el) or not el.text:
                continue
            name, text = _local(el.tag), el.text.strip()
            parent = _local(el.getparent().tag) if el.getparent() is not None else ""
            sel = f"{parent}/{name}"
            rule = None
            if name == "LoginResult" or name == "SessionId":
                rule = {"select": sel, "kind": "session_id"}
            elif _GUID_IN_TEXT.match(text) and text not in request_body:
                rule = {"select": sel, "kind": "guid"}
            elif _TIMESTAMP.match(text) and text[:19] not in request_body and \
                    not text.endswith("T00:00:00Z"):
                rule = {"select": sel, "kind": "timestamp"}
            if rule and sel not in seen:
                seen.add(sel)
                rules.append(rule)
    elif kind == "json":
        try:
            value = json.loads(response_body)
        except ValueError:
            value = None
        keys = {"createdAt": "timestamp", "modifiedAt": "timestamp", "trackingId": "token",
                "access_token": "token", "expires_in": "integer"}
        for key, k in keys.items():
            if key in json.dumps(value):
                rules.append({"path": f"$.**.{key}", "kind": k})
    for name, value in headers.items():
        if name.lower() == "set-cookie" and SESSION_COOKIE in value:
            rules.append({"header": "Set-Cookie", "kind": "session_cookie"})
        elif name.lower() == "apilimitremaining":
            rules.append({"header": "APILimitRemaining", "kind": "integer"})
        elif name.lower() == "apilimitreset":
            rules.append({"header": "APILimitReset", "kind": "timestamp"})
    return rules


