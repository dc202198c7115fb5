"""AWS::EC2::VPCEndpoint: an interface or gateway endpoint (what private REST APIs are reached
through), created and deleted through EC2; any change replaces it.

https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpoint.html
"""

from __future__ import annotations

from typing import Any

from emulator.cloudformation.context import ResourceContext
from emulator.cloudformation.resources import Created, ResourceType, ignore_missing, register
from emulator.cloudformation.types.base import fit

SERVICE = "ec2"


@register
class VpcEndpoint(ResourceType):
    type_name = "AWS::EC2::VPCEndpoint"
    updatable = False

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Created:
        answer = await ctx.call(SERVICE, "CreateVpcEndpoint", fit(
            SERVICE, "CreateVpcEndpoint", properties, skip=("Tags",)))
        made = answer["VpcEndpoint"]
        return Created(made["VpcEndpointId"], {
            "Id": made["VpcEndpointId"],
            "CreationTimestamp": str(made.get("CreationTimestamp", "")),
            # "hosted zone id:DNS name", as CloudFormation lists them
            "DnsEntries": [f"{entry.get('HostedZoneId', '')}:{entry.get('DnsName', '')}"
                           for entry in made.get("DnsEntries") or []],
            "NetworkInterfaceIds": list(made.get("NetworkInterfaceIds") or [])})

    async def delete(self, ctx: ResourceContext, physical_id: str,
                     properties: dict[str, Any], attributes: dict[str, Any]) -> None:
        await ignore_missing(lambda: ctx.call(SERVICE, "DeleteVpcEndpoints",
                                              {"VpcEndpointIds": [physical_id]}))


__all__ = ["VpcEndpoint"]
