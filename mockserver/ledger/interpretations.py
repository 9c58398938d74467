"""Where the vendor documentation is silent, the ledger's chosen reading lives here.

Each constant or function is one row of the README's fidelity table marked *interpretation*;
change the reading here and nowhere else.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from uuid import UUID, uuid5

from . import interpretations_rest as _rest
from .interpretations_crm import *  # noqa: F403 (re-exported: read every name from here)
from .interpretations_invoices import *  # noqa: F403 (re-exported: read every name from here)
from .interpretations_time import *  # noqa: F403 (re-exported: TimeService's readings)

#: Currency codes that mean "the client's own currency": no conversion for the balance check.
LOCAL_CURRENCIES = frozenset({"", "NOK", "LOCAL"})

#: Ledger comments are at most 75 characters (the REST spec's maxLength); longer is refused.
COMMENT_MAX = 75

#: A VAT entry may differ from the calculated VAT by this much before vatisnotinbalance.
VAT_TOLERANCE = Decimal("0.01")

#: Sessions end after this much idle time (ASP.NET's default session timeout).
SESSION_IDLE_SECONDS = 20 * 60

# The emulator's own capacity limits (live sessions, tokens, clients, generated lines; README
# fidelity table, "door") are settings, not vendor rules: ``mockserver/limits.py``.


#: S12: how an amount with more than two decimals is rounded to øre. The vendor's back end is
#: .NET, where ``decimal.Round(x, 2)`` and ``Math.Round(x, 2)`` round half to even
#: (MidpointRounding.ToEven) unless told otherwise, and the emulator already rounds converted
#: currency amounts that way (S4): one rule for every amount. 10.005 -> 10.00, 10.015 -> 10.02.
#: ROUND_HALF_UP here would give the commercial rounding (half away from zero) instead.
AMOUNT_ROUNDING = ROUND_HALF_EVEN

#: S12: amounts are booked with at most this many decimals (øre). An amount with fewer keeps
#: the scale it was sent with (W7: ``-100`` stays ``-100``, ``80.00`` stays ``80.00``).
AMOUNT_DECIMALS = 2

#: S12: "SequenceId ... Can be set to define the order of entries when using SaveOption 1."
#: A journal's entries are ordered by a stable sort on SequenceId (equal values, and the default
#: 0 which sorts first, keep the order sent); a SaveOption 0 voucher keeps the order sent.
SEQUENCE_ID_ORDERS_JOURNALS = True

#: S5: a tax code without a rate or VAT account (TaxNo 0, "Ingen mva-behandling") is no VAT
#: treatment: its lines are plain lines, and may carry the VAT amount of another code.

#: S6 / S5: partial deduction (the client's VAT base rate, or an entry's BaseRate) applies to
#: input VAT only: a tax code whose VAT account is an input-VAT account of NS 4102 (2710-2719,
#: "Inngående merverdiavgift"). Output VAT on a sale is never partly deducted.
INPUT_VAT_ACCOUNTS = range(2710, 2720)


def is_input_vat(code) -> bool:
    return code.account_no is not None and code.account_no in INPUT_VAT_ACCOUNTS


#: S11: what a voucher sent with TransactionNo 0 (or below) gets. The guide: "To set the
#: TransactionNo of the voucher you need to get the next available number by sending a request
#: to GetEntryId"; nothing says the service numbers a voucher itself. The vendor's web method
#: receives the int as sent (XmlSerializer fills a missing minOccurs=1 int with 0), so the most
#: plausible answer is that the voucher is booked under the number sent:
#:   "as-sent"   (default) booked as TransactionNo 0; a second, different voucher with 0 in the
#:               same series and year is then DataAlreadySaved, so a missing GetEntryId call
#:               shows up at once;
#:   "next-free" the series' next free number (the emulator's behaviour before; hides the
#:               missing call);
#:   "refuse"    an Exception result asking for GetEntryId.
#: Switched with ``tfso-mock serve --transaction-no-zero`` / TFSO_MOCK_TRANSACTION_NO_ZERO.
#: SOAP only: REST ``POST /v1/transactions`` (R7) sends no number ("TransactionType controls
#: which number-series is used"), so its voucher always gets the series' next free number.
TRANSACTION_NO_ZERO_MODES = ("as-sent", "next-free", "refuse")
TRANSACTION_NO_ZERO = "as-sent"


def auto_number(book, series_id: int, year: int, taken) -> int:
    """"next-free": a voucher sent with TransactionNo 0 gets the series' next free number."""
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


