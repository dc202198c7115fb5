"""DynamoDB's error answers, and the engine's errors turned into them."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from emulator.dynamodb.errors import ConditionFailed, DynamoDBError
from emulator.errors import ServiceError

F = TypeVar("F", bound=Callable[..., Any])


def resource_not_found(message: str = "Requested resource not found") -> ServiceError:
    return ServiceError("ResourceNotFoundException", message)


def table_not_found(name: str) -> ServiceError:
    return resource_not_found(f"Requested resource not found: Table: {name} not found")


def resource_in_use(message: str) -> ServiceError:
    return ServiceError("ResourceInUseException", message)


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def to_service_error(error: DynamoDBError) -> ServiceError:
    fields = dict(error.fields)
    if isinstance(error, ConditionFailed) and error.item is not None and \
            fields.pop("return_item", False):
        fields["Item"] = error.item
    fields.pop("return_item", None)
    return ServiceError(error.code, error.message, fields=fields)


def answered(method: F) -> F:
    """Engine errors raised while answering become the API's errors."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except DynamoDBError as error:
            raise to_service_error(error) from None

    return wrapper  # type: ignore[return-value]


__all__ = ["answered", "resource_in_use", "resource_not_found", "table_not_found",
           "to_service_error", "validation"]
