"""The floors of the throughput lines in one app, so one server answers every floor request.

``GET /bare`` and ``GET /call`` are API Gateway's floors (a constant body; an event built,
JSON-round-tripped and handed to a function), ``POST /`` answers SQS's json protocol as
``bench.sqs_floor`` does, and ``POST /2015-03-31/functions/{name}/invocations`` answers
Invoke as ``bench.lambda_floor`` does.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from bench.apigateway_floor import bare, call
from bench.bare_app import health, json_protocol_endpoint, serve_command_line
from bench.lambda_floor import invoke
from bench.sqs_floor import CONTENT_TYPE, answer

app = Starlette(routes=[
    Route("/_emulator/health", health, methods=["GET", "HEAD"]),
    Route("/bare", bare, methods=["GET"]),
    Route("/call", call, methods=["GET"]),
    Route("/2015-03-31/functions/{name}/invocations", invoke, methods=["POST"]),
    Route("/", json_protocol_endpoint(answer, CONTENT_TYPE), methods=["POST"]),
])


def main() -> None:
    serve_command_line(app, __doc__)


if __name__ == "__main__":
    main()
