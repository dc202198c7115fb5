"""Receipt handles: which queue, which message and which receive of it a handle names."""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass

from emulator.errors import ServiceError
from emulator.services.sqs.characters import printable


@dataclass(frozen=True)
class Receipt:
    queue_arn: str
    message_id: str
    token: str


def new_token() -> str:
    return secrets.token_hex(12)


def encode(queue_arn: str, message_id: str, token: str) -> str:
    return base64.b64encode(f"{queue_arn} {message_id} {token}".encode()).decode("ascii")


def invalid_handle(handle: str) -> ServiceError:
    return ServiceError(
        "ReceiptHandleIsInvalid",
        printable(f'The input receipt handle "{handle}" is not a valid receipt handle.'),
    )


def decode(handle: str, queue_arn: str) -> Receipt:
    """The receipt a handle names; ReceiptHandleIsInvalid when it is not one of this queue's."""
    try:
        text = base64.b64decode(handle, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise invalid_handle(handle) from None
    parts = text.split(" ")
    if len(parts) != 3 or parts[0] != queue_arn or not all(parts):
        raise invalid_handle(handle)
    return Receipt(*parts)


__all__ = ["Receipt", "decode", "encode", "invalid_handle", "new_token"]
