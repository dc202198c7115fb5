"""The VPC types CDK's ``ec2.Vpc`` and SAM templates with ``VpcConfig`` make: AWS::EC2::VPC,
Subnet, SecurityGroup (with SecurityGroupIngress and SecurityGroupEgress), InternetGateway,
VPCGatewayAttachment, RouteTable, Route, SubnetRouteTableAssociation, EIP and NatGateway,
created, changed and deleted through EC2; their own and the stack's tags through CreateTags.

https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpc.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-subnet.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-route.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-eip.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-natgateway.html
"""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.errors import ResourceError
from emulator.cloudformation.resources import (
    Created,
    ResourceType,
    ignore_missing,
    register,
    required,
)
from emulator.cloudformation.tags import tag_changes, tag_list

SERVICE = "ec2"


def _specification(ctx: ResourceContext, properties: dict[str, Any], kind: str
                   ) -> list[dict[str, Any]]:
    tags = tag_list(ctx, properties)
    return [{"ResourceType": kind, "Tags": tags}] if tags else []


def _flag(value: Any) -> bool:
    return str(value).lower() == "true"


class Ec2Type(ResourceType):
    """An EC2 resource: tagged at creation through TagSpecifications and retagged in place
    with CreateTags and DeleteTags (when ``tag_kind`` names its resource type)."""

    tag_kind: ClassVar[str | None] = None
    updatable = False

    async def retag(self, ctx: ResourceContext, physical_id: str, attributes: dict[str, Any],
                    tags: dict[str, str], previous: dict[str, str]) -> None:
        if self.tag_kind is None:
            return
        resource = self.tag_target(ctx, physical_id, attributes)
        changed, removed = tag_changes(tags, previous)
        if removed:
            await ctx.call(SERVICE, "DeleteTags", {"Resources": [resource], "Tags": [
                {"Key": key} for key in removed]})
        if changed:
            await ctx.call(SERVICE, "CreateTags", {"Resources": [resource], "Tags": [
                {"Key": key, "Value": value} for key, value in changed.items()]})

    @classmethod
    def takes_tags(cls) -> bool:
        return cls.tag_kind is not None


