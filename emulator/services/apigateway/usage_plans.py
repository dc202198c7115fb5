"""Usage plans: their stages, throttles (per method too) and quotas, and the API keys
they hold."""

from __future__ import annotations

import re
from typing import Any

from emulator import ids, inbound
from emulator.context import RequestContext
from emulator.services.apigateway import patch
from emulator.services.apigateway.common import ApiGatewayBase, bad_request, without_none
from emulator.services.apigateway.models import UsagePlanRecord, child_key

PLAN_PATHS = {"/name": patch.Path(), "/description": patch.Path(removable=True),
              "/apiStages": patch.Path(patch.LIST),
              "/throttle/rateLimit": patch.Path(patch.FLOAT),
              "/throttle/burstLimit": patch.Path(patch.INT),
              "/quota/limit": patch.Path(patch.INT), "/quota/period": patch.Path(),
              "/quota/offset": patch.Path(patch.INT)}
STAGE_THROTTLE = re.compile(r"^/apiStages/(?P<stage>[^/]+:[^/]+)/throttle(?:/(?P<rest>.*))?$")


def _stage_throttle(throttles: dict[str, Any], operation: dict[str, Any]) -> bool:
    """Apply a ``/apiStages/{apiId}:{stage}/throttle[/{path}/{method}[/{limit}]]`` operation
    to the plan's per-method throttles; False when the operation is not one."""
    path = str(operation.get("path") or "")
    match = STAGE_THROTTLE.match(path)
    if match is None:
        return False
    stage, rest, op = match["stage"], match["rest"] or "", operation.get("op")
    if stage not in throttles:
        raise bad_request(f"Invalid API stage {stage} specified for this usage plan")
    current: dict[str, Any] = dict(throttles[stage] or {})
    parts = [patch.unescape(part) for part in rest.split("/") if part]
    member = parts.pop() if parts and parts[-1] in ("rateLimit", "burstLimit") else None
    if not parts:
        if op == "remove":
            current = {}
        else:
            try:
                value = inbound.loads(str(operation.get("value")))
            except ValueError:
                raise bad_request(f"Invalid value for patch path '{path}'") from None
            if not isinstance(value, dict):
                raise bad_request(f"Invalid value for patch path '{path}'")
            current = value
    elif parts:
        key = "/" + "/".join(p.strip("/") for p in parts[:-1] if p.strip("/")) + "/" + parts[-1]
        if op == "remove" and member is None:
            current.pop(key, None)
        elif member is not None and op in ("add", "replace"):
            kind = patch.FLOAT if member == "rateLimit" else patch.INT
            current.setdefault(key, {})[member] = patch.convert(kind, operation.get("value"),
                                                                path)
        else:
            raise bad_request(f"Invalid patch path '{path}' specified for op '{op}'")
    else:
        raise bad_request(f"Invalid patch path '{path}' specified for op '{op}'")
    throttles[stage] = current
    return True


class UsagePlansApi(ApiGatewayBase):
    def create_usage_plan(self, ctx: RequestContext, *, name: str,
                          description: str | None = None,
                          api_stages: list[dict[str, Any]] | None = None,
                          throttle: dict[str, Any] | None = None,
                          quota: dict[str, Any] | None = None,
                          tags: dict[str, str] | None = None, **_: Any) -> dict[str, Any]:
        for stage in api_stages or []:
            if child_key(str(stage.get("apiId")), str(stage.get("stage"))) \
                    not in self.stages(ctx):
                raise bad_request("Invalid stage identifier specified")
        plan = without_none({"id": ids.short_id(6), "name": name, "description": description,
                             "apiStages": api_stages or [], "throttle": throttle,
                             "quota": quota, "tags": tags or None})
        self.usage_plans(ctx).put(plan["id"], UsagePlanRecord(plan=plan))
        return plan

    def get_usage_plan(self, ctx: RequestContext, *, usage_plan_id: str, **_: Any
                       ) -> dict[str, Any]:
        return self.usage_plan_record(ctx, usage_plan_id).plan

    def get_usage_plans(self, ctx: RequestContext, *, position: str | None = None,
                        limit: int | None = None, key_id: str | None = None, **_: Any
                        ) -> dict[str, Any]:
        plans = [r.plan for r in self.usage_plans(ctx).values()
                 if key_id is None or key_id in r.keys]
        return self.page(plans, position, limit)

    def update_usage_plan(self, ctx: RequestContext, *, usage_plan_id: str,
                          patch_operations: list[dict[str, Any]] | None = None, **_: Any
                          ) -> dict[str, Any]:
        record = self.usage_plan_record(ctx, usage_plan_id)
        plan = self.copy(record.plan)
        throttles = {f"{s['apiId']}:{s['stage']}": s.get("throttle")
                     for s in plan.get("apiStages", [])}
        operations = []
        for operation in patch_operations or []:
            if not _stage_throttle(throttles, operation):
                operations.append(operation)
        plan["apiStages"] = list(throttles)
        patch.apply(plan, operations, PLAN_PATHS)
        plan["apiStages"] = [without_none({
            **dict(zip(("apiId", "stage"), item.split(":", 1), strict=False)),
            "throttle": throttles.get(item) or None}) for item in plan.get("apiStages", [])]
        record.plan = plan
        self.usage_plans(ctx).put(usage_plan_id, record)
        return plan

    def delete_usage_plan(self, ctx: RequestContext, *, usage_plan_id: str, **_: Any) -> None:
        self.usage_plan_record(ctx, usage_plan_id)
        self.usage_plans(ctx).delete(usage_plan_id)

    def create_usage_plan_key(self, ctx: RequestContext, *, usage_plan_id: str, key_id: str,
                              key_type: str, **_: Any) -> dict[str, Any]:
        record = self.usage_plan_record(ctx, usage_plan_id)
        key = self.api_key_record(ctx, key_id).key
        if key_id in record.keys:
            raise self.conflict("Usage Plan already contains specified API key")
        entry = without_none({"id": key_id, "type": key_type, "value": key["value"],
                              "name": key.get("name")})
        record.keys[key_id] = entry
        self.usage_plans(ctx).put(usage_plan_id, record)
        return entry

    def get_usage_plan_key(self, ctx: RequestContext, *, usage_plan_id: str, key_id: str,
                           **_: Any) -> dict[str, Any]:
        return self.found(self.usage_plan_record(ctx, usage_plan_id).keys.get(key_id),
                          "Invalid Usage Plan Key identifier specified")

    def get_usage_plan_keys(self, ctx: RequestContext, *, usage_plan_id: str,
                            position: str | None = None, limit: int | None = None,
                            **_: Any) -> dict[str, Any]:
        keys = self.usage_plan_record(ctx, usage_plan_id).keys
        return self.page(list(keys.values()), position, limit)

    def delete_usage_plan_key(self, ctx: RequestContext, *, usage_plan_id: str, key_id: str,
                              **_: Any) -> None:
        record = self.usage_plan_record(ctx, usage_plan_id)
        self.get_usage_plan_key(ctx, usage_plan_id=usage_plan_id, key_id=key_id)
        record.keys.pop(key_id)
        self.usage_plans(ctx).put(usage_plan_id, record)


__all__ = ["UsagePlansApi"]
