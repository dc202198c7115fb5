"""Internet gateways (Create, Attach, Detach, Delete, Describe), Elastic IP addresses
(AllocateAddress, ReleaseAddress, DescribeAddresses) and NAT gateways (Create, Delete,
Describe): records that describe back as AWS does; no packet goes through them.

https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateInternetGateway.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachInternetGateway.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AllocateAddress.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNatGateway.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteNatGateway.html
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.ec2.common import Facts, new_id, not_found, tag_facts, tag_list, tags_of
from emulator.services.ec2.models import AddressRecord, InternetGatewayRecord, NatGatewayRecord
from emulator.services.ec2.networks import unknown
from emulator.services.ec2.vpcs import VpcsApi, network_of


class GatewaysApi(VpcsApi):
    def gateway_record(self, ctx: RequestContext, gateway_id: str) -> InternetGatewayRecord:
        found = self.internet_gateways(ctx).get(gateway_id)
        if found is None:
            raise not_found("InvalidInternetGatewayID.NotFound", "internetGateway ID",
                            gateway_id)
        return found

    def create_internet_gateway(self, ctx: RequestContext, *,
                                tag_specifications: list[dict[str, Any]] | None = None,
                                dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        tags = tags_of(tag_specifications, "internet-gateway")
        self.dry_run(dry_run)
        record = InternetGatewayRecord(gateway_id=new_id("igw"), tags=tags)
        self.internet_gateways(ctx).put(record.gateway_id, record)
        return {"InternetGateway": self.internet_gateway_shape(ctx, record)}

    def attach_internet_gateway(self, ctx: RequestContext, *, internet_gateway_id: str,
                                vpc_id: str, dry_run: bool | None = None, **_: Any
                                ) -> dict[str, Any]:
        record = self.gateway_record(ctx, internet_gateway_id)
        self.vpc_record(ctx, vpc_id)
        self.dry_run(dry_run)
        if record.vpc_id is not None:
            raise ServiceError("Resource.AlreadyAssociated", f"resource "
                               f"{internet_gateway_id} is already attached to network "
                               f"{record.vpc_id}", status=400)
        if any(other.vpc_id == vpc_id for other in self.internet_gateways(ctx).values()):
            raise ServiceError("InvalidParameterValue", f"Network {vpc_id} already has an "
                               "internet gateway attached", status=400)
        record.vpc_id = vpc_id
        self.internet_gateways(ctx).put(record.gateway_id, record)
        return {}

    def detach_internet_gateway(self, ctx: RequestContext, *, internet_gateway_id: str,
                                vpc_id: str, dry_run: bool | None = None, **_: Any
                                ) -> dict[str, Any]:
        record = self.gateway_record(ctx, internet_gateway_id)
        self.dry_run(dry_run)
        if record.vpc_id != vpc_id:
            raise ServiceError("Gateway.NotAttached", f"resource {internet_gateway_id} is "
                               f"not attached to network {vpc_id}", status=400)
        record.vpc_id = None
        self.internet_gateways(ctx).put(record.gateway_id, record)
        return {}

    def delete_internet_gateway(self, ctx: RequestContext, *, internet_gateway_id: str,
                                dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        record = self.gateway_record(ctx, internet_gateway_id)
        self.dry_run(dry_run)
        if record.vpc_id is not None:
            raise ServiceError("DependencyViolation", f"The internetGateway "
                               f"'{internet_gateway_id}' has dependencies and cannot be "
                               "deleted.", status=400)
        self.internet_gateways(ctx).delete(internet_gateway_id)
        return {}

    def describe_internet_gateways(self, ctx: RequestContext, *,
                                   internet_gateway_ids: list[str] | None = None,
                                   filters: list[dict[str, Any]] | None = None,
                                   max_results: int | None = None,
                                   next_token: str | None = None,
                                   dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        records = self.internet_gateways(ctx).values()
        unknown(internet_gateway_ids, {record.gateway_id for record in records},
                "InvalidInternetGatewayID.NotFound", "internetGateway ID")

        def facts(record: InternetGatewayRecord) -> Facts:
            return {"internet-gateway-id": [record.gateway_id],
                    "attachment.vpc-id": [record.vpc_id] if record.vpc_id else [],
                    "attachment.state": ["available"] if record.vpc_id else [],
                    "owner-id": [ctx.account_id], **tag_facts(record.tags)}
        chosen = [record for record in records
                  if not internet_gateway_ids or record.gateway_id in internet_gateway_ids]
        return self.answer("InternetGateways", self.filtered(chosen, filters, facts),
                           next_token, max_results,
                           lambda record: self.internet_gateway_shape(ctx, record))

    def internet_gateway_shape(self, ctx: RequestContext, record: InternetGatewayRecord
                               ) -> dict[str, Any]:
        return {"InternetGatewayId": record.gateway_id, "OwnerId": ctx.account_id,
                "Attachments": [{"State": "available", "VpcId": record.vpc_id}]
                if record.vpc_id else [], "Tags": tag_list(record.tags)}

    def allocate_address(self, ctx: RequestContext, *, domain: str | None = None,
                         tag_specifications: list[dict[str, Any]] | None = None,
                         dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        tags = tags_of(tag_specifications, "elastic-ip")
        self.dry_run(dry_run)
        taken = {record.public_ip for record in self.addresses(ctx).values()}
        while True:
            # From a documentation range (RFC 5737): never a real host's address.
            public_ip = f"198.51.100.{secrets.randbelow(254) + 1}"
            if public_ip not in taken or len(taken) >= 254:
                break
        record = AddressRecord(allocation_id=new_id("eipalloc"), public_ip=public_ip,
                               tags=tags)
        self.addresses(ctx).put(record.allocation_id, record)
        return {"AllocationId": record.allocation_id, "PublicIp": public_ip,
                "PublicIpv4Pool": "amazon", "NetworkBorderGroup": ctx.region,
                "Domain": "vpc"}

    def release_address(self, ctx: RequestContext, *, allocation_id: str | None = None,
                        public_ip: str | None = None, dry_run: bool | None = None,
                        **_: Any) -> dict[str, Any]:
        table = self.addresses(ctx)
        record = table.get(allocation_id or "") or next(
            (item for item in table.values() if public_ip and item.public_ip == public_ip),
            None)
        if record is None:
            raise ServiceError("InvalidAllocationID.NotFound", f"The allocation ID "
                               f"'{allocation_id or public_ip}' does not exist", status=400)
        self.dry_run(dry_run)
        if record.association is not None:
            raise ServiceError("InvalidIPAddress.InUse", f"Address {record.public_ip} is in "
                               "use.", status=400)
        table.delete(record.allocation_id)
        return {}

    def describe_addresses(self, ctx: RequestContext, *, allocation_ids: list[str] | None = None,
                           public_ips: list[str] | None = None,
                           filters: list[dict[str, Any]] | None = None,
                           dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        records = self.addresses(ctx).values()
        unknown(allocation_ids, {record.allocation_id for record in records},
                "InvalidAllocationID.NotFound", "allocation ID")
        chosen = [record for record in records
                  if (not allocation_ids or record.allocation_id in allocation_ids)
                  and (not public_ips or record.public_ip in public_ips)]

        def facts(record: AddressRecord) -> Facts:
            return {"allocation-id": [record.allocation_id], "public-ip": [record.public_ip],
                    "domain": ["vpc"], **tag_facts(record.tags)}

        def shape(record: AddressRecord) -> dict[str, Any]:
            out: dict[str, Any] = {
                "AllocationId": record.allocation_id, "PublicIp": record.public_ip,
                "Domain": "vpc", "PublicIpv4Pool": "amazon",
                "NetworkBorderGroup": ctx.region}
            if record.tags:
                out["Tags"] = tag_list(record.tags)
            return out
        return {"Addresses": [shape(record) for record in
                              self.filtered(chosen, filters, facts)]}

    def create_nat_gateway(self, ctx: RequestContext, *, subnet_id: str | None = None,
                           allocation_id: str | None = None,
                           connectivity_type: str | None = None,
                           tag_specifications: list[dict[str, Any]] | None = None,
                           dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        if not subnet_id:
            # Optional in the model (a regional NAT gateway names its VPC instead); a zonal
            # one, the only kind kept here, needs its subnet.
            raise ServiceError("MissingParameter", "The request must contain the parameter "
                               "SubnetId", status=400)
        subnet = self.subnet_record(ctx, subnet_id)
        connectivity = connectivity_type or "public"
        address = None
        if connectivity == "public":
            if not allocation_id:
                raise ServiceError("MissingParameter", "The request must contain the "
                                   "parameter AllocationId", status=400)
            address = self.addresses(ctx).get(allocation_id)
            if address is None:
                raise ServiceError("InvalidAllocationID.NotFound", f"The allocation ID "
                                   f"'{allocation_id}' does not exist", status=400)
            if address.association is not None:
                raise ServiceError("Resource.AlreadyAssociated", f"Elastic IP address "
                                   f"[{allocation_id}] is already associated", status=400)
        tags = tags_of(tag_specifications, "natgateway")
        self.dry_run(dry_run)
        hosts = network_of(subnet.cidr)
        private_ip = str(hosts[4 + secrets.randbelow(max(1, hosts.num_addresses - 5))])
        record = NatGatewayRecord(
            nat_gateway_id=new_id("nat"), vpc_id=subnet.vpc_id, subnet_id=subnet_id,
            connectivity=connectivity, allocation_id=allocation_id if address else None,
            private_ip=private_ip, network_interface_id=new_id("eni"),
            created=self.clock.now(), tags=tags)
        self.nat_gateways(ctx).put(record.nat_gateway_id, record)
        if address is not None:
            address.association = record.nat_gateway_id
            self.addresses(ctx).put(address.allocation_id, address)
        shape = self.nat_gateway_shape(ctx, record)
        shape["State"] = "pending"
        return {"NatGateway": shape}

    def delete_nat_gateway(self, ctx: RequestContext, *, nat_gateway_id: str,
                           dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        record = self.nat_gateways(ctx).get(nat_gateway_id)
        if record is None:
            raise ServiceError("NatGatewayNotFound", f"The Nat Gateway {nat_gateway_id} "
                               "was not found", status=400)
        self.dry_run(dry_run)
        if record.deleted is None:
            record.deleted = self.clock.now()
            self.nat_gateways(ctx).put(nat_gateway_id, record)
            address = self.addresses(ctx).get(record.allocation_id or "")
            if address is not None:
                address.association = None
                self.addresses(ctx).put(address.allocation_id, address)
        return {"NatGatewayId": nat_gateway_id}

    def describe_nat_gateways(self, ctx: RequestContext, *,
                              nat_gateway_ids: list[str] | None = None,
                              filter: list[dict[str, Any]] | None = None,
                              max_results: int | None = None, next_token: str | None = None,
                              dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        records = self.nat_gateways(ctx).values()
        unknown(nat_gateway_ids, {record.nat_gateway_id for record in records},
                "NatGatewayNotFound", "Nat Gateway")

        def facts(record: NatGatewayRecord) -> Facts:
            return {"nat-gateway-id": [record.nat_gateway_id], "vpc-id": [record.vpc_id],
                    "subnet-id": [record.subnet_id],
                    "state": ["deleted" if record.deleted else "available"],
                    **tag_facts(record.tags)}
        chosen = [record for record in records
                  if not nat_gateway_ids or record.nat_gateway_id in nat_gateway_ids]
        return self.answer("NatGateways", self.filtered(chosen, filter, facts), next_token,
                           max_results, lambda record: self.nat_gateway_shape(ctx, record))

    def nat_gateway_shape(self, ctx: RequestContext, record: NatGatewayRecord
                          ) -> dict[str, Any]:
        address = {"NetworkInterfaceId": record.network_interface_id,
                   "PrivateIp": record.private_ip, "IsPrimary": True,
                   "Status": "succeeded"}
        stored = self.addresses(ctx).get(record.allocation_id or "")
        if record.allocation_id:
            address["AllocationId"] = record.allocation_id
            if stored is not None:
                address["PublicIp"] = stored.public_ip
        shape: dict[str, Any] = {
            "NatGatewayId": record.nat_gateway_id, "VpcId": record.vpc_id,
            "SubnetId": record.subnet_id, "ConnectivityType": record.connectivity,
            "State": "deleted" if record.deleted else "available",
            "CreateTime": datetime.fromtimestamp(record.created, tz=UTC),
            "NatGatewayAddresses": [address], "Tags": tag_list(record.tags)}
        if record.deleted:
            shape["DeleteTime"] = datetime.fromtimestamp(record.deleted, tz=UTC)
        return shape


__all__ = ["GatewaysApi"]
