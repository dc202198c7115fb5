"""Trails: CreateTrail, UpdateTrail, GetTrail, DescribeTrails, ListTrails, DeleteTrail,
StartLogging, StopLogging, GetTrailStatus and their tags (AddTags, RemoveTags, ListTags), as
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html describes
them (name rules, an existing bucket)."""

from __future__ import annotations

import re
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import tagging
from emulator.services.cloudtrail import records
from emulator.services.cloudtrail.common import CloudTrailBase, invalid
from emulator.services.cloudtrail.models import TrailRecord

NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{1,126})[A-Za-z0-9]$")
BAD_RUNS = ("..", "._", "_.", ".-", "-.", "--", "__", "-_", "_-")


def _check_name(name: str) -> None:
    if not NAME.match(name) or any(run in name for run in BAD_RUNS) or re.fullmatch(
            r"\d+\.\d+\.\d+\.\d+", name):
        raise invalid("InvalidTrailNameException",
                      "Trail name must starts with a letter or number, end with a letter or "
                      "number, and be between 3 and 128 characters. Valid characters are "
                      "alphanumeric, periods, underscores and dashes.")


class TrailsApi(CloudTrailBase):
    def shape(self, record: TrailRecord) -> dict[str, Any]:
        shaped: dict[str, Any] = {
            "Name": record.name, "S3BucketName": record.bucket,
            "IncludeGlobalServiceEvents": record.global_events,
            "IsMultiRegionTrail": record.multi_region, "HomeRegion": record.home_region,
            "TrailARN": record.arn, "LogFileValidationEnabled": record.log_file_validation,
            "HasCustomEventSelectors": record.event_selectors is not None or (
                record.advanced_event_selectors is not None),
            "HasInsightSelectors": False,
            "IsOrganizationTrail": False}
        if record.prefix:
            shaped["S3KeyPrefix"] = record.prefix
        return shaped

    def written(self, record: TrailRecord) -> dict[str, Any]:
        """CreateTrail's and UpdateTrail's answer: the trail without its status members."""
        answer = self.shape(record)
        for member in ("HomeRegion", "HasCustomEventSelectors", "HasInsightSelectors"):
            answer.pop(member)
        return answer

    async def create_trail(self, ctx: RequestContext, *, name: str, s3_bucket_name: str,
                           s3_key_prefix: str | None = None,
                           include_global_service_events: bool | None = None,
                           is_multi_region_trail: bool | None = None,
                           enable_log_file_validation: bool | None = None,
                           tags_list: list[dict[str, str]] | None = None, **_: Any
                           ) -> dict[str, Any]:
        _check_name(name)
        table = self.trails(ctx)
        if name in table:
            raise invalid("TrailAlreadyExistsException",
                          f"Trail {name} already exists for customer: {ctx.account_id}")
        await self.check_bucket(ctx, s3_bucket_name)
        record = TrailRecord(
            name=name, arn=self.trail_arn(ctx, name), home_region=ctx.region,
            bucket=s3_bucket_name, prefix=s3_key_prefix or None,
            multi_region=bool(is_multi_region_trail),
            global_events=include_global_service_events is not False,
            log_file_validation=bool(enable_log_file_validation),
            tags=list(tags_list or []), delivered_upto=self.clock.now())
        table.put(name, record)
        return self.written(record)

    async def check_bucket(self, ctx: RequestContext, bucket: str) -> None:
        try:
            await self.ports.operations.call(RequestContext.internal(
                ctx.account_id, ctx.region), "s3", "HeadBucket", {"Bucket": bucket})
        except (ServiceError, LookupError):
            raise invalid("S3BucketDoesNotExistException",
                          f"S3 bucket {bucket} does not exist.") from None

    async def update_trail(self, ctx: RequestContext, *, name: str,
                           s3_bucket_name: str | None = None, s3_key_prefix: str | None = None,
                           include_global_service_events: bool | None = None,
                           is_multi_region_trail: bool | None = None,
                           enable_log_file_validation: bool | None = None, **_: Any
                           ) -> dict[str, Any]:
        record = self.trail(ctx, name)
        if s3_bucket_name is not None:
            await self.check_bucket(ctx, s3_bucket_name)
            record.bucket = s3_bucket_name
        if s3_key_prefix is not None:
            record.prefix = s3_key_prefix or None
        if include_global_service_events is not None:
            record.global_events = include_global_service_events
        if is_multi_region_trail is not None:
            record.multi_region = is_multi_region_trail
        if enable_log_file_validation is not None:
            record.log_file_validation = enable_log_file_validation
        self.trails(ctx).put(record.name, record)
        return self.written(record)

    def add_tags(self, ctx: RequestContext, *, resource_id: str,
                 tags_list: list[dict[str, str]] | None = None, **_: Any) -> dict[str, Any]:
        record = self.trail(ctx, resource_id)
        record.tags = tagging.tagged(record.tags, [
            {"Key": tag["Key"], "Value": tag.get("Value", "")} for tag in tags_list or []])
        self.trails(ctx).put(record.name, record)
        return {}

    def remove_tags(self, ctx: RequestContext, *, resource_id: str,
                    tags_list: list[dict[str, str]] | None = None, **_: Any) -> dict[str, Any]:
        record = self.trail(ctx, resource_id)
        record.tags = tagging.untagged(record.tags, (tag["Key"] for tag in tags_list or []))
        self.trails(ctx).put(record.name, record)
        return {}

    def list_tags(self, ctx: RequestContext, *, resource_id_list: list[str], **_: Any
                  ) -> dict[str, Any]:
        trails = [self.trail(ctx, item) for item in resource_id_list]
        return {"ResourceTagList": [{"ResourceId": trail.arn, "TagsList": trail.tags}
                                    for trail in trails]}

    def get_trail(self, ctx: RequestContext, *, name: str, **_: Any) -> dict[str, Any]:
        return {"Trail": self.shape(self.trail(ctx, name))}

    def describe_trails(self, ctx: RequestContext, *, trail_name_list: list[str] | None = None,
                        **_: Any) -> dict[str, Any]:
        records = sorted(self.trails(ctx).values(), key=lambda r: r.name)
        if trail_name_list:
            wanted = {item.split(":trail/")[-1] for item in trail_name_list}
            records = [r for r in records if r.name in wanted]
        return {"trailList": [self.shape(r) for r in records]}

    def list_trails(self, ctx: RequestContext, **_: Any) -> dict[str, Any]:
        return {"Trails": [{"TrailARN": r.arn, "Name": r.name, "HomeRegion": r.home_region}
                           for r in sorted(self.trails(ctx).values(), key=lambda r: r.name)]}

    def delete_trail(self, ctx: RequestContext, *, name: str, **_: Any) -> dict[str, Any]:
        record = self.trail(ctx, name)
        self.trails(ctx).delete(record.name)
        return {}

    def start_logging(self, ctx: RequestContext, *, name: str, **_: Any) -> dict[str, Any]:
        record = self.trail(ctx, name)
        if not record.logging:
            record.logging, record.started = True, self.clock.now()
            record.delivered_upto = max(record.delivered_upto, record.started)
            self.trails(ctx).put(record.name, record)
        return {}

    def stop_logging(self, ctx: RequestContext, *, name: str, **_: Any) -> dict[str, Any]:
        record = self.trail(ctx, name)
        if record.logging:
            record.logging, record.stopped = False, self.clock.now()
            self.trails(ctx).put(record.name, record)
        return {}

    def get_trail_status(self, ctx: RequestContext, *, name: str, **_: Any
                         ) -> dict[str, Any]:
        record = self.trail(ctx, name)
        status: dict[str, Any] = {"IsLogging": record.logging}
        if record.started is not None:
            status["StartLoggingTime"] = record.started
            status["TimeLoggingStarted"] = records.iso(record.started)
        if record.stopped is not None:
            status["StopLoggingTime"] = record.stopped
            status["TimeLoggingStopped"] = records.iso(record.stopped)
        if record.delivered is not None:
            status["LatestDeliveryTime"] = record.delivered
            status["LatestDeliveryAttemptTime"] = records.iso(record.delivered)
            status["LatestDeliveryAttemptSucceeded"] = records.iso(record.delivered)
        if record.delivery_error:
            status["LatestDeliveryError"] = record.delivery_error
        return status


__all__ = ["TrailsApi"]
