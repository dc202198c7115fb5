"""SQS as other services use it: send to a queue by ARN, and poll one as an event source.

Offered by the SQS provider as its ``queues`` port. Queues are named by ARN, which carries the
account and region; results and errors are those of the SQS API itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulator.context import RequestContext
from emulator.services.sqs.messaging import MessagesApi
from emulator.services.sqs.naming import parse_queue_arn, queue_url
from emulator.services.sqs.queues import queue_does_not_exist

_INTERNAL = "http://sqs.internal"


class QueuePort:
    def __init__(self, provider: MessagesApi) -> None:
        self._provider = provider

    def _address(self, queue_arn: str, operation: str) -> tuple[RequestContext, str]:
        parsed = parse_queue_arn(queue_arn)
        if parsed is None:
            raise queue_does_not_exist()
        region, account, name = parsed
        ctx = RequestContext.internal(account, region, service="sqs", operation=operation,
                                      endpoint_url=_INTERNAL)
        return ctx, queue_url(_INTERNAL, account, name)

    def exists(self, queue_arn: str) -> bool:
        return self._provider.queues.by_arn(queue_arn) is not None

    def send(self, queue_arn: str, body: str, *,
             message_attributes: Mapping[str, Mapping[str, Any]] | None = None,
             group_id: str | None = None, deduplication_id: str | None = None,
             delay_seconds: int | None = None, trace_header: str | None = None) -> dict[str, Any]:
        """SendMessage to the queue, with ``trace_header`` as the AWSTraceHeader system
        attribute; its answer (MessageId, digests, SequenceNumber)."""
        ctx, url = self._address(queue_arn, "SendMessage")
        system = ({"AWSTraceHeader": {"DataType": "String", "StringValue": trace_header}}
                  if trace_header else None)
        return self._provider.send_message(
            ctx, queue_url=url, message_body=body, delay_seconds=delay_seconds,
            message_attributes=message_attributes, message_system_attributes=system,
            message_deduplication_id=deduplication_id, message_group_id=group_id,
        )

    async def receive(self, queue_arn: str, *, max_messages: int = 10,
                      visibility_timeout: int | None = None, wait_seconds: int = 0
                      ) -> list[dict[str, Any]]:
        """ReceiveMessage with every attribute, as an event source polls; [] when none came."""
        ctx, url = self._address(queue_arn, "ReceiveMessage")
        result = await self._provider.receive_message(
            ctx, queue_url=url, message_system_attribute_names=["All"],
            message_attribute_names=["All"], max_number_of_messages=max_messages,
            visibility_timeout=visibility_timeout, wait_time_seconds=wait_seconds,
        )
        messages: list[dict[str, Any]] = result.get("Messages", [])
        return messages

    def delete(self, queue_arn: str, receipt_handle: str) -> None:
        ctx, url = self._address(queue_arn, "DeleteMessage")
        self._provider.delete_message(ctx, queue_url=url, receipt_handle=receipt_handle)

    def change_visibility(self, queue_arn: str, receipt_handle: str, timeout: int) -> None:
        ctx, url = self._address(queue_arn, "ChangeMessageVisibility")
        self._provider.change_message_visibility(
            ctx, queue_url=url, receipt_handle=receipt_handle, visibility_timeout=timeout
        )

    def receivable(self, queue_arn: str) -> int:
        """How many messages a receive would get now: visible ones, less FIFO groups held
        back by a message in flight or delayed ahead of them."""
        queue = self._provider.queues.by_arn(queue_arn)
        if queue is None:
            return 0
        now = self._provider.clock.now()
        if not queue.fifo:
            return self._provider.delivery.counts(queue, now).visible
        messages = self._provider.queues.messages(queue).values()
        blocked = {m.group_id for m in messages if m.in_flight(now)}
        count = 0
        for message in messages:
            if message.visible_at > now:
                blocked.add(message.group_id)
            elif message.group_id not in blocked:
                count += 1
        return count

    def peek(self, queue_arn: str, max_messages: int = 10) -> list[dict[str, Any]]:
        """The queue's oldest messages as they stand, without receiving them: no receive
        count, visibility or FIFO group changes."""
        queue = self._provider.queues.by_arn(queue_arn)
        if queue is None:
            raise queue_does_not_exist()
        now = self._provider.clock.now()
        oldest = now - queue.int_attribute("MessageRetentionPeriod")
        found = []
        for message in self._provider.queues.messages(queue).values():
            if message.sent <= oldest:
                continue
            state = "in flight" if message.in_flight(now) else (
                "delayed" if message.delayed(now) else "visible")
            found.append({
                "MessageId": message.message_id, "Body": message.body, "State": state,
                "SentTimestamp": message.sent, "ApproximateReceiveCount":
                    message.receive_count, "MessageGroupId": message.group_id,
                "MessageAttributes": {name: value.model_dump(exclude_none=True)
                                      for name, value in message.attributes.items()},
            })
            if len(found) >= max_messages:
                break
        return found


__all__ = ["QueuePort"]
