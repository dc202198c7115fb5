"""IAM users (with access keys) and groups, each with inline and attached policies: stored and
returned, never enforced, as the rest of IAM here."""

from __future__ import annotations

import secrets
import string
from abc import ABC, abstractmethod
from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import tagging
from emulator.services.base import Provider
from emulator.services.iam.common import (
    GLOBAL,
    check_name,
    document,
    exists,
    new_id,
    no_such_entity,
    page,
    valid_path,
)
from emulator.services.iam.models import (
    GROUPS,
    USERS,
    AccessKeyRecord,
    GroupRecord,
    UserRecord,
)
from emulator.store import Table

KEYS_PER_USER = 2  # IAM's quota of access keys per user
_KEY_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


def _conflict(message: str) -> ServiceError:
    return ServiceError("DeleteConflict", message, status=409)


class UsersApi(Provider, ABC):
    @abstractmethod
    def _attachable(self, ctx: RequestContext, arn: str) -> None:
        """Raise unless ``arn`` names a managed policy that can be attached."""

    def users(self, account: str) -> Table[UserRecord]:
        return self.store.table(account, GLOBAL, USERS, UserRecord)

    def groups(self, account: str) -> Table[GroupRecord]:
        return self.store.table(account, GLOBAL, GROUPS, GroupRecord)

    def _user(self, ctx: RequestContext, name: str) -> UserRecord:
        user = self.users(ctx.account_id).get(name)
        if user is None:
            raise no_such_entity(f"The user with name {name} cannot be found.")
        return user

    def _group(self, ctx: RequestContext, name: str) -> GroupRecord:
        group = self.groups(ctx.account_id).get(name)
        if group is None:
            raise no_such_entity(f"The group with name {name} cannot be found.")
        return group

    @staticmethod
    def _user_shape(user: UserRecord) -> dict[str, Any]:
        out: dict[str, Any] = {"Path": user.path, "UserName": user.name,
                               "UserId": user.user_id, "Arn": user.arn,
                               "CreateDate": user.created}
        if user.permissions_boundary:
            out["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy",
                                          "PermissionsBoundaryArn": user.permissions_boundary}
        if user.tags:
            out["Tags"] = user.tags
        return out

    @staticmethod
    def _group_shape(group: GroupRecord) -> dict[str, Any]:
        return {"Path": group.path, "GroupName": group.name, "GroupId": group.group_id,
                "Arn": group.arn, "CreateDate": group.created}

    # -- users

    def create_user(self, ctx: RequestContext, user_name: str, path: str | None = None,
                    permissions_boundary: str | None = None,
                    tags: list[dict[str, str]] | None = None, **_: Any) -> dict[str, Any]:
        check_name(user_name, "userName")
        table = self.users(ctx.account_id)
        if any(name.lower() == user_name.lower() for name in table):
            raise exists(f"User with name {user_name} already exists.")
        where = valid_path(path)
        user = UserRecord(name=user_name, user_id=new_id("AIDA"),
                          arn=f"arn:aws:iam::{ctx.account_id}:user{where}{user_name}",
                          path=where, permissions_boundary=permissions_boundary,
                          tags=tags or [], created=self.clock.now())
        table.put(user_name, user)
        return {"User": self._user_shape(user)}

    def get_user(self, ctx: RequestContext, user_name: str | None = None) -> dict[str, Any]:
        if user_name is None:  # the caller: the account's root user
            return {"User": {"UserId": ctx.account_id, "CreateDate": 0.0,
                             "Arn": f"arn:aws:iam::{ctx.account_id}:root", "Path": "/",
                             "UserName": ""}}
        return {"User": self._user_shape(self._user(ctx, user_name))}

    def list_users(self, ctx: RequestContext, path_prefix: str | None = None,
                   marker: str | None = None, max_items: int | None = None) -> dict[str, Any]:
        users = [user for user in self.users(ctx.account_id).values()
                 if user.path.startswith(path_prefix or "/")]
        listed = page("Users", users, marker, max_items)
        return {**listed, "Users": [self._user_shape(user) for user in listed["Users"]]}

    def delete_user(self, ctx: RequestContext, user_name: str) -> dict[str, Any]:
        user = self._user(ctx, user_name)
        if user.access_keys:
            raise _conflict("Cannot delete entity, must delete access keys first.")
        if user.attached:
            raise _conflict("Cannot delete entity, must detach all policies first.")
        if user.inline:
            raise _conflict("Cannot delete entity, must delete policies first.")
        if any(user.name in group.members for group in self.groups(ctx.account_id).values()):
            raise _conflict("Cannot delete entity, must remove users from group first.")
        self.users(ctx.account_id).delete(user_name)
        return {}

    def tag_user(self, ctx: RequestContext, user_name: str,
                 tags: list[dict[str, str]]) -> dict[str, Any]:
        user = self._user(ctx, user_name)
        user.tags = tagging.tagged(user.tags, tags)
        self.users(ctx.account_id).put(user.name, user)
        return {}

    def untag_user(self, ctx: RequestContext, user_name: str,
                   tag_keys: list[str]) -> dict[str, Any]:
        user = self._user(ctx, user_name)
        user.tags = tagging.untagged(user.tags, tag_keys)
        self.users(ctx.account_id).put(user.name, user)
        return {}

    def list_user_tags(self, ctx: RequestContext, user_name: str, **_: Any) -> dict[str, Any]:
        return {"Tags": self._user(ctx, user_name).tags, "IsTruncated": False}

    # -- access keys

    def create_access_key(self, ctx: RequestContext,
                          user_name: str | None = None) -> dict[str, Any]:
        if user_name is None:
            raise ServiceError("ValidationError", "Must specify userName when calling with "
                               "non-User credentials", status=400)
        user = self._user(ctx, user_name)
        if len(user.access_keys) >= KEYS_PER_USER:
            raise ServiceError("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: "
                               f"{KEYS_PER_USER}", status=409)
        key = AccessKeyRecord(
            access_key_id="AKIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16)),
            secret="".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40)),
            created=self.clock.now())
        user.access_keys.append(key)
        self.users(ctx.account_id).put(user.name, user)
        return {"AccessKey": {"UserName": user.name, "AccessKeyId": key.access_key_id,
                              "Status": key.status, "SecretAccessKey": key.secret,
                              "CreateDate": key.created}}

    def _key(self, ctx: RequestContext, user: UserRecord, key_id: str) -> AccessKeyRecord:
        for key in user.access_keys:
            if key.access_key_id == key_id:
                return key
        raise no_such_entity(f"The Access Key with id {key_id} cannot be found.")

    def _key_owner(self, ctx: RequestContext, key_id: str,
                   user_name: str | None) -> UserRecord:
        """The user named, or without a name the user holding the key (IAM takes the caller
        from the request's credentials; the key id names one user here)."""
        if user_name is not None:
            return self._user(ctx, user_name)
        for user in self.users(ctx.account_id).values():
            if any(key.access_key_id == key_id for key in user.access_keys):
                return user
        raise no_such_entity(f"The Access Key with id {key_id} cannot be found.")

    def list_access_keys(self, ctx: RequestContext, user_name: str | None = None,
                         marker: str | None = None, max_items: int | None = None
                         ) -> dict[str, Any]:
        if user_name is None:
            # Without UserName, IAM lists the caller's own keys: the account's root user,
            # whose keys this emulator does not keep.
            return page("AccessKeyMetadata", [], marker, max_items)
        user = self._user(ctx, user_name)
        keys = [{"UserName": user.name, "AccessKeyId": key.access_key_id,
                 "Status": key.status, "CreateDate": key.created}
                for key in user.access_keys]
        return page("AccessKeyMetadata", keys, marker, max_items)

    def update_access_key(self, ctx: RequestContext, access_key_id: str, status: str,
                          user_name: str | None = None) -> dict[str, Any]:
        user = self._key_owner(ctx, access_key_id, user_name)
        self._key(ctx, user, access_key_id).status = status
        self.users(ctx.account_id).put(user.name, user)
        return {}

    def delete_access_key(self, ctx: RequestContext, access_key_id: str,
                          user_name: str | None = None) -> dict[str, Any]:
        user = self._key_owner(ctx, access_key_id, user_name)
        user.access_keys.remove(self._key(ctx, user, access_key_id))
        self.users(ctx.account_id).put(user.name, user)
        return {}

    # -- groups

    def create_group(self, ctx: RequestContext, group_name: str,
                     path: str | None = None) -> dict[str, Any]:
        check_name(group_name, "groupName")
        table = self.groups(ctx.account_id)
        if any(name.lower() == group_name.lower() for name in table):
            raise exists(f"Group with name {group_name} already exists.")
        where = valid_path(path)
        group = GroupRecord(name=group_name, group_id=new_id("AGPA"),
                            arn=f"arn:aws:iam::{ctx.account_id}:group{where}{group_name}",
                            path=where, created=self.clock.now())
        table.put(group_name, group)
        return {"Group": self._group_shape(group)}

    def get_group(self, ctx: RequestContext, group_name: str, marker: str | None = None,
                  max_items: int | None = None) -> dict[str, Any]:
        group = self._group(ctx, group_name)
        users = [self._user_shape(user) for name in group.members
                 if (user := self.users(ctx.account_id).get(name)) is not None]
        return {"Group": self._group_shape(group), **page("Users", users, marker, max_items)}

    def list_groups(self, ctx: RequestContext, path_prefix: str | None = None,
                    marker: str | None = None, max_items: int | None = None) -> dict[str, Any]:
        groups = [self._group_shape(group) for group in self.groups(ctx.account_id).values()
                  if group.path.startswith(path_prefix or "/")]
        return page("Groups", groups, marker, max_items)

    def list_groups_for_user(self, ctx: RequestContext, user_name: str,
                             marker: str | None = None, max_items: int | None = None
                             ) -> dict[str, Any]:
        self._user(ctx, user_name)
        groups = [self._group_shape(group) for group in self.groups(ctx.account_id).values()
                  if user_name in group.members]
        return page("Groups", groups, marker, max_items)

    def delete_group(self, ctx: RequestContext, group_name: str) -> dict[str, Any]:
        group = self._group(ctx, group_name)
        if group.members:
            raise _conflict("Cannot delete entity, must remove users from group first.")
        if group.attached:
            raise _conflict("Cannot delete entity, must detach all policies first.")
        if group.inline:
            raise _conflict("Cannot delete entity, must delete policies first.")
        self.groups(ctx.account_id).delete(group_name)
        return {}

    def add_user_to_group(self, ctx: RequestContext, group_name: str,
                          user_name: str) -> dict[str, Any]:
        group = self._group(ctx, group_name)
        self._user(ctx, user_name)
        if user_name not in group.members:
            group.members.append(user_name)
            self.groups(ctx.account_id).put(group.name, group)
        return {}

    def remove_user_from_group(self, ctx: RequestContext, group_name: str,
                               user_name: str) -> dict[str, Any]:
        group = self._group(ctx, group_name)
        self._user(ctx, user_name)
        if user_name not in group.members:
            raise no_such_entity(f"User {user_name} is not in group {group_name}.")
        group.members.remove(user_name)
        self.groups(ctx.account_id).put(group.name, group)
        return {}

    # -- the policies of users and groups

    def _principal(self, ctx: RequestContext, kind: str, name: str
                   ) -> tuple[UserRecord | GroupRecord, Table[Any]]:
        if kind == "user":
            return self._user(ctx, name), self.users(ctx.account_id)
        return self._group(ctx, name), self.groups(ctx.account_id)

    def _put_inline(self, ctx: RequestContext, kind: str, name: str, policy_name: str,
                    policy_document: str) -> dict[str, Any]:
        check_name(policy_name, "policyName")
        principal, table = self._principal(ctx, kind, name)
        principal.inline[policy_name] = document(policy_document)
        table.put(principal.name, principal)
        return {}

    def _inline(self, ctx: RequestContext, kind: str, name: str, policy_name: str
                ) -> tuple[UserRecord | GroupRecord, Table[Any]]:
        principal, table = self._principal(ctx, kind, name)
        if policy_name not in principal.inline:
            raise no_such_entity(f"The {kind} policy with name {policy_name} cannot be found.")
        return principal, table

    def _delete_inline(self, ctx: RequestContext, kind: str, name: str,
                       policy_name: str) -> dict[str, Any]:
        principal, table = self._inline(ctx, kind, name, policy_name)
        del principal.inline[policy_name]
        table.put(principal.name, principal)
        return {}

    def _attach(self, ctx: RequestContext, kind: str, name: str, arn: str,
                attach: bool) -> dict[str, Any]:
        principal, table = self._principal(ctx, kind, name)
        if attach:
            self._attachable(ctx, arn)
            if arn not in principal.attached:
                principal.attached.append(arn)
        elif arn in principal.attached:
            principal.attached.remove(arn)
        else:
            raise no_such_entity(f"Policy {arn} was not found.")
        table.put(principal.name, principal)
        return {}

    def _attached(self, ctx: RequestContext, kind: str, name: str, marker: str | None,
                  max_items: int | None) -> dict[str, Any]:
        principal, _ = self._principal(ctx, kind, name)
        listed = [{"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn}
                  for arn in principal.attached]
        return page("AttachedPolicies", listed, marker, max_items)

    def put_user_policy(self, ctx: RequestContext, user_name: str, policy_name: str,
                        policy_document: str) -> dict[str, Any]:
        return self._put_inline(ctx, "user", user_name, policy_name, policy_document)

    def get_user_policy(self, ctx: RequestContext, user_name: str,
                        policy_name: str) -> dict[str, Any]:
        user, _ = self._inline(ctx, "user", user_name, policy_name)
        return {"UserName": user_name, "PolicyName": policy_name,
                "PolicyDocument": user.inline[policy_name]}

    def delete_user_policy(self, ctx: RequestContext, user_name: str,
                           policy_name: str) -> dict[str, Any]:
        return self._delete_inline(ctx, "user", user_name, policy_name)

    def list_user_policies(self, ctx: RequestContext, user_name: str,
                           marker: str | None = None, max_items: int | None = None
                           ) -> dict[str, Any]:
        return page("PolicyNames", list(self._user(ctx, user_name).inline), marker, max_items)

    def put_group_policy(self, ctx: RequestContext, group_name: str, policy_name: str,
                         policy_document: str) -> dict[str, Any]:
        return self._put_inline(ctx, "group", group_name, policy_name, policy_document)

    def get_group_policy(self, ctx: RequestContext, group_name: str,
                         policy_name: str) -> dict[str, Any]:
        group, _ = self._inline(ctx, "group", group_name, policy_name)
        return {"GroupName": group_name, "PolicyName": policy_name,
                "PolicyDocument": group.inline[policy_name]}

    def delete_group_policy(self, ctx: RequestContext, group_name: str,
                            policy_name: str) -> dict[str, Any]:
        return self._delete_inline(ctx, "group", group_name, policy_name)

    def list_group_policies(self, ctx: RequestContext, group_name: str,
                            marker: str | None = None, max_items: int | None = None
                            ) -> dict[str, Any]:
        return page("PolicyNames", list(self._group(ctx, group_name).inline), marker,
                    max_items)

    def attach_user_policy(self, ctx: RequestContext, user_name: str,
                           policy_arn: str) -> dict[str, Any]:
        return self._attach(ctx, "user", user_name, policy_arn, True)

    def detach_user_policy(self, ctx: RequestContext, user_name: str,
                           policy_arn: str) -> dict[str, Any]:
        return self._attach(ctx, "user", user_name, policy_arn, False)

    def list_attached_user_policies(self, ctx: RequestContext, user_name: str,
                                    marker: str | None = None, max_items: int | None = None,
                                    **_: Any) -> dict[str, Any]:
        return self._attached(ctx, "user", user_name, marker, max_items)

    def attach_group_policy(self, ctx: RequestContext, group_name: str,
                            policy_arn: str) -> dict[str, Any]:
        return self._attach(ctx, "group", group_name, policy_arn, True)

    def detach_group_policy(self, ctx: RequestContext, group_name: str,
                            policy_arn: str) -> dict[str, Any]:
        return self._attach(ctx, "group", group_name, policy_arn, False)

    def list_attached_group_policies(self, ctx: RequestContext, group_name: str,
                                     marker: str | None = None, max_items: int | None = None,
                                     **_: Any) -> dict[str, Any]:
        return self._attached(ctx, "group", group_name, marker, max_items)


__all__ = ["UsersApi"]
