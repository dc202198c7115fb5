"""The AWS WAF provider: web ACLs, sets, rule groups, associations, sampled requests, tags,
and the ``web-acls`` port the REST API data plane asks."""

from __future__ import annotations

from typing import Any

from emulator.services.wafv2.associations import AssociationsApi
from emulator.services.wafv2.inspection import InspectionApi
from emulator.services.wafv2.port import WebAclsPort
from emulator.services.wafv2.rate_keys import RateKeysApi
from emulator.services.wafv2.rule_groups import RuleGroupsApi
from emulator.services.wafv2.sets import SetsApi
from emulator.services.wafv2.tags import TagsApi
from emulator.services.wafv2.web_acls import WebAclsApi


class Wafv2Provider(WebAclsApi, SetsApi, RuleGroupsApi, AssociationsApi, InspectionApi,
                    RateKeysApi, TagsApi):
    service_name = "wafv2"

    def port(self, name: str) -> object | None:
        return WebAclsPort(self) if name == "web-acls" else None

    def reset(self) -> None:
        super().reset()
        self.compiled.clear()
        self.rates.forget()
        self.samples.clear()
        self.changed()

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        for account, region, record in self.entities.everywhere():
            found.setdefault(record.kind, []).append({
                "name": record.name, "arn": record.arn, "scope": record.scope,
                "account": account, "region": region})
        found["associations"] = [{"resource": item.resource_arn, "webAcl": item.web_acl_arn}
                                 for _a, _r, item in self.associations.everywhere()]
        return found


__all__ = ["Wafv2Provider"]
