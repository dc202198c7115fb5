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


def serve_command_line(target: Starlette, description: str | None) -> None:
    """Serve ``target`` on the port given as ``--port P``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--port", type=int, required=True)
    serve(target, parser.parse_args().port)


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
