"""API keys and usage plans: methods that require a key answer 403 Forbidden without a valid
one, plans throttle their keys (429 Too Many Requests) and count them against a quota (429
Limit Exceeded) that starts again when the emulator's clock passes the period, GetUsage reports
the counts, and a Lambda authorizer can supply the key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from apigateway_auth_support import authorizer_function, lambda_authorizer
from apigateway_support import Api, new_api

from emulator.testing import EmulatorHandle


@pytest.fixture(autouse=True, scope="module")
def _forget_apis(emulator: EmulatorHandle) -> Iterator[None]:
    """Leave no APIs, keys or plans behind for the tests that list them."""
    yield
    emulator.reset("apigateway")


SHOW_KEY = '{"key": "$context.identity.apiKey", "keyId": "$context.identity.apiKeyId"}'


def _keyed_api(emulator: EmulatorHandle, **plan: Any) -> tuple[Api, dict[str, Any], str]:
    api = new_api(emulator)
    api.mock("/pets", "GET", body=SHOW_KEY, apiKeyRequired=True)
    api.mock("/free", "GET")
    api.deploy("dev")
    key = api.client.create_api_key(name="partner", enabled=True)
    plan_id = api.client.create_usage_plan(
        name="partners", apiStages=[{"apiId": api.id, "stage": "dev"}], **plan)["id"]
    api.client.create_usage_plan_key(usagePlanId=plan_id, keyId=key["id"], keyType="API_KEY")
    return api, key, plan_id


def _pets(api: Api, key: str | None) -> httpx.Response:
    return api.get("dev", "/pets", headers={"x-api-key": key} if key else {})


def _to_next_utc_day(emulator: EmulatorHandle) -> None:
    now = datetime.fromtimestamp(emulator.clock.now(), tz=UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    emulator.clock.advance((midnight - now).total_seconds() + 1)


def test_a_key_is_required_and_must_be_in_a_plan_of_the_stage(
        emulator: EmulatorHandle) -> None:
    api, key, _ = _keyed_api(emulator)
    ok = _pets(api, key["value"])
    assert ok.status_code == 200 and ok.json() == {"key": key["value"], "keyId": key["id"]}
    assert api.get("dev", "/free").status_code == 200
    stranger = api.client.create_api_key(name="stranger", enabled=True)
    for value in (None, "not-a-key-at-all-0123456789", stranger["value"]):
        refused = _pets(api, value)
        assert refused.status_code == 403, value
        assert refused.json() == {"message": "Forbidden"}
        assert refused.headers["x-amzn-ErrorType"] == "ForbiddenException"
    api.client.update_api_key(apiKey=key["id"], patchOperations=[
        {"op": "replace", "path": "/enabled", "value": "false"}])
    assert _pets(api, key["value"]).status_code == 403


def test_a_daily_quota_runs_out_and_starts_again_the_next_day(
        emulator: EmulatorHandle) -> None:
    api, key, plan_id = _keyed_api(emulator, quota={"limit": 3, "period": "DAY"})
    emulator.clock.freeze()  # the day turns only by the jump below
    try:
        today = datetime.fromtimestamp(emulator.clock.now(), tz=UTC).date().isoformat()
        for _ in range(3):
            assert _pets(api, key["value"]).status_code == 200
        over = _pets(api, key["value"])
        assert over.status_code == 429 and over.json() == {"message": "Limit Exceeded"}
        assert over.headers["x-amzn-ErrorType"] == "LimitExceededException"
        usage = api.client.get_usage(usagePlanId=plan_id, startDate=today, endDate=today)
        assert usage["items"] == {key["id"]: [[3, 0]]}
        _to_next_utc_day(emulator)
        assert _pets(api, key["value"]).status_code == 200
        tomorrow = datetime.fromtimestamp(emulator.clock.now(), tz=UTC).date().isoformat()
        usage = api.client.get_usage(usagePlanId=plan_id, startDate=today, endDate=tomorrow,
                                     keyId=key["id"])
        assert usage["items"] == {key["id"]: [[3, 0], [1, 2]]}
        assert usage["startDate"] == today and usage["endDate"] == tomorrow
    finally:
        emulator.clock.reset()


def test_a_weekly_quota_lasts_until_the_week_turns(emulator: EmulatorHandle) -> None:
    # The week starts on the day after today, so one day later it has just turned.
    emulator.clock.freeze()  # the day turns only by the jump below
    weekday_tomorrow = (datetime.fromtimestamp(emulator.clock.now(), tz=UTC).weekday() + 2) % 7
    api, key, plan_id = _keyed_api(emulator, quota={"limit": 1, "period": "WEEK",
                                                    "offset": weekday_tomorrow})
    try:
        assert _pets(api, key["value"]).status_code == 200
        assert _pets(api, key["value"]).status_code == 429
        emulator.clock.advance(60)
        assert _pets(api, key["value"]).status_code == 429
        _to_next_utc_day(emulator)
        assert _pets(api, key["value"]).status_code == 200
        api.client.update_usage(usagePlanId=plan_id, keyId=key["id"], patchOperations=[
            {"op": "replace", "path": "/remaining", "value": "2"}])
        assert _pets(api, key["value"]).status_code == 200
        assert _pets(api, key["value"]).status_code == 200
        assert _pets(api, key["value"]).status_code == 429
    finally:
        emulator.clock.reset()


def test_plan_and_method_throttles_answer_429(emulator: EmulatorHandle) -> None:
    api, key, _ = _keyed_api(emulator, throttle={"rateLimit": 1.0, "burstLimit": 1})
    emulator.clock.freeze()  # no refill between requests on a slow machine
    try:
        assert _pets(api, key["value"]).status_code == 200
        throttled = _pets(api, key["value"])
        assert throttled.status_code == 429
        assert throttled.json() == {"message": "Too Many Requests"}
        emulator.clock.advance(1.5)
        assert _pets(api, key["value"]).status_code == 200
    finally:
        emulator.clock.reset()
    method_api = new_api(emulator)
    method_api.mock("/pets", "GET", apiKeyRequired=True)
    method_api.deploy("dev")
    method_key = method_api.client.create_api_key(name="m", enabled=True)
    plan = method_api.client.create_usage_plan(
        name="per-method", throttle={"rateLimit": 100.0, "burstLimit": 100},
        apiStages=[{"apiId": method_api.id, "stage": "dev",
                    "throttle": {"/pets/GET": {"rateLimit": 0.001, "burstLimit": 2}}}])
    method_api.client.create_usage_plan_key(usagePlanId=plan["id"], keyId=method_key["id"],
                                            keyType="API_KEY")
    codes = [_pets(method_api, method_key["value"]).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_lambda_authorizer_can_supply_the_key(emulator: EmulatorHandle) -> None:
    api = new_api(emulator, apiKeySource="AUTHORIZER")
    authorizer_id = lambda_authorizer(api, authorizer_function(emulator),
                                      authorizerResultTtlInSeconds=0)
    api.mock("/pets", "GET", body=SHOW_KEY, apiKeyRequired=True, authorizationType="CUSTOM",
             authorizerId=authorizer_id)
    api.deploy("dev")
    key = api.client.create_api_key(name="tenant", enabled=True)
    plan = api.client.create_usage_plan(name="tenants",
                                        apiStages=[{"apiId": api.id, "stage": "dev"}])
    api.client.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"],
                                     keyType="API_KEY")
    ok = api.get("dev", "/pets", headers={"Authorization": f"keyed:{key['value']}"})
    assert ok.status_code == 200 and ok.json()["keyId"] == key["id"]
    # The x-api-key header does not count when the authorizer is the key source.
    refused = api.get("dev", "/pets", headers={"Authorization": "allow",
                                               "x-api-key": key["value"]})
    assert refused.status_code == 403 and refused.json() == {"message": "Forbidden"}


def test_method_throttles_are_patched_onto_a_plan_stage(emulator: EmulatorHandle) -> None:
    api, key, plan_id = _keyed_api(emulator)
    stage = f"/apiStages/{api.id}:dev/throttle"
    updated = api.client.update_usage_plan(usagePlanId=plan_id, patchOperations=[
        {"op": "replace", "path": f"{stage}/pets/GET/rateLimit", "value": "0.001"},
        {"op": "replace", "path": f"{stage}/pets/GET/burstLimit", "value": "1"}])
    assert updated["apiStages"] == [{"apiId": api.id, "stage": "dev", "throttle": {
        "/pets/GET": {"rateLimit": 0.001, "burstLimit": 1}}}]
    assert [_pets(api, key["value"]).status_code for _ in range(2)] == [200, 429]
    cleared = api.client.update_usage_plan(usagePlanId=plan_id, patchOperations=[
        {"op": "remove", "path": f"{stage}/pets/GET"}])
    assert cleared["apiStages"] == [{"apiId": api.id, "stage": "dev"}]
    assert _pets(api, key["value"]).status_code == 200
