"""IP sets and regex pattern sets: create, get, update, delete and list, each change under
the lock token of the last read."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from emulator.context import RequestContext
from emulator.services.wafv2.common import Wafv2Base, invalid_parameter
from emulator.waf.validation import BAD_FORMAT


def _addresses(version: str, addresses: list[str]) -> list[str]:
    """Addresses in CIDR notation of the set's version, as AWS WAF accepts them: every
    range but /0, with no bits set past the prefix."""
    for address in addresses:
        try:
            if "/" not in address:
                raise ValueError(address)
            network = ipaddress.ip_network(address)  # host bits set: refused, as AWS does
        except ValueError:
            raise invalid_parameter("IP_ADDRESS", address, BAD_FORMAT) from None
        if network.version != (4 if version == "IPV4" else 6) or network.prefixlen == 0:
            raise invalid_parameter("IP_ADDRESS", address, BAD_FORMAT)
    return list(addresses)


def _expressions(expressions: list[dict[str, str]]) -> list[dict[str, str]]:
    for item in expressions:
        try:
            re.compile(item.get("RegexString", ""))
        except re.error:
            raise invalid_parameter("REGEX_PATTERN_SET", str(item.get("RegexString")),
                                    BAD_FORMAT) from None
    return list(expressions)


class SetsApi(Wafv2Base):
    # -- IP sets ----------------------------------------------------------------------------

    def create_ip_set(self, ctx: RequestContext, *, name: str, scope: str,
                      ip_address_version: str, addresses: list[str],
                      description: str | None = None, tags: list[dict[str, str]] | None = None,
                      **_: Any) -> dict[str, Any]:
        doc = {"IPAddressVersion": ip_address_version,
               "Addresses": _addresses(ip_address_version, addresses)}
        return self.create_entity(ctx, "ipset", name, scope, description, doc, tags)

    def get_ip_set(self, ctx: RequestContext, *, name: str, scope: str, id: str, **_: Any
                   ) -> dict[str, Any]:
        record = self.entity(ctx, "ipset", name, scope, id)
        return {"IPSet": self.shape(record), "LockToken": record.lock_token}

    def update_ip_set(self, ctx: RequestContext, *, name: str, scope: str, id: str,
                      addresses: list[str], lock_token: str, description: str | None = None,
                      **_: Any) -> dict[str, Any]:
        record = self.entity(ctx, "ipset", name, scope, id)
        version = str(record.doc.get("IPAddressVersion"))
        doc = {"IPAddressVersion": version, "Addresses": _addresses(version, addresses)}
        return self.update_entity(ctx, record, lock_token, description, doc)

    def delete_ip_set(self, ctx: RequestContext, *, name: str, scope: str, id: str,
                      lock_token: str, **_: Any) -> dict[str, Any]:
        self.delete_entity(ctx, self.entity(ctx, "ipset", name, scope, id), lock_token)
        return {}

    def list_ip_sets(self, ctx: RequestContext, *, scope: str, next_marker: str | None = None,
                     limit: int | None = None, **_: Any) -> dict[str, Any]:
        return self.list_entities(ctx, "ipset", scope, "IPSets", next_marker, limit)

    # -- regex pattern sets -----------------------------------------------------------------

    def create_regex_pattern_set(self, ctx: RequestContext, *, name: str, scope: str,
                                 regular_expression_list: list[dict[str, str]],
                                 description: str | None = None,
                                 tags: list[dict[str, str]] | None = None, **_: Any
                                 ) -> dict[str, Any]:
        doc = {"RegularExpressionList": _expressions(regular_expression_list)}
        return self.create_entity(ctx, "regexpatternset", name, scope, description, doc, tags)

    def get_regex_pattern_set(self, ctx: RequestContext, *, name: str, scope: str, id: str,
                              **_: Any) -> dict[str, Any]:
        record = self.entity(ctx, "regexpatternset", name, scope, id)
        return {"RegexPatternSet": self.shape(record), "LockToken": record.lock_token}

    def update_regex_pattern_set(self, ctx: RequestContext, *, name: str, scope: str, id: str,
                                 regular_expression_list: list[dict[str, str]],
                                 lock_token: str, description: str | None = None, **_: Any
                                 ) -> dict[str, Any]:
        record = self.entity(ctx, "regexpatternset", name, scope, id)
        doc = {"RegularExpressionList": _expressions(regular_expression_list)}
        return self.update_entity(ctx, record, lock_token, description, doc)

    def delete_regex_pattern_set(self, ctx: RequestContext, *, name: str, scope: str, id: str,
                                 lock_token: str, **_: Any) -> dict[str, Any]:
        self.delete_entity(ctx, self.entity(ctx, "regexpatternset", name, scope, id),
                           lock_token)
        return {}

    def list_regex_pattern_sets(self, ctx: RequestContext, *, scope: str,
                                next_marker: str | None = None, limit: int | None = None,
                                **_: Any) -> dict[str, Any]:
        return self.list_entities(ctx, "regexpatternset", scope, "RegexPatternSets",
                                  next_marker, limit)


__all__ = ["SetsApi"]
