"""Subscription filters: PutSubscriptionFilter, DescribeSubscriptionFilters and
DeleteSubscriptionFilter, and the delivery of matching events as AWS sends them: to a Lambda
function as ``{"awslogs": {"data": base64(gzip(JSON))}}``, to a Firehose delivery stream as one
record of gzip-compressed JSON.

https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

from emulator import arns
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.runtime.background import Background
from emulator.services.base import Provider, TableOf
from emulator.services.logs.models import GROUPS, LogGroupRecord
from emulator.services.logs.patterns import PatternError, compile_pattern
from emulator.store import Record

FILTERS = "subscription-filters"  # key: "group\x1fname"
MAX_FILTERS = 2  # per log group, as AWS allows


class SubscriptionFilterRecord(Record):
    group: str
    name: str
    pattern: str
    destination: str
    role_arn: str | None = None
    distribution: str = "ByLogStream"
    created: int = 0


def _key(group: str, name: str) -> str:
    return f"{group}\x1f{name}"


class SubscriptionsApi(Provider):
    """The part of the Logs provider that keeps subscription filters and delivers to them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deliveries = Background(self.clock, "logs")

    def busy(self) -> list[str]:
        return self.deliveries.busy()

    filters = TableOf(FILTERS, SubscriptionFilterRecord)

    def _existing_group(self, ctx: RequestContext, name: str) -> None:
        groups = self.store.table(ctx.account_id, ctx.region, GROUPS, LogGroupRecord)
        if name not in groups:
            raise ServiceError("ResourceNotFoundException",
                               "The specified log group does not exist.")

    def put_subscription_filter(self, ctx: RequestContext, *, log_group_name: str,
                                filter_name: str, filter_pattern: str, destination_arn: str,
                                role_arn: str | None = None, distribution: str | None = None,
                                **_: Any) -> dict[str, Any]:
        self._existing_group(ctx, log_group_name)
        try:
            compile_pattern(filter_pattern)
        except PatternError:
            raise ServiceError("InvalidParameterException",
                               "Invalid filter pattern") from None
        table = self.filters(ctx.account_id, ctx.region)
        others = [key for key in table if key.startswith(log_group_name + "\x1f")
                  and key != _key(log_group_name, filter_name)]
        if len(others) >= MAX_FILTERS:
            raise ServiceError("LimitExceededException", "Resource limit exceeded.")
        table.put(_key(log_group_name, filter_name), SubscriptionFilterRecord(
            group=log_group_name, name=filter_name, pattern=filter_pattern,
            destination=destination_arn, role_arn=role_arn,
            distribution=distribution or "ByLogStream", created=self.clock.now_millis()))
        return {}

    def describe_subscription_filters(self, ctx: RequestContext, *, log_group_name: str,
                                      filter_name_prefix: str | None = None,
                                      **_: Any) -> dict[str, Any]:
        self._existing_group(ctx, log_group_name)
        found = []
        for record in self.filters(ctx.account_id, ctx.region).values():
            if record.group != log_group_name or not record.name.startswith(
                    filter_name_prefix or ""):
                continue
            entry: dict[str, Any] = {
                "filterName": record.name, "logGroupName": record.group,
                "filterPattern": record.pattern, "destinationArn": record.destination,
                "distribution": record.distribution, "creationTime": record.created}
            if record.role_arn:
                entry["roleArn"] = record.role_arn
            found.append(entry)
        return {"subscriptionFilters": found}

    def delete_subscription_filter(self, ctx: RequestContext, *, log_group_name: str,
                                   filter_name: str) -> dict[str, Any]:
        self._existing_group(ctx, log_group_name)
        if self.filters(ctx.account_id, ctx.region).delete(
                _key(log_group_name, filter_name)) is None:
            raise ServiceError("ResourceNotFoundException",
                               "The specified subscription filter does not exist.")
        return {}

    def drop_filters(self, account: str, region: str, group: str) -> None:
        table = self.filters(account, region)
        for key in table:
            if key.startswith(group + "\x1f"):
                table.delete(key)

    def deliver(self, account: str, region: str, group: str, stream: str,
                events: list[tuple[int, str, str]]) -> None:
        """Send events (timestamp, message, id) just stored to the group's subscriptions."""
        for record in self.filters(account, region).values():
            if record.group != group:
                continue
            matches = compile_pattern(record.pattern)
            chosen = [event for event in events if matches(event[1])]
            if not chosen or not (":lambda:" in record.destination
                                  or ":firehose:" in record.destination):
                continue
            document = {
                "messageType": "DATA_MESSAGE", "owner": account, "logGroup": group,
                "logStream": stream, "subscriptionFilters": [record.name],
                "logEvents": [{"id": event_id, "timestamp": stamp, "message": message}
                              for stamp, message, event_id in chosen]}
            compressed = gzip.compress(json.dumps(document).encode())
            if ":firehose:" in record.destination:
                self.deliveries.soon(self._firehose(record.destination, compressed))
                continue
            data = base64.b64encode(compressed).decode()
            payload = json.dumps({"awslogs": {"data": data}}).encode()
            self.deliveries.soon(self._invoker(record.destination, payload, account, region))

    def _invoker(self, function: str, payload: bytes, account: str, region: str) -> Any:
        async def invoke() -> None:
            await self.ports.functions.invoke(function, payload, account=account,
                                              region=region, invocation_type="Event")
        return invoke

    def _firehose(self, stream_arn: str, data: bytes) -> Any:
        async def put() -> None:
            arn = arns.parse(stream_arn)  # a malformed one fails this delivery only
            await self.ports.operations.call(
                RequestContext.internal(arn.account, arn.region), "firehose", "PutRecord",
                {"DeliveryStreamName": arn.resource.split("/", 1)[-1], "Record": {"Data": data}})
        return put


__all__ = ["FILTERS", "SubscriptionFilterRecord", "SubscriptionsApi"]
