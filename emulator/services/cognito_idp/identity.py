"""The ``identity`` port: the pools' keys and token checks, for API Gateway's authorizers."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from emulator.ports import TokenRejected
from emulator.services.cognito_idp import tokens
from emulator.services.cognito_idp.common import CognitoBase


def pool_id_of(issuer: str) -> str:
    """The pool an issuer URL names (its last path segment)."""
    return issuer.rstrip("/").rsplit("/", 1)[-1]


class IdentityPort:
    def __init__(self, provider: CognitoBase) -> None:
        self._provider = provider

    def jwks(self, pool_id: str) -> dict[str, Any] | None:
        located = self._provider.locate_pool(pool_id)
        if located is None:
            return None
        record = located[2]
        return {"keys": [tokens.public_jwk(record.private_key, record.kid)]}

    def verify(self, token: str, *, now: float, pool_ids: Collection[str] | None = None,
               issuer: str | None = None, audiences: Collection[str] | None = None
               ) -> dict[str, Any]:
        _header, claims = tokens.unverified(token)
        claimed = str(claims.get("iss") or "")
        if issuer is not None and claimed != issuer.rstrip("/"):
            raise TokenRejected("the token's issuer is not the one expected")
        pool_id = pool_id_of(claimed)
        if pool_ids is not None and pool_id not in pool_ids:
            raise TokenRejected("the token was not issued by an accepted user pool")
        located = self._provider.locate_pool(pool_id) if pool_id else None
        if located is None:
            raise TokenRejected("the token's issuer is not a user pool")
        record = located[2]
        verified = tokens.check(token, record.private_key, record.kid, now)
        if audiences is not None:
            audience = verified.get("aud") or verified.get("client_id")
            if audience not in audiences:
                raise TokenRejected("the token's audience is not accepted")
        return verified


__all__ = ["IdentityPort", "pool_id_of"]
