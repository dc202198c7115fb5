"""Streams themselves: create, delete, describe, list, and their shards.

A stream is ACTIVE as soon as CreateStream answers, so code that writes right after creating
(or a boto3 ``stream_exists`` waiter) works at once; deletion is as immediate. An on-demand
stream starts with four shards, as AWS's do.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import re
from datetime import datetime
from typing import Any

from emulator import inbound
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.kinesis.common import (
    SHARD_LIMIT,
    KinesisBase,
    monitoring_shape,
    shard_shape,
)
from emulator.services.kinesis.models import ShardModel, StreamModel
from emulator.services.kinesis.naming import (
    invalid_argument,
    resource_in_use,
    stream_arn_of,
)
from emulator.services.kinesis.state import LiveStream
from emulator.shards.hashing import even_ranges

ON_DEMAND_SHARDS = 4
ON_DEMAND_STREAM_LIMIT = 50
DEFAULT_DESCRIBE_LIMIT = 100
DEFAULT_LIST_SHARDS = 1000
DEFAULT_LIST_STREAMS = 100
NAME_PATTERN = "[a-zA-Z0-9_.-]+"
_NAME = re.compile(NAME_PATTERN)


def _token(payload: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(payload).encode()).decode()


def _read_token(token: str) -> dict[str, Any]:
    try:
        found = inbound.loads(base64.b64decode(token, validate=True))
    except (binascii.Error, ValueError):
        raise invalid_argument(f"NextToken {token} is invalid.") from None
    if not isinstance(found, dict):
        raise invalid_argument(f"NextToken {token} is invalid.")
    return found


class StreamsApi(KinesisBase):
    # -- operations ------------------------------------------------------------------------

    def create_stream(self, ctx: RequestContext, *, stream_name: str,
                      shard_count: int | None = None,
                      stream_mode_details: dict[str, Any] | None = None,
                      tags: dict[str, str] | None = None,
                      max_record_size_in_ki_b: int | None = None,
                      warm_throughput_mi_bps: int | None = None, **_: Any) -> dict[str, Any]:
        account, region = ctx.account_id, ctx.region
        if not _NAME.fullmatch(stream_name):
            raise ServiceError(
                "ValidationException",
                f"1 validation error detected: Value '{stream_name}' at 'streamName' failed to "
                "satisfy constraint: Member must satisfy regular expression pattern: "
                f"{NAME_PATTERN}")
        table = self.data.streams(account, region)
        if stream_name in table:
            raise resource_in_use(f"Stream {stream_name} under account {account} already "
                                  "exists.")
        mode = (stream_mode_details or {}).get("StreamMode", "PROVISIONED")
        if mode == "ON_DEMAND":
            count = shard_count or ON_DEMAND_SHARDS
        elif shard_count is None:
            raise invalid_argument("ShardCount is required for PROVISIONED streams.")
        else:
            count = shard_count
        if count < 1:
            raise invalid_argument("ShardCount must be at least 1.")
        if self.open_shard_count(account, region) + count > SHARD_LIMIT:
            raise invalid_argument(
                f"This request would exceed the shard limit for the account {account} in "
                f"{region}. Current limit of shards is {SHARD_LIMIT}.")
        if len(tags or {}) > 50:
            raise invalid_argument("A stream cannot have more than 50 tags.")
        model = StreamModel(
            name=stream_name, arn=stream_arn_of(region, account, stream_name), account=account,
            region=region, created=self.clock.now(), tag=random.randrange(10**11, 10**12),
            mode=mode, tags=dict(tags or {}),
            max_record_size_kib=max_record_size_in_ki_b or 1024,
            warm_throughput_mibps=warm_throughput_mi_bps)
        live = self.data.live(model)
        for start, end in even_ranges(count):
            self.open_shard(live, start, end)
        self.data.save(live)
        return {}

    def delete_stream(self, ctx: RequestContext, *, stream_name: str | None = None,
                      stream_arn: str | None = None,
                      enforce_consumer_deletion: bool | None = None,
                      **_: Any) -> dict[str, Any]:
        live = self.find(ctx, stream_name, stream_arn)
        model = live.model
        if model.consumers and not enforce_consumer_deletion:
            raise resource_in_use(
                f"Stream {model.name} under account {model.account} has registered consumers. "
                "Set EnforceConsumerDeletion to true to delete them with the stream.")
        self.data.streams(model.account, model.region).delete(model.name)
        self.data.drop(model)
        return {}

    def describe_stream(self, ctx: RequestContext, *, stream_name: str | None = None,
                        stream_arn: str | None = None, limit: int | None = None,
                        exclusive_start_shard_id: str | None = None,
                        **_: Any) -> dict[str, Any]:
        live = self.find(ctx, stream_name, stream_arn)
        model = live.model
        shards = model.shards
        if exclusive_start_shard_id is not None:
            shards = [s for s in shards if s.shard_id > exclusive_start_shard_id]
        size = limit or DEFAULT_DESCRIBE_LIMIT
        description: dict[str, Any] = {
            "StreamName": model.name,
            "StreamARN": model.arn,
            "StreamStatus": "ACTIVE",
            "StreamModeDetails": {"StreamMode": model.mode},
            "Shards": [shard_shape(s) for s in shards[:size]],
            "HasMoreShards": len(shards) > size,
            "RetentionPeriodHours": model.retention_hours,
            "StreamCreationTimestamp": _seconds(model.created),
            "EnhancedMonitoring": monitoring_shape(model),
            "EncryptionType": model.encryption_type,
        }
        if model.key_id:
            description["KeyId"] = model.key_id
        return {"StreamDescription": description}

    def describe_stream_summary(self, ctx: RequestContext, *, stream_name: str | None = None,
                                stream_arn: str | None = None,
                                **_: Any) -> dict[str, Any]:
        model = self.find(ctx, stream_name, stream_arn).model
        summary: dict[str, Any] = {
            "StreamName": model.name,
            "StreamARN": model.arn,
            "StreamStatus": "ACTIVE",
            "StreamModeDetails": {"StreamMode": model.mode},
            "RetentionPeriodHours": model.retention_hours,
            "StreamCreationTimestamp": _seconds(model.created),
            "EnhancedMonitoring": monitoring_shape(model),
            "EncryptionType": model.encryption_type,
            "OpenShardCount": len([s for s in model.shards if s.end_sequence is None]),
            "ConsumerCount": len(model.consumers),
            "MaxRecordSizeInKiB": model.max_record_size_kib,
        }
        if model.key_id:
            summary["KeyId"] = model.key_id
        if model.warm_throughput_mibps is not None:
            summary["WarmThroughput"] = {"TargetMiBps": model.warm_throughput_mibps,
                                         "CurrentMiBps": model.warm_throughput_mibps}
        return {"StreamDescriptionSummary": summary}

    def list_streams(self, ctx: RequestContext, *, limit: int | None = None,
                     exclusive_start_stream_name: str | None = None,
                     next_token: str | None = None, **_: Any) -> dict[str, Any]:
        models = sorted(self.data.streams(ctx.account_id, ctx.region).values(),
                        key=lambda m: m.name)
        after = exclusive_start_stream_name
        if next_token:
            if exclusive_start_stream_name:
                raise invalid_argument("NextToken and ExclusiveStartStreamName cannot both be "
                                       "specified.")
            after = str(_read_token(next_token).get("after", ""))
        if after:
            models = [m for m in models if m.name > after]
        size = limit or DEFAULT_LIST_STREAMS
        page = models[:size]
        result: dict[str, Any] = {
            "StreamNames": [m.name for m in page],
            "HasMoreStreams": len(models) > size,
            "StreamSummaries": [{
                "StreamName": m.name, "StreamARN": m.arn, "StreamStatus": "ACTIVE",
                "StreamModeDetails": {"StreamMode": m.mode},
                "StreamCreationTimestamp": _seconds(m.created)} for m in page],
        }
        if len(models) > size and page:
            result["NextToken"] = _token({"after": page[-1].name})
        return result

    def list_shards(self, ctx: RequestContext, *, stream_name: str | None = None,
                    stream_arn: str | None = None, next_token: str | None = None,
                    exclusive_start_shard_id: str | None = None,
                    max_results: int | None = None,
                    stream_creation_timestamp: datetime | None = None,
                    shard_filter: dict[str, Any] | None = None, **_: Any) -> dict[str, Any]:
        if next_token:
            if stream_name or stream_arn or exclusive_start_shard_id or shard_filter:
                raise invalid_argument("NextToken cannot be combined with StreamName, "
                                       "StreamARN, ExclusiveStartShardId or ShardFilter.")
            state = _read_token(next_token)
            stream_arn, after = str(state.get("stream", "")), state.get("after")
            kept = state.get("shards")
            live = self.find(ctx, None, stream_arn)
            shards = [s for s in live.model.shards if not isinstance(kept, list)
                      or s.shard_id in kept]
        else:
            live = self.find(ctx, stream_name, stream_arn)
            after = exclusive_start_shard_id
            shards = self._filtered(live, shard_filter)
        if after:
            shards = [s for s in shards if s.shard_id > after]
        size = max_results or DEFAULT_LIST_SHARDS
        page = shards[:size]
        result: dict[str, Any] = {"Shards": [shard_shape(s) for s in page]}
        if len(shards) > size and page:
            result["NextToken"] = _token({"stream": live.model.arn, "after": page[-1].shard_id,
                                          "shards": [s.shard_id for s in shards]})
        return result

    def _filtered(self, live: LiveStream,
                  shard_filter: dict[str, Any] | None) -> list[ShardModel]:
        shards = list(live.model.shards)
        if not shard_filter:
            return shards
        kind = shard_filter.get("Type")
        if kind == "AFTER_SHARD_ID":
            after = shard_filter.get("ShardId")
            if not after:
                raise invalid_argument("ShardId must be specified for AFTER_SHARD_ID.")
            return [s for s in shards if s.shard_id > after]
        if kind == "AT_LATEST":
            return [s for s in shards if s.end_sequence is None]
        if kind in ("AT_TIMESTAMP", "FROM_TIMESTAMP"):
            moment = shard_filter.get("Timestamp")
            if moment is None:
                raise invalid_argument(f"Timestamp must be specified for {kind}.")
            at = moment.timestamp() if isinstance(moment, datetime) else float(moment)
            return [s for s in shards if s.closed_at is None or s.closed_at >= at]
        return shards  # AT_TRIM_HORIZON, FROM_TRIM_HORIZON: every shard still kept

    def describe_limits(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        models = self.data.streams(ctx.account_id, ctx.region).values()
        return {
            "ShardLimit": SHARD_LIMIT,
            "OpenShardCount": self.open_shard_count(ctx.account_id, ctx.region),
            "OnDemandStreamCount": len([m for m in models if m.mode == "ON_DEMAND"]),
            "OnDemandStreamCountLimit": ON_DEMAND_STREAM_LIMIT,
        }


def _seconds(epoch: float) -> float:
    return round(epoch, 3)


__all__ = ["StreamsApi"]
