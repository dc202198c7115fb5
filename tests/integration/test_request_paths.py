"""How many of the emulator's modules one warm request passes through on the server's thread.

A REST API → Lambda proxy request and an ``@connections`` call are traced with a profiler on
the server's event-loop thread (the function's own thread is not counted); the modules whose
functions run while the request is answered are counted. docs/architecture.md gives the
figures before and after the front door and the gateway were reorganised; these bounds keep
the paths from growing back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
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
# once HTTP APIs are in use, and integrations' backends are made once: 50 and 20. Edge-optimized
# APIs (the default) then gained CloudFront's headers on their way (gateway.rest.forwarded and
# edge.viewer_headers). The server's protocol then learned to tell an HTTP/2 connection from an
# HTTP/1.1 one by its first bytes (h2c), a module every request's connection passes: 51 and 21.
REST_TO_LAMBDA_MODULES = 52
CONNECTIONS_MODULES = 21


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

    def every_time(self, action: Any, times: int = 3) -> set[str]:
        """The modules each of ``times`` runs of ``action`` passed through: a background job
        (a per-minute publisher, a log flush) that happens to run during one request on a busy
        machine is not part of the request's path."""
        return set.intersection(*(self.during(action) for _ in range(times)))


def _settled(emulator: EmulatorHandle) -> None:
    emulator.wait_idle()
    time.sleep(0.05)  # log writes scheduled by the last request run before tracing starts


def _rest_to_lambda(emulator: EmulatorHandle, trace: ModuleTrace) -> set[str]:
    name = create_function(emulator.client("lambda"), PROXY)
    arn = f"arn:aws:lambda:{emulator.region}:000000000000:function:{name}"
    api = new_api(emulator)
    api.method("/hello", "GET", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                 "uri": lambda_uri(emulator.region, arn)})
    api.deploy("dev")
    for _ in range(3):
        assert api.get("dev", "/hello").text == "ok"
    _settled(emulator)
    return trace.every_time(lambda: api.get("dev", "/hello"))


def _at_connections(emulator: EmulatorHandle, trace: ModuleTrace) -> set[str]:
    api = new_websocket_api(emulator)
    api.stage("dev")
    with api.connect("dev") as ws:
        ws.send('{"action": "hello"}')  # no route: the error message names the connection
        connection_id = json.loads(ws.recv(timeout=10))["connectionId"]
        connections = api.management("dev").get_connection  # built before tracing
        for _ in range(3):
            connections(ConnectionId=connection_id)
        _settled(emulator)
        return trace.every_time(lambda: connections(ConnectionId=connection_id))


def measure() -> dict[str, list[str]]:
    """Both paths' modules, traced on a server started here with the profiler set."""
    trace = ModuleTrace()
    threading.setprofile(trace)  # the server thread starts below, with the profiler set
    try:
        # The X-Ray daemon on a free port, as the pytest fixture starts it: on the default port
        # (2000), taken by another process, functions would ask for its address on every call.
        server = BackgroundServer(Settings(host="127.0.0.1", port=0, state_dir=None,
                                           log_level="warning", request_log=False,
                                           xray_daemon_port=0)).start()
    finally:
        threading.setprofile(None)  # type: ignore[arg-type]
    try:
        emulator = EmulatorHandle(server)
        return {"rest": sorted(_rest_to_lambda(emulator, trace)),
                "connections": sorted(_at_connections(emulator, trace))}
    finally:
        server.stop()


@pytest.fixture(scope="module")
def paths() -> dict[str, list[str]]:
    """Measured in a fresh interpreter: what earlier tests left in this process (caches,
    threads, settings) must not change the count."""
    here = Path(__file__).parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(here), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(Path(__file__))], env=env, cwd=here,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_rest_api_to_lambda_request_stays_short(paths: dict[str, list[str]]) -> None:
    modules = paths["rest"]
    print(f"REST API -> Lambda: {len(modules)} modules: {modules}")
    assert "emulator.runtime.invoker" in modules  # the trace sees the path it measures
    assert len(modules) <= REST_TO_LAMBDA_MODULES, modules


def test_an_at_connections_call_stays_short(paths: dict[str, list[str]]) -> None:
    modules = paths["connections"]
    print(f"@connections: {len(modules)} modules: {modules}")
    assert "emulator.gateway.websocket.engine" in modules
    assert len(modules) <= CONNECTIONS_MODULES, modules


if __name__ == "__main__":
    print(json.dumps(measure()))
