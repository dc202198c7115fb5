"""The one outbound HTTP client of the API Gateway data planes (HTTP and HTTP_PROXY
integrations of REST, HTTP and WebSocket APIs, and the keys of JWT issuers).

It is made on first use, one per event loop (an httpx client belongs to the loop it runs in,
and tests run several emulators in one process), follows no redirects and has no timeout of
its own: each integration sets its own. ``close()`` ends the current loop's client.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # httpx loads with the first outbound request, not at start-up
    import httpx

_CLIENTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary())


def shared() -> httpx.AsyncClient:
    """The running loop's client, made the first time it is asked for."""
    loop = asyncio.get_running_loop()
    client = _CLIENTS.get(loop)
    if client is None:
        import httpx

        client = _CLIENTS[loop] = httpx.AsyncClient(follow_redirects=False, timeout=None)
    return client


async def close() -> None:
    """Close the running loop's client, if one was made (at server shutdown)."""
    client = _CLIENTS.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()


__all__ = ["close", "shared"]
