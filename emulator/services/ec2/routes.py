"""Route tables: CreateRouteTable, DeleteRouteTable, DescribeRouteTables, Associate and
DisassociateRouteTable, and CreateRoute, ReplaceRoute and DeleteRoute. Every VPC has a main
route table with its ``local`` route (see vpcs.py).

https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRouteTable.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateRouteTable.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html
https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.ec2.common import (
    Facts,
    in_use,
    new_id,
    not_found,
    tag_facts,
    tag_list,
    tags_of,
)
from emulator.services.ec2.models import RouteAssociationRecord, RouteRecord, RouteTableRecord
from emulator.services.ec2.networks import unknown
from emulator.services.ec2.vpcs import VpcsApi

# The members of CreateRoute that name where a route sends traffic.
TARGETS = ("GatewayId", "NatGatewayId", "EgressOnlyInternetGatewayId", "InstanceId",
           "NetworkInterfaceId", "VpcPeeringConnectionId", "TransitGatewayId",
           "LocalGatewayId", "CarrierGatewayId", "VpcEndpointId", "CoreNetworkArn")
DESTINATIONS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")


def _snake(member: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in member).lstrip("_")


class RoutesApi(VpcsApi):
    def route_table(self, ctx: RequestContext, route_table_id: str) -> RouteTableRecord:
        found = self.route_tables(ctx).get(route_table_id)
        if found is None:
            raise not_found("InvalidRouteTableID.NotFound", "routeTable ID", route_table_id)
        return found

    def create_route_table(self, ctx: RequestContext, *, vpc_id: str,
                           tag_specifications: list[dict[str, Any]] | None = None,
                           dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        vpc = self.vpc_record(ctx, vpc_id)
        tags = tags_of(tag_specifications, "route-table")
        self.dry_run(dry_run)
        record = RouteTableRecord(
            route_table_id=new_id("rtb"), vpc_id=vpc_id, tags=tags,
            routes=[RouteRecord(destination=vpc.cidr, target_member="GatewayId",
                                target="local")])
        self.route_tables(ctx).put(record.route_table_id, record)
        return {"RouteTable": self.route_table_shape(ctx, record)}

    def delete_route_table(self, ctx: RequestContext, *, route_table_id: str,
                           dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        record = self.route_table(ctx, route_table_id)
        self.dry_run(dry_run)
        if record.main or record.associations:
            raise in_use("routeTable", route_table_id)
        self.route_tables(ctx).delete(route_table_id)
        return {}

    def associate_route_table(self, ctx: RequestContext, *, route_table_id: str,
                              subnet_id: str | None = None, dry_run: bool | None = None,
                              **_: Any) -> dict[str, Any]:
        record = self.route_table(ctx, route_table_id)
        if subnet_id is None:
            raise ServiceError("MissingParameter", "Missing parameter: subnetId or "
                               "gatewayId", status=400)
        subnet = self.subnet_record(ctx, subnet_id)
        self.dry_run(dry_run)
        if subnet.vpc_id != record.vpc_id:
            raise ServiceError("InvalidParameterValue", f"route table {route_table_id} and "
                               f"subnet {subnet_id} belong to different networks",
                               status=400)
        if any(item.subnet_id == subnet_id for table in self.route_tables(ctx).values()
               for item in table.associations):
            raise ServiceError("Resource.AlreadyAssociated", f"the specified association "
                               f"for route table {route_table_id} conflicts with an "
                               "existing association", status=400)
        association = RouteAssociationRecord(association_id=new_id("rtbassoc"),
                                             subnet_id=subnet_id)
        record.associations.append(association)
        self.route_tables(ctx).put(route_table_id, record)
        return {"AssociationId": association.association_id,
                "AssociationState": {"State": "associated"}}

    def disassociate_route_table(self, ctx: RequestContext, *, association_id: str,
                                 dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        for record in self.route_tables(ctx).values():
            for association in record.associations:
                if association.association_id == association_id:
                    if association.subnet_id is None:
                        raise ServiceError("InvalidParameterValue", "cannot disassociate "
                                           "the main route table association "
                                           f"{association_id}", status=400)
                    record.associations.remove(association)
                    self.route_tables(ctx).put(record.route_table_id, record)
                    return {}
        raise not_found("InvalidAssociationID.NotFound", "association ID", association_id)

    def create_route(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        record, route = self._route(ctx, params)
        if any(old.destination == route.destination for old in record.routes):
            raise ServiceError("RouteAlreadyExists", f"The route identified by "
                               f"{route.destination} already exists.", status=400)
        record.routes.append(route)
        self.route_tables(ctx).put(record.route_table_id, record)
        return {"Return": True}

    def replace_route(self, ctx: RequestContext, **params: Any) -> dict[str, Any]:
        record, route = self._route(ctx, params)
        index = self._route_index(record, route.destination)
        record.routes[index] = route
        self.route_tables(ctx).put(record.route_table_id, record)
        return {}

    def delete_route(self, ctx: RequestContext, *, route_table_id: str,
                     dry_run: bool | None = None, **params: Any) -> dict[str, Any]:
        record = self.route_table(ctx, route_table_id)
        destination = next((str(params[_snake(member)]) for member in DESTINATIONS
                            if params.get(_snake(member))), "")
        self.dry_run(dry_run)
        index = self._route_index(record, destination)
        if record.routes[index].target == "local":
            raise ServiceError("InvalidParameterValue", f"cannot remove local route "
                               f"{destination} in route table {route_table_id}", status=400)
        del record.routes[index]
        self.route_tables(ctx).put(route_table_id, record)
        return {}

    @staticmethod
    def _route_index(record: RouteTableRecord, destination: str) -> int:
        for index, old in enumerate(record.routes):
            if old.destination == destination:
                return index
        raise ServiceError("InvalidRoute.NotFound", f"no route with destination-cidr-block "
                           f"{destination} in route table {record.route_table_id}",
                           status=400)

    def _route(self, ctx: RequestContext, params: dict[str, Any]
               ) -> tuple[RouteTableRecord, RouteRecord]:
        record = self.route_table(ctx, str(params.get("route_table_id")))
        destinations = [str(params[_snake(m)]) for m in DESTINATIONS if params.get(_snake(m))]
        targets = [(m, str(params[_snake(m)])) for m in TARGETS if params.get(_snake(m))]
        if len(destinations) != 1:
            raise ServiceError("InvalidParameterCombination", "The parameter "
                               "destinationCidrBlock, destinationIpv6CidrBlock or "
                               "destinationPrefixListId must be specified.", status=400)
        if len(targets) != 1:
            raise ServiceError("InvalidParameterCombination", "The parameter gatewayId, "
                               "natGatewayId or another route target must be specified "
                               "exactly once.", status=400)
        member, target = targets[0]
        if member == "GatewayId" and target.startswith("igw-"):
            gateway = self.internet_gateways(ctx).get(target)
            if gateway is None:
                raise not_found("InvalidGatewayID.NotFound", "gateway ID", target)
            if gateway.vpc_id != record.vpc_id:
                raise ServiceError("InvalidParameterValue", f"route table "
                                   f"{record.route_table_id} and network gateway {target} "
                                   "belong to different networks", status=400)
        if member == "NatGatewayId" and target not in self.nat_gateways(ctx):
            raise ServiceError("NatGatewayNotFound", f"The Nat Gateway {target} was not "
                               "found", status=400)
        self.dry_run(params.get("dry_run"))
        return record, RouteRecord(destination=destinations[0], target_member=member,
                                   target=target)

    def describe_route_tables(self, ctx: RequestContext, *,
                              route_table_ids: list[str] | None = None,
                              filters: list[dict[str, Any]] | None = None,
                              max_results: int | None = None, next_token: str | None = None,
                              dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        records = self.route_tables(ctx).values()
        unknown(route_table_ids, {record.route_table_id for record in records},
                "InvalidRouteTableID.NotFound", "routeTable ID")

        def facts(record: RouteTableRecord) -> Facts:
            return {"route-table-id": [record.route_table_id], "vpc-id": [record.vpc_id],
                    "association.main": ["true" if record.main else "false"],
                    "association.subnet-id": [item.subnet_id for item in record.associations
                                              if item.subnet_id],
                    "association.route-table-association-id": [
                        item.association_id for item in record.associations],
                    "route.destination-cidr-block": [r.destination for r in record.routes],
                    "route.gateway-id": [r.target for r in record.routes
                                         if r.target_member == "GatewayId"],
                    "route.nat-gateway-id": [r.target for r in record.routes
                                             if r.target_member == "NatGatewayId"],
                    "owner-id": [ctx.account_id], **tag_facts(record.tags)}
        chosen = [record for record in records
                  if not route_table_ids or record.route_table_id in route_table_ids]
        return self.answer("RouteTables", self.filtered(chosen, filters, facts), next_token,
                           max_results, lambda record: self.route_table_shape(ctx, record))

    def route_table_shape(self, ctx: RequestContext, record: RouteTableRecord
                          ) -> dict[str, Any]:
        def route(item: RouteRecord) -> dict[str, Any]:
            key = ("DestinationPrefixListId" if item.destination.startswith("pl-") else
                   "DestinationIpv6CidrBlock" if ":" in item.destination else
                   "DestinationCidrBlock")
            return {key: item.destination, item.target_member: item.target,
                    "Origin": "CreateRouteTable" if item.target == "local" else "CreateRoute",
                    "State": "active"}

        def association(item: RouteAssociationRecord) -> dict[str, Any]:
            out: dict[str, Any] = {
                "Main": item.subnet_id is None, "RouteTableAssociationId": item.association_id,
                "RouteTableId": record.route_table_id,
                "AssociationState": {"State": "associated"}}
            if item.subnet_id:
                out["SubnetId"] = item.subnet_id
            return out
        return {"RouteTableId": record.route_table_id, "VpcId": record.vpc_id,
                "OwnerId": ctx.account_id, "PropagatingVgws": [],
                "Routes": [route(item) for item in record.routes],
                "Associations": [association(item) for item in record.associations],
                "Tags": tag_list(record.tags)}


__all__ = ["RoutesApi"]
