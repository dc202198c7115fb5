"""The stored records of ECR: one record per repository. Times are epoch seconds."""

from __future__ import annotations

from pydantic import Field

from emulator.store import Record

REPOSITORIES = "repositories"  # key: the repository's name


class RepositoryRecord(Record):
    name: str
    created: float
    image_tag_mutability: str = "MUTABLE"
    scan_on_push: bool = False
    encryption: dict[str, str] = Field(default_factory=lambda: {"encryptionType": "AES256"})
    tags: list[dict[str, str]] = Field(default_factory=list)
    lifecycle_policy: str | None = None  # the policy's JSON text
    policy: str | None = None  # the repository policy's JSON text
