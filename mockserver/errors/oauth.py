"""A5: the OAuth2 token endpoint's errors (RFC 6749 section 5.2), rendered by ``rest/errors.py``."""

from __future__ import annotations

from mockserver.errors.base import VendorError
from mockserver.errors.rest import BodyNotAnObject


class OAuthError(VendorError):
    """A5: an OAuth2 token-endpoint error (RFC 6749 section 5.2): ``oauth_error`` is the
    ``error`` code, the text its ``error_description``; rendered by the REST surface.

    ``OAuthError(status, error, description)`` still makes one ad hoc; prefer a class below.
    """

    fault_code = "Client"
    http_status = 400
    oauth_error = "invalid_request"

    def __init__(self, status: int | None = None, error: str | None = None,
                 description: str | None = None, **fields):
        if status is not None:
            self.http_status = status
        if error is not None:
            self.oauth_error = error
        super().__init__(description, **fields)

    # the names this class had before the catalogue carried the status and the code
    @property
    def status(self) -> int:
        return self.http_status

    @property
    def error(self) -> str:
        return self.oauth_error

    @property
    def description(self) -> str:
        return self.text


class MissingGrantType(OAuthError):
    template = "Missing required parameter: grant_type"


class UnsupportedGrantType(OAuthError):
    oauth_error = "unsupported_grant_type"
    template = "Unsupported grant type: {grant_type}"


class MissingClientId(OAuthError):
    http_status, oauth_error = 401, "invalid_client"
    template = "Missing required parameter: client_id"


class ClientAuthenticationFailed(MissingClientId):
    template = "Client authentication failed"


class MalformedBasic(MissingClientId):
    template = "Malformed Basic credentials"


class UnknownAudience(OAuthError):
    http_status, oauth_error = 403, "access_denied"
    template = "Service not found: {audience}"


class NotConnected(UnknownAudience):
    template = "The application is not connected to organization {organization}"


class ScopeNotGranted(OAuthError):
    oauth_error = "invalid_scope"
    template = "None of the requested scopes is granted: {scope}"


class BadTokenRequest(OAuthError):
    """A token request whose body cannot be read as fields."""

    template = "{detail}"


class NotAnObject(BadTokenRequest):
    template = BodyNotAnObject.template


class NotAString(BadTokenRequest):
    template = "{field} must be a string"

