"""HTTP APIs in front of HTTP backends and browsers: HTTP_PROXY with path variables and stage
variables, parameter mapping on the way in and out, CORS with automatic preflight,
throttling on the emulator's clock, and custom domain names with API mappings."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from http_api_support import ECHO, HttpApi, new_function, new_http_api
from http_backend import Backend, running_backend

from emulator.testing import EmulatorHandle


@pytest.fixture(scope="module")
def backend() -> Iterator[Backend]:
    with running_backend() as found:
        yield found


def _proxy_api(emulator: EmulatorHandle, backend: Backend, key: str, uri: str,
               **options: object) -> HttpApi:
    api = new_http_api(emulator, **options)  # type: ignore[arg-type]
    api.route(key, api.integration(IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
                                   IntegrationUri=uri))
    api.stage(StageVariables={"backend": backend.url.removeprefix("http://")})
    return api


def test_http_proxy_forwards_method_path_query_headers_and_body(
        emulator: EmulatorHandle, backend: Backend) -> None:
    api = _proxy_api(emulator, backend, "ANY /shop/{proxy+}",
                     "http://${stageVariables.backend}/upstream/{proxy}")
    reply = api.request("PUT", "/shop/items/7?a=1&a=2", content=b"payload",
                        headers={"X-Client": "c"})
    assert reply.status_code == 200 and reply.headers["x-backend"] == "yes"
    seen = reply.json()
    assert seen["method"] == "PUT" and seen["path"] == "/upstream/items/7"
    assert seen["query"] == [["a", "1"], ["a", "2"]]
    assert seen["headers"]["x-client"] == "c" and seen["body"] == "payload"
    assert "for=127.0.0.1" in seen["headers"]["forwarded"]
    created = api.request("POST", "/shop/x?status=201")
    assert created.status_code == 201  # the backend's status passes through


def test_parameter_mapping_changes_requests_and_responses(emulator: EmulatorHandle,
                                                          backend: Backend) -> None:
    api = new_http_api(emulator)
    integration = api.integration(
        IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
        IntegrationUri=f"{backend.url}/original",
        RequestParameters={
            "append:header.x-trace": "$request.header.x-first",
            "overwrite:header.x-stage": "stage-${stageVariables.tier}",
            "remove:header.x-secret": "''",
            "append:querystring.extra": "$request.body.item.name",
            "overwrite:querystring.mode": "fixed",
            "remove:querystring.drop": "''",
            "overwrite:path": "/rewritten/$request.path.id",
        },
        ResponseParameters={
            "200": {"overwrite:statuscode": "202",
                    "append:header.x-request": "$context.requestId",
                    "overwrite:header.x-from-body": "$response.body.method",
                    "remove:header.x-backend": "''"},
        })
    api.route("POST /items/{id}", integration)
    api.stage(StageVariables={"tier": "gold"})
    reply = api.request("POST", "/items/9?mode=client&drop=1&keep=1",
                        json={"item": {"name": "lamp"}},
                        headers={"x-first": "one", "x-secret": "s", "x-trace": "zero"})
    assert reply.status_code == 202
    assert reply.headers["x-request"] == reply.headers["apigw-requestid"]
    assert reply.headers["x-from-body"] == "POST"
    assert "x-backend" not in reply.headers
    seen = backend.requests[-1]
    assert seen["path"] == "/rewritten/9"
    assert seen["headers"]["x-trace"] == "zero,one"
    assert seen["headers"]["x-stage"] == "stage-gold"
    assert "x-secret" not in seen["headers"]
    assert sorted(map(tuple, seen["query"])) == [("extra", "lamp"), ("keep", "1"),
                                                 ("mode", "fixed")]


def test_cors_preflight_is_answered_from_the_api_configuration(
        emulator: EmulatorHandle, backend: Backend) -> None:
    cors = {"AllowOrigins": ["https://shop.example"], "AllowMethods": ["GET", "POST"],
            "AllowHeaders": ["Content-Type", "X-Api-Key"], "ExposeHeaders": ["X-Backend"],
            "MaxAge": 600, "AllowCredentials": True}
    api = _proxy_api(emulator, backend, "GET /items", f"{backend.url}/items",
                     CorsConfiguration=cors)
    asked = {"Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "content-type"}
    before = len(backend.requests)
    preflight = api.request("OPTIONS", "/items", headers=asked)
    assert preflight.status_code == 204 and preflight.content == b""
    assert preflight.headers["access-control-allow-origin"] == "https://shop.example"
    assert preflight.headers["access-control-allow-methods"] == "GET,POST"
    assert preflight.headers["access-control-allow-headers"] == "content-type,x-api-key"
    assert preflight.headers["access-control-max-age"] == "600"
    assert preflight.headers["access-control-allow-credentials"] == "true"
    # No OPTIONS route exists, and the backend never saw the preflight.
    assert api.request("OPTIONS", "/nowhere", headers=asked).status_code == 204
    assert len(backend.requests) == before
    stranger = api.request("OPTIONS", "/items", headers={**asked, "Origin": "https://x.test"})
    assert "access-control-allow-origin" not in stranger.headers
    reply = api.get("/items", headers={"Origin": "https://shop.example"})
    assert reply.status_code == 200
    assert reply.headers["access-control-allow-origin"] == "https://shop.example"
    assert reply.headers["access-control-expose-headers"] == "x-backend"
    plain = api.get("/items")  # the backend's own CORS header is dropped
    assert "access-control-allow-origin" not in plain.headers


def test_cors_wildcard_origin(emulator: EmulatorHandle, backend: Backend) -> None:
    api = _proxy_api(emulator, backend, "GET /items", f"{backend.url}/items",
                     CorsConfiguration={"AllowOrigins": ["*"], "AllowMethods": ["*"]})
    reply = api.request("OPTIONS", "/items", headers={
        "Origin": "https://any.example", "Access-Control-Request-Method": "DELETE"})
    assert reply.headers["access-control-allow-origin"] == "*"
    assert reply.headers["access-control-allow-methods"] == "*"


def test_throttling_by_stage_and_route_settings_on_the_clock(emulator: EmulatorHandle
                                                             ) -> None:
    api = new_http_api(emulator)
    integration = api.lambda_integration(new_function(emulator, ECHO))
    api.route("GET /slow", integration)
    api.route("GET /fast", integration)
    # One token every 100 s: a slow machine's real seconds between requests refill nothing.
    api.stage(DefaultRouteSettings={"ThrottlingBurstLimit": 2, "ThrottlingRateLimit": 0.01},
              RouteSettings={"GET /fast": {"ThrottlingBurstLimit": 5,
                                           "ThrottlingRateLimit": 100.0}})
    emulator.clock.freeze()  # no refill between requests on a slow machine
    try:
        assert [api.get("/slow").status_code for _ in range(3)] == [200, 200, 429]
        limited = api.get("/slow")
        assert limited.json() == {"message": "Too Many Requests"}
        assert [api.get("/fast").status_code for _ in range(5)] == [200] * 5
        emulator.clock.advance(100.0)
        assert api.get("/slow").status_code == 200
        assert api.get("/slow").status_code == 429
    finally:
        emulator.clock.reset()


def test_custom_domain_names_reach_apis_through_their_mappings(emulator: EmulatorHandle
                                                               ) -> None:
    orders = new_http_api(emulator, name="orders")
    orders.route("GET /list", orders.lambda_integration(new_function(emulator, ECHO), "1.0"))
    orders.stage()
    root = new_http_api(emulator, name="root")
    root.route("$default", root.lambda_integration(new_function(emulator, ECHO)))
    root.stage(StageName="live")
    client = orders.client
    client.create_domain_name(DomainName="api.store.test")
    client.create_api_mapping(DomainName="api.store.test", ApiId=orders.id, Stage="$default",
                              ApiMappingKey="orders/v1")
    client.create_api_mapping(DomainName="api.store.test", ApiId=root.id, Stage="live")
    try:
        mapped = httpx.get(f"{emulator.endpoint_url}/orders/v1/list?x=1",
                           headers={"Host": "api.store.test"})
        assert mapped.status_code == 200
        event = mapped.json()
        assert event["resource"] == "/list"
        assert event["path"] == "/orders/v1/list"  # payload 1.0 keeps the mapping key
        assert event["requestContext"]["domainName"] == "api.store.test"
        fallback = httpx.get(f"{emulator.endpoint_url}/else/where",
                             headers={"Host": "api.store.test"})
        assert fallback.status_code == 200
        assert fallback.json()["rawPath"] == "/else/where"
        assert fallback.json()["requestContext"]["stage"] == "live"
    finally:
        client.delete_domain_name(DomainName="api.store.test")


def test_disabled_execute_api_endpoint_and_unknown_stage(emulator: EmulatorHandle) -> None:
    api = new_http_api(emulator, DisableExecuteApiEndpoint=True)
    api.route("GET /a", api.lambda_integration(new_function(emulator, ECHO)))
    api.stage()
    assert api.get("/a").status_code == 403
    other = new_http_api(emulator)
    other.route("GET /a")
    assert other.get("/a").status_code == 404  # no stage at all


def test_access_logs_follow_the_stage_format(emulator: EmulatorHandle) -> None:
    """A stage's AccessLogSettings write one line per request to the log group its
    DestinationArn names (a log group ARN as CloudFormation's Fn::GetAtt gives it, ":*" and
    all), the format's $context variables filled, "-" for those without a value
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html,
    https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html)."""
    logs = emulator.client("logs")
    api = new_http_api(emulator)
    group = f"/{api.id}/access"
    logs.create_log_group(logGroupName=group)
    api.route("GET /items/{id}", api.lambda_integration(new_function(emulator, ECHO)))
    fields = ("requestId", "routeKey", "status", "integrationStatus", "responseLength",
              "httpMethod", "path", "error.message")
    api.stage(AccessLogSettings={
        "DestinationArn": f"arn:aws:logs:{emulator.region}:000000000000:log-group:{group}:*",
        "Format": "{" + ",".join(f'"{f}":"$context.{f}"' for f in fields) + "}"})
    found = api.get("/items/7")
    missing = api.get("/nowhere")
    assert missing.status_code == 404
    lines = [json.loads(e["message"]) for e in logs.filter_log_events(
        logGroupName=group)["events"]]
    assert lines == [
        {"requestId": found.headers["apigw-requestid"], "routeKey": "GET /items/{id}",
         "status": "200", "integrationStatus": "200",
         "responseLength": str(len(found.content)), "httpMethod": "GET",
         "path": "/items/7", "error.message": "-"},
        {"requestId": missing.headers["apigw-requestid"], "routeKey": "-", "status": "404",
         "integrationStatus": "-", "responseLength": str(len(missing.content)),
         "httpMethod": "GET", "path": "/nowhere", "error.message": "Not Found"}]
