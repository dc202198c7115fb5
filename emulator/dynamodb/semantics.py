"""What comparisons and functions mean, shared by condition expressions, the legacy
conditional parameters and PartiQL (developer guide, Expressions.OperatorsAndFunctions).

A missing operand (None) makes a comparison false, except ``<>``, which is then true; values
of different types never compare equal and never order; strings order by UTF-8 bytes and
binary values as unsigned bytes.
"""

from __future__ import annotations

from collections.abc import Iterable

from emulator.dynamodb.values import SET_TYPES, AttributeValue, compare, equal, type_of

Value = AttributeValue | None


def compared(operator: str, left: Value, right: Value) -> bool:
    """``left operator right`` for one of = <> < <= > >=."""
    if left is None or right is None:
        return operator == "<>" and left is not right
    if operator == "=":
        return equal(left, right)
    if operator == "<>":
        return not equal(left, right)
    order = compare(left, right)
    if order is None:
        return False
    if operator == "<":
        return order < 0
    if operator == "<=":
        return order <= 0
    if operator == ">":
        return order > 0
    return order >= 0


def between(value: Value, low: Value, high: Value) -> bool:
    if value is None or low is None or high is None:
        return False
    above, below = compare(value, low), compare(value, high)
    return above is not None and below is not None and above >= 0 >= below


def member(value: Value, options: Iterable[Value]) -> bool:
    return value is not None and any(
        option is not None and equal(value, option) for option in options)


def begins_with(value: Value, prefix: Value) -> bool:
    if value is None or prefix is None:
        return False
    kind = type_of(value)
    if kind != type_of(prefix) or kind not in ("S", "B"):
        return False
    return bool(value[kind].startswith(prefix[kind]))


def contains(value: Value, operand: Value) -> bool:
    """A substring of a string, a subsequence of binary, a member of a set of its type, or an
    element of a list."""
    if value is None or operand is None:
        return False
    kind, other = type_of(value), type_of(operand)
    if kind in ("S", "B") and kind == other:
        return bool(operand[other] in value[kind])
    if kind in SET_TYPES and SET_TYPES[kind] == other:
        return operand[other] in value[kind]  # numbers are canonical text
    if kind == "L":
        return any(equal(element, operand) for element in value["L"])
    return False


__all__ = ["begins_with", "between", "compared", "contains", "member"]
