"""TransactionService V001 (SPEC T1): spyne models mirroring the vendor XSD, and the service.

Namespace ``http://24sevenoffice.com/webservices/economy/accounting/`` (lower-case o, trailing
slash), unlike Account and Authenticate. Field order is wire order; minOccurs, nillable and the
WSDL defaults are the vendor's, so ``?WSDL`` is the vendor document but for its soap:address.
Every operation reads the session's client (A4) and asks ``ledger/queries.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from spyne import ComplexModel, Service, rpc

from .. import errors
from ..ledger import queries
from .types import (
    EMPTY,
    MIN_DATE,
    MIN_DATETIME,
    NIL_GUID,
    Bool,
    DateT,
    DateTimeT,
    Dec,
    Guid,
    Int,
    Short,
    String,
    UByte,
    array,
    el,
    enum,
)

NS = "http://24sevenoffice.com/webservices/economy/accounting/"
DOCS = {  # vendor order; only GetFiscalYears is documented in the vendor WSDL
    "GetTransactionTypes": None,
    "GetUserDefinedDimensions": None,
    "GetUserDefinedDimensionValues": None,
    "GetFiscalYears": (
        "A list of fiscal years and their boundaries. A fiscal year is starting at "
        "'StartingDate' up to 'EndingDate', do not include the ending date "
        "(eg.: StartingDate >= [FiscalYear] < EndingDate)"
    ),
    "GetTransactions": None,
    "GetAggregated": None,
}

# .NET's "not set" values, the WSDL defaults of the vendor schema
INT_MIN = -2147483648
SHORT_MIN = -32768
DEC_MIN = Decimal("-79228162514264337593543950335")


class _Tx(ComplexModel):
    __namespace__ = NS


DimensionType = enum(
    "DimensionType", "None", "Project", "Department", "Employee", "Product", "Customer",
    "CustomerOrderSlip", "SupplierOrderSlip", "UserDefined",
)
DateSearchParameters = enum("DateSearchParameters", "EntryDate", "DateChangedUTC")
TransactionSystemType = enum(
    "TransactionSystemType", "InvoiceCustomer", "CreditnoteCustomer", "DifferenceOutbound",
    "Disbursment", "InvoiceSupplier", "CreditnoteSupplier", "Payment", "DifferenceInbound",
    "Miscellaneous", "CashSale", "ReminderFee", "ReminderNote",
)
PeriodType = enum("PeriodType", "None", "Month")


class TransactionType(_Tx):
    _type_info = [
        ("Turnover", el(Bool, min_occurs=1)),
        ("Title", el(String)),
        ("No", el(Int, min_occurs=1)),
        ("Id", el(Int, min_occurs=1)),
    ]


class Dimension(_Tx):
    _type_info = [
        ("Type", el(DimensionType, default="None")),
        ("Name", el(String, default=EMPTY)),
        ("Value", el(String, default=EMPTY)),
        ("Percent", el(Dec, default=DEC_MIN)),
        ("TypeId", el(Int, default=INT_MIN)),
    ]


class FiscalYear(_Tx):
    _type_info = [
        ("Id", el(Guid, min_occurs=1)),
        ("StartingDate", el(DateTimeT, min_occurs=1)),
        ("EndingDate", el(DateTimeT, min_occurs=1)),
        ("IsLocked", el(Bool, min_occurs=1)),
    ]


class TransactionSearchParameters(_Tx):
    _type_info = [
        ("DateSearchParameters", el(DateSearchParameters, default="EntryDate")),
        ("ShowOpenEntries", el(Bool, nillable=True)),
        ("LinkId", el(Int, default=INT_MIN)),
        ("DateStart", el(DateTimeT, default=MIN_DATETIME)),
        ("DateEnd", el(DateTimeT, default=MIN_DATETIME)),
        ("ProjectId", el(Int, default=INT_MIN)),
        ("CustomerId", el(Int, default=INT_MIN)),
        ("DepartmentId", el(Int, default=INT_MIN)),
        ("AccountNoStart", el(Short, default=SHORT_MIN)),
        ("AccountNoEnd", el(Short, default=SHORT_MIN)),
        ("TransactionNoStart", el(Int, default=INT_MIN)),
        ("TransactionNoEnd", el(Int, default=INT_MIN)),
        ("TransactionTypeId", el(Int, default=INT_MIN)),
        ("SystemType", el(TransactionSystemType, min_occurs=1, nillable=True)),
        ("RegisteredAfter", el(DateTimeT, default=MIN_DATETIME)),
        ("HasInvoiceId", el(Bool, min_occurs=1, nillable=True)),
        ("InvoiceNo", el(String, default=EMPTY)),
        ("VatCode", el(Short, nillable=True)),
    ]


class Transaction(_Tx):
    _type_info = [
        ("Date", el(DateTimeT, default=MIN_DATETIME)),
        ("AccountNo", el(Short, default=SHORT_MIN)),
        ("Currency", el(String, default=EMPTY)),
        ("CurrencyRate", el(Dec, default=DEC_MIN)),
        ("CurrencyUnit", el(Short, default=SHORT_MIN)),
        ("Amount", el(Dec, default=DEC_MIN)),
        ("StampNo", el(Int, default=INT_MIN)),
        ("Period", el(UByte, default=0)),
        ("TransactionTypeId", el(Int, default=INT_MIN)),
        ("Comment", el(String, default=EMPTY)),
        ("TransactionNo", el(Int, default=INT_MIN)),
        ("VatCode", el(Short, default=SHORT_MIN)),
        ("Id", el(Guid, default=NIL_GUID)),
        ("LinkId", el(Int, default=INT_MIN)),
        ("InvoiceNo", el(String, default=EMPTY)),
        ("SequenceNo", el(Short, default=SHORT_MIN)),
        ("SystemType", el(TransactionSystemType, default="Miscellaneous")),
        ("DueDate", el(DateTimeT, default=MIN_DATETIME)),
        ("Dimensions", array(Dimension, "ArrayOfDimension")),
        ("RegistrationDate", el(DateTimeT, default=MIN_DATETIME)),
        ("DateChanged", el(DateTimeT, default=MIN_DATETIME)),
        ("Hidden", el(Bool, min_occurs=1)),
        ("Open", el(Bool, min_occurs=1)),
        ("OCR", el(String)),
        ("VatDividend", el(Dec, default=DEC_MIN)),
        ("HasVatDividend", el(Bool, min_occurs=1)),
        ("PeriodDate", el(DateT, default=MIN_DATE)),
    ]


class KeyValuePair(_Tx):
    _type_info = [
        ("Key", el(String)),
        ("Value", el(String)),
    ]


class AggregatedData(_Tx):
    _type_info = [
        ("IncomingBalance", el(Dec, min_occurs=1)),
        ("TotalBalance", el(Dec, min_occurs=1)),
        ("Periods", array(KeyValuePair, "ArrayOfKeyValuePair", item_nillable=False)),
        ("Dimension", el(Dimension)),
        ("AccountNo", el(Short, default=SHORT_MIN)),
    ]


_DIMENSIONS = array(Dimension, "ArrayOfDimension")




# --- request conversion -----------------------------------------------------------------------


def _given(value, unset):
    return None if value is None or value == unset else value


def _instant(value):
    """A DateTime member; the vendor default (0001-01-01T00:00:00) means not given."""
    if value is None or value.replace(tzinfo=None) == MIN_DATETIME:
        return None
    return value


def to_search(p: dict | None) -> queries.TransactionSearch:
    p = p or {}
    return queries.TransactionSearch(
        by_changed=p.get("DateSearchParameters") == "DateChangedUTC",
        start=_instant(p.get("DateStart")), end=_instant(p.get("DateEnd")),
        account_no_start=_given(p.get("AccountNoStart"), SHORT_MIN),
        account_no_end=_given(p.get("AccountNoEnd"), SHORT_MIN),
        transaction_no_start=_given(p.get("TransactionNoStart"), INT_MIN),
        transaction_no_end=_given(p.get("TransactionNoEnd"), INT_MIN),
        type_id=_given(p.get("TransactionTypeId"), INT_MIN),
        customer_id=_given(p.get("CustomerId"), INT_MIN),
        invoice_no=p.get("InvoiceNo") or None,
        link_id=_given(p.get("LinkId"), INT_MIN),
        project_id=_given(p.get("ProjectId"), INT_MIN),
        department_id=_given(p.get("DepartmentId"), INT_MIN),
        has_invoice=p.get("HasInvoiceId"),
        registered_after=_instant(p.get("RegisteredAfter")),
        vat_code=p.get("VatCode"),
        system_type=p.get("SystemType"),
        open_entries=p.get("ShowOpenEntries"),
    )


def _dimension_in(d: dict) -> queries.DimensionValue:
    kind = d.get("Type") or "None"
    type_id = d.get("TypeId")
    if kind != "UserDefined" or type_id in (None, INT_MIN):
        type_id = queries.DIMENSION_TYPES.index(kind) if kind in queries.DIMENSION_TYPES else 0
    return queries.DimensionValue(kind, type_id, (d.get("Value") or "").strip())


# --- response conversion ----------------------------------------------------------------------


def _midnight(day: dt.date | None):
    return dt.datetime(day.year, day.month, day.day) if day is not None else None


def _dimension_out(dim: queries.DimensionValue) -> dict:
    return {"Type": dim.kind, "Name": dim.name, "Value": dim.value,
            "TypeId": dim.type_id if dim.kind == "UserDefined" else None}


def _transaction(r: queries.TransactionRow) -> dict:
    return {
        "Date": _midnight(r.date),
        "AccountNo": r.account_no,
        "Currency": r.currency,
        "CurrencyRate": r.currency_rate,
        "CurrencyUnit": r.currency_unit,
        "Amount": r.amount,
        "StampNo": r.stamp_no or None,
        "Period": (r.period_date or r.date).month,
        "TransactionTypeId": r.type_id,
        "Comment": r.comment,
        "TransactionNo": r.transaction_no,
        "VatCode": r.tax_no,
        "Id": r.line_id,
        "LinkId": r.link_id,
        "InvoiceNo": r.invoice_no,
        "SequenceNo": r.sequence_no,
        "SystemType": r.system_type,
        "DueDate": _midnight(r.due_date),
        "Dimensions": [_dimension_out(d) for d in r.dimensions],
        "RegistrationDate": r.created_at,
        "DateChanged": r.modified_at,
        "Hidden": False,
        "Open": r.open,
        "OCR": r.ocr or None,
        "VatDividend": None,
        "HasVatDividend": False,
        "PeriodDate": r.period_date,
    }


# --- the service ------------------------------------------------------------------------------


class TransactionService(Service):
    @rpc(_returns=array(TransactionType, "ArrayOfTransactionType"))
    def GetTransactionTypes(ctx):
        book = ctx.book()
        types = ctx.ledger.query(queries.transaction_types, book)
        return [{"Turnover": t.turnover, "Title": t.title, "No": t.type_no, "Id": t.type_id}
                for t in types]

    @rpc(_returns=_DIMENSIONS)
    def GetUserDefinedDimensions(ctx):
        book = ctx.book()
        types = ctx.ledger.query(queries.user_dimension_types, book)
        return [{"Type": "UserDefined", "Name": d.type_name, "TypeId": d.type_id}
                for d in (queries.DimensionValue("UserDefined", t, "") for t in types)]

    @rpc(el(Int, min_occurs=1), _returns=_DIMENSIONS)
    def GetUserDefinedDimensionValues(ctx, DimensionType):
        book = ctx.book()
        values = ctx.ledger.query(queries.user_dimension_values, book, DimensionType)
        return [_dimension_out(queries.DimensionValue("UserDefined", DimensionType, v))
                for v in values]

    @rpc(_returns=array(FiscalYear, "ArrayOfFiscalYear"))
    def GetFiscalYears(ctx):
        book = ctx.book()
        years = ctx.ledger.query(queries.fiscal_years, book)
        return [{"Id": fy.id, "StartingDate": _midnight(fy.start), "EndingDate": _midnight(end),
                 "IsLocked": fy.locked} for fy, end in years]

    @rpc(el(TransactionSearchParameters), _returns=array(Transaction, "ArrayOfTransaction"))
    def GetTransactions(ctx, searchParams):
        book = ctx.book()
        search = to_search(searchParams)
        found = ctx.ledger.query(
            lambda: queries.rows(book, queries.search_transactions(book, search)))
        return [_transaction(r) for r in found]

    @rpc(el(DateTimeT, min_occurs=1), _DIMENSIONS, array(Short, "ArrayOfShort", item_name="short",
         item_nillable=False), el(PeriodType, min_occurs=1), el(Bool, min_occurs=1),
         _returns=array(AggregatedData, "ArrayOfAggregatedData"))
    def GetAggregated(ctx, startDate, dimensions, accountNos, periodType, returnIB):
        book = ctx.book()
        if startDate is None:
            raise errors.NullArgument("startDate")
        dims = [_dimension_in(d) for d in dimensions or () if d]
        found = ctx.ledger.query(queries.aggregated, book, startDate.date(),
                                 [a for a in accountNos or () if a is not None],
                                 dims, periodType == "Month", bool(returnIB))
        return [{
            "IncomingBalance": a.incoming, "TotalBalance": a.total,
            "Periods": [{"Key": k, "Value": format(v, "f")} for k, v in a.periods],
            "Dimension": _dimension_out(a.dimension) if a.dimension else None,
            "AccountNo": a.account_no,
        } for a in found]
