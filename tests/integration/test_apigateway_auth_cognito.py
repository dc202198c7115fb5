"""COGNITO_USER_POOLS authorizers with tokens from the emulator's user pools: an ID token
accepted and its claims passed on, tampered, foreign and expired tokens refused with AWS's
answers, and OAuth scopes checked on access tokens."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from apigateway_auth_support import echo_function
from apigateway_support import Api, lambda_uri, new_api

from emulator.testing import EmulatorHandle


@pytest.fixture(autouse=True, scope="module")
def _forget_apis(emulator: EmulatorHandle) -> Iterator[None]:
    """Leave no APIs, keys, plans or user pools behind for the tests that list them."""
    yield
    emulator.reset("apigateway")
    emulator.reset("cognito-idp")


PASSWORD = "Correct-Horse-9"
CLAIMS = ('{"email": "$context.authorizer.claims.email", '
          '"sub": "$context.authorizer.claims.sub", '
          '"use": "$context.authorizer.claims.token_use"}')


def _sign_in(emulator: EmulatorHandle, name: str = "alice") -> tuple[str, dict[str, str]]:
    client = emulator.client("cognito-idp")
    pool = client.create_user_pool(PoolName="people")["UserPool"]
    app = client.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    client.admin_create_user(UserPoolId=pool["Id"], Username=name, MessageAction="SUPPRESS",
                             UserAttributes=[{"Name": "email",
                                              "Value": f"{name}@example.com"},
                                             {"Name": "email_verified", "Value": "true"}])
    client.admin_set_user_password(UserPoolId=pool["Id"], Username=name, Password=PASSWORD,
                                   Permanent=True)
    result = client.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=app["UserPoolClient"]["ClientId"],
        AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})["AuthenticationResult"]
    return pool["Arn"], result


def _api(emulator: EmulatorHandle, pool_arn: str) -> Api:
    api = new_api(emulator)
    authorizer = api.client.create_authorizer(
        restApiId=api.id, name="people", type="COGNITO_USER_POOLS", providerARNs=[pool_arn],
        identitySource="method.request.header.Authorization")["id"]
    common: dict[str, Any] = {"authorizationType": "COGNITO_USER_POOLS",
                              "authorizerId": authorizer}
    api.mock("/profile", "GET", body=CLAIMS, **common)
    api.mock("/orders", "GET", body=CLAIMS, authorizationScopes=[
        "aws.cognito.signin.user.admin"], **common)
    api.mock("/reports", "GET", body=CLAIMS, authorizationScopes=["reports/read"], **common)
    echo = echo_function(emulator)
    api.method("/echo", "GET", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                "uri": lambda_uri(emulator.region, echo)}, **common)
    api.deploy("dev")
    return api


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["email"] = "mallory@example.com"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def test_an_id_token_is_accepted_and_its_claims_reach_the_integration(
        emulator: EmulatorHandle) -> None:
    pool_arn, tokens = _sign_in(emulator)
    api = _api(emulator, pool_arn)
    reply = api.get("dev", "/profile", headers={"Authorization": tokens["IdToken"]})
    assert reply.status_code == 200
    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    assert reply.json() == {"email": "alice@example.com", "sub": claims["sub"], "use": "id"}
    event = api.get("dev", "/echo", headers={"Authorization": tokens["IdToken"]}).json()
    authorizer = event["requestContext"]["authorizer"]
    assert authorizer["claims"]["cognito:username"] == "alice"
    assert authorizer["claims"]["email_verified"] == "true"  # strings, as on AWS
    assert authorizer["claims"]["exp"].endswith(" UTC " + authorizer["claims"]["exp"][-4:])
    assert authorizer["claims"]["auth_time"] == str(claims["auth_time"])


def test_tampered_foreign_and_missing_tokens_are_unauthorized(
        emulator: EmulatorHandle) -> None:
    pool_arn, tokens = _sign_in(emulator)
    _other_pool, foreign = _sign_in(emulator, "eve")
    api = _api(emulator, pool_arn)
    for token in (_tampered(tokens["IdToken"]), foreign["IdToken"], "not-a-jwt", None):
        headers = {"Authorization": token} if token else {}
        reply = api.get("dev", "/profile", headers=headers)
        assert reply.status_code == 401, token
        assert reply.json() == {"message": "Unauthorized"}
    # A method without scopes wants the ID token, not the access token.
    assert api.get("dev", "/profile", headers={
        "Authorization": tokens["AccessToken"]}).status_code == 401


def test_an_expired_token_is_refused_once_the_clock_passes_exp(
        emulator: EmulatorHandle) -> None:
    pool_arn, tokens = _sign_in(emulator)
    api = _api(emulator, pool_arn)
    headers = {"Authorization": tokens["IdToken"]}
    emulator.clock.advance(3590)
    assert api.get("dev", "/profile", headers=headers).status_code == 200
    emulator.clock.advance(20)
    expired = api.get("dev", "/profile", headers=headers)
    assert expired.status_code == 401
    assert expired.json() == {"message": "The incoming token has expired"}
    emulator.clock.reset()


def test_scopes_need_an_access_token_that_has_one_of_them(emulator: EmulatorHandle) -> None:
    pool_arn, tokens = _sign_in(emulator)
    api = _api(emulator, pool_arn)
    access = {"Authorization": tokens["AccessToken"]}
    ok = api.get("dev", "/orders", headers=access)
    assert ok.status_code == 200 and ok.json()["use"] == "access"
    assert api.get("dev", "/orders", headers={
        "Authorization": tokens["IdToken"]}).status_code == 401
    assert api.get("dev", "/reports", headers=access).status_code == 401
    bearer = api.get("dev", "/orders", headers={"Authorization": "Bearer "
                                                + tokens["AccessToken"]})
    assert bearer.status_code == 200


def test_custom_scopes_from_the_client_credentials_grant(emulator: EmulatorHandle) -> None:
    client = emulator.client("cognito-idp")
    pool = client.create_user_pool(PoolName="machines")["UserPool"]
    client.create_resource_server(UserPoolId=pool["Id"], Identifier="reports", Name="Reports",
                                  Scopes=[{"ScopeName": "read", "ScopeDescription": "read"},
                                          {"ScopeName": "admin", "ScopeDescription": "all"}])
    app = client.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName="batch", GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["reports/read", "reports/admin"])["UserPoolClient"]

    def token(scope: str) -> str:
        reply = httpx.post(f"{emulator.endpoint_url}/{pool['Id']}/oauth2/token",
                           auth=(app["ClientId"], app["ClientSecret"]),
                           data={"grant_type": "client_credentials", "scope": scope})
        return str(reply.json()["access_token"])

    api = _api(emulator, pool["Arn"])
    assert api.get("dev", "/reports", headers={
        "Authorization": token("reports/read")}).status_code == 200
    refused = api.get("dev", "/reports", headers={"Authorization": token("reports/admin")})
    assert refused.status_code == 401 and refused.json() == {"message": "Unauthorized"}
