"""Message attributes: checks on send, their share of the message size, filtering on receive."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from emulator.services.sqs.characters import ALLOWED, first_invalid
from emulator.services.sqs.models import AttributeValue
from emulator.services.sqs.naming import invalid_parameter

MAX_ATTRIBUTES = 10
_NAME = re.compile(r"[A-Za-z0-9_.-]{1,256}")
_TYPE_PREFIXES = ("String", "Number", "Binary")
SYSTEM_ATTRIBUTES = frozenset({"AWSTraceHeader"})


def _check_name(name: str) -> None:
    if name.lower().startswith(("aws.", "amazon.")):
        raise invalid_parameter(
            "You can't use message attribute names beginning with AWS. or Amazon. "
            "These strings are reserved for internal use. Please choose a different name."
        )
    if not _NAME.fullmatch(name) or name.startswith(".") or name.endswith(".") or ".." in name:
        raise invalid_parameter(
            f"Message (user) attribute name '{name}' is invalid. The attribute name can contain "
            "A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters. It can't "
            "start or end with a period and can't have successive periods."
        )


def _check_value(name: str, value: Mapping[str, Any], kind: str = "user") -> AttributeValue:
    data_type = str(value.get("DataType") or "")
    if not data_type:
        raise invalid_parameter(
            f"The message attribute '{name}' must contain non-empty message attribute type."
        )
    base = data_type.split(".", 1)[0]
    if (
        base not in _TYPE_PREFIXES
        or len(data_type) > 256
        or data_type.endswith(".")
        or first_invalid(data_type)
    ):
        raise invalid_parameter(
            f"The type of message ({kind}) attribute '{name}' is invalid. You must use only the "
            "following supported type prefixes: Binary, Number, String."
        )
    string_value, binary_value = value.get("StringValue"), value.get("BinaryValue")
    if base == "Binary":
        if string_value is not None:
            raise invalid_parameter(
                f"The message attribute '{name}' with type 'Binary' must use field 'Binary'."
            )
        if not binary_value:
            raise _empty_value(name, data_type)
        return AttributeValue(DataType=data_type, BinaryValue=bytes(binary_value))
    if binary_value is not None:
        raise invalid_parameter(
            f"The message attribute '{name}' with type '{base}' must use field 'String'."
        )
    if not string_value:
        raise _empty_value(name, data_type)
    bad = first_invalid(string_value)
    if bad is not None:
        raise invalid_parameter(
            f"Invalid binary character '{bad}' was found in the value of message ({kind}) "
            f"attribute '{name}', the set of allowed characters is {ALLOWED}"
        )
    if base == "Number":
        try:
            number = Decimal(string_value.strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise invalid_parameter(
                f"Can't cast the value of message ({kind}) attribute '{name}' to a number."
            )
    return AttributeValue(DataType=data_type, StringValue=string_value)


def _empty_value(name: str, data_type: str) -> Exception:
    return invalid_parameter(
        f"The message attribute '{name}' must contain non-empty message attribute value for "
        f"message attribute type '{data_type}'."
    )


def check_attributes(given: Mapping[str, Mapping[str, Any]] | None) -> dict[str, AttributeValue]:
    if not given:
        return {}
    if len(given) > MAX_ATTRIBUTES:
        raise invalid_parameter(
            f"Number of message attributes [{len(given)}] exceeds the allowed maximum "
            f"[{MAX_ATTRIBUTES}]."
        )
    checked: dict[str, AttributeValue] = {}
    for name, value in given.items():
        _check_name(name)
        checked[name] = _check_value(name, value)
    return checked


def check_system_attributes(
    given: Mapping[str, Mapping[str, Any]] | None,
) -> dict[str, AttributeValue]:
    if not given:
        return {}
    checked: dict[str, AttributeValue] = {}
    for name, value in given.items():
        if name not in SYSTEM_ATTRIBUTES:
            raise invalid_parameter(f"Message system attribute name '{name}' is invalid.")
        checked[name] = _check_value(name, value, kind="system")
        if checked[name].DataType != "String":
            raise invalid_parameter(
                f"The message system attribute '{name}' must be of type 'String'."
            )
    return checked


def _utf8(text: str) -> bytes:
    # Sizes are taken before characters are checked, so lone surrogates must not fail here.
    return text.encode("utf-8", "surrogatepass")


def size_of(attributes: Mapping[str, AttributeValue]) -> int:
    """Bytes the attributes add to the message size: name, type and value of each."""
    total = 0
    for name, value in attributes.items():
        total += len(_utf8(name)) + len(_utf8(value.DataType))
        if value.StringValue is not None:
            total += len(_utf8(value.StringValue))
        if value.BinaryValue is not None:
            total += len(value.BinaryValue)
    return total


class AttributeFilter:
    """Which message attributes a receive asked for: All, ``.*``, ``prefix.*`` or exact names."""

    def __init__(self, names: Iterable[str] | None) -> None:
        self.everything = False
        self.exact: set[str] = set()
        self.prefixes: list[str] = []
        for name in names or ():
            if name in ("All", ".*"):
                self.everything = True
            elif name.endswith(".*"):
                self.prefixes.append(name[:-1])
            else:
                self.exact.add(name)

    def __bool__(self) -> bool:
        return self.everything or bool(self.exact) or bool(self.prefixes)

    def select(self, attributes: Mapping[str, AttributeValue]) -> dict[str, AttributeValue]:
        if self.everything:
            return dict(attributes)
        return {
            name: value
            for name, value in attributes.items()
            if name in self.exact or any(name.startswith(p) for p in self.prefixes)
        }


__all__ = [
    "MAX_ATTRIBUTES",
    "AttributeFilter",
    "check_attributes",
    "check_system_attributes",
    "size_of",
]
