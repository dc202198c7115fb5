"""EventBridge Scheduler round trips through boto3: GetSchedule, the read a deployment tool
makes of every schedule it manages, against a canned endpoint."""

from __future__ import annotations

from bench import servers
from bench.clients import ONE_TRY, client
from bench.results import Result, summary
from bench.timing import alternate

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
    with servers.emulator_and_floor(FLOOR_MODULE) as (our_server, floor_server):
        ours = _Target(our_server.endpoint_url)
        floor = _Target(floor_server.endpoint_url)
        alternate(ours.get, floor.get, warmup)
        got = alternate(ours.get, floor.get, calls)
    return summary("EventBridge Scheduler GetSchedule via boto3", *got, TARGET, calls)
