"""The stored records of KMS: symmetric keys (with their local key material) and aliases."""

from __future__ import annotations

from pydantic import Field

from emulator.store import Record

KEYS = "keys"  # key: key id
ALIASES = "aliases"  # key: alias name (alias/...)


class KeyRecord(Record):
    key_id: str
    arn: str
    material: bytes  # 256-bit AES key: what Encrypt and Decrypt use here
    description: str = ""
    usage: str = "ENCRYPT_DECRYPT"
    spec: str = "SYMMETRIC_DEFAULT"
    state: str = "Enabled"  # Enabled, Disabled, PendingDeletion
    policy: str = ""
    tags: list[dict[str, str]] = Field(default_factory=list)
    created: float = 0.0
    deletion: float | None = None
    pending_days: int | None = None
    rotation: bool = False
    rotation_days: int = 365
    manager: str = "CUSTOMER"


class AliasRecord(Record):
    name: str
    arn: str
    target: str  # key id
    created: float = 0.0
    updated: float = 0.0


__all__ = ["ALIASES", "KEYS", "AliasRecord", "KeyRecord"]
