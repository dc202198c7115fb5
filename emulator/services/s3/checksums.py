"""The checksums S3 verifies and returns: CRC32, CRC32C, CRC64NVME, SHA1 and SHA256, each
sent base64-encoded in ``x-amz-checksum-<algorithm>``, plus MD5 for ETags and Content-MD5.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from typing import Protocol

import anycrc

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
_CRC32C = anycrc.Model("CRC32-ISCSI")
_CRC64NVME = anycrc.Model("CRC64-NVME")


class Digest(Protocol):
    def update(self, data: bytes) -> None: ...

    def digest(self) -> bytes: ...


class _Crc:
    def __init__(self, algorithm: str) -> None:
        self.algorithm = algorithm
        self.value = 0
        self.width = 8 if algorithm == "CRC64NVME" else 4
        self.started = False

    def update(self, data: bytes) -> None:
        if self.algorithm == "CRC32":
            self.value = zlib.crc32(data, self.value)
        else:
            model = _CRC32C if self.algorithm == "CRC32C" else _CRC64NVME
            self.value = model.calc(data, self.value) if self.started else model.calc(data)
        self.started = True

    def digest(self) -> bytes:
        return self.value.to_bytes(self.width, "big")


def new(algorithm: str) -> Digest:
    """A running checksum of ``algorithm`` (one of ALGORITHMS, or MD5)."""
    if algorithm in ("CRC32", "CRC32C", "CRC64NVME"):
        return _Crc(algorithm)
    if algorithm == "SHA1":
        return hashlib.sha1(usedforsecurity=False)
    if algorithm == "SHA256":
        return hashlib.sha256()
    if algorithm == "MD5":
        return hashlib.md5(usedforsecurity=False)
    raise ValueError(algorithm)


def encoded(digest: Digest) -> str:
    return base64.b64encode(digest.digest()).decode("ascii")


def of(algorithm: str, data: bytes) -> str:
    digest = new(algorithm)
    digest.update(data)
    return encoded(digest)


def composite(algorithm: str, part_values: list[str]) -> str:
    """A multipart object's checksum: the checksum of its parts' checksums, then "-N"."""
    digest = new(algorithm)
    for value in part_values:
        digest.update(base64.b64decode(value))
    return f"{encoded(digest)}-{len(part_values)}"


def multipart_etag(part_etags: list[str]) -> str:
    """The ETag AWS gives a multipart object: MD5 of the parts' MD5s, then "-N"."""
    digest = hashlib.md5(usedforsecurity=False)
    for etag in part_etags:
        digest.update(bytes.fromhex(etag.strip('"')))
    return f'"{digest.hexdigest()}-{len(part_etags)}"'


def well_formed(algorithm: str, value: str) -> bool:
    """Whether ``value`` is base64 of the right length for ``algorithm``."""
    sizes = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}
    try:
        return len(base64.b64decode(value, validate=True)) == sizes[algorithm]
    except (ValueError, KeyError):
        return False


__all__ = ["ALGORITHMS", "Digest", "composite", "encoded", "multipart_etag", "new", "of",
           "well_formed"]
