"""One batch through a pipe: enrichment, InputTemplate, target.

The source pollers (emulator.runtime.event_sources) hand a pipe batches as they hand a
function its events (``{"Records": [...]}``); ``PipeDelivery.invoke`` plays the function, so
the pollers' batching, filtering, deletion and retries serve pipes unchanged. A batch that
fails answers as a function error: an SQS batch stays in the queue (its visibility timeout,
then the queue's redrive policy), a stream batch is retried and dead-lettered as the pipe's
stream parameters say. With a Lambda or synchronous Step Functions target, a returned
``batchItemFailures`` list fails only those items, as for a function.

Batches reach Lambda and Step Functions as a JSON array; other targets get one call per
event (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-
concurrency.html). An enrichment gets the batch as an array and what it returns is the
batch from then on (https://docs.aws.amazon.com/eventbridge/latest/userguide/
pipes-enrichment.html).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from emulator import arns, inbound
from emulator.clock import Clock
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.input_templates import event_text
from emulator.ports import InvokeResult, Ports
from emulator.services.pipes.models import PipeRecord
from emulator.services.pipes.templates import (
    PipeContext,
    as_value,
    dynamic,
    pipe_event,
    render,
    text_of,
)

log = logging.getLogger("emulator.pipes")


class DeliveryError(RuntimeError):
    """The enrichment or the target failed; the batch fails with it."""


def _context(pipe: PipeRecord) -> PipeContext:
    return PipeContext(arn=pipe.arn, name=pipe.name, source=pipe.source, target=pipe.target,
                       enrichment=pipe.enrichment or "")


def _source_kind(pipe: PipeRecord) -> str:
    service = arns.parse(pipe.source).service
    return {"sqs": "aws:sqs", "kinesis": "aws:kinesis", "dynamodb": "aws:dynamodb"}.get(
        service, f"aws:{service}")


class PipeDelivery:
    """Plays the function the source pollers invoke: ``function`` is the pipe's ARN."""

    def __init__(self, clock: Clock, ports: Ports,
                 lookup: Callable[[str], PipeRecord | None]) -> None:
        self.clock = clock
        self.ports = ports
        self.lookup = lookup

    async def invoke(self, function: str, payload: bytes, *, account: str, region: str,
                     qualifier: str | None = None, invocation_type: str = "RequestResponse",
                     client_context: str | None = None, trace_header: str | None = None
                     ) -> InvokeResult:
        pipe = self.lookup(function)
        if pipe is None:
            raise ServiceError("NotFoundException", f"Pipe {function} does not exist.")
        records = json.loads(payload).get("Records") or []
        events: list[Any] = [pipe_event(record, pipe.role_arn) for record in records]
        try:
            answer = await self.deliver(pipe, events)
        except Exception as error:
            log.info("pipe %s could not deliver a batch of %d: %s", pipe.name, len(events),
                     error)
            body = {"errorMessage": str(error), "errorType": type(error).__name__}
            return InvokeResult(200, event_text(body).encode(), function_error="Unhandled")
        return InvokeResult(200, answer)

    async def deliver(self, pipe: PipeRecord, events: list[Any]) -> bytes:
        """Send ``events`` on; what the target answered (for batchItemFailures)."""
        ctx = RequestContext.internal(pipe.account, pipe.region)
        originals = events
        if pipe.enrichment:
            events = await self._enrich(ctx, pipe, events)
            originals = events
            if not events:
                return b""
        template = pipe.target_parameters.get("InputTemplate")
        if template is not None:
            now = self.clock.now()
            events = [as_value(render(str(template), event, _context(pipe), now))
                      for event in events]
        return await self._send(ctx, pipe, events, originals)

    async def _enrich(self, ctx: RequestContext, pipe: PipeRecord,
                      events: list[Any]) -> list[Any]:
        assert pipe.enrichment is not None
        template = pipe.enrichment_parameters.get("InputTemplate")
        if template is not None:
            now = self.clock.now()
            events = [as_value(render(str(template), event, _context(pipe), now))
                      for event in events]
        service = arns.parse(pipe.enrichment).service
        body = event_text(events)
        if service == "lambda":
            result = await self.ports.functions.invoke(
                pipe.enrichment, body.encode(), account=pipe.account, region=pipe.region)
            if result.function_error:
                raise DeliveryError(f"the enrichment failed: {result.payload.decode()}")
            answer = inbound.loads(result.payload.decode() or "null")
        elif service == "states":
            reply = await self.ports.operations.call(
                ctx, "stepfunctions", "StartSyncExecution",
                {"stateMachineArn": pipe.enrichment, "input": body})
            if reply.get("status") != "SUCCEEDED":
                raise DeliveryError(f"the enrichment failed: {reply.get('error')}")
            answer = inbound.loads(reply.get("output") or "null")
        else:
            raise DeliveryError(f"enrichments of service {service} are not emulated")
        if answer is None:
            return []
        return answer if isinstance(answer, list) else [answer]

    async def _send(self, ctx: RequestContext, pipe: PipeRecord, events: list[Any],
                    originals: list[Any]) -> bytes:
        parameters = pipe.target_parameters
        target = pipe.target
        service = arns.parse(target).service
        if service == "lambda":
            mode = (parameters.get("LambdaFunctionParameters") or {}).get(
                "InvocationType", "REQUEST_RESPONSE")
            result = await self.ports.functions.invoke(
                target, event_text(events).encode(), account=pipe.account,
                region=pipe.region,
                invocation_type="Event" if mode == "FIRE_AND_FORGET" else "RequestResponse")
            if result.function_error:
                raise DeliveryError(f"the target failed: {result.payload.decode()}")
            return result.payload
        if service == "states":
            mode = (parameters.get("StepFunctionStateMachineParameters") or {}).get(
                "InvocationType", "FIRE_AND_FORGET")
            operation = "StartSyncExecution" if mode == "REQUEST_RESPONSE" else (
                "StartExecution")
            reply = await self.ports.operations.call(
                ctx, "stepfunctions", operation,
                {"stateMachineArn": target, "input": event_text(events)})
            if operation == "StartSyncExecution":
                if reply.get("status") != "SUCCEEDED":
                    raise DeliveryError(f"the target failed: {reply.get('error')}")
                return str(reply.get("output") or "").encode()
            return b""
        for event, original in zip(events, originals, strict=False):
            await self._send_one(ctx, pipe, service, event, original)
        return b""

    async def _send_one(self, ctx: RequestContext, pipe: PipeRecord, service: str,
                        event: Any, original: Any) -> None:
        parameters = pipe.target_parameters
        target = pipe.target
        text = text_of(event)
        if service == "sqs":
            queue = parameters.get("SqsQueueParameters") or {}
            fifo = target.endswith(".fifo")
            group = dynamic(queue.get("MessageGroupId"), original)
            dedup = dynamic(queue.get("MessageDeduplicationId"), original)
            self.ports.queues.send(target, text, group_id=group if fifo else None,
                                   deduplication_id=dedup if fifo else None)
        elif service == "sns":
            self.ports.topics.publish(target, text)
        elif service == "events":
            await self._put_event(pipe, event, original)
        elif service == "kinesis":
            key = dynamic((parameters.get("KinesisStreamParameters") or {}).get(
                "PartitionKey"), original)
            await self.ports.operations.call(ctx, "kinesis", "PutRecord", {
                "StreamARN": target, "Data": text.encode(), "PartitionKey": key})
        elif service == "logs":
            await self._log(ctx, pipe, text, original)
        else:
            raise DeliveryError(f"targets of service {service} are not emulated")

    async def _put_event(self, pipe: PipeRecord, event: Any, original: Any) -> None:
        bus = pipe.target_parameters.get("EventBridgeEventBusParameters") or {}
        entry: dict[str, Any] = {
            "Source": dynamic(bus.get("Source"), original) or f"Pipe {pipe.name}",
            "DetailType": dynamic(bus.get("DetailType"), original) or (
                f"Event from {_source_kind(pipe)}"),
            "Detail": text_of(event if isinstance(event, dict) else {"value": event}),
            "EventBusName": pipe.target,
            "Resources": list(bus.get("Resources") or []),
        }
        answer = self.ports.buses.put_events([entry], account=pipe.account,
                                             region=pipe.region)
        if answer.get("FailedEntryCount"):
            raise DeliveryError(answer["Entries"][0].get("ErrorMessage", "failed"))

    async def _log(self, ctx: RequestContext, pipe: PipeRecord, text: str,
                   original: Any) -> None:
        options = pipe.target_parameters.get("CloudWatchLogsParameters") or {}
        group = arns.parse(pipe.target).resource.removeprefix("log-group:").removesuffix(
            ":*")
        stream = dynamic(options.get("LogStreamName"), original) or pipe.name
        stamp = dynamic(options.get("Timestamp"), original)
        moment = int(float(stamp)) if stamp else int(self.clock.now() * 1000)
        try:
            await self.ports.operations.call(ctx, "logs", "CreateLogStream", {
                "logGroupName": group, "logStreamName": stream})
        except ServiceError as error:
            if error.code != "ResourceAlreadyExistsException":
                raise
        await self.ports.operations.call(ctx, "logs", "PutLogEvents", {
            "logGroupName": group, "logStreamName": stream,
            "logEvents": [{"timestamp": moment, "message": text}]})


__all__ = ["DeliveryError", "PipeDelivery"]