# --- REST 0.56.0 (SPEC R5-R7) -------------------------------------------------------------------

#: ``createdFrom``/``modifiedFrom`` and the deprecated ``createdAfter``/``modifiedAfter`` behave the
#: same (the issue and the 0.56.0 descriptions say "after"; the parameter names say "from"): a line
#: is returned when its createdAt/modifiedAt is at or after the instant (inclusive), so a sync that
#: sends its previous run's time again sees a line changed at that very instant twice rather than
#: never. An instant without an offset is UTC (as createdAt/modifiedAt are written).
REST_CHANGED_SINCE_INCLUSIVE = True


def changed_since(stamp, since) -> bool:
    if stamp is None:
        return False
    return stamp >= since if REST_CHANGED_SINCE_INCLUSIVE else stamp > since


def balance_carried_from(fiscal_year, keep_incoming: bool):
    """``/accountbalances``: the first opening balance is what was booked before ``dateFrom``
    since the start of dateFrom's fiscal year; with ``keepIncoming=true`` also what earlier years
    brought in (the incoming balance). Returns the first day counted, or None for all. A period
    is a calendar month (or runs to the next of the ``periods`` dates); ``dateTo`` is inclusive
    (py24so and the vendor's "until" read so); ``type=Period`` places a line by its PeriodDate.
    The range is cut to the client's fiscal years (from the first one's start to the last one's
    end): outside them there is no accounting period, so no balance row (and a range of
    centuries does not become thousands of empty months)."""
    if keep_incoming or fiscal_year is None:
        return None
    return fiscal_year.start


#: Scopes an emulated application holds: every scope the vendor's OpenAPI 0.56.0 names (a test
#: checks this list against the document). A token asked for without ``scope`` carries the read
#: scopes (``:read``); a write or delete scope only when the client asks for it. A client asking
#: for scopes gets the ones it asked for that are here; none of them: invalid_scope.
OAUTH_SCOPES = (
    "api.accounting.account:read",
    "api.accounting.dimension:read",
    "api.accounting.fiscalperiod:read",
    "api.accounting.tax:read",
    "api.accounting.transaction.accountbalance:read",
    "api.accounting.transaction:read",
    "api.accounting.transactiontype:read",
    "api.bank.account:read",
    "api.bank.transaction:read",
    "api.crm.bankdetails:read",
    "api.crm.customer:read",
    "api.invoicing.paymentmethod:read",
    "api.invoicing.salesorder.attachment:read",
    "api.invoicing.salesorder.line:read",
    "api.invoicing.salesorder:read",
    "api.me.identifiers:read",
    "api.me.license:read",
    "api.me.profile:read",
    "api.organization.information:read",
    "api.organization.person:read",
    "api.product.category:read",
    "api.product.dimension:read",
    "api.product.pricelist:read",
    "api.product.product:read",
    "api.product.salestype:read",
    "api.product.unit:read",
    "api.accounting.transaction:write",
    "api.bank.account:write",
    "api.bank.transaction:write",
    "api.crm.bankdetails:write",
    "api.crm.customer:write",
    "api.invoicing.salesorder.attachment:write",
    "api.invoicing.salesorder.line:delete",
    "api.invoicing.salesorder.line:write",
    "api.invoicing.salesorder:delete",
    "api.invoicing.salesorder:write",
    "api.product.category:write",
    "api.product.dimension:write",
    "api.product.product:write",
    "api.product.salestype:write",
)


# --- master-data services (SPEC M1-M6) ---------------------------------------------------------

#: Companies created without an Id are numbered from here (after the highest id the client has:
#: the fixtures' customers go up to 10001).
FIRST_COMPANY_ID = 10000

#: The fixtures' and scenario files' customers, shown as companies before any is saved, have
#: this CompanyType (they are booked on as customers and suppliers alike).
FIXTURE_COMPANY_TYPE = "Business"

