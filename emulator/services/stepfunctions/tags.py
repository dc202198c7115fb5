"""Tags on state machines and activities: TagResource, UntagResource, ListTagsForResource."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.stepfunctions.common import StepFunctionsBase
from emulator.services.stepfunctions.models import ActivityRecord, MachineRecord
from emulator.services.stepfunctions.naming import parse_arn


class TagsApi(StepFunctionsBase):
    """Tags on state machines and activities."""

    def _tagged(self, ctx: RequestContext, arn: str) -> MachineRecord | ActivityRecord:
        parsed = parse_arn(arn)
        record: MachineRecord | ActivityRecord | None = None
        if parsed.kind == "stateMachine" and len(parsed.parts) == 1:
            record = self._machines(ctx.account_id, ctx.region).get(arn)
        elif parsed.kind == "activity" and len(parsed.parts) == 1:
            record = self._activities(ctx.account_id, ctx.region).get(arn)
        if record is None:
            raise ServiceError("ResourceNotFound", f"Resource not found: '{arn}'")
        return record

    def _save_tagged(self, ctx: RequestContext, record: MachineRecord | ActivityRecord) -> None:
        if isinstance(record, ActivityRecord):
            self._activities(ctx.account_id, ctx.region).put(record.arn, record)
        else:
            self._machines(ctx.account_id, ctx.region).put(record.arn, record)

    def tag_resource(
        self, ctx: RequestContext, *, resource_arn: str, tags: list[dict[str, str]], **_: Any
    ) -> dict[str, Any]:
        record = self._tagged(ctx, resource_arn)
        merged = {**record.tags, **self._check_tags(tags)}
        self._check_tags([{"key": k, "value": v} for k, v in merged.items()])
        record.tags = merged
        self._save_tagged(ctx, record)
        return {}

    def untag_resource(
        self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str], **_: Any
    ) -> dict[str, Any]:
        record = self._tagged(ctx, resource_arn)
        record.tags = {k: v for k, v in record.tags.items() if k not in tag_keys}
        self._save_tagged(ctx, record)
        return {}

    def list_tags_for_resource(
        self, ctx: RequestContext, *, resource_arn: str, **_: Any
    ) -> dict[str, Any]:
        record = self._tagged(ctx, resource_arn)
        return {"tags": [{"key": k, "value": v} for k, v in record.tags.items()]}


__all__ = ["TagsApi"]
