"""Helpers to declare spyne models the way the vendor's ASMX schema declares them.

spyne's own defaults differ from .NET's (every element nillable, ``xs:integer``, generated array
names). ``el`` and ``array`` set min/maxOccurs, nillable and the WSDL ``default`` explicitly, so
the models read like the vendor XSD and drive the WSDL writer, the reader and the writer alike.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal as _D
from uuid import UUID

from spyne import Array, Boolean, Date, DateTime, Decimal, Integer16, Integer32, Integer64, Unicode
from spyne.model.primitive import UnsignedInteger8, Uuid

NIL_GUID = UUID(int=0)
MIN_DATETIME = _dt.datetime(1, 1, 1)
MIN_DATE = _dt.date(1, 1, 1)

Int = Integer32
Short = Integer16
Long = Integer64
UByte = UnsignedInteger8
Dec = Decimal
Bool = Boolean
String = Unicode
Guid = Uuid
DateTimeT = DateTime
DateT = Date

_NO_DEFAULT = object()


def el(t, min_occurs: int = 0, max_occurs: int = 1, nillable: bool = False, default=_NO_DEFAULT):
    """An element declaration as the vendor XSD has it."""
    kw = {"min_occurs": min_occurs, "max_occurs": max_occurs, "nillable": nillable}
    if default is not _NO_DEFAULT:
        kw["default"] = default
    if getattr(t.Attributes, "values", None):  # spyne drops an enum's name on customize
        kw["type_name"] = t.get_type_name()
    return t.customize(**kw)


def array(item, type_name: str, item_name: str | None = None, item_nillable: bool = True):
    """An ASMX ``ArrayOfX``: a wrapper type holding ``<X>`` items (0..unbounded)."""
    kw = {"min_occurs": 0, "max_occurs": "unbounded", "nillable": item_nillable}
    if item_name:  # spyne loses a customized primitive's name; give it the vendor's
        kw["type_name"] = item_name
    member = item.customize(**kw)
    arr = Array(member, type_name=type_name, member_name=item_name or item.get_type_name())
    return arr.customize(min_occurs=0, max_occurs=1, nillable=False)


def enum(type_name: str, *values: str):
    """A string restriction with enumeration values (``tns:ResponsType`` and the like)."""
    return Unicode(values=values, type_name=type_name)


# Typical vendor defaults, as Python values.
ZERO = 0
DZERO = _D(0)
EMPTY = ""
__all__ = [
    "Int", "Short", "Long", "UByte", "Dec", "Bool", "String", "Guid", "DateTimeT", "DateT",
    "el", "array", "enum", "NIL_GUID", "MIN_DATETIME", "MIN_DATE", "ZERO", "DZERO", "EMPTY",
]
