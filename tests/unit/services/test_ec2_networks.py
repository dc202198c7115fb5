"""The EC2 engine directly: the ``networks`` port Lambda reads (default and created subnets
and security groups, in their own account and region only), security group rules regrouped
into IpPermissions, and what persists across a restart.

https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
"""

from __future__ import annotations

from pathlib import Path

from emulator.clock import Clock
from emulator.config import Settings
from emulator.context import RequestContext
from emulator.ports import Ports
from emulator.services.ec2.models import RuleRecord
from emulator.services.ec2.network import DefaultNetwork
from emulator.services.ec2.port import NetworksPort
from emulator.services.ec2.provider import Ec2Provider
from emulator.services.ec2.security_groups import permissions_shape
from emulator.store import MemoryBackend, ServiceStore, SqliteBackend
from emulator.store.backend import Backend

ACCOUNT, REGION = "111111111111", "eu-west-1"


def _provider(backend: Backend) -> Ec2Provider:
    def no_ports(name: str) -> object:
        raise LookupError(name)

    return Ec2Provider(Settings(), Clock(), ServiceStore("ec2", backend), Ports(no_ports))


def _ctx() -> RequestContext:
    return RequestContext(
        account_id=ACCOUNT, region=REGION, request_id="r", service="ec2",
        operation="CreateVpc", protocol="ec2", endpoint_url="http://localhost:4566")


def _port(provider: Ec2Provider) -> NetworksPort:
    port = provider.port("networks")
    assert isinstance(port, NetworksPort)
    return port


def test_the_subnets_port_knows_default_and_created_subnets_in_their_scope() -> None:
    provider = _provider(MemoryBackend())
    vpc_id = provider.create_vpc(_ctx(), cidr_block="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_id = provider.create_subnet(_ctx(), vpc_id=vpc_id, cidr_block="10.0.1.0/24")[
        "Subnet"]["SubnetId"]
    port = _port(provider)
    assert port.subnet_vpc(ACCOUNT, REGION, subnet_id) == vpc_id
    assert port.subnet_vpc(ACCOUNT, "us-east-1", subnet_id) is None
    default = DefaultNetwork(ACCOUNT, REGION)
    assert port.subnet_vpc(ACCOUNT, REGION, default.subnets[0].subnet_id) == default.vpc_id
    assert port.subnet_vpc(ACCOUNT, REGION, "subnet-0123456789abcdef0") is None
    group_id = provider.create_security_group(_ctx(), group_name="web", description="web",
                                              vpc_id=vpc_id)["GroupId"]
    assert port.group_vpc(ACCOUNT, REGION, group_id) == vpc_id
    assert port.group_vpc(ACCOUNT, REGION, default.security_group_id) == default.vpc_id
    assert port.group_vpc(ACCOUNT, REGION, "sg-0123456789abcdef0") is None


def test_rules_are_grouped_by_protocol_and_ports() -> None:
    rules = [RuleRecord(rule_id="sgr-1", protocol="tcp", from_port=443, to_port=443,
                        cidr_ipv4="10.0.0.0/8"),
             RuleRecord(rule_id="sgr-2", protocol="tcp", from_port=443, to_port=443,
                        group_id="sg-1", description="peers"),
             RuleRecord(rule_id="sgr-3", protocol="-1", cidr_ipv6="::/0")]
    assert permissions_shape(rules, ACCOUNT) == [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "Ipv6Ranges": [], "PrefixListIds": [],
         "UserIdGroupPairs": [{"GroupId": "sg-1", "UserId": ACCOUNT,
                               "Description": "peers"}]},
        {"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
         "PrefixListIds": [], "UserIdGroupPairs": []}]


def test_a_created_network_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    first = _provider(SqliteBackend(path))
    vpc_id = first.create_vpc(_ctx(), cidr_block="10.2.0.0/16")["Vpc"]["VpcId"]
    group_id = first.create_security_group(_ctx(), group_name="web", description="web",
                                           vpc_id=vpc_id)["GroupId"]
    again = _provider(SqliteBackend(path))
    assert [v["VpcId"] for v in again.describe_vpcs(_ctx(), vpc_ids=[vpc_id])["Vpcs"]] == [
        vpc_id]
    groups = again.describe_security_groups(_ctx(), group_ids=[group_id])["SecurityGroups"]
    assert groups[0]["IpPermissionsEgress"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]
