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
import signal
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import boto3
import h2.config
import h2.connection
import h2.errors
import h2.events
import hpack
import httpx
import pytest
from emulator_process import EmulatorProcess
from hyperframe.frame import DataFrame, Frame, HeadersFrame, RstStreamFrame
from kinesis_support import Streams
from lambda_support import create_function

from emulator.testing import EmulatorHandle

KINESIS_JSON = "application/x-amz-json-1.1"
SQS_JSON = "application/x-amz-json-1.0"


class RawH2:
    """A bare HTTP/2 client on one socket: frames as written, every stream's fate recorded
    (status, body, reset code), and the server's GOAWAY and close."""

    def __init__(self, endpoint_url: str) -> None:
        self.where = urlsplit(endpoint_url)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(
            client_side=True, header_encoding=None, validate_outbound_headers=False,
            normalize_outbound_headers=False))
        self.sock = socket.create_connection((self.where.hostname, self.where.port), timeout=10)
        self.conn.initiate_connection()
        self.status: dict[int, int] = {}
        self.body: dict[int, bytes] = {}
        self.reset: dict[int, h2.errors.ErrorCodes | int] = {}
        self.ended: set[int] = set()
        self.goaway: int | None = None  # the last stream id the server took
        self.closed = False
        self.pending = b""
        self.flush()

    def flush(self) -> None:
        if data := self.conn.data_to_send():
            self.sock.sendall(data)

    def request(self, method: bytes, path: bytes, headers: list[tuple[bytes, bytes]],
                body: bytes | None = None) -> int:
        stream_id: int = self.conn.get_next_available_stream_id()
        self.conn.send_headers(stream_id, [
            (b":method", method), (b":path", path), (b":scheme", b"http"),
            (b":authority", self.where.netloc.encode()), *headers], end_stream=body is None)
        self.flush()
        if body is not None:
            self.upload(stream_id, body)
        return stream_id

    def request_after_goaway(self, path: bytes) -> int:
        """A GET on a new stream, written by hand: h2 itself sends nothing after a GOAWAY."""
        stream_id = self.conn.highest_outbound_stream_id + 2
        fields = [(b":method", b"GET"), (b":path", path), (b":scheme", b"http"),
                  (b":authority", self.where.netloc.encode())]
        # Never indexed: the server's table is the client's, which a new encoder cannot add to.
        block = hpack.Encoder().encode([hpack.NeverIndexedHeaderTuple(*f) for f in fields])
        frame = HeadersFrame(stream_id, block, flags=["END_HEADERS", "END_STREAM"])
        self.sock.sendall(frame.serialize())
        return stream_id

    def upload(self, stream_id: int, body: bytes) -> None:
        """Sends ``body`` within the server's windows, waiting for them to open."""
        while body:
            window = min(self.conn.local_flow_control_window(stream_id),
                         self.conn.max_outbound_frame_size)
            if window <= 0:
                self.read_once()
                assert not self.closed and stream_id not in self.reset, "upload cut off"
                continue
            self.conn.send_data(stream_id, body[:window])
            body = body[window:]
            self.flush()
        self.conn.end_stream(stream_id)
        self.flush()

    def read_once(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            self.closed = True
            return
        self.pending += chunk
        while len(self.pending) >= 9:
            size = 9 + int.from_bytes(self.pending[:3], "big")
            if len(self.pending) < size:
                break
            frame, self.pending = self.pending[:size], self.pending[size:]
            if self.goaway is None:
                self._take(self.conn.receive_data(frame))
            else:
                self._take_after_goaway(frame)
        self.flush()

    def _take(self, events: list[h2.events.Event]) -> None:
        for event in events:
            if isinstance(event, h2.events.ResponseReceived):
                self.status[event.stream_id] = int(dict(event.headers)[b":status"])
            elif isinstance(event, h2.events.DataReceived):
                self.body[event.stream_id] = self.body.get(event.stream_id, b"") + event.data
                self.conn.acknowledge_received_data(event.flow_controlled_length,
                                                    event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                self.ended.add(event.stream_id)
            elif isinstance(event, h2.events.StreamReset):
                self.reset[event.stream_id] = event.error_code
            elif isinstance(event, h2.events.ConnectionTerminated):
                self.goaway = event.last_stream_id

    def _take_after_goaway(self, data: bytes) -> None:
        # h2 takes no frames once it has a GOAWAY; the streams still open are read by hand.
        frame, length = Frame.parse_frame_header(memoryview(data[:9]))
        frame.parse_body(memoryview(data[9:9 + length]))
        if isinstance(frame, HeadersFrame):
            headers = dict(self.conn.decoder.decode(frame.data, raw=True))
            self.status[frame.stream_id] = int(headers[b":status"])
        elif isinstance(frame, DataFrame):
            self.body[frame.stream_id] = self.body.get(frame.stream_id, b"") + frame.data
        elif isinstance(frame, RstStreamFrame):
            self.reset[frame.stream_id] = h2.errors.ErrorCodes(frame.error_code)
        if isinstance(frame, (HeadersFrame, DataFrame)) and "END_STREAM" in frame.flags:
            self.ended.add(frame.stream_id)

    def wait(self, *stream_ids: int) -> None:
        while not self.closed and not all(s in self.ended or s in self.reset
                                          for s in stream_ids):
            self.read_once()

    def close(self) -> None:
        self.sock.close()


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


def test_a_method_that_is_not_a_token_resets_only_its_stream(emulator: EmulatorHandle) -> None:
    # RFC 9113, section 8.1.1: a malformed request is a stream error of type PROTOCOL_ERROR;
    # the connection and its other streams go on.
    client = RawH2(emulator.endpoint_url)
    try:
        bad = client.request("GÉT".encode(), b"/", [])
        name = f"h2-ok-{uuid.uuid4().hex[:8]}"
        good = client.request(b"POST", b"/", [(b"x-amz-target", b"AmazonSQS.CreateQueue"),
                                              (b"content-type", SQS_JSON.encode())],
                              json.dumps({"QueueName": name}).encode())
        client.wait(bad, good)
        assert client.reset.get(bad) == h2.errors.ErrorCodes.PROTOCOL_ERROR
        assert client.status.get(good) == 200, client.body.get(good)
        assert json.loads(client.body[good])["QueueUrl"].endswith(name)
        # The connection still takes requests after both.
        again = client.request(b"GET", b"/_emulator/health", [])
        client.wait(again)
        assert client.status.get(again) == 200
    finally:
        client.close()


def test_a_response_with_connection_specific_headers_still_completes(
        emulator: EmulatorHandle) -> None:
    # A function URL's function may answer fields HTTP/2 forbids (RFC 9113, section 8.2.2:
    # "te" other than "trailers", "connection", ...): they are dropped, not the response.
    lam = emulator.client("lambda")
    name = create_function(lam, {"app.py": """
        def handler(event, context):
            return {"statusCode": 200, "body": "answered",
                    "headers": {"te": "gzip", "keep-alive": "timeout=5", "x-kept": "yes"}}
    """})
    url = lam.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    client = RawH2(emulator.endpoint_url)
    try:
        stream = client.request(b"GET", f"/_aws/{url.split('/_aws/', 1)[1]}".encode(), [])
        client.wait(stream)
        assert stream not in client.reset, client.reset
        assert (client.status.get(stream), client.body.get(stream)) == (200, b"answered")
    finally:
        client.close()


def test_a_large_upload_arrives_whole_through_the_flow_control_windows(
        emulator: EmulatorHandle) -> None:
    # 1 MB: sixteen times the initial 65,535-byte windows, so the upload goes on only as the
    # server hands back what its application has read.
    s3 = emulator.client("s3")
    where = {"Bucket": f"h2-{uuid.uuid4().hex[:10]}", "Key": "large.bin"}
    s3.create_bucket(Bucket=where["Bucket"])
    payload = uuid.uuid4().bytes * 65536
    put_url = urlsplit(s3.generate_presigned_url("put_object", Params=where))
    client = RawH2(emulator.endpoint_url)
    try:
        stream = client.request(b"PUT", f"{put_url.path}?{put_url.query}".encode(),
                                [(b"content-length", str(len(payload)).encode())], payload)
        client.wait(stream)
        assert client.status.get(stream) == 200, client.body.get(stream)
    finally:
        client.close()
    assert s3.get_object(**where)["Body"].read() == payload


SLOW = {"app.py": """
    import time
    def handler(event, context):
        time.sleep(1.5)
        return {"done": True}
"""}


@pytest.mark.slow  # a server of its own, stopped
def test_shutdown_lets_streams_in_flight_finish() -> None:
    # uvicorn lets an HTTP/1.1 response under way finish; over HTTP/2 the server says GOAWAY
    # with the last stream it took (RFC 9113, section 6.8), answers it, refuses newer
    # streams, then closes.
    with EmulatorProcess() as server:
        server.wait_healthy()
        lam = boto3.client("lambda", endpoint_url=server.url, region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test")
        name = create_function(lam, SLOW, Timeout=30)
        lam.invoke(FunctionName=name, Payload=b"{}")  # warm: the next call only sleeps
        client = RawH2(server.url)
        try:
            stream = client.request(
                b"POST", f"/2015-03-31/functions/{name}/invocations".encode(), [], b"{}")
            time.sleep(0.3)
            server.proc.send_signal(signal.SIGTERM)
            while client.goaway is None and not client.closed:
                client.read_once()
            assert client.goaway == stream
            refused = client.request_after_goaway(b"/_emulator/health")
            client.wait(stream, refused)
            assert client.reset.get(refused) == h2.errors.ErrorCodes.REFUSED_STREAM
            assert (client.status.get(stream), json.loads(client.body[stream])) == (
                200, {"done": True})
            while not client.closed:
                client.read_once()
        finally:
            client.close()
        assert server.proc.wait(15) is not None
        assert "Traceback" not in server.output()
