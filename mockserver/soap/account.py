"""AccountService V004: the ten operations, each reading its request and calling the ledger."""

from __future__ import annotations

from spyne import Service, rpc

from .. import errors
from ..ledger import model as core
from . import models as m
from .types import MIN_DATETIME, NIL_GUID, Bool, Int, array, el

NS = m.ACCOUNT_NS
DOCS = {
    "SaveBundleList": "Saves a list of Account bundles to 24SO system",
    "GetEntryId": "Get the next EntryId",
    "GetAccountList": "Get a list of all accounts",
    "GetTypeList": "Get a list of existing types",
    "GetTaxCodeList": "Gets the complete tax code list",
    "CheckAccountNo": "Checks if accounts exists",
    "CreateLink": "Create an empty Link",
    "AddLinkEntries": "Connect existing Entries/Transactions to a LinkId",
    "ReplaceLinkEntries": "Replace a LinkId for existing Entries/Transactions",
    "UpdateEntryDueDate": "Update the Due Date of an Entry",
}


# --- request conversion -----------------------------------------------------------------------


def _day(value):
    """A DateTime member as a ledger date; the vendor default (0001-01-01) means none."""
    if value is None or value == MIN_DATETIME:
        return None
    return value.date()


def _entry(d: dict) -> core.Entry:
    return core.Entry(
        date=d["Date"].date(), sequence_id=d["SequenceId"], customer_id=d["CustomerId"],
        account_no=d["AccountNo"], due_date=_day(d["DueDate"]), amount=d["Amount"],
        vat_amount=d["VatAmount"], currency_id=(d["CurrencyId"] or "").strip(),
        base_rate=d["BaseRate"], currency_rate=d["CurrencyRate"], currency_unit=d["CurrencyUnit"],
        department_id=d["DepartmentId"], project_id=d["ProjectId"],
        dimensions=[core.Dimension(x["Type"], x["Value"] or "")
                    for x in d["UserDefinedDimensions"] or () if x],
        invoice_reference_no=d["InvoiceReferenceNo"] or "", invoice_ocr=d["InvoiceOcr"] or "",
        tax_no=d["TaxNo"] or "", period_date=_day(d["PeriodDate"]), comment=d["Comment"] or "",
        stamp_no=d["StampNo"], bank_account_no=d["BankAccountNo"] or "",
        link_id=d["LinkId"] or NIL_GUID,
        links=[core.Link(x["LineId"] or NIL_GUID, x["LinkId"] or NIL_GUID) for x in d["Links"] or () if x],
    )


def _difference(d: dict | None) -> core.DifferenceOptions | None:
    if d is None:
        return None
    return core.DifferenceOptions(
        threshold=d["Threshold"], account_id=d["AccountId"], due_date=_day(d["DueDate"]),
        date=_day(d["Date"]), currency_id=d["CurrencyId"], currency_unit=d["CurrencyUnit"],
        currency_rate=d["CurrencyRate"], comment=d["Comment"] or "", customer_id=d["CustomerId"],
        period=d["Period"], link_id=d["LinkId"] or NIL_GUID, invoice_ocr=d["InvoiceOcr"] or "",
        department_id=d["DepartmentId"], project_id=d["ProjectId"],
        bank_account_no=d["BankAccountNo"] or "",
    )


def to_bundle_list(d: dict) -> core.BundleList:
    return core.BundleList(
        bundles=[
            core.Bundle(
                year_id=b["YearId"], sort=b["Sort"], name=b["Name"] or "",
                bundle_direct_accounting=b["BundleDirectAccounting"],
                use_auto_base_rate=b["UseAutoBaseRate"],
                vouchers=[
                    core.Voucher(
                        transaction_no=v["TransactionNo"], sort=v["Sort"],
                        entries=[_entry(e) for e in v["Entries"] or () if e],
                        difference_options=_difference(v["DifferenceOptions"]),
                    )
                    for v in b["Vouchers"] or () if v
                ],
            )
            for b in d["Bundles"] or () if b
        ],
        allow_difference=d["AllowDifference"], direct_ledger=d["DirectLedger"],
        save_option=d["SaveOption"], default_customer_id=d["DefaultCustomerId"],
        ignore_warnings=[w for w in d["IgnoreWarnings"] or () if w],
    )


def _required(value, name: str):
    """W9: a missing or nil argument reaches the web method as null: soap:Server, as the
    vendor's code failing on it would answer (the journal's fault_detail names it)."""
    if value is None:
        raise errors.NullArgument(name)
    return value


