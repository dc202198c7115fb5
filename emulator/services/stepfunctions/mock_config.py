"""The mock configuration file Step Functions Local users already have, and ``#TestCase``.

The file comes from ``EMULATOR_SFN_MOCK_CONFIG`` (or ``SFN_MOCK_CONFIG``, Step Functions Local's
variable); it is read again whenever it changes, so a test may write it before starting an
execution.
"""

from __future__ import annotations

from pathlib import Path

from emulator import inbound
from emulator.asl.integrations.mocks import MockCase, MockConfig, MockConfigError
from emulator.errors import ServiceError


def split_test_case(arn: str) -> tuple[str, str | None]:
    """``<state machine ARN>#<test case>`` -> (ARN, test case)."""
    base, sep, case = arn.partition("#")
    return (base, case) if sep else (arn, None)


class MockConfigFile:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._stamp: tuple[float, int] | None = None
        self._config: MockConfig | None = None

    def _load(self) -> MockConfig:
        if self.path is None:
            raise ServiceError(
                "ValidationException",
                "No mock configuration file is set: give its path in EMULATOR_SFN_MOCK_CONFIG "
                "(or SFN_MOCK_CONFIG) to run test cases",
            )
        try:
            info = self.path.stat()
            stamp = (info.st_mtime, info.st_size)
            if self._config is None or stamp != self._stamp:
                self._config = MockConfig(inbound.loads(self.path.read_text("utf-8")))
                self._stamp = stamp
        except (OSError, ValueError, MockConfigError) as error:
            raise ServiceError(
                "ValidationException", f"The mock configuration file {self.path} cannot be "
                f"used: {error}",
            ) from None
        return self._config

    def check(self, machine: str, case: str) -> None:
        """Raise ValidationException unless the file has this test case for ``machine``."""
        config = self._load()
        if case not in config.cases.get(machine, {}):
            raise ServiceError(
                "ValidationException",
                f"The mock configuration file has no test case '{case}' for the state machine "
                f"'{machine}'",
            )

    def test_case(self, machine: str, case: str) -> MockCase:
        self.check(machine, case)
        return self._load().test_case(machine, case)


__all__ = ["MockConfigFile", "split_test_case"]
