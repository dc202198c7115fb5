"""Amazon DynamoDB Streams: ListStreams, DescribeStream, GetShardIterator and GetRecords.

The records come from the dynamodb service through the ``table-changes`` port (see
docs/architecture.md, "DynamoDB change feed"): every committed write of a table with a stream,
in commit order, shaped by the stream's view type. Shard iterators expire 15 minutes after they
are handed out and records 24 hours after they were written, both on the clock
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html).
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import cached_property
from typing import Any, cast

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import TableStreams
from emulator.services import paging
from emulator.services.base import Provider
from emulator.services.dynamodbstreams.models import STREAMS, ShardModel, StreamModel
from emulator.services.dynamodbstreams.naming import (
    parse_sequence,
    shard_not_found,
    stream_not_found,
    to_wire,
    validation,
)
from emulator.services.dynamodbstreams.ports import TableChanges, TableStreamsReader
from emulator.services.dynamodbstreams.state import LiveTableStream, TableStreamData
from emulator.services.shard_reader import start_position
from emulator.shards import IteratorToken
from emulator.shards.iterators import check_age, decode

log = logging.getLogger("emulator.dynamodbstreams")

ITERATOR_LIFETIME = 900.0  # seconds
GET_RECORDS_BYTES = 1024 * 1024
DEFAULT_GET_LIMIT = 1000
DEFAULT_LIST_LIMIT = 100
_ITERATOR_SEPARATOR = "|1|"


def _shard_shape(shard: ShardModel) -> dict[str, Any]:
    sequences = {"StartingSequenceNumber": shard.start_sequence}
    if shard.end_sequence is not None:
        sequences["EndingSequenceNumber"] = shard.end_sequence
    shape: dict[str, Any] = {"ShardId": shard.shard_id, "SequenceNumberRange": sequences}
    if shard.parent:
        shape["ParentShardId"] = shard.parent
    return shape


def _api_record(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored stream record as GetRecords answers it: bytes for binary values, and the
    Identity shape's member names."""
    record = dict(stored)
    body = dict(record["dynamodb"])
    for name in ("Keys", "NewImage", "OldImage"):
        if name in body:
            body[name] = to_wire(body[name])
    record["dynamodb"] = body
    identity = record.get("userIdentity")
    if isinstance(identity, dict):
        record["userIdentity"] = {"PrincipalId": identity.get("principalId"),
                                  "Type": identity.get("type")}
    return record