@register
class Vpc(Ec2Type):
    type_name = "AWS::EC2::VPC"
    tag_kind = "vpc"
    updatable = True
    extra_attributes = ("CidrBlock",)
    extra_replacing = ("InstanceTenancy",)

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        answer = await ctx.call(SERVICE, "CreateVpc", {
            "CidrBlock": properties.get("CidrBlock"),
            **({"InstanceTenancy": properties["InstanceTenancy"]}
               if properties.get("InstanceTenancy") else {}),
            "TagSpecifications": _specification(ctx, properties, "vpc")})
        vpc = answer["Vpc"]
        vpc_id = vpc["VpcId"]
        await self._attributes(ctx, vpc_id, properties, {})
        groups = await ctx.call(SERVICE, "DescribeSecurityGroups", {"Filters": [
            {"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name",
                                                      "Values": ["default"]}]})
        acls = await ctx.call(SERVICE, "DescribeNetworkAcls", {"Filters": [
            {"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]})
        return Created(vpc_id, {
            "VpcId": vpc_id, "CidrBlock": vpc["CidrBlock"],
            "CidrBlockAssociations": [item["AssociationId"] for item in
                                      vpc.get("CidrBlockAssociationSet") or ()],
            "DefaultSecurityGroup": groups["SecurityGroups"][0]["GroupId"],
            "DefaultNetworkAcl": acls["NetworkAcls"][0]["NetworkAclId"],
            "Ipv6CidrBlocks": []})

    async def _attributes(self, ctx: ResourceContext, vpc_id: str,
                          properties: dict[str, Any], previous: dict[str, Any]) -> None:
        """Set the DNS attributes that differ from ``previous`` (a new VPC's: EC2's
        defaults), one per ModifyVpcAttribute call, as EC2 requires."""
        defaults = {"EnableDnsSupport": True, "EnableDnsHostnames": False}
        for name, default in defaults.items():
            value = _flag(properties[name]) if name in properties else default
            before = _flag(previous[name]) if name in previous else default
            if value != before:
                await ctx.call(SERVICE, "ModifyVpcAttribute", {
                    "VpcId": vpc_id, name: {"Value": value}})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await self._attributes(ctx, physical_id, properties, previous)
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "DeleteVpc", {"VpcId": physical_id}))


@register
class Subnet(Ec2Type):
    type_name = "AWS::EC2::Subnet"
    tag_kind = "subnet"
    updatable = True
    extra_attributes = ("AvailabilityZone", "AvailabilityZoneId", "CidrBlock", "VpcId",
                        "OutpostArn")

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        required(properties, "VpcId")
        params = {key: properties[key] for key in (
            "VpcId", "CidrBlock", "AvailabilityZone", "AvailabilityZoneId")
            if properties.get(key)}
        answer = await ctx.call(SERVICE, "CreateSubnet", {
            **params, "TagSpecifications": _specification(ctx, properties, "subnet")})
        subnet = answer["Subnet"]
        if _flag(properties.get("MapPublicIpOnLaunch")):
            await self.update(ctx, subnet["SubnetId"], properties, {}, {})
        acls = await ctx.call(SERVICE, "DescribeNetworkAcls", {"Filters": [
            {"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}]})
        associations = [item["NetworkAclAssociationId"] for acl in acls["NetworkAcls"]
                        for item in acl["Associations"]
                        if item["SubnetId"] == subnet["SubnetId"]]
        return Created(subnet["SubnetId"], {
            "SubnetId": subnet["SubnetId"], "VpcId": subnet["VpcId"],
            "AvailabilityZone": subnet["AvailabilityZone"],
            "AvailabilityZoneId": subnet["AvailabilityZoneId"],
            "CidrBlock": subnet["CidrBlock"], "Ipv6CidrBlocks": [],
            "NetworkAclAssociationId": associations[0] if associations else "",
            "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
            "OutpostArn": ""})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        value = _flag(properties.get("MapPublicIpOnLaunch"))
        if value != _flag(previous.get("MapPublicIpOnLaunch")):
            await ctx.call(SERVICE, "ModifySubnetAttribute", {
                "SubnetId": physical_id, "MapPublicIpOnLaunch": {"Value": value}})
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "DeleteSubnet",
                                              {"SubnetId": physical_id}))


def _permission(rule: dict[str, Any], peer_group: str, peer_list: str) -> dict[str, Any]:
    """A template's rule (CidrIp, SourceSecurityGroupId...) as an IpPermission."""
    permission: dict[str, Any] = {"IpProtocol": str(rule.get("IpProtocol", "-1"))}
    for member in ("FromPort", "ToPort"):
        if rule.get(member) is not None:
            permission[member] = int(rule[member])
    described = {"Description": rule["Description"]} if rule.get("Description") else {}
    if rule.get("CidrIp"):
        permission["IpRanges"] = [{"CidrIp": rule["CidrIp"], **described}]
    elif rule.get("CidrIpv6"):
        permission["Ipv6Ranges"] = [{"CidrIpv6": rule["CidrIpv6"], **described}]
    elif rule.get(peer_list):
        permission["PrefixListIds"] = [{"PrefixListId": rule[peer_list], **described}]
    elif rule.get(peer_group):
        permission["UserIdGroupPairs"] = [{"GroupId": rule[peer_group], **described}]
    else:
        raise ResourceError("Properties validation failed for resource with message: "
                            "a rule names no CidrIp, CidrIpv6, prefix list or security group",
                            "InvalidRequest")
    return permission


INGRESS = ("SourceSecurityGroupId", "SourcePrefixListId")
EGRESS = ("DestinationSecurityGroupId", "DestinationPrefixListId")


@register
class SecurityGroup(Ec2Type):
    type_name = "AWS::EC2::SecurityGroup"
    tag_kind = "security-group"
    updatable = True
    extra_attributes = ("VpcId",)
    tag_by = "GroupId"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        required(properties, "GroupDescription")
        vpc_id = properties.get("VpcId")
        answer = await ctx.call(SERVICE, "CreateSecurityGroup", {
            "GroupName": properties.get("GroupName") or ctx.physical_name(255),
            "Description": properties["GroupDescription"],
            **({"VpcId": vpc_id} if vpc_id else {}),
            "TagSpecifications": _specification(ctx, properties, "security-group")})
        group_id = answer["GroupId"]
        described = (await ctx.call(SERVICE, "DescribeSecurityGroups", {
            "GroupIds": [group_id]}))["SecurityGroups"][0]
        await self._rules(ctx, group_id, properties, {"SecurityGroupEgress": [
            {"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]} if properties.get(
            "SecurityGroupEgress") else {})
        # Ref is the id of a VPC's group, the name of one made without VpcId.
        physical_id = group_id if vpc_id else described["GroupName"]
        return Created(physical_id, {"GroupId": group_id, "Id": group_id,
                                     "VpcId": described["VpcId"]})

    async def _rules(self, ctx: ResourceContext, group_id: str, properties: dict[str, Any],
                     previous: dict[str, Any]) -> None:
        for name, peers, verb in (("SecurityGroupIngress", INGRESS, "Ingress"),
                                  ("SecurityGroupEgress", EGRESS, "Egress")):
            new = [_permission(rule, *peers) for rule in properties.get(name) or ()]
            old = [_permission(rule, *peers) for rule in previous.get(name) or ()]
            gone = [permission for permission in old if permission not in new]
            added = [permission for permission in new if permission not in old]
            if gone:
                await ignore_missing(partial(
                    ctx.call, SERVICE, f"RevokeSecurityGroup{verb}",
                    {"GroupId": group_id, "IpPermissions": gone}))
            if added:
                await ctx.call(SERVICE, f"AuthorizeSecurityGroup{verb}", {
                    "GroupId": group_id, "IpPermissions": added})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await self._rules(ctx, str(attributes["GroupId"]), properties, previous)
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "DeleteSecurityGroup", {
            "GroupId": attributes.get("GroupId") or physical_id}))


class _Rule(Ec2Type):
    verb: ClassVar[str]
    peers: ClassVar[tuple[str, str]]

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        group = ({"GroupId": properties["GroupId"]} if properties.get("GroupId") else
                 {"GroupName": properties.get("GroupName")})
        answer = await ctx.call(SERVICE, f"AuthorizeSecurityGroup{self.verb}", {
            **group, "IpPermissions": [_permission(properties, *self.peers)]})
        rule = answer["SecurityGroupRules"][0]
        return Created(rule["SecurityGroupRuleId"], {"Id": rule["SecurityGroupRuleId"],
                                                     "GroupId": rule["GroupId"]})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, f"RevokeSecurityGroup{self.verb}", {
            "GroupId": attributes.get("GroupId"), "SecurityGroupRuleIds": [physical_id]}))


@register
class SecurityGroupIngress(_Rule):
    type_name = "AWS::EC2::SecurityGroupIngress"
    verb = "Ingress"
    peers = INGRESS


@register
class SecurityGroupEgress(_Rule):
    type_name = "AWS::EC2::SecurityGroupEgress"
    verb = "Egress"
    peers = EGRESS


@register
class InternetGateway(Ec2Type):
    type_name = "AWS::EC2::InternetGateway"
    tag_kind = "internet-gateway"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        answer = await ctx.call(SERVICE, "CreateInternetGateway", {
            "TagSpecifications": _specification(ctx, properties, "internet-gateway")})
        gateway_id = answer["InternetGateway"]["InternetGatewayId"]
        return Created(gateway_id, {"InternetGatewayId": gateway_id})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "DeleteInternetGateway", {
            "InternetGatewayId": physical_id}))


