"""What every service provider shares: the settings, the clock and its own store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from emulator.clock import Clock
from emulator.config import Settings
from emulator.ports import Ports

if TYPE_CHECKING:
    from emulator.store import ServiceStore


class Provider:
    """Base of the control-plane providers.

    A provider answers operations with methods named ``xform_name(OperationName)``, which take
    the request context and snake_case keyword arguments and return dicts keyed by the output
    shape's member names.
    """

    service_name: ClassVar[str]

    def __init__(
        self, settings: Settings, clock: Clock, store: ServiceStore, ports: Ports
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.store = store
        self.ports = ports

    def port(self, name: str) -> object | None:
        """The engine this service offers to others under ``name`` (see emulator.ports)."""
        return None

    async def start(self) -> None:
        """Begin background work (pollers, timers). Called once the server is up."""

    async def stop(self) -> None:
        """End background work."""

    def reset(self) -> None:
        """Forget every resource of this service."""
        self.store.reset()

    def busy(self) -> list[str]:
        """Work under way or due now (events, pollers, deliveries), described for people;
        empty when only the clock moving on could start more. See emulator.idle."""
        return []

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        """A JSON-ready listing of what this service holds, for ``/_emulator/resources``."""
        return {}


__all__ = ["Provider"]
