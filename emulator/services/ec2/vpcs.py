"""VPCs and subnets users create: CreateVpc, DeleteVpc, ModifyVpcAttribute, CreateSubnet,
DeleteSubnet and ModifySubnetAttribute. A new VPC comes with its default security group
(which allows all traffic from its own members in and everything out), its default network
ACL and its main route table, as in AWS. They are records only: no packet is routed.

https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpc.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSubnet.html
https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
"""

from __future__ import annotations

import ipaddress
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.ec2.common import Ec2Base, in_use, new_id, not_found, tag_list, tags_of
from emulator.services.ec2.models import (
    RouteAssociationRecord,
    RouteRecord,
    RouteTableRecord,
    RuleRecord,
    SecurityGroupRecord,
    SubnetRecord,
    VpcRecord,
)


def network_of(cidr: str, parameter: str = "cidrBlock") -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(cidr, strict=True)
    except ValueError:
        raise ServiceError(
            "InvalidParameterValue",
            f"Value ({cidr}) for parameter {parameter} is invalid. This is not a valid CIDR "
            "block.", status=400) from None


def all_egress() -> RuleRecord:
    """The rule AWS gives every new VPC security group: all traffic out to anywhere."""
    return RuleRecord(rule_id=new_id("sgr"), protocol="-1", cidr_ipv4="0.0.0.0/0")


