"""EventBridge Pipes round trips through boto3: DescribePipe, the read a deployment tool
makes of every pipe it manages (and polls while it waits for RUNNING), against a canned
endpoint."""

from __future__ import annotations

from bench.clients import ONE_TRY, client
from bench.one_read import compare
from bench.results import Result

TARGET = 1.5
FLOOR_MODULE = "bench.pipes_floor"
NAME = "bench-orders"


class _Target:
    def __init__(self, endpoint_url: str) -> None:
        self.client = client("pipes", endpoint_url, retries=ONE_TRY)
        self.client.create_pipe(
            Name=NAME, RoleArn="arn:aws:iam::000000000000:role/pipes", DesiredState="STOPPED",
            Source="arn:aws:sqs:us-east-1:000000000000:orders",
            Target="arn:aws:sqs:us-east-1:000000000000:shipped",
            SourceParameters={"SqsQueueParameters": {"BatchSize": 10}},
            TargetParameters={"InputTemplate": "<$.body>"})

    def get(self) -> None:
        self.client.describe_pipe(Name=NAME)


def run(calls: int, warmup: int) -> list[Result]:
    return compare("EventBridge Pipes DescribePipe via boto3", FLOOR_MODULE,
                   lambda url: _Target(url).get, TARGET, calls, warmup)
