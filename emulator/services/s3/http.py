"""The web server's door to S3's browser requests (CORS preflights, POST forms); light to
import, so start-up does not load the wire layer and botocore (see browser.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from emulator.ports import Ports

FORM = "multipart/form-data"


def claims(request: Request) -> bool:
    """Whether the request is a CORS preflight, or a POST form (to a bucket)."""
    if request.method == "OPTIONS":
        return "access-control-request-method" in request.headers and (
            "origin" in request.headers)
    return (request.method == "POST" and not request.scope.get("query_string")
            and request.headers.get("content-type", "").startswith(FORM))


async def answer(request: Request, ports: Ports) -> Response:
    """A front door handler (see emulator.app) for the requests ``claims`` picks."""
    # The wire layer (and botocore) loads with the first request that needs it.
    from emulator.services.s3 import browser

    return await browser.answer(await ports.started("s3-browser"), request)


__all__ = ["answer", "claims"]
