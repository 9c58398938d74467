"""Recorded request/response pairs: the file format, normalisation, comparison, replay, and the
recording proxy behind ``tfso-mock record``.

A pair is one YAML file (``fixtures/recorded/**/*.yaml``)::

    spec: [S2]                      # SPEC ids the pair demonstrates
    title: ...
    source:                         # where the request and the response come from
      request: vendor docs (seeds/accountservice-guide.txt, "Example of a SaveBundleList request")
      response: interpretation (ASMX SaveResponse shape from the WSDL; text from the FAQ)
    setup:
      client: {fiscal_years: [2024]}  # what POST /__admin/clients gets (emulator only)
      login: true                     # log in first; the session cookie rides on the request
      token: false                    # get an OAuth2 bearer token first (REST)
      steps: []                       # earlier requests, run before the pair's own request
    live: safe | writes | emulator-only   # may the live drift check replay it? (see below)
    request: {method, path, headers, body}
    response: {status, headers, body}
    volatile:                        # parts of the response that differ run to run
      - {select: LoginResult, kind: session_id}
      - {header: Set-Cookie, kind: session_cookie}

Request bodies and headers may hold ``{{name}}`` placeholders (credentials, the session id, values
captured by setup steps); the recorder writes credentials that way, so nothing secret is stored.
Volatile values are checked against the shape of their kind (a session id is still 24 lower-case
alphanumerics, a timestamp is still UTC) and then replaced by ``«kind:n»``, numbered in order of
first appearance, so two equal GUIDs stay equal after normalisation and a diff stays readable.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from lxml import etree

SOAP_NS = {"http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope"}
VENDOR_NS = ("http://24sevenOffice.com/webservices",
             "http://24sevenoffice.com/webservices/economy/accounting/")
SESSION_COOKIE = "ASP.NET_SessionId"
#: What a scrubbed session id looks like: still 24 characters of the ASP.NET alphabet.
SCRUBBED_SESSION = "scrubbedsessionid0000000"
SCRUBBED_TOKEN = "scrubbed-access-token"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          remove_comments=True, remove_pis=True)

# --- volatile kinds ---------------------------------------------------------------------------

_KINDS: dict[str, re.Pattern | None] = {
    "session_id": re.compile(r"^[a-z0-5]{24}$"),
    "guid": re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
    # W8: every DateTime the vendor returns is UTC
    "timestamp": re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?(Z|\+00:00)$"),
    "date": re.compile(r"^\d{4}-\d\d-\d\d$"),
    "integer": re.compile(r"^-?\d+$"),
    "number": re.compile(r"^-?\d+(\.\d+)?$"),
    "token": re.compile(r"^\S+$"),
    "text": None,
    "any": None,  # no shape at all (a documented divergence, see the pair's notes)
    "datetime": re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d$"),
    "session_cookie": re.compile(r"^ASP\.NET_SessionId=([a-z0-5]{24})(;.*)?$"),
    "bearer": re.compile(r"^Bearer \S+$"),
    # scheme and host vary (a WSDL's soap:address); the path after them is compared
    "url_base": re.compile(r"^(https?://[^/\s]+)(/\S*)?$"),
    # a Link header: scheme and host of each URL vary, paths and rels are compared
    "link_header": re.compile(r'^<[^>]+>;\s*rel="?\w+"?(\s*,\s*<[^>]+>;\s*rel="?\w+"?)*$'),
}


class JsonNumber(str):
    """A JSON number kept as its text (``80.00`` stays ``80.00``: W7), never a float."""


def json_loads(text: str | bytes):
    return json.loads(text, parse_float=JsonNumber)


def json_dumps(value, **kw) -> str:
    """``json.dumps`` that writes JsonNumber back as the number text it was read from."""
    marks: dict[str, str] = {}

    def mark(v):
        if isinstance(v, JsonNumber):
            key = f"\u0000num{len(marks)}\u0000"
            marks[key] = str(v)
            return key
        if isinstance(v, dict):
            return {k: mark(x) for k, x in v.items()}
        if isinstance(v, list):
            return [mark(x) for x in v]
        return v

    text = json.dumps(mark(value), **kw)
    for key, number in marks.items():
        text = text.replace(json.dumps(key), number)
    return text


class PairError(Exception):
    """A pair file that cannot be used, or a replay step that failed."""


@dataclass
class Normaliser:
    """Replaces volatile values by numbered placeholders; collects shape violations."""

    seen: dict[tuple[str, str], str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def __call__(self, kind: str, value, where: str, typed: bool = False) -> str:
        """``typed``: a JSON value, whose type counts (an integer kind must not be a string)."""
        if kind not in _KINDS:
            raise PairError(f"unknown volatile kind {kind!r} at {where}")
        text = value if isinstance(value, str) else json.dumps(value)
        pattern = _KINDS[kind]
        if kind == "any":
            ok = True
        elif kind in ("integer", "number") and (typed or not isinstance(value, str)):
            ok = (isinstance(value, int) and not isinstance(value, bool)) or (
                kind == "number" and isinstance(value, float | JsonNumber))
        else:
            ok = isinstance(value, str) and not isinstance(value, JsonNumber) and (
                pattern is None or bool(pattern.match(value)))
        if not ok:
            article = "an" if kind[0] in "aeiou" else "a"
            self.problems.append(f"{where}: {text!r} does not look like {article} {kind}")
            return text
        if kind == "session_cookie":
            m = pattern.match(value)
            return f"{SESSION_COOKIE}={self('session_id', m.group(1), where)}{m.group(2) or ''}"
        if kind == "link_header":
            return re.sub(r"<https?://[^/>]+", "<«url_base»", value)
        if kind == "url_base":
            m = pattern.match(value)
            text, suffix = m.group(1), m.group(2) or ""
        else:
            suffix = ""
        key = (kind, text)
        if key not in self.seen:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            self.seen[key] = f"«{kind}:{self.counts[kind]}»"
        return self.seen[key] + suffix


# --- XML: selection, canonical text ---------------------------------------------------------


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _path(el) -> list[str]:
    names = []
    while el is not None:
        names.append(_local(el.tag))
        el = el.getparent()
    return names[::-1]


def xml_select(root, selector: str) -> list:
    """Elements whose local-name path ends with ``selector`` (``a/b/c``; ``*`` matches one name)."""
    want = [p for p in selector.strip("/").split("/") if p]
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        path = _path(el)
        if len(path) >= len(want) and all(w in ("*", p) for w, p in zip(want, path[-len(want):], strict=True)):
            out.append(el)
    return out


def parse_xml(body: str | bytes):
    data = body.encode("utf-8") if isinstance(body, str) else body
    return etree.fromstring(data.strip(), _PARSER)


def _qname(el_or_attr: str, nsmap: dict) -> str:
    q = etree.QName(el_or_attr)
    if q.namespace is None:
        return q.localname
    for prefix, uri in nsmap.items():
        if uri == q.namespace and prefix is not None:
            return f"{prefix}:{q.localname}"
    return q.localname


def canonical_xml(root) -> list[str]:
    """One line per element: prefixes, new namespace declarations, sorted attributes, text.

    Whitespace between elements is not significant; text of leaf elements is kept exactly.
    """
    lines: list[str] = []

    def walk(el, depth: int, parent_ns: dict) -> None:
        nsmap = el.nsmap
        decls = []
        for prefix, uri in sorted(nsmap.items(), key=lambda kv: kv[0] or ""):
            if parent_ns.get(prefix) != uri:
                decls.append(f'xmlns{":" + prefix if prefix else ""}="{uri}"')
        attrs = sorted((_qname(k, nsmap), v) for k, v in el.attrib.items())
        ns = etree.QName(el.tag).namespace
        name = _local(el.tag) if ns is None or nsmap.get(None) == ns else _qname(el.tag, nsmap)
        head = " ".join([name, *decls, *(f'{k}="{v}"' for k, v in attrs)])
        children = [c for c in el if isinstance(c.tag, str)]
        pad = "  " * depth
        text = el.text or ""
        if not children:
            lines.append(f"{pad}<{head}>{_esc(text)}</{name}>" if text else f"{pad}<{head} />")
            return
        lines.append(f"{pad}<{head}>")
        if text.strip():
            lines.append(f"{pad}  {_esc(text)}")
        for c in children:
            walk(c, depth + 1, nsmap)
            if c.tail and c.tail.strip():
                lines.append(f"{pad}  {_esc(c.tail)}")
        lines.append(f"{pad}</{name}>")

    walk(root, 0, {})
    return lines


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _within(rule: dict, text: str, norm: Normaliser, where: str) -> str:
    """Normalise the whole text, or with ``within: REGEX`` only its first group (a timestamp
    inside an error message)."""
    pattern = rule.get("within")
    if not pattern:
        return norm(rule["kind"], text, where)
    m = re.search(pattern, text)
    if m is None:
        norm.problems.append(f"{where}: {text!r} does not match {pattern!r}")
        return text
    return text[:m.start(1)] + norm(rule["kind"], m.group(1), where) + text[m.end(1):]


def normalise_xml(body: str | bytes, rules: list[dict], norm: Normaliser) -> list[str]:
    root = parse_xml(body)
    for rule in rules:
        sel = rule.get("select")
        if not sel:
            continue
        for el in xml_select(root, sel):
            attr = rule.get("attribute")
            if attr:
                if el.get(attr) is not None:
                    el.set(attr, norm(rule["kind"], el.get(attr), "/".join(_path(el)) + "@" + attr))
                continue
            if el.text is None and not len(el):
                continue
            el.text = _within(rule, el.text or "", norm, "/".join(_path(el)))
    return canonical_xml(root)


# --- JSON: selection, canonical text --------------------------------------------------------


def _json_walk(value, parts: list[str], where: str, fn):
    """Apply ``fn(value, where)`` to every value that ``parts`` selects; returns the new value."""
    if not parts:
        return fn(value, where)
    head, rest = parts[0], parts[1:]
    if head == "**":
        value = _json_walk(value, rest, where, fn)
        if isinstance(value, dict):
            return {k: _json_walk(v, parts, f"{where}.{k}", fn) for k, v in value.items()}
        if isinstance(value, list):
            return [_json_walk(v, parts, f"{where}[{i}]", fn) for i, v in enumerate(value)]
        return value
    if isinstance(value, list) and head in ("*", "[*]"):
        return [_json_walk(v, rest, f"{where}[{i}]", fn) for i, v in enumerate(value)]
    if isinstance(value, dict):
        if head == "*":
            return {k: _json_walk(v, rest, f"{where}.{k}", fn) for k, v in value.items()}
        if head in value:
            out = dict(value)
            out[head] = _json_walk(value[head], rest, f"{where}.{head}", fn)
            return out
    return value


def json_parts(selector: str) -> list[str]:
    """``$[*].transaction.id`` -> ['[*]', 'transaction', 'id']."""
    sel = selector.strip()
    if sel.startswith("$"):
        sel = sel[1:]
    sel = sel.replace("[*]", ".[*]")
    return [p for p in sel.split(".") if p]


def json_select(value, selector: str) -> list:
    found: list = []
    _json_walk(value, json_parts(selector), "$", lambda v, _w: found.append(v) or v)
    return found


def _shape(value):
    """Values replaced by their JSON type; placeholders of volatile values are kept."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if isinstance(value, str) and value.startswith("«"):
        return value
    if value is None:
        return "«null»"
    if isinstance(value, bool):
        return "«boolean»"
    if isinstance(value, int | float | JsonNumber):
        return "«number»"
    return "«string»"


