"""What every part of the CloudFront provider shares: its global tables, lookups that raise
CloudFront's own errors, the If-Match check, and the data plane the viewer endpoint runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from emulator.context import RequestContext
from emulator.edge.viewer import Edge
from emulator.errors import ServiceError
from emulator.services.base import Provider, TableOf
from emulator.services.cloudfront import managed
from emulator.services.cloudfront.models import (
    DISTRIBUTIONS,
    FUNCTIONS,
    INVALIDATIONS,
    KEY_VALUE_STORES,
    ORIGIN_ACCESS,
    POLICIES,
    DistributionRecord,
    FunctionRecord,
    InvalidationRecord,
    KeyValueStoreRecord,
    OriginAccessRecord,
    PolicyRecord,
)
from emulator.services.cloudfront.names import GLOBAL_REGION
from emulator.services.cloudfront.port import DistributionsPort

T = TypeVar("T")

# https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html
IF_MATCH_MISSING = "The If-Match version is missing or not valid for the resource."
DEPLOY_SECONDS = 2.0  # how long a change stays InProgress on the emulator clock
PRECONDITION = ("The precondition given in one or more of the request-header fields "
                "evaluated to false.")


def moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=UTC)


def quantity_list(items: list[Any]) -> dict[str, Any]:
    return managed.names(items)


def items_of(holder: dict[str, Any] | None, member: str) -> list[Any]:
    """The Items of a CloudFront list member (``{"Quantity": n, "Items": [...]}``)."""
    if not holder:
        return []
    found = holder.get(member) if member else holder
    if not isinstance(found, dict):
        return []
    items = found.get("Items")
    return list(items) if isinstance(items, list) else []


def max_items_of(text: str | int | None) -> int:
    """A list operation's MaxItems (100 unless given, 1 to 1,000)."""
    try:
        size = int(text) if text not in (None, "") else 100
    except ValueError:
        raise ServiceError("InvalidArgument", "The parameter MaxItems is invalid.") from None
    return max(1, min(size, 1000))


def marker_listing(records: Sequence[T], marker: str | None, max_items: str | int | None,
                   ident: Callable[[T], str], shape: Callable[[T], Any]) -> dict[str, Any]:
    """A CloudFront list: the records after the one ``marker`` names (by ``ident``), MaxItems
    of them through ``shape``, with Marker, IsTruncated, Quantity and NextMarker."""
    size = max_items_of(max_items)
    start = next((i + 1 for i, r in enumerate(records) if ident(r) == marker), 0) \
        if marker else 0
    chosen = records[start:start + size]
    listing: dict[str, Any] = {"Marker": marker or "", "MaxItems": size,
                               "IsTruncated": start + size < len(records),
                               "Quantity": len(chosen)}
    if chosen:
        listing["Items"] = [shape(record) for record in chosen]
    if listing["IsTruncated"]:
        listing["NextMarker"] = ident(chosen[-1])
    return listing


# The managed policies of each kind, by id (every account sees them).
MANAGED_POLICIES = {"cache": managed.CACHE_POLICIES,
                    "origin-request": managed.ORIGIN_REQUEST_POLICIES,
                    "response-headers": managed.RESPONSE_HEADERS_POLICIES}


class CloudFrontBase(Provider):
    """The tables, lookups and checks the provider's parts share."""

    service_name = "cloudfront"
    not_found_code = "NoSuchDistribution"

    def setup(self) -> None:
        self.edge = Edge(DistributionsPort(self), self.clock, self.ports)

    # CloudFront is global: every account's resources live in one scope.
    distributions = TableOf(DISTRIBUTIONS, DistributionRecord, region=GLOBAL_REGION)
    invalidations = TableOf(INVALIDATIONS, InvalidationRecord, region=GLOBAL_REGION)
    policies = TableOf(POLICIES, PolicyRecord, region=GLOBAL_REGION)
    functions = TableOf(FUNCTIONS, FunctionRecord, region=GLOBAL_REGION)
    key_value_stores = TableOf(KEY_VALUE_STORES, KeyValueStoreRecord, region=GLOBAL_REGION)
    origin_access = TableOf(ORIGIN_ACCESS, OriginAccessRecord, region=GLOBAL_REGION)

    def key_value_store_by_arn(self, account: str, arn: str) -> KeyValueStoreRecord | None:
        return next((record for record in self.key_value_stores(account).values()
                     if record.arn == arn), None)

    def function_store(self, account: str, arns: list[str]) -> dict[str, Any] | None:
        """What a function's ``cf.kvs()`` reads: the associated store's keys and meta."""
        record = self.key_value_store_by_arn(account, arns[0]) if arns else None
        if record is None:
            return None
        return {"items": record.items,
                "meta": {"creationDateTime": moment(record.created).isoformat(),
                         "lastUpdatedDateTime": moment(record.data_modified).isoformat(),
                         "keyCount": len(record.items)}}

    def distribution(self, ctx: RequestContext | str, distribution_id: str
                     ) -> DistributionRecord:
        return self.found(self.distributions(ctx).get(distribution_id),
                          "The specified distribution does not exist.")

    def status(self, record: DistributionRecord) -> str:
        return "Deployed" if self.clock.now() >= record.deployed_at else "InProgress"

    def invalidation_status(self, record: InvalidationRecord) -> str:
        return "Completed" if self.clock.now() >= record.created + DEPLOY_SECONDS \
            else "InProgress"

    def policy_config(self, account: str, kind: str, policy_id: str) -> dict[str, Any] | None:
        """The config of the managed or the account's own policy ``policy_id`` of ``kind``
        (cache, origin-request or response-headers), or None when there is none."""
        if policy_id in MANAGED_POLICIES[kind]:
            return MANAGED_POLICIES[kind][policy_id]
        record = self.policies(account).get(policy_id)
        return record.config if record is not None and record.kind == kind else None

    @staticmethod
    def check_if_match(given: str | None, current: str) -> None:
        if not given:
            raise ServiceError("InvalidIfMatchVersion", IF_MATCH_MISSING)
        if given != current:
            raise ServiceError("PreconditionFailed", PRECONDITION)


__all__ = ["DEPLOY_SECONDS", "IF_MATCH_MISSING", "MANAGED_POLICIES", "PRECONDITION",
           "CloudFrontBase", "items_of", "marker_listing", "max_items_of", "moment",
           "quantity_list"]
