"""Which account a request acts for."""

from __future__ import annotations

import base64
import secrets

from emulator.config import DEFAULT_ACCOUNT

# Temporary keys (ASIA...) carry their account the way AWS's own do: the first 48 bits after
# the prefix, base32-decoded, hold the account id shifted left by 7, under a clear top bit.
_SESSION_PREFIX = "ASIA"
_ACCOUNT_MASK = 0x7FFFFFFFFF80


def account_for(access_key: str | None) -> str:
    """A 12-digit access key id is that account, a temporary key issued by STS the account it
    was issued in; any other key is the default account."""
    if access_key and len(access_key) == 12 and access_key.isdigit():
        return access_key
    if access_key and access_key.startswith(_SESSION_PREFIX) and len(access_key) == 20:
        account = key_account(access_key)
        if account is not None:
            return account
    return DEFAULT_ACCOUNT


def key_account(access_key: str) -> str | None:
    """The account encoded in an AKIA/ASIA access key id, None when it holds none."""
    try:
        raw = base64.b32decode(access_key[4:20])
    except (ValueError, TypeError):
        return None
    number = (int.from_bytes(raw[:6], "big") & _ACCOUNT_MASK) >> 7
    return f"{number:012d}" if number < 10**12 else None


def session_key(account: str) -> str:
    """A new temporary access key id (ASIA + 16 characters) that decodes to ``account``."""
    head = (int(account) << 7 | secrets.randbits(7)).to_bytes(6, "big")
    return _SESSION_PREFIX + base64.b32encode(head + secrets.token_bytes(4)).decode()


__all__ = ["DEFAULT_ACCOUNT", "account_for", "key_account", "session_key"]
