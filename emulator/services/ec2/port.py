"""The ``vpc-endpoints`` port: the REST data plane asks which VPC endpoint a private API's
request came through (its VPC, for ``aws:SourceVpc``); the ``networks`` port: Lambda asks which
VPC a function's subnets and security groups are in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.ports import VpcEndpointFacts
from emulator.services.ec2.network import DefaultNetwork

if TYPE_CHECKING:
    from emulator.services.ec2.common import Ec2Base


class VpcEndpointsPort:
    def __init__(self, provider: Ec2Base) -> None:
        self._provider = provider

    def endpoint(self, endpoint_id: str) -> VpcEndpointFacts | None:
        for account, region, record in self._provider.vpc_endpoints.everywhere():
            if record.endpoint_id == endpoint_id:
                return VpcEndpointFacts(endpoint_id, record.vpc_id, record.service_name,
                                        account, region)
        return None


class NetworksPort:
    def __init__(self, provider: Ec2Base) -> None:
        self._provider = provider

    def subnet_vpc(self, account: str, region: str, subnet_id: str) -> str | None:
        network = DefaultNetwork(account, region)
        if subnet_id in {subnet.subnet_id for subnet in network.subnets}:
            return network.vpc_id
        record = self._provider.subnets(account, region).get(subnet_id)
        return record.vpc_id if record is not None else None

    def group_vpc(self, account: str, region: str, group_id: str) -> str | None:
        network = DefaultNetwork(account, region)
        if group_id == network.security_group_id:
            return network.vpc_id
        record = self._provider.security_groups(account, region).get(group_id)
        return record.vpc_id if record is not None else None


__all__ = ["NetworksPort", "VpcEndpointsPort"]
