"""Attribute values as the DynamoDB API carries them: checks, type names, comparison and sets.

An attribute value is a one-member dict (``{"S": "a"}``, ``{"N": "1.5"}``, ``{"B": b"..."}``,
``{"SS": [...]}``, ``{"M": {...}}``, ``{"L": [...]}``, ``{"NULL": True}``, ``{"BOOL": x}``).
Numbers are kept as their canonical text, so equal numbers have equal text.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from emulator.dynamodb import numbers
from emulator.dynamodb.errors import ValidationError, invalid

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

SCALAR_TYPES = frozenset({"S", "N", "B"})
SET_TYPES = {"SS": "S", "NS": "N", "BS": "B"}
TYPES = frozenset({"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"})
MAX_DEPTH = 32

# The names DynamoDB uses for types in operand-type errors.
TYPE_NAMES = {
    "S": "STRING", "N": "NUMBER", "B": "BINARY", "SS": "STRING_SET", "NS": "NUMBER_SET",
    "BS": "BINARY_SET", "M": "MAP", "L": "LIST", "NULL": "NULL", "BOOL": "BOOLEAN",
}
_SET_WORDS = {"SS": "string", "NS": "number"}


def type_of(value: AttributeValue) -> str:
    """The one type key of a checked attribute value."""
    return next(iter(value))


def check_value(value: Any, depth: int = 0) -> AttributeValue:
    """An attribute value from a request, checked and with numbers in canonical form."""
    if not isinstance(value, dict) or not value:
        raise ValidationError("Supplied AttributeValue is empty, must contain exactly one of "
                              "the supported datatypes")
    present = [key for key, member in value.items() if key in TYPES and member is not None]
    if not present:
        raise ValidationError("Supplied AttributeValue is empty, must contain exactly one of "
                              "the supported datatypes")
    if len(present) > 1:
        raise ValidationError("Supplied AttributeValue has more than one datatypes set, must "
                              "contain exactly one of the supported datatypes")
    if depth > MAX_DEPTH:
        raise invalid("Nesting Levels have exceeded supported limits")
    kind = present[0]
    member = value[kind]
    if kind == "S":
        _expect(isinstance(member, str), "S")
        return {"S": member}
    if kind == "N":
        return {"N": numbers.canonical(member)}
    if kind == "B":
        _expect(isinstance(member, (bytes, bytearray)), "B")
        return {"B": bytes(member)}
    if kind in SET_TYPES:
        return {kind: _check_set(kind, member)}
    if kind == "M":
        _expect(isinstance(member, dict), "M")
        return {"M": {str(name): check_value(item, depth + 1) for name, item in member.items()}}
    if kind == "L":
        _expect(isinstance(member, list), "L")
        return {"L": [check_value(item, depth + 1) for item in member]}
    if kind == "NULL":
        if member is not True:
            raise invalid("Null attribute value types must have the value of true")
        return {"NULL": True}
    _expect(isinstance(member, bool), "BOOL")
    return {"BOOL": member}


def _expect(ok: bool, kind: str) -> None:
    if not ok:
        raise ValidationError(f"Supplied AttributeValue has an invalid {kind} value")


def _check_set(kind: str, members: Any) -> list[Any]:
    if not isinstance(members, list):
        _expect(False, kind)
    if not members:
        if kind == "BS":
            raise invalid("Binary sets should not be empty")
        raise invalid(f"An {_SET_WORDS[kind]} set  may not be empty")
    element = SET_TYPES[kind]
    if element == "N":
        checked: list[Any] = [numbers.canonical(member) for member in members]
    elif element == "S":
        _expect(all(isinstance(member, str) for member in members), kind)
        checked = list(members)
    else:
        _expect(all(isinstance(member, (bytes, bytearray)) for member in members), kind)
        checked = [bytes(member) for member in members]
    if len(set(checked)) != len(checked):
        shown = ", ".join(_shown(element, member) for member in members)
        qualifier = "of type BS " if kind == "BS" else " "
        raise invalid(f"Input collection [{shown}]{qualifier}contains duplicates.")
    return checked


def _shown(element: str, member: Any) -> str:
    if isinstance(member, (bytes, bytearray)):
        return base64.b64encode(bytes(member)).decode("ascii")
    return str(member)


def check_item(item: Any) -> Item:
    """An item (attribute name to value) from a request, checked."""
    if not isinstance(item, dict):
        raise ValidationError("Supplied item is not a map")
    return {str(name): check_value(value) for name, value in item.items()}


def native(value: AttributeValue) -> str | Decimal | bytes:
    """A scalar's value for ordering: text (UTF-8 byte order is code point order), a Decimal,
    or bytes (unsigned byte order)."""
    kind = type_of(value)
    if kind == "N":
        return Decimal(value["N"])
    member = value[kind]
    assert isinstance(member, (str, bytes))
    return member


def equal(left: AttributeValue, right: AttributeValue) -> bool:
    """DynamoDB equality: same type and value; sets regardless of order."""
    kind = type_of(left)
    if kind != type_of(right):
        return False
    if kind in SET_TYPES:
        return set(left[kind]) == set(right[kind])
    if kind == "N":
        return bool(Decimal(left["N"]) == Decimal(right["N"]))
    if kind == "M":
        a, b = left["M"], right["M"]
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if kind == "L":
        a, b = left["L"], right["L"]
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(left[kind] == right[kind])


def compare(left: AttributeValue, right: AttributeValue) -> int | None:
    """-1, 0 or 1 for two scalars of one type (S, N, B); None when they cannot be ordered."""
    kind = type_of(left)
    if kind != type_of(right) or kind not in SCALAR_TYPES:
        return None
    a, b = native(left), native(right)
    return (a > b) - (a < b)  # type: ignore[operator]


def copy(value: AttributeValue) -> AttributeValue:
    """A deep copy (values are plain data; bytes and text are immutable)."""
    kind = type_of(value)
    if kind == "M":
        return {"M": {name: copy(item) for name, item in value["M"].items()}}
    if kind == "L":
        return {"L": [copy(item) for item in value["L"]]}
    if kind in SET_TYPES:
        return {kind: list(value[kind])}
    return dict(value)


def copy_item(item: Item) -> Item:
    return {name: copy(value) for name, value in item.items()}


def set_union(kind: str, left: Iterable[Any], right: Iterable[Any]) -> list[Any]:
    out = list(left)
    seen = set(out)
    for member in right:
        if member not in seen:
            seen.add(member)
            out.append(member)
    return out


def set_difference(left: Iterable[Any], right: Iterable[Any]) -> list[Any]:
    removed = set(right)
    return [member for member in left if member not in removed]


def describe(value: AttributeValue) -> str:
    """A value as DynamoDB shows it in messages: ``{S:a}``, ``{N:1}``."""
    kind = type_of(value)
    member = value[kind]
    if kind in ("S", "N"):
        return f"{{{kind}:{member}}}"
    if kind in SET_TYPES:
        return f"{{{kind}:[{','.join(_shown(SET_TYPES[kind], m) for m in member)}]}}"
    if kind == "B":
        return f"{{B:{_shown('B', member)}}}"
    if kind == "M":
        inner = ",".join(f"{name}={describe(item)}" for name, item in member.items())
        return f"{{M:{{{inner}}}}}"
    if kind == "L":
        return f"{{L:[{','.join(describe(item) for item in member)}]}}"
    return f"{{{kind}:{str(member).lower()}}}"


__all__ = [
    "SCALAR_TYPES", "SET_TYPES", "TYPES", "TYPE_NAMES", "AttributeValue", "Item", "check_item",
    "check_value", "compare", "copy", "copy_item", "describe", "equal", "native",
    "set_difference", "set_union", "type_of",
]
