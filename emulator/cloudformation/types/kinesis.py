"""AWS::Kinesis::Stream and AWS::Kinesis::StreamConsumer."""

from __future__ import annotations

from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, register, required
from emulator.cloudformation.tags import Tagging, tag_map

DEFAULT_RETENTION_HOURS = 24


def _mode(properties: dict[str, Any]) -> dict[str, Any]:
    return dict(properties.get("StreamModeDetails") or {"StreamMode": "PROVISIONED"})


@register
class Stream(ResourceType):
    type_name = "AWS::Kinesis::Stream"
    tagging = Tagging("kinesis", "AddTagsToStream", "RemoveTagsFromStream", "StreamName",
                      style="map")
    delete_operation, identity = "DeleteStream", {"StreamName": "@id"}
    delete_options = {"EnforceConsumerDeletion": True}
    name_property = "Name"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        name = properties.get("Name") or ctx.physical_name(128)
        mode = _mode(properties)
        params: dict[str, Any] = {"StreamName": name, "StreamModeDetails": mode}
        if mode.get("StreamMode") != "ON_DEMAND":
            params["ShardCount"] = int(properties.get("ShardCount") or 1)
        tags = tag_map(ctx, properties)
        if tags:
            params["Tags"] = tags
        await ctx.call("kinesis", "CreateStream", params)
        await self._settings(ctx, name, properties, {})
        arn = ctx.arn("kinesis", f"stream/{name}")
        return Created(name, {"Arn": arn})

    async def _settings(self, ctx: ResourceContext, name: str, properties: dict[str, Any],
                        previous: dict[str, Any]) -> None:
        hours = int(properties.get("RetentionPeriodHours") or DEFAULT_RETENTION_HOURS)
        before = int(previous.get("RetentionPeriodHours") or DEFAULT_RETENTION_HOURS)
        if hours != before:
            operation = ("IncreaseStreamRetentionPeriod" if hours > before
                         else "DecreaseStreamRetentionPeriod")
            await ctx.call("kinesis", operation, {"StreamName": name,
                                                  "RetentionPeriodHours": hours})
        encryption = properties.get("StreamEncryption")
        if encryption != previous.get("StreamEncryption"):
            if encryption:
                await ctx.call("kinesis", "StartStreamEncryption", {
                    "StreamName": name, "EncryptionType": encryption["EncryptionType"],
                    "KeyId": encryption["KeyId"]})
            else:
                old = previous["StreamEncryption"]
                await ctx.call("kinesis", "StopStreamEncryption", {
                    "StreamName": name, "EncryptionType": old["EncryptionType"],
                    "KeyId": old["KeyId"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        mode, old_mode = _mode(properties), _mode(previous)
        if mode != old_mode:
            await ctx.call("kinesis", "UpdateStreamMode", {
                "StreamARN": attributes["Arn"], "StreamModeDetails": mode})
        count = properties.get("ShardCount")
        if mode.get("StreamMode") != "ON_DEMAND" and count is not None and int(count) != int(
                previous.get("ShardCount") or 1):
            await ctx.call("kinesis", "UpdateShardCount", {
                "StreamName": physical_id, "TargetShardCount": int(count),
                "ScalingType": "UNIFORM_SCALING"})
        await self._settings(ctx, physical_id, properties, previous)
        return attributes


@register
class StreamConsumer(ResourceType):
    type_name = "AWS::Kinesis::StreamConsumer"
    delete_operation, identity = "DeregisterStreamConsumer", {"ConsumerARN": "@id"}
    updatable = False

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        required(properties, "StreamARN", "ConsumerName")
        answer = await ctx.call("kinesis", "RegisterStreamConsumer", {
            "StreamARN": properties["StreamARN"], "ConsumerName": properties["ConsumerName"]})
        consumer = answer["Consumer"]
        arn = consumer["ConsumerARN"]
        return Created(arn, {
            "ConsumerARN": arn, "ConsumerName": consumer["ConsumerName"],
            "ConsumerStatus": "ACTIVE", "StreamARN": properties["StreamARN"],
            "ConsumerCreationTimestamp": str(consumer["ConsumerCreationTimestamp"])})


__all__ = ["Stream", "StreamConsumer"]
