"""``POST /oauth/token`` (SPEC A5): the client credentials grant, form-encoded or JSON, with
HTTP Basic client authentication and an optional ``scope``. Errors in the OAuth shape."""

from __future__ import annotations

import json

from flask import request

from .. import errors
from ..codec_utils import basic_credentials, read_json
from .http import json_response

_TOKEN_FIELDS = ("grant_type", "client_id", "client_secret", "audience", "login_organization",
                 "scope")


def token_fields() -> dict:
    """Form-encoded or JSON body (public clients send both), plus HTTP Basic client auth."""
    raw = request.get_data(cache=True)
    if request.mimetype == "application/json" or raw.lstrip()[:1] == b"{":
        try:
            body = read_json(raw)
        except errors.MalformedJson as err:
            raise errors.BadTokenRequest(detail=err.text) from None
        if not isinstance(body, dict):
            raise errors.NotAnObject()
        fields = body
    else:
        fields = request.form.to_dict()
    for name in _TOKEN_FIELDS:
        value = fields.get(name)
        if value is not None and not isinstance(value, str):
            raise errors.NotAString(field=name)
    auth = request.headers.get("Authorization", "")
    try:
        basic = basic_credentials(auth)
    except ValueError:
        raise errors.MalformedBasic() from None
    if basic is not None:
        fields.setdefault("client_id", basic[0])
        fields.setdefault("client_secret", basic[1])
    return fields


def register(app, ctx) -> None:
    ledger, clock = ctx.ledger, ctx.clock

    @app.post("/oauth/token")
    def oauth_token():
        ctx.meta(operation="Token")
        f = token_fields()
        application = ledger.tokens.applications.get(f.get("client_id") or "")
        with ctx.clock_scope(application.ledger_client_id if application else None):
            now = clock.now()
        try:
            token = ledger.tokens.issue(
                grant_type=f.get("grant_type"), client_id=f.get("client_id"),
                client_secret=f.get("client_secret"), audience=f.get("audience"),
                organization=f.get("login_organization"), scope=f.get("scope"), now=now,
            )
        except errors.LimitReached as err:  # OAuth's temporarily_unavailable, 503
            raise errors.OAuthError(err.http_status, err.oauth_error, err.text) from None
        ctx.meta(client_id=token.client_id)
        body = {"access_token": token.token, "expires_in": token.expires_in,
                "token_type": "Bearer", "scope": token.scope}
        return json_response(200, json.dumps(body),
                             {"Cache-Control": "no-store", "Pragma": "no-cache"})
