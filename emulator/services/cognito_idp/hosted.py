"""The hosted sign-in's OAuth 2.0 flows: the authorization code grant (with PKCE) and the
implicit grant, so a browser app or a test signs in as with Cognito's managed login and gets
tokens that carry the scopes it asked for (``openid email profile``), not only
``aws.cognito.signin.user.admin``.

``{endpoint}/{userPoolId}/oauth2/authorize`` checks the app client, its callback URL, flows and
scopes, and shows a sign-in form; the form posts back to the same URL, and a good password
redirects to the callback with ``?code=...&state=...`` (or, for ``response_type=token``, with
the tokens in the fragment). The token endpoint exchanges the code once, within five minutes.
Errors on the way are OAuth's codes (``redirect_mismatch``, ``invalid_grant``, ...).

The token endpoint also takes ``grant_type=refresh_token``: new ID and access tokens with the
scopes of the sign-in the refresh token came from.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import urlencode

from emulator import ids
from emulator.context import RequestContext
from emulator.errors import ServiceError
from emulator.services.base import TableOf
from emulator.services.cognito_idp import tokens
from emulator.services.cognito_idp.auth import AuthApi
from emulator.services.cognito_idp.models import ClientRecord, UserPoolRecord
from emulator.services.cognito_idp.oauth import OAuthAnswer, OAuthApi, client_credentials
from emulator.store import Record

CODES = "authorization-codes"  # key: the code
CODE_LIFETIME = 300.0  # Cognito's authorization codes are good for five minutes


class AuthorizationCodeRecord(Record):
    pool_id: str
    client_id: str
    username: str
    redirect_uri: str
    scopes: list[str]
    challenge: str | None = None
    challenge_method: str | None = None
    expires: float = 0.0


class Authorization:
    """A checked ``/oauth2/authorize`` request: the client, callback and granted scopes."""

    def __init__(self, account: str, region: str, pool: UserPoolRecord, client: ClientRecord,
                 query: dict[str, str], scopes: list[str]) -> None:
        self.account, self.region, self.pool, self.client = account, region, pool, client
        self.query, self.scopes = query, scopes

    @property
    def redirect_uri(self) -> str:
        return self.query["redirect_uri"]

    def redirect(self, values: dict[str, str], fragment: bool = False) -> str:
        if self.query.get("state"):
            values = {**values, "state": self.query["state"]}
        separator = "#" if fragment else ("&" if "?" in self.redirect_uri else "?")
        return f"{self.redirect_uri}{separator}{urlencode(values)}"


class HostedUiApi(AuthApi, OAuthApi):
    codes = TableOf(CODES, AuthorizationCodeRecord)

    def authorization(self, pool_id: str, query: dict[str, str]) -> Authorization | str:
        """The checked request, or the OAuth error code to show instead."""
        located = self.locate_pool(pool_id)
        if located is None:
            return "invalid_request"
        account, region, pool = located
        client = self.clients(account, region).get(query.get("client_id", ""))
        if client is None or client.client.get("UserPoolId") != pool_id:
            return "invalid_client"
        doc = client.client
        if query.get("redirect_uri") not in (doc.get("CallbackURLs") or []):
            return "redirect_mismatch"
        response_type = query.get("response_type", "")
        flow = {"code": "code", "token": "implicit"}.get(response_type)
        if flow is None:
            return "unsupported_response_type"
        if flow not in (doc.get("AllowedOAuthFlows") or []) or \
                not doc.get("AllowedOAuthFlowsUserPoolClient") or \
                "COGNITO" not in (doc.get("SupportedIdentityProviders") or []):
            return "unauthorized_client"
        allowed = list(doc.get("AllowedOAuthScopes") or [])
        requested = query.get("scope", "").split() or allowed
        if not requested or any(scope not in allowed for scope in requested):
            return "invalid_scope"
        method = query.get("code_challenge_method")
        if query.get("code_challenge") and method not in ("S256", None):
            return "invalid_request"
        return Authorization(account, region, pool, client, query, requested)

    async def sign_in(self, auth: Authorization, username: str, password: str,
                      endpoint: str) -> str:
        """Where the browser goes after a good password; raises NotAuthorizedException (or
        UserNotConfirmedException) for the form to show."""
        user = self._known_user(auth.account, auth.region, auth.pool, auth.client, username)
        if not tokens.password_matches(password, user.password_hash):
            raise ServiceError("NotAuthorizedException", "Incorrect username or password.")
        if user.status == "UNCONFIRMED":
            raise ServiceError("UserNotConfirmedException", "User is not confirmed.")
        if auth.query["response_type"] == "token":
            issued = await self._issue(auth.account, auth.region, auth.pool, auth.client,
                                       user.username, auth.scopes, endpoint, refresh=False)
            return auth.redirect({k: str(v) for k, v in issued.items()}, fragment=True)
        code = ids.uuid4()
        self.codes(auth.account, auth.region).put(code, AuthorizationCodeRecord(
            pool_id=auth.pool.pool["Id"], client_id=auth.client.client["ClientId"],
            username=user.username, redirect_uri=auth.redirect_uri, scopes=auth.scopes,
            challenge=auth.query.get("code_challenge"),
            challenge_method=auth.query.get("code_challenge_method") or "plain",
            expires=self.clock.now() + CODE_LIFETIME))
        return auth.redirect({"code": code})

    async def _issue(self, account: str, region: str, pool: UserPoolRecord,
                     client: ClientRecord, username: str, scopes: list[str], endpoint: str, *,
                     refresh: bool) -> dict[str, Any]:
        """The token endpoint's names for the tokens of a hosted sign-in: an ID token only
        when ``openid`` was granted, the access token with the granted scopes."""
        user = self.find_user(account, region, pool, username)
        if user is None:
            raise ServiceError("UserNotFoundException", "User does not exist.")
        ctx = RequestContext.internal(account, region, endpoint_url=endpoint)
        issued = (await self._tokens(ctx, account, region, pool, client, user,
                                     refresh=refresh, scope=" ".join(scopes),
                                     source="TokenGeneration_HostedAuth")
                  )["AuthenticationResult"]
        answer: dict[str, Any] = {"access_token": issued["AccessToken"]}
        if "openid" in scopes:
            answer["id_token"] = issued["IdToken"]
        if refresh:
            answer["refresh_token"] = issued["RefreshToken"]
        answer.update({"expires_in": issued["ExpiresIn"], "token_type": "Bearer"})
        return answer

    async def token_endpoint(self, pool_id: str, form: dict[str, str],
                             authorization: str | None, endpoint: str) -> OAuthAnswer:
        """The token endpoint's answer to any grant it takes."""
        grant = form.get("grant_type")
        if grant not in ("authorization_code", "refresh_token"):
            return self.oauth_token(pool_id, form, authorization, endpoint)
        located = self.locate_pool(pool_id)
        if located is None:
            return 400, {"error": "invalid_request"}
        account, region, pool = located
        client_id, secret = client_credentials(form, authorization)
        client = self.clients(account, region).get(client_id)
        if client is None or client.client.get("UserPoolId") != pool_id:
            return 400, {"error": "invalid_client"}
        expected = client.client.get("ClientSecret")
        if expected and not hmac.compare_digest(expected, secret or ""):
            return 400, {"error": "invalid_client"}
        if grant == "refresh_token":
            return await self._refresh_grant(account, region, pool, client, form, endpoint)
        table = self.codes(account, region)
        record = table.get(form.get("code", ""))
        if record is None or record.client_id != client_id or \
                record.expires <= self.clock.now():
            return 400, {"error": "invalid_grant"}
        table.delete(form.get("code", ""))  # a code is good once
        if form.get("redirect_uri") != record.redirect_uri or \
                not _verifier_matches(record, form.get("code_verifier")):
            return 400, {"error": "invalid_grant"}
        return 200, await self._issue(account, region, pool, client, record.username,
                                      record.scopes, endpoint, refresh=True)


    async def _refresh_grant(self, account: str, region: str, pool: UserPoolRecord,
                             client: ClientRecord, form: dict[str, str], endpoint: str
                             ) -> OAuthAnswer:
        """New ID and access tokens for a refresh token (no new refresh token)."""
        try:
            record, user = self._refreshed(account, region, pool, client,
                                           form.get("refresh_token", ""))
        except ServiceError:
            return 400, {"error": "invalid_grant"}
        ctx = RequestContext.internal(account, region, endpoint_url=endpoint)
        issued = (await self._tokens(ctx, account, region, pool, client, user, refresh=False,
                                     origin_jti=record.origin_jti,
                                     auth_time=record.auth_time,
                                     scope=record.scope or tokens.ADMIN_SCOPE,
                                     source="TokenGeneration_RefreshTokens")
                  )["AuthenticationResult"]
        return 200, {"id_token": issued["IdToken"], "access_token": issued["AccessToken"],
                     "expires_in": issued["ExpiresIn"], "token_type": "Bearer"}


def _verifier_matches(record: AuthorizationCodeRecord, verifier: str | None) -> bool:
    """PKCE (RFC 7636): the code verifier hashes to the challenge given with the request."""
    if record.challenge is None:
        return True
    if not verifier:
        return False
    if record.challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        computed = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    else:
        computed = verifier
    return hmac.compare_digest(computed, record.challenge)


__all__ = ["Authorization", "HostedUiApi"]
