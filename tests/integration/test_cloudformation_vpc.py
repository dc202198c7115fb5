"""A CDK ``new ec2.Vpc(this, 'Vpc', {maxAzs: 2})`` network (public and private subnets in
two zones, an internet gateway, a NAT gateway per zone with its Elastic IP, route tables and
routes) plus a Lambda function in its private subnets, deployed and deleted through
CloudFormation with boto3; EC2 describes what the stack made.

https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpc.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-subnet.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-eip.html
"""

from __future__ import annotations

from emulator.testing import EmulatorHandle
from tests.integration.cloudformation_support import create, delete, outputs, stack_name, update


def _zone(index: int, kind: str, cidr: str) -> str:
    name = f"Vpc{kind}Subnet{index + 1}"
    public = kind == "Public"
    target = ("GatewayId: !Ref VpcIGW" if public else
              f"NatGatewayId: !Ref VpcPublicSubnet{index + 1}NATGateway")
    text = f"""
  {name}Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      AvailabilityZone: !Select [{index}, !GetAZs ""]
      CidrBlock: {cidr}
      MapPublicIpOnLaunch: {str(public).lower()}
      Tags:
        - {{Key: aws-cdk:subnet-name, Value: {kind}}}
        - {{Key: aws-cdk:subnet-type, Value: {"Public" if public else "Private"}}}
        - {{Key: Name, Value: Stack/Vpc/{kind}Subnet{index + 1}}}
      VpcId: !Ref Vpc
  {name}RouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      Tags: [{{Key: Name, Value: Stack/Vpc/{kind}Subnet{index + 1}}}]
      VpcId: !Ref Vpc
  {name}RouteTableAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      RouteTableId: !Ref {name}RouteTable
      SubnetId: !Ref {name}Subnet
  {name}DefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      DestinationCidrBlock: 0.0.0.0/0
      {target}
      RouteTableId: !Ref {name}RouteTable
"""
    if public:
        text += f"""    DependsOn: [VpcVPCGW]
  {name}EIP:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
      Tags: [{{Key: Name, Value: Stack/Vpc/{kind}Subnet{index + 1}}}]
  {name}NATGateway:
    Type: AWS::EC2::NatGateway
    Properties:
      AllocationId: !GetAtt {name}EIP.AllocationId
      SubnetId: !Ref {name}Subnet
      Tags: [{{Key: Name, Value: Stack/Vpc/{kind}Subnet{index + 1}}}]
    DependsOn: [{name}DefaultRoute, {name}RouteTableAssociation]
"""
    return text


TEMPLATE = """
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      EnableDnsHostnames: true
      EnableDnsSupport: true
      InstanceTenancy: default
      Tags: [{Key: Name, Value: Stack/Vpc}]
""" + "".join(_zone(i, "Public", f"10.0.{64 * i}.0/18") for i in range(2)) + "".join(
    _zone(i, "Private", f"10.0.{128 + 64 * i}.0/18") for i in range(2)) + """
  VpcIGW:
    Type: AWS::EC2::InternetGateway
    Properties:
      Tags: [{Key: Name, Value: Stack/Vpc}]
  VpcVPCGW:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      InternetGatewayId: !Ref VpcIGW
      VpcId: !Ref Vpc
  FunctionSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Automatic security group for Lambda Function
      SecurityGroupEgress:
        - {CidrIp: 0.0.0.0/0, Description: Allow all outbound traffic by default,
           IpProtocol: "-1"}
      VpcId: !Ref Vpc
  FunctionIngress:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt FunctionSecurityGroup.GroupId
      IpProtocol: tcp
      FromPort: 443
      ToPort: 443
      CidrIp: !GetAtt Vpc.CidrBlock
  FunctionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com},
                     Action: sts:AssumeRole}]
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt FunctionRole.Arn
      Code: {ZipFile: "def handler(event, context):\\n    return 'in a vpc'\\n"}
      VpcConfig:
        SecurityGroupIds: [!GetAtt FunctionSecurityGroup.GroupId]
        SubnetIds: [!Ref VpcPrivateSubnet1Subnet, !Ref VpcPrivateSubnet2Subnet]
    DependsOn: [VpcPrivateSubnet1DefaultRoute, VpcPrivateSubnet2DefaultRoute]
Outputs:
  VpcId: {Value: !Ref Vpc}
  VpcCidr: {Value: !GetAtt Vpc.CidrBlock}
  DefaultGroup: {Value: !GetAtt Vpc.DefaultSecurityGroup}
  DefaultAcl: {Value: !GetAtt Vpc.DefaultNetworkAcl}
  SubnetZone: {Value: !GetAtt VpcPrivateSubnet2Subnet.AvailabilityZone}
  SubnetVpc: {Value: !GetAtt VpcPrivateSubnet2Subnet.VpcId}
  GroupId: {Value: !GetAtt FunctionSecurityGroup.GroupId}
  GroupRef: {Value: !Ref FunctionSecurityGroup}
  GroupVpc: {Value: !GetAtt FunctionSecurityGroup.VpcId}
  Eip: {Value: !Ref VpcPublicSubnet1EIP}
  Route: {Value: !Ref VpcPublicSubnet1DefaultRoute}
  Function: {Value: !Ref Function}
  PrivateSubnet1: {Value: !Ref VpcPrivateSubnet1Subnet}
  PrivateSubnet2: {Value: !Ref VpcPrivateSubnet2Subnet}
"""


