"""Errors the engine raises, with DynamoDB's error codes and messages.

The provider turns them into the API's error answers; the engine itself knows no HTTP.
"""

from __future__ import annotations

from typing import Any


class DynamoDBError(Exception):
    """A DynamoDB error answer: its code (an error shape's name) and message."""

    def __init__(self, code: str, message: str, **fields: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.fields = fields


class ValidationError(DynamoDBError):
    """DynamoDB's ValidationException."""

    def __init__(self, message: str) -> None:
        super().__init__("ValidationException", message)


class ConditionFailed(DynamoDBError):
    """A condition that did not hold; ``item`` is the item it was checked against (None when
    there was none), for ReturnValuesOnConditionCheckFailure."""

    def __init__(self, item: dict[str, Any] | None) -> None:
        super().__init__("ConditionalCheckFailedException", "The conditional request failed")
        self.item = item


def invalid(message: str) -> ValidationError:
    """``One or more parameter values were invalid: ...``"""
    return ValidationError(f"One or more parameter values were invalid: {message}")


__all__ = ["ConditionFailed", "DynamoDBError", "ValidationError", "invalid"]
