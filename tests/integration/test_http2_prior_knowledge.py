"""HTTP/2 with prior knowledge on the emulator's one port, beside HTTP/1.1.

AWS endpoints speak HTTP/2, and the AWS SDK for JavaScript v3 sends every Kinesis call over
it: against an ``http://`` endpoint its Node.js ``http2`` handler opens the connection with the
HTTP/2 preface (no HTTP/1.1 upgrade). aws-samples/serverless-test-samples'
typescript-test-samples/kinesis-lambda-dynamodb integration test (``PutRecordsCommand`` from
``@aws-sdk/client-kinesis``) failed with ``ERR_HTTP2_ERROR: Protocol error`` before.

Sources:
- https://docs.aws.amazon.com/kinesis/latest/APIReference/API_SubscribeToShard.html
  (Kinesis "establishes an HTTP/2 connection" with the consumer).
- https://docs.aws.amazon.com/sdk-for-java/latest/developer-guide/http2.html (SDKs "use HTTP/2
  when it's supported by the service"; many requests in flight on one connection).
- https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-smithy-node-http-handler
  (the SDK's Node.js request handlers: ``node:http``, ``node:https`` and ``node:http2``).
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import h2.config
import h2.connection
import h2.events
import httpx
import pytest
from kinesis_support import Streams

from emulator.testing import EmulatorHandle

KINESIS_JSON = "application/x-amz-json-1.1"


@pytest.fixture
def h2_client(emulator: EmulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.endpoint_url, http1=False, http2=True,
                      timeout=10) as client:
        yield client


def _kinesis(client: httpx.Client, operation: str, body: dict[str, Any]) -> httpx.Response:
    return client.post("/", content=json.dumps(body).encode(),
                       headers={"x-amz-target": f"Kinesis_20131202.{operation}",
                                "content-type": KINESIS_JSON})


def test_kinesis_calls_over_http2(emulator: EmulatorHandle, h2_client: httpx.Client) -> None:
    kinesis = emulator.client("kinesis")
    streams = Streams(kinesis)
    name, arn = streams.create(shards=1)
    try:
        records = [{"PartitionKey": "p", "Data": base64.b64encode(f"r{i}".encode()).decode()}
                   for i in range(3)]
        put = _kinesis(h2_client, "PutRecords", {"StreamARN": arn, "Records": records})
        assert put.http_version == "HTTP/2"
        assert put.status_code == 200, put.text
        assert put.json()["FailedRecordCount"] == 0
        [shard] = streams.shard_ids(name)
        assert [r["Data"] for r in streams.read_all(name, shard)] == [b"r0", b"r1", b"r2"]
        # An error answers as over HTTP/1.1: status, JSON body and the error type header.
        missing = _kinesis(h2_client, "DescribeStreamSummary", {"StreamName": f"{name}-missing"})
        assert missing.status_code == 400
        assert missing.json()["__type"] == "ResourceNotFoundException"
        assert missing.headers["x-amzn-requestid"]
    finally:
        streams.cleanup()


def test_bodies_beyond_the_flow_control_window(emulator: EmulatorHandle,
                                               h2_client: httpx.Client) -> None:
    # 300 KB each way: more than HTTP/2's initial 65,535-byte window and 16 KB frames.
    s3 = emulator.client("s3")
    where = {"Bucket": f"h2-{uuid.uuid4().hex[:10]}", "Key": "big.bin"}
    s3.create_bucket(Bucket=where["Bucket"])
    payload = bytes(range(256)) * 1200
    put = h2_client.put(s3.generate_presigned_url("put_object", Params=where), content=payload)
    assert put.status_code == 200, put.text
    assert s3.get_object(**where)["Body"].read() == payload
    got = h2_client.get(s3.generate_presigned_url("get_object", Params=where))
    assert got.http_version == "HTTP/2"
    assert got.content == payload
    assert got.headers["content-length"] == str(len(payload))


def test_concurrent_streams_on_one_connection(emulator: EmulatorHandle) -> None:
    names = [f"h2-q-{uuid.uuid4().hex[:8]}-{i}" for i in range(8)]

    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=emulator.endpoint_url, http1=False, http2=True,
                                     timeout=10) as client:
            return await asyncio.gather(*(
                client.post("/", content=json.dumps({"QueueName": name}).encode(),
                            headers={"x-amz-target": "AmazonSQS.CreateQueue",
                                     "content-type": "application/x-amz-json-1.0"})
                for name in names))

    replies = asyncio.run(run())
    assert [r.status_code for r in replies] == [200] * len(names), [r.text for r in replies]
    assert {r.http_version for r in replies} == {"HTTP/2"}
    urls = emulator.client("sqs").list_queues(QueueNamePrefix="h2-q-")["QueueUrls"]
    assert {u.rsplit("/", 1)[1] for u in urls} >= set(names)


def test_preface_split_across_reads(emulator: EmulatorHandle) -> None:
    # A client may write the 24-byte preface in pieces; the connection is still HTTP/2.
    where = urlsplit(emulator.endpoint_url)
    client = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    client.initiate_connection()
    opening = client.data_to_send()
    body = json.dumps({"QueueName": f"h2-split-{uuid.uuid4().hex[:8]}"}).encode()
    client.send_headers(1, [(":method", "POST"), (":path", "/"), (":scheme", "http"),
                            (":authority", where.netloc),
                            ("x-amz-target", "AmazonSQS.CreateQueue"),
                            ("content-type", "application/x-amz-json-1.0")])
    client.send_data(1, body, end_stream=True)
    with socket.create_connection((where.hostname, where.port), timeout=5) as sock:
        sock.sendall(opening[:5])
        time.sleep(0.05)
        sock.sendall(opening[5:] + client.data_to_send())
        status, data, ended = "", b"", False
        while not ended:
            chunk = sock.recv(65536)
            assert chunk, "connection closed before the response ended"
            for event in client.receive_data(chunk):
                if isinstance(event, h2.events.ResponseReceived):
                    status = dict(event.headers)[b":status"].decode()
                elif isinstance(event, h2.events.DataReceived):
                    data += event.data
                    client.acknowledge_received_data(event.flow_controlled_length,
                                                     event.stream_id)
                elif isinstance(event, h2.events.StreamEnded):
                    ended = True
            sock.sendall(client.data_to_send())
    assert status == "200", data
    assert json.loads(data)["QueueUrl"].endswith(json.loads(body)["QueueName"])
