"""Event-source mappings: Create/Get/Update/Delete/ListEventSourceMappings, for SQS queues,
Kinesis data streams and DynamoDB streams (the stream options live in stream_mappings.py).

States follow AWS: CreateEventSourceMapping answers ``Creating``, UpdateEventSourceMapping
``Updating`` (``Enabling`` / ``Disabling`` when only Enabled changes), DeleteEventSourceMapping
``Deleting``. The change is made before the answer, so later reads report ``Enabled`` or
``Disabled``, and a deleted mapping is gone. Each enabled mapping has a poller
(emulator.runtime.event_sources) that starts with the mapping and, with a state directory,
again when the emulator starts; a stream mapping resumes from its stored checkpoints.
"""

from __future__ import annotations

import uuid as uuids
from datetime import datetime
from typing import Any

from pydantic import Field

from emulator import arns
from emulator.context import RequestContext
from emulator.event_patterns import Pattern, PatternError, compile_pattern
from emulator.runtime.event_sources import EventSources, SqsSource
from emulator.services import paging
from emulator.services.lambda_.common import LambdaBase
from emulator.services.lambda_.names import (
    Scope,
    function_arn,
    invalid_parameter,
    scope_of,
    split_function_name,
)
from emulator.services.lambda_.stream_mappings import (
    CHECKPOINTS,
    STREAM_BATCH_DEFAULT,
    CheckpointRecord,
    StreamCheckpoints,
    StreamOptions,
    stream_fields,
    stream_kind,
    stream_options,
    stream_source,
    streams_port,
)
from emulator.store import Record, Table

MAPPINGS = "event-source-mappings"  # key: UUID
FIFO_MAX_BATCH = 10
BATCH_WITHOUT_WINDOW = 10
MAX_WINDOW = 300
MAX_FILTERS = 10


class MappingRecord(Record):
    uuid: str
    account: str
    region: str
    function_name: str
    qualifier: str | None = None
    event_source_arn: str
    enabled: bool = True
    batch_size: int = 10
    window: int = 0
    filter_criteria: dict[str, Any] | None = None
    function_response_types: list[str] = Field(default_factory=list)
    scaling_config: dict[str, Any] | None = None
    last_modified: float
    kind: str = "sqs"  # "sqs", "kinesis" or "dynamodb"
    stream_arn: str | None = None  # the stream read (a Kinesis consumer ARN names its stream)
    stream: StreamOptions | None = None


def _patterns(criteria: dict[str, Any] | None) -> list[Pattern]:
    filters = (criteria or {}).get("Filters") or []
    if len(filters) > MAX_FILTERS:
        raise invalid_parameter(f"The number of filters in FilterCriteria exceeds the limit of "
                                f"{MAX_FILTERS}.")
    try:
        return [compile_pattern(entry.get("Pattern") or "") for entry in filters]
    except PatternError:
        raise invalid_parameter("Invalid filter pattern definition.") from None


def _stream_arguments(arguments: dict[str, Any]) -> dict[str, Any]:
    names = ("parallelization_factor", "bisect_batch_on_function_error",
             "maximum_retry_attempts", "maximum_record_age_in_seconds", "destination_config",
             "tumbling_window_in_seconds")
    return {name: arguments.get(name) for name in names}


