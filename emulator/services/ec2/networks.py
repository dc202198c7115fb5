"""DescribeVpcs, DescribeSubnets and DescribeSecurityGroups: the default network, by id and
filter (see network.py)."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.ec2.common import Ec2Base, Facts
from emulator.services.ec2.network import Subnet


def _unknown(wanted: list[str] | None, known: set[str], code: str, noun: str) -> None:
    missing = [value for value in wanted or () if value not in known]
    if missing:
        raise ServiceError(code, f"The {noun} '{missing[0]}' does not exist", status=400)


class NetworksApi(Ec2Base):
    def describe_vpcs(self, ctx: RequestContext, *, vpc_ids: list[str] | None = None,
                      filters: list[dict[str, Any]] | None = None,
                      max_results: int | None = None, next_token: str | None = None,
                      dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        network = self.network(ctx)
        _unknown(vpc_ids, {network.vpc_id}, "InvalidVpcID.NotFound", "vpc ID")
        facts: Facts = {"vpc-id": [network.vpc_id], "is-default": ["true"],
                        "state": ["available"], "cidr": ["172.31.0.0/16"],
                        "cidr-block-association.cidr-block": ["172.31.0.0/16"],
                        "owner-id": [network.account], "dhcp-options-id": [
                            network.dhcp_options_id]}
        found = self.filtered([network], filters, lambda _: facts)
        return self.answer("Vpcs", found, next_token, max_results,
                           lambda item: item.vpc_shape())

    def describe_subnets(self, ctx: RequestContext, *, subnet_ids: list[str] | None = None,
                         filters: list[dict[str, Any]] | None = None,
                         max_results: int | None = None, next_token: str | None = None,
                         dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        network = self.network(ctx)
        subnets = network.subnets
        _unknown(subnet_ids, {subnet.subnet_id for subnet in subnets},
                 "InvalidSubnetID.NotFound", "subnet ID")

        def facts(subnet: Subnet) -> Facts:
            return {"subnet-id": [subnet.subnet_id], "vpc-id": [network.vpc_id],
                    "availability-zone": [subnet.zone], "availability-zone-id": [
                        subnet.zone_id], "cidr-block": [subnet.cidr], "default-for-az": [
                        "true"], "state": ["available"], "owner-id": [network.account]}
        chosen = [subnet for subnet in subnets
                  if not subnet_ids or subnet.subnet_id in subnet_ids]
        return self.answer("Subnets", self.filtered(chosen, filters, facts), next_token,
                           max_results, network.subnet_shape)

    def describe_security_groups(self, ctx: RequestContext, *,
                                 group_ids: list[str] | None = None,
                                 group_names: list[str] | None = None,
                                 filters: list[dict[str, Any]] | None = None,
                                 max_results: int | None = None,
                                 next_token: str | None = None, dry_run: bool | None = None,
                                 **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        network = self.network(ctx)
        _unknown(group_ids, {network.security_group_id}, "InvalidGroup.NotFound",
                 "security group")
        _unknown(group_names, {"default"}, "InvalidGroup.NotFound", "security group")
        facts: Facts = {"group-id": [network.security_group_id], "group-name": ["default"],
                        "vpc-id": [network.vpc_id], "owner-id": [network.account],
                        "description": ["default VPC security group"]}
        found = self.filtered([network], filters, lambda _: facts)
        return self.answer("SecurityGroups", found, next_token, max_results,
                           lambda item: item.security_group_shape())


__all__ = ["NetworksApi"]
