"""What the parts of the EC2 provider share: the endpoints table, the default network, EC2's
filters (``Name``/``Values`` with ``*`` and ``?``, ``tag:Key`` and ``tag-key``), DryRun and
paging.

https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html#query-filtering
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from emulator import ids
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import paging
from emulator.services.base import Provider, TableOf
from emulator.services.ec2.models import (
    ADDRESSES,
    INTERNET_GATEWAYS,
    NAT_GATEWAYS,
    ROUTE_TABLES,
    SECURITY_GROUPS,
    SUBNETS,
    VPC_ENDPOINTS,
    VPCS,
    AddressRecord,
    InternetGatewayRecord,
    NatGatewayRecord,
    RouteTableRecord,
    SecurityGroupRecord,
    SubnetRecord,
    VpcEndpointRecord,
    VpcRecord,
)
from emulator.services.ec2.network import DefaultNetwork

T = TypeVar("T")

# A resource's filterable facts: filter name -> its values (a tag is "tag:Key").
Facts = dict[str, list[str]]


def tag_facts(tags: dict[str, str]) -> Facts:
    facts: Facts = {f"tag:{key}": [value] for key, value in tags.items()}
    facts["tag-key"] = list(tags)
    return facts


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def new_id(prefix: str) -> str:
    """A new resource id as EC2 makes them: the prefix and 17 hex digits."""
    return f"{prefix}-{ids.hex_token(17)}"


def tags_of(specifications: list[dict[str, Any]] | None, resource_type: str
            ) -> dict[str, str]:
    """The tags a create call's TagSpecifications give its resource."""
    tags: dict[str, str] = {}
    for specification in specifications or ():
        if specification.get("ResourceType") not in (None, resource_type):
            raise ServiceError(
                "InvalidParameterValue",
                f"'{specification.get('ResourceType')}' is not a valid taggable resource "
                "type for this operation.", status=400)
        for tag in specification.get("Tags") or ():
            tags[str(tag.get("Key", ""))] = str(tag.get("Value", ""))
    return tags


def not_found(code: str, noun: str, value: str) -> ServiceError:
    return ServiceError(code, f"The {noun} '{value}' does not exist", status=400)


def in_use(noun: str, value: str) -> ServiceError:
    return ServiceError("DependencyViolation",
                        f"The {noun} '{value}' has dependencies and cannot be deleted.",
                        status=400)


def _matches(filters: Sequence[dict[str, Any]], facts: Facts) -> bool:
    for entry in filters:
        name, wanted = str(entry.get("Name", "")), entry.get("Values") or []
        have = facts.get(name, [])
        if not any(fnmatch.fnmatchcase(value, str(pattern).replace("[", "[[]"))
                   for pattern in wanted for value in have):
            return False
    return True


class Ec2Base(Provider):
    service_name = "ec2"

    vpc_endpoints = TableOf(VPC_ENDPOINTS, VpcEndpointRecord)
    vpcs = TableOf(VPCS, VpcRecord)
    subnets = TableOf(SUBNETS, SubnetRecord)
    security_groups = TableOf(SECURITY_GROUPS, SecurityGroupRecord)
    internet_gateways = TableOf(INTERNET_GATEWAYS, InternetGatewayRecord)
    route_tables = TableOf(ROUTE_TABLES, RouteTableRecord)
    addresses = TableOf(ADDRESSES, AddressRecord)
    nat_gateways = TableOf(NAT_GATEWAYS, NatGatewayRecord)

    @staticmethod
    def network(ctx: RequestContext) -> DefaultNetwork:
        return DefaultNetwork(ctx.account_id, ctx.region)

    @staticmethod
    def dry_run(flag: bool | None) -> None:
        """EC2's answer to a request that only asks whether it would succeed."""
        if flag:
            raise ServiceError("DryRunOperation",
                               "Request would have succeeded, but DryRun flag is set.",
                               status=412)

    @staticmethod
    def filtered(items: Iterable[T], filters: Sequence[dict[str, Any]] | None,
                 facts: Callable[[T], Facts]) -> list[T]:
        return [item for item in items if not filters or _matches(filters, facts(item))]

    @staticmethod
    def answer(member: str, items: Sequence[T], next_token: str | None,
               max_results: int | None, shape: Callable[[T], Any]) -> dict[str, Any]:
        def invalid(token: str) -> ServiceError:
            return ServiceError("InvalidNextToken",
                                f"The token '{token}' is invalid.", status=400)
        return paging.answer(member, items, next_token, max_results or 1000,
                             tokens=paging.BASE64, invalid=invalid, shape=shape)


__all__ = ["Ec2Base", "Facts", "in_use", "new_id", "not_found", "tag_facts", "tag_list",
           "tags_of"]
