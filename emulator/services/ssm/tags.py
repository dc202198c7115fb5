"""Tags on parameters: AddTagsToResource, RemoveTagsFromResource and ListTagsForResource with
ResourceType ``Parameter`` (other resource types are not kept here)."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.ssm.common import SsmBase
from emulator.services.ssm.models import ParameterRecord

MAX_TAGS = 50


def check_tags(current: dict[str, str], added: list[dict[str, str]] | None) -> dict[str, str]:
    """``current`` with ``added`` applied; TooManyTagsError past 50."""
    tags = {**current, **{tag["Key"]: tag["Value"] for tag in added or []}}
    if len(tags) > MAX_TAGS:
        raise ServiceError("TooManyTagsError", "The Tags parameter has exceeded the maximum "
                           f"limit of {MAX_TAGS} tags.")
    return tags


class TagsApi(SsmBase):
    def _tagged(self, ctx: RequestContext, resource_type: str, resource_id: str
                ) -> ParameterRecord:
        if resource_type != "Parameter":
            raise ServiceError("InvalidResourceType",
                               f"The resource type {resource_type} is not supported here.")
        record = self.parameters(ctx).get(resource_id.strip())
        if record is None:
            raise ServiceError("InvalidResourceId", "")
        return record

    def add_tags_to_resource(self, ctx: RequestContext, *, resource_type: str,
                             resource_id: str, tags: list[dict[str, str]], **_: Any
                             ) -> dict[str, Any]:
        record = self._tagged(ctx, resource_type, resource_id)
        record.tags = check_tags(record.tags, tags)
        self.parameters(ctx).put(record.name, record)
        return {}

    def remove_tags_from_resource(self, ctx: RequestContext, *, resource_type: str,
                                  resource_id: str, tag_keys: list[str], **_: Any
                                  ) -> dict[str, Any]:
        record = self._tagged(ctx, resource_type, resource_id)
        record.tags = {k: v for k, v in record.tags.items() if k not in tag_keys}
        self.parameters(ctx).put(record.name, record)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, *, resource_type: str,
                               resource_id: str, **_: Any) -> dict[str, Any]:
        record = self._tagged(ctx, resource_type, resource_id)
        return {"TagList": [{"Key": k, "Value": v} for k, v in record.tags.items()]}


__all__ = ["MAX_TAGS", "TagsApi", "check_tags"]
