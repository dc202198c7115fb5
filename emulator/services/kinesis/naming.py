"""Names, numbers and errors of Kinesis Data Streams.

Errors are worded as AWS words them ("Stream orders under account 123456789012 not found.").
Sequence numbers are 56 decimal digits that carry the stream's own digits and the shard's
number, so a number used on the wrong stream or shard is refused as AWS refuses it; within a
shard they increase with every record.
"""

from __future__ import annotations

from emulator import arns
from emulator.errors import ServiceError

SEQUENCE_PREFIX = "49"
_TAG_DIGITS, _COUNTER_DIGITS, _SHARD_DIGITS = 12, 32, 10


def invalid_argument(message: str) -> ServiceError:
    return ServiceError("InvalidArgumentException", message)


def resource_not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message)


def resource_in_use(message: str) -> ServiceError:
    return ServiceError("ResourceInUseException", message)


def limit_exceeded(message: str) -> ServiceError:
    return ServiceError("LimitExceededException", message)


def stream_not_found(name: str, account: str) -> ServiceError:
    return resource_not_found(f"Stream {name} under account {account} not found.")


def shard_not_found(shard_id: str, stream: str, account: str) -> ServiceError:
    return resource_not_found(
        f"Shard {shard_id} in stream {stream} under account {account} does not exist")


def stream_arn_of(region: str, account: str, name: str) -> str:
    return arns.build("kinesis", region, account, f"stream/{name}")


def shard_id(index: int) -> str:
    return f"shardId-{index:012d}"


def shard_index(shard: str) -> int | None:
    prefix, _, number = shard.partition("-")
    return int(number) if prefix == "shardId" and number.isdigit() else None


def sequence_number(tag: int, counter: int, shard: int) -> str:
    return (f"{SEQUENCE_PREFIX}{tag:0{_TAG_DIGITS}d}{counter:0{_COUNTER_DIGITS}d}"
            f"{shard:0{_SHARD_DIGITS}d}")


def parse_sequence(text: str) -> tuple[int, int, int] | None:
    """(stream tag, counter, shard number) of a sequence number this emulator made."""
    if len(text) != 56 or not text.isdigit() or not text.startswith(SEQUENCE_PREFIX):
        return None
    tag_end = 2 + _TAG_DIGITS
    counter_end = tag_end + _COUNTER_DIGITS
    return int(text[2:tag_end]), int(text[tag_end:counter_end]), int(text[counter_end:])


__all__ = [
    "invalid_argument",
    "limit_exceeded",
    "parse_sequence",
    "resource_in_use",
    "resource_not_found",
    "sequence_number",
    "shard_id",
    "shard_index",
    "shard_not_found",
    "stream_arn_of",
    "stream_not_found",
]
