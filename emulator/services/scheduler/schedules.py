"""Schedules: create, read, replace, delete and list them; each change re-plans its firings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from emulator import arns
from emulator.context import RequestContext
from emulator.services import paging
from emulator.services.scheduler import timing
from emulator.services.scheduler.common import (
    DEFAULT_GROUP,
    SchedulerBase,
    bad_token,
    check_name,
    schedule_arn,
    validation,
)
from emulator.services.scheduler.models import ScheduleRecord

DEFAULT_PAGE = 100
DEFAULT_RETRY_POLICY = {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
# Targets whose Input must be well-formed JSON: templated Lambda, Step Functions and
# EventBridge targets (API_Target: Input), and universal targets (the Input is the parameters).
JSON_INPUT_SERVICES = ("lambda", "states", "events", "scheduler")


def _epoch(value: datetime | float | int | None) -> float | None:
    if value is None:
        return None
    return value.timestamp() if isinstance(value, datetime) else float(value)


def _check_window(window: Mapping[str, Any]) -> dict[str, Any]:
    mode = window.get("Mode")
    minutes = window.get("MaximumWindowInMinutes")
    if mode == "FLEXIBLE" and minutes is None:
        raise validation("MaximumWindowInMinutes is required when Mode is FLEXIBLE.")
    if mode == "OFF" and minutes is not None:
        raise validation("MaximumWindowInMinutes must not be set when Mode is OFF.")
    return dict(window)


def _check_target(target: Mapping[str, Any]) -> dict[str, Any]:
    checked = dict(target)
    arn = str(checked.get("Arn", ""))
    try:
        service = arns.parse(arn).service
    except ValueError:
        raise validation(f"Invalid target ARN: {arn}") from None
    text = checked.get("Input")
    if text is not None and service in JSON_INPUT_SERVICES:
        try:
            json.loads(str(text))
        except ValueError:
            raise validation("Invalid Input: the Input of this target must be well-formed "
                             "JSON.") from None
    source = str((checked.get("EventBridgeParameters") or {}).get("Source", ""))
    if source.startswith("aws."):  # the model's pattern keeps AWS's own sources out
        raise validation(f"1 validation error detected: Value '{source}' at "
                         "'target.eventBridgeParameters.source' failed to satisfy constraint: "
                         "Member must not start with aws.")
    checked["RetryPolicy"] = {**DEFAULT_RETRY_POLICY, **(checked.get("RetryPolicy") or {})}
    return checked


def _shape(schedule: ScheduleRecord) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "Arn": schedule.arn, "Name": schedule.name, "GroupName": schedule.group,
        "ScheduleExpression": schedule.expression,
        "ScheduleExpressionTimezone": schedule.timezone, "State": schedule.state,
        "FlexibleTimeWindow": schedule.flexible_window, "Target": schedule.target,
        "ActionAfterCompletion": schedule.after_completion,
        "CreationDate": schedule.created, "LastModificationDate": schedule.last_modified,
    }
    for key, value in (("Description", schedule.description), ("StartDate", schedule.start),
                       ("EndDate", schedule.end), ("KmsKeyArn", schedule.kms_key_arn)):
        if value is not None:
            shape[key] = value
    return shape


def _summary(schedule: ScheduleRecord) -> dict[str, Any]:
    return {"Arn": schedule.arn, "Name": schedule.name, "GroupName": schedule.group,
            "State": schedule.state, "CreationDate": schedule.created,
            "LastModificationDate": schedule.last_modified,
            "Target": {"Arn": schedule.target["Arn"]}}


class SchedulesApi(SchedulerBase):
    def _build(self, ctx: RequestContext, name: str, group_name: str | None,
               params: Mapping[str, Any], existing: ScheduleRecord | None) -> ScheduleRecord:
        """The schedule the request describes, checked as AWS checks it."""
        check_name(name, "name")
        if group_name is not None:
            check_name(group_name, "groupName")
        group = self.require_group(ctx, group_name)
        expression = str(params["schedule_expression"])
        try:
            timing.parse(expression)
        except timing.TimingError:
            raise validation(f"Invalid Schedule Expression {expression}") from None
        zone_name = params.get("schedule_expression_timezone") or "UTC"
        try:
            timing.zone(zone_name)
        except timing.TimingError:
            raise validation(f"Invalid Schedule Expression Timezone {zone_name}.") from None
        start, end = _epoch(params.get("start_date")), _epoch(params.get("end_date"))
        if start is not None and end is not None and start >= end:
            raise validation("The StartDate must be before the EndDate.")
        now = self.clock.now()
        return ScheduleRecord(
            name=name, group=group.name,
            arn=schedule_arn(ctx.account_id, ctx.region, group.name, name),
            account=ctx.account_id, region=ctx.region, expression=expression,
            timezone=zone_name, start=start, end=end, state=params.get("state") or "ENABLED",
            description=params.get("description"),
            flexible_window=_check_window(params["flexible_time_window"]),
            target=_check_target(params["target"]),
            after_completion=params.get("action_after_completion") or "NONE",
            kms_key_arn=params.get("kms_key_arn"),
            created=existing.created if existing else now, last_modified=now)

    def create_schedule(self, ctx: RequestContext, *, name: str, group_name: str | None = None,
                        **params: Any) -> dict[str, Any]:
        schedule = self._build(ctx, name, group_name, params, None)
        table = self.schedules(ctx)
        existing = table.get(schedule.key)
        if existing is not None:
            token = params.get("client_token")
            if token and existing.client_token == token:  # a retry of the same request
                return {"ScheduleArn": existing.arn}
            raise self.conflict(f"Schedule {name} already exists.")
        schedule.client_token = params.get("client_token")
        table.put(schedule.key, schedule)
        self.plan(schedule)
        return {"ScheduleArn": schedule.arn}

    def update_schedule(self, ctx: RequestContext, *, name: str, group_name: str | None = None,
                        **params: Any) -> dict[str, Any]:
        existing = self.require_schedule(ctx, name, group_name)
        schedule = self._build(ctx, name, group_name, params, existing)
        self.schedules(ctx).put(schedule.key, schedule)
        self.plan(schedule)
        return {"ScheduleArn": schedule.arn}

    def get_schedule(self, ctx: RequestContext, *, name: str, group_name: str | None = None,
                     **_: Any) -> dict[str, Any]:
        return _shape(self.require_schedule(ctx, name, group_name))

    def delete_schedule(self, ctx: RequestContext, *, name: str,
                        group_name: str | None = None, **_: Any) -> dict[str, Any]:
        self.drop_schedule(self.require_schedule(ctx, name, group_name))
        return {}

    def list_schedules(
        self, ctx: RequestContext, *, group_name: str | None = None,
        name_prefix: str | None = None, state: str | None = None,
        next_token: str | None = None, max_results: int | None = None, **_: Any,
    ) -> dict[str, Any]:
        if group_name is not None:
            self.require_group(ctx, group_name)
        chosen = sorted(
            (schedule for schedule in self.schedules(ctx).values()
             if (group_name is None or schedule.group == group_name)
             and schedule.name.startswith(name_prefix or "")
             and (state is None or schedule.state == state)),
            key=lambda s: (s.group != DEFAULT_GROUP, s.group, s.name))
        return paging.answer("Schedules", chosen, next_token, max_results or DEFAULT_PAGE,
                             tokens=paging.BASE64, invalid=bad_token, shape=_summary)


__all__ = ["SchedulesApi"]