class DynamoDbStreamsProvider(Provider):
    service_name = "dynamodbstreams"

    @cached_property
    def data(self) -> TableStreamData:
        """The streams' live shards, made on first use."""
        return TableStreamData(self.store, self.clock)

    def port(self, name: str) -> object | None:
        if name == "table-changes":
            return TableChanges(self)
        if name == "table-streams":
            return TableStreamsReader(self)
        return None

    async def start(self) -> None:
        """Take up the streams DynamoDB has now, in case it began before this service."""
        try:
            tables = cast(TableStreams, self.ports.get("tables"))
            for stream in tables.streams():
                self.data.enable(stream)
        except Exception as error:  # no dynamodb service: nothing to take up
            log.debug("no table streams to take up: %s", error)

    def reset(self) -> None:
        if "data" in vars(self):  # made already: wake its readers
            self.data.reset()
        super().reset()

    def _stream(self, arn: str) -> LiveTableStream:
        live = self.data.by_arn(arn)
        if live is None:
            raise stream_not_found(arn)
        return live

    # -- operations ------------------------------------------------------------------------

    def list_streams(self, ctx: RequestContext, *, table_name: str | None = None,
                     limit: int | None = None, exclusive_start_stream_arn: str | None = None,
                     **_: Any) -> dict[str, Any]:
        models = [m for m in self.data.streams(ctx.account_id, ctx.region).values()
                  if table_name is None or m.table_name == table_name]
        models = [m for m in models if self.data.by_arn(m.arn) is not None]
        models.sort(key=lambda m: (m.created, m.arn))
        page, last = paging.after(models, lambda m: m.arn, exclusive_start_stream_arn,
                                  limit or DEFAULT_LIST_LIMIT)
        result: dict[str, Any] = {"Streams": [
            {"StreamArn": m.arn, "TableName": m.table_name, "StreamLabel": m.label}
            for m in page]}
        if last is not None:
            result["LastEvaluatedStreamArn"] = last.arn
        return result

    def describe_stream(self, ctx: RequestContext, *, stream_arn: str, limit: int | None = None,
                        exclusive_start_shard_id: str | None = None,
                        shard_filter: dict[str, Any] | None = None,
                        **_: Any) -> dict[str, Any]:
        model: StreamModel = self._stream(stream_arn).model
        shards = list(model.shards)
        if shard_filter:
            parent = shard_filter.get("ShardId")
            if not parent:
                raise validation("ShardFilter of type CHILD_SHARDS requires a ShardId.")
            shards = [s for s in shards if s.parent == parent]
        page, last = paging.after(shards, lambda s: s.shard_id, exclusive_start_shard_id,
                                  limit or DEFAULT_LIST_LIMIT)
        description: dict[str, Any] = {
            "StreamArn": model.arn,
            "StreamLabel": model.label,
            "StreamStatus": "ENABLED" if model.enabled else "DISABLED",
            "StreamViewType": model.view_type,
            "CreationRequestDateTime": model.created,
            "TableName": model.table_name,
            "KeySchema": model.key_schema,
            "Shards": [_shard_shape(s) for s in page],
        }
        if last is not None:
            description["LastEvaluatedShardId"] = last.shard_id
        return {"StreamDescription": description}

    def get_shard_iterator(self, ctx: RequestContext, *, stream_arn: str, shard_id: str,
                           shard_iterator_type: str, sequence_number: str | None = None,
                           timestamp: datetime | None = None, **_: Any) -> dict[str, Any]:
        live = self._stream(stream_arn)
        if live.shard(shard_id) is None:
            raise shard_not_found(shard_id, stream_arn)
        shard_log = live.shards.logs[shard_id]
        kind = shard_iterator_type
        if kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            if sequence_number is None:
                raise validation(f"SequenceNumber must be provided for ShardIteratorType {kind}")
            if parse_sequence(sequence_number) is None:
                raise validation(f"Invalid SequenceNumber: {sequence_number}")
            value = int(sequence_number)
            if value <= shard_log.trimmed_through and shard_log.trimmed_through >= int(
                    live.shard(shard_id).start_sequence):  # type: ignore[union-attr]
                raise ServiceError(
                    "TrimmedDataAccessException",
                    f"The sequence number {sequence_number} is beyond the trim horizon of "
                    f"shard {shard_id}.")
            after = value - 1 if kind == "AT_SEQUENCE_NUMBER" else value
        elif sequence_number is not None:
            raise validation(f"SequenceNumber is only allowed with AT_SEQUENCE_NUMBER and "
                             f"AFTER_SEQUENCE_NUMBER, not {kind}")
        elif kind == "AT_TIMESTAMP" and timestamp is None:
            raise validation("Timestamp must be provided for ShardIteratorType AT_TIMESTAMP")
        else:
            after = start_position(shard_log, kind, timestamp.timestamp() if timestamp else None)
        token = IteratorToken(live.model.arn, shard_id, after, self.clock.now())
        return {"ShardIterator": f"{live.model.arn}{_ITERATOR_SEPARATOR}{token.encode()}"}

    def get_records(self, ctx: RequestContext, *, shard_iterator: str,
                    limit: int | None = None, **_: Any) -> dict[str, Any]:
        encoded = shard_iterator.rpartition(_ITERATOR_SEPARATOR)[2]
        token = decode(encoded)
        if token is None:
            raise validation("Invalid ShardIterator")
        now = self.clock.now()
        check_age(token, now, ITERATOR_LIFETIME)
        live = self._stream(token.stream)
        shard_log = live.shards.logs.get(token.shard_id)
        if shard_log is None:
            raise shard_not_found(token.shard_id, token.stream)
        if token.after < shard_log.trimmed_through:
            raise ServiceError(
                "TrimmedDataAccessException",
                "The shard iterator points past the trim horizon: the records it was reading "
                "are older than 24 hours and were trimmed.")
        entries = shard_log.read(token.after, limit or DEFAULT_GET_LIMIT, GET_RECORDS_BYTES)
        after = entries[-1].sequence if entries else token.after
        result: dict[str, Any] = {"Records": [_api_record(e.item["record"]) for e in entries]}
        if not shard_log.finished(after):
            next_token = token.moved(after, now).encode()
            result["NextShardIterator"] = f"{live.model.arn}{_ITERATOR_SEPARATOR}{next_token}"
        return result

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        streams = []
        for account, region in self.store.scopes(STREAMS):
            for model in self.data.streams(account, region).values():
                live = self.data.live(model)
                streams.append({
                    "arn": model.arn, "table": model.table_name, "account": account,
                    "region": region, "view_type": model.view_type,
                    "enabled": model.enabled,
                    "records": sum(len(log_) for log_ in live.shards.logs.values()),
                })
        return {"streams": streams}


__all__ = ["DynamoDbStreamsProvider"]
