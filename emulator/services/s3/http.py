"""The web server's door to S3's browser requests (CORS preflights, POST forms); light to
import, so start-up does not load the wire layer and botocore (see browser.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

FORM = "multipart/form-data"


def claims(request: Request) -> bool:
    """Whether the request is a CORS preflight, or a POST form (to a bucket)."""
    if request.method == "OPTIONS":
        return "access-control-request-method" in request.headers and (
            "origin" in request.headers)
    return (request.method == "POST" and not request.url.query
            and request.headers.get("content-type", "").startswith(FORM))


async def answer(services: Any, request: Request) -> Response:
    # The wire layer (and botocore) loads with the first request that needs it.
    from emulator.services.s3 import browser

    provider = services.get("s3")
    await services.ensure_started("s3", provider)
    return await browser.answer(provider, request)


__all__ = ["answer", "claims"]
