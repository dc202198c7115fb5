"""The X-Ray daemon started with the server, before and without the xray service: its UDP and
TCP ports listen from the start, while the service (and its stored records) loads with the
first segment, API call or traced request that needs it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from emulator.config import Settings
from emulator.services.xray.proxy import forward_to
from emulator.xray.daemon import Daemon

if TYPE_CHECKING:
    from emulator.services.registry import ServiceRegistry

log = logging.getLogger("emulator.xray")

# Running daemons by the settings object of the emulator they belong to (one per emulator,
# several in one process under test).
_DAEMONS: dict[int, Daemon] = {}


def daemon_for(settings: Settings) -> Daemon | None:
    return _DAEMONS.get(id(settings))


async def start_daemon(services: ServiceRegistry) -> None:
    settings = services.settings
    if settings.xray_daemon_port < 0 or id(settings) in _DAEMONS:
        return

    def keep(document: bytes) -> None:
        provider = services.get("xray")
        if provider is not None:
            provider.receive_datagram(document)  # type: ignore[attr-defined]

    daemon = Daemon(settings.host, settings.xray_daemon_port, keep, forward_to(settings))
    try:
        await daemon.start()
    except OSError as error:
        log.warning("X-Ray daemon not started on port %s: %s", settings.xray_daemon_port, error)
        return
    _DAEMONS[id(settings)] = daemon


def daemon_status(settings: Settings) -> dict[str, object]:
    """Whether the daemon listens and where, for the health report."""
    daemon = daemon_for(settings)
    if daemon is None or daemon.address is None:
        reason = ("turned off (port -1)" if settings.xray_daemon_port < 0
                  else f"port {settings.xray_daemon_port} could not be bound")
        return {"listening": False, "requested_port": settings.xray_daemon_port,
                "reason": reason}
    return {"listening": True, "address": daemon.address, "protocols": ["udp", "tcp"]}


async def stop_daemon(services: ServiceRegistry) -> None:
    daemon = _DAEMONS.pop(id(services.settings), None)
    if daemon is not None:
        await daemon.stop()


__all__ = ["daemon_for", "daemon_status", "start_daemon", "stop_daemon"]
