"""Running pipes: one source poller per pipe whose desired state is RUNNING.

The pollers are the ones Lambda's event-source mappings use (emulator.runtime.event_sources),
with the pipe's delivery in place of the function. SQS sources read BatchSize messages
within MaximumBatchingWindowInSeconds; Kinesis and DynamoDB stream sources start at their
StartingPosition, keep their checkpoints in records (a stopped or restarted pipe resumes
where it was), and retry a failing batch up to MaximumRetryAttempts before it goes to the
DeadLetterConfig queue or topic. FilterCriteria drop what no pattern matches before anything
is delivered (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-
filtering.html).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from emulator import arns
from emulator.event_patterns import Pattern, compile_pattern
from emulator.runtime.event_sources import EventSources, SqsSource
from emulator.runtime.event_sources.checkpoints import StreamCheckpoints
from emulator.runtime.event_sources.stream_records import DYNAMODB, KINESIS, StreamSource
from emulator.services.pipes.common import PipesBase
from emulator.services.pipes.delivery import PipeDelivery
from emulator.services.pipes.models import PipeRecord

log = logging.getLogger("emulator.pipes")

SQS_BATCH = 10
STREAM_BATCH = 100


def source_kind(source: str) -> str | None:
    """"sqs", KINESIS, DYNAMODB, or None for a source the emulator does not read."""
    parsed = arns.parse_or_none(source)
    if parsed is None:
        return None
    if parsed.service == "sqs":
        return "sqs"
    if parsed.service == "kinesis":
        return KINESIS
    if parsed.service == "dynamodb" and "/stream/" in parsed.resource:
        return DYNAMODB
    return None


def patterns(source_parameters: dict[str, Any]) -> list[Pattern]:
    filters = (source_parameters.get("FilterCriteria") or {}).get("Filters") or []
    return [compile_pattern(entry.get("Pattern") or "") for entry in filters]


def stream_parameters(pipe: PipeRecord, kind: str) -> dict[str, Any]:
    member = "KinesisStreamParameters" if kind == KINESIS else "DynamoDBStreamParameters"
    return dict(pipe.source_parameters.get(member) or {})


class RunningApi(PipesBase):
    _sources: EventSources | None = None

    @property
    def sources(self) -> EventSources:
        if self._sources is None:
            self._sources = EventSources(self.clock, self.ports, PipeDelivery(
                self.clock, self.ports, self._by_arn))
        return self._sources

    def _by_arn(self, arn: str) -> PipeRecord | None:
        parsed = arns.parse(arn)
        return self.pipes(parsed.account, parsed.region).get(
            parsed.resource.removeprefix("pipe/"))

    def run(self, pipe: PipeRecord, *, fresh: bool) -> None:
        kind = source_kind(pipe.source)
        if kind is None:
            log.warning("pipe %s: sources like %s are not read", pipe.name, pipe.source)
            return
        filters = patterns(pipe.source_parameters)
        if kind == "sqs":
            options = pipe.source_parameters.get("SqsQueueParameters") or {}
            self.sources.run(SqsSource(
                uuid=pipe.arn, function=pipe.arn, account=pipe.account, region=pipe.region,
                queue_arn=pipe.source, batch_size=int(options.get("BatchSize") or SQS_BATCH),
                window=float(options.get("MaximumBatchingWindowInSeconds") or 0),
                filters=filters, report_item_failures=True))
            return
        self._run_stream(pipe, kind, filters, fresh)

    def _run_stream(self, pipe: PipeRecord, kind: str, filters: list[Pattern],
                    fresh: bool) -> None:
        options = stream_parameters(pipe, kind)
        position = str(options.get("StartingPosition") or "LATEST")
        stamp = options.get("StartingPositionTimestamp")
        moment = None if stamp is None else (
            stamp.timestamp() if isinstance(stamp, datetime) else float(stamp))
        source = StreamSource(
            uuid=pipe.arn, function=pipe.arn, account=pipe.account, region=pipe.region,
            kind=kind, source_arn=pipe.source, stream_arn=pipe.source, role=pipe.role_arn,
            batch_size=int(options.get("BatchSize") or STREAM_BATCH),
            window=float(options.get("MaximumBatchingWindowInSeconds") or 0),
            starting_position=position, starting_timestamp=moment,
            parallelization=int(options.get("ParallelizationFactor") or 1), filters=filters,
            report_item_failures=True, function_metrics=False,
            bisect=options.get("OnPartialBatchItemFailure") == "AUTOMATIC_BISECT",
            max_retries=int(options.get("MaximumRetryAttempts", -1)),
            max_age=int(options.get("MaximumRecordAgeInSeconds", -1)),
            on_failure=(options.get("DeadLetterConfig") or {}).get("Arn"))
        checkpoints = StreamCheckpoints(self.checkpoints(pipe.account, pipe.region),
                                        pipe.name)
        stored = None if fresh else checkpoints.record()
        if stored is None:
            stored = checkpoints.begin(self.sources.streams(source), pipe.source, position,
                                       moment)
        source.checkpoints = {shard: int(at) for shard, at in stored.positions.items()}
        source.finished = set(stored.finished)
        self.sources.run_stream(source, checkpoints.hooks())

    def halt(self, pipe: PipeRecord) -> None:
        if self._sources is not None:
            self._sources.stop(pipe.arn)

    def resume_pipes(self) -> None:
        for _account, _region, pipe in self.pipes.everywhere():
            if pipe.desired_state == "RUNNING":
                self.run(pipe, fresh=False)


__all__ = ["RunningApi", "patterns", "source_kind"]
