"""Schedule groups (the ``default`` group always there) and the tags groups carry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from emulator import arns
from emulator.context import RequestContext
from emulator.services import paging
from emulator.services.scheduler.common import (
    DEFAULT_GROUP,
    SchedulerBase,
    bad_token,
    check_name,
    group_arn,
    validation,
)
from emulator.services.scheduler.models import GroupRecord

DEFAULT_PAGE = 100


def _group_shape(group: GroupRecord) -> dict[str, Any]:
    return {"Arn": group.arn, "Name": group.name, "State": "ACTIVE",
            "CreationDate": group.created, "LastModificationDate": group.last_modified}


class GroupsApi(SchedulerBase):
    def create_schedule_group(
        self, ctx: RequestContext, *, name: str,
        tags: Sequence[Mapping[str, str]] | None = None, **_: Any,
    ) -> dict[str, Any]:
        check_name(name, "name")
        if self.group(ctx.account_id, ctx.region, name) is not None:
            raise self.conflict(f"Schedule group {name} already exists.")
        now = self.clock.now()
        group = GroupRecord(name=name, arn=group_arn(ctx.account_id, ctx.region, name),
                            tags={tag["Key"]: tag["Value"] for tag in tags or []},
                            created=now, last_modified=now)
        self.groups(ctx).put(name, group)
        return {"ScheduleGroupArn": group.arn}

    def get_schedule_group(self, ctx: RequestContext, *, name: str,
                           **_: Any) -> dict[str, Any]:
        return _group_shape(self.require_group(ctx, name))

    def delete_schedule_group(self, ctx: RequestContext, *, name: str,
                              **_: Any) -> dict[str, Any]:
        if name == DEFAULT_GROUP:
            raise validation("The default schedule group cannot be deleted.")
        group = self.require_group(ctx, name)
        for schedule in list(self.schedules(ctx).values()):
            if schedule.group == group.name:
                self.drop_schedule(schedule)
        self.groups(ctx).delete(group.name)
        return {}

    def list_schedule_groups(
        self, ctx: RequestContext, *, name_prefix: str | None = None,
        next_token: str | None = None, max_results: int | None = None, **_: Any,
    ) -> dict[str, Any]:
        self.group(ctx.account_id, ctx.region, DEFAULT_GROUP)
        groups = sorted((group for group in self.groups(ctx).values()
                         if group.name.startswith(name_prefix or "")), key=lambda g: g.name)
        return paging.answer("ScheduleGroups", groups, next_token, max_results or DEFAULT_PAGE,
                             tokens=paging.BASE64, invalid=bad_token, shape=_group_shape)

    # -- tags (schedule groups are the resources that take them) --------------------------

    def _tagged(self, ctx: RequestContext, arn: str) -> GroupRecord:
        try:
            resource = arns.parse(arn).resource
        except ValueError:
            raise validation(f"Invalid ARN: {arn}") from None
        if not resource.startswith("schedule-group/"):
            raise validation(f"Invalid ARN: {arn}")
        return self.require_group(ctx, resource.removeprefix("schedule-group/"))

    def tag_resource(self, ctx: RequestContext, *, resource_arn: str,
                     tags: Sequence[Mapping[str, str]], **_: Any) -> dict[str, Any]:
        group = self._tagged(ctx, resource_arn)
        group.tags.update({tag["Key"]: tag["Value"] for tag in tags})
        self.groups(ctx).put(group.name, group)
        return {}

    def untag_resource(self, ctx: RequestContext, *, resource_arn: str,
                       tag_keys: Sequence[str], **_: Any) -> dict[str, Any]:
        group = self._tagged(ctx, resource_arn)
        for key in tag_keys:
            group.tags.pop(key, None)
        self.groups(ctx).put(group.name, group)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str,
                               **_: Any) -> dict[str, Any]:
        group = self._tagged(ctx, resource_arn)
        return {"Tags": [{"Key": key, "Value": value} for key, value in group.tags.items()]}


__all__ = ["GroupsApi"]
