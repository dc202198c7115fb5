"""S3 through boto3: PutObject and GetObject of 1 KB against a floor answering canned
rest-xml, and 64 MB up and down against a floor that streams the same bytes to and from disk.
"""

from __future__ import annotations

import os
import time
from typing import Any

from bench import servers
from bench.clients import ONE_TRY, client
from bench.results import Result, summary
from bench.timing import alternate

LATENCY_TARGET = 1.5
# At least half the floor's throughput: twice its time at most.
THROUGHPUT_TARGET = 2.0
FLOOR_MODULE = "bench.s3_floor"
BUCKET = "bench-objects"
SMALL = os.urandom(1024)
LARGE_SIZE = 64 * 1024 * 1024


class Unavailable(Exception):
    """The emulator cannot answer the calls yet."""


class _Target:
    def __init__(self, endpoint_url: str) -> None:
        from botocore.exceptions import ClientError

        self.client: Any = client("s3", endpoint_url, retries=ONE_TRY)
        try:
            self.client.create_bucket(Bucket=BUCKET)
            self.put()
            self.get()
        except ClientError as error:
            raise Unavailable(str(error)) from None

    def put(self) -> None:
        self.client.put_object(Bucket=BUCKET, Key="small", Body=SMALL)

    def get(self) -> None:
        if self.client.get_object(Bucket=BUCKET, Key="small")["Body"].read() != SMALL:
            raise RuntimeError("GetObject answered other bytes; the benchmark is invalid")

    def round_trip(self, data: bytes) -> float:
        began = time.perf_counter()
        self.client.put_object(Bucket=BUCKET, Key="large", Body=data)
        body = self.client.get_object(Bucket=BUCKET, Key="large")["Body"]
        size = 0
        while chunk := body.read(1024 * 1024):
            size += len(chunk)
        if size != len(data):
            raise RuntimeError("GetObject answered fewer bytes; the benchmark is invalid")
        return time.perf_counter() - began


def run(calls: int, warmup: int, rounds: int) -> list[Result]:
    with servers.emulator_and_floor(FLOOR_MODULE) as (our_server, floor_server):
        ours = _Target(our_server.endpoint_url)
        floor = _Target(floor_server.endpoint_url)
        alternate(ours.put, floor.put, warmup)
        put = alternate(ours.put, floor.put, calls)
        alternate(ours.get, floor.get, warmup)
        get = alternate(ours.get, floor.get, calls)
        data = os.urandom(LARGE_SIZE)
        our_times: list[float] = []
        floor_times: list[float] = []
        for index in range(rounds):  # alternate who goes first, as alternate() does
            pair = (ours, floor) if index % 2 else (floor, ours)
            for target in pair:
                (our_times if target is ours else floor_times).append(target.round_trip(data))
    return [
        *summary("S3 PutObject 1 KB via boto3", *put, LATENCY_TARGET, calls),
        *summary("S3 GetObject 1 KB via boto3", *get, LATENCY_TARGET, calls),
        Result("S3 64 MB put + get via boto3 (best time)", "s", min(our_times),
               min(floor_times), THROUGHPUT_TARGET, rounds),
    ]


__all__ = ["Unavailable", "run"]
