"""ExpressionAttributeNames and ExpressionAttributeValues of one request.

The maps are checked once (not empty, well-formed keys, valid values); expressions then look
their placeholders up here, which records what was used, and ``check_unused`` reports
anything left over, as DynamoDB does after checking every expression of the request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from emulator.dynamodb.errors import DynamoDBError, ValidationError
from emulator.dynamodb.values import AttributeValue, check_value

_NAME_KEY = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_KEY = re.compile(r":[A-Za-z0-9_]+")


def _joined(names: list[str]) -> str:
    if len(names) == 1:
        return f"{names[0]} is null"
    return f"{', '.join(names[:-1])} and {names[-1]} are null"


class Placeholders:
    def __init__(
        self,
        names: Mapping[str, Any] | None,
        values: Mapping[str, Any] | None,
        expressions: Mapping[str, str | None],
    ) -> None:
        """``expressions`` maps each expression parameter of the operation to its text (None
        when absent), for the errors about maps given without expressions."""
        used = [text for text in expressions.values() if text is not None]
        if names is not None:
            if not used:
                raise ValidationError(
                    "ExpressionAttributeNames can only be specified when using expressions: "
                    + _joined(list(expressions)))
            if not names:
                raise ValidationError("ExpressionAttributeNames must not be empty")
            for key in names:
                if not _NAME_KEY.fullmatch(key):
                    raise ValidationError(
                        f"ExpressionAttributeNames contains invalid key: Syntax error; key: "
                        f"\"{key}\"")
        if values is not None:
            if not used:
                raise ValidationError(
                    "ExpressionAttributeValues can only be specified when using expressions: "
                    + _joined(list(expressions)))
            if not values:
                raise ValidationError("ExpressionAttributeValues must not be empty")
            for key in values:
                if not _VALUE_KEY.fullmatch(key):
                    raise ValidationError(
                        f"ExpressionAttributeValues contains invalid key: Syntax error; key: "
                        f"\"{key}\"")
        self.names: dict[str, str] = dict(names or {})
        self.values: dict[str, AttributeValue] = {}
        for key, value in (values or {}).items():
            try:
                self.values[key] = check_value(value)
            except DynamoDBError as error:
                raise ValidationError(
                    f"ExpressionAttributeValues contains invalid value: {error.message} for key "
                    f"{key}") from None
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()

    def name(self, placeholder: str, kind: str) -> str:
        found = self.names.get(placeholder)
        if found is None:
            raise ValidationError(
                f"Invalid {kind}: An expression attribute name used in the document path is "
                f"not defined; attribute name: {placeholder}")
        self.used_names.add(placeholder)
        return found

    def value(self, placeholder: str, kind: str) -> AttributeValue:
        found = self.values.get(placeholder)
        if found is None:
            raise ValidationError(
                f"Invalid {kind}: An expression attribute value used in expression is not "
                f"defined; attribute value: {placeholder}")
        self.used_values.add(placeholder)
        return found

    def check_unused(self) -> None:
        unused_names = sorted(set(self.names) - self.used_names)
        if unused_names:
            raise ValidationError(
                "Value provided in ExpressionAttributeNames unused in expressions: keys: "
                f"{{{', '.join(unused_names)}}}")
        unused_values = sorted(set(self.values) - self.used_values)
        if unused_values:
            raise ValidationError(
                "Value provided in ExpressionAttributeValues unused in expressions: keys: "
                f"{{{', '.join(unused_values)}}}")


__all__ = ["Placeholders"]
