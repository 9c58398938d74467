"""ClientService v001 (SPEC M1): the logged-in client, its currencies, tax codes, departments,
type groups and users. The schema is the vendor's WSDL (``schema.py``)."""

from __future__ import annotations

from ..ledger import interpretations as rules
from ..ledger.fixtures import fixtures_dir
from . import records
from .schema import WsdlService


def GetClientInformation(ctx):
    book = ctx.book()
    session = ctx.session()
    return records.shaped(ctx.ledger.client_information(book, session), SERVICE.type("Client"))


def GetCurrencyList(ctx):
    return ctx.ledger.currencies(ctx.book())


def GetVatTypeList(ctx):
    book = ctx.book()
    return [{"No": t.tax_no, "Name": t.name, "Rate": t.rate}
            for t in sorted(book.tax_codes.values(), key=lambda t: t.tax_no)]


def GetDepartmentList(ctx):
    book = ctx.book()
    model = SERVICE.type("Department")
    return [records.shaped({**r.data, "Id": r.id}, model)
            for r in ctx.ledger.records(book, "department")]


def GetTypeGroupList(ctx, module):
    book = ctx.book()
    modules = rules.TYPE_GROUP_ACCOUNTS if module in (None, "All") else {
        module: rules.TYPE_GROUP_ACCOUNTS[module]}
    out = []
    for low, high in modules.values():
        out += [{"AccountId": a.account_id, "Id": a.account_no, "Name": a.name}
                for a in sorted(book.accounts.values(), key=lambda a: a.account_no)
                if low <= a.account_no <= high]
    return out


def GetUsers(ctx):
    return ctx.ledger.users(ctx.book())


SERVICE = WsdlService("ClientService", fixtures_dir() / "vendor" / "ClientService.wsdl", {
    "GetClientInformation": GetClientInformation, "GetCurrencyList": GetCurrencyList,
    "GetVatTypeList": GetVatTypeList, "GetDepartmentList": GetDepartmentList,
    "GetTypeGroupList": GetTypeGroupList, "GetUsers": GetUsers,
})
