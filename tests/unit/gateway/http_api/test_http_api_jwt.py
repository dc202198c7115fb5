"""JWT authorizer checks against keys from a fake key source: signature, kid, issuer,
audience or client_id, exp/nbf/iat against the given time, and route scopes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from emulator.gateway.http_api.jwt_authorizer import authorize, claims_for_event, token_of
from emulator.gateway.http_api.state import HttpApiError

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ISSUER = "https://issuer.example"
NOW = 1_700_000_000.0
CONFIG = {"Issuer": ISSUER, "Audience": ["app"]}


class Keys:
    def __init__(self) -> None:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
        self.known = [{**public, "kid": "k1"}]
        self.asked: list[tuple[str, bool]] = []

    async def keys_for(self, issuer: str, refresh: bool) -> list[dict[str, Any]]:
        self.asked.append((issuer, refresh))
        return self.known if issuer == ISSUER else []

    async def keys(self, issuer: str, *, refresh: bool = False) -> list[dict[str, Any]]:
        return await self.keys_for(issuer, refresh)


def _token(kid: str = "k1", **claims: Any) -> str:
    body = {"iss": ISSUER, "aud": "app", "iat": int(NOW), "exp": int(NOW) + 60, **claims}
    return jwt.encode({k: v for k, v in body.items() if v is not None}, KEY, "RS256",
                      headers={"kid": kid})


def _run(token: str | None, scopes: list[str] | None = None) -> Any:
    return asyncio.run(authorize(token, CONFIG, scopes or [], Keys(), NOW))


def test_a_valid_token_gives_its_claims_and_scopes() -> None:
    result = _run(_token(scope="a b", groups=["x", "y"], n=3))
    assert result.scopes == ["a", "b"] and result.claims["aud"] == "app"
    assert claims_for_event(result.claims)["groups"] == "[x y]"
    assert claims_for_event(result.claims)["n"] == "3"
    assert _run(_token(aud=None, client_id="app")).claims["client_id"] == "app"


@pytest.mark.parametrize(("token", "status"), [
    (None, 401), ("x.y.z", 401), (_token(kid="other"), 401), (_token(iss="https://x"), 401),
    (_token(aud="else"), 401), (_token(exp=int(NOW)), 401), (_token(exp=None), 401),
    (_token(nbf=int(NOW) + 5), 401), (_token(iat=int(NOW) + 5), 401),
])
def test_rejections(token: str | None, status: int) -> None:
    with pytest.raises(HttpApiError) as error:
        _run(token)
    assert error.value.status == status and error.value.message == "Unauthorized"


def test_scopes_need_one_match() -> None:
    assert _run(_token(scp=["read"]), ["read", "admin"]).scopes == ["read"]
    with pytest.raises(HttpApiError) as error:
        _run(_token(scope="write"), ["read"])
    assert error.value.status == 403 and error.value.message == "Forbidden"


def test_unknown_kid_asks_the_source_again() -> None:
    keys = Keys()
    with pytest.raises(HttpApiError):
        asyncio.run(authorize(_token(kid="new"), CONFIG, [], keys, NOW))
    assert keys.asked == [(ISSUER, False), (ISSUER, True)]


def test_bearer_prefix() -> None:
    assert token_of("Bearer abc") == "abc" and token_of("bearer  abc ") == "abc"
    assert token_of("abc") == "abc" and token_of("") is None and token_of(None) is None
