"""Resharding: SplitShard, MergeShards, UpdateShardCount and UpdateStreamMode.

A split or merged shard closes at once (its ending sequence number is its last record's) and
its children open; readers of the parent find the children in GetRecords' ChildShards, and
event-source pollers finish parents before starting children.
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.kinesis.common import SHARD_LIMIT, KinesisBase
from emulator.services.kinesis.models import ShardModel
from emulator.services.kinesis.naming import (
    invalid_argument,
    limit_exceeded,
    resource_in_use,
    sequence_number,
    shard_not_found,
)
from emulator.services.kinesis.state import LiveStream
from emulator.shards.hashing import even_ranges, parse_hash_key, split_range


class ReshardingApi(KinesisBase):
    def _open(self, live: LiveStream, shard_name: str, action: str) -> ShardModel:
        shard = live.shard(shard_name)
        model = live.model
        if shard is None:
            raise shard_not_found(shard_name, model.name, model.account)
        if shard.end_sequence is not None:
            raise resource_in_use(
                f"Shard {shard_name} in stream {model.name} under account {model.account} has "
                f"already been merged or split, and thus is not eligible for {action}.")
        return shard

    def _close(self, live: LiveStream, shard: ShardModel) -> None:
        log = live.shards.logs[shard.shard_id]
        last = log.last_sequence
        if last is None:
            live.counter += 1
            last = int(sequence_number(live.model.tag, live.counter, shard.index))
        shard.end_sequence = str(last)
        shard.closed_at = self.clock.now()
        log.close(last)

    def _changed(self, live: LiveStream) -> None:
        self.data.save(live)
        live.shards.changes.notify()

    def split_shard(self, ctx: RequestContext, *, shard_to_split: str,
                    new_starting_hash_key: str, stream_name: str | None = None,
                    stream_arn: str | None = None, **_: Any) -> dict[str, Any]:
        live = self.find(ctx, stream_name, stream_arn)
        shard = self._open(live, shard_to_split, "splitting")
        start, end = int(shard.start_hash), int(shard.end_hash)
        new_start = parse_hash_key(new_starting_hash_key)
        if new_start is None or not start < new_start <= end:
            raise invalid_argument(
                f"NewStartingHashKey {new_starting_hash_key} used in SplitShard() on shard "
                f"{shard.shard_id} in stream {live.model.name} under account "
                f"{live.model.account} is not both greater than one plus the shard's "
                f"StartingHashKey {start} and less than the shard's EndingHashKey {end}.")
        if self.open_shard_count(live.model.account, live.model.region) + 1 > SHARD_LIMIT:
            raise limit_exceeded(f"This request would exceed the shard limit for the account "
                                 f"{live.model.account} in {live.model.region}.")
        self._close(live, shard)
        for low, high in split_range(start, end, new_start):
            self.open_shard(live, low, high, parents=(shard.shard_id, None),
                            ancestors=[shard.shard_id])
        self._changed(live)
        return {}

    def merge_shards(self, ctx: RequestContext, *, shard_to_merge: str,
                     adjacent_shard_to_merge: str, stream_name: str | None = None,
                     stream_arn: str | None = None, **_: Any) -> dict[str, Any]:
        live = self.find(ctx, stream_name, stream_arn)
        first = self._open(live, shard_to_merge, "merging")
        second = self._open(live, adjacent_shard_to_merge, "merging")
        low = min(first, second, key=lambda s: int(s.start_hash))
        high = second if low is first else first
        if first is second or int(low.end_hash) + 1 != int(high.start_hash):
            raise invalid_argument(
                f"Shards {shard_to_merge} and {adjacent_shard_to_merge} in stream "
                f"{live.model.name} under account {live.model.account} are not an adjacent "
                "pair of shards eligible for merging")
        self._close(live, first)
        self._close(live, second)
        self.open_shard(live, int(low.start_hash), int(high.end_hash),
                        parents=(first.shard_id, second.shard_id),
                        ancestors=[first.shard_id, second.shard_id])
        self._changed(live)
        return {}

    def update_shard_count(self, ctx: RequestContext, *, target_shard_count: int,
                           scaling_type: str, stream_name: str | None = None,
                           stream_arn: str | None = None, **_: Any) -> dict[str, Any]:
        live = self.find(ctx, stream_name, stream_arn)
        model = live.model
        current = live.open_shards()
        count = len(current)
        if target_shard_count > 2 * count:
            raise limit_exceeded(
                "UpdateShardCount cannot scale up over double your current open shard count. "
                f"Current open shard count: {count} Target shard count: {target_shard_count}")
        if target_shard_count * 2 < count:
            raise limit_exceeded(
                "UpdateShardCount cannot scale down below half your current open shard count. "
                f"Current open shard count: {count} Target shard count: {target_shard_count}")
        if self.open_shard_count(model.account, model.region) - count + \
                target_shard_count > SHARD_LIMIT:
            raise limit_exceeded(f"This request would exceed the shard limit for the account "
                                 f"{model.account} in {model.region}.")
        if target_shard_count != count:
            for shard in current:
                self._close(live, shard)
            for low, high in even_ranges(target_shard_count):
                overlapping = [s.shard_id for s in current
                               if int(s.start_hash) <= high and int(s.end_hash) >= low]
                parents = (overlapping[0] if overlapping else None,
                           overlapping[1] if len(overlapping) > 1 else None)
                self.open_shard(live, low, high, parents=parents, ancestors=overlapping)
            self._changed(live)
        return {"StreamName": model.name, "CurrentShardCount": count,
                "TargetShardCount": target_shard_count, "StreamARN": model.arn}

    def update_stream_mode(self, ctx: RequestContext, *, stream_arn: str,
                           stream_mode_details: dict[str, Any], **_: Any) -> dict[str, Any]:
        live = self.find(ctx, None, stream_arn)
        mode = stream_mode_details.get("StreamMode", "PROVISIONED")
        if mode == live.model.mode:
            raise invalid_argument(f"Stream {live.model.name} under account "
                                   f"{live.model.account} is already in {mode} mode.")
        live.model.mode = mode
        self.data.save(live)
        return {}


__all__ = ["ReshardingApi"]
