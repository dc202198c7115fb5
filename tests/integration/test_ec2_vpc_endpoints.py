"""EC2 through boto3 (the ec2 protocol): the default VPC, subnets and security group a user
describes, and VPC endpoints created, described by id and filter, and deleted, with the
errors EC2 answers bad input with.

https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpoints.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcEndpoints.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
"""

from __future__ import annotations

from typing import Any

import pytest
from client_errors import code_and_message as _error

from emulator.testing import EmulatorHandle


@pytest.fixture
def ec2(emulator: EmulatorHandle) -> Any:
    return emulator.client("ec2")


def test_the_default_network_is_described(ec2: Any) -> None:
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    assert len(vpcs) == 1 and vpcs[0]["IsDefault"] and vpcs[0]["CidrBlock"] == "172.31.0.0/16"
    vpc_id = vpcs[0]["VpcId"]
    assert vpc_id.startswith("vpc-")
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert [s["AvailabilityZone"] for s in subnets] == ["us-east-1a", "us-east-1b",
                                                        "us-east-1c"]
    assert all(s["DefaultForAz"] and s["VpcId"] == vpc_id for s in subnets)
    one = ec2.describe_subnets(SubnetIds=[subnets[1]["SubnetId"]])["Subnets"]
    assert [s["AvailabilityZone"] for s in one] == ["us-east-1b"]
    groups = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
    assert [(g["GroupName"], g["VpcId"]) for g in groups] == [("default", vpc_id)]
    assert _error(ec2.describe_vpcs, VpcIds=["vpc-0123456789abcdef0"]) == (
        "InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist")
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": ["vpc-nope*"]}])[
        "Vpcs"] == []


def test_vpc_endpoints_are_created_described_and_deleted(ec2: Any) -> None:
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    created = ec2.create_vpc_endpoint(
        VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.execute-api",
        VpcEndpointType="Interface", TagSpecifications=[{
            "ResourceType": "vpc-endpoint", "Tags": [{"Key": "team", "Value": "edge"}]}],
    )["VpcEndpoint"]
    endpoint_id = created["VpcEndpointId"]
    assert endpoint_id.startswith("vpce-") and created["State"] == "pending"
    assert created["PrivateDnsEnabled"] is True
    names = [entry["DnsName"] for entry in created["DnsEntries"]]
    assert names[0].startswith(f"{endpoint_id}-")
    assert names[0].endswith(".execute-api.us-east-1.vpce.amazonaws.com")
    assert names[-2:] == ["execute-api.us-east-1.amazonaws.com",
                          "*.execute-api.us-east-1.amazonaws.com"]
    gateway = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.s3",
                                      RouteTableIds=["rtb-0123456789abcdef0"])["VpcEndpoint"]
    assert (gateway["VpcEndpointType"], gateway["State"]) == ("Gateway", "available")

    described = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
    assert [(e["VpcEndpointId"], e["State"], e["VpcId"]) for e in described] == [
        (endpoint_id, "available", vpc_id)]
    assert described[0]["Tags"] == [{"Key": "team", "Value": "edge"}]
    # Every read names the same hosted zones (the private DNS names' zones included).
    assert described[0]["DnsEntries"] == created["DnsEntries"]
    by_tag = ec2.describe_vpc_endpoints(Filters=[{"Name": "tag:team", "Values": ["edge"]}])
    assert [e["VpcEndpointId"] for e in by_tag["VpcEndpoints"]] == [endpoint_id]
    by_service = ec2.describe_vpc_endpoints(Filters=[
        {"Name": "service-name", "Values": ["com.amazonaws.us-east-1.s3"]}])["VpcEndpoints"]
    assert gateway["VpcEndpointId"] in [e["VpcEndpointId"] for e in by_service]
    assert endpoint_id not in [e["VpcEndpointId"] for e in by_service]

    answer = ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id, "vpce-0123456789abcdef0"])
    assert answer["Unsuccessful"] == [{"ResourceId": "vpce-0123456789abcdef0", "Error": {
        "Code": "InvalidVpcEndpointId.NotFound",
        "Message": "The Vpc Endpoint Id 'vpce-0123456789abcdef0' does not exist"}}]
    assert _error(ec2.describe_vpc_endpoints, VpcEndpointIds=[endpoint_id]) == (
        "InvalidVpcEndpointId.NotFound", f"The Vpc Endpoint Id '{endpoint_id}' does not exist")
    ec2.delete_vpc_endpoints(VpcEndpointIds=[gateway["VpcEndpointId"]])


def test_bad_endpoint_requests_get_ec2s_errors_and_store_nothing(ec2: Any) -> None:
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    before = ec2.describe_vpc_endpoints()["VpcEndpoints"]
    assert _error(ec2.create_vpc_endpoint, VpcId="vpc-0123456789abcdef0",
                  ServiceName="com.amazonaws.us-east-1.execute-api") == (
        "InvalidVpcId.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist")
    assert _error(ec2.create_vpc_endpoint, VpcId=vpc_id, VpcEndpointType="Interface",
                  ServiceName="com.amazonaws.us-east-1.nothing here") == (
        "InvalidServiceName",
        "The Vpc Endpoint Service 'com.amazonaws.us-east-1.nothing here' does not exist")
    assert _error(ec2.create_vpc_endpoint, VpcId=vpc_id,
                  ServiceName="com.amazonaws.us-east-1.s3", SubnetIds=["subnet-0123"]) == (
        "InvalidParameter",
        "Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC "
        "Endpoints.")
    assert _error(ec2.create_vpc_endpoint, VpcId=vpc_id, VpcEndpointType="Interface",
                  ServiceName="com.amazonaws.us-east-1.execute-api", DryRun=True) == (
        "DryRunOperation", "Request would have succeeded, but DryRun flag is set.")
    assert _error(ec2.describe_vpc_endpoints, VpcEndpointIds=["endpoint-1"]) == (
        "InvalidVpcEndpointId.Malformed", 'Invalid Id: "endpoint-1" (expecting "vpce-...")')
    assert ec2.describe_vpc_endpoints()["VpcEndpoints"] == before
