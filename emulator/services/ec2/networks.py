"""DescribeVpcs and DescribeSubnets: the default network (see network.py) and the VPCs and
subnets users created (see vpcs.py), by id and filter; DescribeNetworkAcls: each created VPC's
default network ACL, which allows all traffic in and out and holds the VPC's subnets.

https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.ec2.common import Facts, not_found, tag_facts
from emulator.services.ec2.vpcs import VpcsApi


def unknown(wanted: list[str] | None, known: set[str], code: str, noun: str) -> None:
    missing = [value for value in wanted or () if value not in known]
    if missing:
        raise not_found(code, noun, missing[0])


def _tags(shape: dict[str, Any]) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in shape.get("Tags") or ()}


class NetworksApi(VpcsApi):
    def describe_vpcs(self, ctx: RequestContext, *, vpc_ids: list[str] | None = None,
                      filters: list[dict[str, Any]] | None = None,
                      max_results: int | None = None, next_token: str | None = None,
                      dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        shapes = [self.network(ctx).vpc_shape(), *(
            self.vpc_shape(ctx, record) for record in self.vpcs(ctx).values())]
        unknown(vpc_ids, {shape["VpcId"] for shape in shapes}, "InvalidVpcID.NotFound",
                "vpc ID")

        def facts(shape: dict[str, Any]) -> Facts:
            return {"vpc-id": [shape["VpcId"]],
                    "is-default": ["true" if shape["IsDefault"] else "false"],
                    "state": ["available"], "cidr": [shape["CidrBlock"]],
                    "cidr-block-association.cidr-block": [shape["CidrBlock"]],
                    "owner-id": [shape["OwnerId"]],
                    "dhcp-options-id": [shape["DhcpOptionsId"]], **tag_facts(_tags(shape))}
        chosen = [shape for shape in shapes if not vpc_ids or shape["VpcId"] in vpc_ids]
        return self.answer("Vpcs", self.filtered(chosen, filters, facts), next_token,
                           max_results, lambda shape: shape)

    def describe_subnets(self, ctx: RequestContext, *, subnet_ids: list[str] | None = None,
                         filters: list[dict[str, Any]] | None = None,
                         max_results: int | None = None, next_token: str | None = None,
                         dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        network = self.network(ctx)
        shapes = [*(network.subnet_shape(subnet) for subnet in network.subnets), *(
            self.subnet_shape(ctx, record) for record in self.subnets(ctx).values())]
        unknown(subnet_ids, {shape["SubnetId"] for shape in shapes},
                "InvalidSubnetID.NotFound", "subnet ID")

        def facts(shape: dict[str, Any]) -> Facts:
            return {"subnet-id": [shape["SubnetId"]], "vpc-id": [shape["VpcId"]],
                    "availability-zone": [shape["AvailabilityZone"]],
                    "availability-zone-id": [shape["AvailabilityZoneId"]],
                    "cidr-block": [shape["CidrBlock"]], "cidr": [shape["CidrBlock"]],
                    "default-for-az": ["true" if shape["DefaultForAz"] else "false"],
                    "map-public-ip-on-launch": [
                        "true" if shape["MapPublicIpOnLaunch"] else "false"],
                    "state": ["available"], "owner-id": [shape["OwnerId"]],
                    **tag_facts(_tags(shape))}
        chosen = [shape for shape in shapes
                  if not subnet_ids or shape["SubnetId"] in subnet_ids]
        return self.answer("Subnets", self.filtered(chosen, filters, facts), next_token,
                           max_results, lambda shape: shape)

    def describe_network_acls(self, ctx: RequestContext, *,
                              network_acl_ids: list[str] | None = None,
                              filters: list[dict[str, Any]] | None = None,
                              max_results: int | None = None, next_token: str | None = None,
                              dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        subnets = self.subnets(ctx).values()

        def shape(vpc: Any) -> dict[str, Any]:
            entries = [{"CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1",
                        "RuleAction": action, "RuleNumber": number}
                       for egress in (True, False)
                       for number, action in ((100, "allow"), (32767, "deny"))]
            return {"NetworkAclId": vpc.network_acl_id, "VpcId": vpc.vpc_id,
                    "IsDefault": True, "OwnerId": ctx.account_id, "Entries": entries,
                    "Tags": [], "Associations": [
                        {"NetworkAclAssociationId": subnet.acl_association_id,
                         "NetworkAclId": vpc.network_acl_id, "SubnetId": subnet.subnet_id}
                        for subnet in subnets if subnet.vpc_id == vpc.vpc_id]}
        shapes = [shape(vpc) for vpc in self.vpcs(ctx).values()]
        unknown(network_acl_ids, {item["NetworkAclId"] for item in shapes},
                "InvalidNetworkAclID.NotFound", "network ACL")

        def facts(item: dict[str, Any]) -> Facts:
            return {"network-acl-id": [item["NetworkAclId"]], "vpc-id": [item["VpcId"]],
                    "default": ["true"], "owner-id": [ctx.account_id],
                    "association.subnet-id": [a["SubnetId"] for a in item["Associations"]]}
        chosen = [item for item in shapes
                  if not network_acl_ids or item["NetworkAclId"] in network_acl_ids]
        return self.answer("NetworkAcls", self.filtered(chosen, filters, facts), next_token,
                           max_results, lambda item: item)


__all__ = ["NetworksApi", "unknown"]
