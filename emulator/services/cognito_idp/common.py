"""What every part of the Cognito provider shares: tables, lookups and Cognito's errors.

Administrative calls are signed, so they address the caller's account and region. Sign-up and
sign-in calls are not signed (boto3 sends them without credentials): they find the pool or app
client by its id wherever it lives.
"""

from __future__ import annotations

from typing import Any

from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.base import Provider, TableOf
from emulator.services.cognito_idp import tokens
from emulator.services.cognito_idp.models import (
    CLIENTS,
    POOLS,
    REFRESH_TOKENS,
    SESSIONS,
    USERS,
    ClientRecord,
    RefreshTokenRecord,
    SessionRecord,
    UserPoolRecord,
    UserRecord,
    user_key,
)


def invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterException", message)


def not_authorized(message: str = "Incorrect username or password.") -> ServiceError:
    return ServiceError("NotAuthorizedException", message)


def no_pool(pool_id: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"User pool {pool_id} does not exist.")


def no_client(client_id: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException",
                        f"User pool client {client_id} does not exist.")


def no_user() -> ServiceError:
    return ServiceError("UserNotFoundException", "User does not exist.")


class CognitoBase(Provider):
    service_name = "cognito-idp"

    # -- tables -----------------------------------------------------------------------------

    pools = TableOf(POOLS, UserPoolRecord)
    clients = TableOf(CLIENTS, ClientRecord)
    users = TableOf(USERS, UserRecord)
    refresh_tokens = TableOf(REFRESH_TOKENS, RefreshTokenRecord)
    sessions = TableOf(SESSIONS, SessionRecord)

    # -- lookups ----------------------------------------------------------------------------

    def pool_of(self, ctx: RequestContext, pool_id: str) -> UserPoolRecord:
        """A pool of the caller's account and region."""
        record = self.pools(ctx.account_id, ctx.region).get(pool_id)
        if record is None:
            raise no_pool(pool_id)
        return record

    def locate_pool(self, pool_id: str) -> tuple[str, str, UserPoolRecord] | None:
        """The account, region and record of the pool called ``pool_id``, wherever it is."""
        for account, region in self.store.scopes(POOLS):
            record = self.pools(account, region).get(pool_id)
            if record is not None:
                return account, region, record
        return None

    def locate_client(self, client_id: str) -> tuple[str, str, ClientRecord]:
        for account, region in self.store.scopes(CLIENTS):
            record = self.clients(account, region).get(client_id)
            if record is not None:
                return account, region, record
        raise no_client(client_id)

    def client_of(self, ctx: RequestContext, pool_id: str, client_id: str) -> ClientRecord:
        record = self.clients(ctx.account_id, ctx.region).get(client_id)
        if record is None or record.client.get("UserPoolId") != pool_id:
            raise no_client(client_id)
        return record

    def find_user(self, account: str, region: str, pool: UserPoolRecord, name: str
                  ) -> UserRecord | None:
        """A user by user name, or by an email or phone number the pool signs in with."""
        users = self.users(account, region)
        found = users.get(user_key(pool.pool["Id"], name))
        if found is not None:
            return found
        aliases = [*pool.pool.get("UsernameAttributes", []), *pool.pool.get(
            "AliasAttributes", [])]
        for attribute in ("email", "phone_number", "preferred_username"):
            if attribute not in aliases:
                continue
            for user in users.values():
                if user.pool_id == pool.pool["Id"] and user.attributes.get(attribute) == name:
                    return user
        return None

    def user_of(self, ctx: RequestContext, pool_id: str, username: str) -> UserRecord:
        pool = self.pool_of(ctx, pool_id)
        user = self.find_user(ctx.account_id, ctx.region, pool, username)
        if user is None:
            raise no_user()
        return user

    def save_user(self, account: str, region: str, user: UserRecord) -> None:
        user.modified = self.clock.now()
        self.users(account, region).put(user_key(user.pool_id, user.username), user)

    @staticmethod
    def attribute_list(user: UserRecord) -> list[dict[str, str]]:
        return [{"Name": "sub", "Value": user.sub}, *(
            {"Name": name, "Value": value} for name, value in user.attributes.items())]

    def user_shape(self, user: UserRecord) -> dict[str, Any]:
        """The UserType shape."""
        return {"Username": user.username, "Attributes": self.attribute_list(user),
                "UserCreateDate": user.created, "UserLastModifiedDate": user.modified,
                "Enabled": user.enabled, "UserStatus": user.status}

    def check_secret_hash(self, client: ClientRecord, username: str,
                          given: str | None) -> None:
        secret = client.client.get("ClientSecret")
        if not secret:
            return
        client_id = client.client["ClientId"]
        if not given:
            raise not_authorized(f"Client {client_id} is configured with secret but "
                                 "SECRET_HASH was not received")
        if given != tokens.secret_hash(username, client_id, secret):
            raise not_authorized(f"Unable to verify secret hash for client {client_id}")


__all__ = ["CognitoBase", "invalid", "no_client", "no_pool", "no_user", "not_authorized"]
