"""The message operations: send, receive (with long polling), delete and change visibility."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.sqs import batches, fifo, receipts
from emulator.services.sqs.characters import ALLOWED, first_invalid
from emulator.services.sqs.common import SqsBase
from emulator.services.sqs.md5 import md5_of_attributes, md5_of_body
from emulator.services.sqs.message_attributes import (
    AttributeFilter,
    check_attributes,
    check_system_attributes,
    size_of,
)
from emulator.services.sqs.models import AttributeValue, MessageRecord, QueueRecord
from emulator.services.sqs.naming import invalid_parameter

MAX_DELAY = 900
MAX_VISIBILITY = 43_200
MAX_WAIT = 20


def _sender_id(ctx: RequestContext) -> str:
    """The sender's user id: a key acts as its account's root user here (as GetCallerIdentity
    and CloudTrail name it), whose id is the account id, never the access key."""
    return ctx.account_id


def _millis(seconds: float) -> str:
    return str(int(seconds * 1000))


def _out_of_range(name: str, value: int, reason: str) -> ServiceError:
    return invalid_parameter(f"Value {value} for parameter {name} is invalid. Reason: {reason}")


def _system_attributes(
    message: MessageRecord, names: set[str]
) -> dict[str, str]:
    if not names:
        return {}
    values: dict[str, str | None] = {
        "SenderId": message.sender_id,
        "SentTimestamp": _millis(message.sent),
        "ApproximateReceiveCount": str(message.receive_count),
        "ApproximateFirstReceiveTimestamp": (
            _millis(message.first_receive) if message.first_receive is not None else None
        ),
        "SequenceNumber": message.sequence_number,
        "MessageDeduplicationId": message.dedup_id,
        "MessageGroupId": message.group_id,
        "AWSTraceHeader": (
            message.system_attributes["AWSTraceHeader"].StringValue
            if "AWSTraceHeader" in message.system_attributes else None
        ),
        "DeadLetterQueueSourceArn": message.dead_letter_source,
    }
    every = "All" in names
    return {
        name: value for name, value in values.items()
        if value is not None and (every or name in names)
    }


def _sent(message_id: str, body: str, message_attributes: Mapping[str, AttributeValue],
          system_attributes: Mapping[str, AttributeValue], sequence: str | None) -> dict[str, Any]:
    """What SendMessage answers: the id and the digests of what was sent."""
    result: dict[str, Any] = {"MessageId": message_id, "MD5OfMessageBody": md5_of_body(body)}
    md5_attributes = md5_of_attributes(
        {name: value.to_wire() for name, value in message_attributes.items()}
    )
    md5_system = md5_of_attributes(
        {name: value.to_wire() for name, value in system_attributes.items()}
    )
    if md5_attributes:
        result["MD5OfMessageAttributes"] = md5_attributes
    if md5_system:
        result["MD5OfMessageSystemAttributes"] = md5_system
    if sequence is not None:
        result["SequenceNumber"] = sequence
    return result


def _lenient_attributes(given: object) -> dict[str, AttributeValue]:
    """Message attributes as given, for sizing a batch before each entry is checked."""
    if not isinstance(given, Mapping):
        return {}
    sized: dict[str, AttributeValue] = {}
    for name, value in given.items():
        if isinstance(value, Mapping):
            sized[str(name)] = AttributeValue(
                DataType=str(value.get("DataType", "")),
                StringValue=value.get("StringValue") if isinstance(value.get("StringValue"), str)
                else None,
                BinaryValue=value.get("BinaryValue")
                if isinstance(value.get("BinaryValue"), bytes) else None,
            )
    return sized


class MessagesApi(SqsBase):
    """SendMessage, ReceiveMessage, DeleteMessage, ChangeMessageVisibility and their batches."""

    # -- sending ---------------------------------------------------------------------------

    def send_message(self, ctx: RequestContext, *, queue_url: str, message_body: str,
                     delay_seconds: int | None = None,
                     message_attributes: Mapping[str, Mapping[str, Any]] | None = None,
                     message_system_attributes: Mapping[str, Mapping[str, Any]] | None = None,
                     message_deduplication_id: str | None = None,
                     message_group_id: str | None = None, **_: Any) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        result = self._send(
            ctx, queue, message_body, delay_seconds, message_attributes,
            message_system_attributes, message_deduplication_id, message_group_id,
        )
        self.wakeups.notify(queue.arn)
        return result

    def send_message_batch(
        self, ctx: RequestContext, *, queue_url: str, entries: Sequence[Mapping[str, Any]],
        **_: Any,
    ) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        batches.check_entries(entries, "SendMessageBatchRequestEntry")
        total = sum(
            len(str(entry.get("MessageBody", "")).encode("utf-8", "surrogatepass"))
            + size_of(_lenient_attributes(entry.get("MessageAttributes")))
            for entry in entries
        )
        if total > batches.MAX_BATCH_BYTES:
            raise ServiceError(
                "BatchRequestTooLong",
                f"Batch requests cannot be longer than {batches.MAX_BATCH_BYTES} bytes. "
                f"You have sent {total} bytes.",
            )

        def send(entry: Mapping[str, Any]) -> dict[str, Any]:
            return self._send(
                ctx, queue, entry.get("MessageBody", ""), entry.get("DelaySeconds"),
                entry.get("MessageAttributes"), entry.get("MessageSystemAttributes"),
                entry.get("MessageDeduplicationId"), entry.get("MessageGroupId"),
            )

        result = batches.run(entries, send)
        self.wakeups.notify(queue.arn)
        return result

    def _send(self, ctx: RequestContext, queue: QueueRecord, body: str, delay: int | None,
              given_attributes: Mapping[str, Mapping[str, Any]] | None,
              given_system: Mapping[str, Mapping[str, Any]] | None, dedup_id: str | None,
              group_id: str | None) -> dict[str, Any]:
        if not body:
            raise ServiceError(
                "MissingParameter", "The request must contain the parameter MessageBody.",
                status=400,
            )
        bad = first_invalid(body)
        if bad is not None:
            raise ServiceError(
                "InvalidMessageContents",
                f"Invalid binary character '{bad}' was found in the message body, the set of "
                f"allowed characters is {ALLOWED}",
            )
        delay = self._delay(queue, delay)
        message_attributes = check_attributes(given_attributes)
        system_attributes = check_system_attributes(given_system)
        limit = queue.int_attribute("MaximumMessageSize")
        if len(body.encode("utf-8")) + size_of(message_attributes) > limit:
            raise invalid_parameter(
                f"One or more parameters are invalid. Reason: Message must be shorter than "
                f"{limit} bytes."
            )
        now = self.clock.now()
        message_id = ids.message_id()
        sequence: str | None = None
        if queue.fifo:
            group_id, dedup_id = self._fifo_ids(queue, body, dedup_id, group_id)
            remembered = fifo.Deduplication(self.queues.dedup(queue))
            key = fifo.dedup_key(queue, group_id, dedup_id)
            earlier = remembered.seen(key, now)
            if earlier is not None:  # accepted, but not delivered again
                return _sent(earlier.message_id, body, message_attributes, system_attributes,
                             earlier.sequence_number)
            messages = self.queues.messages(queue)
            sequence = self.sequences.next(
                queue.arn, now, lambda: [m.sequence_number for m in messages.values()]
            )
            remembered.remember(key, message_id, sequence, now)
            if len(remembered.table) % 500 == 0:
                remembered.forget_expired(now)
        else:
            if dedup_id is not None:
                raise fifo.not_for_queue_type("MessageDeduplicationId", dedup_id)
            if group_id is not None:
                fifo.check_token("MessageGroupId", group_id)
        result = _sent(message_id, body, message_attributes, system_attributes, sequence)
        trace = ctx.headers.get("x-amzn-trace-id")
        if trace and "AWSTraceHeader" not in system_attributes:
            # X-Ray SDKs send the trace as a header; SQS keeps it as AWSTraceHeader.
            system_attributes = {**system_attributes, **check_system_attributes(
                {"AWSTraceHeader": {"DataType": "String", "StringValue": trace}})}
        record = MessageRecord(
            message_id=message_id, body=body, md5_body=result["MD5OfMessageBody"],
            attributes=message_attributes, system_attributes=system_attributes,
            md5_system_attributes=result.get("MD5OfMessageSystemAttributes"),
            sender_id=_sender_id(ctx), sent=now, visible_at=now + delay, group_id=group_id,
            dedup_id=dedup_id, sequence_number=sequence,
        )
        self.delivery.add(queue, record, now)
        self.metrics.sent(queue, len(body.encode("utf-8")) + size_of(message_attributes))
        return result

    def _delay(self, queue: QueueRecord, delay: int | None) -> int:
        if delay is None:
            return queue.int_attribute("DelaySeconds")
        if queue.fifo and delay != 0:
            raise fifo.not_for_queue_type("DelaySeconds", delay)
        if not 0 <= delay <= MAX_DELAY:
            raise _out_of_range(
                "DelaySeconds", delay, f"DelaySeconds must be >= 0 and <= {MAX_DELAY}"
            )
        return delay

    @staticmethod
    def _fifo_ids(
        queue: QueueRecord, body: str, dedup_id: str | None, group_id: str | None
    ) -> tuple[str, str]:
        """The message group id and the deduplication id of a message sent to a FIFO queue."""
        if group_id is None:
            raise ServiceError(
                "MissingParameter", "The request must contain the parameter MessageGroupId.",
                status=400,
            )
        fifo.check_token("MessageGroupId", group_id)
        if dedup_id is not None:
            fifo.check_token("MessageDeduplicationId", dedup_id)
        return group_id, fifo.deduplication_id(queue, dedup_id, body)

    # -- receiving -------------------------------------------------------------------------

    async def receive_message(
            self, ctx: RequestContext, *, queue_url: str,
            attribute_names: Sequence[str] | None = None,
            message_system_attribute_names: Sequence[str] | None = None,
            message_attribute_names: Sequence[str] | None = None,
            max_number_of_messages: int | None = None, visibility_timeout: int | None = None,
            wait_time_seconds: int | None = None, receive_request_attempt_id: str | None = None,
            **_: Any) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        limit = 1 if max_number_of_messages is None else max_number_of_messages
        if not 1 <= limit <= 10:
            raise _out_of_range(
                "MaxNumberOfMessages", limit, "Must be between 1 and 10, if provided."
            )
        if visibility_timeout is not None and not 0 <= visibility_timeout <= MAX_VISIBILITY:
            raise _out_of_range(
                "VisibilityTimeout", visibility_timeout,
                f"Must be between 0 and {MAX_VISIBILITY}, if provided.",
            )
        if wait_time_seconds is not None and not 0 <= wait_time_seconds <= MAX_WAIT:
            raise _out_of_range(
                "WaitTimeSeconds", wait_time_seconds,
                f"Must be >= 0 and <= {MAX_WAIT}, if provided.",
            )
        attempt = None
        taken: list[MessageRecord] | None = None
        if queue.fifo and receive_request_attempt_id is not None:
            fifo.check_token("ReceiveRequestAttemptId", receive_request_attempt_id)
            attempt = (queue.arn, receive_request_attempt_id)
            taken = self._replay(queue, attempt, visibility_timeout)
        if taken is None:
            queue, taken = await self._poll(queue, limit, visibility_timeout, wait_time_seconds)
        self.metrics.received(queue, len(taken))
        if not taken:
            return {}
        if attempt is not None:
            self._remember_attempt(attempt, taken)
        system_names = set(attribute_names or ()) | set(message_system_attribute_names or ())
        wanted = AttributeFilter(message_attribute_names)
        return {"Messages": [self._render(queue, m, system_names, wanted) for m in taken]}

    async def _poll(
        self, queue: QueueRecord, limit: int, visibility_timeout: int | None,
        wait_time_seconds: int | None,
    ) -> tuple[QueueRecord, list[MessageRecord]]:
        """Receive, waiting up to the wait time (on the clock) for a message to arrive."""
        wait = (
            queue.int_attribute("ReceiveMessageWaitTimeSeconds")
            if wait_time_seconds is None else wait_time_seconds
        )
        deadline = self.clock.now() + wait
        while True:
            wake = self.wakeups.current(queue.arn)
            now = self.clock.now()
            visibility = (
                queue.int_attribute("VisibilityTimeout")
                if visibility_timeout is None else visibility_timeout
            )
            taken, next_change = self.delivery.receive(queue, now, limit, visibility)
            if taken or now >= deadline:
                return queue, taken
            until = deadline if next_change is None else min(deadline, next_change)
            await self.wakeups.wait(self.clock, queue.arn, until, wake)
            current = self.queues.get(queue.account, queue.region, queue.name)
            if current is None or current.created != queue.created:
                return queue, []  # deleted while waiting
            queue = current

    def _replay(
        self, queue: QueueRecord, attempt: tuple[str, str], visibility_timeout: int | None
    ) -> list[MessageRecord] | None:
        """The messages of a retried FIFO receive, when none changed since the first try."""
        found = self.attempts.get(attempt)
        now = self.clock.now()
        if found is None or found[0] <= now:
            return None
        messages = [self.delivery.find(queue, message_id, now) for message_id, _ in found[1]]
        tokens = [token for _, token in found[1]]
        if any(m is None or m.receipt != t for m, t in zip(messages, tokens, strict=True)):
            return None
        visibility = (
            queue.int_attribute("VisibilityTimeout")
            if visibility_timeout is None else visibility_timeout
        )
        replayed = [m for m in messages if m is not None]
        for message in replayed:
            message.visible_at = now + visibility
            self.delivery.update(queue, message, now)
        return replayed

    def _remember_attempt(self, attempt: tuple[str, str], taken: list[MessageRecord]) -> None:
        now = self.clock.now()
        for key, (expires, _) in list(self.attempts.items()):
            if expires <= now:
                del self.attempts[key]
        self.attempts[attempt] = (
            now + fifo.DEDUP_WINDOW, [(m.message_id, m.receipt or "") for m in taken]
        )

    @staticmethod
    def _render(
        queue: QueueRecord, message: MessageRecord, system_names: set[str],
        wanted: AttributeFilter,
    ) -> dict[str, Any]:
        rendered: dict[str, Any] = {
            "MessageId": message.message_id,
            "ReceiptHandle": receipts.encode(queue.arn, message.message_id, message.receipt or ""),
            "MD5OfBody": message.md5_body,
            "Body": message.body,
        }
        system = _system_attributes(message, system_names)
        if system:
            rendered["Attributes"] = system
        selected = wanted.select(message.attributes) if wanted else {}
        if selected:
            wire = {name: value.to_wire() for name, value in selected.items()}
            rendered["MessageAttributes"] = wire
            rendered["MD5OfMessageAttributes"] = md5_of_attributes(wire)
        return rendered

    # -- deleting --------------------------------------------------------------------------

    def delete_message(
        self, ctx: RequestContext, *, queue_url: str, receipt_handle: str, **_: Any
    ) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        self._delete(queue, receipt_handle)
        return {}

    def delete_message_batch(
        self, ctx: RequestContext, *, queue_url: str, entries: Sequence[Mapping[str, Any]],
        **_: Any,
    ) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        batches.check_entries(entries, "DeleteMessageBatchRequestEntry")

        def delete(entry: Mapping[str, Any]) -> dict[str, Any]:
            self._delete(queue, entry["ReceiptHandle"])
            return {}

        return batches.run(entries, delete)

    def _delete(self, queue: QueueRecord, handle: str) -> None:
        receipt = receipts.decode(handle, queue.arn)
        message = self.delivery.find(queue, receipt.message_id, self.clock.now())
        if message is None:
            return  # already deleted: AWS answers success
        if queue.fifo and message.receipt != receipt.token:
            raise invalid_parameter(
                f"Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt "
                "handle has expired."
            )
        self.delivery.remove(queue, receipt.message_id)
        self.metrics.deleted(queue)
        if queue.fifo:
            self.wakeups.notify(queue.arn)  # the next message of its group may now go out

    # -- visibility ------------------------------------------------------------------------

    def change_message_visibility(
        self, ctx: RequestContext, *, queue_url: str, receipt_handle: str,
        visibility_timeout: int, **_: Any,
    ) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        self._change_visibility(queue, receipt_handle, visibility_timeout)
        return {}

    def change_message_visibility_batch(
        self, ctx: RequestContext, *, queue_url: str, entries: Sequence[Mapping[str, Any]],
        **_: Any,
    ) -> dict[str, Any]:
        queue = self.queues.require(ctx, queue_url)
        batches.check_entries(entries, "ChangeMessageVisibilityBatchRequestEntry")

        def change(entry: Mapping[str, Any]) -> dict[str, Any]:
            timeout = entry.get("VisibilityTimeout")
            self._change_visibility(
                queue, entry["ReceiptHandle"],
                queue.int_attribute("VisibilityTimeout") if timeout is None else timeout,
            )
            return {}

        return batches.run(entries, change)

    def _change_visibility(self, queue: QueueRecord, handle: str, timeout: int) -> None:
        if not 0 <= timeout <= MAX_VISIBILITY:
            raise _out_of_range(
                "VisibilityTimeout", timeout,
                f"Must be between 0 and {MAX_VISIBILITY}, if provided.",
            )
        receipt = receipts.decode(handle, queue.arn)
        now = self.clock.now()
        message = self.delivery.find(queue, receipt.message_id, now)
        if (
            message is None
            or message.receive_count == 0
            or (queue.fifo and message.receipt != receipt.token)
        ):
            raise invalid_parameter(
                f"Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does not "
                "exist or is not available for visibility timeout change."
            )
        received = message.last_receive if message.last_receive is not None else now
        if now - received + timeout > MAX_VISIBILITY:
            raise _out_of_range(
                "VisibilityTimeout", timeout,
                f"Total VisibilityTimeout for the message is beyond the limit [{MAX_VISIBILITY} "
                "seconds].",
            )
        message.visible_at = now + timeout
        self.delivery.update(queue, message, now)
        if timeout == 0:
            self.wakeups.notify(queue.arn)


__all__ = ["MessagesApi"]
