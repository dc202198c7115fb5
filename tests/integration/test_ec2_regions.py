"""EC2's read-only start-up calls through boto3: DescribeRegions, DescribeAvailabilityZones
(the zones of the default subnets) and DescribeInstances (no instances run here).

https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAvailabilityZones.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AvailabilityZone.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html
https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
  (Regions launched before 20 March 2019 are enabled by default; later ones are opt-in)
InvalidParameterValue "Invalid region: [us--east-1]" as EC2 answers it:
https://github.com/awslabs/amazon-s3-tar-tool/pull/7
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle


@pytest.fixture
def ec2(emulator: EmulatorHandle) -> Any:
    return emulator.client("ec2")


def _error(call: Any, **kwargs: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
            response["Error"]["Message"])


def test_regions_are_described_with_endpoint_and_opt_in_status(ec2: Any) -> None:
    regions = {r["RegionName"]: r for r in ec2.describe_regions()["Regions"]}
    assert regions["us-east-1"] == {"RegionName": "us-east-1", "OptInStatus":
                                    "opt-in-not-required",
                                    "Endpoint": "ec2.us-east-1.amazonaws.com"}
    assert regions["eu-west-1"]["OptInStatus"] == "opt-in-not-required"
    assert regions["af-south-1"]["OptInStatus"] == "opted-in"
    assert not any(name.startswith(("cn-", "us-gov-", "fips-")) for name in regions)
    assert [r["RegionName"] for r in ec2.describe_regions(AllRegions=True)["Regions"]] == list(
        regions)
    named = ec2.describe_regions(RegionNames=["eu-west-1", "af-south-1"])["Regions"]
    assert sorted(r["RegionName"] for r in named) == ["af-south-1", "eu-west-1"]
    filtered = ec2.describe_regions(Filters=[
        {"Name": "opt-in-status", "Values": ["opt-in-not-required"]},
        {"Name": "region-name", "Values": ["us-*"]}])["Regions"]
    assert sorted(r["RegionName"] for r in filtered) == [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2"]
    assert _error(ec2.describe_regions, RegionNames=["us--east-1"]) == (
        400, "InvalidParameterValue", "Invalid region: [us--east-1]")


def test_availability_zones_match_the_default_subnets(emulator: EmulatorHandle) -> None:
    ec2 = emulator.client("ec2", region_name="eu-west-1")
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    subnets = ec2.describe_subnets()["Subnets"]
    assert sorted((z["ZoneName"], z["ZoneId"]) for z in zones) == sorted(
        (s["AvailabilityZone"], s["AvailabilityZoneId"]) for s in subnets)
    assert zones[0] == {"ZoneName": "eu-west-1a", "ZoneId": "euw1-az1", "State": "available",
                        "OptInStatus": "opt-in-not-required", "Messages": [],
                        "RegionName": "eu-west-1", "GroupName": "eu-west-1-zg-1",
                        "NetworkBorderGroup": "eu-west-1", "ZoneType": "availability-zone"}
    picked = ec2.describe_availability_zones(ZoneNames=["eu-west-1b"])["AvailabilityZones"]
    assert [z["ZoneName"] for z in picked] == ["eu-west-1b"]
    by_filter = ec2.describe_availability_zones(Filters=[
        {"Name": "zone-id", "Values": ["euw1-az3"]}])["AvailabilityZones"]
    assert [z["ZoneName"] for z in by_filter] == ["eu-west-1c"]
    assert ec2.describe_availability_zones(AllAvailabilityZones=True)["AvailabilityZones"] == (
        zones)
    status, code, _ = _error(ec2.describe_availability_zones, ZoneNames=["eu-west-1z"])
    assert (status, code) == (400, "InvalidParameterValue")


def test_no_instances_are_described(ec2: Any) -> None:
    assert ec2.describe_instances()["Reservations"] == []
    assert ec2.describe_instances(Filters=[
        {"Name": "instance-state-name", "Values": ["running"]}])["Reservations"] == []
    pages = ec2.get_paginator("describe_instances").paginate(MaxResults=5)
    assert [page["Reservations"] for page in pages] == [[]]
    assert _error(ec2.describe_instances, InstanceIds=["i-0123456789abcdef0"]) == (
        400, "InvalidInstanceID.NotFound",
        "The instance ID 'i-0123456789abcdef0' does not exist")
