"""Tags of REST APIs, stages, API keys, usage plans and domain names, addressed by ARN."""

from __future__ import annotations

import re
from typing import Any

from emulator.context import RequestContext
from emulator.services.apigateway.common import ApiGatewayBase
from emulator.services.apigateway.models import child_key

TAGGABLE = re.compile(r"^arn:aws[a-z-]*:apigateway:[a-z0-9-]*::/(?P<path>.+)$")


class TagsApi(ApiGatewayBase):
    def _tagged(self, ctx: RequestContext, arn: str) -> tuple[dict[str, Any], Any]:
        """The tagged document and a function that stores it again."""
        match = TAGGABLE.match(arn)
        parts = match["path"].split("/") if match else []
        if len(parts) == 2 and parts[0] == "restapis":
            api = self.api_record(ctx, parts[1])
            return api.api, lambda: self.save_api(ctx, api)
        if len(parts) == 4 and parts[0] == "restapis" and parts[2] == "stages":
            stage = self.stages(ctx).get(child_key(parts[1], parts[3]))
            if stage is not None:
                return stage.stage, lambda: self.stages(ctx).put(
                    child_key(parts[1], parts[3]), stage)
        if len(parts) == 2 and parts[0] == "apikeys":
            key = self.api_key_record(ctx, parts[1])
            return key.key, lambda: self.api_keys(ctx).put(parts[1], key)
        if len(parts) == 2 and parts[0] == "usageplans":
            plan = self.usage_plan_record(ctx, parts[1])
            return plan.plan, lambda: self.usage_plans(ctx).put(parts[1], plan)
        if len(parts) == 2 and parts[0] == "domainnames":
            domain = self.domain_record(ctx, parts[1])
            return domain.domain, lambda: self.domains(ctx).put(parts[1], domain)
        raise self.not_found("Invalid resource identifier specified")

    def tag_resource(self, ctx: RequestContext, *, resource_arn: str, tags: dict[str, str],
                     **_: Any) -> None:
        doc, store = self._tagged(ctx, resource_arn)
        doc["tags"] = {**doc.get("tags", {}), **tags}
        store()

    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str],
                       **_: Any) -> None:
        doc, store = self._tagged(ctx, resource_arn)
        doc["tags"] = {k: v for k, v in doc.get("tags", {}).items() if k not in tag_keys}
        store()

    def get_tags(self, ctx: RequestContext, *, resource_arn: str, **_: Any) -> dict[str, Any]:
        doc, _store = self._tagged(ctx, resource_arn)
        return {"tags": doc.get("tags", {})}


__all__ = ["TagsApi"]