def _account_data(a) -> dict:
    return {"AccountId": a.account_id, "AccountNo": a.account_no, "AccountName": a.name,
            "AccountTax": a.account_tax, "TaxNo": a.tax_no}


# --- the service ------------------------------------------------------------------------------


class AccountService(Service):
    @rpc(el(m.BundleList), _returns=el(m.SaveResponse))
    def SaveBundleList(ctx, BundleList):
        try:
            book = ctx.book()
        except errors.NotAuthenticated as err:  # A4: a result, not a fault, for this method
            return {"Type": "NotAuthenticated", "Description": err.text}
        blist = to_bundle_list(_required(BundleList, "BundleList"))
        result = ctx.ledger.save_bundle_list(book, blist)
        return {"Type": result.type, "Description": result.description or None}

    @rpc(el(m.EntryId), _returns=el(m.EntryId))
    def GetEntryId(ctx, argEntryId):
        book = ctx.book()
        arg = _required(argEntryId, "argEntryId")
        entry_no = ctx.ledger.entry_id(book, arg["Date"].date(), arg["SortNo"])
        return {"Date": arg["Date"], "SortNo": arg["SortNo"], "EntryNo": entry_no}

    @rpc(_returns=array(m.AccountData, "ArrayOfAccountData"))
    def GetAccountList(ctx):
        book = ctx.book()
        return [_account_data(a) for a in sorted(book.accounts.values(), key=lambda a: a.account_no)]

    @rpc(_returns=array(m.TypeData, "ArrayOfTypeData"))
    def GetTypeList(ctx):
        book = ctx.book()
        return [
            {"TypeId": t.type_id, "Title": t.title, "EntrySeriesId": t.series_id, "TypeNo": t.type_no}
            for t in sorted(book.types.values(), key=lambda t: (t.type_no < 0, abs(t.type_no)))
        ]

    @rpc(_returns=array(m.TaxCodeElement, "ArrayOfTaxCodeElement"))
    def GetTaxCodeList(ctx):
        book = ctx.book()
        return [
            {"TaxId": t.tax_id, "TaxNo": str(t.tax_no), "TaxName": t.name, "TaxRate": t.rate,
             "AccountNo": t.account_no}
            for t in sorted(book.tax_codes.values(), key=lambda t: t.tax_no)
        ]

    @rpc(array(m.AccountData, "ArrayOfAccountData"),
         _returns=array(m.AccountDataErrors, "ArrayOfAccountDataErrors"))
    def CheckAccountNo(ctx, accountList):
        book = ctx.book()
        out = []
        for item in accountList or ():
            if item is None:
                continue
            account = book.accounts.get(item["AccountNo"])
            if account is None:
                out.append({**item, "Error": "AccountDontExist"})
            elif item["AccountName"] and item["AccountName"].strip().lower() != account.name.lower():
                out.append({**_account_data(account), "AccountName": item["AccountName"],
                            "Error": "NameDontMatch"})
            else:
                out.append({**_account_data(account), "Error": "Ok"})
        return out

    @rpc(_returns=el(Int, min_occurs=1))
    def CreateLink(ctx):
        return ctx.ledger.create_link(ctx.book())

    @rpc(el(m.LinkEntryItem), _returns=el(Bool, min_occurs=1))
    def AddLinkEntries(ctx, linkEntryItem):
        book = ctx.book()
        item = _required(linkEntryItem, "linkEntryItem")
        return ctx.ledger.link_entries(book, item["LineIds"] or [], item["LinkId"], replace=False)

    @rpc(el(m.LinkEntryItem), _returns=el(Bool, min_occurs=1))
    def ReplaceLinkEntries(ctx, linkEntryItem):
        book = ctx.book()
        item = _required(linkEntryItem, "linkEntryItem")
        return ctx.ledger.link_entries(book, item["LineIds"] or [], item["LinkId"], replace=True)

    @rpc(array(m.EntryItem, "ArrayOfEntryItem"), _returns=array(m.EntryItem, "ArrayOfEntryItem"))
    def UpdateEntryDueDate(ctx, entryItems):
        book = ctx.book()
        items = [(i["LineId"], i["DueDate"].date()) for i in entryItems or () if i]
        lines = ctx.ledger.update_due_dates(book, items)
        return [{"LineId": ln.line_id, "DueDate": ln.due_date} for ln in lines]