def normalise_json(body: str | bytes, rules: list[dict], norm: Normaliser,
                   shape: bool = False) -> list[str]:
    """``shape``: compare structure and JSON types only (a documentation example's values are
    illustrations, its structure is the contract)."""
    value = json_loads(body) if body not in (b"", "") else None
    for rule in rules:
        sel = rule.get("path")
        if not sel:
            continue
        value = _json_walk(value, json_parts(sel), "$", lambda v, w, r=rule: (
            _within(r, v, norm, w) if r.get("within") else norm(r["kind"], v, w, typed=True)))
    if shape:
        value = _shape(value)
    # Key order of a JSON object carries no meaning for its readers: sorted for comparison.
    return json_dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


# --- the pair -------------------------------------------------------------------------------


@dataclass
class Pair:
    path: Path
    data: dict

    @property
    def name(self) -> str:
        return self.data.get("name") or self.path.stem

    @property
    def spec(self) -> list[str]:
        return list(self.data.get("spec") or [])

    @property
    def setup(self) -> dict:
        return self.data.get("setup") or {}

    @property
    def request(self) -> dict:
        return self.data["request"]

    @property
    def response(self) -> dict:
        return self.data["response"]

    @property
    def volatile(self) -> list[dict]:
        return list(self.data.get("volatile") or [])

    @property
    def live(self) -> str:
        return (self.data.get("live") or {}).get("mode", "emulator-only") if isinstance(
            self.data.get("live"), dict) else (self.data.get("live") or "emulator-only")

    @property
    def mode(self) -> str:
        """``exact`` (default) or ``shape`` (JSON structure and types only)."""
        return self.data.get("compare", "exact")

    @property
    def test_id(self) -> str:
        return "-".join(self.spec) + "-" + self.name if self.spec else self.name

    def body_of(self, part: dict) -> str:
        if "body_file" in part:
            return (self.path.parent / part["body_file"]).read_text(encoding="utf-8")
        return part.get("body") or ""