class VpcsApi(Ec2Base):
    def vpc_record(self, ctx: RequestContext, vpc_id: str) -> VpcRecord:
        found = self.vpcs(ctx).get(vpc_id)
        if found is None:
            raise not_found("InvalidVpcID.NotFound", "vpc ID", vpc_id)
        return found

    def subnet_record(self, ctx: RequestContext, subnet_id: str) -> SubnetRecord:
        found = self.subnets(ctx).get(subnet_id)
        if found is None:
            raise not_found("InvalidSubnetID.NotFound", "subnet ID", subnet_id)
        return found

    def known_vpc(self, ctx: RequestContext, vpc_id: str) -> None:
        """Fail unless ``vpc_id`` names the default VPC or one the user created."""
        if vpc_id != self.network(ctx).vpc_id:
            self.vpc_record(ctx, vpc_id)

    def create_vpc(self, ctx: RequestContext, *, cidr_block: str | None = None,
                   instance_tenancy: str | None = None,
                   tag_specifications: list[dict[str, Any]] | None = None,
                   dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        if not cidr_block:
            raise ServiceError("MissingParameter", "Either 'cidrBlock' or 'ipv4IpamPoolId' "
                               "should be provided.", status=400)
        network = network_of(cidr_block)
        if not 16 <= network.prefixlen <= 28:
            raise ServiceError("InvalidVpc.Range", f"The CIDR '{cidr_block}' is invalid.",
                               status=400)
        tags = tags_of(tag_specifications, "vpc")
        self.dry_run(dry_run)
        vpc_id = new_id("vpc")
        record = VpcRecord(
            vpc_id=vpc_id, cidr=cidr_block, association_id=new_id("vpc-cidr-assoc"),
            tenancy=instance_tenancy or "default", default_group_id=new_id("sg"),
            network_acl_id=new_id("acl"), main_route_table_id=new_id("rtb"), tags=tags)
        self.vpcs(ctx).put(vpc_id, record)
        self.security_groups(ctx).put(record.default_group_id, SecurityGroupRecord(
            group_id=record.default_group_id, group_name="default",
            description="default VPC security group", vpc_id=vpc_id,
            ingress=[RuleRecord(rule_id=new_id("sgr"), protocol="-1",
                                group_id=record.default_group_id)],
            egress=[all_egress()]))
        self.route_tables(ctx).put(record.main_route_table_id, RouteTableRecord(
            route_table_id=record.main_route_table_id, vpc_id=vpc_id, main=True,
            routes=[RouteRecord(destination=cidr_block, target_member="GatewayId",
                                target="local")],
            associations=[RouteAssociationRecord(association_id=new_id("rtbassoc"))]))
        shape = self.vpc_shape(ctx, record)
        shape["State"] = "pending"
        return {"Vpc": shape}

    def delete_vpc(self, ctx: RequestContext, *, vpc_id: str, dry_run: bool | None = None,
                   **_: Any) -> dict[str, Any]:
        record = self.vpc_record(ctx, vpc_id)
        self.dry_run(dry_run)
        owned = [
            *(subnet for subnet in self.subnets(ctx).values() if subnet.vpc_id == vpc_id),
            *(gateway for gateway in self.internet_gateways(ctx).values()
              if gateway.vpc_id == vpc_id),
            *(table for table in self.route_tables(ctx).values()
              if table.vpc_id == vpc_id and not table.main),
            *(group for group in self.security_groups(ctx).values()
              if group.vpc_id == vpc_id and group.group_id != record.default_group_id),
            *(endpoint for endpoint in self.vpc_endpoints(ctx).values()
              if endpoint.vpc_id == vpc_id),
        ]
        if owned:
            raise in_use("vpc", vpc_id)
        self.security_groups(ctx).delete(record.default_group_id)
        self.route_tables(ctx).delete(record.main_route_table_id)
        self.vpcs(ctx).delete(vpc_id)
        return {}

    def modify_vpc_attribute(self, ctx: RequestContext, *, vpc_id: str,
                             enable_dns_support: dict[str, Any] | None = None,
                             enable_dns_hostnames: dict[str, Any] | None = None,
                             **_: Any) -> dict[str, Any]:
        record = self.vpc_record(ctx, vpc_id)
        if enable_dns_support is not None:
            record.dns_support = bool(enable_dns_support.get("Value"))
        if enable_dns_hostnames is not None:
            record.dns_hostnames = bool(enable_dns_hostnames.get("Value"))
        self.vpcs(ctx).put(vpc_id, record)
        return {}

    def describe_vpc_attribute(self, ctx: RequestContext, *, vpc_id: str, attribute: str,
                               **_: Any) -> dict[str, Any]:
        record = self.vpc_record(ctx, vpc_id)
        values = {"enableDnsSupport": ("EnableDnsSupport", record.dns_support),
                  "enableDnsHostnames": ("EnableDnsHostnames", record.dns_hostnames)}
        if attribute not in values:
            raise ServiceError("InvalidParameterValue", f"Value ({attribute}) for parameter "
                               "attribute is invalid. Unknown attribute.", status=400)
        member, value = values[attribute]
        return {"VpcId": vpc_id, member: {"Value": value}}

    def create_subnet(self, ctx: RequestContext, *, vpc_id: str, cidr_block: str | None = None,
                      availability_zone: str | None = None,
                      availability_zone_id: str | None = None,
                      tag_specifications: list[dict[str, Any]] | None = None,
                      dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        vpc = self.vpc_record(ctx, vpc_id)
        if not cidr_block:
            raise ServiceError("MissingParameter", "The request must contain the parameter "
                               "cidrBlock", status=400)
        wanted = network_of(cidr_block)
        if not 16 <= wanted.prefixlen <= 28 or not wanted.subnet_of(network_of(vpc.cidr)):
            raise ServiceError("InvalidSubnet.Range", f"The CIDR '{cidr_block}' is invalid.",
                               status=400)
        siblings = [subnet for subnet in self.subnets(ctx).values() if subnet.vpc_id == vpc_id]
        if any(wanted.overlaps(network_of(subnet.cidr)) for subnet in siblings):
            raise ServiceError("InvalidSubnet.Conflict",
                               f"The CIDR '{cidr_block}' conflicts with another subnet",
                               status=400)
        zones = self.network(ctx).subnets
        if availability_zone is None and availability_zone_id is None:
            zone = zones[len(siblings) % len(zones)]
        else:
            chosen = [zone for zone in zones if availability_zone in (None, zone.zone)
                      and availability_zone_id in (None, zone.zone_id)]
            if not chosen:
                raise ServiceError(
                    "InvalidParameterValue",
                    f"Value ({availability_zone or availability_zone_id}) for parameter "
                    "availabilityZone is invalid. Subnets can currently only be created in "
                    "the following availability zones: "
                    + ", ".join(zone.zone for zone in zones) + ".", status=400)
            zone = chosen[0]
        tags = tags_of(tag_specifications, "subnet")
        self.dry_run(dry_run)
        record = SubnetRecord(subnet_id=new_id("subnet"), vpc_id=vpc_id, cidr=cidr_block,
                              zone=zone.zone, zone_id=zone.zone_id,
                              acl_association_id=new_id("aclassoc"), tags=tags)
        self.subnets(ctx).put(record.subnet_id, record)
        shape = self.subnet_shape(ctx, record)
        shape["State"] = "pending"
        return {"Subnet": shape}

    def delete_subnet(self, ctx: RequestContext, *, subnet_id: str,
                      dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        self.subnet_record(ctx, subnet_id)
        self.dry_run(dry_run)
        if any(gateway.subnet_id == subnet_id and gateway.deleted is None
               for gateway in self.nat_gateways(ctx).values()):
            raise in_use("subnet", subnet_id)
        tables = self.route_tables(ctx)
        for table in tables.values():
            kept = [item for item in table.associations if item.subnet_id != subnet_id]
            if len(kept) != len(table.associations):
                table.associations = kept
                tables.put(table.route_table_id, table)
        self.subnets(ctx).delete(subnet_id)
        return {}

    def modify_subnet_attribute(self, ctx: RequestContext, *, subnet_id: str,
                                map_public_ip_on_launch: dict[str, Any] | None = None,
                                **_: Any) -> dict[str, Any]:
        record = self.subnet_record(ctx, subnet_id)
        if map_public_ip_on_launch is not None:
            record.map_public_ip = bool(map_public_ip_on_launch.get("Value"))
            self.subnets(ctx).put(subnet_id, record)
        return {}

    def vpc_shape(self, ctx: RequestContext, record: VpcRecord) -> dict[str, Any]:
        shape: dict[str, Any] = {
            "VpcId": record.vpc_id, "OwnerId": ctx.account_id, "State": "available",
            "CidrBlock": record.cidr, "DhcpOptionsId": self.network(ctx).dhcp_options_id,
            "InstanceTenancy": record.tenancy, "IsDefault": False,
            "CidrBlockAssociationSet": [{
                "AssociationId": record.association_id, "CidrBlock": record.cidr,
                "CidrBlockState": {"State": "associated"}}]}
        if record.tags:
            shape["Tags"] = tag_list(record.tags)
        return shape

    def subnet_shape(self, ctx: RequestContext, record: SubnetRecord) -> dict[str, Any]:
        size = network_of(record.cidr).num_addresses - 5  # AWS reserves five per subnet
        shape: dict[str, Any] = {
            "SubnetId": record.subnet_id, "VpcId": record.vpc_id, "State": "available",
            "AvailabilityZone": record.zone, "AvailabilityZoneId": record.zone_id,
            "CidrBlock": record.cidr, "AvailableIpAddressCount": size,
            "DefaultForAz": False, "MapPublicIpOnLaunch": record.map_public_ip,
            "OwnerId": ctx.account_id, "AssignIpv6AddressOnCreation": False,
            "Ipv6CidrBlockAssociationSet": [],
            "SubnetArn": f"arn:aws:ec2:{ctx.region}:{ctx.account_id}:subnet/"
                         f"{record.subnet_id}",
            "MapCustomerOwnedIpOnLaunch": False, "EnableDns64": False, "Ipv6Native": False,
            "PrivateDnsNameOptionsOnLaunch": {
                "HostnameType": "ip-name", "EnableResourceNameDnsARecord": False,
                "EnableResourceNameDnsAAAARecord": False}}
        if record.tags:
            shape["Tags"] = tag_list(record.tags)
        return shape


__all__ = ["VpcsApi", "all_egress", "network_of"]
