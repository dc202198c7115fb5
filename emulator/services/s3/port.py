"""The ``objects`` port: other services read stored objects (Lambda's code and layers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.streams import FileRange

if TYPE_CHECKING:
    from emulator.services.s3.provider import S3Provider


class ObjectsPort:
    def __init__(self, provider: S3Provider) -> None:
        self._provider = provider

    def open(self, bucket: str, key: str, *, version_id: str | None = None) -> FileRange:
        """The current (or given) version's body; raises S3's NoSuchBucket, NoSuchKey or
        NoSuchVersion."""
        self._provider.bucket_record(bucket)
        version = self._provider.find(bucket, key, version_id)
        return self._provider.blobs.range(version.blob, 0, version.size)


__all__ = ["ObjectsPort"]
