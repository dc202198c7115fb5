"""What the parts of the S3 provider share: tables, the blob store, bucket lookups with the
access check, names and owners."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from emulator.context import RequestContext
from emulator.services.base import Provider
from emulator.services.s3 import access, cors
from emulator.services.s3.blobs import BlobStore
from emulator.services.s3.errors import invalid_bucket_name, no_such_bucket
from emulator.services.s3.models import (
    BUCKETS,
    GLOBAL,
    BucketRecord,
    ObjectEntry,
    UploadRecord,
    objects_table,
    uploads_table,
)
from emulator.store import Table

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def valid_bucket_name(name: str) -> bool:
    """AWS's general purpose bucket naming rules:
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"""
    if not _BUCKET_NAME.match(name) or ".." in name:
        return False
    if name.startswith(_RESERVED_PREFIXES) or name.endswith(_RESERVED_SUFFIXES):
        return False
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return True
    return False


def canonical_id(account: str) -> str:
    """The canonical user id S3 shows for an account (64 hexadecimal digits)."""
    return hashlib.sha256(f"canonical:{account}".encode()).hexdigest()


def owner(account: str) -> dict[str, str]:
    return {"ID": canonical_id(account), "DisplayName": f"account-{account}"}


def moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def new_version_id() -> str:
    return secrets.token_urlsafe(24)


class S3Base(Provider):
    """State and lookups the provider's parts share."""

    service_name = "s3"

    def setup(self) -> None:
        self.blobs = BlobStore(self.own_folder)

    # -- tables ----------------------------------------------------------------------------

    def buckets(self) -> Table[BucketRecord]:
        return self.store.table(*GLOBAL, BUCKETS, BucketRecord)

    def objects(self, bucket: str) -> Table[ObjectEntry]:
        return self.store.table(*GLOBAL, objects_table(bucket), ObjectEntry)

    def uploads(self, bucket: str) -> Table[UploadRecord]:
        return self.store.table(*GLOBAL, uploads_table(bucket), UploadRecord)

    # -- lookups ---------------------------------------------------------------------------

    def bucket_record(self, name: str) -> BucketRecord:
        record = self.buckets().get(name)
        if record is None:
            raise no_such_bucket(name)
        return record

    def bucket_for(self, ctx: RequestContext, name: str, action: str,
                   key: str | None = None) -> BucketRecord:
        """The bucket a request acts on, once the request may act on it: anonymous requests
        need a bucket policy or ACL that lets everyone (see access.py)."""
        access.check_presigned(ctx, self.clock.now())
        if not valid_bucket_name(name) and name not in self.buckets():
            raise invalid_bucket_name(name)
        record = self.bucket_record(name)
        # The CORS answer goes out whatever follows, refusals included.
        origin = ctx.headers.get("origin")
        if origin and record.cors:
            rule = cors.find_rule(record.cors, origin, ctx.method)
            if rule is not None:
                ctx.response_headers.update(cors.response_headers(rule, origin,
                                                                  preflight=False))
        access.check(ctx, record, action, key, self.clock.now(),
                     None if key is None else lambda: self._current_acl(name, key))
        return record

    def _current_acl(self, bucket: str, key: str) -> str | None:
        entry = self.objects(bucket).get(key)
        current = entry.current if entry else None
        return current.acl if current is not None else None

    def request_owner(self, ctx: RequestContext) -> dict[str, str]:
        return owner(ctx.account_id)

    def reset(self) -> None:
        super().reset()
        for entry in self.blobs.folder.iterdir():
            entry.unlink(missing_ok=True)

    async def stop(self) -> None:
        if not self.store.persistent:
            self.blobs.close()

    def stored_blobs(self) -> set[str]:
        names: set[str] = set()
        for table in self.store.table_names(*GLOBAL):
            if table.startswith("objects:"):
                objects = self.objects(table.partition(":")[2])
                for entry in objects.values():
                    names.update(version.blob for version in entry.versions if version.blob)
            elif table.startswith("uploads:"):
                for upload in self.uploads(table.partition(":")[2]).values():
                    names.update(part.blob for part in upload.parts.values())
        return names


def page_marker(values: dict[str, Any], name: str) -> str | None:
    value = values.get(name)
    return str(value) if value else None


__all__ = ["S3Base", "canonical_id", "moment", "new_version_id", "owner", "valid_bucket_name"]
