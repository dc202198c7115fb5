"""The pipeline with a fake function invoker and fake deployed APIs: each step in order, the
proxy event, AWS's 502 for a malformed answer, non-proxy error selection, and the timeout on
the emulator's clock."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from emulator.clock import Clock
from emulator.gateway.messages import GatewayRequest
from emulator.gateway.rest.deployed import DeployedStage, DomainMapping
from emulator.gateway.rest.engine import Gateway
from emulator.ports import InvokeResult, Ports

URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
       "arn:aws:lambda:us-east-1:000000000000:function:{name}/invocations")


@dataclass
class Snapshot:
    api: dict[str, Any]
    resources: dict[str, dict[str, Any]]
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    validators: dict[str, dict[str, Any]] = field(default_factory=dict)
    gateway_responses: dict[str, dict[str, Any]] = field(default_factory=dict)


class FakeApis:
    def __init__(self, resources: dict[str, dict[str, Any]], **stage: Any) -> None:
        self.snapshot = Snapshot({"id": "api1"}, resources)
        self.stage_doc = {"stageName": "dev", **stage}

    def stage(self, api_id: str, stage_name: str) -> DeployedStage | None:
        if (api_id, stage_name) != ("api1", "dev"):
            return None
        return DeployedStage("000000000000", "us-east-1", "api1", self.stage_doc, "d1",
                             self.snapshot)

    def api_exists(self, api_id: str) -> bool:
        return api_id == "api1"

    def domain(self, host: str) -> DomainMapping | None:
        return None

    def account_throttle(self, account: str, region: str) -> tuple[float, int]:
        return 10000.0, 5000


class FakeFunctions:
    def __init__(self, answer: Any, error: str | None = None, delay: float = 0.0) -> None:
        self.answer, self.error, self.delay = answer, error, delay
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def invoke(self, function: str, payload: bytes, **_: Any) -> InvokeResult:
        self.calls.append((function, json.loads(payload)))
        if self.delay:
            await asyncio.sleep(self.delay)
        return InvokeResult(200, json.dumps(self.answer).encode(), function_error=self.error)


def _gateway(resources: dict[str, dict[str, Any]], functions: FakeFunctions,
             clock: Clock | None = None, **stage: Any) -> Gateway:
    def resolve(name: str) -> object:
        if name != "functions":
            raise LookupError(name)  # no other service (CloudWatch for metrics) here
        return functions

    ports = Ports(resolve)
    return Gateway(FakeApis(resources, **stage), clock or Clock(), ports)


def _tree(method: dict[str, Any], path_part: str = "items") -> dict[str, dict[str, Any]]:
    return {"r": {"id": "r", "path": "/"},
            "c": {"id": "c", "parentId": "r", "pathPart": path_part, "path": f"/{path_part}",
                  "resourceMethods": {method["httpMethod"]: method}}}


def _run(gateway: Gateway, request: GatewayRequest) -> Any:
    return asyncio.run(gateway.handle("api1", "dev", request))


def test_aws_proxy_builds_the_event_and_reads_the_answer() -> None:
    functions = FakeFunctions({"statusCode": 201, "headers": {"X-A": "1"}, "body": "ok"})
    gateway = _gateway(_tree({"httpMethod": "POST", "methodIntegration": {
        "type": "AWS_PROXY", "httpMethod": "POST", "uri": URI.format(name="fn")}}), functions,
        variables={"v": "1"})
    reply = _run(gateway, GatewayRequest("POST", "/items", query=[("a", "1"), ("a", "2")],
                                         headers=[("Content-Type", "text/plain")],
                                         body=b"hi"))
    assert reply.status == 201 and reply.body == b"ok" and reply.header("X-A") == "1"
    function, event = functions.calls[0]
    assert function == "arn:aws:lambda:us-east-1:000000000000:function:fn"
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"]}
    assert event["queryStringParameters"] == {"a": "2"}
    assert event["body"] == "hi" and event["stageVariables"] == {"v": "1"}
    assert event["requestContext"]["path"] == "/dev/items"


def test_malformed_proxy_answer_is_a_502() -> None:
    gateway = _gateway(_tree({"httpMethod": "GET", "methodIntegration": {
        "type": "AWS_PROXY", "httpMethod": "POST", "uri": URI.format(name="fn")}}),
        FakeFunctions({"body": 5}))
    reply = _run(gateway, GatewayRequest("GET", "/items"))
    assert reply.status == 502
    assert json.loads(reply.body) == {"message": "Internal server error"}


def test_non_proxy_lambda_selects_the_error_response() -> None:
    functions = FakeFunctions({"errorMessage": "Bad thing: 42", "errorType": "ValueError"},
                              error="Unhandled")
    gateway = _gateway(_tree({"httpMethod": "GET", "methodIntegration": {
        "type": "AWS", "httpMethod": "POST", "uri": URI.format(name="fn"),
        "requestTemplates": {"application/json": '{"q": "$input.params(\'q\')"}'},
        "integrationResponses": {
            "200": {"statusCode": "200"},
            "400": {"statusCode": "400", "selectionPattern": "Bad thing.*",
                    "responseTemplates": {"application/json":
                                          '{"e": "$input.path(\'$.errorMessage\')"}'}}}}}),
        functions)
    reply = _run(gateway, GatewayRequest("GET", "/items", query=[("q", "x")]))
    assert functions.calls[0][1] == {"q": "x"}
    assert reply.status == 400 and json.loads(reply.body) == {"e": "Bad thing: 42"}


def test_no_matching_integration_response_is_a_configuration_error() -> None:
    gateway = _gateway(_tree({"httpMethod": "GET", "methodIntegration": {
        "type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 404}'},
        "integrationResponses": {"200": {"statusCode": "200", "selectionPattern": "200"}}}}),
        FakeFunctions(None))
    reply = _run(gateway, GatewayRequest("GET", "/items"))
    assert reply.status == 500


def test_integration_timeout_reads_the_clock() -> None:
    clock = Clock()
    functions = FakeFunctions({"statusCode": 200, "body": ""}, delay=60.0)
    gateway = _gateway(_tree({"httpMethod": "GET", "methodIntegration": {
        "type": "AWS_PROXY", "httpMethod": "POST", "uri": URI.format(name="fn"),
        "timeoutInMillis": 29000}}), functions, clock=clock)

    async def scenario() -> Any:
        task = asyncio.ensure_future(gateway.handle("api1", "dev",
                                                    GatewayRequest("GET", "/items")))
        await asyncio.sleep(0.05)
        clock.advance(30)
        return await task

    reply = asyncio.run(scenario())
    assert reply.status == 504
    assert json.loads(reply.body) == {"message": "Endpoint request timed out"}


def test_unknown_stage_and_api() -> None:
    gateway = _gateway(_tree({"httpMethod": "GET", "methodIntegration": {"type": "MOCK"}}),
                       FakeFunctions(None))
    assert asyncio.run(gateway.handle("api1", "nope", GatewayRequest("GET", "/"))).status == 403
    missing = asyncio.run(gateway.handle("other", "dev", GatewayRequest("GET", "/")))
    assert json.loads(missing.body) == {"message": "Forbidden"}
