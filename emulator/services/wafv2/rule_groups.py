"""Rule groups: create, get, update, delete and list. A group's capacity is fixed when it is
created; its rules must fit in it."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.wafv2.common import Wafv2Base, invalid_parameter, kept
from emulator.waf.validation import MINIMUM

KEPT = ("Rules", "VisibilityConfig", "CustomResponseBodies")


class RuleGroupsApi(Wafv2Base):
    def _group_doc(self, ctx: RequestContext, name: str, capacity: int,
                   params: dict[str, Any]) -> dict[str, Any]:
        doc = kept(params, KEPT)
        doc.setdefault("Rules", [])
        used = self.checked_capacity(ctx, doc["Rules"], doc.get("CustomResponseBodies"),
                                     in_group=True)
        if used > capacity:
            raise invalid_parameter("RULE_GROUP", "Capacity", MINIMUM)
        namespace = f"awswaf:{ctx.account_id}:rulegroup:{name}:"
        labels = sorted({namespace + str(label.get("Name")) for rule in doc["Rules"]
                         for label in rule.get("RuleLabels") or ()})
        return {**doc, "Capacity": capacity, "LabelNamespace": namespace,
                "AvailableLabels": [{"Name": label} for label in labels]}

    def create_rule_group(self, ctx: RequestContext, *, name: str, scope: str, capacity: int,
                          description: str | None = None,
                          tags: list[dict[str, str]] | None = None, **params: Any
                          ) -> dict[str, Any]:
        doc = self._group_doc(ctx, name, capacity, params)
        return self.create_entity(ctx, "rulegroup", name, scope, description, doc, tags)

    def get_rule_group(self, ctx: RequestContext, *, name: str | None = None,
                       scope: str | None = None, id: str | None = None,
                       arn: str | None = None, **_: Any) -> dict[str, Any]:
        record = self.entity(ctx, "rulegroup", name, scope, id, arn)
        return {"RuleGroup": self.shape(record), "LockToken": record.lock_token}

    def update_rule_group(self, ctx: RequestContext, *, name: str, scope: str, id: str,
                          lock_token: str, description: str | None = None, **params: Any
                          ) -> dict[str, Any]:
        record = self.entity(ctx, "rulegroup", name, scope, id)
        doc = self._group_doc(ctx, name, int(record.doc.get("Capacity") or 0), params)
        return self.update_entity(ctx, record, lock_token, description, doc)

    def delete_rule_group(self, ctx: RequestContext, *, name: str, scope: str, id: str,
                          lock_token: str, **_: Any) -> dict[str, Any]:
        self.delete_entity(ctx, self.entity(ctx, "rulegroup", name, scope, id), lock_token)
        return {}

    def list_rule_groups(self, ctx: RequestContext, *, scope: str,
                         next_marker: str | None = None, limit: int | None = None, **_: Any
                         ) -> dict[str, Any]:
        return self.list_entities(ctx, "rulegroup", scope, "RuleGroups", next_marker, limit)


__all__ = ["RuleGroupsApi"]
