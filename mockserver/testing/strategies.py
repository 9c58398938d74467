"""Hypothesis strategies for 24SevenOffice SaveBundleList payloads, /transactionlines queries,
and the companies and products of CompanyService and ProductService (``companies()``,
``products()``).

Every strategy draws the Python structure zeep accepts (dicts with ``datetime`` dates and
``Decimal`` money, never floats); ``to_xml`` writes the same structure as the raw SOAP 1.1
envelope an ASP.NET client sends (vendor namespace as the default xmlns, xsi/xsd declared,
members in WSDL order). Hostile variants carry raw text where a typed value belongs ('12,50' for a
decimal, 'yes' for a boolean, an empty date) and say which element is broken, so a test can
expect the documented answer: a SOAP Client fault naming the element and the value.

    from hypothesis import given
    from mockserver.testing.strategies import bundle_lists, to_xml

    @given(bundle_lists(save_option=0, year=2024))
    def test_my_exporter_accepts_what_the_api_accepts(tfso_client, blist):
        result = tfso_client.account.SaveBundleList(blist)      # through zeep
        assert result.Type == "Ok"

Each drawn value is a plain dict; ``expected_lines(bundle_list)`` gives the ledger lines the
bundle list must produce (account, amount, date), and ``Hostile`` cases describe the fault.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from uuid import UUID

from hypothesis import strategies as st

NS = "http://24sevenOffice.com/webservices"
CENT = Decimal("0.01")

#: Accounts of the default Norwegian chart that carry no VAT logic (never 2700/2710).
PLAIN_ACCOUNTS = (1500, 1920, 2400, 3000, 4300, 6300, 6800, 7770)
#: (TaxNo, rate %, VAT account, side) of the default tax codes with a rate: output VAT is booked
#: on a revenue account (credit), input VAT on an expense account (debit).
VAT_CODES = ((3, Decimal(25), 2700, "out"), (31, Decimal(15), 2700, "out"),
             (33, Decimal(12), 2700, "out"), (1, Decimal(25), 2710, "in"),
             (11, Decimal(15), 2710, "in"), (13, Decimal(12), 2710, "in"))
#: TypeNo (Sort) of the default types, all positive; negative ones are system types (S3).
TYPE_NOS = (1, 3, 4, 6, 9, 10)
CUSTOMERS = (0, 1, 123, 10001)
#: (CurrencyId, CurrencyRate): local currency and a few foreign ones.
CURRENCIES = (("", Decimal(0)), ("NOK", Decimal(1)), ("SEK", Decimal("0.9")),
              ("EUR", Decimal("11.5")), ("USD", Decimal("10.25")))
#: Text that must travel through XML escaping unharmed.
METACHARACTERS = ("<", ">", "&", "'", '"', "]]>", "&amp;", "<!--", "æøå ÆØÅ", "€", "\t")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def money(min_value: str = "0.01", max_value: str = "999999.99") -> st.SearchStrategy[Decimal]:
    """Positive amounts with two decimals, as Decimal."""
    lo, hi = int(Decimal(min_value) * 100), int(Decimal(max_value) * 100)
    return st.integers(lo, hi).map(lambda c: (Decimal(c) / 100).quantize(CENT))


def dates(year: int = 2024) -> st.SearchStrategy[dt.datetime]:
    """Midnight DateTimes within ``year`` (entries must lie in the bundle's fiscal year)."""
    return st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)).map(
        lambda d: dt.datetime(d.year, d.month, d.day))


#: Characters XML 1.0 can carry, from the Basic Multilingual Plane: .NET counts string length in
#: UTF-16 units, so astral characters would make "75 characters" ambiguous.
_XML_CHARS = st.characters(max_codepoint=0xFFFD, exclude_categories=("Cs", "Cc"))


def comments(max_size: int = 75) -> st.SearchStrategy[str]:
    """Comments the ledger keeps (at most 75 characters), metacharacters included."""
    return st.one_of(
        st.just(""),
        st.text(_XML_CHARS, max_size=max_size).map(lambda s: s.strip()),
        st.lists(st.sampled_from(METACHARACTERS), min_size=1, max_size=6).map("".join),
    ).filter(lambda s: len(s) <= max_size)


