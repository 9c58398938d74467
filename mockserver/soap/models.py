"""spyne models of the vendor's AccountService (V004) and Authenticate schemas.

Each class mirrors one ``complexType`` of ``shared/reference/wsdl``: element names, order,
types, minOccurs, nillable and WSDL defaults. Field order is wire order.
"""

from __future__ import annotations

from decimal import Decimal

from spyne import ComplexModel

from .types import (
    DZERO,
    EMPTY,
    MIN_DATETIME,
    NIL_GUID,
    ZERO,
    Bool,
    DateTimeT,
    Dec,
    Guid,
    Int,
    Long,
    Short,
    String,
    UByte,
    array,
    el,
    enum,
)

ACCOUNT_NS = "http://24sevenOffice.com/webservices"
AUTH_NS = ACCOUNT_NS


class _Account(ComplexModel):
    __namespace__ = ACCOUNT_NS


# --- SaveBundleList ---------------------------------------------------------------------------


class UserDefinedDimension(_Account):
    _type_info = [
        ("Type", el(Int, default=ZERO)),
        ("Value", el(String, default=EMPTY)),
    ]


class LinkModel(_Account):
    _type_info = [
        ("LineId", el(Guid, default=NIL_GUID)),
        ("LinkId", el(Guid, default=NIL_GUID)),
    ]


class Entry(_Account):
    _type_info = [
        ("SequenceId", el(Dec, default=DZERO)),
        ("CustomerId", el(Int, default=ZERO)),
        ("AccountNo", el(Int, default=ZERO)),
        ("Date", el(DateTimeT, min_occurs=1)),
        ("DueDate", el(DateTimeT, default=MIN_DATETIME)),
        ("Amount", el(Dec, default=DZERO)),
        ("VatAmount", el(Dec, default=DZERO)),
        ("CurrencyId", el(String, default=EMPTY)),
        ("BaseRate", el(Dec, default=Decimal(-1))),
        ("CurrencyRate", el(Dec, default=DZERO)),
        ("CurrencyUnit", el(Short, default=1)),
        ("DepartmentId", el(Int, default=ZERO)),
        ("ProjectId", el(Int, default=ZERO)),
        ("UserDefinedDimensions", array(UserDefinedDimension, "ArrayOfUserDefinedDimension")),
        ("InvoiceReferenceNo", el(String, default=EMPTY)),
        ("InvoiceOcr", el(String, default=EMPTY)),
        ("TaxNo", el(String, default=EMPTY)),
        ("PeriodDate", el(DateTimeT, default=MIN_DATETIME)),
        ("Comment", el(String, default=EMPTY)),
        ("StampNo", el(Int, default=ZERO)),
        ("BankAccountNo", el(String, default=EMPTY)),
        ("LinkId", el(Guid, default=NIL_GUID)),
        ("Links", array(LinkModel, "ArrayOfLinkModel")),
    ]


class DifferenceOptions(_Account):
    _type_info = [
        ("Threshold", el(Dec, min_occurs=1)),
        ("AccountId", el(Int, min_occurs=1)),
        ("DueDate", el(DateTimeT, min_occurs=1)),
        ("Date", el(DateTimeT, min_occurs=1)),
        ("CurrencyId", el(Int, min_occurs=1)),
        ("CurrencyUnit", el(Short, min_occurs=1)),
        ("CurrencyRate", el(Dec, min_occurs=1)),
        ("Comment", el(String)),
        ("CustomerId", el(Int, min_occurs=1)),
        ("Period", el(Short, min_occurs=1)),
        ("LinkId", el(Guid, min_occurs=1)),
        ("InvoiceOcr", el(String)),
        ("DepartmentId", el(Int, min_occurs=1)),
        ("ProjectId", el(Int, min_occurs=1)),
        ("BankAccountNo", el(String)),
    ]


class Voucher(_Account):
    _type_info = [
        ("TransactionNo", el(Int, min_occurs=1)),
        ("Entries", array(Entry, "ArrayOfEntry")),
        ("Sort", el(Int, min_occurs=1)),
        ("DifferenceOptions", el(DifferenceOptions)),
    ]


class Bundle(_Account):
    _type_info = [
        ("YearId", el(Int, default=ZERO)),
        ("Vouchers", array(Voucher, "ArrayOfVoucher")),
        ("Sort", el(Int, default=ZERO)),
        ("Name", el(String, default=EMPTY)),
        ("BundleDirectAccounting", el(Bool, default=False)),
        ("UseAutoBaseRate", el(Bool, default=True)),
    ]


