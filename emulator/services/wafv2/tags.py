"""Tags of web ACLs, IP sets, regex pattern sets and rule groups: TagResource, UntagResource
and ListTagsForResource."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.tagging import tagged, untagged
from emulator.services.wafv2.common import Wafv2Base, nonexistent
from emulator.services.wafv2.models import EntityRecord


class TagsApi(Wafv2Base):
    def _tagged(self, ctx: RequestContext, resource_arn: str) -> EntityRecord:
        return self.found(self.entities(ctx).get(resource_arn), nonexistent())

    def tag_resource(self, ctx: RequestContext, *, resource_arn: str,
                     tags: list[dict[str, str]], **_: Any) -> dict[str, Any]:
        record = self._tagged(ctx, resource_arn)
        record.tags = tagged(record.tags, list(tags))
        self.entities(ctx).put(record.arn, record)
        return {}

    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str],
                       **_: Any) -> dict[str, Any]:
        record = self._tagged(ctx, resource_arn)
        record.tags = untagged(record.tags, tag_keys)
        self.entities(ctx).put(record.arn, record)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str, **_: Any
                               ) -> dict[str, Any]:
        record = self._tagged(ctx, resource_arn)
        return {"TagInfoForResource": {"ResourceARN": record.arn, "TagList": record.tags}}


__all__ = ["TagsApi"]
