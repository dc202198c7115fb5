"""Signing in: InitiateAuth and AdminInitiateAuth with a password, SRP (USER_SRP_AUTH and its
PASSWORD_VERIFIER challenge) or a refresh token, the NEW_PASSWORD_REQUIRED challenge, and
the ID, access and refresh tokens they hand out.

Tokens name their issuer ``{endpoint}/{userPoolId}``, where the endpoint is the address the
caller reached the emulator at, so the issuer's JWKS URL works from the caller's side.
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from emulator import ids
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.cognito_idp import srp, tokens
from emulator.services.cognito_idp.common import invalid, not_authorized
from emulator.services.cognito_idp.models import (
    ClientRecord,
    RefreshTokenRecord,
    SessionRecord,
    UserPoolRecord,
    UserRecord,
)
from emulator.services.cognito_idp.pools import token_validity
from emulator.services.cognito_idp.triggers import TriggersApi, token_overrides
from emulator.services.cognito_idp.users import check_password, set_password

PASSWORD_FLOWS = {"USER_PASSWORD_AUTH": ("ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH")}
ADMIN_PASSWORD_FLOWS = {"ADMIN_USER_PASSWORD_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                                     "ADMIN_NO_SRP_AUTH"),
                        "ADMIN_NO_SRP_AUTH": ("ALLOW_ADMIN_USER_PASSWORD_AUTH",
                                              "ADMIN_NO_SRP_AUTH")}
REFRESH_FLOWS = ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN")
SRP_FLOW = "USER_SRP_AUTH"


def _required(parameters: dict[str, str], *names: str) -> list[str]:
    """The named parameters, in order; Cognito's error for the first one missing."""
    for name in names:
        if not parameters.get(name):
            raise invalid(f"Missing required parameter {name}")
    return [parameters[name] for name in names]


def _opaque(parts: int = 5) -> str:
    """An opaque token shaped like Cognito's encrypted ones."""
    header = base64.urlsafe_b64encode(
        b'{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}').decode().rstrip("=")
    return ".".join([header, *(base64.urlsafe_b64encode(secrets.token_bytes(48)).decode()
                               .rstrip("=") for _ in range(parts - 1))])


