"""Receiving a body (PutObject, UploadPart, a POST form): the checksums the client asked for or
sent (in headers or aws-chunked trailers), Content-MD5, the declared length and the size limits.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from emulator.services.s3 import checksums
from emulator.services.s3.blobs import BlobStore, TooLarge, Written
from emulator.services.s3.errors import bad_digest, invalid_request, s3_error
from emulator.services.s3.models import Checksum
from emulator.streams import ByteStream, chunks_of

MAX_PUT = 5 * 1024**3  # 5 GB in one PUT
HEADER_OF = {algorithm: f"x-amz-checksum-{algorithm.lower()}" for algorithm in
             checksums.ALGORITHMS}
# The keyword each checksum member arrives as (botocore's snake_case of ChecksumCRC32C...).
PARAM_OF = {"CRC32": "checksum_crc32", "CRC32C": "checksum_crc32_c",
            "CRC64NVME": "checksum_crc64_nvme", "SHA1": "checksum_sha1",
            "SHA256": "checksum_sha256"}


@dataclass
class Received:
    written: Written
    checksum: Checksum | None

    @property
    def etag(self) -> str:
        return f'"{self.written.md5_hex}"'


def _announced(headers: Mapping[str, str]) -> str | None:
    """The algorithm an aws-chunked body's trailer will carry (``x-amz-trailer``)."""
    trailer = headers.get("x-amz-trailer", "").strip().lower()
    for algorithm, header in HEADER_OF.items():
        if trailer == header:
            return algorithm
    return None


def requested(params: Mapping[str, Any], headers: Mapping[str, str]) -> tuple[str | None,
                                                                               str | None]:
    """(algorithm, value sent up front or None) for the checksum this upload carries."""
    given = [algorithm for algorithm in checksums.ALGORITHMS if params.get(PARAM_OF[algorithm])]
    if len(given) > 1:
        raise invalid_request("Expecting a single x-amz-checksum- header. Multiple checksum "
                              "Types are not allowed.")
    if given:
        algorithm = given[0]
        value = str(params[PARAM_OF[algorithm]])
        if not checksums.well_formed(algorithm, value):
            raise invalid_request(f"Value for {HEADER_OF[algorithm]} header is invalid.")
        return algorithm, value
    announced = _announced(headers)
    if announced is not None:
        return announced, None
    named = params.get("checksum_algorithm")
    if named:
        named = str(named).upper()
        if named not in checksums.ALGORITHMS:
            raise invalid_request("Checksum algorithm provided is unsupported. Please try again "
                                  "with any of the valid types: [CRC32, CRC32C, CRC64NVME, "
                                  "SHA1, SHA256]")
        return named, None
    return None, None


async def receive(blobs: BlobStore, body: ByteStream | bytes | None, params: Mapping[str, Any],
                  headers: Mapping[str, str], limit: int = MAX_PUT) -> Received:
    """Store ``body`` and check it against what the client declared; nothing is kept when a
    check fails."""
    algorithm, value = requested(params, headers)
    md5 = params.get("content_md5")
    if md5 is not None:  # an empty Content-MD5 is not a valid one
        try:
            if len(base64.b64decode(md5, validate=True)) != 16:
                raise ValueError(md5)
        except (ValueError, binascii.Error):
            raise s3_error("InvalidDigest", "The Content-MD5 you specified is not valid.",
                           **{"Content-MD5": md5}) from None
    try:
        written = await blobs.write(chunks_of(body), [algorithm] if algorithm else [], limit)
    except TooLarge:
        raise s3_error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed "
                       "size", ProposedSize=_declared(body, headers),
                       MaxSizeAllowed=limit) from None
    try:
        _verify(written, body, headers, md5, algorithm, value)
    except Exception:
        blobs.delete(written.name)
        raise
    checksum = Checksum(algorithm=algorithm, value=written.checksums[algorithm]) if (
        algorithm) else None
    return Received(written, checksum)


def _declared(body: ByteStream | bytes | None, headers: Mapping[str, str]) -> int | None:
    if isinstance(body, ByteStream):
        return body.length
    return len(body) if body is not None else 0


def _verify(written: Written, body: ByteStream | bytes | None, headers: Mapping[str, str],
            md5: str | None, algorithm: str | None, value: str | None) -> None:
    declared = _declared(body, headers)
    if isinstance(body, ByteStream) and declared is not None and declared != written.size:
        raise s3_error("IncompleteBody", "You did not provide the number of bytes specified "
                       "by the Content-Length HTTP header.")
    if md5 and base64.b64decode(md5).hex() != written.md5_hex:
        raise s3_error("BadDigest", "The Content-MD5 you specified did not match what we "
                       "received.", ExpectedDigest=md5,
                       CalculatedDigest=base64.b64encode(bytes.fromhex(written.md5_hex))
                       .decode())
    if algorithm is None:
        return
    if value is None and isinstance(body, ByteStream):
        value = body.trailers.get(HEADER_OF[algorithm])
        if value is not None and not checksums.well_formed(algorithm, value):
            raise invalid_request(f"Value for {HEADER_OF[algorithm]} trailing header is "
                                  "invalid.")
    if value is not None and value != written.checksums[algorithm]:
        raise bad_digest(f"The {algorithm} you specified did not match the calculated "
                         "checksum.")


def checksum_fields(checksum: Checksum | None) -> dict[str, str]:
    """Output members for a stored checksum (ChecksumCRC32... and ChecksumType)."""
    if checksum is None:
        return {}
    return {f"Checksum{checksum.algorithm}": checksum.value, "ChecksumType": checksum.type}


__all__ = ["HEADER_OF", "MAX_PUT", "Received", "checksum_fields", "receive", "requested"]
