"""Where a record goes: partition keys hashed into the 128-bit key space shards divide.

Kinesis Data Streams maps a partition key to a 128-bit integer with MD5 and gives the record
to the open shard whose hash key range holds it; an ExplicitHashKey names the integer directly
(https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsRequestEntry.html).
A new stream divides the space evenly, the last shard taking what division leaves over.
"""

from __future__ import annotations

import hashlib

HASH_SPACE = 1 << 128
MAX_HASH_KEY = HASH_SPACE - 1


def hash_key(partition_key: str) -> int:
    """The 128-bit integer Kinesis derives from a partition key (MD5 of its UTF-8 bytes)."""
    digest = hashlib.md5(partition_key.encode("utf-8", "surrogatepass"), usedforsecurity=False)
    return int.from_bytes(digest.digest(), "big")


def even_ranges(count: int) -> list[tuple[int, int]]:
    """``count`` inclusive (start, end) ranges covering the hash space in order."""
    if count < 1:
        raise ValueError("at least one range")
    step = HASH_SPACE // count
    return [(index * step, MAX_HASH_KEY if index == count - 1 else (index + 1) * step - 1)
            for index in range(count)]


def split_range(start: int, end: int, new_start: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The two ranges SplitShard makes when the second child starts at ``new_start``."""
    if not start < new_start <= end:
        raise ValueError("the new starting hash key must fall inside the range, above its start")
    return (start, new_start - 1), (new_start, end)


def parse_hash_key(text: str) -> int | None:
    """An ExplicitHashKey or NewStartingHashKey as an integer, or None when it is not a
    decimal integer within the hash space."""
    if not text.isdigit() or (len(text) > 1 and text[0] == "0"):
        return None
    value = int(text)
    return value if value <= MAX_HASH_KEY else None


__all__ = ["HASH_SPACE", "MAX_HASH_KEY", "even_ranges", "hash_key", "parse_hash_key",
           "split_range"]
