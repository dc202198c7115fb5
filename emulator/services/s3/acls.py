"""Object ACLs: PutObjectAcl and GetObjectAcl on a version. The canned ACL an upload or a
copy gives a version is checked by ``access.checked_object_acl`` against the bucket's object
ownership and public access block; a version whose ACL is ``public-read`` may be read
anonymously (``access.public_allows``) unless the bucket ignores public ACLs."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.s3.access import checked_object_acl
from emulator.services.s3.buckets import acl_grants
from emulator.services.s3.objects import ObjectsApi


class ObjectAclsApi(ObjectsApi):
    def put_object_acl(self, ctx: RequestContext, *, bucket: str, key: str,
                       acl: str | None = None, version_id: str | None = None,
                       **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutObjectAcl", key)
        version = self.find(bucket, key, version_id)
        version.acl = checked_object_acl(record, acl)
        self.objects(bucket).put(key, self.objects(bucket).get(key))  # type: ignore[arg-type]
        return self.version_header(record, version)

    def get_object_acl(self, ctx: RequestContext, *, bucket: str, key: str,
                       version_id: str | None = None, **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetObjectAcl", key)
        version = self.find(bucket, key, version_id)
        return {**acl_grants(record.account, version.acl), **self.version_header(record, version)}


__all__ = ["ObjectAclsApi"]
