"""What the parts of the Kinesis provider share: the streams' data, finding a stream by name
or ARN, and the shapes streams and shards are answered in."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from emulator import arns
from emulator.context import RequestContext
from emulator.services.base import Provider
from emulator.services.kinesis.models import ShardModel, StreamModel
from emulator.services.kinesis.naming import (
    invalid_argument,
    sequence_number,
    shard_id,
    stream_not_found,
)
from emulator.services.kinesis.state import LiveStream, StreamData

SHARD_LIMIT = 500  # open shards per account and region


def split_stream_arn(arn: str) -> tuple[str, str, str, str | None] | None:
    """(region, account, stream name, consumer part or None) of a stream or consumer ARN."""
    parsed = arns.parse_or_none(arn)
    if parsed is None:
        return None
    kind, _, rest = parsed.resource.partition("/")
    if parsed.service != "kinesis" or kind != "stream" or not rest:
        return None
    name, _, consumer = rest.partition("/consumer/")
    if "/" in name:
        return None
    return parsed.region, parsed.account, name, consumer or None


def shard_shape(shard: ShardModel) -> dict[str, Any]:
    shape: dict[str, Any] = {"ShardId": shard.shard_id}
    if shard.parent:
        shape["ParentShardId"] = shard.parent
    if shard.adjacent_parent:
        shape["AdjacentParentShardId"] = shard.adjacent_parent
    shape["HashKeyRange"] = {"StartingHashKey": shard.start_hash,
                             "EndingHashKey": shard.end_hash}
    sequences = {"StartingSequenceNumber": shard.start_sequence}
    if shard.end_sequence is not None:
        sequences["EndingSequenceNumber"] = shard.end_sequence
    shape["SequenceNumberRange"] = sequences
    return shape


def monitoring_shape(model: StreamModel) -> list[dict[str, Any]]:
    return [{"ShardLevelMetrics": list(model.shard_level_metrics)}]


class KinesisBase(Provider):
    service_name = "kinesis"

    @cached_property
    def data(self) -> StreamData:
        """The streams' live shards, made on first use."""
        return StreamData(self.store, self.clock)

    def find(self, ctx: RequestContext, name: str | None = None,
             arn: str | None = None) -> LiveStream:
        """The stream a request names by StreamName or StreamARN, retention applied."""
        account, region = ctx.account_id, ctx.region
        if arn:
            parts = split_stream_arn(arn)
            if parts is None or parts[3] is not None:
                raise invalid_argument(f"StreamARN {arn} is invalid.")
            region, account, arn_name, _ = parts
            if name and name != arn_name:
                raise invalid_argument(f"StreamName {name} and StreamARN {arn} do not match.")
            name = arn_name
        if not name:
            raise invalid_argument("Either StreamName or StreamARN must be specified.")
        model = self.data.streams(account, region).get(name)
        if model is None:
            raise stream_not_found(name, account)
        live = self.data.live(model)
        self.data.trim(live)
        return live

    def by_arn(self, arn: str) -> LiveStream | None:
        """The stream an ARN names (a consumer's ARN names its stream), or None."""
        parts = split_stream_arn(arn)
        if parts is None:
            return None
        region, account, name, _ = parts
        model = self.data.streams(account, region).get(name)
        if model is None:
            return None
        live = self.data.live(model)
        self.data.trim(live)
        return live

    def open_shard(self, live: LiveStream, start_hash: int, end_hash: int, *,
                   parents: tuple[str | None, str | None] = (None, None),
                   ancestors: list[str] | None = None) -> ShardModel:
        """Add an open shard for a key range (not yet stored)."""
        model = live.model
        index = model.next_shard_index
        model.next_shard_index += 1
        shard = ShardModel(
            shard_id=shard_id(index), index=index, parent=parents[0],
            adjacent_parent=parents[1], ancestors=ancestors or [], start_hash=str(start_hash),
            end_hash=str(end_hash), start_sequence=sequence_number(model.tag, live.counter, index),
            created=self.clock.now())
        model.shards.append(shard)
        live.shards.add(shard.shard_id, int(shard.start_sequence))
        return shard

    def open_shard_count(self, account: str, region: str) -> int:
        return sum(len([s for s in model.shards if s.end_sequence is None])
                   for model in self.data.streams(account, region).values())

    def reset(self) -> None:
        if "data" in vars(self):  # made already: wake its readers
            self.data.reset()
        super().reset()


__all__ = ["KinesisBase", "monitoring_shape", "shard_shape", "split_stream_arn"]
