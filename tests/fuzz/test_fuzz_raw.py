"""Malformed bytes rather than malformed members: for each service and protocol, a request
routed to a real operation whose body is broken (bad syntax, invalid UTF-8, lone surrogates,
nesting past any limit, 1 MB of garbage, the wrong protocol's document); and the API Gateway
data plane (REST proxy, REST with a mapping template, HTTP API) with malformed paths, headers
and bodies. Same judge: an AWS answer, never an undocumented 5xx, a hang or a logged error.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import boto3
import pytest
from fuzz_catalog import implemented, operation_model, streaming
from fuzz_client import Judge, Raw, authorization, documented_faults, serialise
from fuzz_profile import PROFILE
from fuzz_values import deep_json
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from wire_strategies import input_strategy

from emulator.server import BackgroundServer
from emulator.wire import specs

BODIES = [
    b"{", b"[", b"}", b"null", b"[]", b'"text"', b"\x00" * 64, b"\xff\xfe\xfd", b"\xc3\x28",
    b'{"a": "\\ud800"}', b'{"a": "\xed\xa0\x80"}', deep_json(10_000).encode(),
    deep_json(500, "{").encode(), b'{"a": 1e999999}', b'{"a": ' + b"9" * 5000 + b"}",
    b"<?xml version='1.0'?><x><y>", b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;&a;</x>",
    b"Action=&&&=%zz%", b"\xa1\x61\x61\xff", b"\x9f" * 100,  # CBOR: bad and unterminated
    b"x" * (1 << 20),
]


def _cases() -> list[Any]:
    """Every operation (long profile) or the first few of each service and protocol (fast)."""
    cases: list[Any] = []
    for service, name, _ in implemented():
        for protocol in specs.protocols(service):
            if streaming(operation_model(service, name)):
                continue
            cases.append(pytest.param(service, protocol, name,
                                      id=f"{service}-{protocol}-{name}"))
    if PROFILE.name == "long":
        return cases
    first: dict[tuple[str, str], int] = {}
    sample = []
    for case in cases:
        service, protocol, _ = case.values
        first[(service, protocol)] = first.get((service, protocol), 0) + 1
        if first[(service, protocol)] <= 2:
            sample.append(case)
    return sample


@pytest.mark.parametrize(("service", "protocol", "name"), _cases())
def test_malformed_bodies_get_an_aws_answer(service: str, protocol: str, name: str,
                                            judge: Judge, fuzz_server: BackgroundServer) -> None:
    operation = operation_model(service, name, protocol)
    allowed = documented_faults(operation)
    endpoint = fuzz_server.endpoint_url

    @settings(max_examples=max(PROFILE.raw_bodies_per_operation, 2), deadline=None,
              database=None, derandomize=PROFILE.name == "fast",
              suppress_health_check=list(HealthCheck))
    @given(input_strategy(operation), st.sampled_from(BODIES))
    def run(params: dict[str, Any], body: bytes) -> None:
        try:
            raw = serialise(operation, params, endpoint)
        except Exception:  # botocore itself cannot put this on the wire
            assume(False)
            return
        raw.body = body
        raw.headers.pop("Content-Length", None)
        judge.send(service, raw, allowed_5xx=allowed, what=f"{name} (raw body {body[:20]!r})")
        if judge.failures:
            failures, judge.failures[:] = list(judge.failures), []
            raise AssertionError("\n".join(failures))

    run()


# -- the API Gateway data plane --------------------------------------------------------------

HANDLER = """
def handler(event, context):
    return {"statusCode": 200, "body": "ok"}
