"""Cache, origin request and response headers policies: the managed ones by their
documented ids (read-only) and custom ones with Create/Get/GetConfig/Update/Delete/List and
ETags.

https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateCachePolicy.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateOriginRequestPolicy.html
https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateResponseHeadersPolicy.html
"""

from __future__ import annotations

import uuid
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.cloudfront import names
from emulator.services.cloudfront.common import (
    MANAGED_POLICIES,
    CloudFrontBase,
    items_of,
    moment,
)
from emulator.services.cloudfront.distribution_config import check_quantities
from emulator.services.cloudfront.models import PolicyRecord

MANAGED_ETAG = "E23ZP02F085DFQ"


class Kind:
    """What differs between the kinds of policy: names, members and errors."""

    def __init__(self, kind: str, prefix: str, behaviour_member: str) -> None:
        self.kind = kind
        self.prefix = prefix  # CachePolicy, OriginRequestPolicy, ResponseHeadersPolicy
        self.managed = MANAGED_POLICIES[kind]
        self.behaviour_member = behaviour_member  # CachePolicyId / OriginRequestPolicyId...
        self.noun = kind.replace("-", " ") + " policy"  # "origin request policy"
        self.path = kind + "-policy"  # in the Location URL

    @property
    def missing(self) -> ServiceError:
        return ServiceError(f"NoSuch{self.prefix}", f"The {self.noun} does not exist.")


CACHE = Kind("cache", "CachePolicy", "CachePolicyId")
ORIGIN_REQUEST = Kind("origin-request", "OriginRequestPolicy", "OriginRequestPolicyId")
RESPONSE_HEADERS = Kind("response-headers", "ResponseHeadersPolicy", "ResponseHeadersPolicyId")