def dimensions() -> st.SearchStrategy[dict]:
    """DepartmentId, ProjectId and UserDefinedDimensions for an entry (S10)."""
    return st.fixed_dictionaries({}, optional={
        "DepartmentId": st.integers(1, 99),
        "ProjectId": st.integers(1, 99),
        "UserDefinedDimensions": st.lists(
            st.fixed_dictionaries({"Type": st.integers(101, 103),
                                   "Value": st.integers(1, 20).map(str)}),
            min_size=1, max_size=2).map(lambda x: {"UserDefinedDimension": x}),
    })


def links(line_ids: list[UUID | str]) -> st.SearchStrategy[dict]:
    """Entry members that link a new entry to existing ledger lines (K2): a LinkId GUID of the
    caller's own and ``Links`` naming one or more of ``line_ids`` (from GetTransactions)."""
    return st.builds(
        lambda guid, chosen: {"LinkId": str(guid), "Links": {"LinkModel": [
            {"LineId": str(lid), "LinkId": str(guid)} for lid in chosen]}},
        st.uuids(version=4), st.lists(st.sampled_from(list(line_ids)), min_size=1,
                                      max_size=min(3, len(line_ids)), unique=True),
    )


def entries(date: st.SearchStrategy[dt.datetime] | None = None, year: int = 2024,
            account: int | None = None, amount: Decimal | None = None,
            extras: bool = True) -> st.SearchStrategy[dict]:
    """One Entry without VAT. ``amount``/``account`` pin those members (vouchers do, to balance)."""
    base = {
        "AccountNo": st.just(account) if account is not None else st.sampled_from(PLAIN_ACCOUNTS),
        "Date": date if date is not None else dates(year),
        "Amount": st.just(amount) if amount is not None else money(),
    }
    optional = {}
    if extras:
        optional = {
            "CustomerId": st.sampled_from(CUSTOMERS[1:]),
            "Comment": comments(),
            "DueDate": dates(year),
        }
    return st.fixed_dictionaries(base, optional=optional)


@st.composite
def vouchers(draw, balanced: bool = True, vat: bool | None = None, year: int = 2024,
             save_option: int = 0, currency: bool | None = None,
             difference_options: bool = False, transaction_no: int = 0) -> dict:
    """A voucher whose amounts sum to zero (``balanced``) or not (by at least 0.01).

    ``vat``: None draws either; True adds one or two taxed lines, each with its VAT entry on the
    tax code's account at the code's rate (what SaveOption 0 requires, S5); for a journal
    (SaveOption 1) the taxed amount is gross and the VAT line is the emulator's to calculate.
    ``currency``: a foreign CurrencyId and CurrencyRate on every entry (two entries, so the local
    amounts balance too). ``difference_options``: the voucher is off by 0.01-0.49 and carries
    DifferenceOptions{Threshold 0.5, AccountId 7770} that books the difference (S9).
    """
    use_vat = draw(st.booleans()) if vat is None else vat
    # a foreign-currency voucher is balanced in its own currency; a DifferenceOptions rounding
    # skew is a local-currency amount, so the two are not combined
    use_currency = (draw(st.booleans()) if currency is None else currency) and not use_vat \
        and not difference_options
    day = draw(dates(year))
    same_day = st.just(day)
    lines: list[dict] = []
    if use_currency:
        code, rate = draw(st.sampled_from(CURRENCIES[2:]))
        amount = draw(money())
        acc = draw(st.lists(st.sampled_from(PLAIN_ACCOUNTS), min_size=2, max_size=2))
        lines = [{"AccountNo": acc[0], "Date": day, "Amount": amount},
                 {"AccountNo": acc[1], "Date": day, "Amount": -amount}]
        for e in lines:
            e.update({"CurrencyId": code, "CurrencyRate": rate, "CurrencyUnit": 1})
    else:
        n = draw(st.integers(1, 3))
        for _ in range(n):
            e = draw(entries(date=same_day, year=year))
            e["Amount"] = e["Amount"] * draw(st.sampled_from((1, -1)))
            e.update(draw(dimensions()))
            lines.append(e)
        if use_vat:
            codes = draw(st.lists(st.sampled_from(VAT_CODES), min_size=1, max_size=2,
                                  unique_by=lambda c: c[0]))
            for tax_no, rate, vat_account, side in codes:
                net = draw(money("1.00", "99999.99"))
                sign = -1 if side == "out" else 1
                revenue = 3000 if side == "out" else 6300
                if save_option == 0:
                    vat_amount = _cents(net * rate / 100)
                    lines.append({"AccountNo": revenue, "Date": day, "Amount": sign * net,
                                  "TaxNo": str(tax_no)})
                    lines.append({"AccountNo": vat_account, "Date": day,
                                  "Amount": sign * vat_amount})
                else:
                    lines.append({"AccountNo": revenue, "Date": day, "Amount": sign * net,
                                  "TaxNo": str(tax_no)})
        total = sum((e["Amount"] for e in lines), Decimal(0))
        counter = {"AccountNo": draw(st.sampled_from((1500, 1920, 2400))), "Date": day,
                   "Amount": -total}
        if counter["Amount"] == 0:
            counter["Amount"] = Decimal("0.00")
        lines.append(counter)
    off = Decimal(0)
    if difference_options:
        off = draw(st.integers(1, 49).map(lambda c: Decimal(c) / 100))
    elif not balanced:
        off = draw(st.one_of(money("0.01", "0.99"), money("1.00", "99999.99")))
        off *= draw(st.sampled_from((1, -1)))
    if off:
        lines[0] = {**lines[0], "Amount": lines[0]["Amount"] + off}
    voucher = {"TransactionNo": transaction_no, "Sort": draw(st.sampled_from(TYPE_NOS)),
               "Entries": {"Entry": lines}}
    if difference_options:
        voucher["DifferenceOptions"] = {
            "Threshold": Decimal("0.5"), "AccountId": 7770, "DueDate": day, "Date": day,
            "CurrencyId": 0, "CurrencyUnit": 1, "CurrencyRate": Decimal(1),
            "Comment": "Øreavrunding", "CustomerId": 0, "Period": day.month,
            "LinkId": "00000000-0000-0000-0000-000000000000", "DepartmentId": 0, "ProjectId": 0,
        }
    return voucher


