"""Cognito user pools through boto3: pools and app clients, users created by an administrator
or signed up and confirmed, sign-in with a password, the NEW_PASSWORD_REQUIRED challenge,
refresh tokens, and RS256 tokens verified against the pool's JWKS at its issuer URL."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from client_errors import code_and_message as _error

from emulator.testing import EmulatorHandle

PASSWORD = "Correct-Horse-9"


@pytest.fixture(autouse=True, scope="module")
def _forget_pools(emulator: EmulatorHandle) -> Iterator[None]:
    """Leave no user pools behind for the tests that list them."""
    yield
    emulator.reset("cognito-idp")


def _pool(emulator: EmulatorHandle, **options: Any) -> tuple[Any, str, str]:
    client = emulator.client("cognito-idp")
    pool = client.create_user_pool(PoolName="users", **options)["UserPool"]
    app = client.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
                           "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]
    return client, pool["Id"], app["ClientId"]


def _user(client: Any, pool_id: str, name: str = "alice", **attributes: str) -> None:
    client.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS",
                             UserAttributes=[{"Name": k, "Value": v}
                                             for k, v in attributes.items()])
    client.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=PASSWORD,
                                   Permanent=True)


def _code(emulator: EmulatorHandle, pool_id: str, username: str) -> str:
    # The listing loads every service on first use: slow on a busy machine.
    listing = httpx.get(f"{emulator.endpoint_url}/_emulator/resources", timeout=60).json()
    pool = next(p for p in listing["cognito-idp"]["user_pools"] if p["id"] == pool_id)
    return str(next(u for u in pool["users"] if u["username"] == username)[
        "confirmation_code"])


def test_pools_and_clients_are_described_listed_and_deleted(emulator: EmulatorHandle) -> None:
    client, pool_id, client_id = _pool(emulator)
    assert pool_id.startswith(f"{emulator.region}_")
    described = client.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert described["Name"] == "users"
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    assert described["Arn"].endswith(f":userpool/{pool_id}")
    assert pool_id in [p["Id"] for p in client.list_user_pools(MaxResults=60)["UserPools"]]
    app = client.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert app["UserPoolClient"]["ClientName"] == "web"
    listed = client.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"]
    assert [c["ClientId"] for c in listed] == [client_id]
    client.delete_user_pool(UserPoolId=pool_id)
    code, message = _error(client.describe_user_pool, UserPoolId=pool_id)
    assert code == "ResourceNotFoundException"
    assert message == f"User pool {pool_id} does not exist."


def test_password_sign_in_gives_rs256_tokens_that_verify_with_the_jwks(
        emulator: EmulatorHandle) -> None:
    client, pool_id, client_id = _pool(emulator)
    _user(client, pool_id, email="alice@example.com", email_verified="true")
    result = client.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id,
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})["AuthenticationResult"]
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600
    issuer = f"{emulator.endpoint_url}/{pool_id}"
    keys = httpx.get(f"{issuer}/.well-known/jwks.json").json()["keys"]
    assert keys[0]["alg"] == "RS256" and keys[0]["kty"] == "RSA" and keys[0]["use"] == "sig"
    header = jwt.get_unverified_header(result["IdToken"])
    assert header == {"kid": keys[0]["kid"], "alg": "RS256"}
    public = jwt.PyJWK(keys[0]).key
    identity = jwt.decode(result["IdToken"], public, algorithms=["RS256"], audience=client_id,
                          issuer=issuer, options={"verify_exp": False, "verify_iat": False})
    assert identity["token_use"] == "id" and identity["cognito:username"] == "alice"
    assert identity["email"] == "alice@example.com" and identity["email_verified"] is True
    assert identity["exp"] - identity["iat"] == 3600
    for claim in ("sub", "auth_time", "event_id", "origin_jti", "jti"):
        assert claim in identity, claim
    access = jwt.decode(result["AccessToken"], public, algorithms=["RS256"], issuer=issuer,
                        options={"verify_exp": False, "verify_iat": False})
    assert access["token_use"] == "access" and access["client_id"] == client_id
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert access["username"] == "alice" and access["sub"] == identity["sub"]
    openid = httpx.get(f"{issuer}/.well-known/openid-configuration").json()
    assert openid["issuer"] == issuer
    assert openid["jwks_uri"] == f"{issuer}/.well-known/jwks.json"
    me = client.get_user(AccessToken=result["AccessToken"])
    assert me["Username"] == "alice"


def test_wrong_password_unknown_user_and_disabled_flows(emulator: EmulatorHandle) -> None:
    client, pool_id, client_id = _pool(emulator)
    _user(client, pool_id)
    assert _error(client.initiate_auth, AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id,
                  AuthParameters={"USERNAME": "alice", "PASSWORD": "Wrong-Pass-1"}) == (
        "NotAuthorizedException", "Incorrect username or password.")
    assert _error(client.initiate_auth, AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id,
                  AuthParameters={"USERNAME": "nobody", "PASSWORD": PASSWORD}) == (
        "UserNotFoundException", "User does not exist.")
    plain = client.create_user_pool_client(UserPoolId=pool_id, ClientName="srp-only")
    assert _error(client.initiate_auth, AuthFlow="USER_PASSWORD_AUTH",
                  ClientId=plain["UserPoolClient"]["ClientId"],
                  AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD}) == (
        "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
    assert _error(client.admin_set_user_password, UserPoolId=pool_id, Username="alice",
                  Password="short", Permanent=True)[0] == "InvalidPasswordException"
    code, _ = _error(client.initiate_auth, AuthFlow="USER_PASSWORD_AUTH",
                     ClientId="nosuchclient", AuthParameters={"USERNAME": "a", "PASSWORD": "b"})
    assert code == "ResourceNotFoundException"


def test_sign_up_then_confirm_with_the_code(emulator: EmulatorHandle) -> None:
    client, pool_id, client_id = _pool(emulator, AutoVerifiedAttributes=["email"])
    signed = client.sign_up(ClientId=client_id, Username="bob", Password=PASSWORD,
                            UserAttributes=[{"Name": "email", "Value": "bob@example.com"}])
    assert signed["UserConfirmed"] is False
    assert signed["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert _error(client.initiate_auth, AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id,
                  AuthParameters={"USERNAME": "bob", "PASSWORD": PASSWORD}) == (
        "UserNotConfirmedException", "User is not confirmed.")
    assert _error(client.confirm_sign_up, ClientId=client_id, Username="bob",
                  ConfirmationCode="000000x")[0] == "CodeMismatchException"
    client.confirm_sign_up(ClientId=client_id, Username="bob",
                           ConfirmationCode=_code(emulator, pool_id, "bob"))
    user = client.admin_get_user(UserPoolId=pool_id, Username="bob")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    assert {"Name": "sub", "Value": signed["UserSub"]} in user["UserAttributes"]
    assert _error(client.sign_up, ClientId=client_id, Username="bob", Password=PASSWORD) == (
        "UsernameExistsException", "User already exists")
    tokens = client.initiate_auth(AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id,
                                  AuthParameters={"USERNAME": "bob", "PASSWORD": PASSWORD})
    assert "IdToken" in tokens["AuthenticationResult"]


def test_admin_created_user_answers_the_new_password_challenge(
        emulator: EmulatorHandle) -> None:
    client, pool_id, client_id = _pool(emulator)
    client.admin_create_user(UserPoolId=pool_id, Username="carol",
                             TemporaryPassword="Temp-Pass-1", MessageAction="SUPPRESS")
    started = client.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "carol", "PASSWORD": "Temp-Pass-1"})
    assert started["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert started["ChallengeParameters"]["USER_ID_FOR_SRP"] == "carol"
    done = client.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=started["Session"],
        ChallengeResponses={"USERNAME": "carol", "NEW_PASSWORD": PASSWORD})
    assert "AccessToken" in done["AuthenticationResult"]
    assert client.admin_get_user(UserPoolId=pool_id, Username="carol")[
        "UserStatus"] == "CONFIRMED"


def test_refresh_tokens_give_new_tokens_until_they_expire(emulator: EmulatorHandle) -> None:
    client, pool_id, client_id = _pool(emulator)
    _user(client, pool_id)
    first = client.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})["AuthenticationResult"]
    refreshed = client.initiate_auth(
        AuthFlow="REFRESH_TOKEN_AUTH", ClientId=client_id,
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})["AuthenticationResult"]
    assert "RefreshToken" not in refreshed and refreshed["IdToken"] != first["IdToken"]
    old = jwt.decode(first["IdToken"], options={"verify_signature": False})
    new = jwt.decode(refreshed["IdToken"], options={"verify_signature": False})
    assert new["origin_jti"] == old["origin_jti"] and new["auth_time"] == old["auth_time"]
    assert _error(client.initiate_auth, AuthFlow="REFRESH_TOKEN_AUTH", ClientId=client_id,
                  AuthParameters={"REFRESH_TOKEN": "not-a-token"}) == (
        "NotAuthorizedException", "Invalid Refresh Token")
    emulator.clock.advance(31 * 86400)
    assert _error(client.initiate_auth, AuthFlow="REFRESH_TOKEN", ClientId=client_id,
                  AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]}) == (
        "NotAuthorizedException", "Refresh Token has expired")
    emulator.clock.reset()


def test_clients_with_a_secret_need_the_secret_hash(emulator: EmulatorHandle) -> None:
    client, pool_id, _ = _pool(emulator)
    _user(client, pool_id)
    app = client.create_user_pool_client(UserPoolId=pool_id, ClientName="server",
                                         GenerateSecret=True,
                                         ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    client_id, secret = app["UserPoolClient"]["ClientId"], app["UserPoolClient"][
        "ClientSecret"]
    code, message = _error(client.initiate_auth, AuthFlow="USER_PASSWORD_AUTH",
                           ClientId=client_id,
                           AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})
    assert code == "NotAuthorizedException" and "SECRET_HASH was not received" in message
    digest = hmac.new(secret.encode(), ("alice" + client_id).encode(), hashlib.sha256)
    result = client.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id,
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD,
                        "SECRET_HASH": base64.b64encode(digest.digest()).decode()})
    assert "IdToken" in result["AuthenticationResult"]


def test_email_as_user_name_and_list_users_filter(emulator: EmulatorHandle) -> None:
    client, pool_id, client_id = _pool(emulator, UsernameAttributes=["email"])
    created = client.admin_create_user(
        UserPoolId=pool_id, Username="dana@example.com", MessageAction="SUPPRESS")["User"]
    assert created["Username"] != "dana@example.com"  # the user name is the sub
    client.admin_set_user_password(UserPoolId=pool_id, Username="dana@example.com",
                                   Password=PASSWORD, Permanent=True)
    result = client.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id,
        AuthParameters={"USERNAME": "dana@example.com", "PASSWORD": PASSWORD})
    claims = jwt.decode(result["AuthenticationResult"]["IdToken"],
                        options={"verify_signature": False})
    assert claims["email"] == "dana@example.com"
    assert claims["cognito:username"] == created["Username"] == claims["sub"]
    found = client.list_users(UserPoolId=pool_id, Filter='email = "dana@example.com"')
    assert [u["Username"] for u in found["Users"]] == [created["Username"]]
    unknown = httpx.get(f"{emulator.endpoint_url}/us-east-1_nothing/.well-known/jwks.json")
    assert unknown.status_code == 404
    assert json.loads(unknown.text)["message"].startswith("User pool")


def test_groups_reach_the_tokens(emulator: EmulatorHandle) -> None:
    client, pool_id, client_id = _pool(emulator)
    _user(client, pool_id)
    client.create_group(GroupName="admins", UserPoolId=pool_id, Precedence=1)
    client.create_group(GroupName="readers", UserPoolId=pool_id)
    assert _error(client.create_group, GroupName="admins", UserPoolId=pool_id)[0] == \
        "GroupExistsException"
    for group in ("admins", "readers"):
        client.admin_add_user_to_group(UserPoolId=pool_id, Username="alice", GroupName=group)
    listed = client.admin_list_groups_for_user(UserPoolId=pool_id, Username="alice")
    assert [g["GroupName"] for g in listed["Groups"]] == ["admins", "readers"]
    members = client.list_users_in_group(UserPoolId=pool_id, GroupName="admins")["Users"]
    assert [u["Username"] for u in members] == ["alice"]
    client.delete_group(GroupName="readers", UserPoolId=pool_id)
    result = client.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id,
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})["AuthenticationResult"]
    for token in (result["IdToken"], result["AccessToken"]):
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["cognito:groups"] == ["admins"]
    assert _error(client.get_group, GroupName="readers", UserPoolId=pool_id) == (
        "ResourceNotFoundException", "Group not found.")


def test_client_credentials_give_access_tokens_with_custom_scopes(
        emulator: EmulatorHandle) -> None:
    client, pool_id, _ = _pool(emulator)
    client.create_resource_server(UserPoolId=pool_id, Identifier="orders", Name="Orders",
                                  Scopes=[{"ScopeName": "read", "ScopeDescription": "read"},
                                          {"ScopeName": "write", "ScopeDescription": "w"}])
    described = client.describe_resource_server(UserPoolId=pool_id, Identifier="orders")
    assert [s["ScopeName"] for s in described["ResourceServer"]["Scopes"]] == ["read", "write"]
    app = client.create_user_pool_client(
        UserPoolId=pool_id, ClientName="machine", GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthScopes=["orders/read"])["UserPoolClient"]
    url = f"{emulator.endpoint_url}/{pool_id}/oauth2/token"
    auth = (app["ClientId"], app["ClientSecret"])
    granted = httpx.post(url, auth=auth, data={"grant_type": "client_credentials",
                                               "scope": "orders/read"})
    assert granted.status_code == 200, granted.text
    body = granted.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["scope"] == "orders/read" and claims["token_use"] == "access"
    assert claims["client_id"] == claims["sub"] == app["ClientId"]
    assert claims["iss"] == f"{emulator.endpoint_url}/{pool_id}"
    for data, credentials, error in (
            ({"grant_type": "client_credentials", "scope": "orders/write"}, auth,
             "invalid_scope"),
            ({"grant_type": "client_credentials"}, (app["ClientId"], "wrong"), "invalid_client"),
            ({"grant_type": "password"}, auth, "unsupported_grant_type")):
        refused = httpx.post(url, auth=credentials, data=data)
        assert refused.status_code == 400 and refused.json() == {"error": error}


def test_app_client_oauth_settings_are_kept_and_update_replaces_them(
        emulator: EmulatorHandle) -> None:
    # CreateUserPoolClient keeps CallbackURLs and LogoutURLs; UpdateUserPoolClient takes the
    # whole configuration: "If you don't provide a value for an attribute, Amazon Cognito
    # sets it to its default value."
    # https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserPoolClient.html
    # https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-updating.html
    client = emulator.client("cognito-idp")
    pool = client.create_user_pool(PoolName="oauth")["UserPool"]["Id"]
    oauth: dict[str, Any] = {
        "CallbackURLs": ["https://app.example.com/cb"],
        "LogoutURLs": ["https://app.example.com/bye"], "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["openid", "email"], "AllowedOAuthFlowsUserPoolClient": True,
        "SupportedIdentityProviders": ["COGNITO"]}
    created = client.create_user_pool_client(UserPoolId=pool, ClientName="web", **oauth)[
        "UserPoolClient"]
    described = client.describe_user_pool_client(UserPoolId=pool,
                                                 ClientId=created["ClientId"])["UserPoolClient"]
    for key, value in oauth.items():
        assert created[key] == value and described[key] == value, key
    updated = client.update_user_pool_client(
        UserPoolId=pool, ClientId=created["ClientId"],
        CallbackURLs=["https://app.example.com/new"])["UserPoolClient"]
    assert updated["CallbackURLs"] == ["https://app.example.com/new"]
    assert updated["ClientName"] == "web" and updated["CreationDate"] == created["CreationDate"]
    for key in ("LogoutURLs", "AllowedOAuthFlows", "AllowedOAuthScopes",
                "SupportedIdentityProviders"):
        assert key not in updated, key
    assert updated["AllowedOAuthFlowsUserPoolClient"] is False
