"""The stream event-source engine with fakes: order, batching, partial failures, bisection,
retries and record age, on-failure records, parallel lanes, resharding and tumbling windows.

Behaviour follows AWS's documentation of Kinesis and DynamoDB event sources:
https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (batching, error handling,
time windows, partial batch responses) and
https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any

from stream_fakes import ARN, Harness, Unreachable

from emulator.event_patterns import compile_pattern


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(test())


def test_records_of_a_shard_arrive_in_order_in_batches_of_batch_size() -> None:
    async def main() -> None:
        h = Harness(batch_size=3)
        h.streams.add_shard("shardId-000000000000")
        for n in range(7):
            h.streams.put("shardId-000000000000", f"k{n}", n)
        h.start()
        await h.idle()
        assert h.function.batches() == [[0, 1, 2], [3, 4, 5], [6]]
        assert h.checkpoints["shardId-000000000000"] == h.streams.logs[
            "shardId-000000000000"].tip
        assert h.results[-1] == "OK"
        h.streams.put("shardId-000000000000", "k", 7)  # a record put later arrives at once
        await h.idle()
        assert h.function.batches()[-1] == [7]
        h.stop()

    run(main)


def test_latest_starts_after_what_is_there_and_at_timestamp_at_the_time() -> None:
    async def main() -> None:
        latest = Harness(starting_position="LATEST")
        latest.streams.add_shard("s0")
        latest.streams.put("s0", "k", "old")
        latest.start()
        latest.streams.put("s0", "k", "new")
        await latest.idle()
        assert latest.function.batches() == [["new"]]
        latest.stop()

        timed = Harness()
        timed.streams.add_shard("s0")
        now = timed.clock.now()
        timed.streams.put("s0", "k", "before", arrival=now - 10)
        timed.streams.put("s0", "k", "after", arrival=now - 1)
        timed.source.starting_position = "AT_TIMESTAMP"
        timed.source.starting_timestamp = now - 5
        timed.start()
        await timed.idle()
        assert timed.function.batches() == [["after"]]
        timed.stop()

    run(main)


def test_a_partial_failure_checkpoints_before_the_lowest_reported_sequence_number() -> None:
    calls: list[int] = []

    def answer(event: dict[str, Any]) -> Any:
        calls.append(len(event["Records"]))
        if len(calls) == 1:  # the first time, records 3 and 5 fail
            numbers = [r["kinesis"]["sequenceNumber"] for r in event["Records"]]
            return {"batchItemFailures": [{"itemIdentifier": numbers[4]},
                                          {"itemIdentifier": numbers[2]}]}
        return {"batchItemFailures": []}

    async def main() -> None:
        h = Harness(answer, batch_size=10, report_item_failures=True)
        h.streams.add_shard("s0")
        for n in range(6):
            h.streams.put("s0", f"k{n}", n)
        h.start()
        await h.idle()
        assert h.function.batches() == [[0, 1, 2, 3, 4, 5]]  # the retry waits on the clock
        assert h.results[-1] == "PROBLEM: Function call failed"
        await h.advance(1)
        assert h.function.batches() == [[0, 1, 2, 3, 4, 5], [2, 3, 4, 5]]
        h.stop()

    run(main)


def test_an_unknown_or_empty_item_identifier_fails_the_whole_batch() -> None:
    answers = iter([{"batchItemFailures": [{"itemIdentifier": "not-in-the-batch"}]},
                    {"batchItemFailures": [{"itemIdentifier": ""}]},
                    {"batchItemFailures": [{"wrongKey": "x"}]},
                    None])

    async def main() -> None:
        h = Harness(lambda event: next(answers), report_item_failures=True)
        h.streams.add_shard("s0")
        h.streams.put("s0", "a", 1)
        h.streams.put("s0", "b", 2)
        h.start()
        await h.idle()
        for _ in range(3):
            await h.advance(60)
        assert h.function.batches() == [[1, 2]] * 4
        h.stop()

    run(main)


def test_without_report_item_failures_a_failure_report_is_ignored() -> None:
    async def main() -> None:
        h = Harness(lambda event: {"batchItemFailures": [{"itemIdentifier": "x"}]})
        h.streams.add_shard("s0")
        h.streams.put("s0", "a", 1)
        h.start()
        await h.idle()
        assert h.function.batches() == [[1]]
        assert h.results == ["OK"]
        h.stop()

    run(main)


def _fail_on(poison: int) -> Callable[[dict[str, Any]], Any]:
    """An answer that raises (an Unhandled function error) for batches holding ``poison``."""

    def answer(event: dict[str, Any]) -> Any:
        values = [json.loads(base64.b64decode(r["kinesis"]["data"])) for r in event["Records"]]
        if poison in values:
            raise ValueError(f"cannot take {poison}")
        return None

    return answer


def test_retries_wait_on_the_clock_then_the_batch_goes_to_the_on_failure_destination() -> None:
    async def main() -> None:
        h = Harness(_fail_on(1), batch_size=2, max_retries=2,
                    on_failure="arn:aws:sqs:us-east-1:111111111111:dlq")
        h.streams.add_shard("shardId-000000000000")
        first = h.streams.put("shardId-000000000000", "a", 1)
        second = h.streams.put("shardId-000000000000", "b", 2)
        h.streams.put("shardId-000000000000", "c", 3)
        h.start()
        await h.idle()
        assert h.function.batches() == [[1, 2]]  # then waits 1 s on the clock
        await h.advance(1)
        assert len(h.function.events) == 2  # then 2 s
        await h.advance(1)
        assert len(h.function.events) == 2
        await h.advance(1)
        assert h.function.batches() == [[1, 2], [1, 2], [1, 2], [3]]
        [(queue, document)] = h.queues.sent
        assert queue == "arn:aws:sqs:us-east-1:111111111111:dlq"
        # The keys and values of AWS's example invocation record for a Kinesis stream.
        assert list(document) == ["requestContext", "responseContext", "version", "timestamp",
                                  "KinesisBatchInfo"]
        context = document["requestContext"]
        assert list(context) == ["requestId", "functionArn", "condition",
                                 "approximateInvokeCount"]
        assert context["condition"] == "RetryAttemptsExhausted"
        assert context["approximateInvokeCount"] == 3
        assert context["functionArn"] == h.source.function
        assert document["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                               "functionError": "Unhandled"}
        assert document["version"] == "1.0"
        info = document["KinesisBatchInfo"]
        assert list(info) == ["shardId", "startSequenceNumber", "endSequenceNumber",
                              "approximateArrivalOfFirstRecord",
                              "approximateArrivalOfLastRecord", "batchSize", "streamArn"]
        assert info["shardId"] == "shardId-000000000000"
        assert (info["startSequenceNumber"], info["endSequenceNumber"]) == (first, second)
        assert info["batchSize"] == 2 and info["streamArn"] == ARN
        assert info["approximateArrivalOfFirstRecord"].endswith("Z")
        h.stop()

    run(main)


def test_bisection_isolates_a_bad_record_without_spending_retries() -> None:
    async def main() -> None:
        h = Harness(_fail_on(3), batch_size=4, bisect=True, max_retries=0,
                    on_failure="arn:aws:sqs:us-east-1:111111111111:dlq")
        h.streams.add_shard("s0")
        for n in range(1, 5):
            h.streams.put("s0", f"k{n}", n)
        h.start()
        await h.idle()
        assert h.function.batches() == [[1, 2, 3, 4], [1, 2], [3, 4], [3], [4]]
        [(_, document)] = h.queues.sent
        assert document["KinesisBatchInfo"]["batchSize"] == 1
        assert document["requestContext"]["approximateInvokeCount"] == 3
        h.stop()

    run(main)


def test_records_older_than_the_maximum_age_are_discarded_without_an_invocation() -> None:
    async def main() -> None:
        h = Harness(max_age=60, on_failure="arn:aws:sns:us-east-1:111111111111:topic")
        published: list[Any] = []

        class Topics:
            def publish(self, topic_arn: str, message: str, **_: Any) -> dict[str, Any]:
                published.append((topic_arn, json.loads(message)))
                return {}

        topics = Topics()
        h.ports = type(h.ports)(lambda name: {"topics": topics}[name])
        h.streams.add_shard("s0")
        now = h.clock.now()
        h.streams.put("s0", "a", "stale", arrival=now - 120)
        h.streams.put("s0", "b", "fresh", arrival=now)
        h.start()
        await h.idle()
        assert h.function.batches() == [["fresh"]]
        [(topic, document)] = published
        assert topic.endswith(":topic")
        assert document["requestContext"]["condition"] == "RecordAgeExceeded"
        assert document["requestContext"]["approximateInvokeCount"] == 0
        assert "responseContext" not in document
        assert document["KinesisBatchInfo"]["batchSize"] == 1
        h.stop()

    run(main)


def test_an_unreachable_function_is_retried_without_counting_and_blocks_the_shard() -> None:
    state = {"down": True}

    def answer(event: dict[str, Any]) -> Any:
        if state["down"]:
            raise Unreachable()
        return None

    async def main() -> None:
        h = Harness(answer, max_retries=0, batch_size=1)
        h.streams.add_shard("s0")
        h.streams.put("s0", "a", 1)
        h.streams.put("s0", "a", 2)
        h.start()
        await h.idle()
        await h.advance(1)
        await h.advance(2)
        assert h.function.unreachable == 3 and not h.function.events
        state["down"] = False
        await h.advance(4)
        assert h.function.batches() == [[1], [2]]
        h.stop()

    run(main)


def test_a_failing_batch_holds_back_the_rest_of_its_shard_but_not_other_shards() -> None:
    async def main() -> None:
        h = Harness(_fail_on(1), batch_size=1)
        h.streams.add_shard("s0")
        h.streams.add_shard("s1")
        h.streams.put("s0", "a", 1)
        h.streams.put("s0", "a", 2)
        h.streams.put("s1", "b", 10)
        h.start()
        await h.idle()
        await h.advance(1)
        seen = [batch[0] for batch in h.function.batches()]
        assert 2 not in seen and 10 in seen and seen.count(1) == 2
        h.stop()

    run(main)


def test_parallel_lanes_keep_each_keys_order_and_run_at_once() -> None:
    in_flight = {"now": 0, "most": 0}

    async def main() -> None:
        h = Harness(batch_size=2, parallelization=4)

        real = h.function.invoke

        async def slow(function: str, payload: bytes, **kwargs: Any) -> Any:
            in_flight["now"] += 1
            in_flight["most"] = max(in_flight["most"], in_flight["now"])
            await asyncio.sleep(0.01)
            try:
                return await real(function, payload, **kwargs)
            finally:
                in_flight["now"] -= 1

        h.function.invoke = slow  # type: ignore[method-assign]
        h.streams.add_shard("s0")
        for n in range(24):
            h.streams.put("s0", f"key{n % 6}", n)
        h.start()
        await h.idle()
        delivered = [value for batch in h.function.batches() for value in batch]
        assert sorted(delivered) == list(range(24))
        for key in range(6):
            mine = [value for value in delivered if value % 6 == key]
            assert mine == sorted(mine)
        assert in_flight["most"] > 1
        assert h.checkpoints["s0"] == h.streams.logs["s0"].tip
        h.stop()

    run(main)


def test_a_child_shard_waits_until_its_parent_is_read_to_its_end() -> None:
    async def main() -> None:
        h = Harness(_fail_on(1), batch_size=10)
        h.streams.add_shard("parent")
        h.streams.put("parent", "a", 1)
        h.streams.close("parent")
        h.streams.add_shard("child", parents=("parent",))
        h.streams.put("child", "a", 2)
        h.start()
        await h.idle()
        assert h.function.batches() == [[1]]
        h.function.answer = lambda event: None
        await h.advance(1)
        assert h.function.batches() == [[1], [1], [2]]
        assert h.finished == ["parent"]
        h.stop()

    run(main)


def test_records_no_filter_matches_are_skipped_and_checkpointed() -> None:
    async def main() -> None:
        h = Harness(filters=[compile_pattern('{"data": {"kind": ["keep"]}}')])
        h.streams.add_shard("s0")
        h.streams.put("s0", "a", {"kind": "drop"})
        h.streams.put("s0", "a", {"kind": "keep", "n": 1})
        h.streams.put("s0", "a", b"not json")
        h.start()
        await h.idle()
        assert h.function.batches() == [[{"kind": "keep", "n": 1}]]
        assert h.checkpoints["s0"] == h.streams.logs["s0"].tip
        h.stop()

    run(main)


def test_a_batching_window_holds_records_until_it_ends_or_the_batch_is_full() -> None:
    async def main() -> None:
        h = Harness(batch_size=3, window=30)
        h.streams.add_shard("s0")
        h.start()
        h.streams.put("s0", "a", 1)
        await h.idle()
        assert h.function.events == []  # waiting on the clock does not count as busy
        h.streams.put("s0", "a", 2)
        await h.advance(30)
        assert h.function.batches() == [[1, 2]]
        for n in (3, 4, 5):
            h.streams.put("s0", "a", n)
        await h.idle()
        assert h.function.batches() == [[1, 2], [3, 4, 5]]
        h.stop()

    run(main)


def test_busy_until_a_put_record_is_delivered() -> None:
    async def main() -> None:
        h = Harness()
        h.streams.add_shard("s0")
        h.start()
        await h.idle()
        h.streams.put("s0", "a", 1)
        assert h.poller is not None and h.poller.busy()
        await h.idle()
        assert h.function.batches() == [[1]]
        h.stop()

    run(main)


def test_a_tumbling_window_carries_state_and_ends_with_a_final_invocation() -> None:
    def aggregate(event: dict[str, Any]) -> Any:
        state = dict(event["state"])
        for record in event["Records"]:
            key = record["kinesis"]["partitionKey"]
            state[key] = state.get(key, 0) + 1
        return {"state": state}

    async def main() -> None:
        h = Harness(aggregate, batch_size=2, tumbling_window=120)
        h.streams.add_shard("shardId-000000000006")
        h.start()
        start = h.clock.now() // 120 * 120
        h.clock.set(start + 1)
        for key in ("1", "2", "1"):
            h.streams.put("shardId-000000000006", key, key)
        await h.idle()
        events = h.function.events
        assert [len(e["Records"]) for e in events] == [2, 1]
        # The members AWS's KinesisTimeWindowEvent example has besides Records.
        first = events[0]
        assert list(first) == ["Records", "window", "state", "shardId", "eventSourceARN",
                               "isFinalInvokeForWindow", "isWindowTerminatedEarly"]
        assert first["state"] == {} and first["shardId"] == "shardId-000000000006"
        assert first["eventSourceARN"] == ARN
        assert first["isFinalInvokeForWindow"] is False
        assert first["window"]["end"][-1] == "Z"
        assert events[1]["state"] == {"1": 1, "2": 1}
        await h.advance(120)
        final = h.function.events[-1]
        assert final["isFinalInvokeForWindow"] is True and final["Records"] == []
        assert final["state"] == {"1": 2, "2": 1}
        h.streams.put("shardId-000000000006", "3", "3")
        await h.idle()
        assert h.function.events[-1]["state"] == {}  # a new window starts with no state
        h.stop()

    run(main)


def test_a_window_invocation_without_state_counts_as_failed() -> None:
    async def main() -> None:
        h = Harness(lambda event: {"no": "state"}, tumbling_window=60, max_retries=1)
        h.clock.set(1_800_000_001)  # a second into a minute, held: no window ends meanwhile
        h.clock.freeze()
        h.streams.add_shard("s0")
        h.streams.put("s0", "a", 1)
        h.start()
        await h.idle()
        assert h.results[-1] == "PROBLEM: Function call failed"
        await h.advance(1)
        assert len(h.function.events) == 2
        h.stop()

    run(main)


def test_a_deleted_stream_stops_its_workers_and_reports_a_problem() -> None:
    async def main() -> None:
        h = Harness()
        h.streams.add_shard("s0")
        h.start()
        await h.idle()
        h.streams.gone = True
        h.streams.changes.notify()
        await h.idle()
        assert "PROBLEM: Stream not found" in h.results
        h.stop()

    run(main)


def test_unwanted_records_between_wanted_ones_never_move_the_checkpoint_past_them() -> None:
    async def main() -> None:
        h = Harness(batch_size=1, filters=[compile_pattern('{"data": {"keep": [true]}}')])
        h.streams.add_shard("s0")
        for n, keep in enumerate([True, True, False, True, False]):
            h.streams.put("s0", "a", {"keep": keep, "n": n})
        h.start()
        await h.idle()
        assert [batch[0]["n"] for batch in h.function.batches()] == [0, 1, 3]
        assert h.checkpoints["s0"] == h.streams.logs["s0"].tip
        h.stop()

    run(main)
