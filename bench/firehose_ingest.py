"""Firehose ingest round trips through boto3: PutRecordBatch of ten 200-byte JSON lines into a
Direct PUT stream (buffered, with its delivery to S3 far off), against a canned endpoint."""

from __future__ import annotations

from bench.clients import ONE_TRY, client
from bench.one_read import compare
from bench.results import Result

TARGET = 1.5
FLOOR_MODULE = "bench.firehose_floor"
NAME = "bench-ingest"
RECORDS = [{"Data": b'{"n": %d, "pad": "%s"}\n' % (n, b"x" * 180)} for n in range(10)]


class _Target:
    def __init__(self, endpoint_url: str) -> None:
        self.client = client("firehose", endpoint_url, retries=ONE_TRY)
        self.client.create_delivery_stream(
            DeliveryStreamName=NAME, ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::000000000000:role/bench",
                "BucketARN": "arn:aws:s3:::bench-ingest",
                "BufferingHints": {"SizeInMBs": 128, "IntervalInSeconds": 900}})

    def put(self) -> None:
        self.client.put_record_batch(DeliveryStreamName=NAME, Records=RECORDS)


def run(calls: int, warmup: int) -> list[Result]:
    return compare("Firehose PutRecordBatch (10 records) via boto3", FLOOR_MODULE,
                   lambda url: _Target(url).put, TARGET, calls, warmup)
