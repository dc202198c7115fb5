"""The data plane: PutRecord, PutRecords, GetShardIterator and GetRecords.

A record goes to the open shard whose hash key range holds the MD5 of its partition key (or
its ExplicitHashKey). Iterators expire five minutes after they are handed out, on the clock
(https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetShardIterator.html); a
GetRecords at the end of a closed shard answers no NextShardIterator and names the shard's
children.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.kinesis.common import KinesisBase
from emulator.services.kinesis.models import EntryData, ShardModel
from emulator.services.kinesis.naming import (
    invalid_argument,
    parse_sequence,
    sequence_number,
    shard_id,
    shard_not_found,
    stream_not_found,
)
from emulator.services.kinesis.state import LiveStream
from emulator.services.shard_reader import start_position
from emulator.shards import IteratorToken
from emulator.shards.hashing import hash_key, parse_hash_key
from emulator.shards.iterators import check_age, decode
from emulator.shards.log import ShardLog
from emulator.wire.validate import Problem, validation_failure

ITERATOR_LIFETIME = 300.0  # seconds
PUT_RECORDS_LIMIT = 5 * 1024 * 1024
GET_RECORDS_LIMIT = 10 * 1024 * 1024
DEFAULT_GET_LIMIT = 10000


def _require_keys(keys: list[tuple[list[str], str | None]]) -> None:
    """PartitionKey is required on the service (its API reference says so) although the SDK
    model lets it out: a missing one gets the validation error, not a failure inside."""
    problems = [Problem(path, "required", "Member must not be null")
                for path, key in keys if key is None]
    if problems:
        raise validation_failure(problems)


def _hash_of(partition_key: str, explicit_hash_key: str | None) -> int:
    if explicit_hash_key is None:
        return hash_key(partition_key)
    value = parse_hash_key(explicit_hash_key)
    if value is None:
        raise invalid_argument(
            "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
            f"Specified value was {explicit_hash_key}")
    return value


class RecordsApi(KinesisBase):
    def _shard_for(self, live: LiveStream, key: int) -> ShardModel:
        for shard in live.model.shards:
            if shard.end_sequence is None and int(shard.start_hash) <= key <= int(
                    shard.end_hash):
                return shard
        raise ServiceError("InternalFailureException", "No open shard holds the hash key.",
                           status=500, sender_fault=False)

    def _entry(self, live: LiveStream, data: bytes, partition_key: str,
               explicit_hash_key: str | None, now: float) -> tuple[ShardModel, EntryData]:
        size = len(data) + len(partition_key.encode("utf-8", "surrogatepass"))
        limit = live.model.max_record_size_kib * 1024
        if size > limit:
            raise invalid_argument(
                f"Record size {size} bytes (data plus partition key) exceeds the maximum record "
                f"size of {live.model.max_record_size_kib} KiB for stream {live.model.name}.")
        shard = self._shard_for(live, _hash_of(partition_key, explicit_hash_key))
        live.counter += 1
        entry: EntryData = {
            "sequence": sequence_number(live.model.tag, live.counter, shard.index),
            "arrival": now,
            "partition_key": partition_key,
            "data": base64.b64encode(data).decode("ascii"),
            "size": size,
        }
        return shard, entry

    def _encryption(self, live: LiveStream) -> dict[str, Any]:
        kind = live.model.encryption_type
        return {"EncryptionType": kind} if kind != "NONE" else {}

    # -- writing ---------------------------------------------------------------------------

    def put_record(self, ctx: RequestContext, *, data: bytes, partition_key: str | None = None,
                   stream_name: str | None = None, stream_arn: str | None = None,
                   explicit_hash_key: str | None = None, **_: Any) -> dict[str, Any]:
        _require_keys([(["PartitionKey"], partition_key)])
        assert partition_key is not None
        live = self.find(ctx, stream_name, stream_arn)
        shard, entry = self._entry(live, data, partition_key, explicit_hash_key,
                                   self.clock.now())
        self.data.append(live, shard.shard_id, [entry])
        return {"ShardId": shard.shard_id, "SequenceNumber": entry["sequence"],
                **self._encryption(live)}

    def put_records(self, ctx: RequestContext, *, records: list[dict[str, Any]],
                    stream_name: str | None = None, stream_arn: str | None = None,
                    **_: Any) -> dict[str, Any]:
        _require_keys([(["Records", str(index), "member", "PartitionKey"],
                        record.get("PartitionKey")) for index, record in enumerate(records, 1)])
        live = self.find(ctx, stream_name, stream_arn)
        total = sum(len(r["Data"]) + len(r["PartitionKey"].encode("utf-8", "surrogatepass"))
                    for r in records)
        if total > PUT_RECORDS_LIMIT:
            raise invalid_argument(f"Records size exceeds {PUT_RECORDS_LIMIT // 1048576} MB "
                                   "limit")
        now = self.clock.now()
        placed = [self._entry(live, r["Data"], r["PartitionKey"], r.get("ExplicitHashKey"),
                              now) for r in records]
        by_shard: dict[str, list[EntryData]] = {}
        for shard, entry in placed:
            by_shard.setdefault(shard.shard_id, []).append(entry)
        for shard_name, entries in by_shard.items():
            self.data.append(live, shard_name, entries)
        return {
            "FailedRecordCount": 0,
            "Records": [{"SequenceNumber": entry["sequence"], "ShardId": shard.shard_id}
                        for shard, entry in placed],
            **self._encryption(live),
        }

    # -- reading ---------------------------------------------------------------------------

    def _sequence_position(self, live: LiveStream, shard: ShardModel, kind: str,
                           sequence: str) -> int:
        model = live.model
        parsed = parse_sequence(sequence)
        where = (f"StartingSequenceNumber {sequence} used in GetShardIterator on shard "
                 f"{shard.shard_id} in stream {model.name} under account {model.account} is "
                 "invalid")
        if parsed is None:
            raise invalid_argument(f"{where}.")
        tag, _, index = parsed
        if tag != model.tag:
            raise invalid_argument(f"{where} because it did not come from this stream.")
        if index != shard.index:
            raise invalid_argument(
                f"Invalid StartingSequenceNumber. It encodes {shard_id(index)}, while it was "
                f"used in a call to {shard.shard_id}")
        value = int(sequence)
        return value - 1 if kind == "AT_SEQUENCE_NUMBER" else value

    def get_shard_iterator(self, ctx: RequestContext, *, shard_id: str,
                           shard_iterator_type: str, stream_name: str | None = None,
                           stream_arn: str | None = None,
                           starting_sequence_number: str | None = None,
                           timestamp: datetime | None = None, **_: Any) -> dict[str, Any]:
        live = self.find(ctx, stream_name, stream_arn)
        shard = live.shard(shard_id)
        if shard is None:
            raise shard_not_found(shard_id, live.model.name, live.model.account)
        log = live.shards.logs[shard_id]
        kind = shard_iterator_type
        by_sequence = kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")
        if by_sequence != (starting_sequence_number is not None):
            detail = ("and no StartingSequenceNumber" if by_sequence
                      else "and also a StartingSequenceNumber")
            raise invalid_argument(
                "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and "
                "StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no "
                f"StartingSequenceNumber. Request specified {kind} {detail}.")
        if kind == "AT_TIMESTAMP" and timestamp is None:
            raise invalid_argument("Must specify timestampInMillis parameter for iterator of "
                                   "type AT_TIMESTAMP. Current request has no timestamp "
                                   "parameter.")
        if kind != "AT_TIMESTAMP" and timestamp is not None:
            raise invalid_argument(f"Request specified {kind} and also a Timestamp.")
        if by_sequence:
            after = self._sequence_position(live, shard, kind, starting_sequence_number or "")
        else:
            after = start_position(log, kind, timestamp.timestamp() if timestamp else None)
        token = IteratorToken(live.model.arn, shard_id, after, self.clock.now())
        return {"ShardIterator": token.encode()}

    def get_records(self, ctx: RequestContext, *, shard_iterator: str,
                    limit: int | None = None, **_: Any) -> dict[str, Any]:
        token = decode(shard_iterator)
        if token is None:
            raise invalid_argument(f"Invalid ShardIterator: {shard_iterator}")
        now = self.clock.now()
        check_age(token, now, ITERATOR_LIFETIME)
        live = self.by_arn(token.stream)
        if live is None:
            stream = token.stream.rsplit("/", 1)[-1]
            raise stream_not_found(stream, ctx.account_id)
        log = live.shards.logs.get(token.shard_id)
        if log is None:
            raise shard_not_found(token.shard_id, live.model.name, live.model.account)
        entries = log.read(token.after, limit or DEFAULT_GET_LIMIT, GET_RECORDS_LIMIT)
        encryption = self._encryption(live)
        records = [{
            "SequenceNumber": e.item["sequence"],
            "ApproximateArrivalTimestamp": round(e.arrival, 3),
            "Data": base64.b64decode(e.item["data"]),
            "PartitionKey": e.item["partition_key"],
            **encryption,
        } for e in entries]
        after = entries[-1].sequence if entries else max(token.after, log.trimmed_through)
        behind = 0
        if log.pending(after) and entries:
            behind = max(0, int((now - entries[-1].arrival) * 1000))
        result: dict[str, Any] = {"Records": records, "MillisBehindLatest": behind}
        if log.finished(after):
            result["ChildShards"] = self._children(live, log)
        else:
            result["NextShardIterator"] = token.moved(after, now).encode()
        return result

    def _children(self, live: LiveStream, log: ShardLog) -> list[dict[str, Any]]:
        children = []
        for shard in live.model.shards:
            if log.shard_id in (shard.parent, shard.adjacent_parent):
                children.append({
                    "ShardId": shard.shard_id,
                    "ParentShards": [p for p in (shard.parent, shard.adjacent_parent) if p],
                    "HashKeyRange": {"StartingHashKey": shard.start_hash,
                                     "EndingHashKey": shard.end_hash},
                })
        return children


__all__ = ["RecordsApi"]
