"""The pytest plugin, registered through the ``pytest11`` entry point.

``emulator`` is a session-scoped fixture: one server on a free port for the whole run.
Mark a test ``@pytest.mark.emulator_reset`` (or use the ``fresh_emulator`` fixture) to start it
from empty state.
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
    """A running emulator on a free port, shared by the test session."""
    settings = Settings(
        host="127.0.0.1",
        port=0,
        state_dir=None,
        log_level=os.environ.get("EMULATOR_LOG_LEVEL", "warning"),
        request_log=False,
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
    """The session's emulator, reset to empty state and real time before the test."""
    emulator.reset()
    return emulator


__all__ = ["emulator", "fresh_emulator"]
