"""User pool Lambda triggers: PreSignUp deciding to confirm and verify, refusing with the
function's message, or answering something that is not the event; PostConfirmation after
ConfirmSignUp and AdminConfirmSignUp; PreTokenGeneration (versions 1 and 2) changing the
claims, groups and scopes of the tokens handed out, at sign-in and on refresh.
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html

https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-sign-up.html
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-post-confirmation.html
https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
(the common event fields; a failing trigger surfaces as UserLambdaValidationException
"PreSignUp failed with error <message>.", a reply that is not the event as
InvalidLambdaResponseException "Unrecognizable lambda output").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from http_api_support import function_arn
from lambda_support import create_function

from emulator.testing import EmulatorHandle

PASSWORD = "Correct-Horse-9"
PRE_SIGN_UP = """
import json
def handler(event, context):
    print("EVENT " + json.dumps(event))
    email = event["request"]["userAttributes"].get("email", "")
    if email.endswith("@blocked.test"):
        raise Exception("Blocked domain")
    if email.endswith("@bad.test"):
        return {"nope": True}
    if email.endswith("@auto.test"):
        event["response"]["autoConfirmUser"] = True
        event["response"]["autoVerifyEmail"] = True
    return event
"""
POST_CONFIRMATION = """
import json
def handler(event, context):
    print("EVENT " + json.dumps(event))
    if event["request"]["userAttributes"].get("email", "").startswith("fail"):
        raise ValueError("could not record the user")
    return event
"""


@pytest.fixture(autouse=True, scope="module")
def _forget_pools(emulator: EmulatorHandle) -> Iterator[None]:
    yield
    emulator.reset("cognito-idp")


def _events(emulator: EmulatorHandle, function: str) -> list[dict[str, Any]]:
    logs = emulator.client("logs")
    try:
        found = logs.filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
    except logs.exceptions.ResourceNotFoundException:
        return []  # never invoked
    return [json.loads(e["message"].split("EVENT ", 1)[1]) for e in found
            if "EVENT " in e["message"]]


@pytest.fixture(scope="module")
def setup(emulator: EmulatorHandle) -> tuple[Any, str, str, str, str]:
    """One pool with both triggers, shared by the tests (users differ by address)."""
    lam = emulator.client("lambda")
    pre = create_function(lam, {"app.py": PRE_SIGN_UP})
    post = create_function(lam, {"app.py": POST_CONFIRMATION})
    idp = emulator.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="triggers", UsernameAttributes=["email"],
                                AutoVerifiedAttributes=["email"], LambdaConfig={
                                    "PreSignUp": function_arn(emulator, pre),
                                    "PostConfirmation": function_arn(emulator, post)})
    pool_id = pool["UserPool"]["Id"]
    app = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")[
        "UserPoolClient"]["ClientId"]
    return idp, pool_id, app, pre, post


def test_pre_sign_up_confirms_refuses_and_checks_its_answer(
        emulator: EmulatorHandle, setup: tuple[Any, str, str, str, str]) -> None:
    idp, pool, app, pre, post = setup
    auto = idp.sign_up(ClientId=app, Username="ann@auto.test", Password=PASSWORD)
    assert auto["UserConfirmed"] is True and "CodeDeliveryDetails" not in auto
    user = idp.admin_get_user(UserPoolId=pool, Username="ann@auto.test")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    [event] = [e for e in _events(emulator, pre) if e["userName"] == auto["UserSub"]]
    assert event["triggerSource"] == "PreSignUp_SignUp" and event["version"] == "1"
    assert event["userPoolId"] == pool and event["userName"] == auto["UserSub"]
    assert event["callerContext"]["clientId"] == app
    assert event["request"]["userAttributes"]["email"] == "ann@auto.test"
    assert event["response"] == {"autoConfirmUser": False, "autoVerifyEmail": False,
                                 "autoVerifyPhone": False}
    # A confirmation by PreSignUp fires no PostConfirmation.
    assert [e for e in _events(emulator, post) if e["userName"] == auto["UserSub"]] == []
    with pytest.raises(ClientError) as blocked:
        idp.sign_up(ClientId=app, Username="bob@blocked.test", Password=PASSWORD)
    assert blocked.value.response["Error"] == {
        "Code": "UserLambdaValidationException",
        "Message": "PreSignUp failed with error Blocked domain."}
    with pytest.raises(ClientError) as bad:
        idp.sign_up(ClientId=app, Username="cy@bad.test", Password=PASSWORD)
    assert bad.value.response["Error"] == {"Code": "InvalidLambdaResponseException",
                                           "Message": "Unrecognizable lambda output"}
    for refused in ("bob@blocked.test", "cy@bad.test"):  # nobody was created
        with pytest.raises(ClientError):
            idp.admin_get_user(UserPoolId=pool, Username=refused)


def test_post_confirmation_after_confirming(
        emulator: EmulatorHandle, setup: tuple[Any, str, str, str, str]) -> None:
    idp, pool, app, _pre, post = setup
    signed = idp.sign_up(ClientId=app, Username="dee@example.com", Password=PASSWORD)
    assert signed["UserConfirmed"] is False
    idp.admin_confirm_sign_up(UserPoolId=pool, Username="dee@example.com")
    [event] = [e for e in _events(emulator, post) if e["userName"] == signed["UserSub"]]
    assert event["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    attributes = event["request"]["userAttributes"]
    assert attributes["sub"] == signed["UserSub"] and attributes["email"] == "dee@example.com"
    assert attributes["cognito:user_status"] == "CONFIRMED"
    idp.sign_up(ClientId=app, Username="fail@example.com", Password=PASSWORD)
    with pytest.raises(ClientError) as failed:
        idp.admin_confirm_sign_up(UserPoolId=pool, Username="fail@example.com")
    assert failed.value.response["Error"] == {
        "Code": "UserLambdaValidationException",
        "Message": "PostConfirmation failed with error could not record the user."}
    # The user was confirmed before the trigger ran, and stays so.
    assert idp.admin_get_user(UserPoolId=pool,
                              Username="fail@example.com")["UserStatus"] == "CONFIRMED"


PRE_TOKEN = """
import json
def handler(event, context):
    print("EVENT " + json.dumps(event))
    if event["version"] == "1":
        event["response"]["claimsOverrideDetails"] = {
            "claimsToAddOrOverride": {"tenant": "acme", "sub": "not-allowed"},
            "claimsToSuppress": ["email"],
            "groupOverrideDetails": {"groupsToOverride": ["admins"]}}
    else:
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToAddOrOverride": {"tenant": "acme"}},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"plan": "gold"},
                                      "scopesToAdd": ["orders/read"],
                                      "scopesToSuppress": ["aws.cognito.signin.user.admin"]}}
    return event
