"""Sessions, quotas and the emulator's own limits (A, L, SPEC C's injected faults)."""

from __future__ import annotations

from mockserver.errors.base import NotSupported, VendorError


class NotAuthenticated(VendorError):
    """A4: a call on Account/Transaction services without a valid session."""

    template = "Client is not authenticated on this identity"


class IdentityBlocked(VendorError):
    """A3: the default or requested identity is blocked (FAQ text, verbatim)."""

    template = (
        "Provided IdentityId is blocked. Please use GetIdentitiesWithCredential to get a "
        "list of available Identities and reauthenticate with a valid IdentityId"
    )


class TokenLoginNotEmulated(NotSupported):
    template = "AuthenticateByToken is not emulated. Use Login with the client's credentials."


class RateLimited(VendorError):
    """L1: hourly quota exceeded (FAQ text pattern): a SOAP fault (HTTP 500), 429 on REST."""

    http_status = 429
    name = "TooManyRequests"

    def __init__(self, over_by: int, quarantine_ends: str):
        self.over_by = over_by
        self.quarantine_ends = quarantine_ends
        super().__init__(
            f"Limit exceeded by {over_by}. Request is blocked. Quarantine ends at {quarantine_ends}"
        )


class BurstLimited(VendorError):
    """L4: the burst throttle; a plain 429 with the reason phrase as its body, on every surface."""

    http_status = soap_status = 429
    name = "TooManyRequests"
    template = "Too Many Requests"


class InjectedFault(VendorError):
    """SPEC C: a Server fault with the text a test asked for (control API fault injection)."""


class LimitReached(VendorError):
    """A capacity limit of the emulator (``--limit NAME=N``): refused, nothing changed.

    Not a vendor text (the vendor has no such limits at this scale): a Server fault on SOAP
    paths, ``503`` with ``LimitReachedError`` on REST and the control API, OAuth's
    ``temporarily_unavailable`` on ``/oauth/token``.
    """

    http_status = 503
    name = "LimitReachedError"
    oauth_error = "temporarily_unavailable"

    _WHAT = {
        "clients": "clients",
        "sessions": "live sessions",
        "tokens": "live access tokens",
        "faults": "injected faults",
        "generated_lines_total": "generated ledger lines",
    }

    def __init__(self, limit_name: str, limit: int, held: int | None = None,
                 adding: int | None = None):
        """``held``/``adding``: a call that adds several at once (a client with identities, a
        generated scenario) may be refused below the limit: say what is held and what it adds,
        not that the limit is held."""
        self.limit_name, self.limit = limit_name, limit
        what = self._WHAT.get(limit_name, limit_name)
        if held is None or adding is None or held >= limit:
            text = f"The emulator holds {limit} {what}, its limit"
        else:
            text = f"The emulator holds {held} {what}; {adding} more would pass its limit"
        super().__init__(f"{text} (--limit {limit_name}={limit}); nothing was changed.")


class GenerateTooLarge(LimitReached):
    """A scenario whose ``generate.lines`` is over what one call may generate (a 400: the
    request asks too much, whatever the emulator holds)."""

    http_status = 400

    def __init__(self, wanted: int, limit: int):
        self.limit_name, self.limit = "generated_lines", limit
        VendorError.__init__(
            self,
            f"generate.lines asks for {wanted} ledger lines; one scenario generates at most "
            f"{limit} (--limit generated_lines={limit}); nothing was changed.")