#: Company members a client sends that are not stored (the server's own, or instructions).
COMPANY_TRANSIENT_FIELDS = frozenset({"Id", "APIException", "ExplicitlySpecifyNewCompanyId",
                                      "DateChanged", "DateCreated"})

#: GetCompanySyncList answers pages of this many items (PageOfSyncCompany.ItemsPerPage).
SYNC_PAGE_SIZE = 1000

#: DeleteCompanies and DeleteProducts (and REST's DELETE of a customer or product) refuse, in-band,
#: a company or product an order (InvoiceService, any state) names: the order could no longer be
#: saved or invoiced ("Company with Id N was not found."). As a company with ledger lines (M2).
KEEP_RECORDS_ON_ORDERS = True

#: AccountService V002's Entry.Period (a required s:short the WSDL does not explain) is the
#: month of the entry's year; 0 means not given (PeriodDate from the date); any other value is
#: refused as the bundle's Exception, not booked in the date's month instead (the emulator did).
V002_PERIODS = range(1, 13)

#: SaveBundleList with a CustomerId, ProjectId or DepartmentId the client does not have books the
#: line with that id as sent (the vendor's docs say where the ids come from, not that they are
#: checked; refusing would make the emulator stricter than the service integrators test against).
REFUSE_UNKNOWN_REFERENCES = False


def utc(value: datetime) -> datetime:
    """An aware UTC time (a bare time from a request is UTC, as the codec reads it)."""

    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def after(value: datetime | None, since: datetime) -> bool:
    """``ChangedAfter``-style filters are strict: a record changed at ``since`` is not after."""
    return value is not None and utc(value) > utc(since)


def fixture_record_time(book) -> datetime:
    """Creation/change time of records the client was created with (fixtures, scenario): the
    start of its first fiscal year (a time every sync after it has already seen)."""

    years = sorted(book.fiscal_years) or [2000]
    return datetime(years[0], 1, 1, tzinfo=UTC)


def _digits(text) -> str:
    return "".join(ch for ch in str(text or "") if ch.isdigit())


def _values(record: dict, *groups: str) -> list[str]:
    out = []
    for group in groups:
        holder = record.get(group)
        items = holder.values() if isinstance(holder, dict) else holder if isinstance(holder, list) else ()
        out += [v["Value"] for v in items if isinstance(v, dict) and v.get("Value")]
    return out


def text_matches(value, wanted: str) -> bool:
    """Name searches: case-insensitive, the text anywhere in the name."""
    return wanted.strip().casefold() in str(value or "").casefold()


def company_matches(rec, *, external_id=None, name=None, changed_after=None, email=None,
                    phone=None, organization_number=None) -> bool:
    """GetCompanies' search parameters, all given ones must match: ExternalId exactly; name
    anywhere in Name (case-insensitive); e-mail equal to one of the company's addresses
    (case-insensitive); phone and organization number by their digits (spaces, dots and a
    leading + do not matter); ChangedAfter strictly after."""
    d = rec.data
    if external_id and str(d.get("ExternalId") or "") != external_id:
        return False
    if name and not text_matches(d.get("Name"), name):
        return False
    if changed_after is not None and not after(rec.changed, changed_after):
        return False
    if email and email.strip().casefold() not in {
            v.strip().casefold() for v in _values(d, "EmailAddresses")}:
        return False
    if phone and _digits(phone) not in {_digits(v) for v in _values(d, "PhoneNumbers")}:
        return False
    if organization_number and _digits(organization_number) != _digits(d.get("OrganizationNumber")):
        return False
    return True


#: GetClientInformation members the emulator has no source for (a scenario's ``client:`` may
#: set them): a Norwegian client, 14 days between reminders, no factoring.
CLIENT_DEFAULTS = {"Country": "NO", "IsUsingFactoring": False, "ReminderDays": 14,
                   "ReminderDays2": 14, "ReminderDays3": 14, "DefaultCurrency": "NOK"}

