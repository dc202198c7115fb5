"""Distributions: CreateDistribution(WithTags), Get, GetConfig, Update, Delete, List, and
tags. Every change answers a new ETag and puts the distribution InProgress until the clock
passes its deployment, so the ``distribution_deployed`` waiter works.

https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateDistribution.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.cloudfront import distribution_config as config_rules
from emulator.services.cloudfront import names
from emulator.services.cloudfront.common import (
    DEPLOY_SECONDS,
    CloudFrontBase,
    items_of,
    marker_listing,
    moment,
)
from emulator.services.cloudfront.models import DistributionRecord

SUMMARY_MEMBERS = ("Aliases", "Origins", "OriginGroups", "DefaultCacheBehavior",
                   "CacheBehaviors", "CustomErrorResponses", "Comment", "PriceClass",
                   "Enabled", "ViewerCertificate", "Restrictions", "WebACLId", "HttpVersion",
                   "IsIPV6Enabled", "Staging")


class DistributionsApi(CloudFrontBase):
    def distribution_shape(self, ctx: RequestContext | str, record: DistributionRecord
                           ) -> dict[str, Any]:
        account = ctx if isinstance(ctx, str) else ctx.account_id
        pending = sum(1 for invalidation in self.invalidations(account).values()
                      if invalidation.distribution_id == record.id
                      and self.invalidation_status(invalidation) == "InProgress")
        return {
            "Id": record.id, "ARN": names.distribution_arn(account, record.id),
            "Status": self.status(record), "LastModifiedTime": moment(record.last_modified),
            "InProgressInvalidationBatches": pending, "DomainName": record.domain_name,
            "ActiveTrustedSigners": {"Enabled": False, "Quantity": 0},
            "ActiveTrustedKeyGroups": {"Enabled": False, "Quantity": 0},
            "DistributionConfig": record.config,
        }

    def _checked(self, ctx: RequestContext, config: dict[str, Any],
                 own_id: str | None = None) -> dict[str, Any]:
        account = ctx.account_id
        config_rules.check(
            config,
            cache_policy=lambda policy: self.policy_config(
                account, "cache", policy) is not None,
            origin_request_policy=lambda policy: self.policy_config(
                account, "origin-request", policy) is not None,
            cloudfront_function=lambda arn: self.published_function(account, arn),
            response_headers_policy=lambda policy: self.policy_config(
                account, "response-headers", policy) is not None)
        aliases = set(items_of(config, "Aliases"))
        for other in self.distributions(ctx).values():
            if other.id != own_id and aliases & set(items_of(other.config, "Aliases")):
                raise ServiceError(
                    "CNAMEAlreadyExists",
                    "One or more of the CNAMEs you provided are already associated with a "
                    "different resource.")
        return config_rules.with_defaults(config)

    def published_function(self, account: str, arn: str) -> bool:
        name = arn.rsplit("function/", 1)[-1]
        record = self.functions(account).get(name)
        return record is not None and record.arn == arn and record.live is not None

    def create_distribution(self, ctx: RequestContext, *, distribution_config: dict[str, Any],
                            tags: dict[str, str] | None = None, **_: Any) -> dict[str, Any]:
        reference = distribution_config.get("CallerReference", "")
        for existing in self.distributions(ctx).values():
            if existing.config.get("CallerReference") != reference:
                continue
            # The same request again answers what the first one did; another config with
            # the same reference is refused.
            if config_rules.with_defaults(distribution_config) == \
                    existing.config:
                return self._created(ctx, existing)
            raise ServiceError(
                "DistributionAlreadyExists",
                "The caller reference that you are using to create a distribution is "
                "associated with another distribution. Already exists: "
                f"{existing.id}")
        config = self._checked(ctx, distribution_config)
        now = self.clock.now()
        record = DistributionRecord(
            id=names.distribution_id(), domain_name=names.domain_name(), config=config,
            etag=names.etag(), created=now, last_modified=now,
            deployed_at=now + DEPLOY_SECONDS, tags=tags or {})
        self.distributions(ctx).put(record.id, record)
        return self._created(ctx, record)

    def _created(self, ctx: RequestContext, record: DistributionRecord) -> dict[str, Any]:
        return {"Distribution": self.distribution_shape(ctx, record),
                "Location": f"https://cloudfront.amazonaws.com/2020-05-31/distribution/"
                            f"{record.id}",
                "ETag": record.etag}

    def create_distribution_with_tags(self, ctx: RequestContext, *,
                                      distribution_config_with_tags: dict[str, Any],
                                      **_: Any) -> dict[str, Any]:
        tags = {tag["Key"]: tag.get("Value", "") for tag in
                items_of(distribution_config_with_tags.get("Tags") or {}, "")}
        return self.create_distribution(
            ctx, distribution_config=distribution_config_with_tags["DistributionConfig"],
            tags=tags)

    def get_distribution(self, ctx: RequestContext, *, id: str, **_: Any) -> dict[str, Any]:
        record = self.distribution(ctx, id)
        return {"Distribution": self.distribution_shape(ctx, record), "ETag": record.etag}

    def get_distribution_config(self, ctx: RequestContext, *, id: str, **_: Any
                                ) -> dict[str, Any]:
        record = self.distribution(ctx, id)
        return {"DistributionConfig": record.config, "ETag": record.etag}

    def update_distribution(self, ctx: RequestContext, *, distribution_config: dict[str, Any],
                            id: str, if_match: str | None = None, **_: Any) -> dict[str, Any]:
        record = self.distribution(ctx, id)
        self.check_if_match(if_match, record.etag)
        if distribution_config.get("CallerReference") != record.config.get("CallerReference"):
            raise ServiceError("IllegalUpdate",
                               "The CallerReference of a distribution cannot be changed.")
        record.config = self._checked(ctx, distribution_config, own_id=record.id)
        now = self.clock.now()
        record.etag, record.last_modified = names.etag(), now
        record.deployed_at = now + DEPLOY_SECONDS
        self.distributions(ctx).put(record.id, record)
        self.edge.forget(record.id)
        return {"Distribution": self.distribution_shape(ctx, record), "ETag": record.etag}

    def delete_distribution(self, ctx: RequestContext, *, id: str,
                            if_match: str | None = None, **_: Any) -> None:
        record = self.distribution(ctx, id)
        self.check_if_match(if_match, record.etag)
        if record.config.get("Enabled") or self.status(record) != "Deployed":
            raise ServiceError("DistributionNotDisabled",
                               "The distribution you are trying to delete has not been "
                               "disabled.")
        self.distributions(ctx).delete(id)
        invalidations = self.invalidations(ctx)
        for key, invalidation in invalidations.items():
            if invalidation.distribution_id == id:
                invalidations.delete(key)
        self.edge.forget(id, drop_cache=True)

    def list_distributions(self, ctx: RequestContext, *, marker: str | None = None,
                           max_items: str | None = None, **_: Any) -> dict[str, Any]:
        records = sorted(self.distributions(ctx).values(), key=lambda r: (r.created, r.id))
        return {"DistributionList": marker_listing(
            records, marker, max_items, lambda r: r.id, lambda r: self.summary(ctx, r))}

    def summary(self, ctx: RequestContext, record: DistributionRecord) -> dict[str, Any]:
        shape = self.distribution_shape(ctx, record)
        out: dict[str, Any] = {key: shape[key] for key in (
            "Id", "ARN", "Status", "LastModifiedTime", "DomainName")}
        out["ETag"] = record.etag
        out.update({key: record.config[key] for key in SUMMARY_MEMBERS if key in record.config})
        return out

    # -- tags ------------------------------------------------------------------------------

    def _tagged(self, ctx: RequestContext, resource: str) -> DistributionRecord:
        distribution_id = resource.rsplit("distribution/", 1)[-1]
        record = self.distributions(ctx).get(distribution_id)
        if record is None or names.distribution_arn(ctx.account_id, distribution_id) != \
                resource:
            raise ServiceError("NoSuchResource", "The specified resource does not exist.")
        return record

    def tag_resource(self, ctx: RequestContext, *, resource: str, tags: dict[str, Any],
                     **_: Any) -> None:
        record = self._tagged(ctx, resource)
        for tag in items_of(tags, ""):
            record.tags[tag["Key"]] = tag.get("Value", "")
        self.distributions(ctx).put(record.id, record)

    def untag_resource(self, ctx: RequestContext, *, resource: str, tag_keys: dict[str, Any],
                       **_: Any) -> None:
        record = self._tagged(ctx, resource)
        for key in items_of(tag_keys, ""):
            record.tags.pop(key, None)
        self.distributions(ctx).put(record.id, record)

    def list_tags_for_resource(self, ctx: RequestContext, *, resource: str, **_: Any
                               ) -> dict[str, Any]:
        record = self._tagged(ctx, resource)
        return {"Tags": {"Items": [{"Key": k, "Value": v} for k, v in record.tags.items()]}}


__all__ = ["DistributionsApi"]
