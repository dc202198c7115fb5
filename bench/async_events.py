"""Asynchronous Lambda and event sources, end to end through boto3: an async invoke until its
OnSuccess record is receivable in SQS, an SQS SendMessage until the mapped handler starts,
and sustained async invokes with every record accounted for.

The latencies are held to absolute targets (20 ms); the sustained rate is shown against the
synchronous Invoke rate measured the same way, for context.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench import servers
from bench.clients import ONE_TRY, ROLE, client, function_zip
from bench.results import Result, median

LATENCY_TARGET_SECONDS = 0.020
CALLERS = 8
ECHO = "def handler(event, context):\n    return {'n': event.get('n')}\n"
# Reports when it started, to the queue named in OUT_URL.
STARTED = """
import json, os, time
import boto3

SQS = boto3.client("sqs")

def handler(event, context):
    started = time.time()
    SQS.send_message(QueueUrl=os.environ["OUT_URL"], MessageBody=json.dumps(
        {"started": started, "sent": [float(r["body"]) for r in event["Records"]]}))
"""


class Unavailable(Exception):
    """The emulator cannot answer the calls."""


def _function(lam: Any, name: str, source: str, variables: dict[str, str] | None = None) -> None:
    from botocore.exceptions import ClientError

    try:
        lam.create_function(FunctionName=name, Runtime="python3.11", Handler="app.handler",
                            Role=ROLE, Code={"ZipFile": function_zip(source)},
                            Environment={"Variables": variables or {}})
    except ClientError as error:
        raise Unavailable(str(error)) from None


def _queue(sqs: Any, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, arn["Attributes"]["QueueArn"]


def _receive(sqs: Any, url: str, wait: int = 5) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait).get("Messages", [])
    return messages


def _delete(sqs: Any, url: str, messages: list[dict[str, Any]]) -> None:
    if messages:
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])


def _take(sqs: Any, url: str, wait: int = 5) -> list[dict[str, Any]]:
    messages = _receive(sqs, url, wait)
    _delete(sqs, url, messages)
    return messages


def _destination_latency(lam: Any, sqs: Any, url: str, calls: int) -> list[float]:
    times = []
    for number in range(calls):
        began = time.perf_counter()
        lam.invoke(FunctionName="bench-async", InvocationType="Event",
                   Payload=json.dumps({"n": number}).encode())
        messages = _receive(sqs, url)
        times.append(time.perf_counter() - began)
        if not messages:
            raise RuntimeError("no OnSuccess record arrived; the benchmark is invalid")
        _delete(sqs, url, messages)
    return times


def _handler_start_latency(sqs: Any, source_url: str, out_url: str, calls: int) -> list[float]:
    times = []
    for _ in range(calls):
        sent = time.time()
        sqs.send_message(QueueUrl=source_url, MessageBody=repr(sent))
        messages = _take(sqs, out_url)
        if not messages:
            raise RuntimeError("the mapped handler did not run; the benchmark is invalid")
        report = json.loads(messages[0]["Body"])
        times.append(report["started"] - report["sent"][0])
    return times


def _sustained(lam: Any, sqs: Any, url: str, total: int, function: str,
               invocation_type: str) -> float:
    """Seconds per invocation with CALLERS callers, until every record is received."""
    def call(number: int) -> None:
        lam.invoke(FunctionName=function, InvocationType=invocation_type,
                   Payload=json.dumps({"n": number}).encode())

    began = time.perf_counter()
    with ThreadPoolExecutor(CALLERS) as pool:
        list(pool.map(call, range(total)))
    if invocation_type == "Event":
        seen: list[int] = []
        while len(seen) < total:
            messages = _take(sqs, url, wait=10)
            if not messages:
                raise RuntimeError(f"only {len(seen)} of {total} records arrived: events lost")
            seen.extend(json.loads(m["Body"])["requestPayload"]["n"] for m in messages)
        if sorted(seen) != list(range(total)):
            raise RuntimeError("records were duplicated or lost; the benchmark is invalid")
    return (time.perf_counter() - began) / total


def run(calls: int, warmup: int) -> list[Result]:
    port = servers.free_port()
    with servers.started(servers.emulator_command(port), port) as server:
        options = {"retries": ONE_TRY, "max_pool_connections": CALLERS * 2}
        lam = client("lambda", server.endpoint_url, **options)
        sqs = client("sqs", server.endpoint_url, **options)
        records_url, records_arn = _queue(sqs, "bench-records")
        _function(lam, "bench-async", ECHO)
        lam.put_function_event_invoke_config(
            FunctionName="bench-async", DestinationConfig={"OnSuccess": {
                "Destination": records_arn}})
        _destination_latency(lam, sqs, records_url, warmup)
        destination = _destination_latency(lam, sqs, records_url, calls)

        source_url, source_arn = _queue(sqs, "bench-source")
        out_url, _ = _queue(sqs, "bench-started")
        _function(lam, "bench-started", STARTED, {"OUT_URL": out_url})
        lam.create_event_source_mapping(FunctionName="bench-started", EventSourceArn=source_arn,
                                        BatchSize=1)
        _handler_start_latency(sqs, source_url, out_url, warmup)
        handler_start = _handler_start_latency(sqs, source_url, out_url, calls)

        total = calls * 5
        _function(lam, "bench-sync", ECHO)
        sync = _sustained(lam, sqs, records_url, total, "bench-sync", "RequestResponse")
        sustained = _sustained(lam, sqs, records_url, total, "bench-async", "Event")
    return [
        Result("Async invoke -> OnSuccess record in SQS (median)", "s", median(destination),
               LATENCY_TARGET_SECONDS, 1.0, calls),
        Result("SQS SendMessage -> mapped handler starts (median)", "s", median(handler_start),
               LATENCY_TARGET_SECONDS, 1.0, calls),
        Result(f"Async invokes sustained, {total} with no loss, {CALLERS} callers "
               f"(s per invoke; {1 / sustained:.0f}/s)", "s", sustained, sync, None, total),
    ]


__all__ = ["Unavailable", "run"]
