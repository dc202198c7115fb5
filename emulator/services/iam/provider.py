"""AWS Identity and Access Management, stored and returned but not enforced: roles with
inline and attached policies, customer managed policies with versions, instance profiles and
tags (users, their access keys and groups are in emulator.services.iam.users). AWS managed
policies (``arn:aws:iam::aws:policy/...``) can be attached by ARN."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import quote

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import tagging
from emulator.services.iam.common import AWS_MANAGED, GLOBAL, no_such_entity
from emulator.services.iam.common import check_name as _check_name
from emulator.services.iam.common import document as _document
from emulator.services.iam.common import exists as _exists
from emulator.services.iam.common import new_id as _id
from emulator.services.iam.common import page as _page
from emulator.services.iam.common import valid_path as _path
from emulator.services.iam.models import (
    POLICIES,
    PROFILES,
    ROLES,
    PolicyRecord,
    PolicyVersion,
    ProfileRecord,
    RoleRecord,
)
from emulator.services.iam.users import UsersApi
from emulator.store import Table


class IamProvider(UsersApi):
    service_name = "iam"

    def roles(self, account: str) -> Table[RoleRecord]:
        return self.store.table(account, GLOBAL, ROLES, RoleRecord)

    def policies(self, account: str) -> Table[PolicyRecord]:
        return self.store.table(account, GLOBAL, POLICIES, PolicyRecord)

    def profiles(self, account: str) -> Table[ProfileRecord]:
        return self.store.table(account, GLOBAL, PROFILES, ProfileRecord)

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        listed = []
        for account, _ in self.store.scopes(ROLES):
            listed += [{"name": role.name, "arn": role.arn}
                       for role in self.roles(account).values()]
        return {"roles": listed}

    # -- roles

    def _role(self, ctx: RequestContext, name: str) -> RoleRecord:
        role = self.roles(ctx.account_id).get(name)
        if role is None:
            raise no_such_entity(f"The role with name {name} cannot be found.")
        return role

    def _role_shape(self, role: RoleRecord) -> dict[str, Any]:
        out: dict[str, Any] = {
            "Path": role.path, "RoleName": role.name, "RoleId": role.role_id,
            "Arn": role.arn, "CreateDate": role.created,
            "AssumeRolePolicyDocument": quote(role.assume_role_policy),
            "MaxSessionDuration": role.max_session_duration, "RoleLastUsed": {}}
        if role.description is not None:
            out["Description"] = role.description
        if role.tags:
            out["Tags"] = role.tags
        if role.permissions_boundary:
            out["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy",
                                          "PermissionsBoundaryArn": role.permissions_boundary}
        return out

    def create_role(self, ctx: RequestContext, role_name: str, assume_role_policy_document: str,
                    path: str | None = None, description: str | None = None,
                    max_session_duration: int | None = None,
                    permissions_boundary: str | None = None,
                    tags: list[dict[str, str]] | None = None, **_: Any) -> dict[str, Any]:
        _check_name(role_name, "roleName")
        table = self.roles(ctx.account_id)
        if any(name.lower() == role_name.lower() for name in table):
            raise _exists(f"Role with name {role_name} already exists.")
        where = _path(path)
        role = RoleRecord(
            name=role_name, role_id=_id("AROA"),
            arn=f"arn:aws:iam::{ctx.account_id}:role{where}{role_name}", path=where,
            assume_role_policy=_document(assume_role_policy_document),
            description=description, max_session_duration=max_session_duration or 3600,
            permissions_boundary=permissions_boundary, tags=tags or [],
            created=self.clock.now())
        table.put(role_name, role)
        return {"Role": self._role_shape(role)}

    def get_role(self, ctx: RequestContext, role_name: str) -> dict[str, Any]:
        return {"Role": self._role_shape(self._role(ctx, role_name))}

    def list_roles(self, ctx: RequestContext, path_prefix: str | None = None,
                   marker: str | None = None, max_items: int | None = None) -> dict[str, Any]:
        roles = [role for role in self.roles(ctx.account_id).values()
                 if role.path.startswith(path_prefix or "/")]
        page = _page("Roles", roles, marker, max_items)
        return {**page, "Roles": [self._role_shape(role) for role in page["Roles"]]}

    def update_role(self, ctx: RequestContext, role_name: str, description: str | None = None,
                    max_session_duration: int | None = None, **_: Any) -> dict[str, Any]:
        role = self._role(ctx, role_name)
        role.assign(description=description, max_session_duration=max_session_duration)
        self.roles(ctx.account_id).put(role.name, role)
        return {}

    def update_assume_role_policy(self, ctx: RequestContext, role_name: str,
                                  policy_document: str) -> dict[str, Any]:
        role = self._role(ctx, role_name)
        role.assume_role_policy = _document(policy_document)
        self.roles(ctx.account_id).put(role.name, role)
        return {}

    def delete_role(self, ctx: RequestContext, role_name: str) -> dict[str, Any]:
        role = self._role(ctx, role_name)
        if role.attached:
            raise ServiceError("DeleteConflict", "Cannot delete entity, must detach all "
                               "policies first.", status=409)
        if role.inline:
            raise ServiceError("DeleteConflict", "Cannot delete entity, must delete policies "
                               "first.", status=409)
        if any(role.name in profile.roles for profile in self.profiles(ctx.account_id).values()):
            raise ServiceError("DeleteConflict", "Cannot delete entity, must remove roles from "
                               "instance profile first.", status=409)
        self.roles(ctx.account_id).delete(role_name)
        return {}

    def tag_role(self, ctx: RequestContext, role_name: str,
                 tags: list[dict[str, str]]) -> dict[str, Any]:
        role = self._role(ctx, role_name)
        role.tags = tagging.tagged(role.tags, tags)
        self.roles(ctx.account_id).put(role.name, role)
        return {}

    def untag_role(self, ctx: RequestContext, role_name: str,
                   tag_keys: list[str]) -> dict[str, Any]:
        role = self._role(ctx, role_name)
        role.tags = tagging.untagged(role.tags, tag_keys)
        self.roles(ctx.account_id).put(role.name, role)
        return {}

    def list_role_tags(self, ctx: RequestContext, role_name: str, **_: Any) -> dict[str, Any]:
        return {"Tags": self._role(ctx, role_name).tags, "IsTruncated": False}

    # -- inline and attached role policies

    def put_role_policy(self, ctx: RequestContext, role_name: str, policy_name: str,
                        policy_document: str) -> dict[str, Any]:
        role = self._role(ctx, role_name)
        _check_name(policy_name, "policyName")
        role.inline[policy_name] = _document(policy_document)
        self.roles(ctx.account_id).put(role.name, role)
        return {}

    def get_role_policy(self, ctx: RequestContext, role_name: str,
                        policy_name: str) -> dict[str, Any]:
        role = self._role(ctx, role_name)
        if policy_name not in role.inline:
            raise no_such_entity(f"The role policy with name {policy_name} cannot be found.")
        return {"RoleName": role.name, "PolicyName": policy_name,
                "PolicyDocument": quote(role.inline[policy_name])}

    def delete_role_policy(self, ctx: RequestContext, role_name: str,
                           policy_name: str) -> dict[str, Any]:
        role = self._role(ctx, role_name)
        if role.inline.pop(policy_name, None) is None:
            raise no_such_entity(f"The role policy with name {policy_name} cannot be found.")
        self.roles(ctx.account_id).put(role.name, role)
        return {}

    def list_role_policies(self, ctx: RequestContext, role_name: str, marker: str | None = None,
                           max_items: int | None = None) -> dict[str, Any]:
        return _page("PolicyNames", sorted(self._role(ctx, role_name).inline), marker, max_items)

    def _attachable(self, ctx: RequestContext, arn: str) -> None:
        if arn.startswith(AWS_MANAGED):
            return
        if self.policies(ctx.account_id).get(arn) is None:
            raise no_such_entity(f"Policy {arn} does not exist or is not attachable.")

    def attach_role_policy(self, ctx: RequestContext, role_name: str,
                           policy_arn: str) -> dict[str, Any]:
        role = self._role(ctx, role_name)
        self._attachable(ctx, policy_arn)
        if policy_arn not in role.attached:
            role.attached.append(policy_arn)
            self.roles(ctx.account_id).put(role.name, role)
        return {}

    def detach_role_policy(self, ctx: RequestContext, role_name: str,
                           policy_arn: str) -> dict[str, Any]:
        role = self._role(ctx, role_name)
        if policy_arn not in role.attached:
            raise no_such_entity(f"Policy {policy_arn} was not found.")
        role.attached.remove(policy_arn)
        self.roles(ctx.account_id).put(role.name, role)
        return {}

    def list_attached_role_policies(self, ctx: RequestContext, role_name: str,
                                    path_prefix: str | None = None, marker: str | None = None,
                                    max_items: int | None = None) -> dict[str, Any]:
        attached = [{"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn}
                    for arn in self._role(ctx, role_name).attached]
        return _page("AttachedPolicies", attached, marker, max_items)

    # -- managed policies

    def _policy(self, ctx: RequestContext, arn: str) -> PolicyRecord:
        policy = self.policies(ctx.account_id).get(arn)
        if policy is None:
            raise no_such_entity(f"Policy {arn} was not found.")
        return policy

    def _attachments(self, ctx: RequestContext) -> Counter[str]:
        """How many roles, users and groups each managed policy is attached to."""
        held = [role.attached for role in self.roles(ctx.account_id).values()]
        held += [user.attached for user in self.users(ctx.account_id).values()]
        held += [group.attached for group in self.groups(ctx.account_id).values()]
        return Counter(arn for arns in held for arn in set(arns))

    def _policy_shape(self, ctx: RequestContext, policy: PolicyRecord,
                      attachments: Counter[str] | None = None) -> dict[str, Any]:
        counts = self._attachments(ctx) if attachments is None else attachments
        attached = counts[policy.arn]
        default = next(v.version_id for v in policy.versions if v.default)
        out: dict[str, Any] = {
            "PolicyName": policy.name, "PolicyId": policy.policy_id, "Arn": policy.arn,
            "Path": policy.path, "DefaultVersionId": default, "AttachmentCount": attached,
            "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
            "CreateDate": policy.created, "UpdateDate": policy.updated}
        if policy.description is not None:
            out["Description"] = policy.description
        if policy.tags:
            out["Tags"] = policy.tags
        return out

    def create_policy(self, ctx: RequestContext, policy_name: str, policy_document: str,
                      path: str | None = None, description: str | None = None,
                      tags: list[dict[str, str]] | None = None) -> dict[str, Any]:
        _check_name(policy_name, "policyName")
        where = _path(path)
        arn = f"arn:aws:iam::{ctx.account_id}:policy{where}{policy_name}"
        if arn in self.policies(ctx.account_id):
            raise _exists(f"A policy called {policy_name} already exists. Duplicate names are "
                          "not allowed.")
        now = self.clock.now()
        policy = PolicyRecord(
            name=policy_name, policy_id=_id("ANPA"), arn=arn, path=where,
            description=description, tags=tags or [], created=now, updated=now,
            versions=[PolicyVersion(version_id="v1", document=_document(policy_document),
                                    default=True, created=now)])
        self.policies(ctx.account_id).put(arn, policy)
        return {"Policy": self._policy_shape(ctx, policy)}

    def get_policy(self, ctx: RequestContext, policy_arn: str) -> dict[str, Any]:
        return {"Policy": self._policy_shape(ctx, self._policy(ctx, policy_arn))}

    def list_policies(self, ctx: RequestContext, scope: str | None = None,
                      only_attached: bool | None = None, path_prefix: str | None = None,
                      marker: str | None = None, max_items: int | None = None,
                      **_: Any) -> dict[str, Any]:
        counts = self._attachments(ctx)
        chosen = [] if scope == "AWS" else [
            self._policy_shape(ctx, policy, counts)
            for policy in self.policies(ctx.account_id).values()
            if policy.path.startswith(path_prefix or "/")]
        if only_attached:
            chosen = [policy for policy in chosen if policy["AttachmentCount"]]
        return _page("Policies", chosen, marker, max_items)

    def delete_policy(self, ctx: RequestContext, policy_arn: str) -> dict[str, Any]:
        policy = self._policy(ctx, policy_arn)
        if self._attachments(ctx)[policy.arn]:
            raise ServiceError("DeleteConflict", "Cannot delete a policy attached to entities.",
                               status=409)
        self.policies(ctx.account_id).delete(policy_arn)
        return {}

    def _version_shape(self, version: PolicyVersion, document: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"VersionId": version.version_id,
                               "IsDefaultVersion": version.default,
                               "CreateDate": version.created}
        if document:
            out["Document"] = quote(version.document)
        return out

    def create_policy_version(self, ctx: RequestContext, policy_arn: str, policy_document: str,
                              set_as_default: bool | None = None) -> dict[str, Any]:
        policy = self._policy(ctx, policy_arn)
        if len(policy.versions) >= 5:
            raise ServiceError("LimitExceeded", "A managed policy can have up to 5 versions. "
                               "Before you create a new version, you must delete an existing "
                               "version.", status=409)
        version = PolicyVersion(version_id=f"v{policy.next_version}",
                                document=_document(policy_document), created=self.clock.now())
        policy.next_version += 1
        if set_as_default:
            for other in policy.versions:
                other.default = False
            version.default = True
        policy.versions.append(version)
        policy.updated = version.created
        self.policies(ctx.account_id).put(policy.arn, policy)
        return {"PolicyVersion": self._version_shape(version, False)}

    def get_policy_version(self, ctx: RequestContext, policy_arn: str,
                           version_id: str) -> dict[str, Any]:
        policy = self._policy(ctx, policy_arn)
        for version in policy.versions:
            if version.version_id == version_id:
                return {"PolicyVersion": self._version_shape(version, True)}
        raise no_such_entity(f"Policy {policy_arn} version {version_id} does not exist or is "
                             "not attachable.")

    def list_policy_versions(self, ctx: RequestContext, policy_arn: str,
                             marker: str | None = None,
                             max_items: int | None = None) -> dict[str, Any]:
        versions = [self._version_shape(v, False)
                    for v in reversed(self._policy(ctx, policy_arn).versions)]
        return _page("Versions", versions, marker, max_items)

    def delete_policy_version(self, ctx: RequestContext, policy_arn: str,
                              version_id: str) -> dict[str, Any]:
        policy = self._policy(ctx, policy_arn)
        for version in policy.versions:
            if version.version_id == version_id:
                if version.default:
                    raise ServiceError("DeleteConflict", "Cannot delete the default version "
                                       "of a policy.", status=409)
                policy.versions.remove(version)
                self.policies(ctx.account_id).put(policy.arn, policy)
                return {}
        raise no_such_entity(f"Policy {policy_arn} version {version_id} does not exist.")

    # -- instance profiles

    def _profile(self, ctx: RequestContext, name: str) -> ProfileRecord:
        profile = self.profiles(ctx.account_id).get(name)
        if profile is None:
            raise no_such_entity(f"Instance Profile {name} cannot be found.")
        return profile

    def _profile_shape(self, ctx: RequestContext, profile: ProfileRecord) -> dict[str, Any]:
        roles = [self._role_shape(role) for name in profile.roles
                 if (role := self.roles(ctx.account_id).get(name)) is not None]
        out: dict[str, Any] = {
            "Path": profile.path, "InstanceProfileName": profile.name,
            "InstanceProfileId": profile.profile_id, "Arn": profile.arn,
            "CreateDate": profile.created, "Roles": roles}
        if profile.tags:
            out["Tags"] = profile.tags
        return out

    def create_instance_profile(self, ctx: RequestContext, instance_profile_name: str,
                                path: str | None = None,
                                tags: list[dict[str, str]] | None = None) -> dict[str, Any]:
        _check_name(instance_profile_name, "instanceProfileName")
        if instance_profile_name in self.profiles(ctx.account_id):
            raise _exists(f"Instance Profile {instance_profile_name} already exists.")
        where = _path(path)
        profile = ProfileRecord(
            name=instance_profile_name, profile_id=_id("AIPA"),
            arn=f"arn:aws:iam::{ctx.account_id}:instance-profile{where}{instance_profile_name}",
            path=where, tags=tags or [], created=self.clock.now())
        self.profiles(ctx.account_id).put(profile.name, profile)
        return {"InstanceProfile": self._profile_shape(ctx, profile)}

    def get_instance_profile(self, ctx: RequestContext,
                             instance_profile_name: str) -> dict[str, Any]:
        return {"InstanceProfile": self._profile_shape(
            ctx, self._profile(ctx, instance_profile_name))}

    def list_instance_profiles(self, ctx: RequestContext, path_prefix: str | None = None,
                               marker: str | None = None,
                               max_items: int | None = None) -> dict[str, Any]:
        profiles = [self._profile_shape(ctx, profile)
                    for profile in self.profiles(ctx.account_id).values()
                    if profile.path.startswith(path_prefix or "/")]
        return _page("InstanceProfiles", profiles, marker, max_items)

    def delete_instance_profile(self, ctx: RequestContext,
                                instance_profile_name: str) -> dict[str, Any]:
        profile = self._profile(ctx, instance_profile_name)
        if profile.roles:
            raise ServiceError("DeleteConflict", "Cannot delete entity, must remove roles from "
                               "instance profile first.", status=409)
        self.profiles(ctx.account_id).delete(profile.name)
        return {}

    def add_role_to_instance_profile(self, ctx: RequestContext, instance_profile_name: str,
                                     role_name: str) -> dict[str, Any]:
        profile = self._profile(ctx, instance_profile_name)
        self._role(ctx, role_name)
        if profile.roles:
            raise ServiceError("LimitExceeded", "Cannot exceed quota for "
                               "InstanceSessionsPerInstanceProfile: 1", status=409)
        profile.roles.append(role_name)
        self.profiles(ctx.account_id).put(profile.name, profile)
        return {}

    def remove_role_from_instance_profile(self, ctx: RequestContext,
                                          instance_profile_name: str,
                                          role_name: str) -> dict[str, Any]:
        profile = self._profile(ctx, instance_profile_name)
        if role_name not in profile.roles:
            raise no_such_entity(f"The role with name {role_name} cannot be found.")
        profile.roles.remove(role_name)
        self.profiles(ctx.account_id).put(profile.name, profile)
        return {}


__all__ = ["IamProvider"]
