"""What every integration shares: the ports and HTTP client it may use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from emulator.gateway.rest.invocation import IntegrationResult, Invocation
from emulator.ports import Ports


@dataclass
class Backends:
    ports: Ports
    http_client: Callable[[], httpx.AsyncClient]  # the shared client, made on first use

    @property
    def http(self) -> httpx.AsyncClient:
        return self.http_client()


class Integration(Protocol):
    async def __call__(self, inv: Invocation, backends: Backends) -> IntegrationResult: ...


def binary_type(content_type: str | None, binary_media_types: list[str]) -> bool:
    """Whether ``content_type`` is one of the API's binary media types (``*/*`` and
    ``image/*`` style wildcards allowed)."""
    if not content_type or not binary_media_types:
        return False
    media = content_type.split(";")[0].strip().lower()
    major = media.split("/")[0]
    for candidate in binary_media_types:
        wanted = candidate.lower()
        if wanted in (media, "*/*") or wanted == f"{major}/*":
            return True
    return False


def api_binary_types(inv: Invocation) -> list[str]:
    types: Any = inv.snapshot.api.get("binaryMediaTypes") or []
    return list(types)


__all__ = ["Backends", "Integration", "api_binary_types", "binary_type"]
