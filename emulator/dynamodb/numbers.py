"""DynamoDB's numbers: decimal, up to 38 significant digits, magnitudes from 1E-130 to
9.9999999999999999999999999999999999999E+125, stored and answered in plain notation with
leading and trailing zeros trimmed."""

from __future__ import annotations

import re
from decimal import Context, Decimal, InvalidOperation

from emulator.dynamodb.errors import ValidationError

MAX_DIGITS = 38
MAX_ADJUSTED_EXPONENT = 125  # 9.99...E+125
MIN_ADJUSTED_EXPONENT = -130  # 1E-130

# Wide enough that adding or subtracting any two stored numbers is exact; the result is then
# checked as a stored number would be.
_EXACT = Context(prec=400, Emax=1000, Emin=-1000)
_SYNTAX = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def not_a_number(text: str) -> ValidationError:
    return ValidationError(f"The parameter cannot be converted to a numeric value: {text}")


def parse(text: str) -> Decimal:
    """The value of a number's text, checked against DynamoDB's limits."""
    if not isinstance(text, str) or _SYNTAX.fullmatch(text) is None:
        raise not_a_number(str(text))
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise not_a_number(text) from None
    return check(value)


def check(value: Decimal) -> Decimal:
    """``value`` when DynamoDB can store it; raises its ValidationException otherwise."""
    if not value.is_finite():
        raise not_a_number(str(value))
    if value.is_zero():
        return Decimal(0)
    value = value.normalize(_EXACT)
    adjusted = value.adjusted()
    if adjusted > MAX_ADJUSTED_EXPONENT:
        raise ValidationError(
            "Number overflow. Attempting to store a number with magnitude larger than "
            "supported range")
    if adjusted < MIN_ADJUSTED_EXPONENT:
        raise ValidationError(
            "Number underflow. Attempting to store a number with magnitude smaller than "
            "supported range")
    if len(value.as_tuple().digits) > MAX_DIGITS:
        raise ValidationError("Attempting to store more than 38 significant digits in a Number")
    return value


def text(value: Decimal) -> str:
    """A checked number as DynamoDB answers it: plain notation, no trailing zeros."""
    if value.is_zero():
        return "0"
    return format(value, "f")


def canonical(raw: str) -> str:
    """The stored text of a number given as ``raw``."""
    return text(parse(raw))


def add(left: Decimal, right: Decimal) -> Decimal:
    return check(_EXACT.add(left, right))


def subtract(left: Decimal, right: Decimal) -> Decimal:
    return check(_EXACT.subtract(left, right))


def digits(value: Decimal) -> int:
    """Significant digits of a checked number (0 has one)."""
    return max(1, len(value.as_tuple().digits)) if not value.is_zero() else 1


__all__ = ["add", "canonical", "check", "digits", "not_a_number", "parse", "subtract", "text"]