@st.composite
def bundles(draw, year: int = 2024, balanced: bool = True, vat: bool | None = None,
            save_option: int = 0, max_vouchers: int = 3, difference_options: bool | None = False,
            currency: bool | None = None, first_transaction_no: int = 1) -> dict:
    """A bundle of 1..max_vouchers vouchers, numbered from ``first_transaction_no`` on (the
    guide has clients number vouchers with GetEntryId; the service does not number them)."""
    n = draw(st.integers(1, max_vouchers))
    vs = []
    for i in range(n):
        diff = draw(st.booleans()) if difference_options is None else difference_options
        # an unbalanced bundle has at least one unbalanced voucher: the last
        vs.append(draw(vouchers(balanced=balanced or i < n - 1, vat=vat, year=year,
                                save_option=save_option, currency=currency,
                                transaction_no=first_transaction_no + i,
                                difference_options=diff and (balanced or i < n - 1))))
    return {"YearId": year, "Sort": vs[0]["Sort"], "Name": draw(comments(40)),
            "Vouchers": {"Voucher": vs}}


@st.composite
def bundle_lists(draw, save_option: int | None = 0, year: int = 2024, balanced: bool = True,
                 vat: bool | None = None, max_bundles: int = 2, max_vouchers: int = 3,
                 difference_options: bool | None = False, currency: bool | None = None,
                 first_transaction_no: int = 1) -> dict:
    """A BundleList: SaveOption 0 (ledger) or 1 (journal), 1..max_bundles bundles, its vouchers
    numbered from ``first_transaction_no`` on (distinct in the whole list).

    ``balanced=False``: the last voucher of the last bundle does not balance (S4): the call must
    be refused for that bundle; the earlier bundles are saved (processing stops there).
    """
    option = draw(st.sampled_from((0, 1))) if save_option is None else save_option
    n = draw(st.integers(1, max_bundles))
    bs = []
    number = first_transaction_no
    for i in range(n):
        b = draw(bundles(year=year, balanced=balanced or i < n - 1, vat=vat, save_option=option,
                         max_vouchers=max_vouchers, difference_options=difference_options,
                         currency=currency, first_transaction_no=number))
        number += len(b["Vouchers"]["Voucher"])
        bs.append(b)
    return {"SaveOption": option, "Bundles": {"Bundle": bs}}


