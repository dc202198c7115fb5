"""The console's pages with 1,000 functions, 10,000 executions and 10,000 traces loaded: each
page's first render (server time, from its Server-Timing header) against the 300 ms budget."""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import httpx

from bench import clients, servers
from bench.clients import ROLE, function_zip
from bench.results import Result, median

FUNCTIONS = 1_000
EXECUTIONS = 10_000
TRACES = 10_000
BUDGET = 0.300
LOADERS = 8
CONSOLE = "/_emulator/console/"
HANDLER = "def handler(event, context):\n    print('hello')\n    return event\n"
MACHINE = {"StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "End": True}}}


def _load_functions(endpoint: str, count: int) -> None:
    code = function_zip(HANDLER)

    def create(index: int) -> None:
        lambdas = clients.client("lambda", endpoint)
        for n in range(index, count, LOADERS):
            lambdas.create_function(FunctionName=f"fn-{n:04d}", Runtime="python3.12",
                                    Role=ROLE, Handler="app.handler", Code={"ZipFile": code})

    with ThreadPoolExecutor(LOADERS) as pool:
        list(pool.map(create, range(LOADERS)))
    clients.client("lambda", endpoint).invoke(FunctionName="fn-0000", Payload=b"{}")


def _load_executions(endpoint: str, count: int) -> str:
    arn: str = clients.client("stepfunctions", endpoint).create_state_machine(
        name="bench-pass", definition=json.dumps(MACHINE), roleArn=ROLE)["stateMachineArn"]

    def start(index: int) -> None:
        sfn = clients.client("stepfunctions", endpoint)
        for n in range(index, count, LOADERS):
            sfn.start_execution(stateMachineArn=arn, name=f"run-{n:05d}", input="{}")

    with ThreadPoolExecutor(LOADERS) as pool:
        list(pool.map(start, range(LOADERS)))
    return arn


def _load_traces(endpoint: str, count: int) -> str:
    """``count`` traces over the last minute, each a segment calling DynamoDB; the newest's
    id."""
    xray = clients.client("xray", endpoint)
    now = time.time()

    def trace_id(n: int, began: float) -> str:
        return f"1-{int(began):08x}-{n:024x}"

    for start in range(0, count, 1_000):
        documents = []
        for n in range(start, min(count, start + 1_000)):
            began = now - 60 + n / count * 60
            documents.append(json.dumps({
                "name": f"service-{n % 20}", "id": f"{n + 1:016x}",
                "trace_id": trace_id(n, began), "start_time": began,
                "end_time": began + (n % 50) / 1000,
                "http": {"request": {"method": "GET", "url": f"https://shop/{n % 100}"},
                         "response": {"status": 500 if n % 20 == 0 else 200}},
                "subsegments": [{"id": f"{n + 1:08x}{0:08x}", "name": "DynamoDB",
                                 "namespace": "aws", "start_time": began,
                                 "end_time": began + 0.001}]}))
        xray.put_trace_segments(TraceSegmentDocuments=documents)
    return trace_id(count - 1, now - 60 + (count - 1) / count * 60)


def _server_time(reply: httpx.Response) -> float:
    if reply.status_code != 200:
        raise RuntimeError(f"{reply.request.url} answered {reply.status_code}")
    found = re.search(r"dur=([\d.]+)", reply.headers.get("server-timing", ""))
    if found is None:
        raise RuntimeError(f"{reply.request.url} has no Server-Timing header")
    return float(found.group(1)) / 1000


def run(renders: int = 3, functions: int = FUNCTIONS, executions: int = EXECUTIONS,
        traces: int = TRACES) -> list[Result]:
    port = servers.free_port()
    command = [*servers.emulator_command(port), "--xray-daemon-port", "-1",
               "--log-level", "warning", "--no-request-log",
               # Every execution loaded stays listed (the default keeps 200).
               "--sfn-max-executions", str(executions)]
    with servers.started(command, port) as server, \
            httpx.Client(base_url=server.endpoint_url, timeout=120) as browser:
        endpoint = server.endpoint_url
        _load_functions(endpoint, functions)
        machine = _load_executions(endpoint, executions)
        trace = _load_traces(endpoint, traces)
        execution = machine.replace(":stateMachine:", ":execution:") + ":run-00000"
        pages = {
            "overview": "", "requests": "requests/", "Lambda functions": "lambda/",
            "Lambda function": "lambda/fn-0000", "state machines": "states/",
            "state machine": "states/machines/bench-pass",
            "execution": f"states/execution?arn={quote(execution)}",
            "X-Ray traces": "xray/", "trace waterfall": f"xray/traces/{trace}",
            "service map": "xray/map", "API Gateway": "apigateway/",
            "queues and topics": "messaging/",
        }
        results = []
        for title, path in pages.items():
            first = _server_time(browser.get(CONSOLE + path))
            again = [_server_time(browser.get(CONSOLE + path)) for _ in range(renders)]
            results.append(Result(
                f"Console {title} page, first render with {functions:,} functions, "
                f"{executions:,} executions, {traces:,} traces (budget "
                f"{BUDGET * 1000:.0f} ms)", "s", first, BUDGET, 1.0, 1))
            results.append(Result(f"Console {title} page, later renders (median)", "s",
                                  median(again), BUDGET, None, renders))
        portal = _server_time(browser.get("/_emulator/portal/"))
        results.append(Result(f"Developer portal catalogue, first render (budget "
                              f"{BUDGET * 1000:.0f} ms)", "s", portal, BUDGET, 1.0, 1))
    return results


__all__ = ["run"]