class BundleList(_Account):
    _type_info = [
        ("Bundles", array(Bundle, "ArrayOfBundle")),
        ("AllowDifference", el(Bool, default=False)),
        ("DirectLedger", el(Bool, default=False)),
        ("SaveOption", el(UByte, default=1)),
        ("DefaultCustomerId", el(Int, default=ZERO)),
        ("IgnoreWarnings", array(String, "ArrayOfString", item_name="string")),
    ]


ResponsType = enum(
    "ResponsType", "Ok", "DuplicateData", "DataAlreadySaved", "NotAuthenticated", "SystemError",
    "Exception", "NotSaved",
)


class SaveResponse(_Account):
    _type_info = [
        ("Type", el(ResponsType, min_occurs=1)),
        ("Description", el(String)),
    ]


# --- lookups ----------------------------------------------------------------------------------


class EntryId(_Account):
    _type_info = [
        ("Date", el(DateTimeT, min_occurs=1)),
        ("SortNo", el(Int, min_occurs=1)),
        ("EntryNo", el(Int, min_occurs=1)),
    ]


class AccountData(_Account):
    _type_info = [
        ("AccountId", el(Int, default=ZERO)),
        ("AccountNo", el(Short, default=ZERO)),
        ("AccountName", el(String, default=EMPTY)),
        ("AccountTax", el(Int, default=ZERO)),
        ("TaxNo", el(Int, default=ZERO)),
    ]


ErrorType = enum("ErrorType", "Ok", "AccountDontExist", "NameDontMatch")


class AccountDataErrors(AccountData):
    _type_info = [
        ("Error", el(ErrorType, min_occurs=1)),
    ]


class TypeData(_Account):
    _type_info = [
        ("TypeId", el(Int, min_occurs=1)),
        ("Title", el(String)),
        ("EntrySeriesId", el(Int, min_occurs=1)),
        ("TypeNo", el(Int, min_occurs=1)),
    ]


class TaxCodeElement(_Account):
    _type_info = [
        ("TaxId", el(Int, min_occurs=1)),
        ("TaxNo", el(String)),
        ("TaxName", el(String)),
        ("TaxRate", el(Dec, min_occurs=1)),
        ("AccountNo", el(Short, nillable=True)),
    ]


class LinkEntryItem(_Account):
    _type_info = [
        ("LineIds", array(Guid, "ArrayOfGuid", item_name="guid", item_nillable=False)),
        ("LinkId", el(Int, min_occurs=1)),
    ]


class EntryItem(_Account):
    _type_info = [
        ("LineId", el(Guid, min_occurs=1)),
        ("DueDate", el(DateTimeT, min_occurs=1)),
    ]


# --- Authenticate -----------------------------------------------------------------------------


class Token(_Account):
    _type_info = [
        ("ApplicationId", el(Guid, min_occurs=1)),
        ("Id", el(Guid, min_occurs=1)),
    ]


class User(_Account):
    _type_info = [
        ("ContactId", el(Int, default=-2147483648)),
        ("Id", el(Guid, default=NIL_GUID)),
        ("Name", el(String, default=EMPTY)),
        ("EmployeeId", el(Int, default=-2147483648)),
    ]


class Client(_Account):
    _type_info = [
        ("Id", el(Long, min_occurs=1)),
        ("Name", el(String)),
    ]


class Server(_Account):
    _type_info = [
        ("Id", el(Int, min_occurs=1)),
        ("Type", el(Int, min_occurs=1)),
    ]


class Identity(_Account):
    _type_info = [
        ("Id", el(Guid, min_occurs=1)),
        ("User", el(User)),
        ("Client", el(Client)),
        ("IsCurrent", el(Bool, min_occurs=1)),
        ("IsDefault", el(Bool, min_occurs=1)),
        ("IsProtected", el(Bool, min_occurs=1)),
        ("Servers", array(Server, "ArrayOfServer")),
        ("IsDisabled", el(Bool, default=False)),
    ]


class Passport(_Account):
    _type_info = [
        ("Id", el(Guid, min_occurs=1)),
        ("Email", el(String)),
        ("Identities", array(Identity, "ArrayOfIdentity")),
        ("SessionId", el(String)),
    ]


class Credential(_Account):
    _type_info = [
        ("ApplicationId", el(Guid, min_occurs=1)),
        ("IdentityId", el(Guid, default=NIL_GUID)),
        ("Password", el(String)),
        ("Username", el(String)),
    ]