#: The client's own currency (first in GetCurrencyList, rate 1).
LOCAL_CURRENCY = "NOK"
LOCAL_RATE = Decimal(1)
#: Currency ids are ISO 4217 numeric codes (the vendor's are its own; none is documented).
_ISO_NUMERIC = {"NOK": 578, "SEK": 752, "DKK": 208, "EUR": 978, "USD": 840, "GBP": 826,
                "CHF": 756, "ISK": 352, "PLN": 985, "JPY": 392, "CAD": 124, "AUD": 36,
                "CNY": 156, "NZD": 554}


def currency_id(code: str) -> int:
    """ISO 4217 number of a code; an unlisted code gets a stable id from its letters."""
    code = code.strip().upper()
    if code in _ISO_NUMERIC:
        return _ISO_NUMERIC[code]
    n = 0
    for ch in code[:3]:
        n = n * 26 + (ord(ch) - 64 if "A" <= ch <= "Z" else 0)
    return 1000 + n


#: GetTypeGroupList: the sale groups are the revenue accounts (3000-3999), the purchase groups
#: the cost-of-goods accounts (4000-4999); a group's Id is its account number.
TYPE_GROUP_ACCOUNTS = {"Sale": (3000, 3999), "Purchase": (4000, 4999)}


#: Product members a client sends that are not stored.
PRODUCT_TRANSIENT_FIELDS = frozenset({"Id", "APIException", "DateChanged"})


def product_matches(d: dict, p: dict) -> bool:
    """GetProducts' search parameters (all given must match): No and EAN1 exactly, Name
    anywhere (case-insensitive), CategoryId and Price equal."""
    if "No" in p and str(d.get("No") or "") != p["No"]:
        return False
    if "EAN1" in p and str(d.get("EAN1") or "") != p["EAN1"]:
        return False
    if "Name" in p and not text_matches(d.get("Name"), p["Name"]):
        return False
    if "CategoryId" in p and d.get("CategoryId") != p["CategoryId"]:
        return False
    if "Price" in p and d.get("Price") != p["Price"]:
        return False
    return True


#: Project/task members a client sends that are not stored (the server's own).
PROJECT_TRANSIENT_FIELDS = frozenset({"Id", "APIException", "DateChanged", "DateRegistered",
                                      "CustomerName", "ProjectName", "TypeName", "StatusName",
                                      "WorkTypeName"})


def project_matches(d: dict, p: dict, me: int) -> bool:
    """ProjectSearch: CustomerId equal; Search anywhere in Name (case-insensitive); MyProjects:
    the user is the Owner or a participant; StartedAfter/StartedBefore on DateStart (strict);
    AllOpenProjects adds nothing (deactivated projects have their own operations). A project
    is deactivated only when a scenario sets ``enabled: false``: SOAP cannot send Enabled
    false apart from "not given" (false is the WSDL default, omitted on the wire)."""
    if "CustomerId" in p and d.get("CustomerId") != p["CustomerId"]:
        return False
    if p.get("Search") and not text_matches(d.get("Name"), p["Search"]):
        return False
    if p.get("MyProjects") and me != d.get("Owner") and me not in (d.get("Participants") or ()):
        return False
    start = d.get("DateStart")
    if "StartedAfter" in p and not (start is not None and after(start, p["StartedAfter"])):
        return False
    if "StartedBefore" in p and not (start is not None and after(p["StartedBefore"], start)):
        return False
    return True


#: Person members a client sends that are not stored (the server's own).
PERSON_TRANSIENT_FIELDS = frozenset({"Id", "DateChanged", "DateRegistered"})


def person_matches(d: dict, p: dict) -> bool:
    """PersonSearchParameters (all given must match): CustomerId and EmployeeId equal (0 is
    "not given", the WSDL default); ConsumerPersonNo exactly; Name anywhere in "FirstName
    LastName" (case-insensitive); Email equal to one of the addresses (case-insensitive);
    Phone by digits; Role anywhere in WorkPosition; IsEmployee True/False: EmployeeId set or not."""
    if p.get("CustomerId") and d.get("CustomerId") != p["CustomerId"]:
        return False
    if p.get("EmployeeId") and d.get("EmployeeId") != p["EmployeeId"]:
        return False
    if p.get("ConsumerPersonNo") and d.get("ConsumerPersonNo") != p["ConsumerPersonNo"]:
        return False
    if p.get("Name"):
        full = f"{d.get('FirstName') or ''} {d.get('LastName') or ''}"
        if not text_matches(full, p["Name"]):
            return False
    if p.get("Email") and p["Email"].strip().casefold() not in {
            v.strip().casefold() for v in _values(d, "EmailAddresses")}:
        return False
    if p.get("Phone") and _digits(p["Phone"]) not in {_digits(v) for v in _values(d, "PhoneNumbers")}:
        return False
    if p.get("Role") and not text_matches(d.get("WorkPosition"), p["Role"]):
        return False
    employee = p.get("IsEmployee")
    if employee in ("True", "False") and (d.get("EmployeeId") is not None) != (employee == "True"):
        return False
    return True


