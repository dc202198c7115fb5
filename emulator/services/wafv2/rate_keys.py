"""GetRateBasedStatementManagedKeys: the addresses a rate-based rule is blocking now, counted
for each web ACL, rule group reference and rule apart, as AWS WAF counts them.

https://docs.aws.amazon.com/waf/latest/APIReference/API_GetRateBasedStatementManagedKeys.html
"""

from __future__ import annotations

import ipaddress
from collections.abc import Hashable
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.wafv2.common import Wafv2Base, nonexistent
from emulator.waf.rates import DEFAULT_WINDOW

UNSUPPORTED = ("The rule that you've named doesn't aggregate solely on the IP address or "
               "solely on the forwarded IP address. This call is only available for rate-based "
               "rules with an AggregateKeyType setting of IP or FORWARDED_IP.")
MOST_KEYS = 10_000  # AWS blocks at most this many addresses per rule instance


def _named(rules: list[dict[str, Any]], name: str) -> dict[str, Any]:
    for rule in rules:
        if rule.get("Name") == name:
            return rule
    raise nonexistent()


class RateKeysApi(Wafv2Base):
    def get_rate_based_statement_managed_keys(
            self, ctx: RequestContext, *, scope: str, web_acl_name: str, web_acl_id: str,
            rule_name: str, rule_group_rule_name: str | None = None, **_: Any
    ) -> dict[str, Any]:
        web_acl = self.entity(ctx, "webacl", web_acl_name, scope, web_acl_id)
        rules: list[dict[str, Any]] = web_acl.doc.get("Rules") or []
        owner: Hashable = web_acl.arn  # what the engine counts the rule's requests under
        if rule_group_rule_name is not None:
            reference = _named(rules, rule_group_rule_name)
            group_arn = ((reference.get("Statement") or {}).get(
                "RuleGroupReferenceStatement") or {}).get("ARN")
            group = self.entities(ctx).get(str(group_arn)) if group_arn else None
            if group is None:
                raise nonexistent()
            rules, owner = group.doc.get("Rules") or [], (web_acl.arn, rule_group_rule_name)
        statement = (_named(rules, rule_name).get("Statement") or {}).get("RateBasedStatement")
        if statement is None or statement.get("AggregateKeyType") not in ("IP", "FORWARDED_IP"):
            raise ServiceError("WAFUnsupportedAggregateKeyTypeException", UNSUPPORTED)
        keys = self.rates.over(
            (owner, rule_name), self.clock.now(),
            int(statement.get("EvaluationWindowSec") or DEFAULT_WINDOW),
            int(statement.get("Limit") or 0))
        found: dict[int, list[str]] = {4: [], 6: []}
        for key in keys[:MOST_KEYS]:
            try:
                address = ipaddress.ip_address(str(key[0]))  # type: ignore[index]
            except (ValueError, TypeError, IndexError):
                continue
            found[address.version].append(f"{address}/{address.max_prefixlen}")
        return {"ManagedKeysIPV4": {"IPAddressVersion": "IPV4", "Addresses": sorted(found[4])},
                "ManagedKeysIPV6": {"IPAddressVersion": "IPV6", "Addresses": sorted(found[6])}}


__all__ = ["RateKeysApi"]
