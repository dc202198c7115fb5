"""The stored records of Cognito user pools.

A pool keeps its RS256 signing key (PEM) beside its UserPool shape, so tokens issued before a
restart still verify after it. Passwords are kept only as salted hashes.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.store import Record

POOLS = "userpools"  # key: pool id
CLIENTS = "clients"  # key: client id
USERS = "users"  # key: "poolId/username"
REFRESH_TOKENS = "refreshtokens"  # key: the token
SESSIONS = "sessions"  # key: the session string of a challenge under way
GROUPS = "groups"  # key: "poolId/groupName"
RESOURCE_SERVERS = "resourceservers"  # key: "poolId/identifier"


class UserPoolRecord(Record):
    pool: dict[str, Any]  # the UserPoolType shape
    private_key: str  # PEM of the pool's signing key
    kid: str


class ClientRecord(Record):
    client: dict[str, Any]  # the UserPoolClientType shape (with its secret, if any)


class UserRecord(Record):
    pool_id: str
    username: str
    sub: str
    attributes: dict[str, str] = Field(default_factory=dict)  # without "sub"
    status: str = "UNCONFIRMED"  # UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD
    enabled: bool = True
    password_hash: str | None = None
    srp_salt: str | None = None  # the salt and verifier g^x of USER_SRP_AUTH, as hex
    srp_verifier: str | None = None
    created: float = 0.0
    modified: float = 0.0
    confirmation_code: str | None = None
    groups: list[str] = Field(default_factory=list)


class RefreshTokenRecord(Record):
    pool_id: str
    client_id: str
    username: str
    expires: float
    origin_jti: str
    auth_time: int
    scope: str | None = None  # the granted OAuth scopes; None: a sign-in through the API


class SessionRecord(Record):
    pool_id: str
    client_id: str
    username: str
    challenge: str
    expires: float
    srp: dict[str, str] = Field(default_factory=dict)  # an SRP exchange's A, b and B


class GroupRecord(Record):
    group: dict[str, Any]  # the GroupType shape


class ResourceServerRecord(Record):
    server: dict[str, Any]  # the ResourceServerType shape


def user_key(pool_id: str, username: str) -> str:
    return f"{pool_id}/{username}"


__all__ = [
    "CLIENTS",
    "GROUPS",
    "POOLS",
    "REFRESH_TOKENS",
    "RESOURCE_SERVERS",
    "SESSIONS",
    "USERS",
    "ClientRecord",
    "GroupRecord",
    "RefreshTokenRecord",
    "ResourceServerRecord",
    "SessionRecord",
    "UserPoolRecord",
    "UserRecord",
    "user_key",
]
