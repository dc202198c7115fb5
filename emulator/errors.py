"""The error every service raises, on the ground floor: providers, engines behind the ports
and the wire layer (which serialises it in each protocol's format) all import it from here.

A provider raises ``ServiceError("QueueDoesNotExist", "...")`` with the error shape's name (or
its wire code); the HTTP status and the query-compatible code come from botocore's model and
the service's overlay, not from the provider.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """An AWS error answer: an error code, a message and optional extra shape members."""

    def __init__(
        self,
        code: str,
        message: str = "",
        *,
        status: int | None = None,
        sender_fault: bool = True,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = sender_fault
        self.fields = fields or {}
        self.headers = headers or {}


def summary(error: BaseException) -> str:
    """``Code: message`` of a service's error, or the type and text of any other exception,
    for execution logs and integration failures."""
    if isinstance(error, ServiceError):
        return f"{error.code}: {error.message}"
    return f"{type(error).__name__}: {error}"


def not_found(message: str, code: str = "ResourceNotFoundException",
              **fields: Any) -> ServiceError:
    """A resource that does not exist, under the service's own code (``NotFoundException``,
    ``ParameterNotFound``...) and with the extra members its error shape has."""
    return ServiceError(code, message, fields=fields or None)


def conflict(message: str, code: str = "ResourceConflictException",
             **fields: Any) -> ServiceError:
    """A resource that exists already, or is in a state that forbids the change."""
    return ServiceError(code, message, fields=fields or None)


def validation_error(message: str) -> ServiceError:
    """The generic 400 ValidationException most json and rest-json services answer."""
    return ServiceError("ValidationException", message, status=400)


def not_implemented(service: str, operation: str) -> ServiceError:
    return ServiceError(
        "NotImplemented",
        f"The {operation} operation of service {service} is not implemented yet.",
        status=501,
        sender_fault=False,
    )


def unknown_service(hint: str) -> ServiceError:
    return ServiceError(
        "UnknownService",
        f"No AWS service matches this request ({hint}).",
        status=400,
    )


def internal_failure(message: str = "The request processing has failed.") -> ServiceError:
    return ServiceError("InternalFailure", message, status=500, sender_fault=False)


__all__ = [
    "ServiceError",
    "conflict",
    "internal_failure",
    "not_found",
    "not_implemented",
    "summary",
    "unknown_service",
    "validation_error",
]
