"""The authorizers of a REST API (TOKEN, REQUEST, COGNITO_USER_POOLS), stored in its tree."""

from __future__ import annotations

from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.services.apigateway import patch
from emulator.services.apigateway.common import ApiGatewayBase, bad_request, without_none

AUTHORIZER_PATHS = {"/name": patch.Path(), "/type": patch.Path(),
                    "/authorizerUri": patch.Path(removable=True),
                    "/identitySource": patch.Path(removable=True),
                    "/identityValidationExpression": patch.Path(removable=True),
                    "/authorizerResultTtlInSeconds": patch.Path(patch.INT),
                    "/authorizerCredentials": patch.Path(removable=True),
                    "/providerARNs": patch.Path(patch.LIST)}


class AuthorizersApi(ApiGatewayBase):
    def create_authorizer(self, ctx: RequestContext, *, rest_api_id: str, name: str,
                          type: str, **fields: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        if type not in ("TOKEN", "REQUEST", "COGNITO_USER_POOLS"):
            raise bad_request(f"Invalid authorizer type specified: {type}")
        authorizer = without_none({
            "id": ids.short_id(6), "name": name, "type": type,
            "providerARNs": fields.get("provider_arns"),
            "authType": fields.get("auth_type"),
            "authorizerUri": fields.get("authorizer_uri"),
            "authorizerCredentials": fields.get("authorizer_credentials"),
            "identitySource": fields.get("identity_source"),
            "identityValidationExpression": fields.get("identity_validation_expression"),
            "authorizerResultTtlInSeconds": fields.get("authorizer_result_ttl_in_seconds", 300),
        })
        record.authorizers[authorizer["id"]] = authorizer
        self.save_api(ctx, record)
        return authorizer

    def get_authorizer(self, ctx: RequestContext, *, rest_api_id: str, authorizer_id: str,
                       **_: Any) -> dict[str, Any]:
        return self.found(self.api_record(ctx, rest_api_id).authorizers.get(authorizer_id),
                          "Invalid Authorizer identifier specified")

    def get_authorizers(self, ctx: RequestContext, *, rest_api_id: str,
                        position: str | None = None, limit: int | None = None, **_: Any
                        ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        return self.page(list(record.authorizers.values()), position, limit)

    def update_authorizer(self, ctx: RequestContext, *, rest_api_id: str, authorizer_id: str,
                          patch_operations: list[dict[str, Any]] | None = None, **_: Any
                          ) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        authorizer = self.copy(self.get_authorizer(ctx, rest_api_id=rest_api_id,
                                                   authorizer_id=authorizer_id))
        patch.apply(authorizer, patch_operations, AUTHORIZER_PATHS)
        record.authorizers[authorizer_id] = authorizer
        self.save_api(ctx, record)
        return authorizer

    def delete_authorizer(self, ctx: RequestContext, *, rest_api_id: str, authorizer_id: str,
                          **_: Any) -> None:
        record = self.api_record(ctx, rest_api_id)
        self.get_authorizer(ctx, rest_api_id=rest_api_id, authorizer_id=authorizer_id)
        record.authorizers.pop(authorizer_id)
        self.save_api(ctx, record)


__all__ = ["AuthorizersApi"]
