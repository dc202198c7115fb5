"""Throughput under concurrency, measured by wrk at 1, 8 and 32 connections: API Gateway's
data plane (REST AWS_PROXY, HTTP API payload 2.0, MOCK, a stage cache hit, AWS_PROXY to a
process-executor function), SQS SendMessage and Lambda Invoke, each against its floor.

Floor and subject runs alternate pair by pair (who goes first swaps each round), and each line
is the median of its rounds, so a busy moment of a shared machine costs both sides. Each line
also reports the CPU time each server (with its worker processes) spent per request at 32
connections: on a loaded machine requests/s moves with what else runs, the CPU a request
costs much less.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from bench import servers, wrk
from bench.apigateway_invoke import Unavailable
from bench.clients import ROLE, client, function_zip
from bench.machine import load_average, tree_cpu_seconds
from bench.results import RATE, Result
from bench.sqs_floor import CANNED_BODY

FLOOR_MODULE = "bench.throughput_floor"
CONNECTIONS = (1, 8, 32)
# The targets at 32 connections: requests/s as a share of the floor's, and p99.
P99_TARGET = 3.0
HANDLER = """
def handler(event, context):
    return {"statusCode": 200, "body": '{"ok": true}'}
"""
# What boto3 sends besides the body; the signature is not checked on this side.
SCOPE = "Credential=test/20250101/us-east-1/{service}/aws4_request, SignedHeaders=host, " \
    "Signature=0"


def _signed(service: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"AWS4-HMAC-SHA256 {SCOPE.format(service=service)}",
            "X-Amz-Date": "20250101T000000Z", **headers}


@dataclass
class Line:
    """One subject against its floor, with the targets it is held to at 32 connections."""

    label: str
    ours: wrk.Request
    floor: wrk.Request
    target: float | None
    p99_target: float | None = P99_TARGET
    rates: dict[int, list[tuple[float, float]]] = field(default_factory=dict)
    p99s: list[tuple[float, float]] = field(default_factory=list)
    cpu: list[tuple[float, float]] = field(default_factory=list)  # seconds per request
    loads: list[float] = field(default_factory=list)


def _setup(endpoint_url: str) -> dict[str, str]:
    """Functions, a REST API, an HTTP API and a queue; the URLs and bodies the lines call."""
    from botocore.exceptions import ClientError

    lambdas = client("lambda", endpoint_url)
    rest, http = client("apigateway", endpoint_url), client("apigatewayv2", endpoint_url)
    try:
        arns = {executor: lambdas.create_function(
            FunctionName=f"bench-tp-{executor}", Runtime="python3.11", Handler="app.handler",
            Role=ROLE, Code={"ZipFile": function_zip(HANDLER)},
            Tags={"emulator:executor": executor})["FunctionArn"]
            for executor in ("inprocess", "process")}
        api = rest.create_rest_api(name="bench-throughput")
        http_api = http.create_api(Name="bench-throughput", ProtocolType="HTTP")["ApiId"]
        queue_url = client("sqs", endpoint_url).create_queue(
            QueueName="bench-throughput")["QueueUrl"]
    except ClientError as error:
        raise Unavailable(str(error)) from None
    api_id = api["id"]

    def uri(arn: str) -> str:
        return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"

    def method(part: str, integration: dict[str, Any]) -> None:
        resource = rest.create_resource(restApiId=api_id, parentId=api["rootResourceId"],
                                        pathPart=part)["id"]
        rest.put_method(restApiId=api_id, resourceId=resource, httpMethod="GET",
                        authorizationType="NONE")
        rest.put_integration(restApiId=api_id, resourceId=resource, httpMethod="GET",
                             **integration)
        if integration["type"] == "MOCK":
            rest.put_method_response(restApiId=api_id, resourceId=resource, httpMethod="GET",
                                     statusCode="200")
            rest.put_integration_response(
                restApiId=api_id, resourceId=resource, httpMethod="GET", statusCode="200",
                responseTemplates={"application/json": '{"ok": true}'})

    for part, executor in (("proxy", "inprocess"), ("process", "process")):
        method(part, {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                      "uri": uri(arns[executor])})
    for part in ("mock", "cached"):
        method(part, {"type": "MOCK",
                      "requestTemplates": {"application/json": '{"statusCode": 200}'}})
    rest.create_deployment(restApiId=api_id, stageName="bench", cacheClusterEnabled=True)
    rest.update_stage(restApiId=api_id, stageName="bench", patchOperations=[
        {"op": "replace", "path": "/~1cached/GET/caching/enabled", "value": "true"},
        {"op": "replace", "path": "/~1cached/GET/caching/ttlInSeconds", "value": "3600"}])
    integration = http.create_integration(
        ApiId=http_api, IntegrationType="AWS_PROXY", IntegrationUri=arns["inprocess"],
        PayloadFormatVersion="2.0")["IntegrationId"]
    http.create_route(ApiId=http_api, RouteKey="GET /call", Target=f"integrations/{integration}")
    http.create_stage(ApiId=http_api, StageName="$default", AutoDeploy=True)
    execute = f"{endpoint_url}/_aws/execute-api"
    return {"rest": f"{execute}/{api_id}/bench", "http": f"{execute}/{http_api}/call",
            "queue": queue_url}


def _lines(ours: str, floor: str, made: dict[str, str]) -> list[Line]:
    def get(url: str) -> wrk.Request:
        return wrk.Request(url)

    def send(endpoint: str, queue_url: str) -> wrk.Request:
        return wrk.Request(
            f"{endpoint}/", "POST", json.dumps({"QueueUrl": queue_url, "MessageBody": CANNED_BODY}),
            _signed("sqs", **{"Content-Type": "application/x-amz-json-1.0",
                              "X-Amz-Target": "AmazonSQS.SendMessage"}))

    def invoke(endpoint: str) -> wrk.Request:
        return wrk.Request(f"{endpoint}/2015-03-31/functions/bench-tp-inprocess/invocations",
                           "POST", "{}", _signed("lambda"))

    rest = made["rest"]
    return [
        Line("REST API AWS_PROXY to an in-process Lambda, GET", get(f"{rest}/proxy"),
             get(f"{floor}/call"), 0.5),
        Line("HTTP API Lambda proxy (payload 2.0), in-process, GET", get(made["http"]),
             get(f"{floor}/call"), 0.5),
        Line("REST API MOCK integration, GET", get(f"{rest}/mock"), get(f"{floor}/bare"), 0.7),
        Line("REST API stage cache hit, GET", get(f"{rest}/cached"), get(f"{floor}/bare"), 0.7),
        Line("SQS SendMessage (json protocol)", send(ours, made["queue"]),
             send(floor, made["queue"]), 0.8),
        Line("Lambda Invoke, in-process (json over HTTP)", invoke(ours), invoke(floor), 0.5,
             None),
        Line("REST API AWS_PROXY to a process-executor Lambda, GET", get(f"{rest}/process"),
             get(f"{floor}/call"), 0.35, None),
    ]


def _run(request: wrk.Request, pid: int, connections: int, seconds: float
         ) -> tuple[wrk.Run, float | None]:
    """One wrk run, and the CPU seconds the server spent per request meanwhile."""
    before = tree_cpu_seconds(pid)
    run = wrk.run(request, connections, seconds)
    after = tree_cpu_seconds(pid)
    if before is None or after is None or not run.requests:
        return run, None
    return run, (after - before) / run.requests


def _measure(line: Line, pids: tuple[int, int], connections: int, seconds: float,
             floor_first: bool) -> None:
    sides = [(line.floor, pids[1]), (line.ours, pids[0])]
    if not floor_first:
        sides.reverse()
    runs = {id(request): _run(request, pid, connections, seconds) for request, pid in sides}
    (ours, our_cpu), (floor, floor_cpu) = runs[id(line.ours)], runs[id(line.floor)]
    line.rates.setdefault(connections, []).append((ours.per_second, floor.per_second))
    if connections == max(CONNECTIONS):
        line.p99s.append((ours.p99, floor.p99))
        if our_cpu is not None and floor_cpu is not None and floor_cpu > 0:
            line.cpu.append((our_cpu, floor_cpu))
    load = load_average()
    if load is not None:
        line.loads.append(load)


def _results(line: Line, rounds: int) -> list[Result]:
    load = median(line.loads) if line.loads else None
    results = []
    for connections, pairs in line.rates.items():
        results.append(Result(
            f"{line.label}, {connections} connection{'s' if connections > 1 else ''} (req/s)",
            RATE, median(ours for ours, _ in pairs), median(floor for _, floor in pairs),
            line.target if connections == max(CONNECTIONS) else None, rounds, load))
    results.append(Result(
        f"{line.label}, {max(CONNECTIONS)} connections (p99)", "s",
        median(ours for ours, _ in line.p99s), median(floor for _, floor in line.p99s),
        line.p99_target, rounds, load))
    if line.cpu:
        results.append(Result(
            f"{line.label}, {max(CONNECTIONS)} connections (CPU per request)", "s",
            median(ours for ours, _ in line.cpu), median(floor for _, floor in line.cpu),
            None, rounds, load))
    return results


def _warm(request: wrk.Request, seconds: float, runs: int = 6) -> None:
    """Load ``request`` until its rate settles: environments started (a process executor
    starts one worker per concurrent request, slowly on a busy machine), routers built,
    caches filled. At most ``runs`` runs."""
    previous = 0.0
    for _ in range(runs):
        rate = wrk.run(request, max(CONNECTIONS), seconds, check=False).per_second
        if previous and abs(rate - previous) <= 0.25 * max(rate, previous):
            return
        previous = rate


def run(rounds: int, seconds: float) -> list[Result]:
    """``rounds`` alternating pairs of ``seconds``-long wrk runs per line and connection count;
    each line reports the medians."""
    wrk.executable()
    with servers.emulator_and_floor(FLOOR_MODULE) as (our_server, floor_server):
        made = _setup(our_server.endpoint_url)
        lines = _lines(our_server.endpoint_url, floor_server.endpoint_url, made)
        for line in lines:
            for request in (line.ours, line.floor):
                _warm(request, seconds)
        pids = (our_server.process.pid, floor_server.process.pid)
        for round_number in range(rounds):
            for index, line in enumerate(lines):
                for connections in CONNECTIONS:
                    _measure(line, pids, connections, seconds, (round_number + index) % 2 == 0)
    return [result for line in lines for result in _results(line, rounds)]


__all__ = ["run"]
