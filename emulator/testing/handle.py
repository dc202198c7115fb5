"""What the ``emulator`` fixture yields: an endpoint, ready clients, reset and the clock."""

from __future__ import annotations

from typing import Any

from emulator.clock import Clock
from emulator.server import BackgroundServer

DUMMY_ACCESS_KEY = "test"
DUMMY_SECRET_KEY = "test"


class VirtualClock:
    """The emulator's clock as a test sees it: every wait, TTL, retry and timeout in the
    emulator reads it, so moving it forward runs an hour of background work at once."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def now(self) -> float:
        """The emulator's time, in epoch seconds."""
        return self._clock.now()

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` (waking whatever is due); returns the new time."""
        return self._clock.advance(seconds)

    def set(self, epoch_seconds: float) -> float:
        """Jump to an absolute time in epoch seconds; returns it."""
        return self._clock.set(epoch_seconds)

    def freeze(self) -> float:
        """Hold the clock still (returns the time it holds): only ``advance`` and ``set`` move
        it until ``unfreeze`` or ``reset``. Use it where a test counts requests against a rate
        or a TTL, so real seconds passing on a busy machine cannot refill or expire anything
        between two requests. Waits on the clock end only when it is moved."""
        return self._clock.freeze()

    def unfreeze(self) -> float:
        """Let the clock flow again from where it stands; returns the time."""
        return self._clock.unfreeze()

    @property
    def frozen(self) -> bool:
        return self._clock.frozen

    def reset(self) -> None:
        """Go back to real time, flowing."""
        self._clock.reset()


class EmulatorHandle:
    """A running emulator as a test uses it (what the ``emulator`` fixture yields).

    ``endpoint_url`` is where it listens, ``region`` the region clients sign for,
    ``xray_daemon_address`` the ``host:port`` for AWS_XRAY_DAEMON_ADDRESS (None without a
    daemon), ``clock`` the emulator's clock (:class:`VirtualClock`); ``client()`` makes boto3
    clients, ``reset()`` forgets state and ``wait_idle()`` waits for background work.
    """

    def __init__(self, server: BackgroundServer) -> None:
        self._server = server
        self.endpoint_url = server.endpoint_url
        self.region = server.settings.region
        self.clock = VirtualClock(server.emulator.clock)

    @property
    def emulator(self) -> Any:
        """The running ``Emulator`` itself (settings, services, storage), for advanced use."""
        return self._server.emulator

    @property
    def xray_daemon_address(self) -> str | None:
        """``host:port`` of the X-Ray daemon (UDP segments, TCP sampling), or None."""
        from emulator.services.xray.host import daemon_for

        daemon = daemon_for(self._server.settings)
        return daemon.address if daemon is not None else None

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
        client = boto3.client(service_name, **options)
        if service_name == "cloudfront-keyvaluestore":
            connect_to_endpoint(client, self.endpoint_url)
        return client

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


def connect_to_endpoint(client: Any, endpoint_url: str) -> None:
    """Send ``client``'s requests to ``endpoint_url`` whatever host its endpoint rules name.
    cloudfront-keyvaluestore's put the account first (``123456789012.localhost``), a name
    that need not resolve; the signed Host header still names it, so the emulator reads it."""
    from urllib.parse import urlsplit, urlunsplit

    endpoint = urlsplit(endpoint_url).netloc

    def to_endpoint(request: Any, **_: Any) -> None:
        parts = urlsplit(request.url)
        if parts.netloc != endpoint:
            request.url = urlunsplit(parts._replace(netloc=endpoint))

    client.meta.events.register("before-send", to_endpoint)


__all__ = ["DUMMY_ACCESS_KEY", "DUMMY_SECRET_KEY", "EmulatorHandle", "VirtualClock",
           "connect_to_endpoint"]
