"""Every operation of the vendor's 0.56.0 document that the emulator does not serve answers
501 ``NotImplementedError`` naming it (SPEC R6), so an integrator can tell "not emulated" from
"wrong path" (404). Registered last: it fills only the gaps the resource modules leave."""

from __future__ import annotations

import re

from flask import request

from .. import errors
from . import vendor

_PARAM = re.compile(r"\{([^}]+)\}")


def rule(path: str) -> str:
    """``/customers/{customerId}`` -> ``/v1/customers/<customerId>``."""
    return "/v1" + _PARAM.sub(lambda m: f"<{m.group(1)}>", path)


def served(app) -> set[tuple[str, str]]:
    """(METHOD, vendor path) of every operation a resource module registered."""
    rules = {(r.rule, m) for r in app.url_map.iter_rules() for m in r.methods or ()
             if not r.endpoint.startswith("unserved ")}
    out = set()
    for method, path in vendor.operations():
        pattern = re.sub(r"<[^>]+>", "<>", rule(path))
        if any(re.sub(r"<[^>]+>", "<>", r) == pattern and m == method for r, m in rules):
            out.add((method, path))
    return out


def register(app, ctx) -> None:
    done = served(app)
    gaps: dict[str, list[str]] = {}
    for method, path in vendor.operations():
        if (method, path) not in done:
            gaps.setdefault(path, []).append(method)
    for path, methods in gaps.items():

        def unserved(_path=path, **_values):
            ctx.meta(operation="NotImplemented")
            raise errors.NotServed(method=request.method, path=_path)

        app.add_url_rule(rule(path), endpoint=f"unserved {path}", view_func=unserved,
                         methods=methods)