_SPEC_ID = re.compile(r"^([WALESKTR]\d+|C\d*)$")


def load_pair(path: str | Path) -> Pair:
    path = Path(path)
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or "request" not in data or "response" not in data:
        raise PairError(f"{path}: a pair needs 'request' and 'response'")
    for sid in data.get("spec") or []:
        if not _SPEC_ID.match(str(sid)):
            raise PairError(f"{path}: {sid!r} is not a SPEC id")
    live = data.get("live")
    mode = live.get("mode") if isinstance(live, dict) else live
    if mode not in (None, "safe", "writes", "emulator-only"):
        raise PairError(f"{path}: live mode must be safe, writes or emulator-only, not {mode!r}")
    return Pair(path, data)


def load_pairs(folder: str | Path) -> list[Pair]:
    folder = Path(folder)
    return [load_pair(p) for p in sorted(folder.rglob("*.yaml")) if not p.name.startswith("_")]


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper, value: str):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_presenter)


def dump_pair(data: dict, path: str | Path) -> None:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    Path(path).write_text(text, encoding="utf-8")


def pretty_body(body: bytes | str, content_type: str) -> str:
    """A body as stored in a pair: XML and JSON indented for review, anything else as text."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    kind = body_kind(content_type, text)
    try:
        if kind == "xml":
            root = parse_xml(text)
            etree.indent(root, space="  ")
            return '<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(
                root, encoding="unicode") + "\n"
        if kind == "json":
            return json_dumps(json_loads(text), indent=2, ensure_ascii=False) + "\n"
    except (etree.XMLSyntaxError, ValueError):
        pass
    return text


def body_kind(content_type: str, body: str | bytes = "") -> str:
    ct = (content_type or "").lower()
    if "xml" in ct:
        return "xml"
    if "json" in ct:
        return "json"
    head = (body[:1] if isinstance(body, str) else body[:1].decode("latin-1")) if body else ""
    if head == "<":
        return "xml"
    if head in "[{":
        return "json" if head else "text"
    return "text"


# --- comparison -----------------------------------------------------------------------------


@dataclass
class Exchange:
    """What came back: enough of an HTTP response to compare."""

    status: int
    headers: dict[str, str]
    body: str

    def header(self, name: str) -> str | None:
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None


#: Response headers compared when a pair records them (others are transport noise).
COMPARED_HEADERS = ("Content-Type", "Set-Cookie", "APILimitRemaining", "APILimitReset",
                    "Retry-After", "Link", "WWW-Authenticate")


def render(ex: Exchange, rules: list[dict], header_names: list[str], norm: Normaliser,
           mode: str = "exact") -> list[str]:
    """An exchange as comparable text lines: status, chosen headers, the normalised body."""
    lines = [f"HTTP {ex.status}"]
    header_rules = {r["header"].lower(): r["kind"] for r in rules if r.get("header")}
    for name in header_names:
        value = ex.header(name)
        if value is not None and name.lower() in header_rules:
            value = norm(header_rules[name.lower()], value, f"header {name}")
        lines.append(f"{name}: {value if value is not None else '(absent)'}")
    lines.append("")
    kind = body_kind(ex.header("Content-Type") or "", ex.body)
    try:
        if kind == "xml":
            lines += normalise_xml(ex.body, rules, norm)
        elif kind == "json":
            lines += normalise_json(ex.body, rules, norm, shape=mode == "shape")
        else:
            lines += ex.body.splitlines()
    except (etree.XMLSyntaxError, ValueError) as exc:
        lines.append(f"(unparseable {kind} body: {exc})")
        lines += ex.body.splitlines()
    return lines


def compare(recorded: Exchange, actual: Exchange, rules: list[dict],
            header_names: list[str] | None = None, mode: str = "exact") -> list[str]:
    """A unified diff of recorded against actual after normalisation; empty when they agree.

    Shape violations of volatile values (on either side) are reported too.
    """
    names = header_names if header_names is not None else [
        h for h in COMPARED_HEADERS if recorded.header(h) is not None]
    rec_norm, act_norm = Normaliser(), Normaliser()
    left = render(recorded, rules, names, rec_norm, mode)
    right = render(actual, rules, names, act_norm, mode)
    out = list(difflib.unified_diff(left, right, "recorded", "actual", lineterm="", n=3))
    for p in rec_norm.problems:
        out.append(f"! recorded {p}")
    for p in act_norm.problems:
        out.append(f"! actual {p}")
    return out


def recorded_exchange(pair: Pair) -> Exchange:
    resp = pair.response
    return Exchange(int(resp.get("status", 200)), dict(resp.get("headers") or {}),
                    pair.body_of(resp))


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
    from .ledger.directory import md5_utf16le

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


def get_token(target: Target, variables: dict) -> str:
    import requests

    url = getattr(target, "token_url", None) or target.base_url + target.token_path
    resp = requests.post(url, data={
        "grant_type": "client_credentials", "client_id": variables["oauth_client_id"],
        "client_secret": variables["oauth_client_secret"],
        "login_organization": variables.get("organization", ""),
        "audience": "https://api.24sevenoffice.com",
    }, timeout=30)
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
        variables["access_token"] = get_token(target, variables)
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


# --- scrubbing (record mode) ----------------------------------------------------------------

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
            elif _KINDS["timestamp"].match(text) and text[:19] not in request_body and \
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


# --- the recording proxy --------------------------------------------------------------------

_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
        "transfer-encoding", "upgrade", "content-length", "content-encoding", "host"}


def _operation(headers: dict, body: str, path: str, method: str) -> str:
    action = headers.get("SOAPAction") or ""
    m = re.search(r'action="?([^";]+)', headers.get("Content-Type") or "")
    action = action.strip('"') or (m.group(1) if m else "")
    if action:
        return action.rstrip("/").rsplit("/", 1)[-1]
    m = re.search(r"<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)", body)
    if m:
        return m.group(1)
    return f"{method}-" + re.sub(r"[^A-Za-z0-9]+", "-", path.strip("/")).strip("-")


class Recorder:
    """A WSGI proxy: forwards each request upstream unchanged, answers with the upstream's
    response unchanged, and writes the exchange as a pair file with secrets scrubbed."""

    def __init__(self, upstream: str, out_dir: str | Path, source: str = "live recording",
                 setup_client: dict | None = None):
        self.upstream = upstream.rstrip("/")
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.source = source
        self.setup_client = setup_client
        self._lock = threading.Lock()
        self._n = len(list(self.out.glob("*.yaml")))
        self._sessions: dict[str, list[str]] = {}  # scrubbed history per session: pair names
        self.recorded: list[Path] = []

    def __call__(self, environ, start_response):
        import requests

        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO") or "/"
        query = environ.get("QUERY_STRING") or ""
        length = environ.get("CONTENT_LENGTH") or ""
        body = environ["wsgi.input"].read(int(length)) if length.strip().isdigit() else b""
        headers = {}
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                headers[key[5:].replace("_", "-").title()] = value
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        if "Soapaction" in headers:
            headers["SOAPAction"] = headers.pop("Soapaction")
        fwd = {k: v for k, v in headers.items() if k.lower() not in _HOP}
        url = self.upstream + path + ("?" + query if query else "")
        try:
            resp = requests.request(method, url, data=body or None, headers=fwd, timeout=120,
                                    allow_redirects=False)
        except requests.RequestException as exc:
            msg = f"upstream {self.upstream} unreachable: {exc}".encode()
            start_response("502 Bad Gateway", [("Content-Type", "text/plain"),
                                               ("Content-Length", str(len(msg)))])
            return [msg]
        out_headers = [(k, v) for k, v in resp.raw.headers.items() if k.lower() not in _HOP]
        content = resp.content
        out_headers.append(("Content-Length", str(len(content))))
        try:
            self._store(method, path, query, headers, body, resp, content)
        except Exception:  # recording must never break the proxied call
            import logging

            logging.getLogger("mockserver.record").exception("could not store an exchange")
        start_response(f"{resp.status_code} {resp.reason}", out_headers)
        return [content]

    def _store(self, method, path, query, headers, body: bytes, resp, content: bytes) -> None:
        if method == "GET" and query.lower().startswith(("wsdl", "singlewsdl")):
            return  # WSDL downloads are the contract, not an exchange
        req_ct = headers.get("Content-Type", "")
        req_text = body.decode("utf-8", "replace")
        resp_ct = resp.headers.get("Content-Type", "")
        resp_text = content.decode(resp.encoding or "utf-8", "replace")
        cookie = headers.get("Cookie", "")
        sid = next((m.group(1) for m in re.finditer(r"ASP\.NET_SessionId=([^;\s]+)", cookie)), None)
        auth = headers.get("Authorization", "")
        operation = _operation(headers, req_text, path, method)
        req_headers = {}
        for name in ("Content-Type", "SOAPAction", "Accept"):
            if name in headers:
                req_headers[name] = headers[name]
        if auth:
            req_headers["Authorization"] = "Bearer {{access_token}}" if auth.lower().startswith(
                "bearer") else "{{authorization}}"
        resp_headers = {}
        for name in COMPARED_HEADERS:
            value = resp.headers.get(name)
            if value is not None:
                resp_headers[name] = scrub_set_cookie(value) if name == "Set-Cookie" else value
        raw_resp_body = scrub_response_body(resp_text, resp_ct)
        with self._lock:
            self._n += 1
            name = f"{self._n:03d}-{operation}"
            history = list(self._sessions.get(sid, [])) if sid else []
            pair = {
                "name": name,
                "spec": [],
                "title": f"{method} {path} ({operation}), recorded",
                "source": {"request": f"{self.source} (credentials scrubbed)",
                           "response": f"{self.source} from {urlsplit(self.upstream).netloc}"},
                "recorded_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "live": {"mode": "emulator-only" if method != "GET" else "safe"},
                "setup": {
                    "client": copy.deepcopy(self.setup_client or {}),
                    "login": bool(sid),
                    "token": bool(auth),
                    "steps": [{"pair": p} for p in history],
                },
                "request": {"method": method, "path": path + ("?" + query if query else ""),
                            "headers": req_headers,
                            "body": pretty_body(scrub_request_body(req_text, req_ct), req_ct)},
                "response": {"status": resp.status_code, "headers": resp_headers,
                             "body": pretty_body(raw_resp_body, resp_ct)},
                "volatile": guess_volatile(req_text, resp_text, resp_ct, resp.headers),
            }
            if not pair["request"]["body"]:
                del pair["request"]["body"]
            if sid and operation != "Login":
                self._sessions.setdefault(sid, []).append(name)
            if operation == "Login":
                new = re.search(r"<(?:\w+:)?LoginResult>([a-z0-5]{24})<", resp_text)
                if new:
                    self._sessions.setdefault(new.group(1), [])
            target = self.out / f"{name}.yaml"
            dump_pair(pair, target)
            self.recorded.append(target)


class RecordingProxy:
    """The recorder behind a waitress socket (``tfso-mock record`` and tests)."""

    def __init__(self, upstream: str, out_dir: str | Path, host: str = "127.0.0.1", port: int = 0,
                 **kw):
        from waitress.server import create_server

        self.recorder = Recorder(upstream, out_dir, **kw)
        self._server = create_server(self.recorder, host=host, port=port, threads=4,
                                     ident="tfso-mock-record")
        self.url = f"http://{host}:{self._server.effective_port}"
        self._thread = threading.Thread(target=self._server.run, name="tfso-record", daemon=True)

    def start(self) -> RecordingProxy:
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.run()

    def stop(self) -> None:
        from .serving import stop_server

        stop_server(self._server, self._thread, timeout=2)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def record_main(upstream: str, out: str, host: str = "127.0.0.1", port: int = 8081,
                source: str = "live recording", setup: str | None = None) -> int:
    """``tfso-mock record``: run the proxy until interrupted."""
    client = json.loads(setup) if setup else None
    proxy = RecordingProxy(upstream, out, host=host, port=port, source=source, setup_client=client)
    print(f"tfso-mock record: {proxy.url} -> {upstream}; writing pairs to {out}", flush=True)
    print("Point your client at the proxy URL. Press Ctrl+C to stop.", flush=True)
    try:
        proxy.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        proxy.stop()
        time.sleep(0)
    print(f"recorded {len(proxy.recorder.recorded)} exchange(s)", flush=True)
    return 0


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


if __name__ == "__main__":  # python -m mockserver.record fill fixtures/recorded
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "fill":
        from .testing.server import ThreadedEmulator

        with ThreadedEmulator() as emu:
            for path in fill_missing(sys.argv[2], Target(emu.url)):
                print("filled", path)
    else:
        print("usage: python -m mockserver.record fill FOLDER", file=sys.stderr)
        sys.exit(2)


# --- the vendor schema ----------------------------------------------------------------------

_XS = "http://www.w3.org/2001/XMLSchema"
_WSDL_FOR = (("/authenticate/", "Authenticate.wsdl"), ("/economy/account/v004/", "AccountV004.wsdl"),
             ("/economy/accounting/v001/", "TransactionService.wsdl"))
_SCHEMAS: dict[str, etree.XMLSchema] = {}


def wsdl_schema(wsdl_path: str | Path) -> etree.XMLSchema:
    """The XSD embedded in a vendor WSDL, as an lxml validator (its imports resolved locally)."""
    import tempfile

    key = str(wsdl_path)
    if key in _SCHEMAS:
        return _SCHEMAS[key]
    doc = etree.parse(str(wsdl_path), _PARSER)
    root = doc.getroot()
    schemas = doc.findall(f".//{{{_XS}}}schema")
    folder = Path(tempfile.mkdtemp(prefix="tfso-xsd-"))
    files = {s.get("targetNamespace"): folder / f"schema{i}.xsd" for i, s in enumerate(schemas)}
    for s in schemas:
        nsmap = {k: v for k, v in {**root.nsmap, **s.nsmap}.items() if k is not None}
        new = etree.Element(f"{{{_XS}}}schema", nsmap=nsmap)
        for k, v in s.attrib.items():
            new.set(k, v)
        for child in s:
            child = copy.deepcopy(child)
            if child.tag == f"{{{_XS}}}import" and child.get("namespace") in files:
                child.set("schemaLocation", files[child.get("namespace")].as_uri())
            new.append(child)
        etree.ElementTree(new).write(str(files[s.get("targetNamespace")]))
    main = next(p for ns, p in files.items() if ns in VENDOR_NS)
    _SCHEMAS[key] = etree.XMLSchema(etree.parse(str(main)))
    return _SCHEMAS[key]


def schema_errors(path: str, body: str, wsdl_dir: str | Path) -> list[str] | None:
    """Validate the operation element of a SOAP response against the vendor WSDL for ``path``.

    None when there is nothing to validate (not a vendor SOAP path, or a fault)."""
    wsdl = next((f for prefix, f in _WSDL_FOR if prefix in path.lower()), None)
    if wsdl is None or body_kind("", body) != "xml":
        return None
    root = parse_xml(body)
    body_el = next((c for c in root if _local(c.tag) == "Body"), None)
    payload = next((c for c in body_el if isinstance(c.tag, str)), None) if body_el is not None else None
    if payload is None or _local(payload.tag) == "Fault":
        return None
    schema = wsdl_schema(Path(wsdl_dir) / wsdl)
    doc = etree.fromstring(etree.tostring(payload))
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
