"""SQS SendMessage, SNS Publish and EventBridge PutEvents as integrations make them.

API Gateway's REST and HTTP API service integrations and Step Functions' optimized
integrations all take these calls' parameters as the APIs name them (``QueueUrl``,
``MessageBody``, ``TopicArn``, ``Entries``...), often as text; this is the one place that
reads them and calls the ``queues``, ``topics`` and ``buses`` ports. Answers are the APIs'
own, and so are the errors (ServiceError), which each caller reports in its own words.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from emulator.ports import BusAccess, QueueAccess, TopicAccess

_REGION_HOST = re.compile(r"^sqs\.([a-z0-9-]+)\.")


def as_text(value: Any) -> str:
    """A message body: text as it is, any other JSON value as its JSON text."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def whole_number(value: Any) -> int | None:
    """A count given as a number or as its digits (``DelaySeconds``); None otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def queue_arn(url: str, region: str) -> str | None:
    """The ARN of the queue a queue URL names (``{endpoint}/{account}/{name}``); the region
    is an AWS host name's (``sqs.us-east-2.amazonaws.com``), else ``region``. None when the
    URL names no queue."""
    parts = urlsplit(url) if "://" in url else None
    path = [unquote(part) for part in (parts.path if parts else "").split("/") if part]
    if parts is None or len(path) < 2 or not path[-2].isdigit():
        return None
    match = _REGION_HOST.match(parts.hostname or "")
    return f"arn:aws:sqs:{match.group(1) if match else region}:{path[-2]}:{path[-1]}"


def message_attributes(raw: Any) -> dict[str, dict[str, Any]] | None:
    """MessageAttributes as the APIs receive them: an object (or its JSON text) of
    attributes, binary values decoded from base64."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    if not isinstance(raw, dict):
        return None
    out: dict[str, dict[str, Any]] = {}
    for name, value in raw.items():
        if not isinstance(value, dict):
            continue
        item = dict(value)
        try:
            if isinstance(item.get("BinaryValue"), str):
                item["BinaryValue"] = base64.b64decode(item["BinaryValue"])
            if isinstance(item.get("BinaryListValues"), list):
                item["BinaryListValues"] = [base64.b64decode(v) for v in item["BinaryListValues"]]
        except (binascii.Error, ValueError):
            pass
        out[str(name)] = item
    return out


def send_message(queues: QueueAccess, arn: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """SendMessage to the queue ``arn``: MessageBody, MessageAttributes, MessageGroupId,
    MessageDeduplicationId, DelaySeconds. Its answer, without unset members."""
    reply = queues.send(
        arn, as_text(params.get("MessageBody", "")),
        message_attributes=message_attributes(params.get("MessageAttributes")),
        group_id=params.get("MessageGroupId"),
        deduplication_id=params.get("MessageDeduplicationId"),
        delay_seconds=whole_number(params.get("DelaySeconds")),
    )
    return {key: value for key, value in reply.items() if value is not None}


def publish(topics: TopicAccess, params: Mapping[str, Any]) -> dict[str, Any]:
    """Publish to TopicArn (or TargetArn): Message, Subject, MessageAttributes,
    MessageGroupId, MessageDeduplicationId. Its answer, without unset members."""
    reply = topics.publish(
        str(params.get("TopicArn") or params.get("TargetArn") or ""),
        as_text(params.get("Message", "")), subject=params.get("Subject"),
        message_attributes=message_attributes(params.get("MessageAttributes")),
        group_id=params.get("MessageGroupId"),
        deduplication_id=params.get("MessageDeduplicationId"),
    )
    return {key: value for key, value in reply.items() if value is not None}


def put_events(buses: BusAccess, entries: list[Mapping[str, Any]], *, account: str,
               region: str) -> dict[str, Any]:
    """PutEvents of ``entries`` (a ``Detail`` that is not text is sent as its JSON text);
    its answer (FailedEntryCount, Entries)."""
    sent = [{**entry, "Detail": as_text(entry["Detail"])} if "Detail" in entry else entry
            for entry in entries]
    return dict(buses.put_events(sent, account=account, region=region))


__all__ = ["as_text", "message_attributes", "publish", "put_events", "queue_arn",
           "send_message", "whole_number"]
