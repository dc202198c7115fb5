"""AWS::SNS::Topic, Subscription, TopicPolicy and TopicInlinePolicy."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, ignore_missing, register, text
from emulator.cloudformation.tags import Tagging, tag_list
from emulator.cloudformation.types.base import Put, json_text

TOPIC_ATTRIBUTES = ("DisplayName", "KmsMasterKeyId", "FifoTopic", "ContentBasedDeduplication",
                    "SignatureVersion", "TracingConfig", "ArchivePolicy",
                    "DataProtectionPolicy", "FifoThroughputScope")
SUBSCRIPTION_ATTRIBUTES = ("DeliveryPolicy", "FilterPolicy", "FilterPolicyScope",
                           "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn",
                           "ReplayPolicy")


def _attributes(properties: dict[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    return {name: json_text(properties[name]) if isinstance(properties[name], (dict, list))
            else text(properties[name]) for name in names if properties.get(name) is not None}


async def _set_changed(ctx: ResourceContext, operation: str, target: dict[str, str],
                       properties: dict[str, Any], previous: dict[str, Any],
                       names: tuple[str, ...], fixed: tuple[str, ...] = ()) -> None:
    """Set each of ``names`` whose value changed (``fixed`` ones cannot change in place), one
    Set*Attributes call each, as SNS takes them."""
    new, old = _attributes(properties, names), _attributes(previous, names)
    for name in set(new) | set(old):
        if name not in fixed and new.get(name) != old.get(name):
            await ctx.call("sns", operation, {**target, "AttributeName": name,
                                              "AttributeValue": new.get(name, "")})


@register
class Topic(ResourceType):
    type_name = "AWS::SNS::Topic"
    tagging = Tagging("sns", "TagResource", "UntagResource", "ResourceArn")
    delete_operation, identity = "DeleteTopic", {"TopicArn": "@id"}
    name_property = "TopicName"
    extra_attributes = ("TopicName",)

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        fifo = text(properties.get("FifoTopic", "false")).lower() == "true"
        name = properties.get("TopicName") or ctx.physical_name(
            256, suffix=".fifo" if fifo else "")
        answer = await ctx.call("sns", "CreateTopic", {
            "Name": name, "Attributes": _attributes(properties, TOPIC_ATTRIBUTES),
            "Tags": tag_list(ctx, properties)})
        arn = answer["TopicArn"]
        for subscription in properties.get("Subscription") or []:
            await ctx.call("sns", "Subscribe", {"TopicArn": arn,
                                               "Protocol": subscription["Protocol"],
                                               "Endpoint": subscription["Endpoint"]})
        return Created(arn, {"TopicArn": arn, "TopicName": name})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await _set_changed(ctx, "SetTopicAttributes", {"TopicArn": physical_id},
                           properties, previous, TOPIC_ATTRIBUTES, fixed=("FifoTopic",))
        return attributes


@register
class Subscription(ResourceType):
    type_name = "AWS::SNS::Subscription"
    delete_operation, identity = "Unsubscribe", {"SubscriptionArn": "@id"}

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        answer = await ctx.call("sns", "Subscribe", {
            "TopicArn": properties.get("TopicArn"), "Protocol": properties.get("Protocol"),
            "Endpoint": properties.get("Endpoint"),
            "Attributes": _attributes(properties, SUBSCRIPTION_ATTRIBUTES),
            "ReturnSubscriptionArn": True})
        return Created(answer["SubscriptionArn"], {"Arn": answer["SubscriptionArn"]})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await _set_changed(ctx, "SetSubscriptionAttributes", {"SubscriptionArn": physical_id},
                           properties, previous, SUBSCRIPTION_ATTRIBUTES)
        return attributes


class _Policy(Put):

    def _topics(self, properties: dict[str, Any]) -> list[str]:
        if "TopicArn" in properties:
            return [properties["TopicArn"]]
        return list(properties.get("Topics") or [])

    def put_attributes(self, physical_id: str, properties: dict[str, Any]) -> dict[str, Any]:
        return {"Id": physical_id}

    async def put(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any],
                  previous: dict[str, Any] | None) -> None:
        policy = json_text(properties.get("PolicyDocument") or {})
        for arn in self._topics(properties):
            await ctx.call("sns", "SetTopicAttributes", {
                "TopicArn": arn, "AttributeName": "Policy", "AttributeValue": policy})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        for arn in self._topics(properties):
            await ignore_missing(self._clearer(ctx, arn))

    def _clearer(self, ctx: ResourceContext, arn: str) -> Callable[[], Awaitable[Any]]:
        return lambda: ctx.call("sns", "SetTopicAttributes", {
            "TopicArn": arn, "AttributeName": "Policy", "AttributeValue": ""})


@register
class TopicPolicy(_Policy):
    type_name = "AWS::SNS::TopicPolicy"
    extra_attributes = ("Id",)


@register
class TopicInlinePolicy(_Policy):
    type_name = "AWS::SNS::TopicInlinePolicy"


__all__ = ["Subscription", "Topic", "TopicInlinePolicy", "TopicPolicy"]
