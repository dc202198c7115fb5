"""A function's VpcConfig: its subnets and security groups, kept and described back with
the VPC the subnets are in (asked of EC2 through the ``networks`` port). The emulator gives a
function no network interfaces; its code reaches the same network either way.

https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
https://docs.aws.amazon.com/lambda/latest/api/API_VpcConfig.html
"""

from __future__ import annotations

from typing import Any, cast

from emulator.errors import ServiceError
from emulator.ports import Networks, Ports
from emulator.services.lambda_.names import invalid_parameter


def vpc_settings(ports: Ports, account: str, region: str, requested: dict[str, Any]
                 ) -> dict[str, Any] | None:
    """The VpcConfig to keep for ``requested`` (None: the function is in no VPC)."""
    subnets = list(requested.get("SubnetIds") or ())
    groups = list(requested.get("SecurityGroupIds") or ())
    if bool(subnets) != bool(groups):
        raise invalid_parameter("SubnetIds and SecurityIds must coexist or be both empty "
                                "list.")
    if not subnets:
        return None
    try:
        port: Networks | None = cast(Networks, ports.get("networks"))
    except LookupError:
        port = None
    vpc_ids = []
    for subnet in subnets:
        vpc_id = port.subnet_vpc(account, region, subnet) if port is not None else None
        if vpc_id is None:
            raise _ec2_error("DescribeSubnets", "InvalidSubnetID.NotFound",
                             f"The subnet ID '{subnet}' does not exist")
        vpc_ids.append(vpc_id)
    for group in groups:
        if port is None or port.group_vpc(account, region, group) is None:
            raise _ec2_error("DescribeSecurityGroups", "InvalidGroup.NotFound",
                             f"The security group '{group}' does not exist")
    return {"SubnetIds": subnets, "SecurityGroupIds": groups, "VpcId": vpc_ids[0],
            "Ipv6AllowedForDualStack": bool(requested.get("Ipv6AllowedForDualStack"))}


def _ec2_error(operation: str, code: str, message: str) -> ServiceError:
    """Lambda's answer when EC2 refuses what a VpcConfig names."""
    return invalid_parameter(f"Error occurred while {operation}. EC2 Error Code: {code}. "
                             f"EC2 Error Message: {message}")


__all__ = ["vpc_settings"]
