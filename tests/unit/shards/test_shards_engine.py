"""The shard engine: where partition keys land, a shard's log, iterator tokens, wake-ups."""

from __future__ import annotations

import asyncio
import hashlib
import itertools

import pytest

from emulator.clock import Clock
from emulator.shards import Changes, Entry, IteratorToken, ShardLog
from emulator.shards.hashing import (
    MAX_HASH_KEY,
    even_ranges,
    hash_key,
    parse_hash_key,
    split_range,
)
from emulator.shards.iterators import decode, expired_message


def test_a_partition_key_hashes_to_the_md5_of_its_utf8_bytes_as_a_128_bit_integer() -> None:
    # "an MD5 hash function is used to map partition keys to 128-bit integer values"
    # https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsRequestEntry.html
    assert hash_key("a") == int("0cc175b9c0f1b6a831c399e269772661", 16)
    assert hash_key("ключ") == int.from_bytes(hashlib.md5("ключ".encode()).digest(), "big")
    assert 0 <= hash_key("anything") <= MAX_HASH_KEY


def test_a_new_stream_divides_the_hash_space_evenly_the_last_shard_taking_the_rest() -> None:
    # The ranges AWS gives a two- and a three-shard stream (DescribeStream output).
    assert even_ranges(1) == [(0, 2**128 - 1)]
    assert even_ranges(2) == [(0, 170141183460469231731687303715884105727),
                              (170141183460469231731687303715884105728, 2**128 - 1)]
    three = even_ranges(3)
    assert three[0] == (0, 113427455640312821154458202477256070484)
    assert three[1][0] == 113427455640312821154458202477256070485
    assert three[2] == (226854911280625642308916404954512140970, 2**128 - 1)
    for (_, end), (start, _) in itertools.pairwise(three):
        assert start == end + 1


def test_split_ranges_and_hash_key_text() -> None:
    assert split_range(0, 99, 50) == ((0, 49), (50, 99))
    with pytest.raises(ValueError):
        split_range(0, 99, 0)
    with pytest.raises(ValueError):
        split_range(0, 99, 100)
    assert parse_hash_key("0") == 0
    assert parse_hash_key(str(MAX_HASH_KEY)) == MAX_HASH_KEY
    assert parse_hash_key(str(MAX_HASH_KEY + 1)) is None
    assert parse_hash_key("012") is None
    assert parse_hash_key("-1") is None


def _log(*arrivals: float) -> ShardLog:
    log = ShardLog("shardId-000000000000", 100)
    for number, arrival in enumerate(arrivals, start=1):
        log.append(Entry(100 + number * 10, arrival, 5, {"n": number}))
    return log


def test_a_shard_log_reads_after_a_position_in_order_within_limits() -> None:
    log = _log(1.0, 2.0, 3.0, 4.0)
    assert [e.item["n"] for e in log.read(0, 10)] == [1, 2, 3, 4]
    assert [e.item["n"] for e in log.read(110, 2)] == [2, 3]
    assert [e.item["n"] for e in log.read(115, 10)] == [2, 3, 4]
    assert log.read(140, 10) == []
    # A byte limit stops before it would be passed, but always gives one record.
    assert [e.item["n"] for e in log.read(0, 10, max_bytes=12)] == [1, 2]
    assert [e.item["n"] for e in log.read(0, 10, max_bytes=1)] == [1]
    assert log.pending(120) == 2
    assert log.tip == 140
    with pytest.raises(ValueError):
        log.append(Entry(140, 5.0, 1, {}))


def test_a_shard_log_positions_by_time_trims_from_the_front_and_closes() -> None:
    log = _log(1.0, 2.0, 3.0, 4.0)
    assert log.after_time(0.5) == log.trimmed_through == 99
    assert log.after_time(2.0) == 110  # the first record at or after 2.0 is the second
    assert log.after_time(9.0) == 140
    removed = log.trim(2.5)
    assert [e.item["n"] for e in removed] == [1, 2]
    assert log.trimmed_through == 120
    assert [e.item["n"] for e in log.read(0, 10)] == [3, 4]
    assert log.after_time(0.0) == 120
    assert not log.finished(140)
    log.close()
    assert log.closed and log.end_sequence == 140
    assert log.finished(140) and not log.finished(130)
    with pytest.raises(ValueError):
        log.append(Entry(150, 5.0, 1, {}))
    empty = ShardLog("shardId-000000000001", 500)
    empty.close()
    assert empty.end_sequence == 500 and empty.finished(0)


def test_iterator_tokens_round_trip_and_refuse_what_they_did_not_make() -> None:
    token = IteratorToken("arn:aws:kinesis:us-east-1:000000000000:stream/s",
                          "shardId-000000000001", 4958 * 10**50, 1700000000.25)
    text = token.encode()
    assert text.startswith("AAAAAAAAAA")  # as AWS's iterators begin
    assert decode(text) == token
    assert decode(token.moved(7, 5.0).encode()) == IteratorToken(token.stream, token.shard_id, 7,
                                                                 5.0)
    for bad in ("", "not base64!", "AAAA", "AAAAAAAAAAE=", "e30="):
        assert decode(bad) is None


def test_the_expired_iterator_message_is_worded_as_kinesis_words_it() -> None:
    # As seen in AWS's answers: "Iterator expired. The iterator was created at time Sun Oct 10
    # 05:17:11 UTC 2021 while right now it is Sun Oct 10 07:05:22 UTC 2021 which is further in
    # the future than the tolerated delay of 300000 milliseconds."
    assert expired_message(1633843031, 1633849522, 300) == (
        "Iterator expired. The iterator was created at time Sun Oct 10 05:17:11 UTC 2021 while "
        "right now it is Sun Oct 10 07:05:22 UTC 2021 which is further in the future than the "
        "tolerated delay of 300000 milliseconds.")


def test_changes_wake_a_waiting_reader_before_its_deadline() -> None:
    async def main() -> tuple[bool, bool]:
        clock = Clock()
        changes = Changes()
        waiter = asyncio.create_task(changes.wait(clock, clock.now() + 30))
        await asyncio.sleep(0)
        changes.notify()
        woken = await asyncio.wait_for(waiter, 2)
        timed_out = await changes.wait(clock, clock.now() + 0.01)
        return woken, timed_out

    assert asyncio.run(main()) == (True, False)
