"""A1-A4: Authenticate and sessions, through zeep built from the vendor's Authenticate.wsdl."""

from __future__ import annotations

import hashlib
import re

import pytest
import requests
import zeep

from helpers import AUTH, bundle, bundle_list, envelope, raw_post, sale

BLOCKED_TEXT = (
    "Provided IdentityId is blocked. Please use GetIdentitiesWithCredential to get a list of "
    "available Identities and reauthenticate with a valid IdentityId"
)
NOT_AUTHENTICATED = "Client is not authenticated on this identity"


def test_A1_login_returns_session_id_and_sets_cookie(tfso_new_client):
    client = tfso_new_client(login=False)
    session_id = client.login()
    assert re.fullmatch(r"[a-z0-5]{24}", session_id)
    assert client.http.cookies.get("ASP.NET_SessionId") == session_id
    assert client.auth.HasSession() is True


def test_A1_bad_credentials_give_an_empty_login_result(tfso_new_client, tfso_mock):
    client = tfso_new_client(login=False)
    cred = (f"<Login xmlns=\"http://24sevenOffice.com/webservices\"><credential>"
            f"<ApplicationId>{client.application_id}</ApplicationId>"
            f"<Password>wrong</Password><Username>{client.username}</Username>"
            "</credential></Login>")
    resp = raw_post(requests.Session(), tfso_mock.url, AUTH, envelope(cred), "Login")
    assert resp.status_code == 200
    assert "<LoginResult />" in resp.text
    assert "Set-Cookie" not in resp.headers
    assert client.auth.Login(client.credential(Password="wrong")) is None  # zeep reads <X /> as None
    assert client.auth.HasSession() is False


def test_A1_password_as_md5_of_utf16le_is_accepted(tfso_new_client):
    client = tfso_new_client(login=False)
    hashed = hashlib.md5(client.password.encode("utf-16-le")).hexdigest()
    assert re.fullmatch(r"[a-z0-5]{24}", client.auth.Login(client.credential(Password=hashed)))
    assert re.fullmatch(r"[a-z0-5]{24}", client.auth.Login(client.credential(Password=hashed.upper())))


def test_A2_has_session_is_false_without_cookie_never_a_fault(tfso_new_client):
    client = tfso_new_client(login=False)
    assert client.auth.HasSession() is False
    client.http.cookies.set("ASP.NET_SessionId", "abcdefghijklmnopqrstuvwx")
    assert client.auth.HasSession() is False


def test_A2_one_login_reaches_several_identities_one_at_a_time(tfso_new_client):
    client = tfso_new_client(fiscal_years=[2024], identities=[{"name": "Second Client AS"}])
    identities = client.auth.GetIdentities()
    assert [(i.Client.Name, i.IsCurrent, i.IsDefault) for i in identities] == [
        (client.info["name"], True, True), ("Second Client AS", False, False)]
    second = identities[1]
    # the first client's books get a voucher; the second client's do not see it
    assert client.account.SaveBundleList(bundle_list([bundle([sale(10000)])])).Type == "Ok"
    assert client.auth.SetIdentityById(second.Id) is True
    current = client.auth.GetIdentity()
    assert (current.Id, current.Client.Id, current.IsCurrent) == (second.Id, second.Client.Id, True)
    assert client.account.GetEntryId({"Date": "2024-05-01T00:00:00", "SortNo": 1, "EntryNo": 0}).EntryNo == 10000
    assert client.auth.SetIdentityById("00000000-0000-0000-0000-0000000000ff") is False


def test_A2_identities_with_credential_need_no_session(tfso_new_client):
    client = tfso_new_client(login=False, identities=[{"name": "Blocked AS", "blocked": True}])
    identities = client.auth.GetIdentitiesWithCredential(client.credential())
    assert [(i.Client.Name, i.IsDisabled) for i in identities] == [
        (client.info["name"], None), ("Blocked AS", True)]  # false equals the default: omitted
    assert client.auth.GetIdentitiesWithCredential(client.credential(Password="nope")) is None


def test_A3_blocked_default_identity_fails_login_with_faq_text(tfso_new_client):
    client = tfso_new_client(blocked=True, login=False)
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.login()
    assert fault.value.message == BLOCKED_TEXT
    # reauthenticating with an unblocked identity works, as the FAQ says
    other = tfso_new_client(login=False, identities=[{"name": "Blocked AS", "blocked": True}])
    blocked_id = other.info["identities"][1]["identity_id"]
    with pytest.raises(zeep.exceptions.Fault) as fault:
        other.login(IdentityId=blocked_id)
    assert fault.value.message == BLOCKED_TEXT
    assert re.fullmatch(r"[a-z0-5]{24}", other.login(IdentityId=other.identity_id))


def test_A4_calls_without_a_session_are_refused(tfso_new_client):
    client = tfso_new_client(login=False, fiscal_years=[2024])
    result = client.account.SaveBundleList(bundle_list([bundle([sale(10000)])]))
    assert (result.Type, result.Description) == ("NotAuthenticated", NOT_AUTHENTICATED)
    for call in (lambda: client.account.GetTypeList(), lambda: client.account.CreateLink(),
                 lambda: client.account.GetEntryId({"Date": "2024-01-01T00:00:00", "SortNo": 1, "EntryNo": 0}),
                 lambda: client.auth.GetIdentities()):
        with pytest.raises(zeep.exceptions.Fault) as fault:
            call()
        assert fault.value.message == NOT_AUTHENTICATED
    assert client.ledger() == []


def test_A4_sessions_can_be_expired_on_demand(tfso_new_client):
    client = tfso_new_client()
    assert client.auth.HasSession() is True
    resp = client.admin("POST", "/sessions/expire", json={"client_id": client.client_id})
    assert resp.json() == {"expired": 1}
    assert client.auth.HasSession() is False
    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.account.GetTypeList()
    assert fault.value.message == NOT_AUTHENTICATED
