"""Amazon EC2's VPC endpoints, default network, the VPCs, subnets, security groups, gateways,
route tables and Elastic IPs users create, Regions, Availability Zones and (empty) instances
(see the parts); every other EC2 operation answers NotImplemented."""

from __future__ import annotations

from typing import Any

from emulator.services.ec2.endpoints import EndpointsApi
from emulator.services.ec2.gateways import GatewaysApi
from emulator.services.ec2.instances import InstancesApi
from emulator.services.ec2.networks import NetworksApi
from emulator.services.ec2.port import NetworksPort, VpcEndpointsPort
from emulator.services.ec2.regions import RegionsApi
from emulator.services.ec2.routes import RoutesApi
from emulator.services.ec2.security_groups import SecurityGroupsApi
from emulator.services.ec2.tags import TagsApi


class Ec2Provider(EndpointsApi, NetworksApi, SecurityGroupsApi, GatewaysApi, RoutesApi,
                  TagsApi, RegionsApi, InstancesApi):
    service_name = "ec2"

    def port(self, name: str) -> object | None:
        if name == "networks":
            return NetworksPort(self)
        return VpcEndpointsPort(self) if name == "vpc-endpoints" else None

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        return {"vpcEndpoints": [
            {"id": record.endpoint_id, "service": record.service_name, "vpc": record.vpc_id,
             "type": record.endpoint_type, "account": account, "region": region}
            for account, region, record in self.vpc_endpoints.everywhere()]}


__all__ = ["Ec2Provider"]
