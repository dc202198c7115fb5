"""API keys and usage plans on the data plane.

A method with ``apiKeyRequired`` takes the key from the ``x-api-key`` header, or from the
Lambda authorizer's ``usageIdentifierKey`` when the API's key source is AUTHORIZER. The key must
be enabled and belong to a usage plan of the stage, or the caller gets 403 Forbidden. The plan
then throttles the key (the plan's method throttle or its own) and counts its requests against
the quota of its period (DAY, WEEK or MONTH, in UTC on the emulator's clock, from the plan's
offset): past the limit the caller gets 429 Limit Exceeded until the next period starts.
:class:`UsageLedger` keeps the daily counts GetUsage reports.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from emulator.clock import Clock
from emulator.gateway.deployed import UsagePlanView
from emulator.gateway.invocation import GatewayError, Invocation

if TYPE_CHECKING:
    from emulator.gateway.engine import Gateway


def forbidden() -> GatewayError:
    return GatewayError("INVALID_API_KEY", 403, "Forbidden")


def period_start(period: str, offset: int, day: date) -> date:
    """The first day of the quota period holding ``day``. A week's offset counts from Sunday
    (0) and a month's from its first day (0)."""
    if period == "WEEK":
        since_sunday = (day.weekday() + 1) % 7
        return day - timedelta(days=(since_sunday - offset) % 7)
    if period == "MONTH":
        if day.day - 1 >= offset:
            return day.replace(day=1 + offset)
        previous = day.replace(day=1) - timedelta(days=1)
        return previous.replace(day=min(1 + offset, previous.day))
    return day


class UsageLedger:
    """Requests counted per usage plan, API key and UTC day."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._days: dict[tuple[str, str], dict[date, int]] = defaultdict(dict)
        # Quota granted or taken back by UpdateUsage, per plan, key and period start.
        self._extra: dict[tuple[str, str, date], int] = defaultdict(int)

    def today(self) -> date:
        return self._clock.now_datetime().date()

    def count(self, plan_id: str, key_id: str, day: date) -> int:
        return self._days.get((plan_id, key_id), {}).get(day, 0)

    def used(self, plan_id: str, key_id: str, start: date, end: date) -> int:
        """Requests from ``start`` to ``end``, both included."""
        days = self._days.get((plan_id, key_id), {})
        return sum(count for day, count in days.items() if start <= day <= end)

    def record(self, plan_id: str, key_id: str) -> None:
        days = self._days[(plan_id, key_id)]
        today = self.today()
        days[today] = days.get(today, 0) + 1

    def remaining(self, plan: dict[str, Any], key_id: str, day: date) -> int | None:
        """What is left of the quota on ``day`` (None for a plan without a quota)."""
        quota = plan.get("quota")
        if not quota:
            return None
        start = period_start(str(quota.get("period", "DAY")), int(quota.get("offset") or 0),
                             day)
        extra = self._extra.get((plan["id"], key_id, start), 0)
        return int(quota.get("limit", 0)) + extra - self.used(plan["id"], key_id, start, day)

    def grant(self, plan: dict[str, Any], key_id: str, remaining: int) -> None:
        """UpdateUsage: make ``remaining`` requests left in the current period."""
        now = self.today()
        current = self.remaining(plan, key_id, now)
        if current is not None:
            quota = plan["quota"]
            start = period_start(str(quota.get("period", "DAY")),
                                 int(quota.get("offset") or 0), now)
            self._extra[(plan["id"], key_id, start)] += remaining - current

    def forget_plan(self, plan_id: str) -> None:
        for key in [k for k in self._days if k[0] == plan_id]:
            del self._days[key]

    def forget(self) -> None:
        self._days.clear()
        self._extra.clear()


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


def check_api_key(inv: Invocation, gateway: Gateway) -> None:
    """Admit a method's caller by API key and usage plan, or raise 403 or 429."""
    if not inv.method.get("apiKeyRequired"):
        return
    deployed = inv.deployed
    source = str(inv.snapshot.api.get("apiKeySource") or "HEADER")
    value = inv.usage_identifier_key if source == "AUTHORIZER" else inv.request.header(
        "x-api-key")
    if not value:
        raise forbidden()
    key = gateway.apis.api_key(deployed.account, deployed.region, value)
    if key is None or not key.get("enabled"):
        raise forbidden()
    stage = deployed.stage["stageName"]
    plans = [plan for plan in gateway.apis.usage_plans(deployed.account, deployed.region,
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
    if rate is not None and burst is not None and not gateway.throttles.allow(
            ("usage-plan", plan_id, key["id"], scope, inv.context["resourcePath"]
             if scope == "method" else "*"), float(rate), int(burst)):
        raise GatewayError("THROTTLED", 429, "Too Many Requests")
    ledger = gateway.usage
    remaining = ledger.remaining(plan.plan, key["id"], ledger.today())
    if remaining is not None and remaining <= 0:
        raise GatewayError("QUOTA_EXCEEDED", 429, "Limit Exceeded")
    ledger.record(plan_id, key["id"])


__all__ = ["UsageLedger", "check_api_key", "forbidden", "period_start"]
