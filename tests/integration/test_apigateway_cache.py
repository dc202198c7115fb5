"""The stage cache (TTL on the emulator's clock, keys, Cache-Control invalidation, flushing,
metrics) and throttling from stage method settings."""

from __future__ import annotations

import httpx
from apigateway_support import Api, lambda_uri, new_api
from lambda_support import create_function

from emulator.testing import EmulatorHandle

COUNTER = {"app.py": """
    import json
    CALLS = 0
    def handler(event, context):
        global CALLS
        CALLS += 1
        return {"statusCode": 200,
                "body": json.dumps({"calls": CALLS, "q": event["queryStringParameters"]})}
"""}


def _cached_api(emulator: EmulatorHandle, strategy: str | None = None,
                key_parameters: bool = True) -> Api:
    name = create_function(emulator.client("lambda"), COUNTER)
    api = new_api(emulator)
    api.method("/items", "GET", {
        "type": "AWS_PROXY", "integrationHttpMethod": "POST",
        "uri": lambda_uri(emulator.region,
                          f"arn:aws:lambda:{emulator.region}:000000000000:function:{name}"),
        "cacheKeyParameters": ["method.request.querystring.color"] if key_parameters else []},
        requestParameters={"method.request.querystring.color": False})
    api.method("/items", "POST", {
        "type": "AWS_PROXY", "integrationHttpMethod": "POST",
        "uri": lambda_uri(emulator.region,
                          f"arn:aws:lambda:{emulator.region}:000000000000:function:{name}")})
    api.deploy("dev", cacheClusterEnabled=True, cacheClusterSize="0.5")
    operations = [{"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
                  {"op": "replace", "path": "/*/*/caching/ttlInSeconds", "value": "120"}]
    if strategy:
        operations.append({"op": "replace",
                           "path": "/*/*/caching/unauthorizedCacheControlHeaderStrategy",
                           "value": strategy})
    api.client.update_stage(restApiId=api.id, stageName="dev", patchOperations=operations)
    return api


def _calls(reply: httpx.Response) -> int:
    assert reply.status_code == 200, reply.text
    return int(reply.json()["calls"])


def test_cached_get_skips_the_function_until_the_ttl_passes(emulator: EmulatorHandle) -> None:
    api = _cached_api(emulator)
    emulator.clock.freeze()  # no real seconds pass between the calls on a slow machine
    first = _calls(api.get("dev", "/items"))
    assert _calls(api.get("dev", "/items")) == first  # served from the cache
    emulator.clock.advance(119)
    assert _calls(api.get("dev", "/items")) == first
    emulator.clock.advance(1)
    assert _calls(api.get("dev", "/items")) == first + 1  # expired: the function again
    # Only GET is cached by default.
    posted = _calls(api.request("POST", "dev", "/items"))
    assert _calls(api.request("POST", "dev", "/items")) == posted + 1


def test_cache_keys_separate_query_string_values(emulator: EmulatorHandle) -> None:
    api = _cached_api(emulator)
    red = _calls(api.get("dev", "/items", params={"color": "red"}))
    blue = _calls(api.get("dev", "/items", params={"color": "blue"}))
    assert blue == red + 1
    assert _calls(api.get("dev", "/items", params={"color": "red"})) == red
    assert _calls(api.get("dev", "/items", params={"color": "blue"})) == blue
    # A parameter that is not a cache key does not separate entries.
    assert _calls(api.get("dev", "/items", params={"color": "red", "size": "9"})) == red


def test_without_key_parameters_one_entry_serves_every_query(emulator: EmulatorHandle) -> None:
    api = _cached_api(emulator, key_parameters=False)
    first = _calls(api.get("dev", "/items", params={"color": "red"}))
    assert _calls(api.get("dev", "/items", params={"color": "blue"})) == first


def test_cache_control_invalidation_allowed_when_signed(emulator: EmulatorHandle) -> None:
    api = _cached_api(emulator)
    first = _calls(api.get("dev", "/items"))
    signed = {"Cache-Control": "max-age=0",
              "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/"
                               "execute-api/aws4_request, SignedHeaders=host, Signature=abc"}
    assert _calls(api.get("dev", "/items", headers=signed)) == first + 1
    assert _calls(api.get("dev", "/items")) == first + 1  # the refreshed entry


def test_cache_control_invalidation_refused_per_strategy(emulator: EmulatorHandle) -> None:
    api = _cached_api(emulator)  # SUCCEED_WITH_RESPONSE_HEADER by default
    first = _calls(api.get("dev", "/items"))
    ignored = api.get("dev", "/items", headers={"Cache-Control": "max-age=0"})
    assert _calls(ignored) == first
    assert "Cache-control headers were ignored" in ignored.headers["Warning"]
    strict = _cached_api(emulator, strategy="FAIL_WITH_403")
    strict_first = _calls(strict.get("dev", "/items"))
    refused = strict.get("dev", "/items", headers={"Cache-Control": "max-age=0"})
    assert refused.status_code == 403
    assert "execute-api:InvalidateCache" in refused.json()["message"]
    assert _calls(strict.get("dev", "/items")) == strict_first
    quiet = _cached_api(emulator, strategy="SUCCEED_WITHOUT_RESPONSE_HEADER")
    quiet_first = _calls(quiet.get("dev", "/items"))
    silent = quiet.get("dev", "/items", headers={"Cache-Control": "max-age=0"})
    assert _calls(silent) == quiet_first and "Warning" not in silent.headers


def test_flush_redeploy_and_metrics(emulator: EmulatorHandle) -> None:
    api = _cached_api(emulator)
    first = _calls(api.get("dev", "/items"))
    api.client.flush_stage_cache(restApiId=api.id, stageName="dev")
    assert _calls(api.get("dev", "/items")) == first + 1
    api.deploy("dev")  # entries belong to a deployment: a new one starts empty
    assert _calls(api.get("dev", "/items")) == first + 2
    metrics = httpx.get(f"{emulator.endpoint_url}/_aws/execute-api/_metrics").json()
    stage = metrics[api.id]["dev"]
    assert stage["CacheMissCount"] == 3 and stage["Count"] == 3
    assert "CacheHitCount" not in stage
    api.get("dev", "/items")
    stage = httpx.get(f"{emulator.endpoint_url}/_aws/execute-api/_metrics").json()[api.id]["dev"]
    assert stage["CacheHitCount"] == 1


def test_method_throttling_gives_429_and_refills_on_the_clock(emulator: EmulatorHandle
                                                             ) -> None:
    api = new_api(emulator)
    api.mock("/limited")
    api.mock("/free")
    api.deploy("dev")
    api.client.update_stage(restApiId=api.id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/~1limited/GET/throttling/burstLimit", "value": "2"},
        {"op": "replace", "path": "/~1limited/GET/throttling/rateLimit", "value": "1"}])
    emulator.clock.freeze()  # no refill between requests on a slow machine
    statuses = [api.get("dev", "/limited").status_code for _ in range(4)]
    assert statuses[:2] == [200, 200]
    throttled = api.get("dev", "/limited")
    assert throttled.status_code == 429
    assert throttled.json() == {"message": "Too Many Requests"}
    assert api.get("dev", "/free").status_code == 200  # other methods keep the default
    emulator.clock.advance(1)
    assert api.get("dev", "/limited").status_code == 200


def test_stage_wide_throttling_with_zero_burst(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    api.mock("/x")
    api.deploy("dev")
    api.client.update_stage(restApiId=api.id, stageName="dev", patchOperations=[
        {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "0"},
        {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "0"}])
    assert api.get("dev", "/x").status_code == 429