class PoliciesApi(CloudFrontBase):
    def _policy(self, ctx: RequestContext, kind: Kind, policy_id: str
                ) -> tuple[dict[str, Any], str, float, bool]:
        """(config, etag, last modified, managed)."""
        if policy_id in kind.managed:
            return kind.managed[policy_id], MANAGED_ETAG, 1591747200.0, True
        record = self.policies(ctx).get(policy_id)
        if record is None or record.kind != kind.kind:
            raise kind.missing
        return record.config, record.etag, record.last_modified, False

    def _policy_shape(self, kind: Kind, policy_id: str, config: dict[str, Any],
               modified: float) -> dict[str, Any]:
        return {"Id": policy_id, "LastModifiedTime": moment(modified),
                f"{kind.prefix}Config": config}

    def _check_config(self, ctx: RequestContext, kind: Kind, config: dict[str, Any],
                      own_id: str | None = None) -> None:
        check_quantities(config, f"{kind.prefix}Config")
        name = config.get("Name", "")
        taken = [record for record in self.policies(ctx).values()
                 if record.kind == kind.kind and record.config.get("Name") == name
                 and record.id != own_id]
        if taken or any(m.get("Name") == name for m in kind.managed.values()):
            noun = kind.noun
            raise ServiceError(f"{kind.prefix}AlreadyExists",
                               f"A {noun} with this name already exists. You must provide a "
                               f"unique name. To modify an existing {noun}, use "
                               f"Update{kind.prefix}.")
        if kind is CACHE:
            minimum = config.get("MinTTL", 0)
            default = config.get("DefaultTTL", max(minimum, 86400))
            maximum = config.get("MaxTTL", max(default, 31536000))
            if not minimum <= default <= maximum:
                raise ServiceError("InvalidArgument",
                                   "The TTL order specified is not valid.")
            config.setdefault("DefaultTTL", default)
            config.setdefault("MaxTTL", maximum)

    def _policy_create(self, ctx: RequestContext, kind: Kind, config: dict[str, Any]
                ) -> dict[str, Any]:
        self._check_config(ctx, kind, config)
        record = PolicyRecord(id=str(uuid.uuid4()), kind=kind.kind, config=config,
                              etag=names.etag(), last_modified=self.clock.now())
        self.policies(ctx).put(record.id, record)
        return {kind.prefix: self._policy_shape(kind, record.id, config, record.last_modified),
                "Location": "https://cloudfront.amazonaws.com/2020-05-31/"
                            f"{kind.path}/{record.id}",
                "ETag": record.etag}

    def _policy_get(self, ctx: RequestContext, kind: Kind, policy_id: str) -> dict[str, Any]:
        config, etag, modified, _ = self._policy(ctx, kind, policy_id)
        return {kind.prefix: self._policy_shape(kind, policy_id, config, modified), "ETag": etag}

    def _policy_get_config(self, ctx: RequestContext, kind: Kind, policy_id: str) -> dict[str, Any]:
        config, etag, _, _ = self._policy(ctx, kind, policy_id)
        return {f"{kind.prefix}Config": config, "ETag": etag}

    def _policy_update(self, ctx: RequestContext, kind: Kind, policy_id: str,
                config: dict[str, Any], if_match: str | None) -> dict[str, Any]:
        _, etag, _, is_managed = self._policy(ctx, kind, policy_id)
        if is_managed:
            raise ServiceError("IllegalUpdate", "Cannot update a managed policy.")
        self.check_if_match(if_match, etag)
        self._check_config(ctx, kind, config, own_id=policy_id)
        record = PolicyRecord(id=policy_id, kind=kind.kind, config=config, etag=names.etag(),
                              last_modified=self.clock.now())
        self.policies(ctx).put(policy_id, record)
        self.edge.forget_all()
        return {kind.prefix: self._policy_shape(kind, policy_id, config, record.last_modified),
                "ETag": record.etag}

    def _policy_delete(self, ctx: RequestContext, kind: Kind, policy_id: str,
                if_match: str | None) -> None:
        _, etag, _, is_managed = self._policy(ctx, kind, policy_id)
        if is_managed:
            raise ServiceError("IllegalDelete", "Cannot delete a managed policy.")
        self.check_if_match(if_match, etag)
        for distribution in self.distributions(ctx).values():
            behaviours = [distribution.config.get("DefaultCacheBehavior") or {},
                          *items_of(distribution.config, "CacheBehaviors")]
            if any(b.get(kind.behaviour_member) == policy_id for b in behaviours):
                raise ServiceError(f"{kind.prefix}InUse",
                                   f"The specified {kind.noun} is currently associated with a "
                                   "cache behavior. Please disassociate the policy before "
                                   "deleting.")
        self.policies(ctx).delete(policy_id)

    def _policy_list(self, ctx: RequestContext, kind: Kind, type_: str | None) -> dict[str, Any]:
        entries: list[dict[str, Any]] = []
        if type_ in (None, "", "managed"):
            entries += [{"Type": "managed", kind.prefix: self._policy_shape(kind, pid, config,
                                                                     1591747200.0)}
                        for pid, config in kind.managed.items()]
        if type_ in (None, "", "custom"):
            entries += [{"Type": "custom", kind.prefix: self._policy_shape(kind, r.id, r.config,
                                                                    r.last_modified)}
                        for r in self.policies(ctx).values() if r.kind == kind.kind]
        listing: dict[str, Any] = {"MaxItems": 100, "Quantity": len(entries)}
        if entries:
            listing["Items"] = entries
        return {f"{kind.prefix}List": listing}

    # -- the operations --------------------------------------------------------------------

    def create_cache_policy(self, ctx: RequestContext, *, cache_policy_config: dict[str, Any],
                            **_: Any) -> dict[str, Any]:
        return self._policy_create(ctx, CACHE, cache_policy_config)

    def get_cache_policy(self, ctx: RequestContext, *, id: str, **_: Any) -> dict[str, Any]:
        return self._policy_get(ctx, CACHE, id)

    def get_cache_policy_config(self, ctx: RequestContext, *, id: str, **_: Any
                                ) -> dict[str, Any]:
        return self._policy_get_config(ctx, CACHE, id)

    def update_cache_policy(self, ctx: RequestContext, *, cache_policy_config: dict[str, Any],
                            id: str, if_match: str | None = None, **_: Any) -> dict[str, Any]:
        return self._policy_update(ctx, CACHE, id, cache_policy_config, if_match)

    def delete_cache_policy(self, ctx: RequestContext, *, id: str,
                            if_match: str | None = None, **_: Any) -> None:
        self._policy_delete(ctx, CACHE, id, if_match)

    def list_cache_policies(self, ctx: RequestContext, *, type: str | None = None,
                            **_: Any) -> dict[str, Any]:
        return self._policy_list(ctx, CACHE, type)

    def create_origin_request_policy(self, ctx: RequestContext, *,
                                     origin_request_policy_config: dict[str, Any], **_: Any
                                     ) -> dict[str, Any]:
        return self._policy_create(ctx, ORIGIN_REQUEST, origin_request_policy_config)

    def get_origin_request_policy(self, ctx: RequestContext, *, id: str, **_: Any
                                  ) -> dict[str, Any]:
        return self._policy_get(ctx, ORIGIN_REQUEST, id)

    def get_origin_request_policy_config(self, ctx: RequestContext, *, id: str, **_: Any
                                         ) -> dict[str, Any]:
        return self._policy_get_config(ctx, ORIGIN_REQUEST, id)

    def update_origin_request_policy(self, ctx: RequestContext, *,
                                     origin_request_policy_config: dict[str, Any], id: str,
                                     if_match: str | None = None, **_: Any) -> dict[str, Any]:
        return self._policy_update(ctx, ORIGIN_REQUEST, id, origin_request_policy_config, if_match)

    def delete_origin_request_policy(self, ctx: RequestContext, *, id: str,
                                     if_match: str | None = None, **_: Any) -> None:
        self._policy_delete(ctx, ORIGIN_REQUEST, id, if_match)

    def list_origin_request_policies(self, ctx: RequestContext, *, type: str | None = None,
                                     **_: Any) -> dict[str, Any]:
        return self._policy_list(ctx, ORIGIN_REQUEST, type)


    def create_response_headers_policy(self, ctx: RequestContext, *,
                                       response_headers_policy_config: dict[str, Any],
                                       **_: Any) -> dict[str, Any]:
        return self._policy_create(ctx, RESPONSE_HEADERS, response_headers_policy_config)

    def get_response_headers_policy(self, ctx: RequestContext, *, id: str, **_: Any
                                    ) -> dict[str, Any]:
        return self._policy_get(ctx, RESPONSE_HEADERS, id)

    def get_response_headers_policy_config(self, ctx: RequestContext, *, id: str, **_: Any
                                           ) -> dict[str, Any]:
        return self._policy_get_config(ctx, RESPONSE_HEADERS, id)

    def update_response_headers_policy(self, ctx: RequestContext, *,
                                       response_headers_policy_config: dict[str, Any],
                                       id: str, if_match: str | None = None, **_: Any
                                       ) -> dict[str, Any]:
        return self._policy_update(ctx, RESPONSE_HEADERS, id, response_headers_policy_config,
                                   if_match)

    def delete_response_headers_policy(self, ctx: RequestContext, *, id: str,
                                       if_match: str | None = None, **_: Any) -> None:
        self._policy_delete(ctx, RESPONSE_HEADERS, id, if_match)

    def list_response_headers_policies(self, ctx: RequestContext, *, type: str | None = None,
                                       **_: Any) -> dict[str, Any]:
        return self._policy_list(ctx, RESPONSE_HEADERS, type)


__all__ = ["CACHE", "ORIGIN_REQUEST", "RESPONSE_HEADERS", "PoliciesApi"]
