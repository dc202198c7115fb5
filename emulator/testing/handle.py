"""What the ``emulator`` fixture yields: an endpoint, ready clients, reset and the clock."""

from __future__ import annotations

from typing import Any

from emulator.clock import Clock
from emulator.server import BackgroundServer

DUMMY_ACCESS_KEY = "test"
DUMMY_SECRET_KEY = "test"


class VirtualClock:
    """The emulator's clock as a test sees it."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def now(self) -> float:
        return self._clock.now()

    def advance(self, seconds: float) -> float:
        return self._clock.advance(seconds)

    def set(self, epoch_seconds: float) -> float:
        return self._clock.set(epoch_seconds)

    def reset(self) -> None:
        self._clock.reset()


class EmulatorHandle:
    def __init__(self, server: BackgroundServer) -> None:
        self._server = server
        self.endpoint_url = server.endpoint_url
        self.region = server.settings.region
        self.clock = VirtualClock(server.emulator.clock)

    @property
    def emulator(self) -> Any:
        return self._server.emulator

    def client(self, service_name: str, **kwargs: Any) -> Any:
        """A boto3 client pointed at the emulator, with dummy credentials."""
        import boto3
        from botocore.config import Config

        options: dict[str, Any] = {
            "endpoint_url": self.endpoint_url,
            "region_name": self.region,
            "aws_access_key_id": DUMMY_ACCESS_KEY,
            "aws_secret_access_key": DUMMY_SECRET_KEY,
        }
        # Host prefixes (StartSyncExecution's "sync-") would point at hosts that do not
        # resolve locally; the emulator routes by path and credential scope instead.
        no_prefix = Config(inject_host_prefix=False)
        config = kwargs.pop("config", None)
        options["config"] = no_prefix.merge(config) if config is not None else no_prefix
        options.update(kwargs)
        return boto3.client(service_name, **options)

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Return once queued async invocations, event-source pollers and deliveries have
        nothing left to do now; raises TimeoutError (naming what is busy) after ``timeout``
        real seconds. Work due later (a retry back-off) needs ``clock.advance`` first."""
        import httpx

        reply = httpx.post(f"{self.endpoint_url}/_emulator/idle", json={"timeout": timeout},
                           timeout=timeout + 10)
        if reply.status_code != 200:
            raise TimeoutError(f"the emulator is still busy: {reply.json().get('busy')}")

    def reset(self, service: str | None = None) -> None:
        """Forget all state (or one service's) and put the clock back to real time."""
        self._server.emulator.services.reset(service)
        if service is None:
            self._server.emulator.clock.reset()


__all__ = ["DUMMY_ACCESS_KEY", "DUMMY_SECRET_KEY", "EmulatorHandle", "VirtualClock"]
