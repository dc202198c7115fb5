"""Tags of delivery streams."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.firehose.common import FirehoseBase
from emulator.services.tagging import tagged, untagged

MAX_TAGS = 50


class TagsApi(FirehoseBase):
    def tag_delivery_stream(self, ctx: RequestContext, *, delivery_stream_name: str,
                            tags: list[dict[str, str]], **_: Any) -> dict[str, Any]:
        stream = self.require_stream(ctx, delivery_stream_name)
        merged = tagged(stream.tags, tags)
        if len(merged) > MAX_TAGS:
            raise ServiceError("LimitExceededException",
                               f"A delivery stream cannot have more than {MAX_TAGS} tags.")
        stream.tags = merged
        self.streams(ctx).put(stream.name, stream)
        return {}

    def untag_delivery_stream(self, ctx: RequestContext, *, delivery_stream_name: str,
                              tag_keys: list[str], **_: Any) -> dict[str, Any]:
        stream = self.require_stream(ctx, delivery_stream_name)
        stream.tags = untagged(stream.tags, tag_keys)
        self.streams(ctx).put(stream.name, stream)
        return {}

    def list_tags_for_delivery_stream(
        self, ctx: RequestContext, *, delivery_stream_name: str,
        exclusive_start_tag_key: str | None = None, limit: int | None = None, **_: Any,
    ) -> dict[str, Any]:
        stream = self.require_stream(ctx, delivery_stream_name)
        tags = sorted(stream.tags, key=lambda tag: tag["Key"])
        if exclusive_start_tag_key is not None:
            tags = [tag for tag in tags if tag["Key"] > exclusive_start_tag_key]
        size = limit or MAX_TAGS
        return {"Tags": tags[:size], "HasMoreTags": len(tags) > size}


__all__ = ["TagsApi"]
