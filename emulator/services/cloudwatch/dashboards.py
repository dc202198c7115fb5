"""Dashboards: their bodies are stored and listed, not drawn.

https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
"""

from __future__ import annotations

from typing import Any

from emulator import arns, inbound
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.cloudwatch.common import CloudWatchBase, page
from emulator.services.cloudwatch.models import DashboardRecord


def _invalid_body(message: str) -> ServiceError:
    return ServiceError("DashboardInvalidInputError", message, status=400, fields={
        "dashboardValidationMessages": [{"DataPath": "/", "Message": message}]})


class DashboardsApi(CloudWatchBase):
    def put_dashboard(self, ctx: RequestContext, *, dashboard_name: str, dashboard_body: str,
                      **_: Any) -> dict[str, Any]:
        body = inbound.json_object(dashboard_body)
        if body is None:
            raise _invalid_body("The field DashboardBody must be a valid JSON object")
        widgets = body.get("widgets", [])
        if not isinstance(widgets, list):
            raise _invalid_body("Should be an array: widgets")
        arn = arns.build("cloudwatch", "", ctx.account_id, f"dashboard/{dashboard_name}")
        self.dashboards(ctx.account_id, "global").put(dashboard_name, DashboardRecord(
            name=dashboard_name, arn=arn, body=dashboard_body, modified=self.clock.now()))
        return {"DashboardValidationMessages": []}

    def get_dashboard(self, ctx: RequestContext, *, dashboard_name: str, **_: Any
                      ) -> dict[str, Any]:
        record = self.dashboards(ctx.account_id, "global").get(dashboard_name)
        if record is None:
            raise ServiceError("DashboardNotFoundError", "Dashboard " + dashboard_name +
                               " does not exist", status=404)
        return {"DashboardArn": record.arn, "DashboardBody": record.body,
                "DashboardName": record.name}

    def list_dashboards(self, ctx: RequestContext, *, dashboard_name_prefix: str | None = None,
                        next_token: str | None = None, **_: Any) -> dict[str, Any]:
        records = sorted((r for r in self.dashboards(ctx.account_id, "global").values()
                          if r.name.startswith(dashboard_name_prefix or "")),
                         key=lambda r: r.name)
        chunk, token = page(records, next_token, 1000)
        output: dict[str, Any] = {"DashboardEntries": [
            {"DashboardName": r.name, "DashboardArn": r.arn, "LastModified": r.modified,
             "Size": len(r.body.encode())} for r in chunk]}
        if token:
            output["NextToken"] = token
        return output

    def delete_dashboards(self, ctx: RequestContext, *, dashboard_names: list[str], **_: Any
                          ) -> dict[str, Any]:
        table = self.dashboards(ctx.account_id, "global")
        missing = [name for name in dashboard_names if name not in table]
        if missing:
            raise ServiceError("DashboardNotFoundError", "The specified dashboard does not "
                               "exist.", status=404)
        for name in dashboard_names:
            table.delete(name)
        return {}


__all__ = ["DashboardsApi"]