@register
class VpcGatewayAttachment(Ec2Type):
    type_name = "AWS::EC2::VPCGatewayAttachment"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        required(properties, "VpcId")
        if not properties.get("InternetGatewayId"):
            raise ResourceError("Only internet gateways can be attached to a VPC here "
                                "(VpnGatewayId is not supported)", "NotUpdatable")
        await ctx.call(SERVICE, "AttachInternetGateway", {
            "InternetGatewayId": properties["InternetGatewayId"],
            "VpcId": properties["VpcId"]})
        return Created(f"IGW|{properties['VpcId']}", {"AttachmentType": "igw"})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "DetachInternetGateway", {
            "InternetGatewayId": properties.get("InternetGatewayId"),
            "VpcId": properties.get("VpcId")}))


@register
class RouteTable(Ec2Type):
    type_name = "AWS::EC2::RouteTable"
    tag_kind = "route-table"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        required(properties, "VpcId")
        answer = await ctx.call(SERVICE, "CreateRouteTable", {
            "VpcId": properties["VpcId"],
            "TagSpecifications": _specification(ctx, properties, "route-table")})
        table_id = answer["RouteTable"]["RouteTableId"]
        return Created(table_id, {"RouteTableId": table_id})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "DeleteRouteTable", {
            "RouteTableId": physical_id}))


