"""DescribeRegions and DescribeAvailabilityZones: the Regions of the aws partition (as
botocore's endpoint data lists them) and the Availability Zones of the default network's
subnets (see network.py).

The emulator answers in every Region, so every Region is enabled: those launched before
20 March 2019 are ``opt-in-not-required``, the later ones ``opted-in``.

https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAvailabilityZones.html
https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
"""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.ec2.common import Ec2Base, Facts
from emulator.services.ec2.network import Subnet

# Regions launched before 20 March 2019: enabled in every account, never opted into.
DEFAULT_REGIONS = frozenset({
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-1",
    "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ca-central-1",
    "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "sa-east-1"})


@cache
def partition_regions() -> tuple[str, ...]:
    endpoints = botocore.session.get_session().get_data("endpoints")
    partition = next(p for p in endpoints["partitions"] if p["partition"] == "aws")
    return tuple(sorted(partition["regions"]))


def _region_shape(name: str) -> dict[str, str]:
    return {"RegionName": name, "Endpoint": f"ec2.{name}.amazonaws.com",
            "OptInStatus": "opt-in-not-required" if name in DEFAULT_REGIONS else "opted-in"}


def _invalid(noun: str, names: list[str]) -> ServiceError:
    return ServiceError("InvalidParameterValue", f"Invalid {noun}: [{', '.join(names)}]",
                        status=400)


class RegionsApi(Ec2Base):
    def describe_regions(self, ctx: RequestContext, *, region_names: list[str] | None = None,
                         filters: list[dict[str, Any]] | None = None,
                         all_regions: bool | None = None, dry_run: bool | None = None,
                         **_: Any) -> dict[str, Any]:
        # AllRegions adds the disabled Regions; here none is disabled.
        self.dry_run(dry_run)
        known = partition_regions()
        unknown = [name for name in region_names or () if name not in known]
        if unknown:
            raise _invalid("region", unknown)
        chosen = [_region_shape(name) for name in known
                  if not region_names or name in region_names]

        def facts(shape: dict[str, str]) -> Facts:
            return {"region-name": [shape["RegionName"]], "endpoint": [shape["Endpoint"]],
                    "opt-in-status": [shape["OptInStatus"]]}
        return {"Regions": self.filtered(chosen, filters, facts)}

    def describe_availability_zones(
            self, ctx: RequestContext, *, zone_names: list[str] | None = None,
            zone_ids: list[str] | None = None, filters: list[dict[str, Any]] | None = None,
            all_availability_zones: bool | None = None, dry_run: bool | None = None,
            **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        region = ctx.region
        subnets = self.network(ctx).subnets
        unknown = [name for name in zone_names or ()
                   if name not in {subnet.zone for subnet in subnets}]
        unknown += [zone for zone in zone_ids or ()
                    if zone not in {subnet.zone_id for subnet in subnets}]
        if unknown:
            raise _invalid("availability zone", unknown)
        chosen = [subnet for subnet in subnets
                  if (not zone_names or subnet.zone in zone_names)
                  and (not zone_ids or subnet.zone_id in zone_ids)]

        def facts(subnet: Subnet) -> Facts:
            return {"zone-name": [subnet.zone], "zone-id": [subnet.zone_id],
                    "region-name": [region], "state": ["available"],
                    "zone-type": ["availability-zone"], "group-name": [f"{region}-zg-1"],
                    "opt-in-status": ["opt-in-not-required"],
                    "network-border-group": [region]}

        def shape(subnet: Subnet) -> dict[str, Any]:
            return {"ZoneName": subnet.zone, "ZoneId": subnet.zone_id, "State": "available",
                    "OptInStatus": "opt-in-not-required", "Messages": [],
                    "RegionName": region, "GroupName": f"{region}-zg-1",
                    "NetworkBorderGroup": region, "ZoneType": "availability-zone"}
        return {"AvailabilityZones": [shape(subnet) for subnet in
                                      self.filtered(chosen, filters, facts)]}


__all__ = ["RegionsApi", "partition_regions"]
