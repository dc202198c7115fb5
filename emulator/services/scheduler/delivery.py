"""One firing of a schedule delivered to its target, with the target's retry policy on the
clock and its dead-letter queue.

Templated targets go through the ports other services offer: Lambda is invoked
asynchronously, SQS gets SendMessage (a FIFO queue with the target's MessageGroupId), SNS
Publish, Step Functions StartExecution, EventBridge PutEvents (the Input as the event's
detail). A universal target (``arn:aws:scheduler:::aws-sdk:<service>:<apiAction>``) calls that
operation with the Input as its parameters. Context attributes in the Input
(``<aws.scheduler.scheduled-time>``...) are replaced on each attempt.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from emulator import arns
from emulator.clock import Clock
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.ports import Ports
from emulator.runtime.background import Background
from emulator.services.scheduler.models import ScheduleRecord

log = logging.getLogger("emulator.scheduler")

DEFAULT_INPUT = "{}"  # what a target gets when the schedule names no Input
MAX_RETRY_DELAY = 60.0
UNIVERSAL_PREFIX = "arn:aws:scheduler:::aws-sdk:"


def time_text(moment: float) -> str:
    return datetime.fromtimestamp(moment, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_input(text: str, schedule_arn: str, scheduled: float, execution_id: str,
                 attempt: int) -> str:
    """The Input with its context attributes replaced by this attempt's values."""
    for keyword, value in (("<aws.scheduler.schedule-arn>", schedule_arn),
                           ("<aws.scheduler.scheduled-time>", time_text(scheduled)),
                           ("<aws.scheduler.execution-id>", execution_id),
                           ("<aws.scheduler.attempt-number>", str(attempt))):
        text = text.replace(keyword, value)
    return text


class ScheduleDelivery:
    """Sends a schedule's firings to its target: tries, retries and the dead-letter queue."""

    def __init__(self, clock: Clock, ports: Ports, jobs: Background) -> None:
        self.clock = clock
        self.ports = ports
        self.jobs = jobs

    def deliver(self, schedule: ScheduleRecord, scheduled: float) -> None:
        target = schedule.target
        policy = target.get("RetryPolicy") or {}
        attempts = int(policy.get("MaximumRetryAttempts", 185))
        max_age = float(policy.get("MaximumEventAgeInSeconds", 86400))
        execution_id = uuid.uuid4().hex[:16]
        started = self.clock.now()

        def attempt(number: int) -> Callable[[], Awaitable[None]]:
            async def run() -> None:
                text = render_input(str(target.get("Input") or DEFAULT_INPUT), schedule.arn,
                                    scheduled, execution_id, number)
                try:
                    await self._send(schedule, target, text, execution_id)
                except Exception as error:
                    delay = min(2.0 ** (number - 1), MAX_RETRY_DELAY)
                    age = self.clock.now() - started
                    if number > attempts or age + delay > max_age:
                        condition = ("MaximumRetryAttempts" if number > attempts
                                     else "MaximumEventAgeInSeconds")
                        self._dead_letter(schedule, text, error, condition, number - 1)
                    else:
                        self.jobs.at(self.clock.now() + delay, attempt(number + 1))
            return run

        self.jobs.soon(attempt(1))

    async def _send(self, schedule: ScheduleRecord, target: dict[str, Any], text: str,
                    execution_id: str) -> None:
        arn = str(target["Arn"])
        if arn.startswith(UNIVERSAL_PREFIX):
            service, _, action = arn.removeprefix(UNIVERSAL_PREFIX).partition(":")
            params = json.loads(text)
            if not isinstance(params, dict) or not action:
                raise ValueError(f"the Input of {arn} is not an object of parameters")
            await self.ports.operations.call(
                RequestContext.internal(schedule.account, schedule.region), service,
                action[:1].upper() + action[1:], params)
            return
        parsed = arns.parse(arn)
        if parsed.service == "lambda":
            await self.ports.functions.invoke(arn, text.encode(), account=parsed.account,
                                              region=parsed.region, invocation_type="Event")
        elif parsed.service == "sqs":
            fifo = arn.endswith(".fifo")
            group = (target.get("SqsParameters") or {}).get("MessageGroupId")
            self.ports.queues.send(arn, text, group_id=group if fifo else None,
                                   deduplication_id=execution_id if fifo else None)
        elif parsed.service == "sns":
            self.ports.topics.publish(arn, text)
        elif parsed.service == "states":
            self.ports.executions.start_execution(arn, text)
        elif parsed.service == "events":
            parameters = target.get("EventBridgeParameters") or {}
            answer = self.ports.buses.put_events([{
                "Source": parameters.get("Source"), "DetailType": parameters.get("DetailType"),
                "Detail": text, "EventBusName": arn, "Resources": [schedule.arn],
            }], account=parsed.account, region=parsed.region)
            if answer.get("FailedEntryCount"):
                raise RuntimeError(answer["Entries"][0].get("ErrorMessage", "failed"))
        else:
            raise RuntimeError(f"targets of service {parsed.service} are not emulated")

    def _dead_letter(self, schedule: ScheduleRecord, text: str, error: Exception,
                     condition: str, retries: int) -> None:
        queue = (schedule.target.get("DeadLetterConfig") or {}).get("Arn")
        log.warning("schedule %s could not reach %s: %s", schedule.arn,
                    schedule.target.get("Arn"), error)
        if not queue:
            return
        code = error.code if isinstance(error, ServiceError) else type(error).__name__
        message = error.message if isinstance(error, ServiceError) else str(error)
        attributes = {name: {"DataType": "String", "StringValue": value or " "}
                      for name, value in (
                          ("ERROR_CODE", code), ("ERROR_MESSAGE", message),
                          ("EXHAUSTED_RETRY_CONDITION", condition),
                          ("RETRY_ATTEMPTS", str(retries)),
                          ("SCHEDULE_ARN", schedule.arn),
                          ("TARGET_ARN", str(schedule.target.get("Arn"))))}
        try:
            self.ports.queues.send(queue, text, message_attributes=attributes)
        except Exception as failure:
            log.warning("could not send to the dead-letter queue %s: %s", queue, failure)


__all__ = ["DEFAULT_INPUT", "ScheduleDelivery", "render_input", "time_text"]
