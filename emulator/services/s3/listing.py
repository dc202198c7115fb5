"""Listing objects: ListObjects (markers), ListObjectsV2 (continuation tokens, StartAfter) and
ListObjectVersions, with prefixes, delimiters and common prefixes, max-keys and
``encoding-type=url``.

https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from emulator.context import RequestContext
from emulator.services.s3.common import S3Base, moment, owner
from emulator.services.s3.errors import invalid_argument
from emulator.services.s3.models import ObjectEntry, ObjectVersion
from emulator.services.s3.restore_state import restore_status

MAX_KEYS = 1000


def _encoder(encoding_type: str | None) -> Any:
    if encoding_type is None:
        return lambda text: text
    if encoding_type != "url":
        raise invalid_argument("Invalid Encoding Method specified in Request", "encoding-type",
                               encoding_type)
    return lambda text: quote(text, safe="/") if text is not None else None


def walk(keys: list[str], prefix: str, delimiter: str | None, after: str | None
         ) -> Iterator[tuple[str, bool]]:
    """(key or common prefix, is a common prefix) in key order after ``after``."""
    last_prefix: str | None = None
    for key in keys:
        if not key.startswith(prefix) or (after is not None and key <= after):
            continue
        if delimiter:
            cut = key.find(delimiter, len(prefix))
            if cut >= 0:
                common = key[:cut + len(delimiter)]
                if common == last_prefix or (after is not None and after.startswith(common)):
                    continue
                last_prefix = common
                yield common, True
                continue
        yield key, False


def _max_keys(value: int | None) -> int:
    if value is None:
        return MAX_KEYS
    if value < 0:
        raise invalid_argument("Argument maxKeys must be an integer between 0 and 2147483647",
                               "maxKeys", value)
    return min(value, MAX_KEYS)


class ListingApi(S3Base):
    def _current(self, bucket: str) -> tuple[list[str], dict[str, ObjectVersion]]:
        current: dict[str, ObjectVersion] = {}
        for key, entry in self.objects(bucket).items():
            version = entry.current
            if version is not None and not version.delete_marker:
                current[key] = version
        return sorted(current), current

    def _page(self, bucket: str, prefix: str, delimiter: str | None, after: str | None,
              limit: int) -> tuple[list[ObjectVersion], list[str], bool, str | None]:
        keys, current = self._current(bucket)
        contents: list[ObjectVersion] = []
        prefixes: list[str] = []
        last: str | None = None
        truncated = False
        # max-keys=0 answers an empty page that is not truncated, as AWS does.
        for item, is_prefix in walk(keys, prefix, delimiter, after) if limit else ():
            if len(contents) + len(prefixes) >= limit:
                truncated = True
                break
            (prefixes.append(item) if is_prefix else contents.append(current[item]))
            last = item
        return contents, prefixes, truncated, last

    def _entry(self, version: ObjectVersion, encode: Any, with_owner: bool,
               account: str, optional: list[str] | None = None) -> dict[str, Any]:
        item: dict[str, Any] = {
            "Key": encode(version.key), "LastModified": moment(version.last_modified),
            "ETag": version.etag, "Size": version.size, "StorageClass": version.storage_class}
        self._optional(item, version, optional)
        if version.checksum is not None:
            item["ChecksumAlgorithm"] = [version.checksum.algorithm]
            item["ChecksumType"] = version.checksum.type
        if with_owner:
            item["Owner"] = owner(account)
        return item

    def _optional(self, item: dict[str, Any], version: ObjectVersion,
                  optional: list[str] | None) -> None:
        """What ``OptionalObjectAttributes`` asks a listing to add (``RestoreStatus``)."""
        if optional and "RestoreStatus" in optional:
            status = restore_status(version, self.clock.now())
            if status is not None:
                item["RestoreStatus"] = status

    def list_objects(self, ctx: RequestContext, *, bucket: str, prefix: str = "",
                     delimiter: str | None = None, marker: str | None = None,
                     max_keys: int | None = None, encoding_type: str | None = None,
                     optional_object_attributes: list[str] | None = None,
                     **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:ListBucket")
        encode = _encoder(encoding_type)
        limit = _max_keys(max_keys)
        contents, prefixes, truncated, last = self._page(bucket, prefix, delimiter,
                                                         marker or None, limit)
        result: dict[str, Any] = {
            "Name": bucket, "Prefix": encode(prefix), "Marker": encode(marker or ""),
            "MaxKeys": limit, "IsTruncated": truncated,
            "Contents": [self._entry(v, encode, True, record.account,
                                     optional_object_attributes) for v in contents],
            "CommonPrefixes": [{"Prefix": encode(p)} for p in prefixes]}
        if delimiter:
            result["Delimiter"] = encode(delimiter)
            if truncated and last is not None:
                result["NextMarker"] = encode(last)
        if encoding_type:
            result["EncodingType"] = encoding_type
        return result

    def list_objects_v2(self, ctx: RequestContext, *, bucket: str, prefix: str = "",
                        delimiter: str | None = None, max_keys: int | None = None,
                        continuation_token: str | None = None, start_after: str | None = None,
                        fetch_owner: bool = False, encoding_type: str | None = None,
                        optional_object_attributes: list[str] | None = None,
                        **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:ListBucket")
        encode = _encoder(encoding_type)
        limit = _max_keys(max_keys)
        after = start_after or None
        if continuation_token is not None:
            try:
                after = base64.urlsafe_b64decode(continuation_token.encode()).decode()
            except (binascii.Error, ValueError, UnicodeDecodeError):
                raise invalid_argument("The continuation token provided is incorrect",
                                       "continuation-token", continuation_token) from None
        contents, prefixes, truncated, last = self._page(bucket, prefix, delimiter, after,
                                                         limit)
        result: dict[str, Any] = {
            "Name": bucket, "Prefix": encode(prefix), "MaxKeys": limit,
            "IsTruncated": truncated, "KeyCount": len(contents) + len(prefixes),
            "Contents": [self._entry(v, encode, fetch_owner, record.account,
                                     optional_object_attributes) for v in contents],
            "CommonPrefixes": [{"Prefix": encode(p)} for p in prefixes]}
        if delimiter:
            result["Delimiter"] = encode(delimiter)
        if continuation_token is not None:
            result["ContinuationToken"] = continuation_token
        if start_after:
            result["StartAfter"] = encode(start_after)
        if truncated and last is not None:
            result["NextContinuationToken"] = base64.urlsafe_b64encode(last.encode()).decode()
        if encoding_type:
            result["EncodingType"] = encoding_type
        return result

    def list_object_versions(self, ctx: RequestContext, *, bucket: str, prefix: str = "",
                             delimiter: str | None = None, key_marker: str | None = None,
                             version_id_marker: str | None = None, max_keys: int | None = None,
                             encoding_type: str | None = None,
                             optional_object_attributes: list[str] | None = None,
                             **_: Any) -> dict[str, Any]:
        record = self.bucket_for(ctx, bucket, "s3:ListBucketVersions")
        encode = _encoder(encoding_type)
        limit = _max_keys(max_keys)
        entries: dict[str, ObjectEntry] = dict(self.objects(bucket).items())
        versions: list[dict[str, Any]] = []
        markers: list[dict[str, Any]] = []
        prefixes: list[str] = []
        truncated = False
        next_key: str | None = None
        next_version: str | None = None
        count = 0
        last: tuple[str | None, str | None] = (None, None)
        skipping = version_id_marker is not None
        after = key_marker if key_marker and version_id_marker is None else None
        for item, is_prefix in walk(sorted(entries), prefix, delimiter, after) if limit else ():
            if is_prefix:
                if count >= limit:
                    truncated, (next_key, next_version) = True, last
                    break
                prefixes.append(item)
                last = (item, None)
                count += 1
                continue
            if key_marker and item < key_marker:
                continue
            entry = entries[item]
            for index, version in enumerate(reversed(entry.versions)):
                if skipping and item == key_marker:
                    if version.version_id == version_id_marker:
                        skipping = False
                    continue
                if count >= limit:
                    truncated, (next_key, next_version) = True, last
                    break
                data: dict[str, Any] = {
                    "Key": encode(version.key), "VersionId": version.version_id,
                    "IsLatest": index == 0, "LastModified": moment(version.last_modified),
                    "Owner": owner(record.account)}
                if version.delete_marker:
                    markers.append(data)
                else:
                    data.update({"ETag": version.etag, "Size": version.size,
                                 "StorageClass": version.storage_class})
                    self._optional(data, version, optional_object_attributes)
                    versions.append(data)
                last = (item, version.version_id)
                count += 1
            if truncated:
                break
        result: dict[str, Any] = {
            "Name": bucket, "Prefix": encode(prefix), "KeyMarker": encode(key_marker or ""),
            "VersionIdMarker": version_id_marker or "", "MaxKeys": limit,
            "IsTruncated": truncated, "Versions": versions, "DeleteMarkers": markers,
            "CommonPrefixes": [{"Prefix": encode(p)} for p in prefixes]}
        if delimiter:
            result["Delimiter"] = encode(delimiter)
        if truncated:
            result["NextKeyMarker"] = encode(next_key)
            if next_version is not None:
                result["NextVersionIdMarker"] = next_version
        if encoding_type:
            result["EncodingType"] = encoding_type
        return result


__all__ = ["ListingApi", "walk"]
