"""Item size as DynamoDB counts it against the 400 KB limit and for capacity.

From the developer guide's item-size rules: names and strings count their UTF-8 bytes,
binary values their bytes, numbers about one byte per two significant digits plus one, null
and Boolean values one byte, a list or map three bytes plus one per element, a set the sum of
its elements.
"""

from __future__ import annotations

from typing import Any

MAX_ITEM_BYTES = 400 * 1024


def number_size(text: str) -> int:
    """Bytes of a canonical number: its digits in base-100 pairs aligned on the decimal point
    (pairs of leading or trailing zeros cost nothing), one more byte, and one for a sign."""
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(".")
    whole = whole.lstrip("0")
    fraction = fraction.rstrip("0")
    if whole:
        trailing = len(whole) - len(whole.rstrip("0"))
        if not fraction:
            whole = whole[: len(whole) - 2 * (trailing // 2)]
    else:
        leading = len(fraction) - len(fraction.lstrip("0"))
        fraction = fraction[2 * (leading // 2):]
    pairs = (len(whole) + 1) // 2 + (len(fraction) + 1) // 2
    return min(21, max(1, pairs) + 1 + (1 if negative else 0))


def value_size(value: dict[str, Any]) -> int:
    kind, member = next(iter(value.items()))
    if kind == "S":
        return len(member.encode("utf-8"))
    if kind == "N":
        return number_size(member)
    if kind == "B":
        return len(member)
    if kind == "SS":
        return sum(len(m.encode("utf-8")) for m in member)
    if kind == "NS":
        return sum(number_size(m) for m in member)
    if kind == "BS":
        return sum(len(m) for m in member)
    if kind == "M":
        return 3 + sum(1 + len(name.encode("utf-8")) + value_size(item)
                       for name, item in member.items())
    if kind == "L":
        return 3 + sum(1 + value_size(item) for item in member)
    return 1  # NULL, BOOL


def item_size(item: dict[str, dict[str, Any]]) -> int:
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


__all__ = ["MAX_ITEM_BYTES", "item_size", "number_size", "value_size"]
