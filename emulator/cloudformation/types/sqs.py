"""AWS::SQS::Queue and AWS::SQS::QueuePolicy."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, ignore_missing, register, text
from emulator.cloudformation.tags import Tagging, tag_map
from emulator.cloudformation.types.base import Put, json_text

# Queue properties that are queue attributes of the same name.
ATTRIBUTES = (
    "ContentBasedDeduplication", "DeduplicationScope", "DelaySeconds", "FifoQueue",
    "FifoThroughputLimit", "KmsDataKeyReusePeriodSeconds", "KmsMasterKeyId",
    "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
    "RedriveAllowPolicy", "RedrivePolicy", "SqsManagedSseEnabled", "VisibilityTimeout",
)


def queue_attributes(properties: dict[str, Any]) -> dict[str, str]:
    out = {}
    for name in ATTRIBUTES:
        value = properties.get(name)
        if value is None:
            continue
        out[name] = json_text(value) if isinstance(value, dict) else text(value)
    return out


@register
class Queue(ResourceType):
    type_name = "AWS::SQS::Queue"
    delete_operation, identity = "DeleteQueue", {"QueueUrl": "@id"}
    tagging = Tagging("sqs", "TagQueue", "UntagQueue", "QueueUrl", style="map")
    name_property = "QueueName"
    extra_attributes = ("QueueName",)

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        fifo = text(properties.get("FifoQueue", "false")).lower() == "true"
        name = properties.get("QueueName") or ctx.physical_name(
            80 - (5 if fifo else 0), suffix=".fifo" if fifo else "")
        answer = await ctx.call("sqs", "CreateQueue", {
            "QueueName": name, "Attributes": queue_attributes(properties),
            "tags": tag_map(ctx, properties)})
        url = answer["QueueUrl"]
        arn = ctx.arn("sqs", name)
        return Created(url, {"Arn": arn, "QueueName": name, "QueueUrl": url})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        changed = queue_attributes(properties)
        for name in queue_attributes(previous):
            if name not in changed and name in ("RedrivePolicy", "RedriveAllowPolicy"):
                changed[name] = ""
        if changed:
            await ctx.call("sqs", "SetQueueAttributes",
                           {"QueueUrl": physical_id, "Attributes": changed})
        return attributes



@register
class QueuePolicy(Put):
    type_name = "AWS::SQS::QueuePolicy"
    extra_attributes = ("Id",)

    async def _apply(self, ctx: ResourceContext, urls: list[str], policy: str) -> None:
        for url in urls:
            await ctx.call("sqs", "SetQueueAttributes",
                           {"QueueUrl": url, "Attributes": {"Policy": policy}})

    def put_attributes(self, physical_id: str, properties: dict[str, Any]) -> dict[str, Any]:
        return {"Id": physical_id}

    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        queues = list(properties.get("Queues") or [])
        if previous is not None:  # the queues it no longer covers lose the policy
            await self._apply(ctx, [url for url in previous.get("Queues") or []
                                    if url not in queues], "")
        await self._apply(ctx, queues, json_text(properties.get("PolicyDocument") or {}))

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        for url in properties.get("Queues") or []:
            await ignore_missing(self._clearer(ctx, url))

    def _clearer(self, ctx: ResourceContext, url: str) -> Callable[[], Awaitable[Any]]:
        return lambda: ctx.call("sqs", "SetQueueAttributes",
                                {"QueueUrl": url, "Attributes": {"Policy": ""}})


__all__ = ["Queue", "QueuePolicy", "queue_attributes"]
