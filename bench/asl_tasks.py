"""Step Functions Task states end to end: StartSyncExecution of a workflow of 10 Lambda tasks
(in-process executor, warm) against the same workflow of 10 Pass states, in the same run and
the same emulator. The ratio is what calling a function costs a workflow."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bench import servers
from bench.asl_interpreter import workflow
from bench.clients import ONE_TRY, ROLE, client, function_zip
from bench.results import Result, summary
from bench.timing import alternate

STEPS = 10
TARGET = 4.0
HANDLER = "def handler(event, context):\n    return {'n': event.get('n', 0) + 1}\n"


class Unavailable(Exception):
    """The emulator cannot answer the calls."""


class _Target:
    def __init__(self, endpoint_url: str) -> None:
        from botocore.exceptions import ClientError

        lam = client("lambda", endpoint_url, retries=ONE_TRY, inject_host_prefix=False)
        self.sfn = client("stepfunctions", endpoint_url, retries=ONE_TRY,
                          inject_host_prefix=False)
        try:
            function_arn = lam.create_function(
                FunctionName="bench-step", Runtime="python3.11", Handler="app.handler",
                Role=ROLE, Code={"ZipFile": function_zip(HANDLER)},
                Tags={"emulator:executor": "inprocess"})["FunctionArn"]
        except ClientError as error:
            raise Unavailable(str(error)) from None
        lam.get_waiter("function_active_v2").wait(FunctionName="bench-step")
        tasks = workflow(STEPS, lambda _: {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": function_arn, "Payload.$": "$"},
            "OutputPath": "$.Payload"})
        passes = workflow(STEPS, lambda _: {"Type": "Pass", "Parameters": {"n.$": "$.n"}})
        self.tasks = self._machine("bench-tasks", tasks)
        self.passes = self._machine("bench-passes", passes)

    def _machine(self, name: str, definition: dict[str, Any]) -> str:
        arn: str = self.sfn.create_state_machine(
            name=name, definition=json.dumps(definition), roleArn=ROLE,
            type="EXPRESS")["stateMachineArn"]
        return arn

    def call(self, arn: str) -> Callable[[], None]:
        def run() -> None:
            reply = self.sfn.start_sync_execution(stateMachineArn=arn, input='{"n": 0}')
            if reply["status"] != "SUCCEEDED":
                raise RuntimeError(f"benchmark execution failed: {reply}")

        return run


def run(calls: int, warmup: int) -> list[Result]:
    port = servers.free_port()
    with servers.started(servers.emulator_command(port), port) as server:
        target = _Target(server.endpoint_url)
        tasks, passes = target.call(target.tasks), target.call(target.passes)
        alternate(tasks, passes, warmup)
        our_times, floor_times = alternate(tasks, passes, calls)
    name = f"SFN StartSyncExecution, {STEPS} Lambda tasks vs {STEPS} Pass states (in-process)"
    return summary(name, our_times, floor_times, TARGET, calls)


__all__ = ["Unavailable", "run"]
