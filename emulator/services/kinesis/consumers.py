"""Enhanced fan-out consumers: registered, described, listed and deregistered.

A consumer answers CREATING to RegisterStreamConsumer and is ACTIVE from then on. Lambda
event-source mappings accept a consumer's ARN and read its stream; SubscribeToShard (an
HTTP/2 event stream) is not offered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from emulator.context import RequestContext
from emulator.services.kinesis.common import KinesisBase, split_stream_arn
from emulator.services.kinesis.models import ConsumerModel
from emulator.services.kinesis.naming import (
    invalid_argument,
    limit_exceeded,
    resource_in_use,
    resource_not_found,
)
from emulator.services.kinesis.state import LiveStream

MAX_CONSUMERS = 20
DEFAULT_LIST = 100


def _shape(consumer: ConsumerModel, status: str = "ACTIVE") -> dict[str, Any]:
    return {"ConsumerName": consumer.name, "ConsumerARN": consumer.arn,
            "ConsumerStatus": status, "ConsumerCreationTimestamp": round(consumer.created, 3)}


class ConsumersApi(KinesisBase):
    def _consumer(self, ctx: RequestContext, stream_arn: str | None, consumer_name: str | None,
                  consumer_arn: str | None) -> tuple[LiveStream, ConsumerModel]:
        if consumer_arn:
            parts = split_stream_arn(consumer_arn)
            if parts is None or parts[3] is None:
                raise invalid_argument(f"ConsumerARN {consumer_arn} is invalid.")
            live = self.by_arn(consumer_arn)
            found = live and next((c for c in live.model.consumers if c.arn == consumer_arn),
                                  None)
        elif stream_arn and consumer_name:
            live = self.find(ctx, None, stream_arn)
            found = next((c for c in live.model.consumers if c.name == consumer_name), None)
        else:
            raise invalid_argument("Either ConsumerARN or both ConsumerName and StreamARN must "
                                   "be specified.")
        if live is None or not found:
            raise resource_not_found(
                f"Consumer {consumer_arn or consumer_name} under account {ctx.account_id} not "
                "found.")
        return live, found

    def register_stream_consumer(self, ctx: RequestContext, *, stream_arn: str,
                                 consumer_name: str, tags: dict[str, str] | None = None,
                                 **_: Any) -> dict[str, Any]:
        live = self.find(ctx, None, stream_arn)
        model = live.model
        if any(c.name == consumer_name for c in model.consumers):
            raise resource_in_use(f"Consumer {consumer_name} under stream {model.name} already "
                                  f"exists for account {model.account}.")
        if len(model.consumers) >= MAX_CONSUMERS:
            raise limit_exceeded(f"Stream {model.name} under account {model.account} already "
                                 f"has {MAX_CONSUMERS} registered consumers.")
        now = self.clock.now()
        consumer = ConsumerModel(name=consumer_name,
                                 arn=f"{model.arn}/consumer/{consumer_name}:{int(now)}",
                                 created=now, tags=dict(tags or {}))
        model.consumers.append(consumer)
        self.data.save(live)
        return {"Consumer": _shape(consumer, "CREATING")}

    def describe_stream_consumer(self, ctx: RequestContext, *, stream_arn: str | None = None,
                                 consumer_name: str | None = None,
                                 consumer_arn: str | None = None, **_: Any) -> dict[str, Any]:
        live, consumer = self._consumer(ctx, stream_arn, consumer_name, consumer_arn)
        return {"ConsumerDescription": {**_shape(consumer), "StreamARN": live.model.arn}}

    def list_stream_consumers(self, ctx: RequestContext, *, stream_arn: str,
                              next_token: str | None = None, max_results: int | None = None,
                              stream_creation_timestamp: datetime | None = None,
                              **_: Any) -> dict[str, Any]:
        live = self.find(ctx, None, stream_arn)
        consumers = live.model.consumers
        start = 0
        if next_token:
            if not next_token.isdigit():
                raise invalid_argument(f"NextToken {next_token} is invalid.")
            start = int(next_token)
        size = max_results or DEFAULT_LIST
        result: dict[str, Any] = {"Consumers": [_shape(c) for c in consumers[start:start + size]]}
        if start + size < len(consumers):
            result["NextToken"] = str(start + size)
        return result

    def deregister_stream_consumer(self, ctx: RequestContext, *, stream_arn: str | None = None,
                                   consumer_name: str | None = None,
                                   consumer_arn: str | None = None,
                                   **_: Any) -> dict[str, Any]:
        live, consumer = self._consumer(ctx, stream_arn, consumer_name, consumer_arn)
        live.model.consumers.remove(consumer)
        live.model.policies.pop(consumer.arn, None)
        self.data.save(live)
        return {}


__all__ = ["ConsumersApi"]
