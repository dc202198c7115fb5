"""Sending a matched event to a rule's target, with the target's retry policy on the clock
and its dead-letter queue.

Lambda functions are invoked asynchronously, SQS queues and SNS topics get the input as their
message, a CloudWatch Logs log group gets it as a log event, a Firehose delivery stream as one
record, another event bus gets the event again, and Step Functions state machines start an
execution when a service offers the ``executions`` port. The X-Ray trace header of the PutEvents
that brought the event goes to each target, and to the dead-letter queue, never into the event.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, cast

from emulator import arns
from emulator.clock import Clock
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import ExecutionStarter, Ports
from emulator.runtime.background import Background
from emulator.runtime.invoker import LogSink
from emulator.services.events.transform import event_text

log = logging.getLogger("emulator.events")

DEFAULT_RETRY_ATTEMPTS = 185
DEFAULT_EVENT_AGE = 86400
MAX_RETRY_DELAY = 60.0
TARGET_SERVICES = ("lambda", "sqs", "sns", "events", "states", "logs", "firehose")
# The target service's error, as EventBridge names it in a dead letter's ERROR_CODE.
_ERROR_CODES = {
    "QueueDoesNotExist": "RESOURCE_NOT_FOUND",
    "ResourceNotFoundException": "RESOURCE_NOT_FOUND",
    "NotFoundException": "RESOURCE_NOT_FOUND",
    "TooManyRequestsException": "THROTTLING",
}


def executions(ports: Ports) -> ExecutionStarter | None:
    """Step Functions, when a service offers it as the ``executions`` port."""
    try:
        return ports.executions
    except LookupError:
        return None


def unsupported_reason(arn: str, ports: Ports) -> str | None:
    """Why a target ARN cannot be used here, or None when it can."""
    try:
        service = arns.parse(arn).service
    except ValueError:
        return f"Parameter {arn} is not valid for the Arn field."
    if service not in TARGET_SERVICES:
        return f"Targets of service {service} are not supported by this emulator."
    if service == "states" and executions(ports) is None:
        return "Step Functions targets are not supported by this emulator."
    return None


class TargetDelivery:
    """One event to one target: tries, retries and the dead-letter queue."""

    def __init__(self, clock: Clock, ports: Ports, jobs: Background,
                 put_events: Callable[[list[dict[str, Any]], str, str], dict[str, Any]]) -> None:
        self.clock = clock
        self.ports = ports
        self.jobs = jobs
        self.put_events = put_events

    def deliver(self, target: dict[str, Any], input_text: str, event: dict[str, Any],
                rule_arn: str, trace_header: str | None = None) -> None:
        policy = target.get("RetryPolicy") or {}
        attempts = int(policy.get("MaximumRetryAttempts", DEFAULT_RETRY_ATTEMPTS))
        max_age = float(policy.get("MaximumEventAgeInSeconds", DEFAULT_EVENT_AGE))
        started = self.clock.now()

        def attempt(number: int) -> Callable[[], Awaitable[None]]:
            async def run() -> None:
                try:
                    await self._send(target, input_text, event, trace_header)
                except Exception as error:
                    age = self.clock.now() - started
                    delay = min(2.0 ** (number - 1), MAX_RETRY_DELAY)
                    if number > attempts or age + delay > max_age:
                        condition = ("MaximumRetryAttempts" if number > attempts
                                     else "MaximumEventAgeInSeconds")
                        self._dead_letter(target, event, rule_arn, error, condition,
                                          number - 1, trace_header)
                    else:
                        self.jobs.at(self.clock.now() + delay, attempt(number + 1))
            return run

        self.jobs.soon(attempt(1))

    async def _send(self, target: dict[str, Any], input_text: str, event: dict[str, Any],
                    trace: str | None) -> None:
        arn = str(target["Arn"])
        parsed = arns.parse(arn)
        if parsed.service == "lambda":
            await self.ports.functions.invoke(arn, input_text.encode(), account=parsed.account,
                                              region=parsed.region, invocation_type="Event",
                                              trace_header=trace)
        elif parsed.service == "sqs":
            group = (target.get("SqsParameters") or {}).get("MessageGroupId")
            fifo = arn.endswith(".fifo")
            self.ports.queues.send(arn, input_text, group_id=group if fifo else None,
                                   deduplication_id=event["id"] if fifo else None,
                                   trace_header=trace)
        elif parsed.service == "sns":
            self.ports.topics.publish(arn, input_text, trace_header=trace)
        elif parsed.service == "events":
            entry = {"Source": event["source"], "DetailType": event["detail-type"],
                     "Detail": event_text(event["detail"]), "Resources": event["resources"],
                     "Time": event["time"], "EventBusName": arn}
            if trace:
                entry["TraceHeader"] = trace
            result = self.put_events([entry], parsed.account, parsed.region)
            if result.get("FailedEntryCount"):
                raise RuntimeError(result["Entries"][0].get("ErrorMessage", "failed"))
        elif parsed.service == "logs":
            # One log event holding the input, in a log stream of its own per event (the
            # stream EventBridge creates for it), stamped with the time of delivery.
            sink = cast(LogSink, self.ports.get("logs"))
            sink.write(parsed.account, parsed.region, arns.log_group(arn) or "", str(event["id"]),
                       [(self.clock.now_millis(), input_text)])
        elif parsed.service == "firehose":
            await self.ports.operations.call(
                RequestContext.internal(parsed.account, parsed.region), "firehose", "PutRecord",
                {"DeliveryStreamName": parsed.resource.split("/", 1)[-1],
                 "Record": {"Data": input_text.encode()}})
        elif parsed.service == "states":
            starter = executions(self.ports)
            if starter is None:
                raise RuntimeError("Step Functions targets are not supported yet")
            starter.start_execution(arn, input_text, trace_header=trace)
        else:
            raise RuntimeError(f"unsupported target {arn}")

    def _dead_letter(self, target: dict[str, Any], event: dict[str, Any], rule_arn: str,
                     error: Exception, condition: str, retries: int,
                     trace: str | None) -> None:
        queue = (target.get("DeadLetterConfig") or {}).get("Arn")
        log.warning("could not deliver event %s to %s: %s", event["id"], target["Arn"], error)
        if not queue:
            return
        code = error.code if isinstance(error, ServiceError) else ""
        message = error.message if isinstance(error, ServiceError) else str(error)
        attributes = {
            "RULE_ARN": {"DataType": "String", "StringValue": rule_arn},
            "TARGET_ARN": {"DataType": "String", "StringValue": str(target["Arn"])},
            "ERROR_CODE": {"DataType": "String", "StringValue": _ERROR_CODES.get(
                code, "SDK_CLIENT_ERROR")},
            "ERROR_MESSAGE": {"DataType": "String",
                              "StringValue": message or " "},
            "EXHAUSTED_RETRY_CONDITION": {"DataType": "String", "StringValue": condition},
            "RETRY_ATTEMPTS": {"DataType": "String", "StringValue": str(retries)},
        }
        try:
            self.ports.queues.send(queue, event_text(event), message_attributes=attributes,
                                   trace_header=trace)
        except Exception as failure:
            log.warning("could not send event %s to the dead-letter queue %s: %s",
                        event["id"], queue, failure)


__all__ = ["TargetDelivery", "executions", "unsupported_reason"]
