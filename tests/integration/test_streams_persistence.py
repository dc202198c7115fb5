"""Stream state that must survive ``kill -9``: Kinesis streams, shards and records (a record is
stored before PutRecord answers), and a mapping's checkpoints, so it resumes after the last
record it handled instead of starting over."""

from __future__ import annotations

import io
import json
import textwrap
import time
import zipfile
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from emulator_process import EmulatorProcess

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow

RELAY = """
import base64, json, os
import boto3

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=os.environ["OUT_URL"], MessageBody=json.dumps(
        [base64.b64decode(r["kinesis"]["data"]).decode() for r in event["Records"]]))
"""


def _client(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", textwrap.dedent(source))
    return buffer.getvalue()


def _delivered(sqs: Any, url: str, count: int, timeout: float = 20) -> list[str]:
    found: list[str] = []
    deadline = time.monotonic() + timeout
    while len(found) < count and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1).get("Messages", []):
            found.extend(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def test_streams_records_and_checkpoints_survive_kill_9(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        kinesis, sqs, lam = (_client(s, first.url) for s in ("kinesis", "sqs", "lambda"))
        kinesis.create_stream(StreamName="events", ShardCount=2)
        kinesis.split_shard(StreamName="events", ShardToSplit="shardId-000000000000",
                            NewStartingHashKey=str(2**126))
        arn = kinesis.describe_stream_summary(
            StreamName="events")["StreamDescriptionSummary"]["StreamARN"]
        numbers = [kinesis.put_record(StreamName="events", Data=f"r{n}".encode(),
                                      PartitionKey="same")["SequenceNumber"] for n in range(3)]
        out = sqs.create_queue(QueueName="out")["QueueUrl"]
        lam.create_function(FunctionName="relay", Runtime="python3.11", Handler="app.handler",
                            Role="arn:aws:iam::000000000000:role/r",
                            Code={"ZipFile": _zip(RELAY)},
                            Environment={"Variables": {"OUT_URL": out}})
        lam.create_event_source_mapping(FunctionName="relay", EventSourceArn=arn,
                                        StartingPosition="TRIM_HORIZON")
        assert _delivered(sqs, out, 3) == ["r0", "r1", "r2"]
        # The function has answered once its message is sent; the checkpoint moves just after.
        # Idle means no record waits after a checkpoint, so the kill cannot fall in between.
        idle = httpx.post(f"{first.url}/_emulator/idle", json={"timeout": 30}, timeout=40)
        assert idle.status_code == 200, idle.text
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        kinesis, sqs = _client("kinesis", second.url), _client("sqs", second.url)
        shards = kinesis.list_shards(StreamName="events")["Shards"]
        assert [s["ShardId"] for s in shards] == [f"shardId-00000000000{n}" for n in range(4)]
        assert "EndingSequenceNumber" in shards[0]["SequenceNumberRange"]
        shard = kinesis.put_record(StreamName="events", Data=b"r3",
                                   PartitionKey="same")["ShardId"]
        iterator = kinesis.get_shard_iterator(StreamName="events", ShardId=shard,
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records = kinesis.get_records(ShardIterator=iterator)["Records"]
        assert [r["Data"] for r in records] == [b"r0", b"r1", b"r2", b"r3"]
        assert [r["SequenceNumber"] for r in records][:3] == numbers
        # The mapping resumed after r2: only the new record is delivered.
        assert _delivered(sqs, sqs.get_queue_url(QueueName="out")["QueueUrl"], 1) == ["r3"]
        second.kill()
