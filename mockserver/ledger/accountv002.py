"""AccountService V002's own rules (SPEC M6), owned by the ledger like every other rule.

A V002 Entry names its account by ``AccountId`` (the AccountId of GetAccountList) and its period
by ``Period`` (the month number); the ledger resolves both into the AccountNo and PeriodDate a
V004 Entry carries, then posts the bundles as V004's SaveBundleList posts them. The protocol
surface only reads the request into these shapes and writes the answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from .. import errors
from . import interpretations as rules
from .core import ClientBook, Ledger, SaveResult
from .model import Bundle, BundleList, Entry, Voucher


@dataclass(slots=True)
class V002Voucher:
    """A voucher whose entries' ``account_no`` and ``period_date`` are not resolved yet:
    ``account_ids`` and ``periods`` say them V002's way, entry by entry."""

    voucher: Voucher
    #: its place among the bundle's Voucher elements (1-based; nil ones counted)
    position: int
    account_ids: list[int] = field(default_factory=list)
    #: Period of each entry (0 or None: not given)
    periods: list[int | None] = field(default_factory=list)


@dataclass(slots=True)
class V002Bundle:
    bundle: Bundle  # its vouchers: those of ``vouchers``, resolved by ``resolve``
    #: its place among the list's Bundle elements (1-based; nil ones counted)
    position: int
    vouchers: list[V002Voucher] = field(default_factory=list)


def period_date(day: dt.date, period: int | None) -> dt.date | None:
    """``Period`` 1-12 is that month of the entry's year; 0 (not given): none; anything else
    is refused (``PeriodNotAMonth``, interpretation V002_PERIODS)."""
    if not period:
        return None
    if period not in rules.V002_PERIODS:
        raise errors.PeriodNotAMonth(period)
    return dt.date(day.year, period, 1)


def account_no(by_id: dict[int, int], account_id: int) -> int:
    """The AccountNo of the account whose AccountId is ``account_id`` (``UnknownAccountId``)."""
    number = by_id.get(account_id)
    if number is None:
        raise errors.UnknownAccountId(account_id)
    return number


def account_numbers(book: ClientBook) -> dict[int, int]:
    """AccountId -> AccountNo of the client's chart (what GetAccountList lists)."""
    return {a.account_id: a.account_no for a in book.accounts.values()}


def _entry(entry: Entry, by_id: dict[int, int], account_id: int, period: int | None) -> Entry:
    return dataclasses.replace(entry, account_no=account_no(by_id, account_id),
                               period_date=period_date(entry.date, period))


def resolve(book: ClientBook, bundles: list[V002Bundle]) -> tuple[list[Bundle], errors.SaveRefused | None]:
    """The bundles as V004 bundles, up to the first one V002's own rules refuse, and that
    refusal (its ``where``: the bundle's and the voucher's places in the request)."""
    by_id = account_numbers(book)
    resolved: list[Bundle] = []
    for b in bundles:
        vouchers = []
        for v in b.vouchers:
            try:
                entries = [_entry(e, by_id, a, p)
                           for e, a, p in zip(v.voucher.entries, v.account_ids, v.periods, strict=True)]
            except errors.SaveRefused as err:
                err.where = (b.position, v.position)
                return resolved, err
            vouchers.append(dataclasses.replace(v.voucher, entries=entries))
        resolved.append(dataclasses.replace(b.bundle, vouchers=vouchers))
    return resolved, None


def save_bundle_list(ledger: Ledger, book: ClientBook, blist: BundleList,
                     bundles: list[V002Bundle]) -> SaveResult:
    """S in V002's shape: the bundles before the first one V002's own rules refuse are posted
    (each all-or-nothing, as V004 posts them), then that refusal is the answer (located),
    unless the ledger refused an earlier bundle first. ``blist``: the list's own options (its
    ``bundles`` are not read)."""
    resolved, refusal = resolve(book, bundles)
    if refusal is None or resolved:
        result = ledger.save_bundle_list(book, dataclasses.replace(blist, bundles=resolved))
        if refusal is None or result.type != "Ok":
            return result
    return SaveResult(refusal.result_type, errors.locate(refusal, *refusal.where),
                      reason=refusal.text)


__all__ = ["V002Bundle", "V002Voucher", "account_no", "account_numbers", "period_date",
           "resolve", "save_bundle_list"]
