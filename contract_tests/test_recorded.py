"""Replay every recorded pair in fixtures/recorded/ and compare (SPEC ids in each pair's metadata).

- ``test_emulator_matches_recording``: each pair against the running emulator, on a fresh isolated
  client (created with the pair's ``setup.client``), logged in through Authenticate, setup steps
  run first. The response is compared with the recorded one after normalising the volatile parts
  (status, chosen headers, element names and order, namespaces, values); a mismatch fails with a
  unified diff. SOAP success responses must also validate against the vendor WSDL's schema.
- ``test_live_matches_recording``: the same pairs against a live base URL (``--target-url`` plus
  TFSO_LIVE_* credentials) — the drift check. Skipped, with the reason, when no credentials are
  given; pairs that need the emulator's control API are skipped there, and pairs that post to
  the live books run only with ``--live-writes``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from mockserver.recording import (
    Exchange,
    LiveTarget,
    Target,
    compare,
    load_pairs,
    recorded_exchange,
    replay,
    schema_errors,
)

ROOT = Path(__file__).resolve().parents[1]
RECORDED = ROOT / "fixtures" / "recorded"
VENDOR = ROOT / "fixtures" / "vendor"
PAIRS = load_pairs(RECORDED)
BY_NAME = {p.name: p for p in PAIRS}
IDS = [p.test_id for p in PAIRS]
SPEC_MD = Path(__file__).resolve().parents[2] / "shared" / "SPEC.md"

#: SPEC behaviours implemented so far, each of which must have at least one recorded pair.
IMPLEMENTED = {"W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8", "A1", "A2", "A3", "A4",
               "E1", "E2", "E3", "E4", "E5", "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9",
               "S10", "S11", "K1", "K2", "C", "T1", "R1", "R2", "R3", "R4", "A5", "L1", "L2",
               "M1", "M2", "M3", "M4", "M5", "M6", "D1", "D2", "D3", "D4"}

LIVE_VARS = ("TFSO_LIVE_USERNAME", "TFSO_LIVE_PASSWORD", "TFSO_LIVE_APPLICATION_ID")


def _fail_with_diff(pair, diff: list[str], where: str) -> None:
    pytest.fail(f"{where} differs from {pair.path.relative_to(RECORDED.parent.parent)} "
                f"(SPEC {', '.join(pair.spec)}):\n" + "\n".join(diff), pytrace=False)


# --- the emulator ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def emulator_target(tfso_mock):
    headers = getattr(tfso_mock, "admin_headers", lambda: {})()
    return Target(tfso_mock.url, admin_headers=headers)


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_emulator_matches_recording(pair, emulator_target):
    actual = replay(pair, emulator_target, BY_NAME)
    diff = compare(recorded_exchange(pair), actual, pair.volatile, mode=pair.mode)
    if diff:
        _fail_with_diff(pair, diff, "the emulator's response")
    errors = schema_errors(pair.request["path"], actual.body, VENDOR)
    assert errors in (None, []), f"not valid per the vendor WSDL schema: {errors}"


# --- the live API ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_target(request):
    url = request.config.getoption("--target-url") or os.environ.get("TFSO_LIVE_URL")
    missing = [v for v in LIVE_VARS if not os.environ.get(v)]
    if not url or missing:
        pytest.skip("no live API configured: pass --target-url (or TFSO_LIVE_URL) and set "
                    + ", ".join(LIVE_VARS) + (f" (missing: {', '.join(missing)})" if missing else ""))
    return LiveTarget(
        url, dict(os.environ),
        rest_url=request.config.getoption("--target-rest-url") or os.environ.get("TFSO_LIVE_REST_URL"),
        token_url=request.config.getoption("--target-token-url") or os.environ.get("TFSO_LIVE_TOKEN_URL"),
    )


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_live_matches_recording(pair, live_target, request):
    if pair.live == "emulator-only":
        pytest.skip("needs the emulator's control API or an emulator-only client setup")
    if pair.live == "writes" and not request.config.getoption("--live-writes"):
        pytest.skip("posts to the live client's books; run with --live-writes on a test client")
    actual = replay(pair, live_target, BY_NAME)
    diff = compare(recorded_exchange(pair), actual, pair.volatile, mode=pair.mode)
    if diff:
        requires = (pair.data.get("live") or {}).get("requires")
        _fail_with_diff(pair, diff + ([f"(the pair assumes: {requires})"] if requires else []),
                        "the live API's response")


# --- the recordings themselves --------------------------------------------------------------


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_recording_metadata_is_complete(pair):
    data = pair.data
    assert pair.spec, "a pair names the SPEC ids it demonstrates"
    if SPEC_MD.exists():
        # an id opens a list item ("- M1 ...") or follows another's sentence ("... M4 ...")
        catalogue = set(re.findall(r"(?:^- |\. )([WALESKTRMD]\d+) ",
                                   SPEC_MD.read_text(encoding="utf-8"), re.M))
        assert {s for s in pair.spec if s != "C"} <= catalogue
    assert set(data["source"]) == {"request", "response"}
    assert all(isinstance(v, str) and v for v in data["source"].values())
    assert pair.live in ("safe", "writes", "emulator-only")
    assert isinstance(pair.setup.get("login", True), bool)
    for rule in pair.volatile:
        assert rule.get("kind") and (rule.get("select") or rule.get("path") or rule.get("header"))
    # credentials are never stored: only placeholders
    text = pair.path.read_text(encoding="utf-8")
    for element in ("Password", "Username", "ApplicationId"):
        for value in re.findall(rf"<{element}>([^<]*)</{element}>", text):
            assert value.startswith("{{") or value == "not-the-password", (element, value)


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_recorded_response_is_valid_per_vendor_schema(pair):
    errors = schema_errors(pair.request["path"], recorded_exchange(pair).body, VENDOR)
    assert errors in (None, []), errors


def test_every_implemented_spec_id_has_a_recorded_pair():
    covered = {s for p in PAIRS for s in p.spec}
    assert sorted(IMPLEMENTED - covered) == []


def test_the_vendor_login_response_is_replayed_verbatim():
    pair = BY_NAME["login-vendor-recorded-response"]
    assert pair.response["body_file"] == "../../vendor/Login_response.xml"
    assert "csjilsasysb1h245qmwvsumx" in recorded_exchange(pair).body


# --- the harness can fail -------------------------------------------------------------------


def test_a_renamed_element_and_a_changed_error_text_are_reported():
    """Mutate a recorded S2 response the way a drifting server would; the diff shows both."""
    pair = BY_NAME["guide-example-no-fiscal-year-2033"]
    recorded = recorded_exchange(pair)
    mutated = Exchange(recorded.status, recorded.headers, recorded.body
                       .replace("<Description>Could not finish last Bundle! iError:2</Description>",
                                "<Descr>Could not finish last Bundle! iError:3</Descr>"))
    assert compare(recorded, recorded, pair.volatile) == []
    diff = compare(recorded, mutated, pair.volatile)
    assert [ln for ln in diff if ln[:1] in "+-" and ln[:3] not in ("+++", "---")] == [
        "-        <Description>Could not finish last Bundle! iError:2</Description>",
        "+        <Descr>Could not finish last Bundle! iError:3</Descr>",
    ]
    assert diff[:2] == ["--- recorded", "+++ actual"]


def test_element_order_status_and_namespace_changes_are_reported():
    pair = BY_NAME["getentryid-first-number"]
    recorded = recorded_exchange(pair)
    body = recorded.body
    swapped = body.replace("<SortNo>1</SortNo>", "").replace(
        "<EntryNo>10000</EntryNo>", "<EntryNo>10000</EntryNo><SortNo>1</SortNo>")
    diff = compare(recorded, Exchange(recorded.status, recorded.headers, swapped), pair.volatile)
    assert [ln for ln in diff if ln[:1] in "+-" and ln[:3] not in ("+++", "---")] == [
        "+        <EntryNo>10000</EntryNo>", "-        <EntryNo>10000</EntryNo>"]
    other_ns = body.replace('xmlns="http://24sevenOffice.com/webservices"',
                            'xmlns="http://24sevenoffice.com/webservices"')
    diff = compare(recorded, Exchange(recorded.status, recorded.headers, other_ns), pair.volatile)
    assert [ln for ln in diff if ln[:1] in "+-" and ln[:3] not in ("+++", "---")] == [
        '-    <GetEntryIdResponse xmlns="http://24sevenOffice.com/webservices">',
        '+    <GetEntryIdResponse xmlns="http://24sevenoffice.com/webservices">']
    diff = compare(recorded, Exchange(500, recorded.headers, body), pair.volatile)
    assert [ln for ln in diff if ln[:1] in "+-" and ln[:3] not in ("+++", "---")] == [
        "-HTTP 200", "+HTTP 500"]


def test_a_volatile_value_of_the_wrong_shape_is_reported():
    """Normalisation still checks types: a session id must stay 24 lower-case alphanumerics,
    a REST timestamp must stay UTC, a JSON integer must not turn into a string."""
    pair = BY_NAME["login-vendor-recorded-response"]
    recorded = recorded_exchange(pair)
    bad = recorded.body.replace("csjilsasysb1h245qmwvsumx", "CSJILSASYSB1H245QMWVSUMX")
    diff = compare(recorded, Exchange(200, recorded.headers, bad), pair.volatile)
    assert diff[-1] == ("! actual Envelope/Body/LoginResponse/LoginResult: "
                        "'CSJILSASYSB1H245QMWVSUMX' does not look like a session_id")
    rules = [{"path": "$[*].createdAt", "kind": "timestamp"}, {"path": "$[*].id", "kind": "integer"}]
    left = Exchange(200, {"Content-Type": "application/json"},
                    '[{"id": 7001, "createdAt": "2022-01-01T18:00:00Z"}]')
    right = Exchange(200, {"Content-Type": "application/json"},
                     '[{"id": "7001", "createdAt": "2022-01-01T19:00:00+01:00"}]')
    diff = compare(left, right, rules)
    assert [ln for ln in diff if ln.startswith("!")] == [
        "! actual $[0].createdAt: '2022-01-01T19:00:00+01:00' does not look like a timestamp",
        "! actual $[0].id: '7001' does not look like an integer",
    ]
    assert compare(left, Exchange(200, left.headers, '[{"createdAt": "2023-05-05T10:00:00Z", '
                                                     '"id": 9}]'), rules) == []


# --- recording mode -------------------------------------------------------------------------


def test_record_from_a_second_emulator_then_replay_against_the_first(tfso_mock, emulator_target,
                                                                      tmp_path):
    """``tfso-mock record``: a proxy in front of emulator B records a zeep session (A1, A2, E1,
    E4, E3, S1, S11, W4); every recording, secrets scrubbed, then replays green against A."""
    import datetime as dt

    import requests

    from mockserver.recording import RecordingProxy
    from mockserver.testing.client import MockClient
    from mockserver.testing.server import ThreadedEmulator

    from helpers import bundle, bundle_list, envelope, raw_post, sale

    with ThreadedEmulator() as upstream:
        info = requests.post(upstream.url + "/__admin/clients", json={"fiscal_years": [2024]},
                             timeout=30).json()
        with RecordingProxy(upstream.url, tmp_path, setup_client={"fiscal_years": [2024]},
                            source="emulator recording") as proxy:
            # unchanged on the way back: byte for byte what the upstream answered
            direct = raw_post(requests.Session(), upstream.url, "/authenticate/v001/authenticate.asmx",
                              envelope('<HasSession xmlns="http://24sevenOffice.com/webservices" />'),
                              "HasSession")
            proxied = raw_post(requests.Session(), proxy.url, "/authenticate/v001/authenticate.asmx",
                               envelope('<HasSession xmlns="http://24sevenOffice.com/webservices" />'),
                               "HasSession")
            assert (proxied.status_code, proxied.content) == (direct.status_code, direct.content)
            client = MockClient(proxy.url, info, wsdl_dir=VENDOR)
            session_id = client.login()
            assert len(session_id) == 24
            types = client.account.GetTypeList()
            assert [t.TypeNo for t in types][:3] == [1, 2, 3]
            day = dt.datetime(2024, 3, 1)
            assert client.account.GetEntryId({"Date": day, "SortNo": 1, "EntryNo": 0}).EntryNo == 10000
            saved = client.account.SaveBundleList(bundle_list([bundle([sale(10000, day=day.date())])]))
            assert (saved.Type, saved.Description) == ("Ok", None)
            again = client.account.SaveBundleList(bundle_list([bundle([sale(10000, day=day.date())])]))
            assert again.Type == "DuplicateData"
            assert client.account12.GetEntryId({"Date": day, "SortNo": 1, "EntryNo": 0}).EntryNo == 10001
            fault = raw_post(client.http, proxy.url, "/Economy/Account/V004/Accountservice.asmx",
                             envelope('<GetEntryId xmlns="http://24sevenOffice.com/webservices">'
                                      "<argEntryId><Date>2024-03-01T00:00:00</Date><SortNo>999</SortNo>"
                                      "<EntryNo>0</EntryNo></argEntryId></GetEntryId>"), "GetEntryId")
            assert fault.status_code == 500
            assert "No next Entry Id found with the provided date and sort" in fault.text

    files = sorted(p.name for p in tmp_path.glob("*.yaml"))
    assert files == ["001-HasSession.yaml", "002-Login.yaml", "003-GetTypeList.yaml",
                     "004-GetEntryId.yaml", "005-SaveBundleList.yaml", "006-SaveBundleList.yaml",
                     "007-GetEntryId.yaml", "008-GetEntryId.yaml"]
    for path in tmp_path.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for secret in (info["password"], info["username"], info["application_id"], session_id):
            assert secret not in text, (path.name, secret)
    pairs = load_pairs(tmp_path)
    login = next(p for p in pairs if p.name == "002-Login")
    assert "<ns0:Password>{{password}}</ns0:Password>" in login.request["body"]
    assert "<ns0:Username>{{username}}</ns0:Username>" in login.request["body"]
    assert "<LoginResult>scrubbedsessionid0000000</LoginResult>" in login.response["body"]
    session_rules = [{"select": "LoginResponse/LoginResult", "kind": "session_id"},
                     {"header": "Set-Cookie", "kind": "session_cookie"}]
    limit_rules = [{"header": "APILimitRemaining", "kind": "integer"},  # L2, when the front
                   {"header": "APILimitReset", "kind": "timestamp"}]     # door sends them
    assert [r for r in login.volatile if r in session_rules] == session_rules
    assert [r for r in login.volatile if r not in session_rules] in ([], limit_rules)
    assert login.setup["login"] is False
    duplicate = next(p for p in pairs if p.name == "006-SaveBundleList")
    assert duplicate.setup == {"client": {"fiscal_years": [2024]}, "login": True, "token": False,
                               "steps": [{"pair": "003-GetTypeList"}, {"pair": "004-GetEntryId"},
                                         {"pair": "005-SaveBundleList"}]}

    by_name = {p.name: p for p in pairs}
    for pair in pairs:
        diff = compare(recorded_exchange(pair), replay(pair, emulator_target, by_name), pair.volatile)
        assert diff == [], f"{pair.name}:\n" + "\n".join(diff)


def test_record_subcommand_is_wired_into_the_cli(capsys):
    from mockserver.cli import _parser

    args = _parser().parse_args(["record", "--upstream", "https://api.24sevenoffice.com",
                                 "--out", "recordings", "--port", "0"])
    assert (args.command, args.upstream, args.out, args.port, args.host) == (
        "record", "https://api.24sevenoffice.com", "recordings", 0, "127.0.0.1")


def test_json_numbers_keep_their_text_and_shape_mode_still_checks_types():
    """W7 on REST: 80.00 and 80.0 are different texts; in shape mode (the docs example) values
    are free but a number turning into a string, or a member going missing, is a diff."""
    ct = {"Content-Type": "application/json; charset=utf-8"}
    left = Exchange(200, ct, '[{"amount": 80.00, "date": "2033-01-01"}]')
    diff = compare(left, Exchange(200, ct, '[{"amount": 80.0, "date": "2033-01-01"}]'), [])
    assert [ln for ln in diff if ln[:1] in "+-" and ln[:3] not in ("+++", "---")] == [
        '-    "amount": 80.00,', '+    "amount": 80.0,']
    assert compare(left, Exchange(200, ct, '[{"amount": 1.5, "date": "x"}]'), [], mode="shape") == []
    diff = compare(left, Exchange(200, ct, '[{"amount": "80.00"}]'), [], mode="shape")
    assert [ln for ln in diff if ln[:1] in "+-" and ln[:3] not in ("+++", "---")] == [
        '-    "amount": "«number»",', '-    "date": "«string»"', '+    "amount": "«string»"']
