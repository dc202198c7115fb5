"""Helpers the S3 tests share."""

from __future__ import annotations

import socket
from typing import Any

import pytest


def resolve_localhost_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolve ``*.localhost`` to the loopback address, as browsers and curl do (Python's
    resolver leaves it to the system, which often does not), so virtual-host addressing
    (``bucket.localhost:port``) reaches the emulator."""
    original = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return original(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
