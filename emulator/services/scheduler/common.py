"""What the parts of the Scheduler provider share: tables, ARNs, lookups and the hooks one
part offers another (the firing part plans what the schedules part stores)."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod

from emulator import arns
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.base import Provider, TableOf
from emulator.services.scheduler.models import GROUPS, SCHEDULES, GroupRecord, ScheduleRecord

DEFAULT_GROUP = "default"
_NAME = re.compile(r"^[0-9a-zA-Z\-_.]+$")  # schedule and group names (the model's pattern)


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def bad_token(token: str) -> ServiceError:
    """What a NextToken the service did not write gets."""
    return validation("Invalid NextToken.")


def check_name(value: str, member: str) -> str:
    """A schedule's or group's name as the model's pattern allows it (the wire layer checks
    lengths and enums, not patterns)."""
    if not _NAME.match(value):
        raise validation(f"1 validation error detected: Value '{value}' at '{member}' failed "
                         "to satisfy constraint: Member must satisfy regular expression "
                         "pattern: [0-9a-zA-Z-_.]+")
    return value


def group_arn(account: str, region: str, name: str) -> str:
    return arns.build("scheduler", region, account, f"schedule-group/{name}")


def schedule_arn(account: str, region: str, group: str, name: str) -> str:
    return arns.build("scheduler", region, account, f"schedule/{group}/{name}")


class SchedulerBase(Provider, ABC):
    """Schedule groups and schedules, and the planning hooks the firing part offers."""

    service_name = "scheduler"
    conflict_code = "ConflictException"

    groups = TableOf(GROUPS, GroupRecord)
    schedules = TableOf(SCHEDULES, ScheduleRecord)

    @abstractmethod
    def plan(self, schedule: ScheduleRecord) -> None:
        """(Re)start the firings of ``schedule``; a later call supersedes this one."""

    @abstractmethod
    def unplan(self, schedule: ScheduleRecord) -> None:
        """Stop the firings of ``schedule``."""

    def group(self, account: str, region: str, name: str) -> GroupRecord | None:
        """The group named ``name``; the ``default`` group always exists."""
        table = self.groups(account, region)
        found = table.get(name)
        if found is None and name == DEFAULT_GROUP:
            now = self.clock.now()
            found = GroupRecord(name=DEFAULT_GROUP, arn=group_arn(account, region, name),
                                created=now, last_modified=now)
            table.put(DEFAULT_GROUP, found)
        return found

    def require_group(self, ctx: RequestContext, name: str | None) -> GroupRecord:
        name = name or DEFAULT_GROUP
        return self.found(self.group(ctx.account_id, ctx.region, name),
                          f"Schedule group {name} does not exist.")

    def require_schedule(self, ctx: RequestContext, name: str,
                         group: str | None) -> ScheduleRecord:
        group_name = group or DEFAULT_GROUP
        return self.found(self.schedules(ctx.account_id, ctx.region).get(
            f"{group_name}/{name}"), f"Schedule {name} does not exist.")

    def drop_schedule(self, schedule: ScheduleRecord) -> None:
        self.unplan(schedule)
        self.schedules(schedule.account, schedule.region).delete(schedule.key)


__all__ = ["DEFAULT_GROUP", "SchedulerBase", "bad_token", "check_name", "group_arn",
           "schedule_arn", "validation"]
