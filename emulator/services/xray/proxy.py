"""The daemon's TCP proxy: like the real daemon, it signs what SDKs send it and forwards it to
the X-Ray API, here the emulator's own endpoint, as the daemon's account and region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.config import Settings
from emulator.xray.daemon import Forward, ProxyReply

if TYPE_CHECKING:
    import httpx

_HOP_BY_HOP = frozenset({"host", "connection", "content-length", "transfer-encoding",
                         "authorization", "keep-alive", "content-encoding"})


def forward_to(settings: Settings) -> Forward:
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    base = f"http://{host}:{settings.port}"
    authorization = (
        f"AWS4-HMAC-SHA256 Credential=daemon/20200101/{settings.region}/xray/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )
    client: httpx.AsyncClient | None = None

    async def forward(method: str, target: str, headers: list[tuple[str, str]],
                      body: bytes) -> ProxyReply:
        nonlocal client
        if client is None:
            import httpx  # loaded on the first proxied call, not at start-up

            client = httpx.AsyncClient(base_url=base, timeout=30)
        kept = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
        kept.append(("Authorization", authorization))
        reply = await client.request(method, target, headers=kept, content=body)
        return reply.status_code, [
            (k, v) for k, v in reply.headers.items() if k.lower() not in _HOP_BY_HOP
        ], reply.content

    return forward


__all__ = ["forward_to"]
