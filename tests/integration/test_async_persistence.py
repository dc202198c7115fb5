"""With a state dir, async invocations accepted before ``kill -9`` run after the restart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from emulator_process import EmulatorProcess
from lambda_support import zip_of

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow

HANDLER = {"app.py": """
    def handler(event, context):
        return {"n": event["n"]}
"""}


def _client(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_events_accepted_before_kill_9_are_delivered_after_restart(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        lam, sqs = _client("lambda", first.url), _client("sqs", first.url)
        url = sqs.create_queue(QueueName="done")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url,
                                       AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        lam.create_function(FunctionName="worker", Runtime="python3.11", Handler="app.handler",
                            Role="arn:aws:iam::000000000000:role/r",
                            Code={"ZipFile": zip_of(HANDLER)})
        lam.put_function_event_invoke_config(
            FunctionName="worker", DestinationConfig={"OnSuccess": {"Destination": arn}})
        # Throttled, so every accepted event is still queued when the process dies.
        lam.put_function_concurrency(FunctionName="worker", ReservedConcurrentExecutions=0)
        for number in range(25):
            reply = lam.invoke(FunctionName="worker", InvocationType="Event",
                               Payload=json.dumps({"n": number}).encode())
            assert reply["StatusCode"] == 202
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        # The clock stands still, so a throttled event's back-off ends only by the jump below,
        # never while the jump is made, and no run times out on a slow machine.
        httpx.post(f"{second.url}/_emulator/clock", json={"freeze": True}).raise_for_status()
        lam, sqs = _client("lambda", second.url), _client("sqs", second.url)
        lam.delete_function_concurrency(FunctionName="worker")

        def wait_idle() -> None:
            idle = httpx.post(f"{second.url}/_emulator/idle", json={"timeout": 30}, timeout=40)
            assert idle.json() == {"idle": True, "busy": []}

        # Jump only once nothing runs: a jump during an invocation would time it out.
        wait_idle()
        httpx.post(f"{second.url}/_emulator/clock", json={"advance": 600})
        wait_idle()
        url = sqs.get_queue_url(QueueName="done")["QueueUrl"]
        numbers: list[int] = []
        while True:
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get(
                "Messages", [])
            if not messages:
                break
            for message in messages:
                numbers.append(json.loads(message["Body"])["requestPayload"]["n"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        assert sorted(numbers) == list(range(25))


RELAY = {"app.py": """
    import boto3, json, os
    def handler(event, context):
        for record in event["Records"]:
            boto3.client("sqs").send_message(QueueUrl=os.environ["OUT_URL"],
                                             MessageBody=record["body"])
"""}


def test_event_source_mappings_poll_again_after_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        lam, sqs = _client("lambda", first.url), _client("sqs", first.url)
        source = sqs.create_queue(QueueName="source")["QueueUrl"]
        out = sqs.create_queue(QueueName="out")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=source,
                                       AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        lam.create_function(FunctionName="relay", Runtime="python3.11", Handler="app.handler",
                            Role="arn:aws:iam::000000000000:role/r",
                            Code={"ZipFile": zip_of(RELAY)},
                            Environment={"Variables": {"OUT_URL": out}})
        uuid = lam.create_event_source_mapping(FunctionName="relay",
                                               EventSourceArn=arn)["UUID"]
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        lam, sqs = _client("lambda", second.url), _client("sqs", second.url)
        assert lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
        source = sqs.get_queue_url(QueueName="source")["QueueUrl"]
        sqs.send_message(QueueUrl=source, MessageBody="after the restart")
        idle = httpx.post(f"{second.url}/_emulator/idle", json={"timeout": 30}, timeout=40)
        assert idle.json()["idle"] is True
        out = sqs.get_queue_url(QueueName="out")["QueueUrl"]
        [message] = sqs.receive_message(QueueUrl=out)["Messages"]
        assert message["Body"] == "after the restart"
