"""Between the wire and the ledger's master data: what a client set, and a complete answer.

A request item read by the codec has every member, absent ones at their WSDL default (the
vendor's "not set" sentinels: ``Id`` -2147483648, ``Discount`` 0.0, DateTime 0001-01-01...).
``given`` keeps only what the client set, so an update changes only those fields; ``shaped``
fills the required value members of an answer with .NET's default (XmlSerializer always writes
them), leaving the rest to be omitted.
"""

from __future__ import annotations

from .codec import spec_of


def given(value, model) -> dict:
    """The members of a request item the client set (not absent, not nil, not the default)."""
    out: dict[str, object] = {}
    if not isinstance(value, dict):
        return out
    for f in spec_of(model).fields:
        v = value.get(f.name)
        if v is None:
            continue
        if f.kind == "scalar":
            if f.has_default and v == f.default:
                continue
            out[f.name] = v
        elif f.kind == "complex":
            sub = given(v, f.model)
            if sub:
                out[f.name] = sub
        else:
            item = f.of
            if item.kind == "complex":
                out[f.name] = [given(x, item.model) for x in v if x is not None]
            else:
                out[f.name] = [x for x in v if x is not None]
    return out


def shaped(record, model) -> dict:
    """``record`` with its required value members filled (recursively), ready to write."""
    out = dict(record)
    for f in spec_of(model).fields:
        v = out.get(f.name)
        if v is None:
            if f.kind == "scalar" and f.min_occurs >= 1 and not f.nillable:
                out[f.name] = f.absent
            continue
        if f.kind == "complex" and isinstance(v, dict):
            out[f.name] = shaped(v, f.model)
        elif f.kind == "array" and f.of.kind == "complex":
            out[f.name] = [shaped(x, f.of.model) if isinstance(x, dict) else x for x in v]
    return out


def only(record: dict, properties) -> dict:
    """GetCompanies/GetProducts ``returnProperties``: the members named (``Addresses.Post``
    selects ``Addresses``); none named: every member (interpretation)."""
    names = {p.split(".", 1)[0].strip() for p in properties or () if p and p.strip()}
    if not names:
        return record
    return {k: v for k, v in record.items() if k in names}


def api_exception(err) -> dict:
    """An ``errors.ItemRefused`` as the APIException written inside the failing item."""
    return {"Type": err.api_type, "Message": err.text}
