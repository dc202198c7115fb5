"""Waiting in tests for what the emulator does in the background (a metric published, a
record delivered, a process restarted): the check's first truthy answer, or its last one."""

from __future__ import annotations

import time
from typing import Any


def eventually(check: Any, timeout: float = 10.0) -> Any:
    """Call ``check`` every 0.1 s until it answers something truthy or ``timeout`` real
    seconds pass; return that last answer either way, so the test's assert shows it."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


__all__ = ["eventually"]
