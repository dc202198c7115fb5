"""Reaching a distribution's origins. AWS domain names are answered by this emulator: an S3
bucket (``bucket.s3[.region].amazonaws.com``; signed as the distribution's account when an
origin access control or identity is set, anonymous otherwise, so a bucket policy decides as
on AWS), an API Gateway stage (``api.execute-api.region.amazonaws.com`` with the stage as the
origin path), a Lambda function URL (``id.lambda-url.region.on.aws``), and any
``*.localhost`` name; they are served in-process through the emulator's own app. Any other
name (``localhost:8080``, a server on this machine) is fetched over HTTP.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from emulator.edge.deployed import EdgeRequest, EdgeResponse

S3_DOMAIN = re.compile(
    r"^(?P<bucket>[a-z0-9][a-z0-9.-]*?)\.s3(?:[.-](?:website[.-])?(?P<region>[a-z0-9-]+))?"
    r"\.(?:amazonaws\.com|localhost)$")
API_DOMAIN = re.compile(r"^(?P<api>[a-z0-9]+)\.execute-api\.(?P<region>[a-z0-9-]+)"
                        r"\.amazonaws\.com$")
URL_DOMAIN = re.compile(r"^(?P<id>[a-z0-9]+)\.lambda-url\.(?P<region>[a-z0-9-]+)\.on\.aws$")
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]", "host.docker.internal")

ASGIApp = Any  # a Starlette application: (scope, receive, send) -> None


class OriginUnreachable(Exception):
    """The origin could not be connected to (CloudFront answers 502)."""


@dataclass(frozen=True)
class Target:
    """Where an origin request goes: in-process (``host`` as the emulator's address) or over
    the network (``url``)."""

    host: str
    path_prefix: str  # before the origin path: "/bucket" for S3's path-style addressing
    s3_bucket: str | None = None
    url: str | None = None  # scheme://host:port for origins outside the emulator


def target(origin: dict[str, Any]) -> Target:
    domain = str(origin.get("DomainName", "")).lower()
    s3 = S3_DOMAIN.match(domain)
    if s3 is not None and (origin.get("S3OriginConfig") is not None
                           or (".s3" in domain and "website" not in domain)):
        return Target("s3.localhost", f"/{s3['bucket']}", s3_bucket=s3["bucket"])
    api = API_DOMAIN.match(domain)
    if api is not None:
        return Target(f"{api['api']}.execute-api.localhost", "")
    url = URL_DOMAIN.match(domain)
    if url is not None:
        return Target(f"{url['id']}.lambda-url.{url['region']}.localhost", "")
    custom = origin.get("CustomOriginConfig") or {}
    bare = domain.split(":", 1)[0]
    if bare.endswith(".localhost") and bare not in LOCAL_NAMES:
        return Target(domain, "")
    https = custom.get("OriginProtocolPolicy") == "https-only"
    port = custom.get("HTTPSPort" if https else "HTTPPort") or (443 if https else 80)
    scheme = "https" if https else "http"
    return Target(domain, "", url=f"{scheme}://{domain}:{port}")


async def in_process(app: ASGIApp, request: EdgeRequest, host: str, path: str,
                     state: dict[str, Any] | None) -> EdgeResponse:
    """``request`` answered by the emulator's own app at ``host`` (its own task, so the
    request log and context of the viewer's request stay as they are)."""
    headers = [(b"host", host.encode("latin-1"))] + [
        (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in request.headers
        if k.lower() != "host"]
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": request.method, "scheme": "http", "path": unquote(path),
        "raw_path": path.encode("latin-1"), "root_path": "",
        "query_string": request.querystring.encode("latin-1"), "headers": headers,
        "client": (request.client_ip, 0), "server": ("127.0.0.1", 4566), "extensions": {},
    }
    if state is not None:
        scope["state"] = dict(state)
    body, sent = request.body, False
    answer = EdgeResponse(502)
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # a disconnect never comes: the answer ends first
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.status = int(message["status"])
            answer.headers = [(k.decode("latin-1"), v.decode("latin-1"))
                              for k, v in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await asyncio.get_running_loop().create_task(app(scope, receive, send))
    answer.body = b"".join(chunks)
    return answer


async def over_http(url: str, request: EdgeRequest, host: str, path: str,
                    timeout: float) -> EdgeResponse:
    import httpx

    from emulator.gateway import http_client

    headers = [(k, v) for k, v in request.headers if k.lower() != "host"]
    headers.append(("Host", host))
    query = f"?{request.querystring}" if request.querystring else ""
    try:
        reply = await http_client.shared().request(
            request.method, f"{url}{path}{query}", headers=headers, content=request.body,
            timeout=timeout)
    except httpx.HTTPError as error:
        raise OriginUnreachable(str(error)) from None
    return EdgeResponse(reply.status_code, list(reply.headers.multi_items()), reply.content)


__all__ = [
    "API_DOMAIN",
    "S3_DOMAIN",
    "URL_DOMAIN",
    "OriginUnreachable",
    "Target",
    "in_process",
    "over_http",
    "target",
]
