"""The stored records of Secrets Manager: secrets with their versions and staging labels."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.store import Record

SECRETS = "secrets"  # key: secret name


class SecretVersion(Record):
    version_id: str
    string: str | None = None
    binary: bytes | None = None
    stages: list[str] = Field(default_factory=list)
    created: float = 0.0


class SecretRecord(Record):
    name: str
    arn: str
    description: str | None = None
    kms_key_id: str | None = None
    tags: list[dict[str, str]] = Field(default_factory=list)
    versions: dict[str, SecretVersion] = Field(default_factory=dict)
    created: float = 0.0
    changed: float = 0.0
    accessed: float | None = None
    deleted: float | None = None  # the deletion date, while scheduled
    rotation_lambda: str | None = None
    rotation_rules: dict[str, Any] | None = None
    rotated: float | None = None

    def staged(self, stage: str) -> SecretVersion | None:
        return next((v for v in self.versions.values() if stage in v.stages), None)


__all__ = ["SECRETS", "SecretRecord", "SecretVersion"]
