"""An emulator with its X-Ray daemon on free ports, and helpers to wait for UDP delivery."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import boto3
from botocore.config import Config

from emulator.config import Settings
from emulator.server import BackgroundServer

T = TypeVar("T")


class XrayEmulator:
    def __init__(self, **settings: Any) -> None:
        options: dict[str, Any] = {"host": "127.0.0.1", "port": 0, "xray_daemon_port": 0,
                                   "log_level": "warning", "request_log": False}
        options.update(settings)
        self.server = BackgroundServer(Settings(**options)).start()
        self.endpoint_url = self.server.endpoint_url
        self.region = self.server.settings.region
        provider = self.server.emulator.services.get("xray")
        assert provider is not None and provider.daemon is not None, "no X-Ray daemon"
        self.provider = provider
        self.daemon_address: str = provider.daemon.address
        self.clock = self.server.emulator.clock

    def client(self, name: str = "xray") -> Any:
        return boto3.client(name, endpoint_url=self.endpoint_url, region_name=self.region,
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"max_attempts": 1}))

    def reset(self) -> None:
        self.server.emulator.services.reset()
        self.clock.reset()

    def stop(self) -> None:
        self.server.stop()


def wait_for(probe: Callable[[], T | None], what: str, deadline: float = 10.0) -> T:
    """Poll ``probe`` until it returns something; UDP delivery is asynchronous."""
    end = time.monotonic() + deadline
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def trace_documents(client: Any, trace_id: str, count: int = 1) -> list[dict[str, Any]]:
    """The segment documents of a trace, once at least ``count`` are there."""

    def probe() -> list[dict[str, Any]] | None:
        traces = client.batch_get_traces(TraceIds=[trace_id])["Traces"]
        if not traces or len(traces[0]["Segments"]) < count:
            return None
        return [json.loads(s["Document"]) for s in traces[0]["Segments"]]

    return wait_for(probe, f"{count} segment(s) of {trace_id}")


def by_name(documents: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found = {}
    stack = list(documents)
    while stack:
        doc = stack.pop()
        found[doc["name"]] = doc
        stack.extend(doc.get("subsegments") or [])
    return found


def free_daemon_port() -> int:
    """A port free for both UDP and TCP, as the daemon needs."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise RuntimeError("no port free for UDP and TCP")


def running(**settings: Any) -> Iterator[XrayEmulator]:
    emulator = XrayEmulator(**settings)
    try:
        yield emulator
    finally:
        emulator.stop()
