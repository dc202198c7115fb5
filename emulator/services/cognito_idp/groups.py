"""Groups of a user pool; a user's groups appear in its tokens as ``cognito:groups``."""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import paging
from emulator.services.base import TableOf
from emulator.services.cognito_idp.common import CognitoBase
from emulator.services.cognito_idp.models import GROUPS, GroupRecord, user_key


def _page(items: list[dict[str, Any]], member: str, limit: int | None,
          token: str | None) -> dict[str, Any]:
    return paging.answer(member, items, token, limit or 60)


class GroupsApi(CognitoBase):
    groups = TableOf(GROUPS, GroupRecord)

    def _group(self, ctx: RequestContext, pool_id: str, name: str) -> GroupRecord:
        self.pool_of(ctx, pool_id)
        record = self.groups(ctx.account_id, ctx.region).get(user_key(pool_id, name))
        if record is None:
            raise ServiceError("ResourceNotFoundException", "Group not found.")
        return record

    def create_group(self, ctx: RequestContext, *, group_name: str, user_pool_id: str,
                     description: str | None = None, role_arn: str | None = None,
                     precedence: int | None = None, **_: Any) -> dict[str, Any]:
        self.pool_of(ctx, user_pool_id)
        table = self.groups(ctx.account_id, ctx.region)
        if user_key(user_pool_id, group_name) in table:
            raise ServiceError("GroupExistsException",
                               f"A group with the name {group_name} already exists.")
        now = self.clock.now()
        group = {"GroupName": group_name, "UserPoolId": user_pool_id,
                 "LastModifiedDate": now, "CreationDate": now}
        for key, value in (("Description", description), ("RoleArn", role_arn),
                           ("Precedence", precedence)):
            if value is not None:
                group[key] = value
        table.put(user_key(user_pool_id, group_name), GroupRecord(group=group))
        return {"Group": group}

    def get_group(self, ctx: RequestContext, *, group_name: str, user_pool_id: str,
                  **_: Any) -> dict[str, Any]:
        return {"Group": self._group(ctx, user_pool_id, group_name).group}

    def list_groups(self, ctx: RequestContext, *, user_pool_id: str, limit: int | None = None,
                    next_token: str | None = None, **_: Any) -> dict[str, Any]:
        self.pool_of(ctx, user_pool_id)
        groups = [r.group for r in self.groups(ctx.account_id, ctx.region).values()
                  if r.group["UserPoolId"] == user_pool_id]
        return _page(groups, "Groups", limit, next_token)

    def delete_group(self, ctx: RequestContext, *, group_name: str, user_pool_id: str,
                     **_: Any) -> None:
        self._group(ctx, user_pool_id, group_name)
        self.groups(ctx.account_id, ctx.region).delete(user_key(user_pool_id, group_name))
        for user in self.users(ctx.account_id, ctx.region).values():
            if user.pool_id == user_pool_id and group_name in user.groups:
                user.groups.remove(group_name)
                self.save_user(ctx.account_id, ctx.region, user)

    def admin_add_user_to_group(self, ctx: RequestContext, *, user_pool_id: str,
                                username: str, group_name: str, **_: Any) -> None:
        self._group(ctx, user_pool_id, group_name)
        user = self.user_of(ctx, user_pool_id, username)
        if group_name not in user.groups:
            user.groups.append(group_name)
            self.save_user(ctx.account_id, ctx.region, user)

    def admin_remove_user_from_group(self, ctx: RequestContext, *, user_pool_id: str,
                                     username: str, group_name: str, **_: Any) -> None:
        self._group(ctx, user_pool_id, group_name)
        user = self.user_of(ctx, user_pool_id, username)
        if group_name in user.groups:
            user.groups.remove(group_name)
            self.save_user(ctx.account_id, ctx.region, user)

    def admin_list_groups_for_user(self, ctx: RequestContext, *, username: str,
                                   user_pool_id: str, limit: int | None = None,
                                   next_token: str | None = None, **_: Any) -> dict[str, Any]:
        user = self.user_of(ctx, user_pool_id, username)
        groups = [self._group(ctx, user_pool_id, name).group for name in user.groups]
        return _page(groups, "Groups", limit, next_token)

    def list_users_in_group(self, ctx: RequestContext, *, user_pool_id: str, group_name: str,
                            limit: int | None = None, next_token: str | None = None,
                            **_: Any) -> dict[str, Any]:
        self._group(ctx, user_pool_id, group_name)
        users = [self.user_shape(u) for u in self.users(ctx.account_id, ctx.region).values()
                 if u.pool_id == user_pool_id and group_name in u.groups]
        return _page(users, "Users", limit, next_token)


__all__ = ["GroupsApi"]
