"""The one outbound HTTP client of the API Gateway data planes (HTTP and HTTP_PROXY
integrations of REST, HTTP and WebSocket APIs, and the keys of JWT issuers).

It is made on first use, one per event loop (an httpx client belongs to the loop it runs in,
and tests run several emulators in one process), follows no redirects and has no timeout of
its own: each integration sets its own. ``close()`` ends the current loop's client.

An API calls another API (or any AWS endpoint) by its AWS name,
``https://{api}.execute-api.{region}.amazonaws.com/...``; once the server has said where it
listens (``serve_own_names``), such a request goes to the emulator over http with its Host
kept, as functions' requests do (runtime/loopback.py).
"""

from __future__ import annotations

import asyncio
import re
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # httpx loads with the first outbound request, not at start-up
    import httpx

_CLIENTS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary())
_OWN: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, str] = weakref.WeakKeyDictionary()
_AWS_NAME = re.compile(r"\.amazonaws\.com(?:\.cn)?\.?$", re.IGNORECASE)


def serve_own_names(endpoint_url: str) -> None:
    """Send the running loop's requests for AWS names to ``endpoint_url`` (the emulator)."""
    _OWN[asyncio.get_running_loop()] = endpoint_url.rstrip("/")


def _own_transport(endpoint_url: str) -> httpx.AsyncBaseTransport:
    import httpx

    own = httpx.URL(endpoint_url)

    class OwnNames(httpx.AsyncHTTPTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            url = request.url
            if url.scheme == "https" and url.port in (None, 443) and _AWS_NAME.search(url.host):
                request.headers["Host"] = url.host
                request.url = url.copy_with(scheme="http", host=own.host, port=own.port)
            return await super().handle_async_request(request)

    return OwnNames()


def shared() -> httpx.AsyncClient:
    """The running loop's client, made the first time it is asked for."""
    loop = asyncio.get_running_loop()
    client = _CLIENTS.get(loop)
    if client is None:
        import httpx

        own = _OWN.get(loop)
        client = _CLIENTS[loop] = httpx.AsyncClient(
            follow_redirects=False, timeout=None,
            transport=_own_transport(own) if own is not None else None)
    return client


async def close() -> None:
    """Close the running loop's client, if one was made (at server shutdown)."""
    client = _CLIENTS.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()


__all__ = ["close", "serve_own_names", "shared"]
