"""Money arithmetic: Decimal only, in a context wide enough for .NET's 29-digit decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal

#: Wide enough that sums of many 29-digit amounts stay exact.
MONEY = Context(prec=60, rounding=ROUND_HALF_EVEN)
CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)

#: .NET System.Decimal limits; values beyond them cannot be read by the vendor either.
DECIMAL_MAX = Decimal("79228162514264337593543950335")


def add(*values: Decimal) -> Decimal:
    total = ZERO
    for v in values:
        total = MONEY.add(total, v)
    return total


def mul(a: Decimal, b: Decimal) -> Decimal:
    return MONEY.multiply(a, b)


def div(a: Decimal, b: Decimal) -> Decimal:
    return MONEY.divide(a, b)


def cents(value: Decimal) -> Decimal:
    """Round to two decimals the way .NET's decimal.Round does by default (to even)."""
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN, context=MONEY)


def ore(value: Decimal, rounding: str = ROUND_HALF_EVEN, decimals: int = 2) -> Decimal:
    """S12: an amount as it is booked: at most ``decimals`` places (øre), rounded by
    ``rounding``; an amount with fewer places keeps its scale (W7)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -decimals:
        return value
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=rounding, context=MONEY)
