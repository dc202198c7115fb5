"""Amazon SNS: topics (standard and FIFO) and their attributes, subscriptions (SQS, Lambda,
HTTP/S with the confirmation flow), tags, and the ``topics`` port. Publishing is in
publishing.py, delivery in delivery.py."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from emulator import arns, ids
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import paging
from emulator.services.sns import filtering
from emulator.services.sns.common import not_found
from emulator.services.sns.filtering import invalid
from emulator.services.sns.models import SubscriptionRecord, TopicRecord
from emulator.services.sns.publishing import PublishApi

_TOPIC_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
PROTOCOLS = ("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda",
             "firehose")
TOPIC_ATTRIBUTES = ("DisplayName", "Policy", "DeliveryPolicy", "KmsMasterKeyId",
                    "SignatureVersion", "TracingConfig", "ContentBasedDeduplication",
                    "FifoTopic", "ArchivePolicy", "DataProtectionPolicy", "FifoThroughputScope")
SUBSCRIPTION_ATTRIBUTES = ("DeliveryPolicy", "FilterPolicy", "FilterPolicyScope",
                           "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn",
                           "ReplayPolicy")
PAGE = 100
DEFAULT_DELIVERY_POLICY = (
    '{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,'
    '"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,'
    '"backoffFunction":"linear"},"disableSubscriptionOverrides":false,'
    '"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}'
)


def _policy(topic: TopicRecord) -> str:
    return (
        '{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":'
        '"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":['
        '"SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission",'
        '"SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic",'
        f'"SNS:Publish"],"Resource":"{topic.arn}","Condition":{{"StringEquals":'
        f'{{"AWS:SourceOwner":"{topic.account}"}}}}}}]}}'
    )


def _page(member: str, items: list[Any], token: str | None) -> dict[str, Any]:
    """A page of a List answer; tokens are base64, and one SNS did not write is refused."""
    return paging.answer(member, items, token, PAGE, tokens=paging.BASE64,
                         invalid=lambda _: invalid("NextToken"))


class SnsProvider(PublishApi):
    service_name = "sns"

    def port(self, name: str) -> object | None:
        return TopicPort(self) if name == "topics" else None

    async def stop(self) -> None:
        await self.deliveries.close()

    def reset(self) -> None:
        self.deliveries.jobs.cancel_all()
        self._deduplication.clear()
        super().reset()

    def busy(self) -> list[str]:
        return self.deliveries.jobs.busy()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"topics": [{"arn": topic.arn, "name": topic.name, "fifo": topic.fifo,
                            "subscriptions": len(self.subscriptions_of(topic))}
                           for _account, _region, topic in self.topics.everywhere()]}

    # -- topics ----------------------------------------------------------------------------

    def create_topic(
        self, ctx: RequestContext, *, name: str, attributes: Mapping[str, str] | None = None,
        tags: list[Mapping[str, str]] | None = None, **_: Any,
    ) -> dict[str, Any]:
        values = dict(attributes or {})
        fifo = values.get("FifoTopic", "false").lower() == "true"
        if fifo != name.endswith(".fifo") or not _TOPIC_NAME.match(name.removesuffix(".fifo")):
            if fifo or name.endswith(".fifo"):
                raise invalid("Fifo Topic names must end with .fifo and must be made up of only "
                              "uppercase and lowercase ASCII letters, numbers, underscores, and "
                              "hyphens, and must be between 1 and 256 characters long.")
            raise invalid("Topic Name")
        for key in values:
            if key not in TOPIC_ATTRIBUTES:
                raise invalid(f"Attribute Name: {key}")
        table = self.topics(ctx.account_id, ctx.region)
        arn = arns.build("sns", ctx.region, ctx.account_id, name)
        existing = table.get(name)
        if existing is not None:
            if any(existing.attributes.get(k) != v for k, v in values.items()
                   if k not in ("Policy", "DeliveryPolicy")):
                raise invalid("Topic already exists with different attributes")
            return {"TopicArn": existing.arn}
        if fifo:
            values["FifoTopic"] = "true"
            values.setdefault("ContentBasedDeduplication", "false")
        topic = TopicRecord(name=name, arn=arn, account=ctx.account_id, region=ctx.region,
                            attributes=values, created=self.clock.now(),
                            tags={t["Key"]: t["Value"] for t in tags or []})
        table.put(name, topic)
        return {"TopicArn": arn}

    def delete_topic(self, ctx: RequestContext, *, topic_arn: str, **_: Any) -> dict[str, Any]:
        topic = self.find_topic(topic_arn)
        if topic is None:
            return {}  # DeleteTopic of a missing topic succeeds
        for subscription in self.subscriptions_of(topic):
            self.subscriptions(topic.account, topic.region).delete(subscription.arn)
        self.topics(topic.account, topic.region).delete(topic.name)
        return {}

    def list_topics(
        self, ctx: RequestContext, *, next_token: str | None = None, **_: Any
    ) -> dict[str, Any]:
        topics = self.topics(ctx.account_id, ctx.region).values()
        return _page("Topics", [{"TopicArn": t.arn} for t in topics], next_token)

    def get_topic_attributes(
        self, ctx: RequestContext, *, topic_arn: str, **_: Any
    ) -> dict[str, Any]:
        topic = self.topic_by_arn(topic_arn)
        subscriptions = self.subscriptions_of(topic)
        pending = sum(1 for s in subscriptions if s.pending)
        values = {
            "Policy": _policy(topic),
            "Owner": topic.account,
            "SubscriptionsPending": str(pending),
            "TopicArn": topic.arn,
            "EffectiveDeliveryPolicy": DEFAULT_DELIVERY_POLICY,
            "SubscriptionsConfirmed": str(len(subscriptions) - pending),
            "DisplayName": "",
            "SubscriptionsDeleted": "0",
            **topic.attributes,
        }
        return {"Attributes": values}

    def set_topic_attributes(
        self, ctx: RequestContext, *, topic_arn: str, attribute_name: str,
        attribute_value: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        topic = self.topic_by_arn(topic_arn)
        if attribute_name not in TOPIC_ATTRIBUTES or attribute_name == "FifoTopic":
            raise invalid("AttributeName")
        if attribute_name == "ContentBasedDeduplication" and not topic.fifo:
            raise invalid("The topic should be a FIFO topic to set ContentBasedDeduplication")
        topic.attributes[attribute_name] = attribute_value or ""
        self.topics(topic.account, topic.region).put(topic.name, topic)
        return {}

    # -- subscriptions ---------------------------------------------------------------------

    def _check_endpoint(self, topic: TopicRecord, protocol: str, endpoint: str | None) -> str:
        if protocol not in PROTOCOLS:
            raise invalid(f"Amazon SNS does not support this protocol string: {protocol}")
        if not endpoint:
            raise invalid("Invalid parameter: Endpoint")
        if protocol in ("sqs", "lambda"):
            parsed = arns.parse_or_none(endpoint)
            if parsed is None or parsed.service != protocol:
                label = "SQS" if protocol == "sqs" else "Lambda"
                raise invalid(f"{label} endpoint ARN")
        if protocol in ("http", "https") and not endpoint.startswith(f"{protocol}://"):
            raise invalid("Endpoint must match the specified protocol")
        if topic.fifo and protocol != "sqs":
            raise invalid(f"Invalid protocol type: {protocol}. FIFO topics deliver to SQS "
                          "queues only")
        return endpoint

    def subscribe(
        self, ctx: RequestContext, *, topic_arn: str, protocol: str,
        endpoint: str | None = None, attributes: Mapping[str, str] | None = None,
        return_subscription_arn: bool = False, **_: Any,
    ) -> dict[str, Any]:
        topic = self.topic_by_arn(topic_arn)
        endpoint = self._check_endpoint(topic, protocol, endpoint)
        values = dict(attributes or {})
        for key in values:
            if key not in SUBSCRIPTION_ATTRIBUTES:
                raise invalid(f"Attributes Reason: Unknown attribute {key}")
        filtering.check(values)
        table = self.subscriptions(topic.account, topic.region)
        for existing in self.subscriptions_of(topic):
            if existing.protocol == protocol and existing.endpoint == endpoint:
                if values and existing.attributes != values:
                    raise invalid("Subscription already exists with different attributes")
                shown = existing.arn
                if existing.pending and not return_subscription_arn:
                    shown = "pending confirmation"
                return {"SubscriptionArn": shown}
        confirm = protocol in ("http", "https", "email", "email-json")
        subscription = SubscriptionRecord(
            arn=f"{topic.arn}:{ids.uuid4()}", topic_arn=topic.arn, protocol=protocol,
            endpoint=endpoint, owner=ctx.account_id, attributes=values, pending=confirm,
            token=ids.hex_token(188) if confirm else None,
        )
        table.put(subscription.arn, subscription)
        if protocol in ("http", "https"):
            self.deliveries.request_confirmation(subscription, ids.uuid4(), self.endpoint_url())
        if confirm and not return_subscription_arn:
            return {"SubscriptionArn": "pending confirmation"}
        return {"SubscriptionArn": subscription.arn}

    def confirm_subscription(
        self, ctx: RequestContext, *, topic_arn: str, token: str,
        authenticate_on_unsubscribe: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        topic = self.topic_by_arn(topic_arn)
        for subscription in self.subscriptions_of(topic):
            if subscription.token == token:
                subscription.pending = False
                subscription.authenticated = (authenticate_on_unsubscribe or "").lower() == "true"
                self.subscriptions(topic.account, topic.region).put(subscription.arn,
                                                                    subscription)
                return {"SubscriptionArn": subscription.arn}
        raise invalid("Token")

    def _subscription(self, subscription_arn: str) -> SubscriptionRecord:
        parts = subscription_arn.split(":")
        if len(parts) != 7 or parts[:3] != ["arn", "aws", "sns"]:
            raise invalid("SubscriptionArn Reason: An ARN must have at least 6 elements, not "
                          f"{len(parts)}" if len(parts) < 6 else "SubscriptionArn")
        found = self.subscriptions(parts[4], parts[3]).get(subscription_arn)
        if found is None:
            raise not_found("Subscription does not exist")
        return found

    def unsubscribe(
        self, ctx: RequestContext, *, subscription_arn: str, **_: Any
    ) -> dict[str, Any]:
        try:
            subscription = self._subscription(subscription_arn)
        except ServiceError as error:
            if error.code == "NotFoundException":
                return {}
            raise
        parts = subscription_arn.split(":")
        self.subscriptions(parts[4], parts[3]).delete(subscription.arn)
        return {}

    def _listing(self, subscription: SubscriptionRecord) -> dict[str, Any]:
        return {
            "SubscriptionArn": "PendingConfirmation" if subscription.pending else subscription.arn,
            "Owner": subscription.owner,
            "Protocol": subscription.protocol,
            "Endpoint": subscription.endpoint,
            "TopicArn": subscription.topic_arn,
        }

    def list_subscriptions(
        self, ctx: RequestContext, *, next_token: str | None = None, **_: Any
    ) -> dict[str, Any]:
        subscriptions = self.subscriptions(ctx.account_id, ctx.region).values()
        return _page("Subscriptions", [self._listing(s) for s in subscriptions], next_token)

    def list_subscriptions_by_topic(
        self, ctx: RequestContext, *, topic_arn: str, next_token: str | None = None, **_: Any
    ) -> dict[str, Any]:
        topic = self.topic_by_arn(topic_arn)
        return _page("Subscriptions", [self._listing(s) for s in self.subscriptions_of(topic)],
                     next_token)

    def get_subscription_attributes(
        self, ctx: RequestContext, *, subscription_arn: str, **_: Any
    ) -> dict[str, Any]:
        subscription = self._subscription(subscription_arn)
        values = {
            "ConfirmationWasAuthenticated": str(subscription.authenticated).lower(),
            "Owner": subscription.owner,
            "PendingConfirmation": str(subscription.pending).lower(),
            "Protocol": subscription.protocol,
            "RawMessageDelivery": "false",
            "SubscriptionArn": subscription.arn,
            "TopicArn": subscription.topic_arn,
            "Endpoint": subscription.endpoint,
            **subscription.attributes,
        }
        if "FilterPolicy" in subscription.attributes:
            values.setdefault("FilterPolicyScope", "MessageAttributes")
        if subscription.protocol in ("http", "https"):
            values["EffectiveDeliveryPolicy"] = DEFAULT_DELIVERY_POLICY
        return {"Attributes": values}

    def set_subscription_attributes(
        self, ctx: RequestContext, *, subscription_arn: str, attribute_name: str,
        attribute_value: str | None = None, **_: Any,
    ) -> dict[str, Any]:
        subscription = self._subscription(subscription_arn)
        if attribute_name not in SUBSCRIPTION_ATTRIBUTES:
            raise invalid("AttributeName")
        if attribute_name == "RawMessageDelivery" and subscription.protocol not in (
                "sqs", "http", "https", "firehose"):
            raise invalid("Delivery protocol [" + subscription.protocol + "] does not support "
                          "raw message delivery.")
        changed = {**subscription.attributes, attribute_name: attribute_value or ""}
        if attribute_name == "FilterPolicy" and not attribute_value:
            changed.pop("FilterPolicy")
        filtering.check(changed)
        subscription.attributes = changed
        parts = subscription_arn.split(":")
        self.subscriptions(parts[4], parts[3]).put(subscription.arn, subscription)
        return {}

    # -- tags ------------------------------------------------------------------------------

    def tag_resource(
        self, ctx: RequestContext, *, resource_arn: str, tags: list[Mapping[str, str]], **_: Any
    ) -> dict[str, Any]:
        topic = self.find_topic(resource_arn)
        if topic is None:
            raise ServiceError("ResourceNotFoundException", "Resource does not exist")
        topic.tags.update({t["Key"]: t["Value"] for t in tags})
        self.topics(topic.account, topic.region).put(topic.name, topic)
        return {}

    def untag_resource(
        self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str], **_: Any
    ) -> dict[str, Any]:
        topic = self.find_topic(resource_arn)
        if topic is None:
            raise ServiceError("ResourceNotFoundException", "Resource does not exist")
        for key in tag_keys:
            topic.tags.pop(key, None)
        self.topics(topic.account, topic.region).put(topic.name, topic)
        return {}

    def list_tags_for_resource(
        self, ctx: RequestContext, *, resource_arn: str, **_: Any
    ) -> dict[str, Any]:
        topic = self.find_topic(resource_arn)
        if topic is None:
            raise ServiceError("ResourceNotFoundException", "Resource does not exist")
        return {"Tags": [{"Key": k, "Value": v} for k, v in topic.tags.items()]}


class TopicPort:
    """The ``topics`` port: publish to a topic by ARN."""

    def __init__(self, provider: SnsProvider) -> None:
        self._provider = provider

    def exists(self, topic_arn: str) -> bool:
        return self._provider.find_topic(topic_arn) is not None

    def publish(
        self, topic_arn: str, message: str, *, subject: str | None = None,
        message_attributes: Mapping[str, Mapping[str, Any]] | None = None,
        group_id: str | None = None, deduplication_id: str | None = None,
        trace_header: str | None = None,
    ) -> dict[str, Any]:
        return self._provider.publish_to(topic_arn, message, subject=subject,
                                         attributes=message_attributes, group_id=group_id,
                                         deduplication_id=deduplication_id,
                                         trace_header=trace_header)


__all__ = ["SnsProvider", "TopicPort"]