ROUTE_MEMBERS = ("RouteTableId", "DestinationCidrBlock", "DestinationIpv6CidrBlock",
                 "DestinationPrefixListId", "GatewayId", "NatGatewayId",
                 "EgressOnlyInternetGatewayId", "InstanceId", "NetworkInterfaceId",
                 "VpcPeeringConnectionId", "TransitGatewayId", "LocalGatewayId",
                 "CarrierGatewayId", "VpcEndpointId", "CoreNetworkArn")


def _destination(properties: dict[str, Any]) -> str:
    return str(properties.get("DestinationCidrBlock") or properties.get(
        "DestinationIpv6CidrBlock") or properties.get("DestinationPrefixListId") or "")


@register
class Route(Ec2Type):
    type_name = "AWS::EC2::Route"
    updatable = True

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        required(properties, "RouteTableId")
        await ctx.call(SERVICE, "CreateRoute", {
            key: properties[key] for key in ROUTE_MEMBERS if properties.get(key)})
        destination = _destination(properties)
        # The id CloudFormation gives a route: its table and destination.
        return Created(f"{properties['RouteTableId']}|{destination}",
                       {"CidrBlock": destination})

    async def update(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], previous: dict[str, Any],
                     attributes: dict[str, Any]) -> dict[str, Any]:
        await ctx.call(SERVICE, "ReplaceRoute", {
            key: properties[key] for key in ROUTE_MEMBERS if properties.get(key)})
        return attributes

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        destination = {key: properties[key] for key in (
            "DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")
            if properties.get(key)}
        await ignore_missing(lambda: ctx.call(SERVICE, "DeleteRoute", {
            "RouteTableId": properties.get("RouteTableId"), **destination}))


@register
class SubnetRouteTableAssociation(Ec2Type):
    type_name = "AWS::EC2::SubnetRouteTableAssociation"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        required(properties, "RouteTableId", "SubnetId")
        answer = await ctx.call(SERVICE, "AssociateRouteTable", {
            "RouteTableId": properties["RouteTableId"], "SubnetId": properties["SubnetId"]})
        return Created(answer["AssociationId"], {"Id": answer["AssociationId"]})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "DisassociateRouteTable", {
            "AssociationId": physical_id}))


@register
class Eip(Ec2Type):
    type_name = "AWS::EC2::EIP"
    tag_kind = "elastic-ip"
    tag_by = "AllocationId"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        answer = await ctx.call(SERVICE, "AllocateAddress", {
            "Domain": "vpc",
            "TagSpecifications": _specification(ctx, properties, "elastic-ip")})
        # Ref is the address itself.
        return Created(answer["PublicIp"], {"AllocationId": answer["AllocationId"],
                                            "PublicIp": answer["PublicIp"]})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "ReleaseAddress", {
            "AllocationId": attributes.get("AllocationId")}))


@register
class NatGateway(Ec2Type):
    type_name = "AWS::EC2::NatGateway"
    tag_kind = "natgateway"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        required(properties, "SubnetId")
        params = {key: properties[key] for key in (
            "SubnetId", "AllocationId", "ConnectivityType") if properties.get(key)}
        answer = await ctx.call(SERVICE, "CreateNatGateway", {
            **params, "TagSpecifications": _specification(ctx, properties, "natgateway")})
        gateway = answer["NatGateway"]
        interfaces = [item.get("NetworkInterfaceId", "") for item in
                      gateway.get("NatGatewayAddresses") or ()]
        return Created(gateway["NatGatewayId"], {
            "NatGatewayId": gateway["NatGatewayId"],
            "EniId": interfaces[0] if interfaces else ""})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "DeleteNatGateway", {
            "NatGatewayId": physical_id}))


__all__ = [
    "Eip", "InternetGateway", "NatGateway", "Route", "RouteTable", "SecurityGroup",
    "SecurityGroupEgress", "SecurityGroupIngress", "Subnet", "SubnetRouteTableAssociation",
    "Vpc", "VpcGatewayAttachment",
]
