"""The stored records of SNS: topics and subscriptions."""

from __future__ import annotations

from pydantic import Field

from emulator.store import Record

TOPICS = "topics"  # key: topic name
SUBSCRIPTIONS = "subscriptions"  # key: subscription ARN


class TopicRecord(Record):
    name: str
    arn: str
    account: str
    region: str
    attributes: dict[str, str] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)
    created: float = 0.0

    @property
    def fifo(self) -> bool:
        return self.attributes.get("FifoTopic", "false").lower() == "true"


class SubscriptionRecord(Record):
    arn: str
    topic_arn: str
    protocol: str
    endpoint: str
    owner: str
    attributes: dict[str, str] = Field(default_factory=dict)
    pending: bool = False
    token: str | None = None
    authenticated: bool = False

    @property
    def raw(self) -> bool:
        return self.attributes.get("RawMessageDelivery", "false").lower() == "true"


__all__ = ["SUBSCRIPTIONS", "TOPICS", "SubscriptionRecord", "TopicRecord"]
