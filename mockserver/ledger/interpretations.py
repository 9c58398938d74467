"""Where the vendor documentation is silent, the ledger's chosen reading lives here.

Each constant or function is one row of the README's fidelity table marked *interpretation*;
change the reading here and nowhere else.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
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


# --- TransactionService and REST /transactionlines (SPEC T1, R1-R4, A5) -----------------------

#: GetTransactions ``DateEnd`` is inclusive (the docs are silent). With EntryDate the whole
#: DateEnd day is included, whatever time of day is sent: DateStart=2024-01-01,
#: DateEnd=2024-01-31 is January. With DateChangedUTC, DateEnd is the last instant included.
#: DateStart is inclusive in both modes, so a ChangedAfter-style sync that sends its previous
#: run's time again sees a line changed at that very millisecond twice rather than never.
SOAP_DATE_END_INCLUSIVE = True


def soap_entry_date_range(start: date | None, end: date | None):
    """GetTransactions with EntryDate: ``(first day, day after the last)``; None is open."""
    if end is not None and SOAP_DATE_END_INCLUSIVE:
        end = end + timedelta(days=1) if end < date.max else None
    return start, end


def soap_changed_range(start: datetime | None, end: datetime | None):
    """GetTransactions with DateChangedUTC: ``(from, until)`` instants, until exclusive."""
    if end is not None and SOAP_DATE_END_INCLUSIVE:
        try:
            end = end + timedelta(microseconds=1)
        except OverflowError:  # DateEnd 9999-12-31T23:59:59.9999999: no upper bound
            end = None
    return start, end


#: GetTransactions ``ShowOpenEntries``: true returns only open entries; false and nil do not
#: filter (false is read as "not only open ones", not as "only closed ones").
SHOW_OPEN_FALSE_FILTERS_CLOSED = False


def is_open(line, link_total) -> bool:
    """An entry is open when it is on a customer/supplier (CustomerId set) and not settled:
    it has no link, or the lines of its link do not sum to zero. ``link_total(link_id)``
    gives that sum."""
    if not line.customer_id:
        return False
    return line.link_id is None or link_total(line.link_id) != 0


#: The client's own currency, shown where a line was booked without a CurrencyId
#: (SOAP ``Currency``, REST ``currency.code``). The emulated clients are Norwegian.
BASE_CURRENCY = "NOK"

#: REST ``transaction.id`` is a GUID string in the vendor schema; the emulator derives a stable
#: one from the voucher's (client, entry series, year, TransactionNo).
#: REST with no matching line answers ``200 []`` (the vendor schema says minItems 1, which an
#: empty period cannot satisfy; the emulator's /v1/openapi.json drops that minItems).
REST_EMPTY_LIST_OK = True

#: REST ``limit`` and ``page`` must be at least 1 (the vendor spec gives no bounds; 0 or less is
#: a 400 ValidationError with keyword ``minimum``). There is no upper bound on ``limit``.
REST_MIN_LIMIT = 1

#: OAuth2 (A5): tokens live this long, by the emulator's clock. The vendor does not document it.
TOKEN_LIFETIME_SECONDS = 3600

#: The audience the vendor's docs tell clients to send; another audience is refused
#: (access_denied), a missing one means this one.
OAUTH_AUDIENCE = "https://api.24sevenoffice.com"

#: Scopes an emulated application is granted when it asks for none (a client asking for scopes
#: gets the ones it asked for that are in this set; none of them: invalid_scope).
OAUTH_SCOPES = (
    "api.accounting.transaction:read",
    "api.accounting.transactiontype:read",
    "api.accounting.account:read",
    "api.accounting.tax:read",
)