# --- what the ledger must show ------------------------------------------------------------


def expected_lines(bundle_list: dict) -> list[tuple[int, Decimal, dt.date]]:
    """(AccountNo, Amount, Date) of every line a saved SaveOption 0 bundle list posts, in order:
    the entries as sent, plus the DifferenceOptions rounding entry where one applies (S9)."""
    out = []
    for b in bundle_list["Bundles"]["Bundle"]:
        for v in b["Vouchers"]["Voucher"]:
            es = v["Entries"]["Entry"]
            out += [(e["AccountNo"], e["Amount"], e["Date"].date()) for e in es]
            opts = v.get("DifferenceOptions")
            total = sum((_local(e) for e in es), Decimal(0))
            if opts and total:
                out.append((opts["AccountId"], -total, opts["Date"].date()))
    return out


def _local(e: dict) -> Decimal:
    rate = e.get("CurrencyRate") or Decimal(0)
    if rate and e.get("CurrencyId") not in (None, "", "NOK", "LOCAL"):
        return _cents(e["Amount"] * rate / (e.get("CurrencyUnit") or 1))
    return _cents(e["Amount"])


# --- hostile variants ---------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    """A bundle list with one member broken on purpose, and what the answer must name."""

    bundle_list: dict
    kind: str  # bad_decimal, bad_boolean, empty_date, huge_number, long_comment, metacharacters
    element: str  # the element whose value is broken
    value: str  # the raw text sent
    #: "fault": a SOAP Client fault naming element and value (W6); "refused": SaveResponse
    #: Type != Ok with a Description; "saved": the value is valid and must round-trip.
    expect: str


class Raw(str):
    """A value written to XML as it is, not formatted from its type (hostile text)."""


@st.composite
def hostile_bundle_lists(draw, year: int = 2024) -> Hostile:
    blist = draw(bundle_lists(save_option=0, year=year, vat=False, max_bundles=1, max_vouchers=1,
                              currency=False))
    entry = blist["Bundles"]["Bundle"][0]["Vouchers"]["Voucher"][0]["Entries"]["Entry"][0]
    kind = draw(st.sampled_from(("bad_decimal", "bad_boolean", "empty_date", "huge_number",
                                 "long_comment", "metacharacters")))
    if kind == "bad_decimal":
        value = draw(st.sampled_from(("12,50", "1.234,56", "12.5.0", "1e5x", "NaN", "--1", "€12",
                                      " ", "1 000")))
        entry["Amount"] = Raw(value)
        return Hostile(blist, kind, "Amount", value, "fault")
    if kind == "bad_boolean":
        value = draw(st.sampled_from(("yes", "no", "True", "FALSE", "2", "on", "ja")))
        blist["AllowDifference"] = Raw(value)
        return Hostile(blist, kind, "AllowDifference", value, "fault")
    if kind == "empty_date":
        value = draw(st.sampled_from(("", " ", "31.01.2024", "2024-13-01", "2024-02-30",
                                      "yesterday")))
        entry["Date"] = Raw(value)
        return Hostile(blist, kind, "Date", value, "fault")
    if kind == "huge_number":
        element, value = draw(st.sampled_from((
            ("Amount", "79228162514264337593543950336"),  # beyond .NET decimal
            ("Amount", "1" + "0" * 40),
            ("AccountNo", "2147483648"),  # beyond xs:int
            ("CustomerId", "-2147483649"),
            ("Amount", "1.5E+3"),  # XmlConvert.ToDecimal takes no exponent
        )))
        entry[element] = Raw(value)
        return Hostile(blist, kind, element, value, "fault")
    if kind == "long_comment":
        value = draw(st.text(st.characters(codec="ascii", min_codepoint=32, max_codepoint=126),
                             min_size=76, max_size=300))
        entry["Comment"] = value
        return Hostile(blist, kind, "Comment", value, "refused")
    value = draw(st.lists(st.sampled_from(METACHARACTERS), min_size=1, max_size=8).map("".join)
                 .filter(lambda s: s.strip() == s and len(s) <= 75))
    entry["Comment"] = value
    return Hostile(blist, kind, "Comment", value, "saved")


# --- /transactionlines --------------------------------------------------------------------

