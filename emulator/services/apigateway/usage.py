"""GetUsage and UpdateUsage: the requests each API key of a usage plan made per day, and what
was left of its quota, as the data plane counted them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from emulator.context import RequestContext
from emulator.services.apigateway.common import ApiGatewayBase, bad_request


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise bad_request(f"Invalid {what} date format. Expected: yyyy-MM-dd") from None


class UsageApi(ApiGatewayBase):
    def _usage(self, ctx: RequestContext, plan_id: str, key_ids: list[str], start: date,
               end: date) -> dict[str, Any]:
        plan = self.usage_plan_record(ctx, plan_id)
        ledger = self.gateway.usage
        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        items: dict[str, list[list[int]]] = {}
        for key_id in key_ids:
            rows = []
            for day in days:
                left = ledger.remaining(plan.plan, key_id, day)
                rows.append([ledger.count(plan_id, key_id, day), left if left is not None
                             else 0])
            items[key_id] = rows
        return {"usagePlanId": plan_id, "startDate": start.isoformat(),
                "endDate": end.isoformat(), "items": items}

    def get_usage(self, ctx: RequestContext, *, usage_plan_id: str, start_date: str,
                  end_date: str, key_id: str | None = None, **_: Any) -> dict[str, Any]:
        plan = self.usage_plan_record(ctx, usage_plan_id)
        start, end = _day(start_date, "start"), _day(end_date, "end")
        if end < start:
            raise bad_request("The usage end date is before the start date")
        if (end - start).days > 90:
            raise bad_request("The usage data range must not exceed 90 days")
        if key_id is not None and key_id not in plan.keys:
            raise self.not_found("Invalid API Key identifier specified")
        keys = [key_id] if key_id is not None else list(plan.keys)
        return self._usage(ctx, usage_plan_id, keys, start, end)

    def update_usage(self, ctx: RequestContext, *, usage_plan_id: str, key_id: str,
                     patch_operations: list[dict[str, Any]] | None = None, **_: Any
                     ) -> dict[str, Any]:
        plan = self.usage_plan_record(ctx, usage_plan_id)
        if key_id not in plan.keys:
            raise self.not_found("Invalid API Key identifier specified")
        for operation in patch_operations or []:
            if operation.get("op") != "replace" or operation.get("path") != "/remaining":
                raise bad_request(f"Invalid patch path {operation.get('path')}")
            try:
                remaining = int(str(operation.get("value")))
            except ValueError:
                raise bad_request("Invalid remaining value") from None
            self.gateway.usage.grant(plan.plan, key_id, remaining)
        today = self.gateway.usage.today()
        return self._usage(ctx, usage_plan_id, [key_id], today, today)


__all__ = ["UsageApi"]
