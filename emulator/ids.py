"""Identifiers in the shapes AWS uses."""

from __future__ import annotations

import random
import secrets
import uuid

# Request ids need to be unique, not secret: a generator of our own (seeded from the OS) is
# several times cheaper than uuid4() on every request, and handler code that seeds the
# ``random`` module cannot make ids repeat.
_ids = random.Random()
_VERSION_4 = 0x4000 << 64 | 0x8000 << 48  # the version and variant bits of a UUID4
_CLEAR = ~(0xF000 << 64 | 0xC000 << 48)


def request_id() -> str:
    """A request id as AWS prints it (a lower-case random UUID, version 4)."""
    digits = f"{_ids.getrandbits(128) & _CLEAR | _VERSION_4:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


# Ids made for every request of a data plane (SQS message ids and the like) come from the
# same generator: uuid4() and the OS's random bytes cost a system call each, which also
# hands the interpreter lock to any other thread that wants it.
message_id = request_id


def random_bytes(count: int) -> bytes:
    """``count`` random bytes for an id that must be unique, not secret."""
    return _ids.randbytes(count)


def uuid4() -> str:
    return str(uuid.uuid4())


def hex_token(length: int) -> str:
    return secrets.token_hex((length + 1) // 2)[:length]


def short_id(length: int = 10) -> str:
    """Lower-case alphanumeric ids such as API Gateway's rest API ids."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


__all__ = ["hex_token", "message_id", "random_bytes", "request_id", "short_id", "uuid4"]
