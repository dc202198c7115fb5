"""A function's VpcConfig: its subnets and security groups, kept and described back with
the VPC the subnets are in (asked of EC2 through the ``subnets`` port). The emulator gives a
function no network interfaces; its code reaches the same network either way.

https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html
https://docs.aws.amazon.com/lambda/latest/api/API_VpcConfig.html
"""

from __future__ import annotations

from typing import Any, cast

from emulator.ports import Ports, Subnets
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
        port = cast(Subnets, ports.get("subnets"))
    except LookupError:
        port = None
    vpc_ids = []
    for subnet in subnets:
        vpc_id = port.vpc_of(account, region, subnet) if port is not None else None
        if vpc_id is None:
            raise invalid_parameter(
                "Error occurred while DescribeSubnets. EC2 Error Code: "
                f"InvalidSubnetID.NotFound. EC2 Error Message: The subnet ID '{subnet}' "
                "does not exist")
        vpc_ids.append(vpc_id)
    return {"SubnetIds": subnets, "SecurityGroupIds": groups, "VpcId": vpc_ids[0],
            "Ipv6AllowedForDualStack": bool(requested.get("Ipv6AllowedForDualStack"))}


__all__ = ["vpc_settings"]
