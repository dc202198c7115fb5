"""Identifiers in the shapes AWS uses."""

from __future__ import annotations

import secrets
import uuid


def request_id() -> str:
    """A request id as AWS prints it (a lower-case UUID)."""
    return str(uuid.uuid4())


def uuid4() -> str:
    return str(uuid.uuid4())


def hex_token(length: int) -> str:
    return secrets.token_hex((length + 1) // 2)[:length]


def short_id(length: int = 10) -> str:
    """Lower-case alphanumeric ids such as API Gateway's rest API ids."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


__all__ = ["hex_token", "request_id", "short_id", "uuid4"]
