"""The stored records of EC2: VPC endpoints. The default VPC, its subnets and its security
group are not stored; they follow from the account and region (see network.py)."""

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


__all__ = ["VPC_ENDPOINTS", "VpcEndpointRecord"]
