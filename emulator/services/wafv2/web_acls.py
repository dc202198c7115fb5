"""Web ACLs: CreateWebACL, GetWebACL, UpdateWebACL, DeleteWebACL, ListWebACLs and
CheckCapacity. Updates and deletes carry the lock token of the last read."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.wafv2.common import Wafv2Base, invalid_parameter, kept
from emulator.waf import validation

# The members of CreateWebACL and UpdateWebACL kept as given.
KEPT = ("DefaultAction", "Rules", "VisibilityConfig", "DataProtectionConfig",
        "CustomResponseBodies", "CaptchaConfig", "ChallengeConfig", "TokenDomains",
        "AssociationConfig", "OnSourceDDoSProtectionConfig", "ApplicationConfig")
WCU_LIMIT = 5000  # the most a web ACL may use (1,500 without extra charges)


class WebAclsApi(Wafv2Base):
    def _web_acl_doc(self, ctx: RequestContext, name: str, params: dict[str, Any]
                     ) -> dict[str, Any]:
        doc = kept(params, KEPT)
        doc.setdefault("Rules", [])
        bodies = doc.get("CustomResponseBodies")
        try:
            validation.default_action(doc.get("DefaultAction"), bodies)
        except validation.InvalidParameter as invalid:
            raise invalid_parameter(invalid.field, invalid.parameter, invalid.reason) from None
        capacity = self.checked_capacity(ctx, doc["Rules"], bodies)
        if capacity > WCU_LIMIT:
            raise ServiceError(
                "WAFLimitsExceededException",
                "AWS WAF couldn\u2019t perform the operation because you exceeded your resource "
                "limit. For example, the maximum number of WebACL objects that an account can "
                "create is 100.", fields={"SourceType": "WebACL"})
        doc["Capacity"] = capacity
        doc["ManagedByFirewallManager"] = False
        doc["RetrofittedByFirewallManager"] = False
        doc["LabelNamespace"] = f"awswaf:{ctx.account_id}:webacl:{name}:"
        return doc

    def create_web_acl(self, ctx: RequestContext, *, name: str, scope: str,
                       description: str | None = None, tags: list[dict[str, str]] | None = None,
                       **params: Any) -> dict[str, Any]:
        doc = self._web_acl_doc(ctx, name, params)
        return self.create_entity(ctx, "webacl", name, scope, description, doc, tags)

    def get_web_acl(self, ctx: RequestContext, *, name: str | None = None,
                    scope: str | None = None, id: str | None = None, arn: str | None = None,
                    **_: Any) -> dict[str, Any]:
        record = self.entity(ctx, "webacl", name, scope, id, arn)
        return {"WebACL": self.shape(record), "LockToken": record.lock_token}

    def update_web_acl(self, ctx: RequestContext, *, name: str, scope: str, id: str,
                       lock_token: str, description: str | None = None, **params: Any
                       ) -> dict[str, Any]:
        record = self.entity(ctx, "webacl", name, scope, id)
        return self.update_entity(ctx, record, lock_token, description,
                                  self._web_acl_doc(ctx, name, params))

    def delete_web_acl(self, ctx: RequestContext, *, name: str, scope: str, id: str,
                       lock_token: str, **_: Any) -> dict[str, Any]:
        self.delete_entity(ctx, self.entity(ctx, "webacl", name, scope, id), lock_token)
        return {}

    def list_web_acls(self, ctx: RequestContext, *, scope: str,
                       next_marker: str | None = None, limit: int | None = None, **_: Any
                       ) -> dict[str, Any]:
        return self.list_entities(ctx, "webacl", scope, "WebACLs", next_marker, limit)

    def check_capacity(self, ctx: RequestContext, *, scope: str, rules: list[dict[str, Any]],
                       **_: Any) -> dict[str, Any]:
        # CheckCapacity has no response bodies: every key a rule names counts as defined.
        bodies: dict[str, Any] = {}
        for rule in rules:
            for spec in (rule.get("Action") or {}).values():
                key = ((spec or {}).get("CustomResponse") or {}).get("CustomResponseBodyKey")
                if key:
                    bodies[key] = {}
        return {"Capacity": self.checked_capacity(ctx, rules, bodies)}


__all__ = ["WebAclsApi"]
