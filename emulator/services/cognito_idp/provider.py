"""The Cognito user pools provider (``cognito-idp``), and the ``identity`` port it offers."""

from __future__ import annotations

from typing import Any

from emulator.services.cognito_idp.auth import AuthApi
from emulator.services.cognito_idp.domains import DomainsApi
from emulator.services.cognito_idp.groups import GroupsApi
from emulator.services.cognito_idp.hosted import HostedUiApi
from emulator.services.cognito_idp.identity import IdentityPort
from emulator.services.cognito_idp.models import POOLS
from emulator.services.cognito_idp.oauth import OAuthApi
from emulator.services.cognito_idp.pools import PoolsApi
from emulator.services.cognito_idp.tags import TagsApi
from emulator.services.cognito_idp.users import UsersApi


class CognitoIdpProvider(HostedUiApi, AuthApi, UsersApi, PoolsApi, GroupsApi, OAuthApi,
                         DomainsApi, TagsApi):
    service_name = "cognito-idp"

    def port(self, name: str) -> object | None:
        if name == "user-pools":  # the issuer's HTTP routes (http.py)
            return self
        return IdentityPort(self) if name == "identity" else None  # the registry keeps it

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        pools: list[dict[str, Any]] = []
        for account, region in self.store.scopes(POOLS):
            users = self.users(account, region).values()
            for record in self.pools(account, region).values():
                pool_id = record.pool["Id"]
                pools.append({
                    "id": pool_id, "name": record.pool["Name"], "account": account,
                    "region": region,
                    "users": [{"username": u.username, "status": u.status,
                               "confirmation_code": u.confirmation_code}
                              for u in users if u.pool_id == pool_id]})
        return {"user_pools": pools}


__all__ = ["CognitoIdpProvider"]
