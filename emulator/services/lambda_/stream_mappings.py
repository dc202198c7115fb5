"""Event-source mappings of Kinesis data streams and DynamoDB streams.

The options are AWS's for stream sources (https://docs.aws.amazon.com/lambda/latest/dg/
services-kinesis-parameters.html, .../services-ddb-params.html): BatchSize (default 100),
StartingPosition (TRIM_HORIZON, LATEST, and AT_TIMESTAMP for Kinesis), ParallelizationFactor,
BisectBatchOnFunctionError, MaximumRetryAttempts and MaximumRecordAgeInSeconds (-1: no
limit), an SQS or SNS on-failure destination, TumblingWindowInSeconds, FilterCriteria and
ReportBatchItemFailures. A mapping's checkpoints (the last record handled in each shard) are
records, so a mapping resumes where it was after an update, a disable or a restart; the
starting position is turned into checkpoints when the mapping is created.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from emulator import arns
from emulator.ports import ShardedStreams
from emulator.runtime.event_sources import StreamSource
from emulator.runtime.event_sources.checkpoints import CheckpointRecord, StreamCheckpoints
from emulator.runtime.event_sources.stream_records import DYNAMODB, KINESIS
from emulator.services.lambda_.names import Scope, function_arn, invalid_parameter
from emulator.store import Record

CHECKPOINTS = "event-source-checkpoints"  # key: mapping UUID
STREAM_BATCH_DEFAULT = 100
MIN_RECORD_AGE = 60


class StreamOptions(Record):
    """What only stream mappings have."""

    starting_position: str
    starting_timestamp: float | None = None
    parallelization_factor: int = 1
    bisect: bool = False
    maximum_retry_attempts: int = -1
    maximum_record_age: int = -1
    on_failure: str | None = None
    tumbling_window: int = 0


def stream_kind(event_source_arn: str) -> str | None:
    """KINESIS, DYNAMODB (a table's stream) or None for another kind of source."""
    parsed = arns.parse_or_none(event_source_arn)
    if parsed is None:
        return None
    if parsed.service == "kinesis":
        return KINESIS
    if parsed.service == "dynamodb" and "/stream/" in parsed.resource:
        return DYNAMODB
    return None


def port_name(kind: str) -> str:
    return "data-streams" if kind == KINESIS else "table-streams"


def stream_options(kind: str, *, starting_position: str | None,
                   starting_position_timestamp: datetime | None = None,
                   parallelization_factor: int | None = None,
                   bisect_batch_on_function_error: bool | None = None,
                   maximum_retry_attempts: int | None = None,
                   maximum_record_age_in_seconds: int | None = None,
                   destination_config: dict[str, Any] | None = None,
                   tumbling_window_in_seconds: int | None = None,
                   current: StreamOptions | None = None) -> StreamOptions:
    """The options of a new or updated stream mapping, checked as Lambda checks them."""
    if current is None:
        if not starting_position:
            raise invalid_parameter("1 validation error detected: Value null at "
                                    "'startingPosition' failed to satisfy constraint: Member "
                                    "must not be null.")
        options = StreamOptions(starting_position=starting_position)
    else:
        options = current.model_copy(deep=True)
    if starting_position is not None and current is None:
        if kind == DYNAMODB and starting_position == "AT_TIMESTAMP":
            raise invalid_parameter("Unsupported starting position for DynamoDB streams: "
                                    "AT_TIMESTAMP. Use TRIM_HORIZON or LATEST.")
        if starting_position == "AT_TIMESTAMP":
            if starting_position_timestamp is None:
                raise invalid_parameter("Need to specify a timestamp")
            options.starting_timestamp = starting_position_timestamp.timestamp()
        elif starting_position_timestamp is not None:
            raise invalid_parameter("StartingPositionTimestamp is only allowed with the "
                                    "AT_TIMESTAMP starting position.")
    options.assign(parallelization_factor=parallelization_factor,
                   bisect=bisect_batch_on_function_error,
                   maximum_retry_attempts=maximum_retry_attempts)
    if maximum_record_age_in_seconds is not None:
        age = maximum_record_age_in_seconds
        if age != -1 and age < MIN_RECORD_AGE:
            raise invalid_parameter(
                f"MaximumRecordAgeInSeconds must be -1 or at least {MIN_RECORD_AGE} seconds.")
        options.maximum_record_age = age
    if tumbling_window_in_seconds is not None:
        options.tumbling_window = tumbling_window_in_seconds
    if destination_config is not None:
        options.on_failure = _on_failure(destination_config)
    return options


def _on_failure(config: dict[str, Any]) -> str | None:
    if "OnSuccess" in config and (config.get("OnSuccess") or {}).get("Destination"):
        raise invalid_parameter("Unsupported DestinationConfig parameter for given event "
                                "source mapping type.")
    destination = (config.get("OnFailure") or {}).get("Destination")
    if not destination:
        return None
    try:
        service = arns.parse(destination).service
    except ValueError:
        raise invalid_parameter(f"Invalid destination ARN: {destination}") from None
    if service not in ("sqs", "sns"):
        raise invalid_parameter(
            f"Destination ARN {destination} is not supported: the on-failure destination of a "
            "stream event source mapping must be an SQS queue or an SNS topic.")
    return str(destination)


def stream_fields(options: StreamOptions) -> dict[str, Any]:
    """What a stream mapping's configuration shows besides the common members."""
    shape: dict[str, Any] = {"StartingPosition": options.starting_position}
    if options.starting_timestamp is not None:
        shape["StartingPositionTimestamp"] = options.starting_timestamp
    destination: dict[str, Any] = {}
    if options.on_failure:
        destination = {"Destination": options.on_failure}
    shape.update(
        ParallelizationFactor=options.parallelization_factor,
        DestinationConfig={"OnFailure": destination},
        MaximumRecordAgeInSeconds=options.maximum_record_age,
        BisectBatchOnFunctionError=options.bisect,
        MaximumRetryAttempts=options.maximum_retry_attempts,
        TumblingWindowInSeconds=options.tumbling_window,
    )
    return shape


def stream_source(*, uuid: str, scope: Scope, function_name: str, qualifier: str | None,
                  role: str, kind: str, source_arn: str, stream_arn: str, batch_size: int,
                  window: int, filters: list[Any], response_types: list[str],
                  options: StreamOptions, checkpoints: CheckpointRecord) -> StreamSource:
    return StreamSource(
        uuid=uuid, function=function_arn(scope, function_name, qualifier),
        account=scope.account, region=scope.region, kind=kind, source_arn=source_arn,
        stream_arn=stream_arn, role=role, batch_size=batch_size, window=float(window),
        starting_position=options.starting_position,
        starting_timestamp=options.starting_timestamp,
        parallelization=options.parallelization_factor, filters=filters,
        report_item_failures="ReportBatchItemFailures" in response_types,
        bisect=options.bisect, max_retries=options.maximum_retry_attempts,
        max_age=options.maximum_record_age, on_failure=options.on_failure,
        tumbling_window=options.tumbling_window,
        checkpoints={shard: int(position) for shard, position in
                     checkpoints.positions.items()},
        finished=set(checkpoints.finished),
    )


def streams_port(ports: Any, kind: str) -> ShardedStreams:
    return cast(ShardedStreams, ports.get(port_name(kind)))


__all__ = ["CHECKPOINTS", "STREAM_BATCH_DEFAULT", "CheckpointRecord", "StreamCheckpoints",
           "StreamOptions", "port_name", "stream_fields", "stream_kind", "stream_options",
           "stream_source", "streams_port"]
