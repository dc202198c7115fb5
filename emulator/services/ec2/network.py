"""The default network every account and region has: one VPC (172.31.0.0/16), a default
subnet per Availability Zone and the VPC's default security group. Their ids follow from the
account and region, so they are the same after a restart without being stored."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

ZONE_LETTERS = ("a", "b", "c")


def _id(prefix: str, *parts: str) -> str:
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{prefix}-{digest[:17]}"


def _compass_letters(word: str) -> str:
    """A zone id's letters for a Region's direction: use1, apne1, euc1 (us-east-1,
    ap-northeast-1, eu-central-1)."""
    for point in ("north", "south"):
        if word.startswith(point) and word != point:
            return point[0] + word[len(point)]
    return word[0]


@dataclass(frozen=True)
class Subnet:
    subnet_id: str
    zone: str
    zone_id: str
    cidr: str


@dataclass(frozen=True)
class DefaultNetwork:
    account: str
    region: str

    @property
    def vpc_id(self) -> str:
        return _id("vpc", self.account, self.region, "vpc")

    @property
    def security_group_id(self) -> str:
        return _id("sg", self.account, self.region, "default")

    @property
    def dhcp_options_id(self) -> str:
        return _id("dopt", self.account, self.region)

    @property
    def subnets(self) -> list[Subnet]:
        area, *compass, number = self.region.split("-")
        short = area + "".join(_compass_letters(word) for word in compass) + number
        return [Subnet(_id("subnet", self.account, self.region, letter), self.region + letter,
                       f"{short}-az{index + 1}", f"172.31.{16 * index}.0/20")
                for index, letter in enumerate(ZONE_LETTERS)]

    def vpc_shape(self) -> dict[str, object]:
        return {
            "VpcId": self.vpc_id, "OwnerId": self.account, "State": "available",
            "CidrBlock": "172.31.0.0/16", "DhcpOptionsId": self.dhcp_options_id,
            "InstanceTenancy": "default", "IsDefault": True,
            "CidrBlockAssociationSet": [{
                "AssociationId": _id("vpc-cidr-assoc", self.account, self.region),
                "CidrBlock": "172.31.0.0/16", "CidrBlockState": {"State": "associated"}}],
        }

    def subnet_shape(self, subnet: Subnet) -> dict[str, object]:
        return {
            "SubnetId": subnet.subnet_id, "VpcId": self.vpc_id, "State": "available",
            "AvailabilityZone": subnet.zone, "AvailabilityZoneId": subnet.zone_id,
            "CidrBlock": subnet.cidr, "AvailableIpAddressCount": 4091,
            "DefaultForAz": True, "MapPublicIpOnLaunch": True, "OwnerId": self.account,
            "AssignIpv6AddressOnCreation": False, "Ipv6CidrBlockAssociationSet": [],
            "SubnetArn": f"arn:aws:ec2:{self.region}:{self.account}:subnet/{subnet.subnet_id}",
            "MapCustomerOwnedIpOnLaunch": False, "EnableDns64": False, "Ipv6Native": False,
            "PrivateDnsNameOptionsOnLaunch": {
                "HostnameType": "ip-name", "EnableResourceNameDnsARecord": False,
                "EnableResourceNameDnsAAAARecord": False},
        }

    def security_group_shape(self) -> dict[str, object]:
        group = self.security_group_id
        return {
            "GroupId": group, "GroupName": "default", "VpcId": self.vpc_id,
            "Description": "default VPC security group", "OwnerId": self.account,
            "SecurityGroupArn": f"arn:aws:ec2:{self.region}:{self.account}:security-group/"
                                f"{group}",
            "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [],
                               "PrefixListIds": [], "UserIdGroupPairs": [
                                   {"GroupId": group, "UserId": self.account}]}],
            "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [
                {"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [],
                "UserIdGroupPairs": []}],
        }


__all__ = ["DefaultNetwork", "Subnet"]