_FILTERS = {
    "transactionNumber": st.integers(1, 100000).map(str),
    "transactionTypeId": st.integers(101, 112).map(str),
    "customerId": st.sampled_from(CUSTOMERS[1:]).map(str),
    "accountNumber": st.sampled_from(PLAIN_ACCOUNTS + (2700, 2710)).map(str),
    "currencyCode": st.sampled_from(("NOK", "SEK", "EUR", "USD", "LOCAL")),
    "limit": st.integers(1, 1000).map(str),
    "page": st.integers(1, 5).map(str),
    "includeDimensions": st.sampled_from(("true", "false")),
}


@st.composite
def transactionlines_queries(draw, year: int = 2024) -> dict:
    """Valid query parameters for GET /v1/transactionlines: dateFrom < dateTo plus filters."""
    start = draw(st.dates(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    end = start + dt.timedelta(days=draw(st.integers(1, 400)))
    query = {"dateFrom": start.isoformat(), "dateTo": end.isoformat()}
    query.update(draw(st.fixed_dictionaries({}, optional=_FILTERS)))
    return query


@st.composite
def hostile_transactionlines_queries(draw) -> dict:
    """Queries the vendor refuses with 400 ValidationError: a required date missing or
    malformed, a limit or page that is not an integer."""
    query = draw(transactionlines_queries())
    broken = draw(st.sampled_from(("dateFrom", "dateTo", "limit", "page")))
    if broken in ("dateFrom", "dateTo"):
        value = draw(st.sampled_from((None, "", "2024-13-01", "31.01.2024", "2024-1-1",
                                      "yesterday", "2024-02-30", "<script>")))
    else:
        # not integers at all (the OpenAPI gives no bounds for limit/page, so out-of-range
        # integers are not "broken" by the contract)
        value = draw(st.sampled_from(("abc", "1.5", "", "1e3", "0x10", "ten")))
    if value is None:
        query.pop(broken)
    else:
        query[broken] = value
    return query


# --- raw XML --------------------------------------------------------------------------------

# Member order of the vendor WSDL (XmlSerializer writes members in this order).
_ORDER = {
    "BundleList": ("Bundles", "AllowDifference", "DirectLedger", "SaveOption", "DefaultCustomerId",
                   "IgnoreWarnings"),
    "Bundle": ("YearId", "Vouchers", "Sort", "Name", "BundleDirectAccounting", "UseAutoBaseRate"),
    "Voucher": ("TransactionNo", "Entries", "Sort", "DifferenceOptions"),
    "Entry": ("SequenceId", "CustomerId", "AccountNo", "Date", "DueDate", "Amount", "VatAmount",
              "CurrencyId", "BaseRate", "CurrencyRate", "CurrencyUnit", "DepartmentId",
              "ProjectId", "UserDefinedDimensions", "InvoiceReferenceNo", "InvoiceOcr", "TaxNo",
              "PeriodDate", "Comment", "StampNo", "BankAccountNo", "LinkId", "Links"),
    "DifferenceOptions": ("Threshold", "AccountId", "DueDate", "Date", "CurrencyId",
                          "CurrencyUnit", "CurrencyRate", "Comment", "CustomerId", "Period",
                          "LinkId", "InvoiceOcr", "DepartmentId", "ProjectId", "BankAccountNo"),
    "UserDefinedDimension": ("Type", "Value"),
    "LinkModel": ("LineId", "LinkId"),
}


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#xD;"))


def _scalar(value) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%dT00:00:00")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("money is Decimal, never float")
    return str(value)


def _write(out: list, name: str, value, type_name: str | None) -> None:
    if value is None:
        return
    if isinstance(value, dict) and type_name in _ORDER:
        out.append(f"<{name}>")
        for member in _ORDER[type_name]:
            if member in value:
                _write(out, member, value[member],
                       "DifferenceOptions" if member == "DifferenceOptions" else None)
        out.append(f"</{name}>")
    elif isinstance(value, dict):  # an ArrayOfX: {"X": [items]}
        (item_name, items), = value.items()
        out.append(f"<{name}>")
        for item in items:
            _write(out, item_name, item, item_name)
        out.append(f"</{name}>")
    elif isinstance(value, list):  # IgnoreWarnings given as a plain list of strings
        out.append(f"<{name}>")
        for item in value:
            _write(out, "string", item, None)
        out.append(f"</{name}>")
    else:
        out.append(f"<{name}>{_escape(_scalar(value))}</{name}>")


def to_xml(bundle_list: dict, soap_version: str = "1.1") -> str:
    """The SaveBundleList request for ``bundle_list`` as a .NET client writes it."""
    out: list[str] = []
    _write(out, "BundleList", bundle_list, "BundleList")
    env = ("http://www.w3.org/2003/05/soap-envelope" if soap_version == "1.2"
           else "http://schemas.xmlsoap.org/soap/envelope/")
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{env}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f'<soap:Body><SaveBundleList xmlns="{NS}">{"".join(out)}</SaveBundleList>'
        "</soap:Body></soap:Envelope>"
    )


def soap_headers(operation: str = "SaveBundleList", soap_version: str = "1.1") -> dict:
    """HTTP headers for ``to_xml``'s envelope (SOAPAction for 1.1, action= for 1.2)."""
    if soap_version == "1.2":
        return {"Content-Type": f'application/soap+xml; charset=utf-8; action="{NS}/{operation}"'}
    return {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{NS}/{operation}"'}



# --- master data (CompanyService, ProductService: SPEC M2, M5) ---------------------------------

_NAME_CHARS = st.characters(codec="utf-8", categories=("L", "N", "Zs"), exclude_characters="\x00")


def names(max_size: int = 60) -> st.SearchStrategy[str]:
    """A company or product name: letters (Norwegian ones too), digits and metacharacters;
    never blank (a new company or product needs a Name)."""
    plain = st.text(_NAME_CHARS, min_size=1, max_size=max_size).map(str.strip)
    meta = st.lists(st.sampled_from(METACHARACTERS), min_size=1, max_size=4).map("".join)
    return st.one_of(plain, st.tuples(plain, meta).map(" ".join)).filter(
        lambda s: s.strip() != "" and len(s) <= max_size)


@st.composite
def companies(draw) -> dict:
    """A new Company for SaveCompanies (no Id): name, and some of organization number,
    external id, e-mail, phone, type and bank account, as zeep takes them."""
    company: dict = {"Name": draw(names())}
    if draw(st.booleans()):
        company["OrganizationNumber"] = "".join(draw(st.lists(
            st.sampled_from("0123456789"), min_size=9, max_size=9)))
    if draw(st.booleans()):
        company["ExternalId"] = draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1,
                                             max_size=20))
    if draw(st.booleans()):
        user = draw(st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12))
        company["EmailAddresses"] = {"Invoice": {"Value": f"{user}@example.no"}}
    if draw(st.booleans()):
        digits = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=8, max_size=8)))
        company["PhoneNumbers"] = {"Work": {"Value": f"+47 {digits}"}}
    if draw(st.booleans()):
        company["Type"] = draw(st.sampled_from(("Business", "Consumer", "Supplier", "Lead")))
    if draw(st.booleans()):
        company["BankAccountNo"] = "".join(draw(st.lists(
            st.sampled_from("0123456789"), min_size=11, max_size=11)))
    return company


@st.composite
def products(draw, number: str | None = None) -> dict:
    """A new Product for SaveProducts (no Id): Name, a unique-looking No, Price and Cost as
    Decimal with two decimals, sometimes TaxRate, Stock and EAN1."""
    product: dict = {"Name": draw(names()),
                     "No": number or "P-" + draw(st.text("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789",
                                                          min_size=4, max_size=10)),
                     "Price": draw(money("0.00", "99999.99")),
                     "Cost": draw(money("0.00", "99999.99"))}
    if draw(st.booleans()):
        product["TaxRate"] = draw(st.sampled_from((Decimal(25), Decimal(15), Decimal(12), Decimal(0))))
    if draw(st.booleans()):
        product["Stock"] = Decimal(draw(st.integers(0, 100_000)))
    if draw(st.booleans()):
        product["EAN1"] = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=13,
                                                max_size=13)))
    return product


__all__ = [
    "bundle_lists", "bundles", "vouchers", "entries", "links", "dimensions", "money", "dates",
    "comments", "transactionlines_queries", "hostile_transactionlines_queries",
    "hostile_bundle_lists", "Hostile", "Raw", "expected_lines", "to_xml", "soap_headers",
    "companies", "products", "names",
]
