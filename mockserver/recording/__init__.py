"""Recorded request/response pairs: the file format (``pair``), normalisation and comparison
(``compare``), replay against the emulator or the live API (``replay``), scrubbing (``scrub``), the
recording proxy behind ``tfso-mock record`` (``proxy``) and validation against the vendor WSDLs
(``schema``). The names below are the package's public interface.

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

from .compare import (
    COMPARED_HEADERS,
    Normaliser,
    canonical_xml,
    compare,
    normalise_json,
    normalise_xml,
    recorded_exchange,
    render,
)
from .pair import (
    SCRUBBED_SESSION,
    SCRUBBED_TOKEN,
    SESSION_COOKIE,
    SOAP_NS,
    VENDOR_NS,
    Exchange,
    JsonNumber,
    Pair,
    PairError,
    body_kind,
    dump_pair,
    json_dumps,
    json_loads,
    json_parts,
    json_select,
    load_pair,
    load_pairs,
    parse_xml,
    pretty_body,
    xml_select,
)
from .proxy import Recorder, RecordingProxy, record_main
from .replay import (
    AUTH_PATH,
    LOGIN_BODY,
    LiveTarget,
    Target,
    fill,
    fill_missing,
    get_token,
    login,
    replay,
    soap_envelope,
)
from .schema import schema_errors, wsdl_schema
from .scrub import guess_volatile, scrub_request_body, scrub_response_body, scrub_set_cookie

__all__ = [
    "AUTH_PATH", "COMPARED_HEADERS", "LOGIN_BODY", "SCRUBBED_SESSION", "SCRUBBED_TOKEN",
    "SESSION_COOKIE", "SOAP_NS", "VENDOR_NS", "Exchange", "JsonNumber", "LiveTarget", "Normaliser",
    "Pair", "PairError", "Recorder", "RecordingProxy", "Target", "body_kind", "canonical_xml",
    "compare", "dump_pair", "fill", "fill_missing", "get_token", "guess_volatile", "json_dumps",
    "json_loads", "json_parts", "json_select", "load_pair", "load_pairs", "login",
    "normalise_json", "normalise_xml", "parse_xml", "pretty_body", "record_main",
    "recorded_exchange", "render", "replay", "schema_errors", "scrub_request_body",
    "scrub_response_body", "scrub_set_cookie", "soap_envelope", "wsdl_schema", "xml_select",
]
