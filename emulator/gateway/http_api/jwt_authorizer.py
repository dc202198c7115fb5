"""JWT authorizers: the token from the identity source (with or without ``Bearer``), its
RSA signature checked against the issuer's JWKS, then ``kid``, ``iss``, ``aud`` (or
``client_id`` when there is no ``aud``), ``exp``, ``nbf`` and ``iat`` against the emulator's
clock, and at least one of the route's scopes in ``scope`` or ``scp``.

Keys come from a :class:`KeySource`: the issuer's OpenID discovery document and its
``jwks_uri``, fetched over HTTP and kept for two hours, as API Gateway does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Protocol, cast

import httpx
import jwt

from emulator.clock import Clock
from emulator.gateway.http_api.state import HttpApiError
from emulator.ports import IdentityTokens, Ports

ALGORITHMS = ["RS256", "RS384", "RS512"]
KEY_TTL = 7200.0  # API Gateway keeps an issuer's public keys for two hours
# The issuer Cognito writes in a user pool's tokens, which templates configure as the JWT
# authorizer's issuer (`!Sub https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}`).
COGNITO_ISSUER = re.compile(r"https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/"
                            r"([a-z0-9-]+_[0-9A-Za-z]+)/?")


class KeySource(Protocol):
    async def keys(self, issuer: str, *, refresh: bool = False) -> list[dict[str, Any]]:
        """The issuer's JSON Web Keys (empty when they cannot be had)."""
        ...


class HttpKeySource:
    """An issuer's keys: a Cognito user pool's straight from the ``identity`` port when the
    issuer names one of the emulator's pools, else through ``{issuer}/.well-known/
    openid-configuration``'s ``jwks_uri`` (``{issuer}/.well-known/jwks.json`` when there is no
    discovery document)."""

    def __init__(self, client: httpx.AsyncClient, clock: Clock,
                 ports: Ports | None = None) -> None:
        self._client = client
        self._clock = clock
        self._ports = ports
        self._cache: dict[str, tuple[float, list[dict[str, Any]]]] = {}

    def _pool_keys(self, issuer: str) -> list[dict[str, Any]]:
        if self._ports is None:
            return []
        try:
            identity = cast(IdentityTokens, self._ports.get("identity"))
        except LookupError:
            return []
        found = identity.jwks(issuer.rstrip("/").rsplit("/", 1)[-1])
        keys = (found or {}).get("keys")
        return [k for k in keys if isinstance(k, dict)] if isinstance(keys, list) else []

    async def _json(self, url: str) -> Any:
        try:
            reply = await self._client.get(url, timeout=10.0)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError):
            return None
        if reply.status_code != 200:
            return None
        try:
            return reply.json()
        except ValueError:
            return None

    async def keys(self, issuer: str, *, refresh: bool = False) -> list[dict[str, Any]]:
        cached = self._cache.get(issuer)
        if cached is not None and not refresh and cached[0] > self._clock.now():
            return cached[1]
        pool_keys = self._pool_keys(issuer)
        if pool_keys:
            return pool_keys
        base = issuer.rstrip("/")
        discovery = await self._json(f"{base}/.well-known/openid-configuration")
        uri = discovery.get("jwks_uri") if isinstance(discovery, dict) else None
        document = await self._json(str(uri) if uri else f"{base}/.well-known/jwks.json")
        found = document.get("keys") if isinstance(document, dict) else None
        keys = [k for k in found if isinstance(k, dict)] if isinstance(found, list) else []
        if keys:
            self._cache[issuer] = (self._clock.now() + KEY_TTL, keys)
        return keys

    def forget(self) -> None:
        self._cache.clear()


@dataclass
class JwtResult:
    claims: dict[str, Any]
    scopes: list[str] | None


def _unauthorized(description: str) -> HttpApiError:
    header = f'Bearer scope="" error="invalid_token" error_description="{description}"'
    return HttpApiError(401, headers=[("www-authenticate", header)],
                        log=f"JWT authorizer: {description}")


