"""Scenario files' discount matrices (SPEC M5): what ProductService's GetDiscountMatrixPriceGroup
and GetDiscountMatrixCategory return, read with the scenario reader's checks::

    discount_matrices:
      price_group: [{price_group_id: 2, customer_id: 20001, value: "10"}]
      category:    [{category_id: 1, customer_id: 20001, value: "7.5"}]

Each entry is one of the WSDL's ``Discount`` records (PriceGroupId, CategoryId, CustomerId,
Value); a matrix's entries need their own dimension (``price_group_id``, ``category_id``), the
other ids are optional (absent: the WSDL's ``-2147483648`` default, left out as .NET does) and
``value`` is a percent (``interpretations.DISCOUNT_MATRICES``). They are kept as master-data
records of the kinds below, numbered 1.. in file order, which is the order the operations
answer in.
"""

from __future__ import annotations

from decimal import Decimal

from ... import errors
from .. import interpretations as rules
from ..masterdata import DISCOUNT_CATEGORY, DISCOUNT_PRICE_GROUP

KEY = "discount_matrices"
#: the matrix's name in the scenario -> (its master-data kind, the member it needs)
MATRICES = {"price_group": (DISCOUNT_PRICE_GROUP, "price_group_id"),
            "category": (DISCOUNT_CATEGORY, "category_id")}
#: an entry's members: scenario name -> the WSDL's Discount member
_MEMBERS = {"price_group_id": "PriceGroupId", "category_id": "CategoryId",
            "customer_id": "CustomerId", "value": "Value"}


def read(r, top) -> dict[str, dict[int, dict]]:
    """``{kind: {n: Discount members}}`` of a scenario's top mapping, checked; ``r`` is the
    scenario reader. Nothing when the key is absent."""
    if top.get(KEY) is None:
        return {}
    matrices = r.mapping(top, KEY, KEY, top[KEY], MATRICES)
    out: dict[str, dict[int, dict]] = {}
    for name, (kind, needed) in MATRICES.items():
        if matrices.get(name) is None:
            continue
        items = r.seq(matrices, name, f"{KEY}.{name}")
        records: dict[int, dict] = {}
        seen: set[tuple] = set()
        for i, item in enumerate(items):
            path = f"{KEY}.{name}[{i}]"
            item = r.mapping(items, i, path, item, _MEMBERS)
            data: dict = {}
            for member, field in _MEMBERS.items():
                if member == "value":
                    continue
                value = r.integer(item, member, f"{path}.{member}", low=1,
                                  required=member == needed)
                if value is not None:
                    data[field] = value
            data["Value"] = _percent(r, item, f"{path}.value")
            key = tuple(data.get(_MEMBERS[m]) for m in _MEMBERS if m != "value")
            if key in seen:
                what = ", ".join(f"{m} {data[f]}" for m, f in _MEMBERS.items()
                                 if m != "value" and f in data)
                r.fail(items, i, path, errors.ScenarioRepeatedDiscount(what=what))
            seen.add(key)
            records[i + 1] = data
        out[kind] = records
    return out


def _percent(r, item, path) -> Decimal:
    value = r.decimal(item, "value", path, required=True)
    low, high = rules.DISCOUNT_MATRICES["percent"]
    if not low <= value <= high:
        r.fail(item, "value", path, errors.ScenarioNotAPercent(value=value))
    return value
