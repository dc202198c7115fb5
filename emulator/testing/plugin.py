"""The pytest plugin, registered through the ``pytest11`` entry point.

``emulator`` is a session-scoped fixture: one server on a free port for the whole run, with its
X-Ray daemon on a free port too, so parallel runs and an emulator already serving on 4566 and
2000 do not collide. Mark a test ``@pytest.mark.emulator_reset`` (or use the ``fresh_emulator``
fixture) to start it from empty state.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from emulator.config import Settings
from emulator.server import BackgroundServer
from emulator.testing.handle import EmulatorHandle


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "emulator_reset: reset the emulator's state before this test"
    )


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorHandle]:
    """A running emulator on a free port, shared by the test session: an ``EmulatorHandle``.

    It listens on 127.0.0.1 (``emulator.endpoint_url``) with its X-Ray daemon
    on another free port (``emulator.xray_daemon_address``; set EMULATOR_XRAY_DAEMON_PORT to
    choose one, -1 for none). ``emulator.client("sqs")`` gives a boto3 client with dummy
    credentials, ``emulator.clock`` moves time, ``emulator.reset()`` forgets state and
    ``emulator.wait_idle()`` waits for background work. State is shared between tests: mark a
    test ``@pytest.mark.emulator_reset`` or use ``fresh_emulator`` to start from nothing.
    """
    settings = Settings(
        # In-process handlers are reachable by coverage, breakpoints and --pdb; a suite can
        # still ask for worker processes with EMULATOR_LAMBDA_EXECUTOR=process.
        lambda_executor=os.environ.get("EMULATOR_LAMBDA_EXECUTOR") or "inprocess",
        host="127.0.0.1",
        port=0,
        state_dir=None,
        log_level=os.environ.get("EMULATOR_LOG_LEVEL", "warning"),
        request_log=False,
        # A fixed daemon port would collide with a running emulator or a parallel run.
        xray_daemon_port=int(os.environ.get("EMULATOR_XRAY_DAEMON_PORT", "0")),
    )
    server = BackgroundServer(settings).start()
    try:
        yield EmulatorHandle(server)
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _emulator_reset_marker(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("emulator_reset") is not None:
        handle: EmulatorHandle = request.getfixturevalue("emulator")
        handle.reset()


@pytest.fixture
def fresh_emulator(emulator: EmulatorHandle) -> EmulatorHandle:
    """The session's ``emulator`` (an ``EmulatorHandle``), reset to empty state and real time
    before the test: use it where a test must not see what earlier tests created."""
    emulator.reset()
    return emulator


__all__ = ["emulator", "fresh_emulator"]