def token_of(value: str | None) -> str | None:
    if not value:
        return None
    text = value.strip()
    if text[:7].lower() == "bearer ":
        text = text[7:].strip()
    return text or None


def same_issuer(claimed: str, configured: str) -> bool:
    """Whether a token's ``iss`` is the configured issuer. The emulator's pools name
    themselves ``{endpoint}/{userPoolId}`` (an issuer a client can reach), so a configured
    Cognito issuer also matches a token of the same pool under that name; the signature was
    already checked against that pool's key."""
    if claimed == configured:
        return True
    cognito = COGNITO_ISSUER.fullmatch(configured)
    return (cognito is not None and claimed.startswith(("http://", "https://"))
            and claimed.rstrip("/").rsplit("/", 1)[-1] == cognito.group(1))


def _scopes(claims: dict[str, Any]) -> list[str] | None:
    value = claims.get("scope", claims.get("scp"))
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value]
    return None


async def authorize(token: str | None, config: dict[str, Any], route_scopes: list[str],
                    keys: KeySource, now: float) -> JwtResult:
    """The verified claims of ``token``; raises AWS's 401 or 403 when it does not pass."""
    if token is None:
        raise HttpApiError(401, log="JWT authorizer: no token in the identity source")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _unauthorized("the token is malformed") from None
    issuer = str(config.get("Issuer") or "")
    kid = header.get("kid")
    if header.get("alg") not in ALGORITHMS:
        raise _unauthorized("the token's signing algorithm is not supported")
    chosen = None
    for refresh in (False, True):
        chosen = next((k for k in await keys.keys(issuer, refresh=refresh)
                       if k.get("kid") == kid), None)
        if chosen is not None:
            break
    if chosen is None:
        raise _unauthorized("the signing key for the token's kid was not found")
    try:
        key = jwt.PyJWK(chosen).key
        claims: dict[str, Any] = jwt.decode(
            token, key=key, algorithms=ALGORITHMS,
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False,
                     "verify_aud": False, "verify_iss": False})
    except (jwt.PyJWTError, ValueError, TypeError):
        raise _unauthorized("the token signature is invalid") from None
    if not same_issuer(str(claims.get("iss") or ""), issuer):
        raise _unauthorized("the token has an invalid issuer")
    audience = [str(a) for a in config.get("Audience") or []]
    given = claims.get("aud", claims.get("client_id"))
    given_list = given if isinstance(given, list) else [given] if given is not None else []
    if audience and not any(str(a) in audience for a in given_list):
        raise _unauthorized("the token does not have a valid audience")
    for name, late in (("exp", False), ("nbf", True), ("iat", True)):
        value = claims.get(name)
        if value is None:
            if name == "exp":
                raise _unauthorized("the token has no expiry")
            continue
        if not isinstance(value, int | float):
            raise _unauthorized(f"the token has an invalid {name}")
        if (not late and now >= value) or (late and value > now):
            raise _unauthorized("the token has expired" if name == "exp"
                                else f"the token is not valid yet ({name})")
    scopes = _scopes(claims)
    if route_scopes and not set(route_scopes) & set(scopes or []):
        wanted = " ".join(route_scopes)
        header_value = (f'Bearer scope="{wanted}" error="insufficient_scope" '
                        f'error_description="expected scopes: [{wanted}]"')
        raise HttpApiError(403, headers=[("www-authenticate", header_value)],
                           log="JWT authorizer: the token has none of the route's scopes")
    return JwtResult(claims, scopes)


def claims_for_event(claims: dict[str, Any]) -> dict[str, str]:
    """Claims as HTTP APIs pass them on: every value a string (lists and objects as JSON,
    lists of strings in brackets)."""
    out: dict[str, str] = {}
    for key, value in claims.items():
        if isinstance(value, str):
            out[key] = value
        elif isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[key] = "[" + " ".join(value) + "]"
        elif isinstance(value, int | float):
            out[key] = str(value)
        else:
            out[key] = json.dumps(value, separators=(",", ":"))
    return out


__all__ = ["HttpKeySource", "JwtResult", "KeySource", "authorize", "claims_for_event",
           "same_issuer", "token_of"]
