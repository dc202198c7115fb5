"""One emulator for the fuzz suite alone (its garbage stays out of the shared one), with the
server's error log watched and the report written at the end."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from emulator.config import Settings
from emulator.server import BackgroundServer

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "unit" / "wire"))  # shape strategies

from fuzz_client import REPORT, ErrorLog, Judge
from fuzz_profile import PROFILE
from fuzz_seed import seed


@pytest.fixture(scope="session")
def fuzz_server() -> Iterator[BackgroundServer]:
    settings = Settings(lambda_executor="inprocess", host="127.0.0.1", port=0, state_dir=None,
                        log_level="warning", request_log=False, xray_daemon_port=-1)
    server = BackgroundServer(settings).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def judge(fuzz_server: BackgroundServer) -> Iterator[Judge]:
    errors = ErrorLog()
    watched = [logging.getLogger("emulator"), logging.getLogger("uvicorn.error")]
    for logger in watched:
        logger.addHandler(errors)
    client = httpx.Client(base_url=fuzz_server.endpoint_url.replace("localhost", "127.0.0.1"))
    try:
        yield Judge(client, errors)
    finally:
        client.close()
        for logger in watched:
            logger.removeHandler(errors)


@pytest.fixture(scope="session")
def identifiers(fuzz_server: BackgroundServer, judge: Judge) -> list[str]:
    """Names, ids and ARNs of resources made for the fuzzer to aim at."""
    return seed(judge.client, fuzz_server.endpoint_url, PROFILE.seeds_per_operation)


def _write_report(target: str) -> None:
    services = sorted({service for service, _ in REPORT})
    classes = sorted({status for _, status in REPORT})
    table = {service: {status: REPORT[(service, status)] for status in classes
                       if REPORT[(service, status)]} for service in services}
    Path(target).write_text(json.dumps({"profile": PROFILE.name, "counts": table},
                                       indent=1) + "\n")


def pytest_runtest_logfinish(nodeid: str, location: tuple[str, int | None, str]) -> None:
    # Written after every test, so a long run stopped early still leaves its counts so far.
    target = os.environ.get("FUZZ_REPORT")
    if target and REPORT:
        _write_report(target)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not REPORT:
        return
    services = sorted({service for service, _ in REPORT})
    classes = sorted({status for _, status in REPORT})
    terminalreporter.write_line(f"fuzz ({PROFILE.name} profile): requests by status class")
    for service in services:
        counts = ", ".join(f"{status} {REPORT[(service, status)]}" for status in classes
                           if REPORT[(service, status)])
        terminalreporter.write_line(f"  {service}: {counts}")