class AuthApi(TriggersApi):
    # -- tokens -----------------------------------------------------------------------------

    async def _tokens(self, ctx: RequestContext, account: str, region: str,
                      pool: UserPoolRecord, client: ClientRecord, user: UserRecord, *,
                      refresh: bool = True, origin_jti: str | None = None,
                      auth_time: int | None = None, scope: str = tokens.ADMIN_SCOPE,
                      source: str = "TokenGeneration_Authentication") -> dict[str, Any]:
        now = int(self.clock.now())
        issuer = f"{ctx.endpoint_url.rstrip('/')}/{pool.pool['Id']}"
        client_doc = client.client
        origin = origin_jti or ids.uuid4()
        auth = auth_time or now
        event_id = ids.uuid4()
        access_life = token_validity(client_doc, "AccessToken")
        id_claims = tokens.id_token_claims(
            sub=user.sub, username=user.username, attributes=user.attributes, issuer=issuer,
            client_id=client_doc["ClientId"], now=now, auth_time=auth,
            validity=token_validity(client_doc, "IdToken"), origin_jti=origin,
            event_id=event_id, groups=user.groups)
        access_claims = tokens.access_token_claims(
            sub=user.sub, username=user.username, issuer=issuer,
            client_id=client_doc["ClientId"], now=now, auth_time=auth, validity=access_life,
            origin_jti=origin, event_id=event_id, groups=user.groups, scope=scope)
        id_claims, access_claims = await token_overrides(
            self, account, region, pool, client, user, source, id_claims, access_claims)
        result: dict[str, Any] = {
            "AccessToken": tokens.sign(access_claims, pool.private_key, pool.kid),
            "ExpiresIn": access_life, "TokenType": "Bearer",
            "IdToken": tokens.sign(id_claims, pool.private_key, pool.kid)}
        if refresh:
            token = _opaque()
            self.refresh_tokens(account, region).put(token, RefreshTokenRecord(
                pool_id=pool.pool["Id"], client_id=client_doc["ClientId"],
                username=user.username, origin_jti=origin, auth_time=auth,
                expires=now + token_validity(client_doc, "RefreshToken"),
                scope=None if scope == tokens.ADMIN_SCOPE else scope))
            result["RefreshToken"] = token
        return {"ChallengeParameters": {}, "AuthenticationResult": result}

    # -- flows ------------------------------------------------------------------------------

    @staticmethod
    def _allowed(client: ClientRecord, names: tuple[str, ...]) -> bool:
        return any(name in (client.client.get("ExplicitAuthFlows") or []) for name in names)

    async def _password(self, ctx: RequestContext, account: str, region: str, pool: UserPoolRecord,
                  client: ClientRecord, parameters: dict[str, str]) -> dict[str, Any]:
        username, password = _required(parameters, "USERNAME", "PASSWORD")
        self.check_secret_hash(client, username, parameters.get("SECRET_HASH"))
        user = self._known_user(account, region, pool, client, username)
        if not tokens.password_matches(password, user.password_hash):
            raise not_authorized()
        return await self._signed_in(ctx, account, region, pool, client, user)

    async def _signed_in(self, ctx: RequestContext, account: str, region: str,
                   pool: UserPoolRecord, client: ClientRecord, user: UserRecord
                   ) -> dict[str, Any]:
        """The answer to a proven password: tokens, or the challenge the user still owes."""
        if user.status == "UNCONFIRMED":
            raise ServiceError("UserNotConfirmedException", "User is not confirmed.")
        if user.status == "FORCE_CHANGE_PASSWORD":
            session = _opaque(3)
            self.sessions(account, region).put(session, SessionRecord(
                pool_id=pool.pool["Id"], client_id=client.client["ClientId"],
                username=user.username, challenge="NEW_PASSWORD_REQUIRED",
                expires=self.clock.now() + 60 * int(client.client.get(
                    "AuthSessionValidity") or 3)))
            shown = {k: v for k, v in user.attributes.items() if not k.endswith("_verified")}
            return {"ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": session,
                    "ChallengeParameters": {"USER_ID_FOR_SRP": user.username,
                                            "requiredAttributes": "[]",
                                            "userAttributes": json.dumps(shown)}}
        return await self._tokens(ctx, account, region, pool, client, user)

    def _known_user(self, account: str, region: str, pool: UserPoolRecord,
                    client: ClientRecord, username: str) -> UserRecord:
        user = self.find_user(account, region, pool, username)
        if user is None:
            if client.client.get("PreventUserExistenceErrors") == "ENABLED":
                raise not_authorized()
            raise ServiceError("UserNotFoundException", "User does not exist.")
        if not user.enabled:
            raise not_authorized("User is disabled.")
        return user

    def _srp_start(self, account: str, region: str, pool: UserPoolRecord,
                   client: ClientRecord, parameters: dict[str, str]) -> dict[str, Any]:
        """USER_SRP_AUTH's first step: the PASSWORD_VERIFIER challenge for the client's A."""
        username, big_a = _required(parameters, "USERNAME", "SRP_A")
        if not srp.valid_a(big_a):
            raise invalid("Invalid SRP_A value.")
        self.check_secret_hash(client, username, parameters.get("SECRET_HASH"))
        user = self._known_user(account, region, pool, client, username)
        if not user.srp_salt or not user.srp_verifier:
            raise not_authorized()
        secret_b, big_b = srp.server_values(user.srp_verifier)
        block = base64.b64encode(secrets.token_bytes(512)).decode()
        self.sessions(account, region).put(block, SessionRecord(
            pool_id=pool.pool["Id"], client_id=client.client["ClientId"],
            username=user.username, challenge="PASSWORD_VERIFIER",
            expires=self.clock.now() + 60 * int(client.client.get("AuthSessionValidity") or 3),
            srp={"A": big_a, "b": secret_b, "B": big_b}))
        return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {
            "SALT": user.srp_salt, "SECRET_BLOCK": block, "SRP_B": big_b,
            "USERNAME": user.username, "USER_ID_FOR_SRP": user.username}}

    async def _password_verifier(self, ctx: RequestContext, account: str, region: str,
                           client: ClientRecord, responses: dict[str, str]
                           ) -> dict[str, Any]:
        """USER_SRP_AUTH's second step: the client's proof of the password."""
        signature, block, timestamp = _required(
            responses, "PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP")
        sessions = self.sessions(account, region)
        record = sessions.get(block)
        if record is None or record.challenge != "PASSWORD_VERIFIER" or \
                record.client_id != client.client["ClientId"] or \
                record.expires <= self.clock.now():
            raise not_authorized("Invalid session for the user, session is expired.")
        sessions.delete(block)  # one proof per challenge
        pool = self._pool_for(client)
        user = self._known_user(account, region, pool, client, record.username)
        self.check_secret_hash(client, responses.get("USERNAME") or user.username,
                               responses.get("SECRET_HASH"))
        if not user.srp_verifier or not srp.signature_matches(
                pool_id=pool.pool["Id"], user_id=record.username, secret_block=block,
                timestamp=timestamp, signature=signature, a_hex=record.srp["A"],
                b_hex=record.srp["b"], big_b_hex=record.srp["B"],
                verifier_hex=user.srp_verifier):
            raise not_authorized()
        return await self._signed_in(ctx, account, region, pool, client, user)

    async def _refresh(self, ctx: RequestContext, account: str, region: str, pool: UserPoolRecord,
                 client: ClientRecord, parameters: dict[str, str]) -> dict[str, Any]:
        [token] = _required(parameters, "REFRESH_TOKEN")
        record, user = self._refreshed(account, region, pool, client, token)
        if client.client.get("ClientSecret"):
            self.check_secret_hash(client, parameters.get("USERNAME") or user.username,
                                   parameters.get("SECRET_HASH"))
        return await self._tokens(ctx, account, region, pool, client, user, refresh=False,
                                  origin_jti=record.origin_jti, auth_time=record.auth_time,
                                  scope=record.scope or tokens.ADMIN_SCOPE,
                                  source="TokenGeneration_RefreshTokens")

    def _refreshed(self, account: str, region: str, pool: UserPoolRecord,
                   client: ClientRecord, token: str) -> tuple[RefreshTokenRecord, UserRecord]:
        """The session a refresh token continues, and its user; NotAuthorizedException when
        the token is unknown, another client's, expired, or its user gone or disabled."""
        record = self.refresh_tokens(account, region).get(token)
        if record is None or record.client_id != client.client["ClientId"]:
            raise not_authorized("Invalid Refresh Token")
        if record.expires <= self.clock.now():
            raise not_authorized("Refresh Token has expired")
        user = self.find_user(account, region, pool, record.username)
        if user is None or not user.enabled:
            raise not_authorized("Invalid Refresh Token" if user is None
                                 else "User is disabled.")
        return record, user

    def _pool_for(self, client: ClientRecord) -> UserPoolRecord:
        located = self.locate_pool(client.client["UserPoolId"])
        if located is None:
            raise ServiceError("ResourceNotFoundException",
                               f"User pool {client.client['UserPoolId']} does not exist.")
        return located[2]

    async def initiate_auth(self, ctx: RequestContext, *, auth_flow: str, client_id: str,
                      auth_parameters: dict[str, str] | None = None, **_: Any
                      ) -> dict[str, Any]:
        account, region, client = self.locate_client(client_id)
        pool = self._pool_for(client)
        parameters = auth_parameters or {}
        if auth_flow in PASSWORD_FLOWS:
            if not self._allowed(client, PASSWORD_FLOWS[auth_flow]):
                raise invalid("USER_PASSWORD_AUTH flow not enabled for this client")
            return await self._password(ctx, account, region, pool, client, parameters)
        if auth_flow == SRP_FLOW:
            if not self._allowed(client, ("ALLOW_USER_SRP_AUTH",)):
                raise invalid("USER_SRP_AUTH flow not enabled for this client")
            return self._srp_start(account, region, pool, client, parameters)
        if auth_flow in REFRESH_FLOWS:
            return await self._refresh(ctx, account, region, pool, client, parameters)
        raise invalid("Initiate Auth method not supported.")

    async def admin_initiate_auth(self, ctx: RequestContext, *, user_pool_id: str, client_id: str,
                            auth_flow: str, auth_parameters: dict[str, str] | None = None,
                            **_: Any) -> dict[str, Any]:
        pool = self.pool_of(ctx, user_pool_id)
        client = self.client_of(ctx, user_pool_id, client_id)
        parameters = auth_parameters or {}
        if auth_flow in ADMIN_PASSWORD_FLOWS:
            if not self._allowed(client, ADMIN_PASSWORD_FLOWS[auth_flow]):
                raise invalid("Auth flow not enabled for this client")
            return await self._password(ctx, ctx.account_id, ctx.region, pool, client, parameters)
        if auth_flow == SRP_FLOW:
            if not self._allowed(client, ("ALLOW_USER_SRP_AUTH",)):
                raise invalid("Auth flow not enabled for this client")
            return self._srp_start(ctx.account_id, ctx.region, pool, client, parameters)
        if auth_flow in REFRESH_FLOWS:
            return await self._refresh(ctx, ctx.account_id, ctx.region, pool, client, parameters)
        raise invalid("Initiate Auth method not supported.")

    # -- challenges -------------------------------------------------------------------------

    async def _respond(self, ctx: RequestContext, account: str, region: str, client: ClientRecord,
                 challenge_name: str, session: str | None,
                 responses: dict[str, str]) -> dict[str, Any]:
        if challenge_name == "PASSWORD_VERIFIER":
            return await self._password_verifier(ctx, account, region, client, responses)
        record = self.sessions(account, region).get(session or "")
        if record is None or record.client_id != client.client["ClientId"] or \
                record.expires <= self.clock.now():
            raise not_authorized("Invalid session for the user, session is expired.")
        if challenge_name != record.challenge:
            raise invalid(f"Incorrect challenge name: expected {record.challenge}")
        pool = self._pool_for(client)
        user = self.find_user(account, region, pool, record.username)
        if user is None:
            raise ServiceError("UserNotFoundException", "User does not exist.")
        self.check_secret_hash(client, responses.get("USERNAME") or user.username,
                               responses.get("SECRET_HASH"))
        new_password = responses.get("NEW_PASSWORD")
        if not new_password:
            raise invalid("Missing required parameter NEW_PASSWORD")
        check_password(pool, new_password)
        set_password(user, new_password)
        user.status = "CONFIRMED"
        for key, value in responses.items():
            if key.startswith("userAttributes."):
                user.attributes[key.removeprefix("userAttributes.")] = value
        self.save_user(account, region, user)
        self.sessions(account, region).delete(session or "")
        return await self._tokens(ctx, account, region, pool, client, user,
                                  source="TokenGeneration_NewPasswordChallenge")

    async def respond_to_auth_challenge(self, ctx: RequestContext, *, client_id: str,
                                  challenge_name: str, session: str | None = None,
                                  challenge_responses: dict[str, str] | None = None,
                                  **_: Any) -> dict[str, Any]:
        account, region, client = self.locate_client(client_id)
        return await self._respond(ctx, account, region, client, challenge_name, session,
                             challenge_responses or {})

    async def admin_respond_to_auth_challenge(self, ctx: RequestContext, *, user_pool_id: str,
                                        client_id: str, challenge_name: str,
                                        session: str | None = None,
                                        challenge_responses: dict[str, str] | None = None,
                                        **_: Any) -> dict[str, Any]:
        client = self.client_of(ctx, user_pool_id, client_id)
        return await self._respond(ctx, ctx.account_id, ctx.region, client, challenge_name,
                             session, challenge_responses or {})


__all__ = ["AuthApi"]
