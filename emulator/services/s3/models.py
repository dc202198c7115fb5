"""The stored records of S3: buckets, object versions and multipart uploads.

Bucket names are global, so buckets live in one table for every account and region
(``GLOBAL``); each bucket's objects and uploads have tables of their own. Object bodies are
files (``blobs.BlobStore``); records hold the file's name.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.store import Record

GLOBAL = ("*", "*")  # the (account, region) scope of the bucket table
BUCKETS = "buckets"  # key: bucket name


def objects_table(bucket: str) -> str:
    return f"objects:{bucket}"  # key: object key; every version of it


def uploads_table(bucket: str) -> str:
    return f"uploads:{bucket}"  # key: upload id


class BucketRecord(Record):
    name: str
    account: str
    region: str
    created: float
    versioning: str | None = None  # None (never enabled), "Enabled" or "Suspended"
    tags: list[dict[str, str]] | None = None
    policy: str | None = None
    cors: list[dict[str, Any]] | None = None
    lifecycle: list[dict[str, Any]] | None = None
    encryption: dict[str, Any] | None = None
    ownership: str | None = "BucketOwnerEnforced"
    public_access_block: dict[str, bool] | None = Field(default_factory=lambda: {
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    notifications: dict[str, Any] = Field(default_factory=dict)
    acl: str = "private"  # a canned ACL: private, public-read, public-read-write...
    website: dict[str, Any] | None = None
    object_lock: dict[str, Any] | None = None  # the ObjectLockConfiguration, once enabled
    logging: dict[str, Any] | None = None  # server access logging's LoggingEnabled


class Checksum(Record):
    algorithm: str  # CRC32, CRC32C, CRC64NVME, SHA1, SHA256
    value: str  # base64, as the x-amz-checksum-* headers carry it
    type: str = "FULL_OBJECT"  # or COMPOSITE (multipart: a checksum of the parts' checksums)


class RestoreRecord(Record):
    """A restore of an archived version (restore.py): when it was asked for, when its copy
    is ready, and when that copy goes away."""

    tier: str  # Expedited, Standard or Bulk
    days: int
    requested: float
    completes: float
    expires: float


class ObjectVersion(Record):
    key: str
    version_id: str  # "null" when versioning was never enabled or is suspended
    last_modified: float
    delete_marker: bool = False
    blob: str = ""  # the body's file name
    size: int = 0
    etag: str = ""  # quoted, as the ETag header carries it
    content_type: str | None = None
    content_encoding: str | None = None
    content_disposition: str | None = None
    content_language: str | None = None
    cache_control: str | None = None
    expires: float | None = None
    website_redirect: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    storage_class: str = "STANDARD"
    checksum: Checksum | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    part_sizes: list[int] | None = None  # sizes of the parts of a multipart object
    encryption: str = "AES256"  # AES256 (SSE-S3 and SSE-C), aws:kms or aws:kms:dsse
    kms_key_id: str | None = None
    customer_key_md5: str | None = None  # base64 MD5 of an SSE-C key (encryption.py)
    acl: str = "private"  # the canned ACL (acls.py)
    restore: RestoreRecord | None = None  # the latest restore of an archived version
    lock_mode: str | None = None  # Object Lock retention: GOVERNANCE or COMPLIANCE...
    lock_until: float | None = None  # ...until this moment (lock_rules.py)
    legal_hold: str | None = None  # ON or OFF, once set


class ObjectEntry(Record):
    """Every version of one key, oldest first; the last one is the current version."""

    versions: list[ObjectVersion] = Field(default_factory=list)

    @property
    def current(self) -> ObjectVersion | None:
        return self.versions[-1] if self.versions else None


class PartRecord(Record):
    number: int
    etag: str
    size: int
    blob: str
    last_modified: float
    checksum: Checksum | None = None


class UploadRecord(Record):
    upload_id: str
    key: str
    initiated: float
    headers: dict[str, Any] = Field(default_factory=dict)  # what the object will carry
    checksum_algorithm: str | None = None
    checksum_type: str | None = None
    parts: dict[int, PartRecord] = Field(default_factory=dict)


__all__ = [
    "BUCKETS",
    "GLOBAL",
    "BucketRecord",
    "Checksum",
    "ObjectEntry",
    "ObjectVersion",
    "PartRecord",
    "RestoreRecord",
    "UploadRecord",
    "objects_table",
    "uploads_table",
]