class EventSourceMappingsApi(LambdaBase):
    _event_sources: EventSources | None = None
    _processing_results: dict[str, str] | None = None

    @property
    def processing_results(self) -> dict[str, str]:
        """Each stream mapping's LastProcessingResult (not stored)."""
        if self._processing_results is None:
            self._processing_results = {}
        return self._processing_results

    def _checkpoints(self, record: MappingRecord) -> StreamCheckpoints:
        table: Table[CheckpointRecord] = self.store.table(
            record.account, record.region, CHECKPOINTS, CheckpointRecord)
        return StreamCheckpoints(table, record.uuid, self.processing_results)

    @property
    def event_sources(self) -> EventSources:
        if self._event_sources is None:
            self._event_sources = EventSources(self.clock, self.ports)
        return self._event_sources

    def _mappings(self, scope: Scope) -> Table[MappingRecord]:
        return self.store.table(scope.account, scope.region, MAPPINGS, MappingRecord)

    def _mapping(self, scope: Scope, uuid: str) -> MappingRecord:
        return self.found(self._mappings(scope).get(uuid),
                          "The resource you requested does not exist.")

    def _shape(self, record: MappingRecord, state: str | None = None) -> dict[str, Any]:
        scope = Scope(record.account, record.region)
        shape: dict[str, Any] = {
            "UUID": record.uuid,
            "BatchSize": record.batch_size,
            "MaximumBatchingWindowInSeconds": record.window,
            "EventSourceArn": record.event_source_arn,
            "FunctionArn": function_arn(scope, record.function_name, record.qualifier),
            "LastModified": record.last_modified,
            "State": state or ("Enabled" if record.enabled else "Disabled"),
            "StateTransitionReason": "USER_INITIATED" if record.stream is None else "User action",
            "FunctionResponseTypes": list(record.function_response_types),
            "EventSourceMappingArn": arns.build("lambda", record.region, record.account,
                                                f"event-source-mapping:{record.uuid}"),
        }
        if record.filter_criteria is not None:
            shape["FilterCriteria"] = record.filter_criteria
        if record.scaling_config is not None:
            shape["ScalingConfig"] = record.scaling_config
        if record.stream is not None:
            shape.update(stream_fields(record.stream))
            shape["LastProcessingResult"] = self.processing_results.get(
                record.uuid, "No records processed")
        return shape

    def _check(self, record: MappingRecord) -> list[Pattern]:
        fifo = record.kind == "sqs" and record.event_source_arn.endswith(".fifo")
        if fifo and record.batch_size > FIFO_MAX_BATCH:
            raise invalid_parameter(f"Batch size for FIFO queues must be between 1 and "
                                    f"{FIFO_MAX_BATCH}.")
        if record.kind == "sqs" and record.batch_size > BATCH_WITHOUT_WINDOW and \
                record.window < 1:
            raise invalid_parameter(
                "Maximum batch window in seconds must be greater than 0 if maximum batch size "
                "is greater than 10")
        if not 0 <= record.window <= MAX_WINDOW:
            raise invalid_parameter(f"MaximumBatchingWindowInSeconds must be between 0 and "
                                    f"{MAX_WINDOW}.")
        for kind in record.function_response_types:
            if kind != "ReportBatchItemFailures":
                raise invalid_parameter(f"Unsupported FunctionResponseType: {kind}")
        return _patterns(record.filter_criteria)

    def _run(self, record: MappingRecord, patterns: list[Pattern] | None = None) -> None:
        """Start (or restart) the mapping's poller when it is enabled; stop it otherwise."""
        if not record.enabled:
            self.event_sources.stop(record.uuid)
            return
        scope = Scope(record.account, record.region)
        if record.stream is not None:
            self._run_stream(record, patterns)
            return
        self.event_sources.run(SqsSource(
            uuid=record.uuid,
            function=function_arn(scope, record.function_name, record.qualifier),
            account=record.account, region=record.region,
            queue_arn=record.event_source_arn, batch_size=record.batch_size,
            window=float(record.window),
            filters=patterns if patterns is not None else _patterns(record.filter_criteria),
            report_item_failures="ReportBatchItemFailures" in record.function_response_types,
            maximum_concurrency=(record.scaling_config or {}).get("MaximumConcurrency"),
        ))

    def _run_stream(self, record: MappingRecord, patterns: list[Pattern] | None) -> None:
        assert record.stream is not None
        scope = Scope(record.account, record.region)
        checkpoints = self._checkpoints(record)
        stream_arn = record.stream_arn or record.event_source_arn
        stored = checkpoints.record()
        if stored is None:
            stored = checkpoints.begin(streams_port(self.ports, record.kind), stream_arn,
                                       record.stream.starting_position,
                                       record.stream.starting_timestamp)
        try:
            role = self.version_record(scope, record.function_name, record.qualifier).role
        except Exception:  # the function is gone: invocations will say so
            role = ""
        self.event_sources.run_stream(stream_source(
            uuid=record.uuid, scope=scope, function_name=record.function_name,
            qualifier=record.qualifier, role=role, kind=record.kind,
            source_arn=record.event_source_arn, stream_arn=stream_arn,
            batch_size=record.batch_size, window=record.window,
            filters=patterns if patterns is not None else _patterns(record.filter_criteria),
            response_types=record.function_response_types, options=record.stream,
            checkpoints=stored), checkpoints.hooks())

    def _source_of(self, scope: Scope, event_source_arn: str) -> tuple[str, str | None]:
        """The kind of source an ARN names, and for streams the stream it reads; raises
        Lambda's error for a source that does not exist or is not supported."""
        try:
            service = arns.parse(event_source_arn).service
        except ValueError:
            raise invalid_parameter(f"Invalid EventSourceArn: {event_source_arn}") from None
        kind = stream_kind(event_source_arn)
        if kind is not None:
            stream_arn = streams_port(self.ports, kind).resolve(event_source_arn)
            if stream_arn is None:
                raise invalid_parameter(f"Stream not found: {event_source_arn}")
            return kind, stream_arn
        if service != "sqs":
            raise invalid_parameter(f"Event sources of {service} are not supported by this "
                                    "emulator yet; SQS queues, Kinesis streams and DynamoDB "
                                    "streams are.")
        if not self.ports.queues.exists(event_source_arn):
            raise invalid_parameter(
                "Error occurred while ReceiveMessage. SQS Error Code: "
                "AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified "
                "queue does not exist or you do not have access to it.")
        return "sqs", None

    def _function(self, scope: Scope, function_name: str) -> tuple[str, str | None]:
        name, qualifier = split_function_name(function_name)
        self.version_record(scope, name, qualifier)
        return name, qualifier

    # -- operations ----------------------------------------------------------------------------

    def create_event_source_mapping(
            self, ctx: RequestContext, *, function_name: str, event_source_arn: str | None = None,
            enabled: bool | None = None, batch_size: int | None = None,
            filter_criteria: dict[str, Any] | None = None,
            maximum_batching_window_in_seconds: int | None = None,
            function_response_types: list[str] | None = None,
            scaling_config: dict[str, Any] | None = None, starting_position: str | None = None,
            starting_position_timestamp: datetime | None = None,
            **options: Any) -> dict[str, Any]:
        scope = scope_of(ctx)
        if not event_source_arn:
            raise invalid_parameter("Unrecognized event source, must be kafka or specify "
                                    "EventSourceArn.")
        kind, stream_arn = self._source_of(scope, event_source_arn)
        name, qualifier = self._function(scope, function_name)
        stream = None
        if kind == "sqs":
            if starting_position is not None:
                raise invalid_parameter("Unsupported starting position for SQS event sources: "
                                        "StartingPosition is only for stream sources.")
        else:
            stream = stream_options(kind, starting_position=starting_position,
                                    starting_position_timestamp=starting_position_timestamp,
                                    **_stream_arguments(options))
        table = self._mappings(scope)
        for other in table.values():
            if (other.event_source_arn == event_source_arn and other.function_name == name
                    and other.qualifier == qualifier):
                what = "SQS arn" if kind == "sqs" else "event source arn"
                raise self.conflict(
                    f"An event source mapping with {what} (\" {event_source_arn} \") and "
                    f"function (\" {name} \") already exists. Please update or delete the "
                    f"existing mapping with UUID {other.uuid}")
        default_batch = 10 if kind == "sqs" else STREAM_BATCH_DEFAULT
        record = MappingRecord(
            uuid=str(uuids.uuid4()), account=scope.account, region=scope.region,
            function_name=name, qualifier=qualifier, event_source_arn=event_source_arn,
            enabled=True if enabled is None else enabled,
            batch_size=batch_size or default_batch,
            window=maximum_batching_window_in_seconds or 0,
            filter_criteria=filter_criteria, function_response_types=function_response_types or [],
            scaling_config=scaling_config, last_modified=self.clock.now(), kind=kind,
            stream_arn=stream_arn, stream=stream,
        )
        patterns = self._check(record)
        table.put(record.uuid, record)
        if stream is not None and stream_arn is not None:
            self._checkpoints(record).begin(streams_port(self.ports, kind), stream_arn,
                                           stream.starting_position,
                                           stream.starting_timestamp)
        self._run(record, patterns)
        return self._shape(record, "Creating")

    def get_event_source_mapping(
        self, ctx: RequestContext, *, uuid: str, **_: Any
    ) -> dict[str, Any]:
        return self._shape(self._mapping(scope_of(ctx), uuid))

    def update_event_source_mapping(
            self, ctx: RequestContext, *, uuid: str, function_name: str | None = None,
            enabled: bool | None = None, batch_size: int | None = None,
            filter_criteria: dict[str, Any] | None = None,
            maximum_batching_window_in_seconds: int | None = None,
            function_response_types: list[str] | None = None,
            scaling_config: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
        scope = scope_of(ctx)
        record = self._mapping(scope, uuid).model_copy(deep=True)
        stream_changes = _stream_arguments(options)
        only_enabled = all(value is None for value in (
            function_name, batch_size, filter_criteria, maximum_batching_window_in_seconds,
            function_response_types, scaling_config, *stream_changes.values()))
        if record.stream is not None:
            record.stream = stream_options(record.kind, starting_position=None,
                                           current=record.stream, **stream_changes)
        was_enabled = record.enabled
        if function_name is not None:
            record.function_name, record.qualifier = self._function(scope, function_name)
        record.assign(enabled=enabled, batch_size=batch_size,
                      window=maximum_batching_window_in_seconds)
        if filter_criteria is not None:
            record.filter_criteria = filter_criteria if filter_criteria.get("Filters") else None
        if function_response_types is not None:
            record.function_response_types = list(function_response_types)
        if scaling_config is not None:
            record.scaling_config = scaling_config or None
        patterns = self._check(record)
        record.last_modified = self.clock.now()
        self._mappings(scope).put(uuid, record)
        self._run(record, patterns)
        state = "Updating"
        if only_enabled and enabled is not None and enabled != was_enabled:
            state = "Enabling" if enabled else "Disabling"
        return self._shape(record, state)

    def delete_event_source_mapping(
        self, ctx: RequestContext, *, uuid: str, **_: Any
    ) -> dict[str, Any]:
        scope = scope_of(ctx)
        record = self._mapping(scope, uuid)
        self.event_sources.stop(uuid)
        self._mappings(scope).delete(uuid)
        if record.stream is not None:
            self._checkpoints(record).table.delete(uuid)
        shape = self._shape(record, "Deleting")
        self.processing_results.pop(uuid, None)
        return shape

    def list_event_source_mappings(self, ctx: RequestContext, *,
                                   event_source_arn: str | None = None,
                                   function_name: str | None = None, marker: str | None = None,
                                   max_items: int | None = None, **_: Any) -> dict[str, Any]:
        scope = scope_of(ctx)
        name = qualifier = None
        if function_name is not None:
            name, qualifier = split_function_name(function_name)
        records = [
            r for r in self._mappings(scope).values()
            if (event_source_arn is None or r.event_source_arn == event_source_arn)
            and (name is None or (r.function_name == name
                                  and (qualifier is None or r.qualifier == qualifier)))
        ]
        return paging.answer("EventSourceMappings", records, marker, max_items or 100,
                             token_member="NextMarker",
                             shape=lambda r: self._shape(r))

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        await super().start()
        for account, region in self.store.scopes(MAPPINGS):
            for record in self._mappings(Scope(account, region)).values():
                if record.enabled and not self.event_sources.running(record.uuid):
                    try:
                        self._run(record)
                    except Exception:  # a stored mapping that no longer compiles stays off
                        continue

    async def stop(self) -> None:
        if self._event_sources is not None:
            self._event_sources.reset()
        await super().stop()

    def reset(self) -> None:
        if self._event_sources is not None:
            self._event_sources.reset()
        self._processing_results = None
        super().reset()

    def busy(self) -> list[str]:
        return [*super().busy(),
                *(self._event_sources.busy() if self._event_sources else [])]


__all__ = ["MAPPINGS", "EventSourceMappingsApi", "MappingRecord"]
