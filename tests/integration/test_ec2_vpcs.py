"""EC2 through boto3: VPCs, subnets, security groups and their rules, internet and NAT
gateways, Elastic IPs and route tables that users create, described back, and the errors EC2
answers the common mistakes with.

https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from client_errors import code_and_message as _error

from emulator.testing import EmulatorHandle


@pytest.fixture
def ec2(emulator: EmulatorHandle) -> Any:
    return emulator.client("ec2")


def test_a_vpc_and_its_subnets_are_created_described_and_deleted(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "app"}]}])["Vpc"]
    vpc_id = vpc["VpcId"]
    assert vpc_id.startswith("vpc-") and vpc["CidrBlock"] == "10.7.0.0/16"
    ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "stage", "Value": "dev"}])
    ec2.delete_tags(Resources=[vpc_id], Tags=[{"Key": "stage"}, {"Key": "Name", "Value": "x"}])
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Tags"] == [
        {"Key": "Name", "Value": "app"}]
    assert _error(ec2.create_tags, Resources=["subnet-0123456789abcdef0"], Tags=[
        {"Key": "k", "Value": "v"}]) == ("InvalidSubnetID.NotFound",
                                         "The subnet ID 'subnet-0123456789abcdef0' does not "
                                         "exist")
    described = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["app"]}])["Vpcs"]
    assert [(v["VpcId"], v["IsDefault"], v["State"]) for v in described] == [
        (vpc_id, False, "available")]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.7.0.0/24",
                               AvailabilityZone="us-east-1b")["Subnet"]
    assert (subnet["VpcId"], subnet["AvailabilityZone"], subnet["AvailableIpAddressCount"],
            subnet["DefaultForAz"]) == (vpc_id, "us-east-1b", 251, False)
    listed = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert [s["SubnetId"] for s in listed] == [subnet["SubnetId"]]
    assert _error(ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.7.0.128/25") == (
        "InvalidSubnet.Conflict", "The CIDR '10.7.0.128/25' conflicts with another subnet")
    assert _error(ec2.create_subnet, VpcId=vpc_id, CidrBlock="10.8.0.0/24") == (
        "InvalidSubnet.Range", "The CIDR '10.8.0.0/24' is invalid.")
    assert _error(ec2.create_subnet, VpcId="vpc-0123456789abcdef0", CidrBlock="10.7.1.0/24"
                  ) == ("InvalidVpcID.NotFound",
                        "The vpc ID 'vpc-0123456789abcdef0' does not exist")
    assert _error(ec2.delete_vpc, VpcId=vpc_id) == (
        "DependencyViolation", f"The vpc '{vpc_id}' has dependencies and cannot be deleted.")
    ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    ec2.delete_vpc(VpcId=vpc_id)
    assert _error(ec2.describe_vpcs, VpcIds=[vpc_id]) == (
        "InvalidVpcID.NotFound", f"The vpc ID '{vpc_id}' does not exist")
    assert _error(ec2.create_vpc, CidrBlock="10.0.0.0/8")[0] == "InvalidVpc.Range"


def test_security_groups_start_with_all_egress_and_take_rules(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    default = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    assert [g["GroupName"] for g in default] == ["default"]
    # What CDK's restrictDefaultSecurityGroup custom resource revokes, then puts back.
    default_id, account = default[0]["GroupId"], default[0]["OwnerId"]
    own = [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": default_id,
                                                      "UserId": account}]}]
    anywhere = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    ec2.revoke_security_group_ingress(GroupId=default_id, IpPermissions=own)
    ec2.revoke_security_group_egress(GroupId=default_id, IpPermissions=anywhere)
    emptied = ec2.describe_security_groups(GroupIds=[default_id])["SecurityGroups"][0]
    assert (emptied["IpPermissions"], emptied["IpPermissionsEgress"]) == ([], [])
    ec2.authorize_security_group_ingress(GroupId=default_id, IpPermissions=own)
    ec2.authorize_security_group_egress(GroupId=default_id, IpPermissions=anywhere)
    assert ec2.describe_security_groups(GroupIds=[default_id])["SecurityGroups"][0][
        "IpPermissions"] == [{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [],
                              "PrefixListIds": [], "UserIdGroupPairs": [
                                  {"GroupId": default_id, "UserId": account}]}]
    group_id = ec2.create_security_group(GroupName="web", Description="web tier",
                                         VpcId=vpc_id)["GroupId"]
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    assert group["IpPermissions"] == []
    assert group["IpPermissionsEgress"] == [{
        "IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
        "PrefixListIds": [], "UserIdGroupPairs": []}]
    https = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
              "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    rules = ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=https)
    assert rules["Return"] and rules["SecurityGroupRules"][0]["FromPort"] == 443
    assert _error(ec2.authorize_security_group_ingress, GroupId=group_id,
                  IpPermissions=https) == (
        "InvalidPermission.Duplicate", 'the specified rule "peer: 0.0.0.0/0, TCP, from port: '
                                       '443, to port: 443, ALLOW" already exists')
    assert _error(ec2.create_security_group, GroupName="web", Description="again",
                  VpcId=vpc_id) == ("InvalidGroup.Duplicate", f"The security group 'web' "
                                    f"already exists for VPC '{vpc_id}'")
    ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    assert group["IpPermissionsEgress"] == [] and group["IpPermissions"][0]["ToPort"] == 443
    assert _error(ec2.revoke_security_group_egress, GroupId=group_id, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])[0] == (
        "InvalidPermission.NotFound")
    assert _error(ec2.delete_vpc, VpcId=vpc_id)[0] == "DependencyViolation"
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc_id, ServiceName="com.amazonaws.us-east-1.execute-api",
        VpcEndpointType="Interface", SubnetIds=[subnet_id], SecurityGroupIds=[group_id],
    )["VpcEndpoint"]
    assert (endpoint["SubnetIds"], [g["GroupId"] for g in endpoint["Groups"]]) == (
        [subnet_id], [group_id])
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])
    ec2.delete_subnet(SubnetId=subnet_id)
    ec2.delete_security_group(GroupId=group_id)
    assert _error(ec2.delete_security_group, GroupId=group_id) == (
        "InvalidGroup.NotFound", f"The security group '{group_id}' does not exist")
    ec2.delete_vpc(VpcId=vpc_id)


def test_gateways_addresses_and_routes(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.11.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.11.0.0/24")["Subnet"][
        "SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    attached = ec2.describe_internet_gateways(Filters=[
        {"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
    assert [g["Attachments"] for g in attached] == [[{"State": "available", "VpcId": vpc_id}]]
    table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    association = ec2.associate_route_table(RouteTableId=table, SubnetId=subnet_id)
    assert association["AssociationState"] == {"State": "associated"}
    described = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]
    assert [(r["DestinationCidrBlock"], r["GatewayId"]) for r in described["Routes"]] == [
        ("10.11.0.0/16", "local"), ("0.0.0.0/0", igw)]
    assert described["Associations"][0]["SubnetId"] == subnet_id
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {
        "Name": "association.main", "Values": ["true"]}])["RouteTables"]
    assert len(main) == 1 and main[0]["RouteTableId"] != table
    address = ec2.allocate_address(Domain="vpc")
    nat = ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=address["AllocationId"])[
        "NatGateway"]
    assert nat["State"] == "pending" and nat["VpcId"] == vpc_id
    assert _error(ec2.delete_subnet, SubnetId=subnet_id)[0] == "DependencyViolation"
    assert _error(ec2.release_address, AllocationId=address["AllocationId"])[0] == (
        "InvalidIPAddress.InUse")
    ec2.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])
    assert ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0][
        "State"] == "deleted"
    ec2.release_address(AllocationId=address["AllocationId"])
    ec2.disassociate_route_table(AssociationId=association["AssociationId"])
    ec2.delete_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0")
    ec2.delete_route_table(RouteTableId=table)
    assert _error(ec2.delete_internet_gateway, InternetGatewayId=igw)[0] == (
        "DependencyViolation")
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    ec2.delete_internet_gateway(InternetGatewayId=igw)
    ec2.delete_subnet(SubnetId=subnet_id)
    ec2.delete_vpc(VpcId=vpc_id)


def test_a_function_in_a_vpc_describes_its_vpc(emulator: EmulatorHandle, ec2: Any) -> None:
    """https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html"""
    lam = emulator.client("lambda")
    subnet = ec2.describe_subnets()["Subnets"][0]
    group = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]
    code = {"ZipFile": _zip("def handler(event, context):\n    return 1\n")}
    role = "arn:aws:iam::000000000000:role/lambda-role"
    made = lam.create_function(
        FunctionName="in-a-vpc", Runtime="python3.12", Handler="index.handler", Role=role,
        Code=code, VpcConfig={"SubnetIds": [subnet["SubnetId"]],
                              "SecurityGroupIds": [group["GroupId"]]})
    assert made["VpcConfig"]["VpcId"] == subnet["VpcId"]
    assert _error(lam.create_function, FunctionName="no-subnets", Runtime="python3.12",
                  Handler="index.handler", Role=role, Code=code,
                  VpcConfig={"SubnetIds": [], "SecurityGroupIds": [group["GroupId"]]}) == (
        "InvalidParameterValueException",
        "SubnetIds and SecurityIds must coexist or be both empty list.")
    assert _error(lam.create_function, FunctionName="bad-subnet", Runtime="python3.12",
                  Handler="index.handler", Role=role, Code=code,
                  VpcConfig={"SubnetIds": ["subnet-0123456789abcdef0"],
                             "SecurityGroupIds": [group["GroupId"]]})[1].startswith(
        "Error occurred while DescribeSubnets. EC2 Error Code: InvalidSubnetID.NotFound.")
    assert _error(lam.create_function, FunctionName="bad-group", Runtime="python3.12",
                  Handler="index.handler", Role=role, Code=code,
                  VpcConfig={"SubnetIds": [subnet["SubnetId"]],
                             "SecurityGroupIds": ["sg-0123456789abcdef0"]}) == (
        "InvalidParameterValueException",
        "Error occurred while DescribeSecurityGroups. EC2 Error Code: InvalidGroup.NotFound. "
        "EC2 Error Message: The security group 'sg-0123456789abcdef0' does not exist")
    lam.delete_function(FunctionName="in-a-vpc")


def _zip(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", source)
    return buffer.getvalue()
