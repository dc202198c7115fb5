"""User pool domains: a prefix domain (``<prefix>.auth.<region>.amazoncognito.com``) or a
custom domain with its certificate, one of each per pool, unique in the region."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from emulator.context import RequestContext
from emulator.services.base import TableOf
from emulator.services.cognito_idp.common import CognitoBase, invalid
from emulator.store import Record

DOMAINS = "domains"  # key: domain
_PREFIX = re.compile(r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$")


class DomainRecord(Record):
    domain: str
    pool_id: str
    custom: dict[str, Any] | None = None
    managed_login_version: int = 1


class DomainsApi(CognitoBase):
    domains = TableOf(DOMAINS, DomainRecord)

    def _cloudfront(self, record: DomainRecord, region: str) -> str:
        if record.custom is None:
            return f"{record.domain}.auth.{region}.amazoncognito.com"
        digest = hashlib.sha256(record.domain.encode()).hexdigest()[:14]
        return f"d{digest}.cloudfront.net"

    def create_user_pool_domain(self, ctx: RequestContext, *, domain: str, user_pool_id: str,
                                custom_domain_config: dict[str, Any] | None = None,
                                managed_login_version: int | None = None,
                                **_: Any) -> dict[str, Any]:
        self.pool_of(ctx, user_pool_id)
        if custom_domain_config is None and not _PREFIX.match(domain):
            raise invalid("1 validation error detected: Value '" + domain + "' at 'domain' "
                          "failed to satisfy constraint: Member must satisfy regular "
                          "expression pattern: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$")
        table = self.domains(ctx.account_id, ctx.region)
        if domain in table:
            raise invalid("Domain already associated with another user pool.")
        custom = custom_domain_config is not None
        if any(r.pool_id == user_pool_id and (r.custom is not None) == custom
               for r in table.values()):
            raise invalid("The user pool already has a domain configured.")
        record = DomainRecord(domain=domain, pool_id=user_pool_id, custom=custom_domain_config,
                              managed_login_version=managed_login_version or 1)
        table.put(domain, record)
        out: dict[str, Any] = {"ManagedLoginVersion": record.managed_login_version}
        if custom:
            out["CloudFrontDomain"] = self._cloudfront(record, ctx.region)
        return out

    def describe_user_pool_domain(self, ctx: RequestContext, *, domain: str,
                                  **_: Any) -> dict[str, Any]:
        record = self.domains(ctx.account_id, ctx.region).get(domain)
        if record is None:
            return {"DomainDescription": {}}  # AWS answers an empty description
        description: dict[str, Any] = {
            "UserPoolId": record.pool_id, "AWSAccountId": ctx.account_id,
            "Domain": record.domain, "S3Bucket": "aws-cognito-prod-auth-assets",
            "CloudFrontDistribution": self._cloudfront(record, ctx.region),
            "Version": "20240101000000", "Status": "ACTIVE",
            "ManagedLoginVersion": record.managed_login_version}
        if record.custom is not None:
            description["CustomDomainConfig"] = record.custom
        return {"DomainDescription": description}

    def update_user_pool_domain(self, ctx: RequestContext, *, domain: str, user_pool_id: str,
                                custom_domain_config: dict[str, Any] | None = None,
                                managed_login_version: int | None = None,
                                **_: Any) -> dict[str, Any]:
        table = self.domains(ctx.account_id, ctx.region)
        record = table.get(domain)
        if record is None or record.pool_id != user_pool_id:
            raise invalid(f"Domain {domain} does not exist in user pool {user_pool_id}.")
        record.assign(custom=custom_domain_config, managed_login_version=managed_login_version)
        table.put(domain, record)
        out: dict[str, Any] = {"ManagedLoginVersion": record.managed_login_version}
        if record.custom is not None:
            out["CloudFrontDomain"] = self._cloudfront(record, ctx.region)
        return out

    def delete_user_pool_domain(self, ctx: RequestContext, *, domain: str, user_pool_id: str,
                                **_: Any) -> dict[str, Any]:
        table = self.domains(ctx.account_id, ctx.region)
        record = table.get(domain)
        if record is None or record.pool_id != user_pool_id:
            raise invalid(f"Domain {domain} does not exist in user pool {user_pool_id}.")
        table.delete(domain)
        return {}


__all__ = ["DOMAINS", "DomainRecord", "DomainsApi"]