def test_a_cdk_vpc_with_a_function_deploys_describes_and_deletes(
        emulator: EmulatorHandle) -> None:
    cfn, ec2 = emulator.client("cloudformation"), emulator.client("ec2")
    name = stack_name("vpc")
    create(cfn, name, TEMPLATE, Capabilities=["CAPABILITY_IAM"])
    out = outputs(cfn, name)
    vpc_id = out["VpcId"]
    assert vpc_id.startswith("vpc-") and out["VpcCidr"] == "10.0.0.0/16"
    vpc = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    tags = {tag["Key"]: tag["Value"] for tag in vpc["Tags"]}
    assert tags["Name"] == "Stack/Vpc" and tags["aws:cloudformation:stack-name"] == name
    assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")[
        "EnableDnsHostnames"] == {"Value": True}
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert sorted((s["CidrBlock"], s["AvailabilityZone"], s["MapPublicIpOnLaunch"])
                  for s in subnets) == [
        ("10.0.0.0/18", "us-east-1a", True), ("10.0.128.0/18", "us-east-1a", False),
        ("10.0.192.0/18", "us-east-1b", False), ("10.0.64.0/18", "us-east-1b", True)]
    assert (out["SubnetZone"], out["SubnetVpc"]) == ("us-east-1b", vpc_id)
    groups = {g["GroupId"]: g for g in ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]}
    assert set(groups) == {out["DefaultGroup"], out["GroupId"]}
    assert out["GroupRef"] == out["GroupId"] and out["GroupVpc"] == vpc_id
    function_group = groups[out["GroupId"]]
    assert function_group["IpPermissionsEgress"] == [{
        "IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description":
                                          "Allow all outbound traffic by default"}],
        "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]
    assert [(p["FromPort"], p["IpRanges"]) for p in function_group["IpPermissions"]] == [
        (443, [{"CidrIp": "10.0.0.0/16"}])]
    assert out["DefaultAcl"].startswith("acl-")
    nats = ec2.describe_nat_gateways(Filter=[{"Name": "vpc-id", "Values": [vpc_id]}])[
        "NatGateways"]
    assert len(nats) == 2 and out["Eip"] in {
        a["PublicIp"] for nat in nats for a in nat["NatGatewayAddresses"]}
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])[
        "RouteTables"]
    assert len(tables) == 5  # the main one and one per subnet
    assert out["Route"].startswith("rtb-") and out["Route"].endswith("|0.0.0.0/0")
    function = emulator.client("lambda").get_function_configuration(
        FunctionName=out["Function"])
    assert function["VpcConfig"] == {
        "SubnetIds": [out["PrivateSubnet1"], out["PrivateSubnet2"]],
        "SecurityGroupIds": [out["GroupId"]], "VpcId": vpc_id,
        "Ipv6AllowedForDualStack": False}
    delete(cfn, name)
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"] == []
    mine = [{"Name": "tag:aws:cloudformation:stack-name", "Values": [name]}]
    assert ec2.describe_addresses(Filters=mine)["Addresses"] == []
    assert ec2.describe_internet_gateways(Filters=mine)["InternetGateways"] == []
    assert ec2.describe_security_groups(Filters=mine)["SecurityGroups"] == []


SMALL = """
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.1.0.0/16
      Tags: [{Key: team, Value: %(team)s}]
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      VpcId: !Ref Vpc
      SecurityGroupIngress: %(ingress)s
Outputs:
  VpcId: {Value: !Ref Vpc}
  GroupId: {Value: !Ref Group}
"""


def test_an_update_retags_the_vpc_and_changes_the_rules_in_place(
        emulator: EmulatorHandle) -> None:
    cfn, ec2 = emulator.client("cloudformation"), emulator.client("ec2")
    name = stack_name("vpc-update")
    ssh = "[{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}]"
    https = "[{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}]"
    create(cfn, name, SMALL % {"team": "red", "ingress": ssh})
    before = outputs(cfn, name)
    update(cfn, name, SMALL % {"team": "blue", "ingress": https})
    after = outputs(cfn, name)
    assert after == before  # changed in place, not replaced
    vpc = ec2.describe_vpcs(VpcIds=[after["VpcId"]])["Vpcs"][0]
    assert {t["Key"]: t["Value"] for t in vpc["Tags"]}["team"] == "blue"
    group = ec2.describe_security_groups(GroupIds=[after["GroupId"]])["SecurityGroups"][0]
    assert [(p["FromPort"], p["IpRanges"]) for p in group["IpPermissions"]] == [
        (443, [{"CidrIp": "0.0.0.0/0"}])]
    assert len(group["IpPermissionsEgress"]) == 1  # the default rule stays
    delete(cfn, name)
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [after["VpcId"]]}])[
        "Vpcs"] == []


SAM = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.3.0.0/16}
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.3.0.0/24}
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: function, VpcId: !Ref Vpc}
  Function:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(event, context):\\n    return 1\\n"
      VpcConfig:
        SubnetIds: [!Ref Subnet]
        SecurityGroupIds: [!Ref Group]
Outputs:
  Function: {Value: !Ref Function}
  VpcId: {Value: !Ref Vpc}
"""


def test_a_sam_function_in_a_vpc_deploys(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    name = stack_name("sam-vpc")
    create(cfn, name, SAM, Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    out = outputs(cfn, name)
    config = emulator.client("lambda").get_function_configuration(
        FunctionName=out["Function"])
    assert config["VpcConfig"]["VpcId"] == out["VpcId"]
    delete(cfn, name)
