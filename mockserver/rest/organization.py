"""``/organization/information`` and ``/me`` (SPEC R6): the organization (client) a token
belongs to and the profile of its user (interpretations.PROFILE_LOCALE)."""

from __future__ import annotations

import uuid

from flask import request

from ..ledger import interpretations as rules
from ..ledger.people import first_user
from . import jsonout
from .http import INT32, Query, json_response

_NS_PROFILE = uuid.UUID("7a0c2f7e-1f55-4b6a-9d3e-24500000a11e")


def register(app, ctx) -> None:
    ledger = ctx.ledger

    @app.get("/v1/organization/information")
    def organization():
        ctx.meta(operation="GetClient")
        token = ctx.authenticate("GET", "/organization/information")
        book = ctx.book(token)
        name = ledger.query(lambda: book.name)
        body = {"id": book.client_id, "name": name, "status": "Active",
                "settings": {"currencyCode": rules.BASE_CURRENCY}}
        return json_response(200, jsonout.dumps(body))

    @app.get("/v1/me")
    def me():
        ctx.meta(operation="GetProfile")
        token = ctx.authenticate("GET", "/me")
        q = Query(request.args)
        q.boolean("thumb", False)
        q.boolean("bigthumb", False)
        q.integer("maxAge", bounds=INT32)
        q.check()
        user = ledger.query(first_user, ledger, token.client_id)
        first, _, last = (user.name if user else "").partition(" ")
        profile_id = user.user_id if user else uuid.uuid5(_NS_PROFILE, token.application)
        body = {"id": str(profile_id), "firstName": first or None, "lastName": last or None,
                **rules.PROFILE_LOCALE}
        return json_response(200, jsonout.dumps(body))
