"""Which account a request acts for."""

from __future__ import annotations

from emulator.config import DEFAULT_ACCOUNT


def account_for(access_key: str | None) -> str:
    """A 12-digit access key id is that account; any other key is the default account."""
    if access_key and len(access_key) == 12 and access_key.isdigit():
        return access_key
    return DEFAULT_ACCOUNT


__all__ = ["DEFAULT_ACCOUNT", "account_for"]
