"""What each kind of subscriber receives: the JSON notification (SQS, HTTP/S), the SNS record
inside a Lambda event, the raw message, and the HTTP subscription confirmation.

https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from emulator.runtime.destinations import iso_millis

SIGNATURE_VERSION = "1"


@dataclass
class Notification:
    """One published message, as every subscription of the topic is given it."""

    message_id: str
    topic_arn: str
    message: str
    timestamp: datetime
    endpoint_url: str  # where Unsubscribe/ConfirmSubscription links point
    subject: str | None = None
    per_protocol: dict[str, str] | None = None  # MessageStructure=json
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    group_id: str | None = None
    deduplication_id: str | None = None
    sequence_number: str | None = None
    trace_header: str | None = None  # X-Ray's, passed on to each subscriber

    def text_for(self, protocol: str) -> str:
        if self.per_protocol is None:
            return self.message
        return self.per_protocol.get(protocol, self.per_protocol["default"])


def region_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 else "us-east-1"


def signing_cert_url(topic_arn: str) -> str:
    return (f"https://sns.{region_of(topic_arn)}.amazonaws.com/"
            "SimpleNotificationService-00000000000000000000000000000000.pem")


def _signature(*parts: str) -> str:
    # Not verifiable (no AWS key signs here), but shaped like SNS's base64 RSA signature.
    digest = hashlib.sha512("\n".join(parts).encode()).digest()
    return base64.b64encode(digest * 5 + digest[:24]).decode()


def unsubscribe_url(endpoint: str, subscription_arn: str) -> str:
    return f"{endpoint}/?Action=Unsubscribe&SubscriptionArn={quote(subscription_arn, safe='')}"


def _attributes(attributes: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    shown: dict[str, dict[str, str]] = {}
    for name, value in attributes.items():
        if value.get("BinaryValue") is not None:
            raw = value["BinaryValue"]
            text = base64.b64encode(raw).decode() if isinstance(raw, bytes) else str(raw)
        else:
            text = str(value.get("StringValue", ""))
        shown[name] = {"Type": value["DataType"], "Value": text}
    return shown


def _laid_out(document: dict[str, Any]) -> str:
    """The notification's text as SNS lays it out: one member a line, two spaces in,
    ``"Name" : value``; each message attribute on its own line as compact JSON."""
    def text(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    members = []
    for name, value in document.items():
        if isinstance(value, dict):
            inner = ",\n".join(f"    {text(key)} : {text(item)}" for key, item in value.items())
            members.append(f"  {text(name)} : {{\n{inner}\n  }}")
        else:
            members.append(f"  {text(name)} : {text(value)}")
    return "{\n" + ",\n".join(members) + "\n}"


def notification_json(note: Notification, subscription_arn: str, protocol: str) -> str:
    """The JSON document SQS and HTTP/S subscribers get (unless raw delivery is on)."""
    message = note.text_for(protocol)
    document: dict[str, Any] = {"Type": "Notification", "MessageId": note.message_id}
    if note.sequence_number is not None:
        document["SequenceNumber"] = note.sequence_number
    document["TopicArn"] = note.topic_arn
    if note.subject is not None:
        document["Subject"] = note.subject
    document.update({
        "Message": message,
        "Timestamp": iso_millis(note.timestamp),
        "SignatureVersion": SIGNATURE_VERSION,
        "Signature": _signature(message, note.message_id, note.topic_arn),
        "SigningCertURL": signing_cert_url(note.topic_arn),
        "UnsubscribeURL": unsubscribe_url(note.endpoint_url, subscription_arn),
    })
    if note.attributes:
        document["MessageAttributes"] = _attributes(note.attributes)
    return _laid_out(document)


def lambda_event(note: Notification, subscription_arn: str) -> dict[str, Any]:
    """The event a subscribed function is invoked with: one SNS record."""
    message = note.text_for("lambda")
    return {"Records": [{
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": subscription_arn,
        "Sns": {
            "Type": "Notification",
            "MessageId": note.message_id,
            "TopicArn": note.topic_arn,
            "Subject": note.subject,
            "Message": message,
            "Timestamp": iso_millis(note.timestamp),
            "SignatureVersion": SIGNATURE_VERSION,
            "Signature": _signature(message, note.message_id, note.topic_arn),
            "SigningCertUrl": signing_cert_url(note.topic_arn),
            "UnsubscribeUrl": unsubscribe_url(note.endpoint_url, subscription_arn),
            "MessageAttributes": _attributes(note.attributes),
        },
    }]}


def confirmation_json(topic_arn: str, token: str, message_id: str, timestamp: datetime,
                      endpoint: str) -> str:
    """What an HTTP/S endpoint gets on Subscribe: visit SubscribeURL to confirm."""
    subscribe_url = (f"{endpoint}/?Action=ConfirmSubscription&TopicArn="
                     f"{quote(topic_arn, safe='')}&Token={token}")
    message = (f"You have chosen to subscribe to the topic {topic_arn}.\nTo confirm the "
               "subscription, visit the SubscribeURL included in this message.")
    return json.dumps({
        "Type": "SubscriptionConfirmation",
        "MessageId": message_id,
        "Token": token,
        "TopicArn": topic_arn,
        "Message": message,
        "SubscribeURL": subscribe_url,
        "Timestamp": iso_millis(timestamp),
        "SignatureVersion": SIGNATURE_VERSION,
        "Signature": _signature(message, message_id, topic_arn),
        "SigningCertURL": signing_cert_url(topic_arn),
    }, ensure_ascii=False)


__all__ = [
    "Notification",
    "confirmation_json",
    "lambda_event",
    "notification_json",
    "signing_cert_url",
    "unsubscribe_url",
]
