"""API Gateway -> Lambda with X-Ray tracing on against the same route with tracing off, in
the same emulator and run: sequential calls and 16 callers at once. Tracing on means every
request is sampled (a rule with FixedRate 1), so the stage and both Lambda segments are
written for each call: the worst case. Target: at least 80% of the untraced throughput."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from bench import clients, servers
from bench.clients import ROLE, function_zip
from bench.results import Result, median
from bench.timing import alternate, per_call

CALLERS = 16
TARGET = 1 / 0.8  # at least 80% of the throughput: at most 1.25x the time
HANDLER = "def handler(event, context):\n    return {'statusCode': 200, 'body': 'ok'}\n"


class Unavailable(Exception):
    """The emulator cannot answer the setup calls."""


def _setup(endpoint_url: str) -> tuple[str, str]:
    """Two stages of one API, traced and plain, on one Lambda; their route URLs."""
    from botocore.exceptions import ClientError

    lambdas = clients.client("lambda", endpoint_url)
    gateway = clients.client("apigateway", endpoint_url)
    try:
        arn = lambdas.create_function(
            FunctionName="bench-traced", Runtime="python3.11", Handler="app.handler",
            Role=ROLE, Code={"ZipFile": function_zip(HANDLER)},
            Tags={"emulator:executor": "inprocess"})["FunctionArn"]
        api = gateway.create_rest_api(name="bench-xray")
        clients.client("xray", endpoint_url).create_sampling_rule(SamplingRule={
            "RuleName": "bench-all", "ResourceARN": "*", "Priority": 1, "FixedRate": 1.0,
            "ReservoirSize": 0, "ServiceName": "*", "ServiceType": "*", "Host": "*",
            "HTTPMethod": "*", "URLPath": "*", "Version": 1})
    except ClientError as error:
        raise Unavailable(str(error)) from None
    api_id = api["id"]
    resource = gateway.create_resource(restApiId=api_id, parentId=api["rootResourceId"],
                                       pathPart="call")["id"]
    gateway.put_method(restApiId=api_id, resourceId=resource, httpMethod="GET",
                       authorizationType="NONE")
    gateway.put_integration(
        restApiId=api_id, resourceId=resource, httpMethod="GET", type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations")
    gateway.create_deployment(restApiId=api_id, stageName="plain")
    gateway.create_deployment(restApiId=api_id, stageName="traced", tracingEnabled=True)
    base = f"{endpoint_url}/_aws/execute-api/{api_id}"
    return f"{base}/traced/call", f"{base}/plain/call"


def _caller(client: httpx.Client, url: str, traced: bool) -> Callable[[], None]:
    def call() -> None:
        reply = client.get(url)
        if reply.status_code != 200 or (traced != ("X-Amzn-Trace-Id" in reply.headers)):
            raise RuntimeError(f"{url} answered {reply.status_code}; the benchmark is invalid")

    return call


def _throughput(url: str, traced: bool, total: int) -> float:
    clients = [httpx.Client() for _ in range(CALLERS)]
    try:
        return per_call(lambda i: _caller(clients[i % CALLERS], url, traced)(), total, CALLERS)
    finally:
        for client in clients:
            client.close()


def run(calls: int, warmup: int) -> list[Result]:
    port = servers.free_port()
    command = [*servers.emulator_command(port), "--xray-daemon-port", "-1",
               "--log-level", "warning", "--no-request-log"]
    with servers.started(command, port) as server, httpx.Client() as client:
        traced_url, plain_url = _setup(server.endpoint_url)
        traced, plain = _caller(client, traced_url, True), _caller(client, plain_url, False)
        alternate(traced, plain, warmup)
        ours, floor = alternate(traced, plain, calls)
        total = calls * 2
        # Rounds alternate, so a busy moment of the machine costs both sides.
        rounds = [(_throughput(plain_url, False, total), _throughput(traced_url, True, total))
                  for _ in range(3)]
        busy_floor = min(plain for plain, _ in rounds)
        busy_ours = min(traced for _, traced in rounds)
        stored = len(clients.client("xray", server.endpoint_url).get_trace_summaries(
            StartTime=time.time() - 3600, EndTime=time.time() + 60)["TraceSummaries"])
        if stored == 0:
            raise RuntimeError("no trace was recorded; the benchmark is invalid")
    return [
        Result("API Gateway -> Lambda, X-Ray tracing on vs off, concurrency 1 (median)", "s",
               median(ours), median(floor), TARGET, calls),
        Result(f"API Gateway -> Lambda, X-Ray tracing on vs off, concurrency {CALLERS} "
               "(per request)", "s", busy_ours, busy_floor, TARGET, total),
    ]


__all__ = ["Unavailable", "run"]
