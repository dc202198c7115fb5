"""The emulator's console copy of function logs is for people: a traceback, which the Python
runtime writes as one log event with its lines joined by carriage returns (as CloudWatch
stores it), prints one line per traceback line, each naming the function."""

from __future__ import annotations

import logging
import time

import pytest
from lambda_support import create_function, invoke

from emulator.testing import EmulatorHandle

FAILING = {"app.py": """
def handler(event, context):
    return helper()

def helper():
    raise ValueError("no stock")
"""}


def test_a_traceback_keeps_one_line_per_frame(emulator: EmulatorHandle,
                                              caplog: pytest.LogCaptureFixture) -> None:
    lam = emulator.client("lambda")
    name = create_function(lam, FAILING)
    with caplog.at_level(logging.INFO, logger="emulator.lambda"):
        reply, _ = invoke(lam, name)
        assert reply["FunctionError"] == "Unhandled"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
                "helper" in r.getMessage() for r in caplog.records):
            time.sleep(0.05)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith(f"[{name}]")]
    assert not any("\r" in line for line in lines), lines
    error_at = next(i for i, line in enumerate(lines) if "[ERROR] ValueError: no stock" in line)
    assert lines[error_at + 1] == f"[{name}] Traceback (most recent call last):"
    frames = lines[error_at + 2:]
    assert any('app.py", line 3, in handler' in line for line in frames)
    assert any("in helper" in line for line in frames)
