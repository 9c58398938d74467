"""Where the vendor documentation is silent, the ledger's chosen reading lives here.

Each constant or function is one row of the README's fidelity table marked *interpretation*;
change the reading here and nowhere else.
"""

from __future__ import annotations

from decimal import Decimal

#: Currency codes that mean "the client's own currency": no conversion for the balance check.
LOCAL_CURRENCIES = frozenset({"", "NOK", "LOCAL"})

#: Ledger comments are at most 75 characters (the REST spec's maxLength); longer is refused.
COMMENT_MAX = 75

#: A VAT entry may differ from the calculated VAT by this much before vatisnotinbalance.
VAT_TOLERANCE = Decimal("0.01")

#: Sessions end after this much idle time (ASP.NET's default session timeout).
SESSION_IDLE_SECONDS = 20 * 60


def auto_number(book, series_id: int, year: int, taken) -> int:
    """A voucher sent with TransactionNo 0 gets the series' next free number."""
    used = [n for (s, y, n) in taken if s == series_id and y == year]
    last = max([book.last_number.get((series_id, year), 0), *used])
    if last:
        return last + 1
    series = book.series.get(series_id)
    return series.start_no if series and series.start_no else 1
