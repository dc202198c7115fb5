"""Kinesis PutRecords to a mapped Lambda handler, end to end through boto3.

Each round puts ten records with PutRecords and waits until the mapped handler reports (to
SQS) when it started; the latency is from just before PutRecords to the handler's start. It is
held to the same absolute target as the SQS event source (20 ms), and shown against a boto3
Invoke of the same function measured in the same run, the least a handler start costs.
"""

from __future__ import annotations

import json
import time
from typing import Any

from bench import servers
from bench.clients import ONE_TRY, ROLE, client, function_zip
from bench.results import Result, median
from bench.timing import timed

LATENCY_TARGET_SECONDS = 0.020
RECORDS_PER_ROUND = 10
# Reports when it started and what the records said, to the queue named in OUT_URL.
STARTED = """
import base64, json, os, time
import boto3

SQS = boto3.client("sqs")

def handler(event, context):
    started = time.time()
    if "Records" not in event:
        return {"started": started}
    SQS.send_message(QueueUrl=os.environ["OUT_URL"], MessageBody=json.dumps({
        "started": started,
        "sent": [float(base64.b64decode(r["kinesis"]["data"])) for r in event["Records"]]}))
"""


class Unavailable(Exception):
    """The emulator cannot answer the calls."""


def _setup(endpoint_url: str) -> tuple[Any, Any, Any, str]:
    from botocore.exceptions import ClientError

    lam = client("lambda", endpoint_url, retries=ONE_TRY)
    sqs = client("sqs", endpoint_url, retries=ONE_TRY)
    kinesis = client("kinesis", endpoint_url, retries=ONE_TRY)
    try:
        out_url = sqs.create_queue(QueueName="bench-kinesis-started")["QueueUrl"]
        lam.create_function(FunctionName="bench-kinesis", Runtime="python3.11",
                            Handler="app.handler", Role=ROLE,
                            Code={"ZipFile": function_zip(STARTED)},
                            Environment={"Variables": {"OUT_URL": out_url}})
        kinesis.create_stream(StreamName="bench-stream", ShardCount=1)
        arn = kinesis.describe_stream_summary(
            StreamName="bench-stream")["StreamDescriptionSummary"]["StreamARN"]
        lam.create_event_source_mapping(FunctionName="bench-kinesis", EventSourceArn=arn,
                                        StartingPosition="LATEST", BatchSize=100)
    except ClientError as error:
        raise Unavailable(str(error)) from None
    return lam, sqs, kinesis, out_url


def _put_to_start(sqs: Any, kinesis: Any, out_url: str, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        sent = time.time()
        kinesis.put_records(StreamName="bench-stream", Records=[
            {"Data": repr(sent).encode(), "PartitionKey": str(n)}
            for n in range(RECORDS_PER_ROUND)])
        seen: list[float] = []
        started = sent
        while len(seen) < RECORDS_PER_ROUND:
            messages = sqs.receive_message(QueueUrl=out_url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=5).get("Messages", [])
            if not messages:
                raise RuntimeError("the mapped handler did not run; the benchmark is invalid")
            for message in messages:
                report = json.loads(message["Body"])
                seen.extend(report["sent"])
                started = max(started, report["started"])
            sqs.delete_message_batch(QueueUrl=out_url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(messages)])
        if seen != [sent] * RECORDS_PER_ROUND:
            raise RuntimeError("records were lost or came from another round")
        times.append(started - sent)
    return times


def run(rounds: int, warmup: int) -> list[Result]:
    port = servers.free_port()
    with servers.started(servers.emulator_command(port), port) as server:
        lam, sqs, kinesis, out_url = _setup(server.endpoint_url)
        _put_to_start(sqs, kinesis, out_url, warmup)
        latency = _put_to_start(sqs, kinesis, out_url, rounds)

        def invoke() -> None:
            lam.invoke(FunctionName="bench-kinesis", Payload=b"{}")

        for _ in range(warmup):
            invoke()
        invokes = [timed(invoke) for _ in range(rounds)]
    ours = median(latency)
    return [
        Result(f"Kinesis PutRecords ({RECORDS_PER_ROUND}) -> mapped handler starts (median)",
               "s", ours, LATENCY_TARGET_SECONDS, 1.0, rounds),
        Result("Kinesis PutRecords -> handler start vs a boto3 Invoke (median)", "s", ours,
               median(invokes), None, rounds),
    ]


__all__ = ["Unavailable", "run"]
