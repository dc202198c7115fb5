"""Conditional requests and byte ranges as S3 reads them.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html
https://www.rfc-editor.org/rfc/rfc9110#section-14.2 (Range: bytes=)
"""

from __future__ import annotations

import re
from datetime import datetime

from emulator.services.s3.errors import not_modified, precondition_failed, s3_error
from emulator.services.s3.models import ObjectVersion

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _etag_matches(header: str, etag: str) -> bool:
    wanted = [item.strip() for item in header.split(",")]
    bare = etag.strip('"')
    return any(item == "*" or item.strip('"') == bare for item in wanted)


def _seconds(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def check_read(version: ObjectVersion, if_match: str | None, if_none_match: str | None,
               if_modified_since: datetime | None, if_unmodified_since: datetime | None,
               prefix: str = "") -> None:
    """GET/HEAD preconditions (and CopyObject's x-amz-copy-source-if-*): a failed If-Match or
    If-Unmodified-Since is 412; a matched If-None-Match or an unmodified If-Modified-Since is
    304 (412 for copies). If-Match that holds overrides If-Unmodified-Since, and If-None-Match
    that fails overrides If-Modified-Since, as AWS documents."""
    modified = int(version.last_modified)
    if if_match is not None:
        if not _etag_matches(if_match, version.etag):
            raise precondition_failed(f"{prefix}If-Match")
    elif if_unmodified_since is not None and modified > (_seconds(if_unmodified_since) or 0):
        raise precondition_failed(f"{prefix}If-Unmodified-Since")
    unchanged = precondition_failed if prefix else (lambda _: not_modified())
    if if_none_match is not None:
        if _etag_matches(if_none_match, version.etag):
            raise unchanged(f"{prefix}If-None-Match")
    elif if_modified_since is not None and modified <= (_seconds(if_modified_since) or 0):
        raise unchanged(f"{prefix}If-Modified-Since")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(start, end inclusive) of a single ``bytes=`` range, or None for the whole object.
    Headers S3 cannot read are ignored, as S3 ignores them; a range past the end is 416."""
    if not header:
        return None
    found = _RANGE.match(header.strip())
    if found is None or (not found[1] and not found[2]):
        return None
    first, last = found[1], found[2]
    if not first:
        length = int(last)
        if length == 0 or size == 0:
            raise _unsatisfiable(header, size)
        return max(0, size - length), size - 1
    start = int(first)
    end = size - 1 if not last else min(int(last), size - 1)
    if last and int(last) < start:
        return None
    if start >= size:
        raise _unsatisfiable(header, size)
    return start, end


def _unsatisfiable(header: str, size: int) -> Exception:
    return s3_error("InvalidRange", "The requested range is not satisfiable", 416,
                    RangeRequested=header, ActualObjectSize=size)


__all__ = ["check_read", "parse_range"]
