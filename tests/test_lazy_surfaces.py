"""Start-up loads only what the first request needs (issue 18): the SOAP services (spyne), the
REST API and the control API (Flask) load on their first request; the health check is answered
without them, with the control API's exact bytes; the catalogue is the one list of services."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.soap import catalogue
from mockserver.soap.dispatch import load
from mockserver.soap.schema import WsdlService

PROBE = r"""
import io, json, sys
from mockserver.app import create_app
app = create_app()
def call(method, path, body=b"", **headers):
    env = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "x",
           "SERVER_PORT": "80", "wsgi.url_scheme": "http", "REMOTE_ADDR": "127.0.0.1",
           "HTTP_HOST": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.input": io.BytesIO(body),
           "CONTENT_LENGTH": str(len(body)), **headers}
    out = {}
    body = b"".join(app(env, lambda s, h, e=None: out.setdefault("status", s)))
    return out["status"], body
loaded = lambda: sorted({m.split(".")[0] for m in sys.modules} & {"spyne", "flask", "werkzeug"})
steps = [("start", loaded()), ("health", call("GET", "/__admin/health")[0], loaded())]
steps.append(("wsdl", call("GET", "/Authenticate/V001/Authenticate.asmx", QUERY_STRING="WSDL")[0],
              loaded(), sorted(m for m in sys.modules if m.startswith("mockserver.soap.")
                               and m.rsplit(".", 1)[1] in ("account", "company", "authenticate"))))
steps.append(("rest", call("GET", "/v1/transactionlines")[0], loaded()))
print(json.dumps(steps))
"""


def test_start_up_and_health_load_neither_spyne_nor_flask_the_first_request_loads_its_own():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         timeout=300, check=True).stdout
    start, health, wsdl, rest = json.loads(out.splitlines()[-1])
    assert start == ["start", []]
    assert health == ["health", "200 OK", []]
    # the first request to Authenticate loads spyne and that service, not AccountService's
    # module nor CompanyService's
    assert wsdl == ["wsdl", "200 OK", ["spyne"], ["mockserver.soap.authenticate"]]
    assert rest == ["rest", "401 Unauthorized", ["flask", "spyne", "werkzeug"]]


def _environ(method: str, path: str, **extra) -> dict:
    return {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "x",
            "SERVER_PORT": "80", "wsgi.url_scheme": "http", "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(), **extra}


def _call(app, env) -> tuple[str, list, bytes]:
    got = {}

    def start_response(status, headers, exc_info=None):
        got["status"], got["headers"] = status, headers

    body = b"".join(app(env, start_response))
    return got["status"], got["headers"], body


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_health_without_flask_is_the_control_api_answer_byte_for_byte(method):
    server = create_app()
    lean = _call(server, _environ(method, "/__admin/health"))
    flask = _call(server.admin, _environ(method, "/__admin/health"))
    same_now = re.compile(rb'"now":"[^"]*"')
    assert lean[0] == flask[0] == "200 OK"
    assert lean[1] == flask[1]
    assert same_now.sub(b"", lean[2]) == same_now.sub(b"", flask[2])
    if method == "GET":
        assert lean[2].endswith(b"}\n")
        assert json.loads(lean[2])["status"] == "ok"
    else:
        assert lean[2] == b""


def test_health_with_an_admin_token_wrong_or_missing_is_the_control_api_401():
    server = create_app(Settings(admin_token="s3cret"))
    assert _call(server, _environ("GET", "/__admin/health"))[0] == "401 Unauthorized"
    wrong = _environ("GET", "/__admin/health", HTTP_AUTHORIZATION="Bearer nope")
    status, _, body = _call(server, wrong)
    assert status == "401 Unauthorized"
    assert json.loads(body)["error"]["name"] == "Unauthorized"
    right = _environ("GET", "/__admin/health", HTTP_AUTHORIZATION="Bearer s3cret")
    assert _call(server, right)[0] == "200 OK"
    # another method still goes to the control API (405 in its shape)
    assert _call(server, _environ("POST", "/__admin/health",
                                  HTTP_AUTHORIZATION="Bearer s3cret"))[0].startswith("405")


@pytest.mark.parametrize("entry", catalogue.ENTRIES, ids=lambda e: e.name)
def test_each_catalogue_entry_loads_at_its_path_and_a_schema_service_at_its_wsdl_address(entry):
    sdef = load(entry)  # a WSDL service whose soap:address is not the entry's path: LookupError
    assert (sdef.name, sdef.path, sdef.public_path) == (entry.name, entry.path, entry.public_path)
    assert list(sdef.docs) and all(op in sdef.service.public_methods for op in sdef.docs)
    if isinstance(sdef.service, WsdlService):
        assert entry.public_path.encode() in sdef.service.document


def test_the_catalogue_names_each_service_and_path_once():
    assert len({e.name.lower() for e in catalogue.ENTRIES}) == len(catalogue.ENTRIES)
    assert len(catalogue.BY_PATH) == len(catalogue.ENTRIES)