OAUTH_DEFAULT_SCOPES = tuple(s for s in OAUTH_SCOPES if s.endswith(":read"))

#: ``/paymentmethods`` (the vendor lists the client's own, undocumented): one per account here
#: that the client's chart has, ids from 1 in this order (cash, bank).
PAYMENT_METHOD_ACCOUNTS = (1900, 1920)

#: ``/salestypes``: the client's sales-revenue accounts (NS 4102: 3000-3299), ids from 1.
SALES_TYPE_ACCOUNTS = (3000, 3299)

#: ``/productunits``: (id, name, symbol), the units a Norwegian client starts with.
PRODUCT_UNITS = ((1, "Stykk", "stk"), (2, "Meter", "m"), (3, "Kilogram", "kg"),
                 (4, "Liter", "l"), (5, "Time", "t"))

#: ``/me`` and ``/organization/information`` for a client credentials token (the vendor serves
#: /me only to tokens with an identity): the profile of the client's first user, Norwegian
#: locale; the organization's status is Active and its currency the client's own.
PROFILE_LOCALE = {"timeZone": "Europe/Oslo", "countryCode": "NO", "language": "nb",
                  "culture": "nb-NO"}


#: REST ``/customers`` (0.56.0) over CompanyService's companies. A company is a person
#: (``isCompany`` false, ``person`` from FirstName and Name) when it is Private or of Type
#: Consumer, a supplier (``isSupplier``) when of Type Supplier; a REST write sets Type Business,
#: Consumer or Supplier and Private. Lists: ``limit`` 25 by default (at most 100), the next page
#: by an opaque ``continuationToken`` in the ``link`` header; sorted by id unless ``sortBy``.
CUSTOMER_PAGE_SIZE = 25

#: REST ``/customers/{id}/bankaccounts``: CompanyService's one account (BankAccountNo, -Type,
#: -Country, -Bic) is the default account; every account a REST client keeps is stored with the
#: company under this key (SOAP never shows it), the default (else the first) mirrored into
#: those members. A BankAccountType outside bban/iban/bankgiro/plusgiro reads as bban.
BANK_ACCOUNTS_KEY = "BankAccounts"


def customer_is_company(d: dict) -> bool:
    return not (d.get("Private") is True or d.get("Type") == "Consumer")


def customer_is_supplier(d: dict) -> bool:
    return d.get("Type") == "Supplier"


def customer_type(is_company: bool, supplier: bool) -> str:
    return "Supplier" if supplier else ("Business" if is_company else "Consumer")


#: REST ``/products`` (0.56.0) over ProductService's products: number = No, costPrice = InPrice,
#: salesPrice = Price, indirectCost = Cost, webshopEnabled = Web, stock = StockControlled, Stock
#: and StockLocation, ean = EAN1, supplierProduct itemCode/name = SupplierProductCode/Name,
#: category = CategoryId, supplier = SupplierId (an id the client lacks: refused over REST,
#: REST_PRODUCT_REFERENCES; one saved over SOAP is shown without its name). What ProductService has no member for (type,
#: status, eanAlternative, the unit, the supplier product's number and price) is kept with the
#: product under this key, which SOAP never shows. Lists: ``page`` 1 and ``limit`` 25 by
#: default, ``link`` header; ``productSearch`` ignores case.
PRODUCT_REST_ONLY = "Rest"
PRODUCT_PAGE_SIZE = 25


