"""The stored records of CloudFront: distributions with their config as the API gives it,
invalidations, custom cache and origin request policies, and CloudFront Functions. CloudFront
is global: every table lives in the account's ``us-east-1`` scope. Times are epoch seconds."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.store import Record

DISTRIBUTIONS = "distributions"  # key: the distribution id
INVALIDATIONS = "invalidations"  # key: "{distribution id}/{invalidation id}"
POLICIES = "policies"  # key: the policy id (cache and origin request policies)
FUNCTIONS = "functions"  # key: the function's name
KEY_VALUE_STORES = "key-value-stores"  # key: the store's name
ORIGIN_ACCESS = "origin-access"  # key: the id of an origin access control or identity


class DistributionRecord(Record):
    id: str
    domain_name: str  # d....cloudfront.net
    config: dict[str, Any]  # DistributionConfig as the API answers it (defaults filled in)
    etag: str
    created: float
    last_modified: float
    deployed_at: float  # Status reads Deployed from this moment on the clock
    tags: dict[str, str] = Field(default_factory=dict)


class InvalidationRecord(Record):
    id: str
    distribution_id: str
    paths: list[str]
    caller_reference: str
    created: float


class PolicyRecord(Record):
    id: str
    kind: str  # "cache", "origin-request" or "response-headers"
    config: dict[str, Any]  # CachePolicyConfig or OriginRequestPolicyConfig
    etag: str
    last_modified: float


class FunctionStage(Record):
    """One stage (DEVELOPMENT or LIVE) of a CloudFront Function."""

    code: str
    comment: str
    runtime: str
    key_value_stores: list[str] = Field(default_factory=list)  # KeyValueStore ARNs
    etag: str
    created: float
    last_modified: float


class FunctionRecord(Record):
    name: str
    arn: str
    development: FunctionStage
    live: FunctionStage | None = None


class OriginAccessRecord(Record):
    """An origin access control (kind "control") or origin access identity ("identity")."""

    id: str
    kind: str
    config: dict[str, Any]  # OriginAccessControlConfig / CloudFrontOriginAccessIdentityConfig
    etag: str
    created: float
    canonical_user: str = ""  # an identity's S3CanonicalUserId


class KeyValueStoreRecord(Record):
    """A key value store: its config (the CloudFront API) and its keys (the
    cloudfront-keyvaluestore API, which versions them with ``data_etag``)."""

    name: str
    id: str
    arn: str
    comment: str
    etag: str  # the config's version (CloudFront's If-Match)
    data_etag: str  # the keys' version (cloudfront-keyvaluestore's If-Match)
    created: float
    last_modified: float  # of the config
    data_modified: float  # of the keys
    items: dict[str, str] = Field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(len(key.encode()) + len(value.encode()) for key, value in self.items.items())


__all__ = ["DISTRIBUTIONS", "FUNCTIONS", "INVALIDATIONS", "KEY_VALUE_STORES", "ORIGIN_ACCESS",
           "POLICIES", "DistributionRecord", "FunctionRecord", "FunctionStage",
           "InvalidationRecord", "KeyValueStoreRecord", "OriginAccessRecord", "PolicyRecord"]
