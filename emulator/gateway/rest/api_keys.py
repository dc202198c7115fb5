"""API keys and usage plans on the data plane: the pipeline step after authorization.

A method with ``apiKeyRequired`` takes the key from the ``x-api-key`` header, or from the
Lambda authorizer's ``usageIdentifierKey`` when the API's key source is AUTHORIZER. The key must
be enabled and belong to a usage plan of the stage, or the caller gets 403 Forbidden. The plan
then throttles the key (the plan's method throttle or its own) and counts its requests against
the quota of its period: past the limit the caller gets 429 Limit Exceeded until the next
period starts.
"""

from __future__ import annotations

from typing import Any

from emulator.gateway.rest.deployed import UsagePlanView
from emulator.gateway.rest.invocation import GatewayError, Invocation
from emulator.gateway.rest.parts import GatewayParts


def forbidden() -> GatewayError:
    return GatewayError("INVALID_API_KEY", 403, "Forbidden")


def _method_throttle(plan: UsagePlanView, inv: Invocation) -> dict[str, Any] | None:
    assert inv.route is not None
    for stage in plan.plan.get("apiStages") or []:
        if stage.get("apiId") != inv.deployed.api_id or \
                stage.get("stage") != inv.deployed.stage["stageName"]:
            continue
        throttles: dict[str, Any] = stage.get("throttle") or {}
        path = inv.route.resource.get("path", "/")
        for name in (f"{path}/{inv.request.method.upper()}",
                     f"{path}/{inv.route.method.get('httpMethod', '')}"):
            if name in throttles:
                return dict(throttles[name])
    return None


def check_api_key(inv: Invocation, parts: GatewayParts) -> None:
    """Admit a method's caller by API key and usage plan, or raise 403 or 429."""
    if not inv.method.get("apiKeyRequired"):
        return
    deployed = inv.deployed
    source = str(inv.snapshot.api.get("apiKeySource") or "HEADER")
    value = inv.usage_identifier_key if source == "AUTHORIZER" else inv.request.header(
        "x-api-key")
    if not value:
        raise forbidden()
    key = parts.apis.api_key(deployed.account, deployed.region, value)
    if key is None or not key.get("enabled"):
        raise forbidden()
    stage = deployed.stage["stageName"]
    plans = [plan for plan in parts.apis.usage_plans(deployed.account, deployed.region,
                                                       deployed.api_id, stage)
             if key["id"] in plan.key_ids]
    if not plans:
        raise forbidden()
    plan = plans[0]
    plan_id = str(plan.plan["id"])
    inv.context["identity"]["apiKey"] = value
    inv.context["identity"]["apiKeyId"] = key["id"]
    throttle = _method_throttle(plan, inv)
    scope = "method" if throttle else "plan"
    throttle = throttle or plan.plan.get("throttle") or {}
    rate, burst = throttle.get("rateLimit"), throttle.get("burstLimit")
    if rate is not None and burst is not None and not parts.throttles.allow(
            ("usage-plan", plan_id, key["id"], scope, inv.context["resourcePath"]
             if scope == "method" else "*"), float(rate), int(burst)):
        raise GatewayError("THROTTLED", 429, "Too Many Requests")
    ledger = parts.usage
    remaining = ledger.remaining(plan.plan, key["id"], ledger.today())
    if remaining is not None and remaining <= 0:
        raise GatewayError("QUOTA_EXCEEDED", 429, "Limit Exceeded")
    ledger.record(plan_id, key["id"])


__all__ = ["check_api_key", "forbidden"]
