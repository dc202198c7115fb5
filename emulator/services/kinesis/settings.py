"""A stream's settings: retention, encryption, enhanced monitoring, tags, resource policies
and record size. They are stored; only retention changes what the emulator does."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.kinesis.common import KinesisBase, split_stream_arn
from emulator.services.kinesis.naming import (
    invalid_argument,
    resource_not_found,
    stream_not_found,
)
from emulator.services.kinesis.state import LiveStream

MIN_RETENTION, MAX_RETENTION = 24, 8760
MAX_TAGS = 50
ALL_METRICS = ["IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
               "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded",
               "IteratorAgeMilliseconds"]


class SettingsApi(KinesisBase):
    # -- retention -------------------------------------------------------------------------

    def _retention(self, ctx: RequestContext, name: str | None, arn: str | None, hours: int,
                   increase: bool) -> dict[str, Any]:
        live = self.find(ctx, name, arn)
        model = live.model
        if hours < MIN_RETENTION:
            raise invalid_argument(f"Minimum allowed retention period is {MIN_RETENTION} hours. "
                                   f"Requested retention period ({hours} hours) is too short.")
        if hours > MAX_RETENTION:
            raise invalid_argument(f"Maximum allowed retention period is {MAX_RETENTION} hours. "
                                   f"Requested retention period ({hours} hours) is too long.")
        if increase and hours < model.retention_hours:
            raise invalid_argument(
                f"Requested retention period ({hours} hours) for stream {model.name} can not be "
                f"shorter than existing retention period ({model.retention_hours} hours). Use "
                "DecreaseRetentionPeriod API.")
        if not increase and hours > model.retention_hours:
            raise invalid_argument(
                f"Requested retention period ({hours} hours) for stream {model.name} can not be "
                f"longer than existing retention period ({model.retention_hours} hours). Use "
                "IncreaseRetentionPeriod API.")
        model.retention_hours = hours
        self.data.save(live)
        self.data.trim(live)
        return {}

    def increase_stream_retention_period(self, ctx: RequestContext, *,
                                         retention_period_hours: int,
                                         stream_name: str | None = None,
                                         stream_arn: str | None = None,
                                         **_: Any) -> dict[str, Any]:
        return self._retention(ctx, stream_name, stream_arn, retention_period_hours, True)

    def decrease_stream_retention_period(self, ctx: RequestContext, *,
                                         retention_period_hours: int,
                                         stream_name: str | None = None,
                                         stream_arn: str | None = None,
                                         **_: Any) -> dict[str, Any]:
        return self._retention(ctx, stream_name, stream_arn, retention_period_hours, False)

    # -- encryption, monitoring, record size -----------------------------------------------

    def start_stream_encryption(self, ctx: RequestContext, *, encryption_type: str,
                                key_id: str, stream_name: str | None = None,
                                stream_arn: str | None = None, **_: Any) -> dict[str, Any]:
        live = self.find(ctx, stream_name, stream_arn)
        live.model.encryption_type, live.model.key_id = encryption_type, key_id
        self.data.save(live)
        return {}

    def stop_stream_encryption(self, ctx: RequestContext, *, encryption_type: str,
                               key_id: str, stream_name: str | None = None,
                               stream_arn: str | None = None, **_: Any) -> dict[str, Any]:
        live = self.find(ctx, stream_name, stream_arn)
        live.model.encryption_type, live.model.key_id = "NONE", None
        self.data.save(live)
        return {}

    def _monitoring(self, live: LiveStream, metrics: list[str],
                    enable: bool) -> dict[str, Any]:
        model = live.model
        before = list(model.shard_level_metrics)
        named = ALL_METRICS if "ALL" in metrics else metrics
        if enable:
            after = [m for m in ALL_METRICS if m in before or m in named]
        else:
            after = [m for m in before if m not in named]
        model.shard_level_metrics = after
        self.data.save(live)
        return {"StreamName": model.name, "CurrentShardLevelMetrics": before,
                "DesiredShardLevelMetrics": after, "StreamARN": model.arn}

    def enable_enhanced_monitoring(self, ctx: RequestContext, *, shard_level_metrics: list[str],
                                   stream_name: str | None = None,
                                   stream_arn: str | None = None,
                                   **_: Any) -> dict[str, Any]:
        return self._monitoring(self.find(ctx, stream_name, stream_arn), shard_level_metrics,
                                True)

    def disable_enhanced_monitoring(self, ctx: RequestContext, *,
                                    shard_level_metrics: list[str],
                                    stream_name: str | None = None,
                                    stream_arn: str | None = None,
                                    **_: Any) -> dict[str, Any]:
        return self._monitoring(self.find(ctx, stream_name, stream_arn), shard_level_metrics,
                                False)

    def update_max_record_size(self, ctx: RequestContext, *, max_record_size_in_ki_b: int,
                               stream_arn: str | None = None, **_: Any) -> dict[str, Any]:
        live = self.find(ctx, None, stream_arn)
        live.model.max_record_size_kib = max_record_size_in_ki_b
        self.data.save(live)
        return {}

    # -- tags ------------------------------------------------------------------------------

    def _tags_of(self, ctx: RequestContext, resource_arn: str) -> tuple[LiveStream, dict[
            str, str]]:
        live = self.by_arn(resource_arn)
        parts = split_stream_arn(resource_arn)
        if live is None or parts is None:
            name = parts[2] if parts else resource_arn
            raise stream_not_found(name, parts[1] if parts else ctx.account_id)
        if parts[3] is None:
            return live, live.model.tags
        consumer = next((c for c in live.model.consumers if c.arn == resource_arn), None)
        if consumer is None:
            raise resource_not_found(f"Consumer {resource_arn} not found.")
        return live, consumer.tags

    def _add_tags(self, live: LiveStream, tags: dict[str, str], new: dict[str, str]) -> None:
        if len({**tags, **new}) > MAX_TAGS:
            raise invalid_argument(
                f"Failed to add tags to stream {live.model.name} under account "
                f"{live.model.account} because a given stream cannot have more than "
                f"{MAX_TAGS} tags associated with it.")
        tags.update(new)
        self.data.save(live)

    def add_tags_to_stream(self, ctx: RequestContext, *, tags: dict[str, str],
                           stream_name: str | None = None, stream_arn: str | None = None,
                           **_: Any) -> dict[str, Any]:
        live = self.find(ctx, stream_name, stream_arn)
        self._add_tags(live, live.model.tags, tags)
        return {}

    def remove_tags_from_stream(self, ctx: RequestContext, *, tag_keys: list[str],
                                stream_name: str | None = None,
                                stream_arn: str | None = None, **_: Any) -> dict[str, Any]:
        live = self.find(ctx, stream_name, stream_arn)
        for key in tag_keys:
            live.model.tags.pop(key, None)
        self.data.save(live)
        return {}

    def list_tags_for_stream(self, ctx: RequestContext, *, stream_name: str | None = None,
                             stream_arn: str | None = None,
                             exclusive_start_tag_key: str | None = None,
                             limit: int | None = None, **_: Any) -> dict[str, Any]:
        live = self.find(ctx, stream_name, stream_arn)
        keys = sorted(live.model.tags)
        if exclusive_start_tag_key is not None:
            keys = [k for k in keys if k > exclusive_start_tag_key]
        size = limit or MAX_TAGS
        return {"Tags": [{"Key": k, "Value": live.model.tags[k]} for k in keys[:size]],
                "HasMoreTags": len(keys) > size}

    def tag_resource(self, ctx: RequestContext, *, tags: dict[str, str], resource_arn: str,
                     **_: Any) -> dict[str, Any]:
        live, current = self._tags_of(ctx, resource_arn)
        self._add_tags(live, current, tags)
        return {}

    def untag_resource(self, ctx: RequestContext, *, tag_keys: list[str], resource_arn: str,
                       **_: Any) -> dict[str, Any]:
        live, current = self._tags_of(ctx, resource_arn)
        for key in tag_keys:
            current.pop(key, None)
        self.data.save(live)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str,
                               **_: Any) -> dict[str, Any]:
        current = self._tags_of(ctx, resource_arn)[1]
        return {"Tags": [{"Key": k, "Value": current[k]} for k in sorted(current)]}

    # -- resource policies -----------------------------------------------------------------

    def put_resource_policy(self, ctx: RequestContext, *, resource_arn: str, policy: str,
                            **_: Any) -> dict[str, Any]:
        live = self._tags_of(ctx, resource_arn)[0]
        live.model.policies[resource_arn] = policy
        self.data.save(live)
        return {}

    def get_resource_policy(self, ctx: RequestContext, *, resource_arn: str,
                            **_: Any) -> dict[str, Any]:
        live = self._tags_of(ctx, resource_arn)[0]
        return {"Policy": live.model.policies.get(resource_arn, "{}")}

    def delete_resource_policy(self, ctx: RequestContext, *, resource_arn: str,
                               **_: Any) -> dict[str, Any]:
        live = self._tags_of(ctx, resource_arn)[0]
        if live.model.policies.pop(resource_arn, None) is None:
            raise resource_not_found(f"No resource policy found for resource ARN "
                                     f"{resource_arn}.")
        self.data.save(live)
        return {}


__all__ = ["SettingsApi"]
