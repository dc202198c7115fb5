"""Resource servers with custom scopes, and the OAuth 2.0 token endpoint's client credentials
grant, so access tokens can carry scopes such as ``orders/read``.

Cognito serves the token endpoint on the pool's domain; here it is beside the issuer, at
``{endpoint}/{userPoolId}/oauth2/token``. Errors are OAuth's: 400 with ``{"error": ...}``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services import paging
from emulator.services.base import TableOf
from emulator.services.cognito_idp import tokens
from emulator.services.cognito_idp.common import CognitoBase, invalid
from emulator.services.cognito_idp.models import RESOURCE_SERVERS, ResourceServerRecord, user_key
from emulator.services.cognito_idp.pools import token_validity

OAuthAnswer = tuple[int, dict[str, Any]]


def _error(code: str) -> OAuthAnswer:
    return 400, {"error": code}


def client_credentials(form: dict[str, str], authorization: str | None) -> tuple[str, str | None]:
    if authorization and authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:].strip()).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", None
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret")


class OAuthApi(CognitoBase):
    resource_servers = TableOf(RESOURCE_SERVERS, ResourceServerRecord)

    def _server(self, ctx: RequestContext, pool_id: str, identifier: str
                ) -> ResourceServerRecord:
        self.pool_of(ctx, pool_id)
        record = self.resource_servers(ctx.account_id, ctx.region).get(
            user_key(pool_id, identifier))
        if record is None:
            raise ServiceError("ResourceNotFoundException",
                               f"Resource server {identifier} does not exist.")
        return record

    def create_resource_server(self, ctx: RequestContext, *, user_pool_id: str,
                               identifier: str, name: str,
                               scopes: list[dict[str, str]] | None = None, **_: Any
                               ) -> dict[str, Any]:
        self.pool_of(ctx, user_pool_id)
        table = self.resource_servers(ctx.account_id, ctx.region)
        if user_key(user_pool_id, identifier) in table:
            raise invalid(f"{identifier} already exists in user pool {user_pool_id}.")
        server = {"UserPoolId": user_pool_id, "Identifier": identifier, "Name": name,
                  "Scopes": scopes or []}
        table.put(user_key(user_pool_id, identifier), ResourceServerRecord(server=server))
        return {"ResourceServer": server}

    def describe_resource_server(self, ctx: RequestContext, *, user_pool_id: str,
                                 identifier: str, **_: Any) -> dict[str, Any]:
        return {"ResourceServer": self._server(ctx, user_pool_id, identifier).server}

    def update_resource_server(self, ctx: RequestContext, *, user_pool_id: str,
                               identifier: str, name: str,
                               scopes: list[dict[str, str]] | None = None, **_: Any
                               ) -> dict[str, Any]:
        record = self._server(ctx, user_pool_id, identifier)
        record.server.update({"Name": name, "Scopes": scopes or []})
        self.resource_servers(ctx.account_id, ctx.region).put(
            user_key(user_pool_id, identifier), record)
        return {"ResourceServer": record.server}

    def list_resource_servers(self, ctx: RequestContext, *, user_pool_id: str,
                              max_results: int = 50, next_token: str | None = None,
                              **_: Any) -> dict[str, Any]:
        self.pool_of(ctx, user_pool_id)
        servers = [r.server for r in self.resource_servers(ctx.account_id, ctx.region).values()
                   if r.server["UserPoolId"] == user_pool_id]
        return paging.answer("ResourceServers", servers, next_token, max_results)

    def delete_resource_server(self, ctx: RequestContext, *, user_pool_id: str,
                               identifier: str, **_: Any) -> None:
        self._server(ctx, user_pool_id, identifier)
        self.resource_servers(ctx.account_id, ctx.region).delete(
            user_key(user_pool_id, identifier))

    # -- the token endpoint -----------------------------------------------------------------

    def _custom_scopes(self, account: str, region: str, pool_id: str) -> set[str]:
        return {f"{r.server['Identifier']}/{scope['ScopeName']}"
                for r in self.resource_servers(account, region).values()
                if r.server["UserPoolId"] == pool_id for scope in r.server["Scopes"]}

    def oauth_token(self, pool_id: str, form: dict[str, str], authorization: str | None,
                    endpoint: str) -> OAuthAnswer:
        """The token endpoint's answer (status and JSON body) to a client credentials
        grant."""
        located = self.locate_pool(pool_id)
        if located is None:
            return _error("invalid_request")
        account, region, pool = located
        if form.get("grant_type") != "client_credentials":
            return _error("unsupported_grant_type")
        client_id, secret = client_credentials(form, authorization)
        client = self.clients(account, region).get(client_id)
        expected = client.client.get("ClientSecret") if client else None
        if client is None or client.client.get("UserPoolId") != pool_id or not expected or \
                not hmac.compare_digest(expected, secret or ""):
            return _error("invalid_client")
        doc = client.client
        if "client_credentials" not in (doc.get("AllowedOAuthFlows") or []) or \
                not doc.get("AllowedOAuthFlowsUserPoolClient"):
            return _error("unauthorized_client")
        allowed = set(doc.get("AllowedOAuthScopes") or []) & self._custom_scopes(
            account, region, pool_id)
        requested = form.get("scope", "").split() or sorted(allowed)
        if not requested or any(scope not in allowed for scope in requested):
            return _error("invalid_scope")
        now = int(self.clock.now())
        validity = token_validity(doc, "AccessToken")
        claims = {"sub": client_id, "token_use": "access", "scope": " ".join(requested),
                  "auth_time": now, "iss": f"{endpoint.rstrip('/')}/{pool_id}",
                  "exp": now + validity, "iat": now, "version": 2, "jti": ids.uuid4(),
                  "client_id": client_id}
        token = tokens.sign(claims, pool.private_key, pool.kid)
        return 200, {"access_token": token, "expires_in": validity, "token_type": "Bearer"}


__all__ = ["OAuthAnswer", "OAuthApi", "client_credentials"]
