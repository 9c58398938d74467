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

_SECRET_ELEMENTS = {"Password": "password", "Username": "username",
                    "ApplicationId": "application_id", "IdentityId": "identity_id"}
_SECRET_FIELDS = {"client_secret": "oauth_client_secret", "client_id": "oauth_client_id",
                  "password": "password", "username": "username",
                  "login_organization": "organization"}


def scrub_request_body(body: str, content_type: str) -> str:
    """Credentials become ``{{placeholders}}`` the replay fills in again."""
    kind = body_kind(content_type, body)
    if kind == "xml":
        for element, var in _SECRET_ELEMENTS.items():
            body = re.sub(rf"(<(?:\w+:)?{element}(?:\s[^>]*)?>)([^<]*)(</(?:\w+:)?{element}>)",
                          rf"\g<1>{{{{{var}}}}}\g<3>", body)
        return body
    if kind == "json":
        try:
            value = json_loads(body)
        except ValueError:
            return body
        if isinstance(value, dict):
            for key, var in _SECRET_FIELDS.items():
                if key in value:
                    value[key] = f"{{{{{var}}}}}"
            return json_dumps(value, indent=2)
        return body
    if "x-www-form-urlencoded" in (content_type or "").lower():
        from urllib.parse import parse_qsl

        fields = parse_qsl(body, keep_blank_values=True)
        return "&".join(
            f"{k}={{{{{_SECRET_FIELDS[k]}}}}}" if k in _SECRET_FIELDS else f"{k}={v}"
            for k, v in fields)
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