"""
TEMPLATE = ('{"body": $input.json(\'$\'), "name": "$input.params(\'name\')", '
            '"path": "$util.escapeJavaScript($context.path)"}')
PATHS = ["", "/", "//", "/%", "/%zz", "/%00", "/%ed%a0%80", "/%ff%fe", "/..", "/../../x",
         "/" + "a" * 8000, "/a/" * 300, "/{x}", "/?name=%", "/?name=%ed%a0%80",
         "/?" + "a=1&" * 2000, "/;x", "/\u00e9"]
HEADER_VALUES = ["", "x" * 8000, "=?utf-8?q?=ED=A0=80?=", "%ed%a0%80", "a, b, , c",
                 "application/json; charset=nope", "multipart/form-data; boundary="]
HEADER_NAMES = ["Content-Type", "Accept", "Authorization", "X-Forwarded-For", "Cookie",
                "Content-Encoding", "X-Amz-Date", "Host-Header", "name"]


@pytest.fixture(scope="module")
def data_plane(fuzz_server: BackgroundServer) -> list[str]:
    """The paths of a REST proxy route, a REST route with mapping templates and an HTTP
    API route, all to one Lambda function."""
    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=fuzz_server.endpoint_url,
                            region_name="us-east-1", aws_access_key_id="test",
                            aws_secret_access_key="test")

    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("app.py", HANDLER)
    arn = client("lambda").create_function(
        FunctionName="fuzz-data-plane", Runtime="python3.12", Handler="app.handler",
        Role="arn:aws:iam::000000000000:role/fuzz",
        Code={"ZipFile": package.getvalue()})["FunctionArn"]
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"
    rest = client("apigateway")
    api = rest.create_rest_api(name="fuzz")
    proxy = rest.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                                 pathPart="{proxy+}")["id"]
    mapped = rest.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                                  pathPart="mapped")["id"]
    for resource, integration in (
            (proxy, {"type": "AWS_PROXY"}),
            (mapped, {"type": "AWS", "requestTemplates": {"application/json": TEMPLATE}})):
        rest.put_method(restApiId=api["id"], resourceId=resource, httpMethod="ANY",
                        authorizationType="NONE")
        rest.put_integration(restApiId=api["id"], resourceId=resource, httpMethod="ANY",
                             integrationHttpMethod="POST", uri=uri, **integration)
    rest.put_method_response(restApiId=api["id"], resourceId=mapped, httpMethod="ANY",
                             statusCode="200")
    rest.put_integration_response(restApiId=api["id"], resourceId=mapped, httpMethod="ANY",
                                  statusCode="200", responseTemplates={
                                      "application/json": "$input.json('$')"})
    rest.create_deployment(restApiId=api["id"], stageName="fuzz")
    http_api = client("apigatewayv2").create_api(Name="fuzz", ProtocolType="HTTP", Target=arn)
    return [f"/_aws/execute-api/{api['id']}/fuzz/p",
            f"/_aws/execute-api/{api['id']}/fuzz/mapped",
            f"/_aws/execute-api/{http_api['ApiId']}"]


# API Gateway's own answer when its integration fails, which is an AWS answer, not a fault:
# a body passed through to the Lambda integration that is not JSON is refused by Lambda, and
# an unhandled Lambda service exception is "Internal server error" (500)
# (https://repost.aws/knowledge-center/api-gateway-internal-server-error). A fault in the
# emulator still fails the judge: it has no such type, or logs an error.
GATEWAY_5XX = frozenset({"InternalServerErrorException"})


@pytest.mark.parametrize("route", ["rest-proxy", "rest-mapping-template", "http-api"])
def test_malformed_data_plane_requests_get_a_gateway_answer(
        route: str, data_plane: list[str], judge: Judge) -> None:
    base = data_plane[["rest-proxy", "rest-mapping-template", "http-api"].index(route)]

    @settings(max_examples=PROFILE.gateway_examples, deadline=None, database=None,
              derandomize=PROFILE.name == "fast", suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
           st.sampled_from(PATHS),
           st.dictionaries(st.sampled_from(HEADER_NAMES), st.sampled_from(HEADER_VALUES),
                           max_size=3),
           st.sampled_from(BODIES))
    def run(method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        if path.startswith("/?") and route != "http-api":
            path = "/x" + path[1:]
        raw = Raw(method, base + path, {"Authorization": authorization("execute-api"),
                                        **headers},
                  b"" if method in ("GET", "HEAD") else body)
        judge.send("apigateway-data-plane", raw, allowed_5xx=GATEWAY_5XX,
                   what=f"{route} {method} {path[:60]}")
        if judge.failures:
            failures, judge.failures[:] = list(judge.failures), []
            raise AssertionError("\n".join(failures))

    run()
