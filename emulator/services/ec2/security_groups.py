"""Security groups: CreateSecurityGroup, DeleteSecurityGroup, DescribeSecurityGroups and the
rules (Authorize/RevokeSecurityGroupIngress and Egress). A new group allows all traffic out,
as AWS makes it; the default VPC's group is stored the first time it is changed.

https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html
https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.ec2.common import Facts, new_id, not_found, tag_facts, tag_list, tags_of
from emulator.services.ec2.models import RuleRecord, SecurityGroupRecord
from emulator.services.ec2.networks import unknown
from emulator.services.ec2.vpcs import VpcsApi, all_egress

PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}


def _protocol(value: Any) -> str:
    text = str(value).lower()
    return PROTOCOLS.get(text, text)


def _rules(permissions: list[dict[str, Any]]) -> list[RuleRecord]:
    """One rule per peer of each IpPermission, as AWS stores them."""
    rules = []
    for permission in permissions:
        protocol = _protocol(permission.get("IpProtocol", "-1"))
        ports: dict[str, Any] = {} if protocol == "-1" else {
            "from_port": permission.get("FromPort"), "to_port": permission.get("ToPort")}
        peers: list[dict[str, Any]] = [
            *({"cidr_ipv4": r.get("CidrIp"), "description": r.get("Description")}
              for r in permission.get("IpRanges") or ()),
            *({"cidr_ipv6": r.get("CidrIpv6"), "description": r.get("Description")}
              for r in permission.get("Ipv6Ranges") or ()),
            *({"prefix_list": r.get("PrefixListId"), "description": r.get("Description")}
              for r in permission.get("PrefixListIds") or ()),
            *({"group_id": r.get("GroupId"), "description": r.get("Description")}
              for r in permission.get("UserIdGroupPairs") or ())]
        rules += [RuleRecord(rule_id=new_id("sgr"), protocol=protocol, **ports, **peer)
                  for peer in peers]
    return rules


def _same(one: RuleRecord, other: RuleRecord) -> bool:
    keys = ("protocol", "from_port", "to_port", "cidr_ipv4", "cidr_ipv6", "prefix_list",
            "group_id")
    return all(getattr(one, key) == getattr(other, key) for key in keys)


def _peer(rule: RuleRecord) -> str:
    return str(rule.cidr_ipv4 or rule.cidr_ipv6 or rule.prefix_list or rule.group_id)


def permissions_shape(rules: list[RuleRecord], account: str) -> list[dict[str, Any]]:
    """Rules grouped back into IpPermissions by protocol and ports."""
    grouped: dict[tuple[str, int | None, int | None], dict[str, Any]] = {}
    for rule in rules:
        key = (rule.protocol, rule.from_port, rule.to_port)
        if key not in grouped:
            grouped[key] = {"IpProtocol": rule.protocol, "IpRanges": [], "Ipv6Ranges": [],
                            "PrefixListIds": [], "UserIdGroupPairs": []}
            if rule.protocol != "-1":
                grouped[key].update(FromPort=rule.from_port, ToPort=rule.to_port)
        described = {"Description": rule.description} if rule.description else {}
        if rule.cidr_ipv4:
            grouped[key]["IpRanges"].append({"CidrIp": rule.cidr_ipv4, **described})
        elif rule.cidr_ipv6:
            grouped[key]["Ipv6Ranges"].append({"CidrIpv6": rule.cidr_ipv6, **described})
        elif rule.prefix_list:
            grouped[key]["PrefixListIds"].append({"PrefixListId": rule.prefix_list,
                                                  **described})
        else:
            grouped[key]["UserIdGroupPairs"].append({"GroupId": rule.group_id,
                                                     "UserId": account, **described})
    return list(grouped.values())


class SecurityGroupsApi(VpcsApi):
    def group_record(self, ctx: RequestContext, group_id: str | None,
                     group_name: str | None = None) -> SecurityGroupRecord:
        table = self.security_groups(ctx)
        network = self.network(ctx)
        if group_id is None:
            # A name names a group of the default VPC.
            group_id = next((group.group_id for group in table.values()
                             if group.group_name == group_name
                             and group.vpc_id == network.vpc_id),
                            network.security_group_id if group_name == "default" else "")
            if not group_id:
                raise ServiceError("InvalidGroup.NotFound", f"The security group "
                                   f"'{group_name}' does not exist in default VPC "
                                   f"'{network.vpc_id}'", status=400)
        found = table.get(group_id)
        if found is None and group_id == network.security_group_id:
            found = SecurityGroupRecord(
                group_id=group_id, group_name="default", vpc_id=network.vpc_id,
                description="default VPC security group", egress=[all_egress()],
                ingress=[RuleRecord(rule_id=new_id("sgr"), protocol="-1", group_id=group_id)])
            table.put(group_id, found)
        if found is None:
            raise not_found("InvalidGroup.NotFound", "security group", group_id)
        return found

    def create_security_group(self, ctx: RequestContext, *, group_name: str,
                              description: str, vpc_id: str | None = None,
                              tag_specifications: list[dict[str, Any]] | None = None,
                              dry_run: bool | None = None, **_: Any) -> dict[str, Any]:
        vpc_id = vpc_id or self.network(ctx).vpc_id
        self.known_vpc(ctx, vpc_id)
        if group_name.lower().startswith("sg-"):
            raise ServiceError("InvalidParameterValue", "Group names may not be in the "
                               "format sg-*.", status=400)
        taken = {group.group_name for group in self.security_groups(ctx).values()
                 if group.vpc_id == vpc_id}
        if group_name in taken or group_name == "default":
            raise ServiceError("InvalidGroup.Duplicate", f"The security group "
                               f"'{group_name}' already exists for VPC '{vpc_id}'",
                               status=400)
        tags = tags_of(tag_specifications, "security-group")
        self.dry_run(dry_run)
        record = SecurityGroupRecord(group_id=new_id("sg"), group_name=group_name,
                                     description=description, vpc_id=vpc_id,
                                     egress=[all_egress()], tags=tags)
        self.security_groups(ctx).put(record.group_id, record)
        answer: dict[str, Any] = {"GroupId": record.group_id,
                                  "SecurityGroupArn": self._arn(ctx, record.group_id)}
        if tags:
            answer["Tags"] = tag_list(tags)
        return answer

    def delete_security_group(self, ctx: RequestContext, *, group_id: str | None = None,
                              group_name: str | None = None, dry_run: bool | None = None,
                              **_: Any) -> dict[str, Any]:
        record = self.group_record(ctx, group_id, group_name)
        self.dry_run(dry_run)
        if record.group_name == "default":
            raise ServiceError("CannotDelete", f'the specified group: "{record.group_id}" '
                               'name: "default" cannot be deleted by a user', status=400)
        for other in self.security_groups(ctx).values():
            if other.group_id != record.group_id and any(
                    rule.group_id == record.group_id for rule in other.ingress + other.egress):
                raise ServiceError("DependencyViolation", f"resource {record.group_id} has "
                                   "a dependent object", status=400)
        self.security_groups(ctx).delete(record.group_id)
        return {"Return": True, "GroupId": record.group_id}

    def authorize_security_group_ingress(self, ctx: RequestContext, **params: Any
                                         ) -> dict[str, Any]:
        return self._authorize(ctx, "ingress", params)

    def authorize_security_group_egress(self, ctx: RequestContext, **params: Any
                                        ) -> dict[str, Any]:
        return self._authorize(ctx, "egress", params)

    def revoke_security_group_ingress(self, ctx: RequestContext, **params: Any
                                      ) -> dict[str, Any]:
        return self._revoke(ctx, "ingress", params)

    def revoke_security_group_egress(self, ctx: RequestContext, **params: Any
                                     ) -> dict[str, Any]:
        return self._revoke(ctx, "egress", params)

    def _asked(self, ctx: RequestContext, params: dict[str, Any]
               ) -> tuple[SecurityGroupRecord, list[RuleRecord]]:
        record = self.group_record(ctx, params.get("group_id"), params.get("group_name"))
        permissions = list(params.get("ip_permissions") or ())
        if params.get("cidr_ip") or params.get("source_security_group_name"):
            permission: dict[str, Any] = {
                "IpProtocol": params.get("ip_protocol", "-1"),
                "FromPort": params.get("from_port"), "ToPort": params.get("to_port")}
            if params.get("cidr_ip"):
                permission["IpRanges"] = [{"CidrIp": params["cidr_ip"]}]
            else:
                peer = self.group_record(ctx, None, params["source_security_group_name"])
                permission["UserIdGroupPairs"] = [{"GroupId": peer.group_id}]
            permissions.append(permission)
        rules = _rules(permissions)
        for rule in rules:
            if rule.group_id:
                self.group_record(ctx, rule.group_id)
        self.dry_run(params.get("dry_run"))
        return record, rules

    def _authorize(self, ctx: RequestContext, direction: str, params: dict[str, Any]
                   ) -> dict[str, Any]:
        record, rules = self._asked(ctx, params)
        have: list[RuleRecord] = getattr(record, direction)
        for rule in rules:
            if any(_same(rule, old) for old in have):
                ports = ("" if rule.protocol == "-1" else
                         f", from port: {rule.from_port}, to port: {rule.to_port}")
                raise ServiceError(
                    "InvalidPermission.Duplicate",
                    f'the specified rule "peer: {_peer(rule)}, '
                    f'{rule.protocol.upper() if rule.protocol != "-1" else "ALL"}{ports}, '
                    'ALLOW" already exists', status=400)
        have.extend(rules)
        self.security_groups(ctx).put(record.group_id, record)
        return {"Return": True, "SecurityGroupRules": [
            self.rule_shape(ctx, record, rule, direction == "egress") for rule in rules]}

    def _revoke(self, ctx: RequestContext, direction: str, params: dict[str, Any]
                ) -> dict[str, Any]:
        record, rules = self._asked(ctx, params)
        wanted_ids = set(params.get("security_group_rule_ids") or ())
        have: list[RuleRecord] = getattr(record, direction)
        gone = [old for old in have if old.rule_id in wanted_ids
                or any(_same(rule, old) for rule in rules)]
        if not gone:
            raise ServiceError("InvalidPermission.NotFound", "The specified rule does not "
                               "exist in this security group.", status=400)
        setattr(record, direction, [old for old in have if old not in gone])
        self.security_groups(ctx).put(record.group_id, record)
        unknown_rules = [rule for rule in rules if not any(_same(rule, old) for old in gone)]
        answer: dict[str, Any] = {"Return": True, "RevokedSecurityGroupRules": [
            self.rule_shape(ctx, record, rule, direction == "egress") for rule in gone]}
        if unknown_rules:
            answer["UnknownIpPermissions"] = permissions_shape(unknown_rules, ctx.account_id)
        return answer

    def describe_security_groups(self, ctx: RequestContext, *,
                                 group_ids: list[str] | None = None,
                                 group_names: list[str] | None = None,
                                 filters: list[dict[str, Any]] | None = None,
                                 max_results: int | None = None,
                                 next_token: str | None = None, dry_run: bool | None = None,
                                 **_: Any) -> dict[str, Any]:
        self.dry_run(dry_run)
        network = self.network(ctx)
        stored = self.security_groups(ctx)
        shapes: list[dict[str, Any]] = [] if network.security_group_id in stored else [
            network.security_group_shape()]
        shapes += [self.group_shape(ctx, record) for record in stored.values()]
        unknown(group_ids, {shape["GroupId"] for shape in shapes}, "InvalidGroup.NotFound",
                "security group")
        default_vpc = [shape for shape in shapes if shape["VpcId"] == network.vpc_id]
        unknown(group_names, {shape["GroupName"] for shape in default_vpc},
                "InvalidGroup.NotFound", "security group")

        def facts(shape: dict[str, Any]) -> Facts:
            tags = {tag["Key"]: tag["Value"] for tag in shape.get("Tags") or ()}
            return {"group-id": [shape["GroupId"]], "group-name": [shape["GroupName"]],
                    "vpc-id": [shape["VpcId"]], "owner-id": [shape["OwnerId"]],
                    "description": [shape["Description"]], **tag_facts(tags)}
        chosen = [shape for shape in shapes if (not group_ids or shape["GroupId"] in group_ids)
                  and (not group_names or (shape in default_vpc
                       and shape["GroupName"] in group_names))]
        return self.answer("SecurityGroups", self.filtered(chosen, filters, facts),
                           next_token, max_results, lambda shape: shape)

    def group_shape(self, ctx: RequestContext, record: SecurityGroupRecord
                    ) -> dict[str, Any]:
        shape: dict[str, Any] = {
            "GroupId": record.group_id, "GroupName": record.group_name,
            "Description": record.description, "VpcId": record.vpc_id,
            "OwnerId": ctx.account_id, "SecurityGroupArn": self._arn(ctx, record.group_id),
            "IpPermissions": permissions_shape(record.ingress, ctx.account_id),
            "IpPermissionsEgress": permissions_shape(record.egress, ctx.account_id)}
        if record.tags:
            shape["Tags"] = tag_list(record.tags)
        return shape

    def rule_shape(self, ctx: RequestContext, record: SecurityGroupRecord, rule: RuleRecord,
                   egress: bool) -> dict[str, Any]:
        shape: dict[str, Any] = {
            "SecurityGroupRuleId": rule.rule_id, "GroupId": record.group_id,
            "GroupOwnerId": ctx.account_id, "IsEgress": egress, "IpProtocol": rule.protocol,
            "FromPort": -1 if rule.from_port is None else rule.from_port,
            "ToPort": -1 if rule.to_port is None else rule.to_port,
            "SecurityGroupRuleArn": f"arn:aws:ec2:{ctx.region}:{ctx.account_id}:"
                                    f"security-group-rule/{rule.rule_id}"}
        if rule.cidr_ipv4:
            shape["CidrIpv4"] = rule.cidr_ipv4
        if rule.cidr_ipv6:
            shape["CidrIpv6"] = rule.cidr_ipv6
        if rule.prefix_list:
            shape["PrefixListId"] = rule.prefix_list
        if rule.group_id:
            shape["ReferencedGroupInfo"] = {"GroupId": rule.group_id,
                                            "UserId": ctx.account_id}
        if rule.description:
            shape["Description"] = rule.description
        return shape

    @staticmethod
    def _arn(ctx: RequestContext, group_id: str) -> str:
        return f"arn:aws:ec2:{ctx.region}:{ctx.account_id}:security-group/{group_id}"


__all__ = ["SecurityGroupsApi", "permissions_shape"]
