"""User pools and their app clients."""

from __future__ import annotations

import secrets
import string
from typing import Any

from emulator import arns, ids
from emulator.context import RequestContext
from emulator.services.cognito_idp import tokens
from emulator.services.cognito_idp.common import CognitoBase, invalid
from emulator.services.cognito_idp.models import ClientRecord, UserPoolRecord

DEFAULT_PASSWORD_POLICY: dict[str, Any] = {
    "MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
    "RequireNumbers": True, "RequireSymbols": True, "TemporaryPasswordValidityDays": 7,
}
DEFAULT_AUTH_FLOWS = ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]
STANDARD_ATTRIBUTES = ("sub", "name", "given_name", "family_name", "middle_name", "nickname",
                       "preferred_username", "profile", "picture", "website", "email",
                       "email_verified", "gender", "birthdate", "zoneinfo", "locale",
                       "phone_number", "phone_number_verified", "address", "updated_at")
UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
# (member, default value, default unit) of each token's validity on an app client.
VALIDITY = {"AccessToken": ("AccessTokenValidity", 60, "minutes"),
            "IdToken": ("IdTokenValidity", 60, "minutes"),
            "RefreshToken": ("RefreshTokenValidity", 30, "days")}


def _pool_id(region: str) -> str:
    alphabet = string.ascii_letters + string.digits
    return f"{region}_" + "".join(secrets.choice(alphabet) for _ in range(9))


def _schema() -> list[dict[str, Any]]:
    schema = []
    for name in STANDARD_ATTRIBUTES:
        kind = "Boolean" if name.endswith("_verified") else (
            "Number" if name == "updated_at" else "String")
        attribute: dict[str, Any] = {"Name": name, "AttributeDataType": kind,
                                     "DeveloperOnlyAttribute": False,
                                     "Mutable": name != "sub", "Required": name == "sub"}
        if kind == "String":
            attribute["StringAttributeConstraints"] = {
                "MinLength": "1" if name == "sub" else "0", "MaxLength": "2048"}
        schema.append(attribute)
    return schema


def token_validity(client: dict[str, Any], token: str) -> int:
    """Seconds a token of kind ``token`` (AccessToken, IdToken, RefreshToken) lives."""
    member, default, unit = VALIDITY[token]
    units = client.get("TokenValidityUnits") or {}
    unit_key = token[0].lower() + token[1:]
    return int(client.get(member) or default) * UNIT_SECONDS[units.get(unit_key, unit)]


