"""Delivering a published message to each subscription, with SNS's retries on the clock.

SQS queues and Lambda functions (AWS-managed endpoints) are retried three times at once, then
with a back-off growing to 20 seconds, for up to 23 days; HTTP/S endpoints follow the default
delivery policy: three retries 20 seconds apart. A client-side error (the endpoint is gone or
refuses SNS) is not retried at all. A message that still fails goes to the subscription's
dead-letter queue (its RedrivePolicy), when it has one.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx

from emulator import inbound
from emulator.clock import Clock
from emulator.errors import ServiceError
from emulator.ports import Ports
from emulator.runtime.background import Background
from emulator.services.sns import envelopes
from emulator.services.sns.envelopes import Notification
from emulator.services.sns.models import SubscriptionRecord

log = logging.getLogger("emulator.sns")

MANAGED_DELAYS = (0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 4.0, 8.0, 16.0)
MANAGED_MAX_DELAY = 20.0
MANAGED_MAX_AGE = 23 * 24 * 3600.0
HTTP_RETRIES = 3
HTTP_DELAY = 20.0
HTTP_TIMEOUT = 15.0
USER_AGENT = "Amazon Simple Notification Service Agent"


# Errors of an AWS-managed endpoint that mean "try again later", not "this endpoint is gone".
RETRIED_CODES = frozenset({"TooManyRequestsException", "ThrottlingException", "Throttling",
                           "RequestThrottled", "KMSThrottlingException", "ServiceException",
                           "ServiceUnavailable", "InternalFailure", "InternalError"})


def client_side(error: BaseException) -> bool:
    """An endpoint that SNS's subscription metadata no longer matches: a deleted queue or
    function, or a policy that refuses SNS. SNS does not retry these."""
    return (isinstance(error, ServiceError) and error.sender_fault
            and (error.status is None or error.status < 500)
            and error.code not in RETRIED_CODES)


def _retry_delay(subscription: SubscriptionRecord, attempt: int, age: float) -> float | None:
    """Seconds until the next attempt after ``attempt`` failed ones; None when done."""
    if subscription.protocol in ("http", "https"):
        return HTTP_DELAY if attempt <= HTTP_RETRIES else None
    if age >= MANAGED_MAX_AGE:
        return None
    if attempt <= len(MANAGED_DELAYS):
        return MANAGED_DELAYS[attempt - 1]
    return MANAGED_MAX_DELAY


def sqs_attributes(note: Notification) -> dict[str, dict[str, Any]]:
    """SNS message attributes as SQS message attributes, for raw delivery."""
    converted: dict[str, dict[str, Any]] = {}
    for name, value in list(note.attributes.items())[:10]:
        entry: dict[str, Any] = {"DataType": value["DataType"]}
        if value.get("BinaryValue") is not None:
            entry["BinaryValue"] = value["BinaryValue"]
        else:
            entry["StringValue"] = value.get("StringValue", "")
        converted[name] = entry
    return converted


class Deliveries:
    def __init__(self, clock: Clock, ports: Ports) -> None:
        self.clock = clock
        self.ports = ports
        self.jobs = Background(clock, "sns")
        self._http: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=HTTP_TIMEOUT)
        return self._http

    async def close(self) -> None:
        self.jobs.cancel_all()
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    # -- publishing ------------------------------------------------------------------------

    def deliver(self, note: Notification, subscription: SubscriptionRecord) -> None:
        started = self.clock.now()

        async def attempt(number: int) -> None:
            try:
                await self._send(note, subscription)
            except Exception as error:
                delay = (None if client_side(error)
                         else _retry_delay(subscription, number, self.clock.now() - started))
                if delay is None:
                    log.warning("could not deliver %s to %s: %s", note.message_id,
                                subscription.endpoint, error)
                    self._dead_letter(note, subscription)
                else:
                    self.jobs.at(self.clock.now() + delay, lambda: attempt(number + 1))

        self.jobs.soon(lambda: attempt(1))

    async def _send(self, note: Notification, subscription: SubscriptionRecord) -> None:
        protocol = subscription.protocol
        if protocol == "sqs":
            body = (note.text_for("sqs") if subscription.raw
                    else envelopes.notification_json(note, subscription.arn, "sqs"))
            self.ports.queues.send(
                subscription.endpoint, body,
                message_attributes=sqs_attributes(note) if subscription.raw else None,
                group_id=note.group_id if subscription.endpoint.endswith(".fifo") else None,
                deduplication_id=(note.deduplication_id
                                  if subscription.endpoint.endswith(".fifo") else None),
                trace_header=note.trace_header,
            )
        elif protocol == "lambda":
            parts = subscription.endpoint.split(":")
            event = envelopes.lambda_event(note, subscription.arn)
            await self.ports.functions.invoke(
                subscription.endpoint, json.dumps(event, separators=(",", ":")).encode(),
                account=parts[4],
                region=parts[3], invocation_type="Event", trace_header=note.trace_header,
            )
        elif protocol in ("http", "https"):
            await self._post(note, subscription)
        else:
            log.info("SNS does not deliver to %s endpoints here; message %s skipped", protocol,
                     note.message_id)

    async def _post(self, note: Notification, subscription: SubscriptionRecord) -> None:
        headers = {
            "x-amz-sns-message-type": "Notification",
            "x-amz-sns-message-id": note.message_id,
            "x-amz-sns-topic-arn": note.topic_arn,
            "x-amz-sns-subscription-arn": subscription.arn,
            "Content-Type": "text/plain; charset=UTF-8",
            "User-Agent": USER_AGENT,
        }
        if note.trace_header:
            headers["X-Amzn-Trace-Id"] = note.trace_header
        protocol = subscription.protocol
        if subscription.raw:
            headers["x-amz-sns-rawdelivery"] = "true"
            body = note.text_for(protocol)
        else:
            body = envelopes.notification_json(note, subscription.arn, protocol)
        reply = await self.client().post(subscription.endpoint, content=body.encode(),
                                         headers=headers)
        # SNS takes 2xx-4xx as delivered, except 429 (throttled), which it retries.
        if reply.status_code >= 500 or reply.status_code < 200 or reply.status_code == 429:
            raise RuntimeError(f"HTTP {reply.status_code}")

    def _dead_letter(self, note: Notification, subscription: SubscriptionRecord) -> None:
        text = subscription.attributes.get("RedrivePolicy")
        if not text:
            return
        try:
            target = inbound.loads(text)["deadLetterTargetArn"]
            body = envelopes.notification_json(note, subscription.arn, subscription.protocol)
            self.ports.queues.send(target, body, message_attributes=sqs_attributes(note) or None)
        except Exception as error:
            log.warning("could not move %s to the dead-letter queue of %s: %s",
                        note.message_id, subscription.arn, error)

    # -- confirming HTTP subscriptions -----------------------------------------------------

    def request_confirmation(self, subscription: SubscriptionRecord, message_id: str,
                             endpoint_url: str) -> None:
        assert subscription.token is not None
        body = envelopes.confirmation_json(subscription.topic_arn, subscription.token,
                                           message_id, self.clock.now_datetime(), endpoint_url)
        headers = {
            "x-amz-sns-message-type": "SubscriptionConfirmation",
            "x-amz-sns-message-id": message_id,
            "x-amz-sns-topic-arn": subscription.topic_arn,
            "Content-Type": "text/plain; charset=UTF-8",
            "User-Agent": USER_AGENT,
        }

        async def post() -> None:
            try:
                await self.client().post(subscription.endpoint, content=body.encode(),
                                         headers=headers)
            except httpx.HTTPError as error:
                log.warning("could not ask %s to confirm its subscription: %s",
                            subscription.endpoint, error)

        self.jobs.soon(post)


__all__ = ["Deliveries", "sqs_attributes"]