def product_search_matches(pattern: str, values) -> bool:
    """0.56.0 ``productSearch``: a ``%`` at the end is "starts with", at the start "ends
    with", at both "contains", none "equals" (case-insensitive), over the values given."""
    p = pattern.casefold()
    texts = [str(v).casefold() for v in values if v]
    if len(p) >= 2 and p.startswith("%") and p.endswith("%"):
        return any(p[1:-1] in t for t in texts)
    if p.startswith("%"):
        return any(t.endswith(p[1:]) for t in texts)
    if p.endswith("%"):
        return any(t.startswith(p[:-1]) for t in texts)
    return any(t == p for t in texts)


# --- readings outside the ledger (kept with the code they shape) --------------------------------
# W9: what .NET reports for a value it cannot convert (the node after the element: see
# soap/codec.py ``dotnet_position``), and that a missing argument fails in the vendor's code as a
# NullReferenceException (errors.NullArgument). W6: elements the WSDL does not have are skipped as
# XmlSerializer skips them, and listed in the request journal's ``warnings``.


# --- AttachmentService (SPEC D4) ----------------------------------------------------------------

#: The WSDL's ImageType values a file may be created with ("Unknown" is not a file type).
ATTACHMENT_TYPES = ("Wmf", "Png", "Tiff", "Pdf", "Bmp", "Gif", "Jpeg")
#: Save makes the "ghost file" "a valid image file": its first bytes must be those of its type.
_MAGIC = {"Png": (b"\x89PNG\r\n\x1a\n",), "Pdf": (b"%PDF-",), "Jpeg": (b"\xff\xd8\xff",),
          "Gif": (b"GIF87a", b"GIF89a"), "Bmp": (b"BM",), "Tiff": (b"II*\x00", b"MM\x00*"),
          "Wmf": (b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00")}


def is_attachment_type(image_type: str, content: bytes) -> bool:
    return any(content.startswith(m) for m in _MAGIC.get(image_type, ()))


#: Stamp numbers start at 1 and run to 999,999 in the client's one series, whose GUID is derived
#: from the client id (GetSeries); GetStampNo is one more than any stamp number used.
FIRST_STAMP_NO = 1
LAST_STAMP_NO = 999_999
STAMP_SERIES_NAME = "Bilagsnummer"
_NS_STAMPS = UUID("6c1d7a52-3b0e-4f0e-9d8c-24f0a77a5e11")


def stamp_series_id(client_id: int) -> UUID:
    return uuid5(_NS_STAMPS, str(client_id))


#: The emulator has no approval flow: no file is approved (GetFileInfo FileApproved=true finds
#: none, false finds every file); GetApproverList lists the client's users.
ATTACHMENTS_APPROVED = False


# --- InvoiceService (SPEC D1-D3): interpretations_invoices.py, re-exported at the top ---------

#: REST ``/salesorders`` (0.56.0) over InvoiceService's orders (same ids). ``status``: Draft,
#: Web, Confirmed and Inactive keep their name, Offer is Proposal, Invoiced is Invoice; every
#: other OrderSlipStateType (Pack, Repeating, ForInvoicing, ...) reads as Confirmed (an order
#: that is neither a draft, an offer nor invoiced). ``customer`` is the order's CustomerId and
#: CustomerName; ``date`` DateOrdered; ``memo`` InvoiceText; ``invoice`` (invoiced orders
#: only) InvoiceId, DateInvoiced, DueDate, PaymentTime as NumberOfDays terms and OCR as the
#: remittance reference; gross/tax from OrderTotalIncVat/OrderTotalVat, net their difference;
#: ``dimensions`` (single order only) the order's ProjectId (1) and DepartmentId (2), named as /dimensions names them. Lists: ``limit``
#: 25 by default (at most 100), sorted by id, an opaque ``continuationToken``; ``customerId``
#: and ``invoiceNumber`` (strings in the spec) match the id / invoice number as written; any
#: other text matches nothing.
#: Writes: a new order is a Draft unless its status says; status Invoice invoices through
#: SaveInvoices' path (0.56.0 PATCH allows it); invoiceEmailAddresses are kept in
#: InvoiceEmailAddress joined by ";"; internalMemo is kept with the order (no InvoiceOrder
#: member: SOAP does not show it).
SALES_ORDER_NEW_STATE = "Draft"
SALES_ORDER_EMAIL_SEPARATOR = ";"
SALES_ORDER_PAGE_SIZE = 25
SALES_ORDER_STATUSES = {"Draft": "Draft", "Web": "Web", "Offer": "Proposal",
                        "Confirmed": "Confirmed", "Invoiced": "Invoice", "Inactive": "Inactive"}
#: (InvoiceOrder member, dimensionType) as /dimensions numbers them
SALES_ORDER_DIMENSIONS = (("ProjectId", 1), ("DepartmentId", 2))


def sales_order_status(state: str | None) -> str:
    return SALES_ORDER_STATUSES.get(state or "Web", "Confirmed")


#: ``/bankaccounts`` (no bank feed): the chart's bank accounts (NS 4102 1920-1999; 1900 is cash),
#: a stable BBAN of this register, this BIC, type bban, transactionType 9 (Bankbilag); balance:
#: the ledger's before ``before``. BANK_TRANSACTIONS: the posted lines on them (id = line id).
BANK_LEDGER_ACCOUNTS, BANK_REGISTER_NO, BANK_BIC = (1920, 1999), "1503", "DNBANOKKXXX"
BANK_TRANSACTION_TYPE, BANK_TRANSACTIONS = 9, "posted lines on bank accounts"
#: ``/me/identifiers``: the login name (Email, Confirmed); ``/organization/people``: the users
#: (their contact id), then PersonService's persons (company contacts: Client, others: Basic).
IDENTIFIER_TYPE, PEOPLE_TYPES = "Email", ("Organization", "Client", "Basic")
#: ``/pricelists``: this standard list of the products' Price, then the scenario's price lists
#: (GetAllPriceLists' records, ids from 2; currency NOK unless given); a product's
#: REST dimensions and sales type overrides are kept under PRODUCT_REST_ONLY; ``/documents``:
#: the files saved under the stamp number, their bytes at DOCUMENT_CONTENT (same bearer token);
#: ``/fileUpload``: a pre-signed PUT URL (client, file id, the file's secret key), saved in Journal.
PRICE_LIST = {"id": 1, "name": "Standard", "description": None, "isInclusiveTax": False}
PRODUCT_DIMENSIONS, PRODUCT_SALES_TYPES = "dimensions", "salesTypeOverrides"
#: GetDiscountMatrixPriceGroup / GetDiscountMatrixCategory (no parameters: the whole matrix): the
#: scenario's ``discount_matrices`` entries in file order; Value a percent from 0 to 100; ids
#: not given are left out (the WSDL's -2147483648 default); customer ids are not checked.
DISCOUNT_MATRICES = {"percent": (Decimal(0), Decimal(100))}
DOCUMENT_CONTENT = "/v1/documents/<document_id>/content"
FILE_UPLOAD, FILE_UPLOAD_LOCATION = "/v1/fileUpload/<file_id>/content", "Journal"

#: the sibling module's rows (``interpretations_rest``), read from here like every other
ORDER_ATTACHMENT_TYPES = _rest.ORDER_ATTACHMENT_TYPES
ORDER_ATTACHMENT_MAX_BYTES = _rest.ORDER_ATTACHMENT_MAX_BYTES
ORDER_ATTACHMENT_NAMES = _rest.ORDER_ATTACHMENT_NAMES
ORDER_ATTACHMENT_TAGS = _rest.ORDER_ATTACHMENT_TAGS
BANK_FEED, BANK_FEED_INPUT = _rest.BANK_FEED, _rest.BANK_FEED_INPUT
REASON_PHRASES = _rest.REASON_PHRASES
OPTIONAL_BODY, NULL_AS_ABSENT = _rest.OPTIONAL_BODY, _rest.NULL_AS_ABSENT
CORS_EXPOSED_HEADERS, CORS_METHODS = _rest.CORS_EXPOSED_HEADERS, _rest.CORS_METHODS
CORS_MAX_AGE = _rest.CORS_MAX_AGE
CUSTOMER_NAME_KEPT = _rest.CUSTOMER_NAME_KEPT
REST_PRODUCT_REFERENCES = _rest.REST_PRODUCT_REFERENCES
