"""VPC endpoints: CreateVpcEndpoint, DescribeVpcEndpoints and DeleteVpcEndpoints, stored and
listed, in the account and region's default VPC. An interface endpoint for API Gateway
(``com.amazonaws.{region}.execute-api``) is what a private REST API is reached through (see
emulator/gateway/rest/web.py): its DNS names, with ``localhost`` for ``amazonaws.com``, are
addresses of the emulator.

https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpoints.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcEndpoints.html
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.ec2.common import Ec2Base, Facts, tag_facts, tag_list, tags_of
from emulator.services.ec2.models import VpcEndpointRecord

ENDPOINT_ID = re.compile(r"^vpce-[0-9a-f]{8,17}$")
# The Route 53 zone of the endpoint-specific names, as AWS answers it in us-east-1.
VPCE_ZONE = "Z7HUB22UULQXV"
FULL_ACCESS = {"Statement": [{"Action": "*", "Effect": "Allow", "Principal": "*",
                              "Resource": "*"}]}


def _not_found(endpoint_id: str) -> ServiceError:
    return ServiceError("InvalidVpcEndpointId.NotFound",
                        f"The Vpc Endpoint Id '{endpoint_id}' does not exist", status=400)


def _checked_id(endpoint_id: str) -> str:
    if not ENDPOINT_ID.match(endpoint_id):
        raise ServiceError("InvalidVpcEndpointId.Malformed",
                           f'Invalid Id: "{endpoint_id}" (expecting "vpce-...")', status=400)
    return endpoint_id


def _short_service(service_name: str) -> str:
    return service_name.rsplit(".", 1)[-1]


class EndpointsApi(Ec2Base):
    def create_vpc_endpoint(
            self, ctx: RequestContext, *, vpc_id: str, service_name: str | None = None,
            vpc_endpoint_type: str | None = None, policy_document: str | None = None,
            route_table_ids: list[str] | None = None, subnet_ids: list[str] | None = None,
            security_group_ids: list[str] | None = None, ip_address_type: str | None = None,
            private_dns_enabled: bool | None = None,
            tag_specifications: list[dict[str, Any]] | None = None,
            client_token: str | None = None, dry_run: bool | None = None, **_: Any
    ) -> dict[str, Any]:
        network = self.network(ctx)
        custom = self.vpcs(ctx).get(vpc_id)
        if vpc_id != network.vpc_id and custom is None:
            raise ServiceError("InvalidVpcId.NotFound",
                               f"The vpc ID '{vpc_id}' does not exist", status=400)
        kind = vpc_endpoint_type or "Gateway"
        if not service_name or not re.fullmatch(
                rf"com\.amazonaws\.{re.escape(ctx.region)}\.[a-z0-9.-]+", service_name) or (
                kind == "Gateway" and _short_service(service_name) not in ("s3", "dynamodb")):
            raise ServiceError("InvalidServiceName",
                               f"The Vpc Endpoint Service '{service_name}' does not exist",
                               status=400)
        if kind == "Gateway" and subnet_ids:
            raise ServiceError("InvalidParameter", "Subnet IDs are only supported for "
                               "Interface and GatewayLoadBalancer type VPC Endpoints.",
                               status=400)
        if kind != "Gateway" and route_table_ids:
            raise ServiceError("InvalidParameter", "Route table IDs are only supported for "
                               "Gateway type VPC Endpoint.", status=400)
        if custom is None:
            subnets = {subnet.subnet_id for subnet in network.subnets}
            groups = {network.security_group_id}
        else:
            subnets = {subnet.subnet_id for subnet in self.subnets(ctx).values()
                       if subnet.vpc_id == vpc_id}
            groups = {group.group_id for group in self.security_groups(ctx).values()
                      if group.vpc_id == vpc_id}
        for subnet in subnet_ids or ():
            if subnet not in subnets:
                raise ServiceError("InvalidSubnetID.NotFound",
                                   f"The subnet ID '{subnet}' does not exist", status=400)
        for group in security_group_ids or ():
            if group not in groups:
                raise ServiceError("InvalidGroup.NotFound",
                                   f"The security group '{group}' does not exist",
                                   status=400)
        if policy_document is not None:
            try:
                json.loads(policy_document)
            except ValueError:
                raise ServiceError("InvalidPolicyDocument", "The policy document is not "
                                   "valid JSON.", status=400) from None
        tags = tags_of(tag_specifications, "vpc-endpoint")
        self.dry_run(dry_run)
        interface = kind == "Interface"
        record = VpcEndpointRecord(
            endpoint_id=f"vpce-{ids.hex_token(17)}", endpoint_type=kind, vpc_id=vpc_id,
            service_name=service_name, policy=policy_document,
            route_table_ids=list(route_table_ids or ()),
            subnet_ids=list(subnet_ids or ([s.subnet_id for s in network.subnets]
                                           if interface and custom is None else ())),
            security_group_ids=list(security_group_ids or (
                [custom.default_group_id if custom else network.security_group_id]
                if interface else ())),
            ip_address_type=ip_address_type or "ipv4",
            private_dns_enabled=interface and private_dns_enabled is not False,
            dns_suffix=ids.short_id(8), created=self.clock.now(), owner_id=ctx.account_id,
            tags=tags)
        self.vpc_endpoints(ctx).put(record.endpoint_id, record)
        shape = self.endpoint_shape(ctx, record)
        shape["State"] = "pending" if interface else "available"
        answer: dict[str, Any] = {"VpcEndpoint": shape}
        if client_token:
            answer["ClientToken"] = client_token
        return answer

    def describe_vpc_endpoints(
            self, ctx: RequestContext, *, vpc_endpoint_ids: list[str] | None = None,
            filters: list[dict[str, Any]] | None = None, max_results: int | None = None,
            next_token: str | None = None, dry_run: bool | None = None, **_: Any
    ) -> dict[str, Any]:
        table = self.vpc_endpoints(ctx)
        chosen: list[VpcEndpointRecord] = []
        for endpoint_id in vpc_endpoint_ids or ():
            found = table.get(_checked_id(endpoint_id))
            if found is None:
                raise _not_found(endpoint_id)
            chosen.append(found)
        self.dry_run(dry_run)
        if not vpc_endpoint_ids:
            chosen = sorted(table.values(), key=lambda record: record.created)

        def facts(record: VpcEndpointRecord) -> Facts:
            return {"vpc-endpoint-id": [record.endpoint_id], "vpc-id": [record.vpc_id],
                    "service-name": [record.service_name],
                    "vpc-endpoint-state": ["available"],
                    "vpc-endpoint-type": [record.endpoint_type],
                    "ip-address-type": [record.ip_address_type], **tag_facts(record.tags)}
        return self.answer("VpcEndpoints", self.filtered(chosen, filters, facts), next_token,
                           max_results, lambda record: self.endpoint_shape(ctx, record))

    def delete_vpc_endpoints(self, ctx: RequestContext, *, vpc_endpoint_ids: list[str],
                             dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        for endpoint_id in vpc_endpoint_ids:
            _checked_id(endpoint_id)
        self.dry_run(dry_run)
        table = self.vpc_endpoints(ctx)
        unsuccessful = []
        for endpoint_id in vpc_endpoint_ids:
            if table.delete(endpoint_id) is None:
                error = _not_found(endpoint_id)
                unsuccessful.append({"ResourceId": endpoint_id, "Error": {
                    "Code": error.code, "Message": error.message}})
        return {"Unsuccessful": unsuccessful}

    def endpoint_shape(self, ctx: RequestContext, record: VpcEndpointRecord
                       ) -> dict[str, Any]:
        shape: dict[str, Any] = {
            "VpcEndpointId": record.endpoint_id, "VpcEndpointType": record.endpoint_type,
            "VpcId": record.vpc_id, "ServiceName": record.service_name, "State": "available",
            "PolicyDocument": record.policy or json.dumps(FULL_ACCESS),
            "RouteTableIds": record.route_table_ids, "SubnetIds": record.subnet_ids,
            "Groups": [{"GroupId": group, "GroupName": "default"}
                       for group in record.security_group_ids],
            "PrivateDnsEnabled": record.private_dns_enabled, "RequesterManaged": False,
            "NetworkInterfaceIds": [], "DnsEntries": self._dns_entries(ctx, record),
            "CreationTimestamp": datetime.fromtimestamp(record.created, tz=UTC),
            "Tags": tag_list(record.tags), "OwnerId": record.owner_id,
        }
        if record.endpoint_type == "Interface":
            shape["IpAddressType"] = record.ip_address_type
            shape["DnsOptions"] = {"DnsRecordIpType": record.ip_address_type,
                                   "PrivateDnsOnlyForInboundResolverEndpoint": False}
        return shape

    def _dns_entries(self, ctx: RequestContext, record: VpcEndpointRecord
                     ) -> list[dict[str, str]]:
        """The endpoint's names, its own then one per zone (then, with private DNS, the
        service's own names), as AWS lists them."""
        if record.endpoint_type != "Interface":
            return []
        short = _short_service(record.service_name)
        base = f"{record.endpoint_id}-{record.dns_suffix}"
        suffix = f"{short}.{ctx.region}.vpce.amazonaws.com"
        names = [f"{base}.{suffix}"]
        zones = {subnet.subnet_id: subnet.zone for subnet in self.network(ctx).subnets}
        zones.update({subnet.subnet_id: subnet.zone for subnet in self.subnets(ctx).values()})
        names += [f"{base}-{zones[subnet]}.{suffix}" for subnet in record.subnet_ids
                  if subnet in zones]
        entries = [{"DnsName": name, "HostedZoneId": VPCE_ZONE} for name in names]
        if record.private_dns_enabled:
            own = f"{short}.{ctx.region}.amazonaws.com"
            entries += [{"DnsName": name, "HostedZoneId": _private_zone(record, name)}
                        for name in ((own, f"*.{own}") if short == "execute-api" else (own,))]
        return entries


def _private_zone(record: VpcEndpointRecord, name: str) -> str:
    """The private hosted zone of one of the endpoint's private DNS names: the same on every
    read of the endpoint."""
    return hashlib.sha256(f"{record.endpoint_id}/{name}".encode()).hexdigest()[:21].upper()


__all__ = ["EndpointsApi"]
