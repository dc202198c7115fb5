"""Suite-wide hygiene for tests sharing the session's emulator."""

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _real_time_after_each_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that moves the shared clock must not leave later tests in its future."""
    yield
    if "emulator" in request.fixturenames or "fresh_emulator" in request.fixturenames:
        request.getfixturevalue("emulator").clock.reset()
