"""What the parts of the SNS provider share: tables, lookups by ARN, and the deliveries."""

from __future__ import annotations

from typing import Any

from emulator import arns
from emulator.errors import ServiceError
from emulator.services.base import Provider, TableOf
from emulator.services.sns.delivery import Deliveries
from emulator.services.sns.filtering import invalid
from emulator.services.sns.models import SUBSCRIPTIONS, TOPICS, SubscriptionRecord, TopicRecord


def not_found(message: str) -> ServiceError:
    return ServiceError("NotFoundException", message)


class SnsBase(Provider):
    service_name = "sns"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deliveries = Deliveries(self.clock, self.ports)
        self._deduplication: dict[tuple[str, str], tuple[float, str, str]] = {}

    topics = TableOf(TOPICS, TopicRecord)
    subscriptions = TableOf(SUBSCRIPTIONS, SubscriptionRecord)

    def find_topic(self, topic_arn: str) -> TopicRecord | None:
        parsed = arns.parse_or_none(topic_arn)
        if parsed is None or parsed.service != "sns":
            return None
        topic = self.topics(parsed.account, parsed.region).get(parsed.resource)
        return topic if topic is not None and topic.arn == topic_arn else None

    @staticmethod
    def checked_arn(arn: str, parameter: str = "TopicArn") -> None:
        """AWS answers InvalidParameter, not NotFound, for a value that is no SNS ARN."""
        elements = len(arn.split(":"))
        if elements < 6:
            raise invalid(f"{parameter} Reason: An ARN must have at least 6 elements, "
                          f"not {elements}")
        parsed = arns.parse_or_none(arn)
        if parsed is None or parsed.service != "sns" or not parsed.account.isdigit():
            raise invalid(parameter)

    def topic_by_arn(self, topic_arn: str) -> TopicRecord:
        self.checked_arn(topic_arn)
        topic = self.find_topic(topic_arn)
        if topic is None:
            raise not_found("Topic does not exist")
        return topic

    def subscriptions_of(self, topic: TopicRecord) -> list[SubscriptionRecord]:
        return [s for s in self.subscriptions(topic.account, topic.region).values()
                if s.topic_arn == topic.arn]

    def endpoint_url(self) -> str:
        host = self.settings.host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        return f"http://{host}:{self.settings.port}"


__all__ = ["SnsBase", "not_found"]
