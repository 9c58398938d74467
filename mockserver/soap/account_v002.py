"""AccountService V002 (SPEC M6): the older AccountService, on the same ledger as V004.

Its own shape: the request wrapper is ``bundlelist``, an Entry names its account by
``AccountId`` (the AccountId of its own GetAccountList) and its period by ``Period`` (the month
number), the result enumeration spells ``DublicateData``. What V002 lacks (VatAmount, BaseRate,
UseAutoBaseRate, IgnoreWarnings, the link methods) it lacks here too: a V002 bundle is posted as
a V004 one that does not set them. The schema is the vendor's WSDL (``schema.py``).
"""

from __future__ import annotations

from decimal import Decimal

from .. import errors
from ..ledger import accountv002
from ..ledger import model as core
from ..ledger.fixtures import fixtures_dir
from . import account
from .schema import WsdlService
from .types import MIN_DATETIME, NIL_GUID

#: V004 result types as V002's ResponsType spells them.
RESULT_SPELLING = {"DuplicateData": "DublicateData"}


def _as_v004(b: dict) -> tuple[core.BundleList, list[accountv002.V002Bundle]]:
    """A V002 bundle list read as V004's reader gives it, each entry's AccountId and Period set
    aside for the ledger to resolve (``ledger/accountv002.py``: V002's own rules live there)."""
    shaped: list[accountv002.V002Bundle] = []
    bundles = []
    for bi, bundle in enumerate(b["Bundles"] or (), start=1):
        if not bundle:
            continue
        vouchers, refs = [], []
        for vi, v in enumerate(bundle["Vouchers"] or (), start=1):
            if not v:
                continue
            entries = [e for e in v["Entries"] or () if e]
            refs.append(accountv002.V002Voucher(
                core.Voucher(), vi, [e["AccountId"] for e in entries],
                [e.get("Period") for e in entries]))
            vouchers.append({**v, "Entries": [{
                **e, "AccountNo": 0, "VatAmount": Decimal(0), "BaseRate": Decimal(-1),
                "PeriodDate": MIN_DATETIME, "LinkId": e.get("LinkId") or NIL_GUID,
            } for e in entries]})
        bundles.append({**bundle, "Vouchers": vouchers, "UseAutoBaseRate": True})
        shaped.append(accountv002.V002Bundle(core.Bundle(), bi, refs))
    blist = account.to_bundle_list({**b, "Bundles": bundles, "IgnoreWarnings": []})
    for ref, bundle_model in zip(shaped, blist.bundles, strict=True):
        ref.bundle = bundle_model
        for vref, voucher in zip(ref.vouchers, bundle_model.vouchers, strict=True):
            vref.voucher = voucher
    return blist, shaped


def SaveBundleList(ctx, bundlelist):
    """S in V002's shape (the ledger's ``accountv002.save_bundle_list``)."""
    try:
        book = ctx.book()
    except errors.NotAuthenticated as err:  # A4: a result, not a fault, for this method
        return {"Type": "NotAuthenticated", "Description": err.text}
    if bundlelist is None:
        raise errors.NullArgument("bundlelist")
    blist, bundles = _as_v004(bundlelist)
    result = accountv002.save_bundle_list(ctx.ledger, book, blist, bundles)
    return {"Type": RESULT_SPELLING.get(result.type, result.type),
            "Description": result.description or None}


def _same_as_v004(name: str):
    def function(ctx, *args):
        return account.AccountService.public_methods[name].function(ctx, *args)

    function.__name__ = name
    return function


SERVICE = WsdlService("AccountServiceV002", fixtures_dir() / "vendor" / "AccountV002.wsdl", {
    "SaveBundleList": SaveBundleList,
    **{name: _same_as_v004(name) for name in (
        "GetEntryId", "GetAccountList", "GetTypeList", "GetTaxCodeList", "CheckAccountNo")},
})
