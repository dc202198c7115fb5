"""The data plane's parts without HTTP: routing precedence, the stage cache and token buckets
on a moved clock, gateway response layering, and patch operations."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.clock import Clock
from emulator.errors import ServiceError
from emulator.gateway.messages import GatewayResponse
from emulator.gateway.rest import responses
from emulator.gateway.rest.cache import StageCache
from emulator.gateway.rest.routes import Router
from emulator.gateway.throttling import Throttles
from emulator.services.apigateway import patch


def _resources(*paths: tuple[str, list[str]]) -> dict[str, dict[str, Any]]:
    resources: dict[str, dict[str, Any]] = {"root": {"id": "root", "path": "/"}}
    for path, methods in paths:
        parent = "root"
        current = ""
        for part in [p for p in path.split("/") if p]:
            current += "/" + part
            if current not in resources:
                resources[current] = {"id": current, "parentId": parent, "pathPart": part,
                                      "path": current}
            parent = current
        target = resources[parent]
        target["resourceMethods"] = {m: {"httpMethod": m} for m in methods}
    return resources


def test_routing_precedence_and_parameters() -> None:
    router = Router(_resources(("/a/b", ["GET"]), ("/a/{x}", ["GET", "ANY"]),
                               ("/{proxy+}", ["ANY"]), ("/", ["GET"])))
    found = router.match("GET", "/a/b")
    assert found is not None and found.resource["path"] == "/a/b"
    found = router.match("GET", "/a/zz")
    assert found is not None and found.path_params == {"x": "zz"}
    assert found.method["httpMethod"] == "GET"
    found = router.match("POST", "/a/zz")
    assert found is not None and found.method["httpMethod"] == "ANY"
    found = router.match("POST", "/a/b")  # /a/b has no POST: the variable route's ANY
    assert found is not None and found.resource["path"] == "/a/{x}"
    found = router.match("GET", "/a/b/c/d")
    assert found is not None and found.path_params == {"proxy": "a/b/c/d"}
    found = router.match("GET", "/")
    assert found is not None and found.resource["path"] == "/"
    assert Router(_resources(("/only", ["GET"]))).match("GET", "/other") is None


def test_stage_cache_ttl_follows_the_clock() -> None:
    clock = Clock()
    cache = StageCache(clock)
    reply = GatewayResponse(200, [], b"x")
    cache.put("api", "dev", ("k",), 10, reply)
    assert cache.get("api", "dev", ("k",)) is reply
    clock.advance(9.9)
    assert cache.get("api", "dev", ("k",)) is reply
    clock.advance(0.2)
    assert cache.get("api", "dev", ("k",)) is None
    assert cache.hits[("api", "dev")] == 2 and cache.misses[("api", "dev")] == 1
    cache.put("api", "dev", ("k",), 0, reply)  # a TTL of 0 disables caching
    assert cache.size("api", "dev") == 0
    cache.put("api", "dev", ("k",), 5, reply)
    cache.flush("api", "dev")
    assert cache.get("api", "dev", ("k",)) is None


def test_token_bucket_burst_and_refill() -> None:
    clock = Clock()
    throttles = Throttles(clock)
    key = ("a", "api", "dev", "*/*")
    assert [throttles.allow(key, 2.0, 3) for _ in range(4)] == [True, True, True, False]
    clock.advance(0.5)
    assert throttles.allow(key, 2.0, 3) is True
    assert throttles.allow(key, 2.0, 3) is False
    clock.advance(10)
    assert [throttles.allow(key, 2.0, 3) for _ in range(4)] == [True, True, True, False]


def test_gateway_response_layers() -> None:
    assert responses.effective("THROTTLED", 429, {}) == (429, {}, responses.DEFAULT_TEMPLATE)
    custom = {
        "DEFAULT_4XX": {"statusCode": "400", "responseParameters": {"h": "'1'"},
                        "responseTemplates": {"application/json": "four"}},
        "THROTTLED": {"responseParameters": {"t": "'2'"}},
    }
    status, parameters, templates = responses.effective("THROTTLED", 429, custom)
    assert (status, parameters, templates) == (400, {"h": "'1'", "t": "'2'"},
                                               {"application/json": "four"})
    assert responses.effective("DEFAULT_5XX", 502, custom)[0] == 502


def test_patch_operations_as_aws_applies_them() -> None:
    doc: dict[str, Any] = {"name": "a", "variables": {"x": "1"}}
    paths = {"/name": patch.Path(), "/variables": patch.Path(patch.MAP),
             "/types": patch.Path(patch.LIST), "/enabled": patch.Path(patch.BOOL),
             "/limit": patch.Path(patch.INT)}
    patch.apply(doc, [
        {"op": "replace", "path": "/name", "value": "b"},
        {"op": "add", "path": "/variables/y", "value": "2"},
        {"op": "remove", "path": "/variables/x"},
        {"op": "add", "path": "/types/image~1png"},
        {"op": "replace", "path": "/enabled", "value": "TRUE"},
        {"op": "replace", "path": "/limit", "value": "7"},
    ], paths)
    assert doc == {"name": "b", "variables": {"y": "2"}, "types": ["image/png"],
                   "enabled": True, "limit": 7}
    for bad in ({"op": "replace", "path": "/enabled", "value": "maybe"},
                {"op": "replace", "path": "/limit", "value": "x"},
                {"op": "move", "path": "/name", "from": "/x"},
                {"op": "jump", "path": "/name"},
                {"op": "remove", "path": "/name"},
                {"op": "replace", "path": "/unknown", "value": "1"}):
        with pytest.raises(ServiceError) as error:
            patch.apply(doc, [bad], paths)
        assert error.value.code == "BadRequestException"
