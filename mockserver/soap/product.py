"""ProductService v001 (SPEC M5): products, categories, price lists, discount matrices, stock.

Save*/Delete* answer per-item problems in-band (``APIException`` inside the item, HTTP 200).
The schema is the vendor's WSDL (``schema.py``).
"""

from __future__ import annotations

from decimal import Decimal

from ..ledger import interpretations as rules
from ..ledger.fixtures import fixtures_dir
from ..ledger.masterdata import DISCOUNT_CATEGORY, DISCOUNT_PRICE_GROUP, PRICE_LIST, PRODUCT
from . import records
from .schema import WsdlService


def _model(name):
    return SERVICE.type(name)


def _out(data: dict, model_name: str, properties=None) -> dict:
    return records.shaped(records.only(data, properties), _model(model_name))


def _answer(saved, model_name: str) -> dict:
    if saved.error is not None:
        return {**saved.data, "APIException": records.api_exception(saved.error)}
    return _out(saved.data, model_name)


def SaveProducts(ctx, products):
    book = ctx.book()
    model = _model("Product")
    items = [records.given(p, model) for p in products or () if p is not None]
    saved = ctx.ledger.save_products(book, items)
    return [_answer(s, "Product") for s in saved]


def GetProducts(ctx, searchParams, returnProperties):
    book = ctx.book()
    p = records.given(searchParams, _model("ProductSearchParameters")) if searchParams else {}
    ids = [*(p.get("ProductIds") or ()), *([p["Id"]] if "Id" in p else [])]

    def match(d):
        return rules.product_matches(d, p)

    found = ctx.ledger.find_records(book, PRODUCT, ids=ids or None,
                                    changed_after=p.get("DateChanged"), match=match)
    if ids and not found:
        return []
    return [_out({**r.data, "Id": r.id, "DateChanged": r.changed}, "Product", returnProperties)
            for r in found]


def DeleteProducts(ctx, products):
    book = ctx.book()
    model = _model("Product")
    items = [records.given(p, model) for p in products or () if p is not None]
    results = ctx.ledger.delete_products(book, [i.get("Id") for i in items])
    return [item if err is None else {**item, "APIException": records.api_exception(err)}
            for item, err in zip(items, results, strict=True)]


def SetStockQuantity(ctx, productId, stockQuantity):
    book = ctx.book()
    if productId is None or stockQuantity is None:
        return False
    return ctx.ledger.set_fields(book, PRODUCT, productId, {"Stock": stockQuantity}, "Product")


def GetCategories(ctx, returnProperties):
    book = ctx.book()
    return [_out({**r.data, "Id": r.id}, "Category", returnProperties)
            for r in ctx.ledger.records(book, "product_category")]


def SaveCategories(ctx, categories):
    book = ctx.book()
    model = _model("Category")
    items = [records.given(c, model) for c in categories or () if c is not None]
    saved = ctx.ledger.save_items(book, "product_category", items, what="Category")
    return [_answer(s, "Category") for s in saved]


def GetPriceList(ctx, priceListId):
    book = ctx.book()
    rec = ctx.ledger.record(book, PRICE_LIST, priceListId) if priceListId is not None else None
    if rec is None:
        return []
    return [{"Key": str(pid), "Value": format(Decimal(price), "f")}
            for pid, price in sorted((rec.data.get("Prices") or {}).items(), key=lambda kv: int(kv[0]))]


def GetAllPriceLists(ctx):
    book = ctx.book()
    return [_out({"Id": r.id, "Name": r.data.get("Name"), "IncVat": bool(r.data.get("IncVat")),
                  "Currency": r.data.get("Currency")}, "ProductPriceList")
            for r in ctx.ledger.records(book, PRICE_LIST)]


def _discounts(ctx, kind):
    book = ctx.book()
    return [_out(dict(r.data), "Discount") for r in ctx.ledger.records(book, kind)]


def GetDiscountMatrixPriceGroup(ctx):
    return _discounts(ctx, DISCOUNT_PRICE_GROUP)


def GetDiscountMatrixCategory(ctx):
    return _discounts(ctx, DISCOUNT_CATEGORY)


SERVICE = WsdlService("ProductService", fixtures_dir() / "vendor" / "ProductService.wsdl", {
    "SaveProducts": SaveProducts, "GetProducts": GetProducts, "DeleteProducts": DeleteProducts,
    "SetStockQuantity": SetStockQuantity, "GetCategories": GetCategories,
    "SaveCategories": SaveCategories, "GetPriceList": GetPriceList,
    "GetAllPriceLists": GetAllPriceLists,
    "GetDiscountMatrixPriceGroup": GetDiscountMatrixPriceGroup,
    "GetDiscountMatrixCategory": GetDiscountMatrixCategory,
})
