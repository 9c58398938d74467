"""AccountService V002 (SPEC M6): the older AccountService, on the same ledger as V004.

Its own shape: the request wrapper is ``bundlelist``, an Entry names its account by
``AccountId`` (the AccountId of its own GetAccountList) and its period by ``Period`` (the month
number), the result enumeration spells ``DublicateData``. What V002 lacks (VatAmount, BaseRate,
UseAutoBaseRate, IgnoreWarnings, the link methods) it lacks here too: a V002 bundle is posted as
a V004 one that does not set them. The schema is the vendor's WSDL (``schema.py``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .. import errors
from ..ledger import interpretations as rules
from ..ledger.fixtures import fixtures_dir
from . import account
from .schema import WsdlService
from .types import MIN_DATETIME, NIL_GUID

#: V004 result types as V002's ResponsType spells them.
RESULT_SPELLING = {"DuplicateData": "DublicateData"}


def _period_date(day: dt.datetime, period) -> dt.datetime:
    """``Period`` 1-12 is that month of the entry's year; 0 (not given): none; anything else
    is refused (``PeriodNotAMonth``)."""
    if not period:
        return MIN_DATETIME
    if period not in rules.V002_PERIODS:
        raise errors.PeriodNotAMonth(period)
    return dt.datetime(day.year, period, 1)


def _as_v004(b: dict, by_id: dict) -> tuple[dict, errors.SaveRefused | None]:
    """A V002 bundle list as V004's reader gives it, up to the first bundle V002's own rules
    refuse (an unknown AccountId, a Period that is no month), and that refusal (located)."""
    bundles: list[dict] = []
    refusal = None
    for bi, bundle in enumerate(b["Bundles"] or (), start=1):
        if bundle is None:
            continue
        try:
            bundles.append(_bundle_as_v004(bundle, bi, by_id))
        except errors.SaveRefused as err:
            refusal = err
            break
    return {**b, "Bundles": bundles, "IgnoreWarnings": []}, refusal


def _bundle_as_v004(bundle: dict, bi: int, by_id: dict) -> dict:
    vouchers = []
    for vi, v in enumerate(bundle["Vouchers"] or (), start=1):
        if v is None:
            continue
        entries = []
        for e in v["Entries"] or ():
            if e is None:
                continue
            try:
                account_no = by_id.get(e["AccountId"])
                if account_no is None:
                    raise errors.UnknownAccountId(e["AccountId"])
                period = _period_date(e["Date"], e.get("Period"))
            except errors.SaveRefused as err:
                err.where = (bi, vi)
                raise
            entries.append({
                **e, "AccountNo": account_no, "VatAmount": Decimal(0), "BaseRate": Decimal(-1),
                "PeriodDate": period, "LinkId": e.get("LinkId") or NIL_GUID,
            })
        vouchers.append({**v, "Entries": entries})
    return {**bundle, "Vouchers": vouchers, "UseAutoBaseRate": True}


def SaveBundleList(ctx, bundlelist):
    """S in V002's shape: the bundles before the first one V002's own rules refuse are posted
    (each all-or-nothing, as V004 posts them), then that refusal is the answer, unless the
    ledger refused an earlier bundle first."""
    try:
        book = ctx.book()
    except errors.NotAuthenticated as err:  # A4: a result, not a fault, for this method
        return {"Type": "NotAuthenticated", "Description": err.text}
    if bundlelist is None:
        raise errors.NullArgument("bundlelist")
    by_id = {a.account_id: a.account_no for a in book.accounts.values()}
    converted, refusal = _as_v004(bundlelist, by_id)
    if refusal is None or converted["Bundles"]:
        result = ctx.ledger.save_bundle_list(book, account.to_bundle_list(converted))
        if refusal is None or result.type != "Ok":
            return {"Type": RESULT_SPELLING.get(result.type, result.type),
                    "Description": result.description or None}
    return {"Type": refusal.result_type, "Description": errors.locate(refusal, *refusal.where)}


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
