"""EventBridge Scheduler round trips through boto3: GetSchedule, the read a deployment tool
makes of every schedule it manages, against a canned endpoint."""

from __future__ import annotations

from bench.clients import ONE_TRY, client
from bench.one_read import compare
from bench.results import Result

TARGET = 1.5
FLOOR_MODULE = "bench.scheduler_floor"
NAME = "bench-nightly"


class _Target:
    def __init__(self, endpoint_url: str) -> None:
        self.client = client("scheduler", endpoint_url, retries=ONE_TRY)
        self.client.create_schedule(
            Name=NAME, ScheduleExpression="rate(1 hour)", State="DISABLED",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": "arn:aws:sqs:us-east-1:000000000000:jobs",
                    "RoleArn": "arn:aws:iam::000000000000:role/scheduler"})

    def get(self) -> None:
        self.client.get_schedule(Name=NAME)


def run(calls: int, warmup: int) -> list[Result]:
    return compare("EventBridge Scheduler GetSchedule via boto3", FLOOR_MODULE,
                   lambda url: _Target(url).get, TARGET, calls, warmup)
