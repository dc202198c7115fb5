"""AWS::CloudWatch::Alarm, CompositeAlarm and Dashboard.

An alarm is made and changed by the same Put call: CloudFormation's update "completely
overwrites the previous configuration of the alarm" and leaves its state alone
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html).
``Ref`` is the alarm's or dashboard's name; an alarm's ``Arn`` is
arn:aws:cloudwatch:region:account:alarm:name.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ignore_missing, register
from emulator.cloudformation.tags import Tagging, tag_list
from emulator.cloudformation.types.base import Put, fit

SERVICE = "cloudwatch"
_TAGGING = Tagging(SERVICE, "TagResource", "UntagResource", "ResourceARN")


class _Alarm(Put):
    """An alarm of either kind: named by its AlarmName (or one CloudFormation makes)."""

    service = SERVICE
    put_operation: ClassVar[str]
    tagging, tag_by = _TAGGING, "Arn"
    name_property = "AlarmName"

    def new_id(self, ctx: ResourceContext, properties: dict[str, Any]) -> str:
        return str(properties.get("AlarmName") or ctx.physical_name(255))

    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        # Tags go with the first put only; later changes go through TagResource (retag).
        tags = tag_list(ctx, properties) if previous is None else None
        await ctx.call(SERVICE, self.put_operation, fit(
            SERVICE, self.put_operation, properties, skip=("Tags",), AlarmName=physical_id,
            Tags=tags or None))

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        created = await super().create(ctx, properties)
        created.attributes["Arn"] = ctx.arn(SERVICE, f"alarm:{created.physical_id}")
        return created

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "DeleteAlarms",
                                              {"AlarmNames": [physical_id]}))


@register
class Alarm(_Alarm):
    type_name = "AWS::CloudWatch::Alarm"
    put_operation = "PutMetricAlarm"


@register
class CompositeAlarm(_Alarm):
    type_name = "AWS::CloudWatch::CompositeAlarm"
    put_operation = "PutCompositeAlarm"


@register
class Dashboard(Put):
    type_name = "AWS::CloudWatch::Dashboard"
    service = SERVICE
    name_property = "DashboardName"

    def new_id(self, ctx: ResourceContext, properties: dict[str, Any]) -> str:
        return str(properties.get("DashboardName") or ctx.physical_name(255))

    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        body = properties.get("DashboardBody")
        await ctx.call(SERVICE, "PutDashboard", {
            "DashboardName": physical_id,
            "DashboardBody": body if isinstance(body, str) else json.dumps(body)})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "DeleteDashboards",
                                              {"DashboardNames": [physical_id]}))


__all__ = ["Alarm", "CompositeAlarm", "Dashboard"]