"""


@pytest.mark.parametrize("version", ["V1_0", "V2_0"])
def test_pre_token_generation_changes_the_claims(emulator: EmulatorHandle, version: str
                                                 ) -> None:
    function = create_function(emulator.client("lambda"), {"app.py": PRE_TOKEN})
    arn = function_arn(emulator, function)
    config: dict[str, Any] = ({"PreTokenGeneration": arn} if version == "V1_0" else
                              {"PreTokenGenerationConfig": {"LambdaArn": arn,
                                                            "LambdaVersion": version}})
    idp = emulator.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="tokens", LambdaConfig=config)["UserPool"]["Id"]
    app = idp.create_user_pool_client(UserPoolId=pool, ClientName="web", ExplicitAuthFlows=[
        "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"][
        "ClientId"]
    idp.admin_create_user(UserPoolId=pool, Username="eve", MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": "eve@example.com"}])
    idp.admin_set_user_password(UserPoolId=pool, Username="eve", Password=PASSWORD,
                                Permanent=True)
    issued = idp.admin_initiate_auth(
        UserPoolId=pool, ClientId=app, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "eve", "PASSWORD": PASSWORD})["AuthenticationResult"]
    identity = jwt.decode(issued["IdToken"], options={"verify_signature": False})
    access = jwt.decode(issued["AccessToken"], options={"verify_signature": False})
    assert identity["tenant"] == "acme" and identity["sub"] != "not-allowed"
    [event] = _events(emulator, function)
    assert event["triggerSource"] == "TokenGeneration_Authentication"
    assert event["version"] == ("1" if version == "V1_0" else "2")
    assert event["request"]["groupConfiguration"] == {
        "groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": None}
    if version == "V1_0":
        assert "email" not in identity
        assert identity["cognito:groups"] == access["cognito:groups"] == ["admins"]
        assert "plan" not in access
    else:
        assert identity["email"] == "eve@example.com"
        assert access["plan"] == "gold" and access["scope"] == "orders/read"
        assert event["request"]["scopes"] == ["aws.cognito.signin.user.admin"]
    refreshed = idp.admin_initiate_auth(
        UserPoolId=pool, ClientId=app, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": issued["RefreshToken"]})["AuthenticationResult"]
    assert jwt.decode(refreshed["IdToken"], options={"verify_signature": False})[
        "tenant"] == "acme"
    assert [e["triggerSource"] for e in _events(emulator, function)] == [
        "TokenGeneration_Authentication", "TokenGeneration_RefreshTokens"]
