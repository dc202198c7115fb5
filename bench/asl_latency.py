"""Step Functions end to end over boto3, against canned answers for the same calls:
StartExecution then DescribeExecution until done, and StartSyncExecution, on a 10-state
Pass chain."""

from __future__ import annotations

import json

from bench import servers
from bench.asl_interpreter import chain
from bench.clients import ONE_TRY, ROLE, client
from bench.results import Result, summary
from bench.timing import alternate

FLOOR_MODULE = "bench.asl_floor"
INPUT = json.dumps({"order": 1})


class _Target:
    def __init__(self, endpoint_url: str) -> None:
        self.client = client("stepfunctions", endpoint_url, retries=ONE_TRY,
                             inject_host_prefix=False)
        definition = json.dumps(chain(10))
        self.standard = self.client.create_state_machine(
            name="bench", definition=definition, roleArn=ROLE)["stateMachineArn"]
        self.express = self.client.create_state_machine(
            name="bench-express", definition=definition, roleArn=ROLE,
            type="EXPRESS")["stateMachineArn"]
        self.polls = 0

    def start_and_describe(self) -> None:
        arn = self.client.start_execution(stateMachineArn=self.standard,
                                          input=INPUT)["executionArn"]
        while True:
            reply = self.client.describe_execution(executionArn=arn)
            if reply["status"] != "RUNNING":
                break
            self.polls += 1
        if reply["status"] != "SUCCEEDED":
            raise RuntimeError(f"benchmark execution failed: {reply}")

    def sync(self) -> None:
        reply = self.client.start_sync_execution(stateMachineArn=self.express, input=INPUT)
        if reply["status"] != "SUCCEEDED":
            raise RuntimeError(f"benchmark execution failed: {reply}")


def run(calls: int, warmup: int) -> list[Result]:
    with servers.emulator_and_floor(FLOOR_MODULE) as (our_server, floor_server):
        ours, floor = _Target(our_server.endpoint_url), _Target(floor_server.endpoint_url)
        alternate(ours.start_and_describe, floor.start_and_describe, warmup)
        standard = alternate(ours.start_and_describe, floor.start_and_describe, calls)
        alternate(ours.sync, floor.sync, warmup)
        sync = alternate(ours.sync, floor.sync, calls)
    return [
        *summary("SFN StartExecution + DescribeExecution to done, 10 Pass states", *standard,
                 1.5, calls),
        *summary("SFN StartSyncExecution, 10 Pass states", *sync, 2.0, calls),
    ]


__all__ = ["run"]
