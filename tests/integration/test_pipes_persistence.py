"""With a state dir, pipes survive a restart, a running pipe goes on reading its source at
once, and a stream source resumes after the last record it delivered (none twice)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from emulator_process import EmulatorProcess

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow

ROLE = "arn:aws:iam::000000000000:role/pipes"


def _client(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def _bodies(sqs: Any, url: str) -> list[str]:
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return [message["Body"] for message in messages]


def test_pipes_survive_a_restart_and_resume_their_stream(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        pipes, sqs = _client("pipes", first.url), _client("sqs", first.url)
        kinesis = _client("kinesis", first.url)
        url = sqs.create_queue(QueueName="out")["QueueUrl"]
        target = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        kinesis.create_stream(StreamName="feed", ShardCount=1)
        source = kinesis.describe_stream_summary(StreamName="feed")[
            "StreamDescriptionSummary"]["StreamARN"]
        pipes.create_pipe(Name="relay", RoleArn=ROLE, Source=source, Target=target,
                          Tags={"team": "ops"}, SourceParameters={"KinesisStreamParameters": {
                              "StartingPosition": "TRIM_HORIZON"}},
                          TargetParameters={"InputTemplate": "<$.data.n>"})
        kinesis.put_record(StreamName="feed", Data=json.dumps({"n": 1}).encode(),
                           PartitionKey="k")
        httpx.post(f"{first.url}/_emulator/idle", json={"timeout": 10}).raise_for_status()
        assert _bodies(sqs, url) == ["1"]
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        sqs, kinesis = _client("sqs", second.url), _client("kinesis", second.url)
        kinesis.put_record(StreamName="feed", Data=json.dumps({"n": 2}).encode(),
                           PartitionKey="k")
        httpx.post(f"{second.url}/_emulator/idle", json={"timeout": 10}).raise_for_status()
        url = sqs.get_queue_url(QueueName="out")["QueueUrl"]
        assert _bodies(sqs, url) == ["2"]
        pipe = _client("pipes", second.url).describe_pipe(Name="relay")
        assert (pipe["CurrentState"], pipe["Tags"]) == ("RUNNING", {"team": "ops"})
        assert second.terminate() in (0, -15)
