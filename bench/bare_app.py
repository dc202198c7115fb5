"""The floor for start-up and memory: uvicorn + Starlette with one route.

Started exactly like the emulator (``python -m bench.bare_app --port P``) with the same
uvicorn options, so the difference is what the emulator itself adds.
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


async def health(request: Request) -> Response:
    return JSONResponse({"status": "running"})


app = Starlette(routes=[Route("/_emulator/health", health, methods=["GET", "HEAD"])])


def serve(target: Starlette, port: int) -> None:
    """The uvicorn options the emulator's ``serve`` uses."""
    uvicorn.Server(
        uvicorn.Config(
            target,
            host="127.0.0.1",
            port=port,
            log_level="info",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=5,
        )
    ).run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    serve(app, parser.parse_args().port)


if __name__ == "__main__":
    main()
