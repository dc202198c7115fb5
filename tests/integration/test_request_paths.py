"""How many of the emulator's modules one warm request passes through on the server's thread.

A REST API → Lambda proxy request and an ``@connections`` call are traced with a profiler on
the server's event-loop thread (the function's own thread is not counted); the modules whose
functions run while the request is answered are counted. docs/architecture.md gives the
figures before and after the front door and the gateway were reorganised; these bounds keep
the paths from growing back.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import Any

import pytest
from apigateway_support import lambda_uri, new_api
from lambda_support import create_function
from websocket_support import new_websocket_api

from emulator.config import Settings
from emulator.server import BackgroundServer
from emulator.testing import EmulatorHandle

PROXY = {"app.py": """
    def handler(event, context):
        return {"statusCode": 200, "body": "ok"}
"""}

# 47 and 24 before the front door and the gateway were reorganised (53 and 30 on main then).
# The REST request then gained the CloudWatch metrics it publishes (AWS/ApiGateway and
# AWS/Lambda): gateway.metrics, runtime.metrics, CloudWatch's port and base, and its data points;
# and the one reader of clients' JSON documents (inbound: depth and surrogate checks): 53 and 21.
# Then the console's browser check moved behind the front door, the HTTP API entry is asked only
# once HTTP APIs are in use, and integrations' backends are made once.
REST_TO_LAMBDA_MODULES = 50
CONNECTIONS_MODULES = 20


class ModuleTrace:
    """The emulator modules whose functions are called on the server thread while on."""

    def __init__(self) -> None:
        self.on = False
        self.modules: set[str] = set()

    def __call__(self, frame: FrameType, event: str, arg: Any) -> None:
        if event == "call" and self.on and threading.current_thread().name == "emulator-server":
            name = frame.f_globals.get("__name__", "")
            if name.startswith("emulator."):
                self.modules.add(name)

    def during(self, action: Any) -> set[str]:
        self.modules = set()
        self.on = True
        try:
            action()
        finally:
            self.on = False
        return set(self.modules)


@pytest.fixture(scope="module")
def traced() -> Iterator[tuple[EmulatorHandle, ModuleTrace]]:
    trace = ModuleTrace()
    threading.setprofile(trace)  # the server thread starts below, with the profiler set
    try:
        server = BackgroundServer(Settings(host="127.0.0.1", port=0, state_dir=None,
                                           log_level="warning", request_log=False)).start()
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]
    try:
        yield EmulatorHandle(server), trace
    finally:
        server.stop()


def _settled(emulator: EmulatorHandle) -> None:
    emulator.wait_idle()
    time.sleep(0.05)  # log writes scheduled by the last request run before tracing starts


def test_a_rest_api_to_lambda_request_stays_short(
        traced: tuple[EmulatorHandle, ModuleTrace]) -> None:
    emulator, trace = traced
    name = create_function(emulator.client("lambda"), PROXY)
    arn = f"arn:aws:lambda:{emulator.region}:000000000000:function:{name}"
    api = new_api(emulator)
    api.method("/hello", "GET", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                 "uri": lambda_uri(emulator.region, arn)})
    api.deploy("dev")
    for _ in range(3):
        assert api.get("dev", "/hello").text == "ok"
    _settled(emulator)
    modules = trace.during(lambda: api.get("dev", "/hello"))
    print(f"REST API -> Lambda: {len(modules)} modules: {sorted(modules)}")
    assert "emulator.runtime.invoker" in modules  # the trace sees the path it measures
    assert len(modules) <= REST_TO_LAMBDA_MODULES


def test_an_at_connections_call_stays_short(
        traced: tuple[EmulatorHandle, ModuleTrace]) -> None:
    emulator, trace = traced
    api = new_websocket_api(emulator)
    api.stage("dev")
    with api.connect("dev") as ws:
        ws.send('{"action": "hello"}')  # no route: the error message names the connection
        connection_id = json.loads(ws.recv(timeout=10))["connectionId"]
        connections = api.management("dev").get_connection  # built before tracing
        for _ in range(3):
            connections(ConnectionId=connection_id)
        _settled(emulator)
        modules = trace.during(lambda: connections(ConnectionId=connection_id))
    print(f"@connections: {len(modules)} modules: {sorted(modules)}")
    assert "emulator.gateway.websocket.engine" in modules
    assert len(modules) <= CONNECTIONS_MODULES


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-s", "-q"]))
