"""Memory of parked executions: RSS growth of the emulator while 1,000 STANDARD executions
wait in a Wait state, against a budget of 20 KB each."""

from __future__ import annotations

import json
import time
from typing import Any

from bench import clients, servers
from bench.clients import ONE_TRY, ROLE
from bench.results import Result

PARKED = 1000
WARMUP = 200
BUDGET_PER_EXECUTION = 20 * 1000
DEFINITION = {"StartAt": "Prepare", "States": {
    "Prepare": {"Type": "Pass", "Result": {"ready": True}, "ResultPath": "$.prep",
                "Next": "Park"},
    "Park": {"Type": "Wait", "Seconds": 86400, "End": True}}}


def _start(client: Any, arn: str, count: int) -> list[str]:
    return [client.start_execution(stateMachineArn=arn, input='{"order": 1}')["executionArn"]
            for _ in range(count)]


def _parked(client: Any, arn: str) -> None:
    for _ in range(1000):
        events = client.get_execution_history(executionArn=arn, reverseOrder=True,
                                              maxResults=1)["events"]
        if events[0]["type"] == "WaitStateEntered":
            return
        time.sleep(0.01)
    raise RuntimeError("the execution never reached its Wait state")


def run() -> Result:
    port = servers.free_port()
    with servers.started(servers.emulator_command(port), port) as server:
        client = clients.client("stepfunctions", server.endpoint_url, retries=ONE_TRY,
                                inject_host_prefix=False)
        arn = client.create_state_machine(name="parked", definition=json.dumps(DEFINITION),
                                          roleArn=ROLE)["stateMachineArn"]
        # Warm-up: the first executions pay for code paths and allocator pools.
        _parked(client, _start(client, arn, WARMUP)[-1])
        before = servers.rss_bytes(server.process.pid)
        _parked(client, _start(client, arn, PARKED)[-1])
        after = servers.rss_bytes(server.process.pid)
    return Result(
        f"SFN RSS growth for {PARKED:,} executions parked in Wait (floor: 20 KB each)",
        "bytes", float(after - before), float(PARKED * BUDGET_PER_EXECUTION), 1.0, PARKED,
    )


__all__ = ["run"]