class PoolsApi(CognitoBase):
    # -- user pools -------------------------------------------------------------------------

    def create_user_pool(self, ctx: RequestContext, *, pool_name: str, **fields: Any
                         ) -> dict[str, Any]:
        now = self.clock.now()
        pool_id = _pool_id(ctx.region)
        policies = dict(fields.get("policies") or {})
        policies["PasswordPolicy"] = {**DEFAULT_PASSWORD_POLICY,
                                      **(policies.get("PasswordPolicy") or {})}
        pool: dict[str, Any] = {
            "Id": pool_id, "Name": pool_name, "Policies": policies,
            "DeletionProtection": fields.get("deletion_protection") or "INACTIVE",
            "LambdaConfig": fields.get("lambda_config") or {},
            "LastModifiedDate": now, "CreationDate": now,
            "SchemaAttributes": _schema() + list(fields.get("schema") or []),
            "AutoVerifiedAttributes": fields.get("auto_verified_attributes") or [],
            "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_CODE"},
            "MfaConfiguration": fields.get("mfa_configuration") or "OFF",
            "EstimatedNumberOfUsers": 0,
            "EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"},
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False,
                                      "UnusedAccountValidityDays": 7,
                                      **(fields.get("admin_create_user_config") or {})},
            "UserPoolTags": fields.get("user_pool_tags") or {},
            "Arn": arns.build("cognito-idp", ctx.region, ctx.account_id,
                              f"userpool/{pool_id}"),
            "UserPoolTier": fields.get("user_pool_tier") or "ESSENTIALS",
        }
        for member, key in (("username_attributes", "UsernameAttributes"),
                            ("alias_attributes", "AliasAttributes")):
            if fields.get(member):
                pool[key] = fields[member]
        pem, kid = tokens.new_signing_key()
        self.pools(ctx.account_id, ctx.region).put(
            pool_id, UserPoolRecord(pool=pool, private_key=pem, kid=kid))
        return {"UserPool": pool}

    def describe_user_pool(self, ctx: RequestContext, *, user_pool_id: str, **_: Any
                           ) -> dict[str, Any]:
        pool = dict(self.pool_of(ctx, user_pool_id).pool)
        pool["EstimatedNumberOfUsers"] = sum(
            1 for user in self.users(ctx.account_id, ctx.region).values()
            if user.pool_id == user_pool_id)
        return {"UserPool": pool}

    def list_user_pools(self, ctx: RequestContext, *, max_results: int,
                        next_token: str | None = None, **_: Any) -> dict[str, Any]:
        if not 1 <= max_results <= 60:
            raise invalid("1 validation error detected: Value at 'maxResults' failed to "
                          "satisfy constraint: Member must have value less than or equal "
                          "to 60")
        pools = [r.pool for r in self.pools(ctx.account_id, ctx.region).values()]
        start = int(next_token) if next_token and next_token.isdigit() else 0
        page = pools[start:start + max_results]
        result: dict[str, Any] = {"UserPools": [
            {"Id": p["Id"], "Name": p["Name"], "LambdaConfig": p["LambdaConfig"],
             "LastModifiedDate": p["LastModifiedDate"], "CreationDate": p["CreationDate"]}
            for p in page]}
        if start + max_results < len(pools):
            result["NextToken"] = str(start + max_results)
        return result

    def update_user_pool(self, ctx: RequestContext, *, user_pool_id: str, **fields: Any
                         ) -> dict[str, Any]:
        record = self.pool_of(ctx, user_pool_id)
        pool = record.pool
        if fields.get("policies"):
            policy = (fields["policies"].get("PasswordPolicy") or {})
            pool["Policies"] = {**fields["policies"],
                                "PasswordPolicy": {**DEFAULT_PASSWORD_POLICY, **policy}}
        for member, key in (("auto_verified_attributes", "AutoVerifiedAttributes"),
                            ("mfa_configuration", "MfaConfiguration"),
                            ("deletion_protection", "DeletionProtection"),
                            ("lambda_config", "LambdaConfig"),
                            ("user_pool_tags", "UserPoolTags"),
                            ("admin_create_user_config", "AdminCreateUserConfig")):
            if fields.get(member) is not None:
                pool[key] = fields[member]
        pool["LastModifiedDate"] = self.clock.now()
        self.pools(ctx.account_id, ctx.region).put(user_pool_id, record)
        return {}

    def delete_user_pool(self, ctx: RequestContext, *, user_pool_id: str, **_: Any) -> None:
        record = self.pool_of(ctx, user_pool_id)
        if record.pool.get("DeletionProtection") == "ACTIVE":
            raise invalid("The user pool cannot be deleted because deletion protection is "
                          "activated. Deletion protection must be inactivated first.")
        self.pools(ctx.account_id, ctx.region).delete(user_pool_id)
        clients = self.clients(ctx.account_id, ctx.region)
        for key, client in clients.items():
            if client.client.get("UserPoolId") == user_pool_id:
                clients.delete(key)
        users = self.users(ctx.account_id, ctx.region)
        for key, user in users.items():
            if user.pool_id == user_pool_id:
                users.delete(key)

    # -- app clients ------------------------------------------------------------------------

    def _client_document(self, user_pool_id: str, client_name: str, client_id: str,
                         created: float, fields: dict[str, Any]) -> dict[str, Any]:
        """An app client's whole configuration from a request: what the request leaves out
        takes its default, on update as on create."""
        now = self.clock.now()
        flows = fields.get("explicit_auth_flows") or DEFAULT_AUTH_FLOWS
        client: dict[str, Any] = {
            "UserPoolId": user_pool_id, "ClientName": client_name,
            "ClientId": client_id, "LastModifiedDate": now, "CreationDate": created,
            "RefreshTokenValidity": fields.get("refresh_token_validity") or 30,
            "AccessTokenValidity": fields.get("access_token_validity") or 60,
            "IdTokenValidity": fields.get("id_token_validity") or 60,
            "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes",
                                   "RefreshToken": "days",
                                   **(fields.get("token_validity_units") or {})},
            "ExplicitAuthFlows": flows,
            "AllowedOAuthFlowsUserPoolClient": bool(
                fields.get("allowed_o_auth_flows_user_pool_client")),
            "PreventUserExistenceErrors": fields.get("prevent_user_existence_errors")
            or "LEGACY",
            "EnableTokenRevocation": fields.get("enable_token_revocation", True),
            "EnablePropagateAdditionalUserContextData": False,
            "AuthSessionValidity": fields.get("auth_session_validity") or 3,
        }
        for member, key in (("read_attributes", "ReadAttributes"),
                            ("write_attributes", "WriteAttributes"),
                            ("callback_urls", "CallbackURLs"),
                            ("logout_urls", "LogoutURLs"),
                            ("allowed_o_auth_flows", "AllowedOAuthFlows"),
                            ("allowed_o_auth_scopes", "AllowedOAuthScopes"),
                            ("supported_identity_providers", "SupportedIdentityProviders")):
            if fields.get(member):
                client[key] = fields[member]
        return client

    def create_user_pool_client(self, ctx: RequestContext, *, user_pool_id: str,
                                client_name: str, generate_secret: bool | None = None,
                                **fields: Any) -> dict[str, Any]:
        self.pool_of(ctx, user_pool_id)
        client = self._client_document(user_pool_id, client_name, ids.short_id(26),
                                       self.clock.now(), fields)
        if generate_secret:
            alphabet = string.ascii_lowercase + string.digits
            client["ClientSecret"] = "".join(secrets.choice(alphabet) for _ in range(51))
        self.clients(ctx.account_id, ctx.region).put(client["ClientId"],
                                                     ClientRecord(client=client))
        return {"UserPoolClient": client}

    def describe_user_pool_client(self, ctx: RequestContext, *, user_pool_id: str,
                                  client_id: str, **_: Any) -> dict[str, Any]:
        self.pool_of(ctx, user_pool_id)
        return {"UserPoolClient": self.client_of(ctx, user_pool_id, client_id).client}

    def list_user_pool_clients(self, ctx: RequestContext, *, user_pool_id: str,
                               max_results: int | None = None, next_token: str | None = None,
                               **_: Any) -> dict[str, Any]:
        self.pool_of(ctx, user_pool_id)
        clients = [{"ClientId": r.client["ClientId"], "UserPoolId": user_pool_id,
                    "ClientName": r.client["ClientName"]}
                   for r in self.clients(ctx.account_id, ctx.region).values()
                   if r.client.get("UserPoolId") == user_pool_id]
        size = max_results or 60
        start = int(next_token) if next_token and next_token.isdigit() else 0
        result: dict[str, Any] = {"UserPoolClients": clients[start:start + size]}
        if start + size < len(clients):
            result["NextToken"] = str(start + size)
        return result

    def update_user_pool_client(self, ctx: RequestContext, *, user_pool_id: str,
                                client_id: str, **fields: Any) -> dict[str, Any]:
        # "If you don't provide a value for an attribute, Amazon Cognito sets it to its
        # default value" (UpdateUserPoolClient): the request is the whole new configuration.
        record = self.client_of(ctx, user_pool_id, client_id)
        old = record.client
        client = self._client_document(user_pool_id,
                                       fields.pop("client_name", None) or old["ClientName"],
                                       client_id, old["CreationDate"], fields)
        if old.get("ClientSecret"):
            client["ClientSecret"] = old["ClientSecret"]
        record.client = client
        self.clients(ctx.account_id, ctx.region).put(client_id, record)
        return {"UserPoolClient": client}

    def delete_user_pool_client(self, ctx: RequestContext, *, user_pool_id: str,
                                client_id: str, **_: Any) -> None:
        self.client_of(ctx, user_pool_id, client_id)
        self.clients(ctx.account_id, ctx.region).delete(client_id)


__all__ = ["PoolsApi", "token_validity"]
