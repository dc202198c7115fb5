"""Multipart uploads: create, upload part (and part copy), list parts and uploads, complete
(with AWS's part-size and ordering errors) and abort.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html (limits)
https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from emulator.context import RequestContext
from emulator.services.s3 import access, checksums, encryption, lock_rules, uploads
from emulator.services.s3.common import moment, owner
from emulator.services.s3.errors import (
    invalid_argument,
    invalid_request,
    malformed_xml,
    no_such_upload,
    s3_error,
)
from emulator.services.s3.models import (
    BucketRecord,
    Checksum,
    ObjectVersion,
    PartRecord,
    UploadRecord,
)
from emulator.services.s3.objects import ObjectsApi, check_key, content_headers
from emulator.streams import ByteStream

MAX_PARTS = 10000
MIN_PART = 5 * 1024**2  # every part but the last
MAX_PART = 5 * 1024**3
MAX_REMEMBERED_COMPLETIONS = 10000
MAX_LIST = 1000


class MultipartApi(ObjectsApi):
    def setup(self) -> None:
        super().setup()
        # (bucket, upload id) of uploads completed lately: aborting one again succeeds, as
        # boto3's own integration suite expects (an abort cleanup after complete).
        self.completed_uploads: dict[tuple[str, str], None] = {}

    def reset(self) -> None:
        super().reset()
        self.completed_uploads.clear()

    def _upload(self, bucket: str, upload_id: str) -> UploadRecord:
        upload = self.uploads(bucket).get(upload_id)
        if upload is None:
            raise no_such_upload(upload_id)
        return upload

    def create_multipart_upload(self, ctx: RequestContext, *, bucket: str, key: str,
                                checksum_algorithm: str | None = None,
                                checksum_type: str | None = None,
                                **params: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutObject", key)
        check_key(key)
        headers = {**content_headers(params),
                   "acl": access.checked_object_acl(record, params.get("acl")),
                   **encryption.requested(record, params),
                   **lock_rules.upload_lock(record, params, self.clock.now())}
        algorithm = checksum_algorithm.upper() if checksum_algorithm else None
        if algorithm is not None and algorithm not in checksums.ALGORITHMS:
            raise invalid_request("Checksum algorithm provided is unsupported.")
        kind = checksum_type or ("COMPOSITE" if algorithm else None)
        upload = UploadRecord(upload_id=secrets.token_urlsafe(48), key=key,
                              initiated=self.clock.now(), headers=headers,
                              checksum_algorithm=algorithm, checksum_type=kind)
        self.uploads(bucket).put(upload.upload_id, upload)
        result: dict[str, Any] = {"Bucket": bucket, "Key": key, "UploadId": upload.upload_id,
                                  **encryption.fields_of(headers)}
        if algorithm:
            result.update(ChecksumAlgorithm=algorithm, ChecksumType=kind)
        return result

    @staticmethod
    def _part_number(part_number: int) -> None:
        if not 1 <= part_number <= MAX_PARTS:
            raise invalid_argument("Part number must be an integer between 1 and 10000, "
                                   "inclusive", "partNumber", part_number)

    async def upload_part(self, ctx: RequestContext, *, bucket: str, key: str, upload_id: str,
                          part_number: int, body: ByteStream | bytes | None = None,
                          **params: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutObject", key)
        upload = self._upload(bucket, upload_id)
        self._part_number(part_number)
        encryption.check_part(upload.headers.get("customer_key_md5"), params)
        locked = any(upload.headers.get(name) for name in ("lock_mode", "legal_hold"))
        lock_rules.check_integrity(record, locked, ctx.headers, "Put Part")
        if upload.checksum_algorithm and not params.get("checksum_algorithm") and not any(
                params.get(name) for name in uploads.PARAM_OF.values()):
            params["checksum_algorithm"] = upload.checksum_algorithm
        received = await uploads.receive(self.blobs, body, params, ctx.headers, MAX_PART)
        return self._keep_part(bucket, upload_id, part_number, received.written.name,
                               received.written.size, received.etag, received.checksum)

    def _keep_part(self, bucket: str, upload_id: str, number: int, blob: str, size: int,
                   etag: str, checksum: Checksum | None) -> dict[str, Any]:
        upload = self.uploads(bucket).get(upload_id)
        if upload is None:  # aborted while the part was arriving
            self.blobs.delete(blob)
            raise no_such_upload(upload_id)
        old = upload.parts.get(number)
        upload.parts[number] = PartRecord(number=number, etag=etag, size=size, blob=blob,
                                          last_modified=self.clock.now(), checksum=checksum)
        self.uploads(bucket).put(upload_id, upload)
        if old is not None:
            self.blobs.delete(old.blob)
        return {"ETag": etag, **encryption.fields_of(upload.headers),
                **{name: value for name, value in uploads.checksum_fields(checksum).items()
                   if name != "ChecksumType"}}

    async def upload_part_copy(self, ctx: RequestContext, *, bucket: str, key: str,
                               upload_id: str, part_number: int, copy_source: str,
                               copy_source_range: str | None = None,
                               **params: Any) -> dict[str, Any]:
        self.bucket_for(ctx, bucket, "s3:PutObject", key)
        upload = self._upload(bucket, upload_id)
        self._part_number(part_number)
        encryption.check_part(upload.headers.get("customer_key_md5"), params)
        _, source = self.copy_source(ctx, copy_source, params)
        start, length = 0, source.size
        if copy_source_range:
            start, length = _copy_range(copy_source_range, source.size)
        algorithm = upload.checksum_algorithm
        written = await self.blobs.copy(source.blob, start, length,
                                        [algorithm] if algorithm else [])
        checksum = Checksum(algorithm=algorithm, value=written.checksums[algorithm]) if (
            algorithm) else None
        etag = f'"{written.md5_hex}"'
        self._keep_part(bucket, upload_id, part_number, written.name, written.size, etag,
                        checksum)
        result = {"ETag": etag, "LastModified": moment(self.clock.now()),
                  **{name: value for name, value in uploads.checksum_fields(checksum).items()
                     if name != "ChecksumType"}}
        return {"CopyPartResult": result}

    def list_parts(self, ctx: RequestContext, *, bucket: str, key: str, upload_id: str,
                   max_parts: int | None = None, part_number_marker: int | None = None,
                   **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:ListMultipartUploadParts", key)
        upload = self._upload(bucket, upload_id)
        limit = min(max_parts if max_parts is not None else MAX_LIST, MAX_LIST)
        numbers = sorted(n for n in upload.parts if n > (part_number_marker or 0))
        page, truncated = numbers[:limit], len(numbers) > limit
        result: dict[str, Any] = {
            "Bucket": bucket, "Key": key, "UploadId": upload_id,
            "PartNumberMarker": part_number_marker or 0, "MaxParts": limit,
            "IsTruncated": truncated, "Initiator": owner(record.account),
            "Owner": owner(record.account),
            "StorageClass": upload.headers.get("storage_class", "STANDARD"),
            "Parts": [self._part(upload.parts[n]) for n in page]}
        if page:
            result["NextPartNumberMarker"] = page[-1]
        if upload.checksum_algorithm:
            result.update(ChecksumAlgorithm=upload.checksum_algorithm,
                          ChecksumType=upload.checksum_type)
        return result

    @staticmethod
    def _part(part: PartRecord) -> dict[str, Any]:
        item: dict[str, Any] = {"PartNumber": part.number, "ETag": part.etag, "Size": part.size,
                                "LastModified": moment(part.last_modified)}
        if part.checksum is not None:
            item[f"Checksum{part.checksum.algorithm}"] = part.checksum.value
        return item

    def list_multipart_uploads(self, ctx: RequestContext, *, bucket: str, prefix: str = "",
                               key_marker: str | None = None,
                               upload_id_marker: str | None = None,
                               max_uploads: int | None = None, **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:ListBucketMultipartUploads")
        limit = min(max_uploads if max_uploads is not None else MAX_LIST, MAX_LIST)
        found = sorted((upload for upload in self.uploads(bucket).values()
                        if upload.key.startswith(prefix)),
                       key=lambda upload: (upload.key, upload.initiated))
        if key_marker:
            found = [upload for upload in found if upload.key > key_marker or (
                upload.key == key_marker and upload_id_marker is not None
                and upload.upload_id > upload_id_marker)]
        page, truncated = found[:limit], len(found) > limit
        result: dict[str, Any] = {
            "Bucket": bucket, "KeyMarker": key_marker or "",
            "UploadIdMarker": upload_id_marker or "", "MaxUploads": limit,
            "IsTruncated": truncated, "Prefix": prefix,
            "Uploads": [{"UploadId": upload.upload_id, "Key": upload.key,
                         "Initiated": moment(upload.initiated),
                         "StorageClass": upload.headers.get("storage_class", "STANDARD"),
                         "Owner": owner(record.account), "Initiator": owner(record.account)}
                        for upload in page]}
        if truncated and page:
            result.update(NextKeyMarker=page[-1].key, NextUploadIdMarker=page[-1].upload_id)
        return result

    async def complete_multipart_upload(self, ctx: RequestContext, *, bucket: str, key: str,
                                        upload_id: str,
                                        multipart_upload: dict[str, Any] | None = None,
                                        **params: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:PutObject", key)
        upload = self._upload(bucket, upload_id)
        listed = (multipart_upload or {}).get("Parts") or []
        if not listed:
            raise malformed_xml()
        self._check_write_conditions(bucket, key, params)
        parts = self._chosen_parts(upload, listed)
        algorithm = upload.checksum_algorithm
        written = await self.blobs.join([part.blob for part in parts])
        checksum = None
        if algorithm and all(part.checksum for part in parts):
            checksum = Checksum(
                algorithm=algorithm, type="COMPOSITE",
                value=checksums.composite(algorithm, [p.checksum.value for p in parts
                                                      if p.checksum]))
        version = ObjectVersion(
            key=key, version_id="null", last_modified=self.clock.now(), blob=written.name,
            size=written.size, etag=checksums.multipart_etag([part.etag for part in parts]),
            checksum=checksum, part_sizes=[part.size for part in parts], **upload.headers)
        if self.uploads(bucket).delete(upload_id) is None:
            self.blobs.delete(written.name)
            raise no_such_upload(upload_id)
        self.commit(record, version)
        for part in upload.parts.values():
            self.blobs.delete(part.blob)
        self.completed_uploads[(bucket, upload_id)] = None
        while len(self.completed_uploads) > MAX_REMEMBERED_COMPLETIONS:
            del self.completed_uploads[next(iter(self.completed_uploads))]
        self.object_event(record, "ObjectCreated:CompleteMultipartUpload", version, ctx)
        return self._completed(ctx, record, version)

    def _completed(self, ctx: RequestContext, record: BucketRecord,
                   version: ObjectVersion) -> dict[str, Any]:
        result: dict[str, Any] = {
            "Location": f"{ctx.endpoint_url}/{record.name}/{version.key}",
            "Bucket": record.name, "Key": version.key, "ETag": version.etag,
            **encryption.fields_of(version), **self.version_header(record, version)}
        result.update(uploads.checksum_fields(version.checksum))
        return result

    def _chosen_parts(self, upload: UploadRecord, listed: list[dict[str, Any]]
                      ) -> list[PartRecord]:
        chosen: list[PartRecord] = []
        previous = 0
        for item in listed:
            number = int(item.get("PartNumber", 0))
            if number <= previous:
                raise s3_error("InvalidPartOrder", "The list of parts was not in ascending "
                               "order. Parts must be ordered by part number.",
                               UploadId=upload.upload_id)
            previous = number
            part = upload.parts.get(number)
            etag = str(item.get("ETag", "")).strip('"')
            if part is None or part.etag.strip('"') != etag:
                raise s3_error("InvalidPart", "One or more of the specified parts could not be "
                               "found.  The part may not have been uploaded, or the specified "
                               "entity tag may not match the part's entity tag.",
                               UploadId=upload.upload_id, PartNumber=number, ETag=etag)
            chosen.append(part)
        for part in chosen[:-1]:
            if part.size < MIN_PART:
                raise s3_error("EntityTooSmall", "Your proposed upload is smaller than the "
                               "minimum allowed size", ProposedSize=part.size,
                               MinSizeAllowed=MIN_PART, PartNumber=part.number,
                               PartETag=part.etag.strip('"'))
        return chosen

    def abort_multipart_upload(self, ctx: RequestContext, *, bucket: str, key: str,
                               upload_id: str, **_: Any) -> dict[str, Any]:
        self.bucket_for(ctx, bucket, "s3:AbortMultipartUpload", key)
        upload = self.uploads(bucket).delete(upload_id)
        if upload is None:
            if (bucket, upload_id) in self.completed_uploads:
                return {}
            raise no_such_upload(upload_id)
        for part in upload.parts.values():
            self.blobs.delete(part.blob)
        return {}


_COPY_RANGE = re.compile(r"bytes=(\d+)-(\d+)")


def _copy_range(header: str, size: int) -> tuple[int, int]:
    """(start, length) of an UploadPartCopy range: ``bytes=first-last``, both given, within
    the source (unlike a GET's range, which is cut at the object's end)."""
    found = _COPY_RANGE.fullmatch(header.strip())
    if found is None or int(found[1]) > int(found[2]):
        raise invalid_argument("The x-amz-copy-source-range value must be of the form "
                               "bytes=first-last where first and last are the zero-based "
                               "offsets of the first and last bytes to copy",
                               "x-amz-copy-source-range", header)
    first, last = int(found[1]), int(found[2])
    if last >= size:
        raise invalid_argument(f"Range specified is not valid for source object of size: "
                               f"{size}", "x-amz-copy-source-range", header)
    return first, last - first + 1


__all__ = ["MAX_PARTS", "MIN_PART", "MultipartApi"]
