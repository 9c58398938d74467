"""Authenticate v001: Login and the identity operations (SPEC A1-A3)."""

from __future__ import annotations

from spyne import Service, rpc

from .. import errors
from . import models as m
from .types import NIL_GUID, Bool, Guid, Int, String, array, el

NS = m.AUTH_NS
SERVICE_DOC = (
    "This webservice provides authentication of webservice users and community users of "
    "24SevenOffice. After using the authentication method the header will contain a cookie "
    "parameter 'ASP.NET_SessionId' that should be used in future references with all Webservice "
    "method calls. This is done by using the property CookieContainer in .NET language."
)
_LOGIN_DOC = (
    "Authenticate the passed credentials, if it is successful it will return the session id for "
    "the cookie parameter 'ASP.NET_SessionId', otherwise an empty string."
)
DOCS = {  # vendor order and documentation, from the vendor WSDL
    "AuthenticateByToken": _LOGIN_DOC,
    "Login": _LOGIN_DOC,
    "HasSession": "Return whether your current session is authenticated or not.",
    "GetIdentity": "Get the current identity",
    "GetIdentities": (
        "Get a list of available identities for this session if authenticated as community."
    ),
    "SetIdentity": (
        "Set the current map for the communitiy session. Returns whether it is successful or not."
    ),
    "SetIdentityById": (
        "Set the current map by an identity for the communitiy session. Returns whether it is "
        "successful or not."
    ),
    "GetIdentitiesWithCredential": "Get a list of identities for the passed credentials.",
    "GetIdentitiesWithCredentialByService": (
        "Get a list of identities for the passed credentials and specified serviceId"
    ),
}

_IDENTITIES = array(m.Identity, "ArrayOfIdentity")


def _identity(user, ident, current) -> dict:
    return {
        "Id": ident.identity_id,
        "User": {"ContactId": user.contact_id, "Id": user.user_id, "Name": user.name,
                 "EmployeeId": -2147483648},
        "Client": {"Id": ident.client_id, "Name": ident.client_name},
        "IsCurrent": current is not None and ident.identity_id == current.identity_id,
        "IsDefault": ident.is_default,
        "IsProtected": False,
        "Servers": [],
        "IsDisabled": ident.blocked,
    }


def _credential_user(ctx, credential):
    if credential is None:
        return None
    return ctx.ledger.check_credentials(credential["Username"] or "",
                                        credential["Password"] or "")


def _session(ctx):
    session = ctx.session()
    if session is None:
        raise errors.NotAuthenticated()
    return session


def _set_identity(ctx, identity_id) -> bool:
    session = _session(ctx)
    ident = session.user.identity(identity_id)
    if ident is None or ident.blocked:
        return False
    ctx.ledger.set_identity(session, ident)
    ctx.client_id = ident.client_id
    return True


class Authenticate(Service):
    @rpc(el(m.Token), _returns=el(m.Passport))
    def AuthenticateByToken(ctx, token):
        raise errors.TokenLoginNotEmulated()

    @rpc(el(m.Credential), _returns=el(String))
    def Login(ctx, credential):
        if credential is None:  # W9: null reaches the vendor's code, which fails on it
            raise errors.NullArgument("credential")
        session = ctx.ledger.login(credential["ApplicationId"], credential["Username"] or "",
                                   credential["Password"] or "", credential["IdentityId"] or NIL_GUID)
        if session is None:
            return ""  # A1: bad credentials give an empty string, not a fault
        ctx.set_cookie = session.session_id
        ctx.client_id = session.identity.client_id
        return session.session_id

    @rpc(_returns=el(Bool, min_occurs=1))
    def HasSession(ctx):
        return ctx.session() is not None

    @rpc(_returns=el(m.Identity))
    def GetIdentity(ctx):
        session = _session(ctx)
        return _identity(session.user, session.identity, session.identity)

    @rpc(_returns=_IDENTITIES)
    def GetIdentities(ctx):
        session = _session(ctx)
        return [_identity(session.user, i, session.identity) for i in session.user.identities]

    @rpc(el(m.Identity), _returns=el(Bool, min_occurs=1))
    def SetIdentity(ctx, identity):
        if identity is None:
            return False
        return _set_identity(ctx, identity["Id"])

    @rpc(el(Guid, min_occurs=1), _returns=el(Bool, min_occurs=1))
    def SetIdentityById(ctx, identityId):
        return _set_identity(ctx, identityId)

    @rpc(el(m.Credential), _returns=_IDENTITIES)
    def GetIdentitiesWithCredential(ctx, credential):
        user = _credential_user(ctx, credential)
        return [] if user is None else [_identity(user, i, None) for i in user.identities]

    @rpc(el(m.Credential), el(Int, min_occurs=1), _returns=_IDENTITIES)
    def GetIdentitiesWithCredentialByService(ctx, credential, serviceId):
        user = _credential_user(ctx, credential)
        return [] if user is None else [_identity(user, i, None) for i in user.identities]
