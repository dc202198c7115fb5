"""Tags of a user pool: TagResource, UntagResource and ListTagsForResource, on the same
``UserPoolTags`` that CreateUserPool, UpdateUserPool and DescribeUserPool carry.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TagResource.html
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.services.cognito_idp.common import CognitoBase, no_pool
from emulator.services.cognito_idp.models import UserPoolRecord


class TagsApi(CognitoBase):
    def _tagged(self, ctx: RequestContext, resource_arn: str) -> UserPoolRecord:
        pool_id = resource_arn.rpartition("/")[2]
        record = self.pools(ctx.account_id, ctx.region).get(pool_id)
        if record is None or record.pool.get("Arn") != resource_arn:
            raise no_pool(pool_id)
        return record

    def tag_resource(self, ctx: RequestContext, *, resource_arn: str, tags: dict[str, str],
                     **_: Any) -> dict[str, Any]:
        record = self._tagged(ctx, resource_arn)
        record.pool["UserPoolTags"] = {**(record.pool.get("UserPoolTags") or {}), **tags}
        self.pools(ctx.account_id, ctx.region).put(record.pool["Id"], record)
        return {}

    def untag_resource(self, ctx: RequestContext, *, resource_arn: str, tag_keys: list[str],
                       **_: Any) -> dict[str, Any]:
        record = self._tagged(ctx, resource_arn)
        record.pool["UserPoolTags"] = {key: value for key, value in (
            record.pool.get("UserPoolTags") or {}).items() if key not in tag_keys}
        self.pools(ctx.account_id, ctx.region).put(record.pool["Id"], record)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, *, resource_arn: str,
                               **_: Any) -> dict[str, Any]:
        return {"Tags": dict(self._tagged(ctx, resource_arn).pool.get("UserPoolTags") or {})}


__all__ = ["TagsApi"]
