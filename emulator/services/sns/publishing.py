"""Publish and PublishBatch: checking a message as SNS does, then fanning it out."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from emulator import ids, inbound
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.sns import filtering
from emulator.services.sns.common import SnsBase
from emulator.services.sns.envelopes import Notification
from emulator.services.sns.filtering import invalid
from emulator.services.sns.models import TopicRecord
from emulator.xray.header import TraceHeader

MAX_MESSAGE_BYTES = 256 * 1024
MAX_SUBJECT = 100
MAX_BATCH = 10
DEDUPLICATION_WINDOW = 300.0
_BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_ATTRIBUTE_NAME = re.compile(r"^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$")
TRACE_ATTRIBUTE = "AWSTraceHeader"


def _trace(attributes: Mapping[str, Mapping[str, Any]] | None,
           header: str | None) -> tuple[Mapping[str, Mapping[str, Any]] | None, str | None]:
    """The user's attributes without the AWSTraceHeader system attribute, and the trace to
    pass on: that attribute's, else the X-Amzn-Trace-Id header's (invalid ones are dropped)."""
    system = (attributes or {}).get(TRACE_ATTRIBUTE)
    if system is None or system.get("DataType") != "String":
        return attributes, TraceHeader.checked(header)
    rest = {name: value for name, value in (attributes or {}).items()
            if name != TRACE_ATTRIBUTE}
    given = TraceHeader.checked(str(system.get("StringValue") or ""))
    return rest, given or TraceHeader.checked(header)


def _check_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    checked: dict[str, dict[str, Any]] = {}
    for name, value in attributes.items():
        if not _ATTRIBUTE_NAME.match(name) or name.lower().startswith(("aws.", "amazon.")):
            raise invalid(f"The message attribute name '{name}' is invalid.")
        data_type = str(value.get("DataType") or "")
        base = data_type.split(".", 1)[0]
        if base not in ("String", "Number", "Binary"):
            raise invalid(f"The message attribute '{name}' has an invalid message attribute "
                          "type, the set of supported type prefixes is Binary, Number, and "
                          "String.")
        if base == "Binary":
            if value.get("BinaryValue") is None:
                raise invalid(f"The message attribute '{name}' with type 'Binary' must use "
                              "field 'Binary'.")
        else:
            text = value.get("StringValue")
            if text is None:
                raise invalid(f"The message attribute '{name}' with type '{base}' must use "
                              "field 'String'.")
            if base == "Number":
                try:
                    float(str(text))
                except ValueError:
                    raise invalid(f"Could not cast message attribute '{name}' value to "
                                  "number.") from None
            if data_type == "String.Array":
                try:
                    parsed = inbound.loads(str(text))
                except ValueError:
                    parsed = None
                if not isinstance(parsed, list):
                    raise invalid(f"The message attribute '{name}' with type 'String.Array' "
                                  "has an invalid value.")
        checked[name] = dict(value)
    return checked


class PublishApi(SnsBase):
    def _notification(
        self, topic: TopicRecord, message: str | None, subject: str | None,
        structure: str | None, attributes: Mapping[str, Mapping[str, Any]] | None,
        group_id: str | None, deduplication_id: str | None, trace_header: str | None = None,
    ) -> Notification:
        attributes, trace_header = _trace(attributes, trace_header)
        if not message:
            raise invalid("Empty message")
        if len(message.encode()) > MAX_MESSAGE_BYTES:
            raise invalid("Message too long")
        if subject is not None and (not subject or len(subject) > MAX_SUBJECT
                                    or any(ord(c) < 32 for c in subject)):
            raise invalid("Subject")
        per_protocol = None
        if structure is not None:
            if structure != "json":
                raise invalid("Invalid value for MessageStructure")
            try:
                per_protocol = inbound.loads(message)
            except ValueError:
                raise invalid("Message Structure - JSON message body failed to parse") from None
            if not isinstance(per_protocol, dict) or "default" not in per_protocol:
                raise invalid("Message Structure - No default entry in JSON message body")
            per_protocol = {key: str(value) for key, value in per_protocol.items()}
        checked = _check_attributes(attributes or {})
        if topic.fifo:
            if not group_id:
                raise invalid("The MessageGroupId parameter is required for FIFO topics")
            if not deduplication_id:
                if topic.attributes.get("ContentBasedDeduplication", "false") != "true":
                    raise invalid("The topic should either have ContentBasedDeduplication "
                                  "enabled or MessageDeduplicationId provided explicitly")
                deduplication_id = hashlib.sha256(message.encode()).hexdigest()
        elif deduplication_id:
            raise invalid("MessageDeduplicationId Reason: The request includes "
                          "MessageDeduplicationId parameter that is not valid for this topic "
                          "type")
        return Notification(
            message_id=ids.uuid4(), topic_arn=topic.arn, message=message,
            timestamp=self.clock.now_datetime(), endpoint_url=self.endpoint_url(),
            subject=subject, per_protocol=per_protocol, attributes=checked,
            group_id=group_id if topic.fifo else None,
            deduplication_id=deduplication_id if topic.fifo else None,
            trace_header=trace_header,
        )

    def _forget_deduplication(self, now: float) -> None:
        """Drop the deduplication IDs whose five minutes are over: the dict is in the order
        their windows end, so only its expired front is walked."""
        seen = self._deduplication
        while seen:
            oldest = next(iter(seen))
            if seen[oldest][0] > now:
                break
            del seen[oldest]

    def _fan_out(self, topic: TopicRecord, note: Notification) -> dict[str, Any]:
        """Deliver to every confirmed subscription whose filter policy accepts the message."""
        if topic.fifo:
            assert note.deduplication_id is not None
            key = (topic.arn, note.deduplication_id)
            now = self.clock.now()
            seen = self._deduplication.get(key)
            if seen is not None and seen[0] > now:
                return {"MessageId": seen[1], "SequenceNumber": seen[2]}
            counter = getattr(self, "_sequence", 0) + 1
            self._sequence = counter
            note.sequence_number = f"{10000000000000000000 + counter:020d}"
            self._forget_deduplication(now)
            self._deduplication.pop(key, None)  # kept in the order the windows end
            self._deduplication[key] = (now + DEDUPLICATION_WINDOW, note.message_id,
                                        note.sequence_number)
        for subscription in self.subscriptions_of(topic):
            if subscription.pending or not filtering.accepts(subscription.attributes, note):
                continue
            self.deliveries.deliver(note, subscription)
        result: dict[str, Any] = {"MessageId": note.message_id}
        if note.sequence_number is not None:
            result["SequenceNumber"] = note.sequence_number
        return result

    def publish_to(
        self, topic_arn: str, message: str | None, *, subject: str | None = None,
        structure: str | None = None,
        attributes: Mapping[str, Mapping[str, Any]] | None = None,
        group_id: str | None = None, deduplication_id: str | None = None,
        trace_header: str | None = None,
    ) -> dict[str, Any]:
        topic = self.topic_by_arn(topic_arn)
        note = self._notification(topic, message, subject, structure, attributes, group_id,
                                  deduplication_id, trace_header)
        return self._fan_out(topic, note)

    def publish(self, ctx: RequestContext, *, message: str, topic_arn: str | None = None,
                target_arn: str | None = None, phone_number: str | None = None,
                subject: str | None = None, message_structure: str | None = None,
                message_attributes: Mapping[str, Mapping[str, Any]] | None = None,
                message_deduplication_id: str | None = None, message_group_id: str | None = None,
                **_: Any) -> dict[str, Any]:
        if phone_number is not None:
            return {"MessageId": ids.uuid4()}  # SMS is accepted and not sent anywhere
        arn = topic_arn or target_arn
        if not arn:
            raise invalid("TopicArn or TargetArn Reason: no value for required parameter")
        self.checked_arn(arn, "TopicArn" if topic_arn else "TargetArn")
        return self.publish_to(arn, message, subject=subject, structure=message_structure,
                               attributes=message_attributes, group_id=message_group_id,
                               deduplication_id=message_deduplication_id,
                               trace_header=ctx.headers.get("x-amzn-trace-id"))

    def publish_batch(self, ctx: RequestContext, *, topic_arn: str,
                      publish_batch_request_entries: Sequence[Mapping[str, Any]], **_: Any
                      ) -> dict[str, Any]:
        topic = self.topic_by_arn(topic_arn)
        entries = list(publish_batch_request_entries)
        if not entries:
            raise ServiceError("EmptyBatchRequestException",
                               "The batch request doesn't contain any entries.")
        if len(entries) > MAX_BATCH:
            raise ServiceError("TooManyEntriesInBatchRequestException",
                               "The batch request contains more entries than permissible.")
        identifiers = [entry.get("Id", "") for entry in entries]
        if len(set(identifiers)) != len(identifiers):
            raise ServiceError("BatchEntryIdsNotDistinctException",
                               "Two or more batch entries in the request have the same Id.")
        for identifier in identifiers:
            if not _BATCH_ID.match(identifier):
                raise ServiceError("InvalidBatchEntryIdException",
                                   "A batch entry id can only contain alphanumeric characters, "
                                   "hyphens and underscores. It can be at most 80 letters long.")
        total = sum(len(str(entry.get("Message", "")).encode()) for entry in entries)
        if total > MAX_MESSAGE_BYTES:
            raise ServiceError("BatchRequestTooLongException",
                               "The length of all the messages put together is more than the "
                               "limit.")
        successful: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for entry in entries:
            try:
                note = self._notification(
                    topic, entry.get("Message"), entry.get("Subject"),
                    entry.get("MessageStructure"), entry.get("MessageAttributes"),
                    entry.get("MessageGroupId"), entry.get("MessageDeduplicationId"),
                    ctx.headers.get("x-amzn-trace-id"))
                published = self._fan_out(topic, note)
            except ServiceError as error:
                failed.append({"Id": entry["Id"], "Code": error.code.removesuffix("Exception"),
                               "Message": error.message, "SenderFault": True})
                continue
            successful.append({"Id": entry["Id"], **published})
        return {"Successful": successful, "Failed": failed}


__all__ = ["PublishApi"]
