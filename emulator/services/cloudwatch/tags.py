"""Tags of alarms: TagResource, UntagResource and ListTagsForResource."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.cloudwatch.common import CloudWatchBase
from emulator.services.cloudwatch.models import AlarmRecord


class TagsApi(CloudWatchBase):
    def _tagged(self, ctx: RequestContext, resource_arn: str) -> AlarmRecord:
        name = resource_arn.split(":alarm:", 1)[1] if ":alarm:" in resource_arn else ""
        record = self.alarms(ctx).get(name) if name else None
        if record is None or record.arn != resource_arn:
            raise ServiceError("ResourceNotFoundException",
                               f"The specified resource {resource_arn} does not exist.",
                               status=404, fields={"ResourceType": "alarm",
                                                   "ResourceId": resource_arn})
        return record

    def tag_resource(self, ctx: RequestContext, *, resource_arn: str,
                     tags: list[dict[str, str]], **_: Any) -> dict[str, Any]:
        record = self._tagged(ctx, resource_arn)
        known = {tag["Key"]: tag for tag in record.tags}
        known.update({tag["Key"]: tag for tag in tags})
        record.tags = list(known.values())
        self.alarms(ctx).put(record.name, record)
        return {}

    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str],
                       **_: Any) -> dict[str, Any]:
        record = self._tagged(ctx, resource_arn)
        record.tags = [tag for tag in record.tags if tag["Key"] not in tag_keys]
        self.alarms(ctx).put(record.name, record)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str, **_: Any
                               ) -> dict[str, Any]:
        return {"Tags": self._tagged(ctx, resource_arn).tags}


__all__ = ["TagsApi"]
