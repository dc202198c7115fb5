"""The ``vpc-endpoints`` port: the REST data plane asks which VPC endpoint a private API's
request came through (its VPC, for ``aws:SourceVpc``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.ports import VpcEndpointFacts

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


__all__ = ["VpcEndpointsPort"]
