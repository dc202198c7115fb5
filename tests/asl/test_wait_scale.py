"""The wait-time scale: SFN_WAIT_SCALE (or EMULATOR_SFN_WAIT_SCALE) multiplies Wait states and
retry intervals, so existing workflows can run their waits faster."""

from __future__ import annotations

import json

import pytest
from asl_runner import EXECUTION_ARN, MACHINE_ARN, ROLE_ARN
from asl_simclock import EPOCH, SimClock, run_sim

from emulator.asl.interpreter import Execution, ExecutionInfo
from emulator.asl.loader import load
from emulator.config import Settings


@pytest.mark.parametrize("variable", ["SFN_WAIT_SCALE", "EMULATOR_SFN_WAIT_SCALE"])
def test_setting_reads_both_variables(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "0.25")
    assert Settings().sfn_wait_scale == 0.25
    monkeypatch.delenv(variable)
    assert Settings().sfn_wait_scale == 1.0


def test_scale_shortens_waits_and_back_off() -> None:
    definition = {"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 3600, "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
              "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 100,
                         "MaxAttempts": 1}], "End": True}}}
    clock = SimClock()
    info = ExecutionInfo(EXECUTION_ARN, "run", MACHINE_ARN, "Case", ROLE_ARN, {}, clock.now(),
                         "123456789012", "us-east-1")
    execution = Execution(load(json.dumps(definition)), info, clock, wait_scale=0.5)
    outcome = run_sim(clock, execution.run())
    # No Lambda service: both attempts fail, 50 scaled seconds apart, after a 30-minute wait.
    assert outcome.error == "Lambda.ServiceException"
    times = {e["type"]: e["timestamp"] for e in execution.history.events}
    assert times["WaitStateExited"] == EPOCH + 1800
    assert times["ExecutionFailed"] == EPOCH + 1850
