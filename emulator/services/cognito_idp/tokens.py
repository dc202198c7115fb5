"""RS256 tokens as a user pool issues them, its JSON Web Key Set, and checking a token.

The claims follow what Cognito puts in ID and access tokens; ``exp`` and ``iat`` come from the
emulator's clock, and a token is checked against that clock too, so a test can let one expire.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from emulator import ids
from emulator.ports import TokenRejected

ALGORITHM = "RS256"
ADMIN_SCOPE = "aws.cognito.signin.user.admin"
BOOLEAN_ATTRIBUTES = ("email_verified", "phone_number_verified")


def new_signing_key() -> tuple[str, str]:
    """A fresh RSA key as PEM, and its key id."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    kid = base64.b64encode(hashlib.sha256(public).digest()).decode()
    return pem, kid


@lru_cache(maxsize=256)
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def public_jwk(pem: str, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(_private_key(pem).public_key()))
    return {"alg": ALGORITHM, "e": jwk["e"], "kid": kid, "kty": "RSA", "n": jwk["n"],
            "use": "sig"}


def sign(claims: dict[str, Any], pem: str, kid: str) -> str:
    return jwt.encode(claims, _private_key(pem), algorithm=ALGORITHM,
                      headers={"kid": kid, "typ": None})


def user_claims(attributes: dict[str, str]) -> dict[str, Any]:
    """A user's attributes as ID token claims (the verified flags as booleans)."""
    claims: dict[str, Any] = {}
    for name, value in attributes.items():
        claims[name] = value.lower() == "true" if name in BOOLEAN_ATTRIBUTES else value
    return claims


def id_token_claims(*, sub: str, username: str, attributes: dict[str, str], issuer: str,
                    client_id: str, now: int, auth_time: int, validity: int, origin_jti: str,
                    event_id: str, groups: list[str] | None = None) -> dict[str, Any]:
    grouped = {"cognito:groups": list(groups)} if groups else {}
    return {"sub": sub, **grouped, **user_claims(attributes), "iss": issuer,
            "cognito:username": username,
            "origin_jti": origin_jti, "aud": client_id, "event_id": event_id,
            "token_use": "id", "auth_time": auth_time, "exp": now + validity, "iat": now,
            "jti": ids.uuid4()}


def access_token_claims(*, sub: str, username: str, issuer: str, client_id: str, now: int,
                        auth_time: int, validity: int, origin_jti: str, event_id: str,
                        scope: str = ADMIN_SCOPE, groups: list[str] | None = None
                        ) -> dict[str, Any]:
    grouped = {"cognito:groups": list(groups)} if groups else {}
    return {"sub": sub, **grouped, "iss": issuer, "client_id": client_id,
            "origin_jti": origin_jti,
            "event_id": event_id, "token_use": "access", "scope": scope,
            "auth_time": auth_time, "exp": now + validity, "iat": now, "jti": ids.uuid4(),
            "username": username}


def unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of ``token``, unchecked; raises TokenRejected when unreadable."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise TokenRejected("the token is not a JSON Web Token") from None
    if not isinstance(claims, dict):
        raise TokenRejected("the token has no claims")
    return header, claims


def check(token: str, pem: str, kid: str, now: float) -> dict[str, Any]:
    """The claims of ``token`` when the key signed it and it has not expired at ``now``."""
    header, _claims = unverified(token)
    if header.get("alg") != ALGORITHM or header.get("kid") != kid:
        raise TokenRejected("the token was not signed by this pool's key")
    try:
        claims: dict[str, Any] = jwt.decode(
            token, _private_key(pem).public_key(), algorithms=[ALGORITHM],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False,
                     "verify_aud": False})
    except jwt.PyJWTError:
        raise TokenRejected("the token's signature does not verify") from None
    expires = claims.get("exp")
    if not isinstance(expires, (int, float)) or expires <= now:
        raise TokenRejected("the token has expired", expired=True)
    return claims


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(),
                      hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or ids.hex_token(16)
    digest = hashlib.sha256((salt + password).encode()).hexdigest()
    return f"{salt}${digest}"


def password_matches(password: str, stored: str | None) -> bool:
    if not stored or "$" not in stored:
        return False
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(hash_password(password, salt), stored)


__all__ = [
    "ADMIN_SCOPE",
    "ALGORITHM",
    "access_token_claims",
    "check",
    "hash_password",
    "id_token_claims",
    "new_signing_key",
    "password_matches",
    "public_jwk",
    "secret_hash",
    "sign",
    "unverified",
    "user_claims",
]
