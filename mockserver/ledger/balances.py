"""Account balances per account and period (REST ``/accountbalances``, SPEC R6): opening,
change and closing from the posted lines, in Decimal. No HTTP here."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from . import interpretations as rules
from .book import ClientBook
from .money import ZERO, add


@dataclass(frozen=True, slots=True)
class Balance:
    start: date  # the first day of the period
    opening: Decimal
    change: Decimal
    closing: Decimal


@dataclass(frozen=True, slots=True)
class AccountBalances:
    account_no: int
    balances: tuple[Balance, ...]


def period_starts(first: date, last: date, breaks: list[date] | None) -> list[date]:
    """Where each period of [first, last] begins: ``first``, then each month's first day (or
    each given break date) inside the range."""
    if breaks:
        return [first] + sorted({d for d in breaks if first < d <= last})
    starts, day = [first], first.replace(day=1)
    while True:
        day = (day + timedelta(days=32)).replace(day=1)
        if day > last:
            return starts
        starts.append(day)


def account_balances(book: ClientBook, first: date, last: date, breaks: list[date] | None,
                     by_period_date: bool, keep_incoming: bool,
                     account_nos: list[int] | None = None) -> list[AccountBalances]:
    """Per account with posted lines up to ``last`` (or those asked for), the balance of each
    period of [first, last], cut to the client's fiscal years (no accounting period, no
    balance: interpretations.balance_carried_from). A line counts by its date, or by its PeriodDate with
    ``by_period_date``. The first opening is what was booked before ``first`` since the start of
    its fiscal year, or since the beginning with ``keep_incoming``
    (interpretations.balance_carried_from)."""
    years = book.fiscal_years.values()
    if not years:
        return []
    first = max(first, min(f.start for f in years))
    last = min(last, max(f.end for f in years))
    if first > last:
        return []
    starts = period_starts(first, last, breaks)
    carried_from = rules.balance_carried_from(book.fiscal_year_for(first), keep_incoming)
    wanted = set(account_nos) if account_nos is not None else None
    changes: dict[int, list[Decimal]] = {}
    incoming: dict[int, Decimal] = {}
    for ln in book.ledger_lines(None, last + timedelta(days=1)):
        if wanted is not None and ln.account_no not in wanted:
            continue
        day = (ln.period_date or ln.date) if by_period_date else ln.date
        if day > last:
            continue
        per = changes.setdefault(ln.account_no, [ZERO] * len(starts))
        if day < first:
            if carried_from is not None and day < carried_from:
                continue
            incoming[ln.account_no] = add(incoming.get(ln.account_no, ZERO), ln.amount)
            continue
        i = bisect.bisect_right(starts, day) - 1
        per[i] = add(per[i], ln.amount)
    out = []
    for account_no in sorted(set(changes) | (wanted or set())):
        per = changes.get(account_no, [ZERO] * len(starts))
        opening = incoming.get(account_no, ZERO)
        rows = []
        for start, change in zip(starts, per, strict=True):
            closing = add(opening, change)
            rows.append(Balance(start, opening, change, closing))
            opening = closing
        out.append(AccountBalances(account_no, tuple(rows)))
    return out


def months(first: date, last: date) -> list[tuple[date, date]]:
    """The accounting periods (calendar months) of a fiscal year: (first day, last day)."""
    starts = period_starts(first, last, None)
    ends = [s - timedelta(days=1) for s in starts[1:]] + [last]
    return list(zip(starts, ends, strict=True))
