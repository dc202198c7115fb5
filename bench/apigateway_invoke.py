"""API Gateway invoke URLs: AWS_PROXY to a trivial in-process Lambda at concurrency 1 and 32,
a MOCK integration, a stage cache hit and a VTL-mapped non-proxy call, each against a bare
Starlette floor measured in the same run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from bench import servers
from bench.clients import ROLE, client, function_zip
from bench.results import Result, median
from bench.timing import alternate, per_call

FLOOR_MODULE = "bench.apigateway_floor"
CALLERS = 32
# The target: at least half the floor's speed, so at most twice its time.
TARGET = 2.0
HANDLER = """
def handler(event, context):
    return {"statusCode": 200, "body": '{"ok": true}'}

def plain(event, context):
    return {"ok": True, "name": event.get("name")}
"""


class Unavailable(Exception):
    """The emulator cannot answer the setup calls."""


def _setup(endpoint_url: str) -> str:
    """A stage with /proxy, /mock, /cached and /vtl; returns its base URL."""
    from botocore.exceptions import ClientError

    lambdas, gateway = client("lambda", endpoint_url), client("apigateway", endpoint_url)
    try:
        arns = {}
        for name, handler in (("bench-proxy", "app.handler"), ("bench-plain", "app.plain")):
            arns[name] = lambdas.create_function(
                FunctionName=name, Runtime="python3.11", Handler=handler,
                Role=ROLE, Code={"ZipFile": function_zip(HANDLER)},
                Tags={"emulator:executor": "inprocess"})["FunctionArn"]
        api = gateway.create_rest_api(name="bench")
    except ClientError as error:
        raise Unavailable(str(error)) from None
    api_id, root = api["id"], api["rootResourceId"]

    def uri(arn: str) -> str:
        return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"

    def method(part: str, integration: dict[str, Any], template: str | None = None) -> None:
        resource = gateway.create_resource(restApiId=api_id, parentId=root, pathPart=part)["id"]
        gateway.put_method(restApiId=api_id, resourceId=resource, httpMethod="GET",
                           authorizationType="NONE")
        gateway.put_integration(restApiId=api_id, resourceId=resource, httpMethod="GET",
                                **integration)
        if template is not None:
            gateway.put_method_response(restApiId=api_id, resourceId=resource,
                                        httpMethod="GET", statusCode="200")
            gateway.put_integration_response(
                restApiId=api_id, resourceId=resource, httpMethod="GET", statusCode="200",
                responseTemplates={"application/json": template})

    mock = {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}}
    method("proxy", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                     "uri": uri(arns["bench-proxy"])})
    method("mock", mock, '{"ok": true}')
    method("cached", mock, '{"ok": true}')
    method("vtl", {"type": "AWS", "integrationHttpMethod": "POST",
                   "uri": uri(arns["bench-plain"]),
                   "requestTemplates": {"application/json":
                                        '{"name": "$input.params(\'name\')"}'}},
           '#set($r = $input.path(\'$\')){"ok": $r.ok, "name": "$r.name"}')
    gateway.create_deployment(restApiId=api_id, stageName="bench", cacheClusterEnabled=True)
    gateway.update_stage(restApiId=api_id, stageName="bench", patchOperations=[
        {"op": "replace", "path": "/~1cached/GET/caching/enabled", "value": "true"},
        {"op": "replace", "path": "/~1cached/GET/caching/ttlInSeconds", "value": "3600"}])
    return f"{endpoint_url}/_aws/execute-api/{api_id}/bench"


def _getter(client: httpx.Client, url: str) -> Callable[[], None]:
    def call() -> None:
        reply = client.get(url)
        if reply.status_code != 200:
            raise RuntimeError(f"{url} answered {reply.status_code}; the benchmark is invalid")

    return call


def _throughput(url: str, total: int) -> float:
    """Seconds per request with CALLERS callers at once (each thread its own connection)."""
    clients = [httpx.Client() for _ in range(CALLERS)]
    try:
        for client in clients:
            client.get(url)
        return per_call(lambda i: _getter(clients[i % CALLERS], url)(), total, CALLERS)
    finally:
        for client in clients:
            client.close()


def run(calls: int, warmup: int) -> list[Result]:
    with (
        servers.emulator_and_floor(FLOOR_MODULE) as (our_server, floor_server),
        httpx.Client() as ours, httpx.Client() as floors,
    ):
        base = _setup(our_server.endpoint_url)
        floor_base = floor_server.endpoint_url
        cases = (("AWS_PROXY to an in-process Lambda, GET", "/proxy", "/call"),
                 ("MOCK integration, GET", "/mock", "/bare"),
                 ("stage cache hit, GET", "/cached", "/bare"),
                 ("VTL-mapped non-proxy Lambda, GET", "/vtl?name=x", "/call"))
        results: list[Result] = []
        for label, path, floor_path in cases:
            ours_call = _getter(ours, base + path)
            floor_call = _getter(floors, floor_base + floor_path)
            alternate(ours_call, floor_call, warmup)
            our_times, floor_times = alternate(ours_call, floor_call, calls)
            results.append(Result(f"API Gateway {label}, concurrency 1 (median)", "s",
                                  median(our_times), median(floor_times), TARGET, calls))
        total = calls * 2
        results.append(Result(
            f"API Gateway AWS_PROXY to an in-process Lambda, concurrency {CALLERS} "
            "(s per request)", "s", _throughput(base + "/proxy", total),
            _throughput(floor_base + "/call", total), TARGET, total))
        return results


__all__ = ["Unavailable", "run"]
