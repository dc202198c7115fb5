"""Objects: put, get and head (ranges, conditions, part numbers, response overrides), delete
(versions and delete markers), delete many, copy (metadata and tagging directives), tagging
and attributes.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.s3 import access, conditions, encryption, lock_rules, uploads
from emulator.services.s3.buckets import check_tags
from emulator.services.s3.common import S3Base, moment, new_version_id
from emulator.services.s3.errors import (
    invalid_argument,
    invalid_request,
    malformed_xml,
    no_such_key,
    no_such_version,
    precondition_failed,
    s3_error,
)
from emulator.services.s3.expiry import expiration_header
from emulator.services.s3.models import BucketRecord, Checksum, ObjectEntry, ObjectVersion
from emulator.services.s3.restore_state import check_readable, restore_header
from emulator.streams import ByteStream

MAX_KEY_BYTES = 1024
MAX_METADATA_BYTES = 2048
CONTENT_FIELDS = {  # output member -> record attribute
    "ContentType": "content_type", "ContentEncoding": "content_encoding",
    "ContentDisposition": "content_disposition", "ContentLanguage": "content_language",
    "CacheControl": "cache_control",
}


def check_key(key: str) -> None:
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise s3_error("KeyTooLongError", "Your key is too long", Size=len(key.encode()),
                       MaxSizeAllowed=MAX_KEY_BYTES)


def check_metadata(metadata: dict[str, str] | None) -> dict[str, str]:
    metadata = {key.lower(): value for key, value in (metadata or {}).items()}
    size = sum(len(key.encode()) + len(value.encode()) for key, value in metadata.items())
    if size > MAX_METADATA_BYTES:
        raise s3_error("MetadataTooLarge", "Your metadata headers exceed the maximum allowed "
                       "metadata size.", Size=size, MaxSizeAllowed=MAX_METADATA_BYTES)
    return metadata


def parse_tagging(text: str | None) -> dict[str, str]:
    if not text:
        return {}
    pairs = parse_qsl(text, keep_blank_values=True)
    tags = check_tags([{"Key": key, "Value": value} for key, value in pairs], limit=10)
    return {tag["Key"]: tag["Value"] for tag in tags}


def content_headers(params: dict[str, Any]) -> dict[str, Any]:
    """The stored headers an upload sets (also kept on a multipart upload until complete)."""
    expires = params.get("expires")
    return {
        "content_type": params.get("content_type"),
        "content_encoding": params.get("content_encoding"),
        "content_disposition": params.get("content_disposition"),
        "content_language": params.get("content_language"),
        "cache_control": params.get("cache_control"),
        "expires": expires.timestamp() if isinstance(expires, datetime) else None,
        "website_redirect": params.get("website_redirect_location"),
        "metadata": check_metadata(params.get("metadata")),
        "storage_class": params.get("storage_class") or "STANDARD",
        "tags": parse_tagging(params.get("tagging")),
    }


class ObjectsApi(S3Base):
    # -- storing a version -----------------------------------------------------------------

    def find(self, bucket: str, key: str, version_id: str | None = None) -> ObjectVersion:
        """The current version (NoSuchKey when it is missing or a delete marker), or the
        version asked for (NoSuchVersion)."""
        entry = self.objects(bucket).get(key)
        if version_id is not None:
            for version in entry.versions if entry else ():
                if version.version_id == version_id:
                    return version
            if version_id != "null" and len(version_id) < 8:
                raise invalid_argument("Invalid version id specified", "versionId", version_id)
            raise no_such_version(key, version_id)
        current = entry.current if entry else None
        if current is None:
            raise no_such_key(key)
        if current.delete_marker:
            error = no_such_key(key)
            error.headers["x-amz-delete-marker"] = "true"
            raise error
        return current

    def commit(self, record: BucketRecord, version: ObjectVersion) -> ObjectVersion:
        """Store a new version as the bucket's versioning asks: a new id when enabled, else
        the "null" version, replacing (and freeing) the one before."""
        lock_rules.apply_default(record, version)
        objects = self.objects(record.name)
        entry = objects.get(version.key) or ObjectEntry()
        freed: list[str] = []
        if record.versioning == "Enabled":
            version.version_id = new_version_id()
        else:
            version.version_id = "null"
            kept = []
            for old in entry.versions:
                if old.version_id == "null":
                    freed.append(old.blob)
                else:
                    kept.append(old)
            entry.versions = kept
        entry.versions.append(version)
        objects.put(version.key, entry)
        for blob in freed:
            self.blobs.delete(blob)
        return version

    def version_header(self, record: BucketRecord, version: ObjectVersion) -> dict[str, str]:
        return {"VersionId": version.version_id} if record.versioning else {}

    def object_event(self, record: BucketRecord, event: str, version: ObjectVersion,
                     ctx: RequestContext | None) -> None:
        """Tell the bucket's notification targets (see notifications.py)."""

    # -- put -------------------------------------------------------------------------------

    async def put_object(self, ctx: RequestContext, *, bucket: str, key: str,
                         body: ByteStream | bytes | None = None, **params: Any) -> dict[str, Any]:
        return await self.store_upload(ctx, bucket, key, body, params, "ObjectCreated:Put")

    async def store_upload(self, ctx: RequestContext, bucket: str, key: str,
                           body: ByteStream | bytes | None, params: dict[str, Any],
                           event: str) -> dict[str, Any]:
        """PutObject, and a POST form's upload (``event`` tells notifications which)."""
        record = self.bucket_for(ctx, bucket, "s3:PutObject", key)
        check_key(key)
        headers = content_headers(params)
        headers["acl"] = access.checked_object_acl(record, params.get("acl"))
        headers.update(encryption.requested(record, params))
        lock = lock_rules.upload_lock(record, params, self.clock.now())
        if event == "ObjectCreated:Put":
            lock_rules.check_integrity(record, bool(lock), ctx.headers, "Put Object")
        headers.update(lock)
        self._check_write_conditions(bucket, key, params)
        received = await uploads.receive(self.blobs, body, params, ctx.headers)
        version = ObjectVersion(
            key=key, version_id="null", last_modified=self.clock.now(),
            blob=received.written.name, size=received.written.size, etag=received.etag,
            checksum=received.checksum, **headers)
        try:
            self._check_write_conditions(bucket, key, params)  # another write may have won
        except ServiceError:
            self.blobs.delete(version.blob)
            raise
        self.commit(record, version)
        self.object_event(record, event, version, ctx)
        result = {"ETag": version.etag, **encryption.fields_of(version),
                  **self.version_header(record, version),
                  **uploads.checksum_fields(version.checksum)}
        expiration = expiration_header(record.lifecycle, version)
        if expiration:
            result["Expiration"] = expiration
        return result

    def _check_write_conditions(self, bucket: str, key: str, params: dict[str, Any]) -> None:
        if_none_match, if_match = params.get("if_none_match"), params.get("if_match")
        if if_none_match is None and if_match is None:
            return
        entry = self.objects(bucket).get(key)
        current = entry.current if entry else None
        exists = current is not None and not current.delete_marker
        if if_none_match is not None:
            if if_none_match != "*":
                raise s3_error("NotImplemented", "A header you provided implies functionality "
                               "that is not implemented", 501, Header="If-None-Match")
            if exists:
                raise precondition_failed("If-None-Match")
        if if_match is not None:
            if not exists:
                raise no_such_key(key)
            assert current is not None
            if if_match.strip('"') != current.etag.strip('"') and if_match != "*":
                raise precondition_failed("If-Match")

    # -- get and head ----------------------------------------------------------------------

    def _read(self, ctx: RequestContext, bucket: str, key: str, params: dict[str, Any],
              with_body: bool) -> dict[str, Any]:
        action = "s3:GetObjectVersion" if params.get("version_id") else "s3:GetObject"
        record = self.bucket_for(ctx, bucket, action, key)
        for header in ("x-amz-server-side-encryption",
                       "x-amz-server-side-encryption-aws-kms-key-id"):
            if header in ctx.headers:  # reads take only SSE-C's headers
                raise invalid_argument(f"{header} header is not supported for this "
                                       "operation.", header, ctx.headers[header])
        version = self.find(bucket, key, params.get("version_id"))
        if version.delete_marker:
            raise ServiceError("MethodNotAllowed", "The specified method is not allowed "
                               "against this resource.", status=405,
                               fields={"Method": "GET", "ResourceType": "DeleteMarker"},
                               headers={"x-amz-delete-marker": "true",
                                        "x-amz-version-id": version.version_id})
        encryption.check_read(version.customer_key_md5, params)
        conditions.check_read(version, params.get("if_match"), params.get("if_none_match"),
                              params.get("if_modified_since"), params.get("if_unmodified_since"))
        now = self.clock.now()
        if with_body:
            check_readable(version, now)
        start, end = 0, version.size - 1
        part_number = params.get("part_number")
        result: dict[str, Any] = {}
        if part_number is not None:
            start, end = self._part_range(version, part_number)
            result["PartsCount"] = len(version.part_sizes or [1])
            partial = version.part_sizes is not None
        else:
            found = conditions.parse_range(params.get("range"), version.size)
            partial = found is not None
            if found is not None:
                start, end = found
        length = max(0, end - start + 1)
        if partial:
            ctx.response_status = 206
            result["ContentRange"] = f"bytes {start}-{end}/{version.size}"
        elif params.get("checksum_mode") == "ENABLED":
            result.update(uploads.checksum_fields(version.checksum))
        if with_body:
            result["Body"] = self.blobs.range(version.blob, start, length)
        result.update({
            "ContentLength": length, "ETag": version.etag, "AcceptRanges": "bytes",
            "LastModified": moment(version.last_modified), **encryption.fields_of(version),
            "ContentType": version.content_type or "binary/octet-stream",
            **self.version_header(record, version),
        })
        for member, attribute in CONTENT_FIELDS.items():
            if member != "ContentType" and getattr(version, attribute):
                result[member] = getattr(version, attribute)
        if version.expires is not None:
            result["Expires"] = moment(version.expires)
        expiration = expiration_header(record.lifecycle, version)
        if expiration:
            result["Expiration"] = expiration
        if version.metadata:
            result["Metadata"] = version.metadata
        if version.tags:  # x-amz-tagging-count, on HEAD as on GET (HeadObject's TagCount)
            result["TagCount"] = len(version.tags)
        if version.storage_class != "STANDARD":
            result["StorageClass"] = version.storage_class
        restore = restore_header(version, now)
        if restore is not None:
            result["Restore"] = restore
        if version.website_redirect:
            result["WebsiteRedirectLocation"] = version.website_redirect
        result.update(lock_rules.lock_headers(version))
        for name in ("cache_control", "content_disposition", "content_encoding",
                     "content_language", "content_type"):
            override = params.get(f"response_{name}")
            if override is not None:
                result["".join(part.title() for part in name.split("_"))] = override
        if params.get("response_expires") is not None:
            result["Expires"] = params["response_expires"]
        return result

    def _part_range(self, version: ObjectVersion, part_number: int) -> tuple[int, int]:
        sizes = version.part_sizes or [version.size]
        if not 1 <= part_number <= len(sizes):
            raise s3_error("InvalidPartNumber", "The requested partnumber is not satisfiable",
                           416, PartNumberRequested=part_number, ActualPartCount=len(sizes))
        start = sum(sizes[:part_number - 1])
        return start, start + sizes[part_number - 1] - 1

    def get_object(self, ctx: RequestContext, *, bucket: str, key: str,
                   **params: Any) -> dict[str, Any]:
        return self._read(ctx, bucket, key, params, with_body=True)

    def head_object(self, ctx: RequestContext, *, bucket: str, key: str,
                    **params: Any) -> dict[str, Any]:
        return self._read(ctx, bucket, key, params, with_body=False)

    # -- delete ----------------------------------------------------------------------------

    def delete_object(self, ctx: RequestContext, *, bucket: str, key: str,
                      version_id: str | None = None,
                      bypass_governance_retention: bool | None = None,
                      **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:DeleteObject", key)
        return self.remove(record, key, version_id, ctx,
                           bypass_governance=bool(bypass_governance_retention))

    def remove(self, record: BucketRecord, key: str, version_id: str | None,
               ctx: RequestContext | None, kind: str = "ObjectRemoved",
               bypass_governance: bool = False) -> dict[str, Any]:
        """Delete a version, or the key (a delete marker when versioned); ``kind`` names the
        events (``LifecycleExpiration`` when a lifecycle rule expires it). A version Object
        Lock protects stays (AccessDenied)."""
        objects = self.objects(record.name)
        entry = objects.get(key)
        if version_id is not None:
            for version in entry.versions if entry else ():
                if version.version_id == version_id:
                    lock_rules.check_removable(version, bypass_governance, self.clock.now())
            kept = [version for version in (entry.versions if entry else ())
                    if version.version_id != version_id]
            gone = [version for version in (entry.versions if entry else ())
                    if version.version_id == version_id]
            if entry is not None and gone:
                entry.versions = kept
                if kept:
                    objects.put(key, entry)
                else:
                    objects.delete(key)
                for version in gone:
                    self.blobs.delete(version.blob)
                    self.object_event(record, f"{kind}:Delete", version, ctx)
            result: dict[str, Any] = {"VersionId": version_id}
            if gone and gone[0].delete_marker:
                result["DeleteMarker"] = True
            return result
        if record.versioning is None:
            if entry is not None:
                objects.delete(key)
                for version in entry.versions:
                    self.blobs.delete(version.blob)
                    self.object_event(record, f"{kind}:Delete", version, ctx)
            return {}
        marker = ObjectVersion(key=key, version_id="null", last_modified=self.clock.now(),
                               delete_marker=True)
        self.commit(record, marker)
        self.object_event(record, f"{kind}:DeleteMarkerCreated", marker, ctx)
        return {"DeleteMarker": True, "VersionId": marker.version_id}

    def delete_objects(self, ctx: RequestContext, *, bucket: str, delete: dict[str, Any],
                       bypass_governance_retention: bool | None = None,
                       **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:DeleteObject")
        items = delete.get("Objects") or []
        if not items or len(items) > 1000:
            raise malformed_xml()
        deleted, errors = [], []
        for item in items:
            key, version_id = item.get("Key", ""), item.get("VersionId")
            try:
                outcome = self.remove(record, key, version_id, ctx,
                                      bypass_governance=bool(bypass_governance_retention))
            except ServiceError as error:
                errors.append({"Key": key, "VersionId": version_id, "Code": error.code,
                               "Message": error.message})
                continue
            done: dict[str, Any] = {"Key": key}
            if version_id is not None:
                done["VersionId"] = version_id
            if outcome.get("DeleteMarker"):
                done["DeleteMarker"] = True
                done["DeleteMarkerVersionId"] = outcome.get("VersionId")
            deleted.append(done)
        result: dict[str, Any] = {"Errors": errors} if errors else {}
        if not delete.get("Quiet"):
            result["Deleted"] = deleted
        return result

    # -- copy ------------------------------------------------------------------------------

    def copy_source(self, ctx: RequestContext, copy_source: str, params: dict[str, Any]
                    ) -> tuple[BucketRecord, ObjectVersion]:
        """The version ``x-amz-copy-source`` names, once its ``x-amz-copy-source-if-*``
        conditions hold."""
        source, _, query = copy_source.partition("?")
        source_bucket, _, source_key = unquote(source.lstrip("/")).partition("/")
        if not source_bucket or not source_key:
            raise invalid_argument("Invalid copy source object key", "x-amz-copy-source",
                                   copy_source)
        version_id = dict(parse_qsl(query)).get("versionId")
        record = self.bucket_for(ctx, source_bucket, "s3:GetObject", source_key)
        found = self.find(source_bucket, source_key, version_id)
        encryption.check_read(found.customer_key_md5, params, "copy_source_")
        conditions.check_read(found, params.get("copy_source_if_match"),
                              params.get("copy_source_if_none_match"),
                              params.get("copy_source_if_modified_since"),
                              params.get("copy_source_if_unmodified_since"),
                              prefix="x-amz-copy-source-")
        check_readable(found, self.clock.now())
        return record, found

    async def copy_object(self, ctx: RequestContext, *, bucket: str, key: str,
                          copy_source: str, **params: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutObject", key)
        check_key(key)
        source_record, source = self.copy_source(ctx, copy_source, params)
        replace_metadata = params.get("metadata_directive") == "REPLACE"
        same = source_record.name == bucket and source.key == key
        changes = replace_metadata or params.get("storage_class") or params.get(
            "website_redirect_location") or params.get("server_side_encryption") or params.get(
            "sse_customer_algorithm")
        if same and not changes:
            raise invalid_request(
                "This copy request is illegal because it is trying to copy an object to itself "
                "without changing the object's metadata, storage class, website redirect "
                "location or encryption attributes.")
        headers = content_headers(params) if replace_metadata else {
            "content_type": source.content_type, "content_encoding": source.content_encoding,
            "content_disposition": source.content_disposition,
            "content_language": source.content_language, "cache_control": source.cache_control,
            "expires": source.expires, "website_redirect": source.website_redirect,
            "metadata": dict(source.metadata),
            "storage_class": params.get("storage_class") or source.storage_class,
        }
        headers["acl"] = access.checked_object_acl(record, params.get("acl"))
        headers.update(encryption.requested(record, params))
        headers.update(lock_rules.upload_lock(record, params, self.clock.now()))
        headers["tags"] = parse_tagging(params.get("tagging")) if params.get(
            "tagging_directive") == "REPLACE" else dict(source.tags)
        algorithm = params.get("checksum_algorithm") or (
            source.checksum.algorithm if source.checksum else None)
        written = await self.blobs.copy(source.blob, 0, source.size,
                                        [algorithm] if algorithm else [])
        version = ObjectVersion(
            key=key, version_id="null", last_modified=self.clock.now(), blob=written.name,
            size=written.size, etag=f'"{written.md5_hex}"',
            checksum=Checksum(algorithm=algorithm, value=written.checksums[algorithm])
            if algorithm else None, **headers)
        self.commit(record, version)
        self.object_event(record, "ObjectCreated:Copy", version, ctx)
        result: dict[str, Any] = {
            "CopyObjectResult": {"ETag": version.etag,
                                 "LastModified": moment(version.last_modified),
                                 **uploads.checksum_fields(version.checksum)},
            **encryption.fields_of(version), **self.version_header(record, version)}
        if source_record.versioning:
            result["CopySourceVersionId"] = source.version_id
        return result

    # -- tagging and attributes ------------------------------------------------------------

    def put_object_tagging(self, ctx: RequestContext, *, bucket: str, key: str,
                           tagging: dict[str, Any], version_id: str | None = None,
                           **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutObjectTagging", key)
        version = self.find(bucket, key, version_id)
        tags = check_tags(tagging.get("TagSet", []), limit=10)
        version.tags = {tag["Key"]: tag["Value"] for tag in tags}
        self.objects(bucket).put(key, self.objects(bucket).get(key))  # type: ignore[arg-type]
        return self.version_header(record, version)

    def get_object_tagging(self, ctx: RequestContext, *, bucket: str, key: str,
                           version_id: str | None = None, **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetObjectTagging", key)
        version = self.find(bucket, key, version_id)
        return {"TagSet": [{"Key": k, "Value": v} for k, v in version.tags.items()],
                **self.version_header(record, version)}

    def delete_object_tagging(self, ctx: RequestContext, *, bucket: str, key: str,
                              version_id: str | None = None, **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:DeleteObjectTagging", key)
        version = self.find(bucket, key, version_id)
        version.tags = {}
        self.objects(bucket).put(key, self.objects(bucket).get(key))  # type: ignore[arg-type]
        ctx.response_status = 204
        return self.version_header(record, version)

    def get_object_attributes(self, ctx: RequestContext, *, bucket: str, key: str,
                              object_attributes: list[str], version_id: str | None = None,
                              **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:GetObject", key)
        version = self.find(bucket, key, version_id)
        wanted = set(object_attributes)
        result: dict[str, Any] = {"LastModified": moment(version.last_modified),
                                  **self.version_header(record, version)}
        if "ETag" in wanted:
            result["ETag"] = version.etag.strip('"')
        if "ObjectSize" in wanted:
            result["ObjectSize"] = version.size
        if "StorageClass" in wanted:
            result["StorageClass"] = version.storage_class
        if "Checksum" in wanted and version.checksum is not None:
            result["Checksum"] = uploads.checksum_fields(version.checksum)
        if "ObjectParts" in wanted and version.part_sizes is not None:
            result["ObjectParts"] = {"TotalPartsCount": len(version.part_sizes)}
        return result


__all__ = ["ObjectsApi", "check_key", "check_metadata", "content_headers", "parse_tagging"]
