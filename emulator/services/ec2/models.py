"""The stored records of EC2: VPC endpoints and the networks users create (VPCs, subnets,
security groups, gateways, route tables, Elastic IPs). The default VPC, its subnets and its
security group are not stored; they follow from the account and region (see network.py)."""

from __future__ import annotations

from pydantic import Field

from emulator.store import Record

VPC_ENDPOINTS = "vpc-endpoints"  # key: the endpoint's id


class VpcEndpointRecord(Record):
    endpoint_id: str
    endpoint_type: str  # Interface, Gateway, GatewayLoadBalancer...
    vpc_id: str
    service_name: str
    policy: str | None = None
    route_table_ids: list[str] = Field(default_factory=list)
    subnet_ids: list[str] = Field(default_factory=list)
    security_group_ids: list[str] = Field(default_factory=list)
    ip_address_type: str = "ipv4"
    private_dns_enabled: bool = False
    dns_suffix: str = ""  # the random part of the endpoint's DNS names
    created: float
    owner_id: str
    tags: dict[str, str] = Field(default_factory=dict)




# The networks users create (CreateVpc and what lives in a VPC), each keyed by its id.
VPCS = "vpcs"
SUBNETS = "subnets"
SECURITY_GROUPS = "security-groups"
INTERNET_GATEWAYS = "internet-gateways"
ROUTE_TABLES = "route-tables"
ADDRESSES = "addresses"  # key: the allocation id
NAT_GATEWAYS = "nat-gateways"


class VpcRecord(Record):
    vpc_id: str
    cidr: str
    association_id: str
    tenancy: str = "default"
    default_group_id: str  # the VPC's "default" security group
    network_acl_id: str
    main_route_table_id: str
    dns_support: bool = True
    dns_hostnames: bool = False
    tags: dict[str, str] = Field(default_factory=dict)


class SubnetRecord(Record):
    subnet_id: str
    vpc_id: str
    cidr: str
    zone: str
    zone_id: str
    map_public_ip: bool = False
    acl_association_id: str
    tags: dict[str, str] = Field(default_factory=dict)


class RuleRecord(Record):
    """One permission of a security group: a protocol and port range and one peer."""
    rule_id: str
    protocol: str
    from_port: int | None = None
    to_port: int | None = None
    cidr_ipv4: str | None = None
    cidr_ipv6: str | None = None
    prefix_list: str | None = None
    group_id: str | None = None  # a referenced security group
    description: str | None = None


class SecurityGroupRecord(Record):
    group_id: str
    group_name: str
    description: str
    vpc_id: str
    ingress: list[RuleRecord] = Field(default_factory=list)
    egress: list[RuleRecord] = Field(default_factory=list)
    tags: dict[str, str] = Field(default_factory=dict)


class InternetGatewayRecord(Record):
    gateway_id: str
    vpc_id: str | None = None  # the VPC it is attached to
    tags: dict[str, str] = Field(default_factory=dict)


class RouteRecord(Record):
    destination: str  # an IPv4 or IPv6 CIDR or a prefix list id
    target_member: str  # the Route's member naming the target: GatewayId, NatGatewayId...
    target: str


class RouteAssociationRecord(Record):
    association_id: str
    subnet_id: str | None = None  # None: the VPC's main association


class RouteTableRecord(Record):
    route_table_id: str
    vpc_id: str
    main: bool = False
    routes: list[RouteRecord] = Field(default_factory=list)
    associations: list[RouteAssociationRecord] = Field(default_factory=list)
    tags: dict[str, str] = Field(default_factory=dict)


class AddressRecord(Record):
    allocation_id: str
    public_ip: str
    association: str | None = None  # the NAT gateway it is used by
    tags: dict[str, str] = Field(default_factory=dict)


class NatGatewayRecord(Record):
    nat_gateway_id: str
    vpc_id: str
    subnet_id: str
    connectivity: str = "public"
    allocation_id: str | None = None
    private_ip: str
    network_interface_id: str
    created: float
    deleted: float | None = None  # deleted NAT gateways are listed for a while, as "deleted"
    tags: dict[str, str] = Field(default_factory=dict)


__all__ = [
    "ADDRESSES", "INTERNET_GATEWAYS", "NAT_GATEWAYS", "ROUTE_TABLES", "SECURITY_GROUPS",
    "SUBNETS", "VPCS", "VPC_ENDPOINTS", "AddressRecord", "InternetGatewayRecord",
    "NatGatewayRecord", "RouteAssociationRecord", "RouteRecord", "RouteTableRecord",
    "RuleRecord", "SecurityGroupRecord", "SubnetRecord", "VpcEndpointRecord", "VpcRecord",
]
