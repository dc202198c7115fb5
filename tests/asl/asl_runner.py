"""Runs one JSON language case through the interpreter, in process, on a simulated clock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from asl_fakes import FakeFunctions
from asl_simclock import SimClock, run_sim

from emulator.asl.diagnostics import InvalidDefinition
from emulator.asl.integrations.mocks import MockConfig
from emulator.asl.interpreter import Execution, ExecutionInfo, Outcome
from emulator.asl.loader import load, validate

CASES = Path(__file__).parent / "cases"
ACCOUNT, REGION = "123456789012", "us-east-1"
MACHINE_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:Case"
EXECUTION_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:execution:Case:run"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/StepFunctions"


def case_files() -> list[Path]:
    return sorted(CASES.rglob("*.json"))


def run_case(case: dict[str, Any]) -> tuple[Outcome, Execution, FakeFunctions]:
    clock = SimClock()
    machine = load(json.dumps(case["definition"]))
    data = case.get("input", {})
    info = ExecutionInfo(EXECUTION_ARN, "run", MACHINE_ARN, "Case", ROLE_ARN, data,
                         clock.now(), ACCOUNT, REGION)
    functions = FakeFunctions(case.get("functions", {}), clock)
    mocks = None
    if "mocks" in case:  # a Step Functions Local mock configuration and one of its test cases
        spec = case["mocks"]
        mocks = MockConfig(spec["config"]).test_case(spec["machine"], spec["testCase"])
    execution = Execution(machine, info, clock, invoker=lambda: functions, mocks=mocks)
    outcome = run_sim(clock, execution.run())
    return outcome, execution, functions


def check_invalid(case: dict[str, Any]) -> None:
    definition = case["definition"]
    text = definition if isinstance(definition, str) else json.dumps(definition)
    found = validate(text, express=case.get("type") == "EXPRESS")
    expected = case["invalid"]
    got = [{"code": d.code, "location": d.location, "message": d.message} for d in found]
    wanted = expected["diagnostics"]
    assert len(got) == len(wanted), got
    for have, want in zip(got, wanted, strict=True):
        for key, value in want.items():
            assert have[key] == value, (key, have, want)
    if "message" in expected:
        try:
            load(text)
        except InvalidDefinition as error:
            assert str(error) == expected["message"]
        else:
            raise AssertionError("the definition loaded")


def check(case: dict[str, Any]) -> None:
    if "invalid" in case:
        check_invalid(case)
        return
    outcome, execution, functions = run_case(case)
    expect = case["expect"]
    assert outcome.status == expect["status"], (outcome, execution.history.events[-1])
    if "output" in expect:
        assert outcome.output is not None
        assert json.loads(outcome.output) == expect["output"]
    if "error" in expect:
        assert outcome.error == expect["error"], outcome
    if "cause" in expect:
        assert outcome.cause == expect["cause"], outcome
    if "causeContains" in expect:
        assert outcome.cause is not None and expect["causeContains"] in outcome.cause, outcome
    if "events" in expect:
        types = [event["type"] for event in execution.history.events]
        assert types == expect["events"], types
    if "eventCount" in expect:
        assert len(execution.history.events) == expect["eventCount"]
    if "lastEvent" in expect:
        assert execution.history.events[-1]["type"] == expect["lastEvent"]
    for name, calls in expect.get("calls", {}).items():
        assert functions.calls[name] == calls, functions.calls[name]
    for check_event in expect.get("eventDetails", []):
        event = execution.history.events[check_event["id"] - 1]
        for key, value in check_event.items():
            if key == "id":
                continue
            assert event.get(key) == value, (key, event)
