"""The hosted sign-in's OAuth 2.0 flows: the authorization code grant with PKCE and the implicit
grant at {endpoint}/{userPoolId}/oauth2/authorize, the code redeemed once at the token
endpoint, and tokens that carry the scopes asked for, which an HTTP API's JWT authorizer
configured with Cognito's issuer then takes for a route that wants one of them.

https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html
(response_type code or token, redirect_uri among the client's callback URLs, scope, state,
code_challenge with code_challenge_method S256) and
https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
(grant_type authorization_code with code, redirect_uri and code_verifier; the answer has
id_token, access_token, refresh_token, expires_in and token_type; invalid_grant otherwise;
grant_type refresh_token answers new id_token and access_token).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from http_api_support import ECHO, new_function, new_http_api

from emulator.testing import EmulatorHandle

PASSWORD = "Correct-Horse-9"
CALLBACK = "https://app.example.com/callback"


@pytest.fixture(autouse=True, scope="module")
def _forget_pools(emulator: EmulatorHandle) -> Iterator[None]:
    yield
    emulator.reset("cognito-idp")


def _pool(emulator: EmulatorHandle) -> tuple[Any, str, str]:
    idp = emulator.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="hosted", UsernameAttributes=["email"])["UserPool"]["Id"]
    app = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="spa", SupportedIdentityProviders=["COGNITO"],
        CallbackURLs=[CALLBACK], AllowedOAuthFlows=["code", "implicit"],
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["email", "openid", "profile"])["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="dee@example.com", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="dee@example.com", Password=PASSWORD,
                                Permanent=True)
    return idp, pool, app


def _sign_in(emulator: EmulatorHandle, pool: str, query: dict[str, str],
             password: str = PASSWORD) -> httpx.Response:
    url = f"{emulator.endpoint_url}/{pool}/oauth2/authorize"
    page = httpx.get(url, params=query)
    assert page.status_code == 200 and 'name="password"' in page.text, page.text
    action = re.search(r'action="([^"]+)"', page.text)
    assert action is not None
    target = emulator.endpoint_url + action.group(1).replace("&amp;", "&")
    return httpx.post(target, data={"username": "dee@example.com", "password": password})


def test_authorization_code_grant_with_pkce(emulator: EmulatorHandle) -> None:
    _idp, pool, app = _pool(emulator)
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    query = {"response_type": "code", "client_id": app, "redirect_uri": CALLBACK,
             "scope": "openid email", "state": "s-1", "code_challenge": challenge,
             "code_challenge_method": "S256"}
    wrong = _sign_in(emulator, pool, query, password="nope")
    assert wrong.status_code == 400 and "Incorrect username or password." in wrong.text
    signed_in = _sign_in(emulator, pool, query)
    assert signed_in.status_code == 302
    location = urlsplit(signed_in.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    answer = parse_qs(location.query)
    assert answer["state"] == ["s-1"]
    token_url = f"{emulator.endpoint_url}/{pool}/oauth2/token"
    form = {"grant_type": "authorization_code", "client_id": app, "code": answer["code"][0],
            "redirect_uri": CALLBACK, "code_verifier": verifier}
    granted = httpx.post(token_url, data=form)
    assert granted.status_code == 200, granted.text
    body = granted.json()
    assert set(body) == {"id_token", "access_token", "refresh_token", "expires_in",
                         "token_type"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    access = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert set(access["scope"].split()) == {"openid", "email"}
    identity = jwt.decode(body["id_token"], options={"verify_signature": False})
    assert identity["email"] == "dee@example.com" and identity["aud"] == app
    # A code is good once.
    again = httpx.post(token_url, data=form)
    assert again.status_code == 400 and again.json() == {"error": "invalid_grant"}
    # The refresh token gives new ID and access tokens with the same scopes.
    refreshed = httpx.post(token_url, data={"grant_type": "refresh_token", "client_id": app,
                                            "refresh_token": body["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    assert set(refreshed.json()) == {"id_token", "access_token", "expires_in", "token_type"}
    renewed = jwt.decode(refreshed.json()["access_token"], options={"verify_signature": False})
    assert set(renewed["scope"].split()) == {"openid", "email"}
    unknown = httpx.post(token_url, data={"grant_type": "refresh_token", "client_id": app,
                                          "refresh_token": "not-a-token"})
    assert unknown.status_code == 400 and unknown.json() == {"error": "invalid_grant"}
    # An HTTP API route that wants the email scope takes this access token.
    api = new_http_api(emulator)
    authorizer = api.client.create_authorizer(
        ApiId=api.id, Name="cognito", AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": f"https://cognito-idp.us-east-1.amazonaws.com/{pool}",
                          "Audience": [app]})["AuthorizerId"]
    api.route("GET /me", api.lambda_integration(new_function(emulator, ECHO)),
              AuthorizationType="JWT", AuthorizerId=authorizer, AuthorizationScopes=["email"])
    api.stage()
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert api.get("/me", headers=bearer).status_code == 200


def test_pkce_and_redirect_are_checked(emulator: EmulatorHandle) -> None:
    _idp, pool, app = _pool(emulator)
    url = f"{emulator.endpoint_url}/{pool}/oauth2/authorize"
    elsewhere = httpx.get(url, params={"response_type": "code", "client_id": app,
                                       "redirect_uri": "https://evil.example.com/"})
    assert elsewhere.status_code == 400 and "redirect_mismatch" in elsewhere.text
    scoped = httpx.get(url, params={"response_type": "code", "client_id": app,
                                    "redirect_uri": CALLBACK, "scope": "phone"})
    assert scoped.status_code == 302
    assert parse_qs(urlsplit(scoped.headers["location"]).query)["error"] == ["invalid_scope"]
    query = {"response_type": "code", "client_id": app, "redirect_uri": CALLBACK,
             "code_challenge": "c" * 43, "code_challenge_method": "S256"}
    code = parse_qs(urlsplit(_sign_in(emulator, pool, query).headers["location"]).query)
    refused = httpx.post(f"{emulator.endpoint_url}/{pool}/oauth2/token", data={
        "grant_type": "authorization_code", "client_id": app, "code": code["code"][0],
        "redirect_uri": CALLBACK, "code_verifier": "not-the-verifier"})
    assert refused.status_code == 400 and refused.json() == {"error": "invalid_grant"}


def test_implicit_grant_puts_the_tokens_in_the_fragment(emulator: EmulatorHandle) -> None:
    _idp, pool, app = _pool(emulator)
    signed_in = _sign_in(emulator, pool, {"response_type": "token", "client_id": app,
                                          "redirect_uri": CALLBACK, "state": "abc"})
    assert signed_in.status_code == 302
    fragment = parse_qs(urlsplit(signed_in.headers["location"]).fragment)
    assert set(fragment) == {"id_token", "access_token", "expires_in", "token_type", "state"}
    assert fragment["token_type"] == ["Bearer"] and fragment["state"] == ["abc"]
