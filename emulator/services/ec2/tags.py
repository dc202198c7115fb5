"""CreateTags and DeleteTags on the resources users create (VPCs, subnets, security groups,
gateways, route tables, Elastic IPs, VPC endpoints), found by their ids' prefixes.

https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteTags.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.ec2.common import Ec2Base, not_found
from emulator.store.tables import Table


class TagsApi(Ec2Base):
    def _tagged(self, ctx: RequestContext, resource: str) -> tuple[Table[Any], Any]:
        prefix = resource.rsplit("-", 1)[0]
        # id prefix -> (its table, EC2's error code and noun for an unknown one)
        kinds: dict[str, tuple[Table[Any], str, str]] = {
            "vpc": (self.vpcs(ctx), "InvalidVpcID.NotFound", "vpc ID"),
            "subnet": (self.subnets(ctx), "InvalidSubnetID.NotFound", "subnet ID"),
            "sg": (self.security_groups(ctx), "InvalidGroup.NotFound", "security group"),
            "igw": (self.internet_gateways(ctx), "InvalidInternetGatewayID.NotFound",
                    "internetGateway ID"),
            "rtb": (self.route_tables(ctx), "InvalidRouteTableID.NotFound", "routeTable ID"),
            "eipalloc": (self.addresses(ctx), "InvalidAllocationID.NotFound",
                         "allocation ID"),
            "nat": (self.nat_gateways(ctx), "InvalidNatGatewayID.NotFound",
                    "natGateway ID"),
            "vpce": (self.vpc_endpoints(ctx), "InvalidVpcEndpointId.NotFound",
                     "Vpc Endpoint Id")}
        if prefix not in kinds:
            raise ServiceError("InvalidID", f'The ID "{resource}" is not valid', status=400)
        table, code, noun = kinds[prefix]
        found = table.get(resource)
        if found is None:
            raise not_found(code, noun, resource)
        return table, found

    def create_tags(self, ctx: RequestContext, *, resources: list[str],
                    tags: list[dict[str, str]], dry_run: bool | None = None, **_: Any
                    ) -> dict[str, Any]:
        found = [self._tagged(ctx, resource) for resource in resources]
        self.dry_run(dry_run)
        for (table, record), resource in zip(found, resources, strict=True):
            record.tags.update({tag["Key"]: tag.get("Value", "") for tag in tags})
            table.put(resource, record)
        return {}

    def delete_tags(self, ctx: RequestContext, *, resources: list[str],
                    tags: list[dict[str, str]] | None = None, dry_run: bool | None = None,
                    **_: Any) -> dict[str, Any]:
        found = [self._tagged(ctx, resource) for resource in resources]
        self.dry_run(dry_run)
        for (table, record), resource in zip(found, resources, strict=True):
            for tag in tags or [{"Key": key} for key in list(record.tags)]:
                if "Value" not in tag or record.tags.get(tag["Key"]) == tag["Value"]:
                    record.tags.pop(tag["Key"], None)
            table.put(resource, record)
        return {}


__all__ = ["TagsApi"]
