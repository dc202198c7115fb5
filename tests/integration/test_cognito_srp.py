"""Signing in with Secure Remote Password (USER_SRP_AUTH), the flow AWS's own clients (Amplify,
amazon-cognito-identity-js, pycognito) use by default: the PASSWORD_VERIFIER challenge, a
proof computed from the password without sending it, and the tokens or the challenge that
follows, driven by pycognito's client.

https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html
(SRP: InitiateAuth with USERNAME and SRP_A; RespondToAuthChallenge PASSWORD_VERIFIER with
PASSWORD_CLAIM_SIGNATURE, PASSWORD_CLAIM_SECRET_BLOCK and TIMESTAMP), and the default
ExplicitAuthFlows of a client (ALLOW_USER_SRP_AUTH among them):
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError

from emulator.testing import EmulatorHandle

aws_srp = pytest.importorskip("pycognito.aws_srp")

PASSWORD = "Correct-Horse-9"


@pytest.fixture(autouse=True, scope="module")
def _forget_pools(emulator: EmulatorHandle) -> Iterator[None]:
    yield
    emulator.reset("cognito-idp")


def _pool(emulator: EmulatorHandle, **client_options: Any) -> tuple[Any, str, str]:
    idp = emulator.client("cognito-idp")
    pool = idp.create_user_pool(PoolName="srp", UsernameAttributes=["email"],
                                AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    app = idp.create_user_pool_client(UserPoolId=pool, ClientName="web",
                                      **client_options)["UserPoolClient"]["ClientId"]
    return idp, pool, app


def _srp(idp: Any, pool: str, app: str, username: str, password: str) -> Any:
    return aws_srp.AWSSRP(username=username, password=password, pool_id=pool, client_id=app,
                          client=idp)


def test_srp_sign_in_with_the_default_flows(emulator: EmulatorHandle) -> None:
    idp, pool, app = _pool(emulator)  # no ExplicitAuthFlows: SRP, custom and refresh
    idp.sign_up(ClientId=app, Username="ann@example.com", Password=PASSWORD)
    idp.admin_confirm_sign_up(UserPoolId=pool, Username="ann@example.com")
    tokens = _srp(idp, pool, app, "ann@example.com", PASSWORD).authenticate_user()
    result = tokens["AuthenticationResult"]
    claims = jwt.decode(result["IdToken"], options={"verify_signature": False})
    assert claims["email"] == "ann@example.com" and claims["aud"] == app
    assert result["TokenType"] == "Bearer" and result["RefreshToken"]
    # The challenge names the user by the id SRP mixes into the verifier (its sub here).
    helper = _srp(idp, pool, app, "ann@example.com", PASSWORD)
    challenge = idp.initiate_auth(ClientId=app, AuthFlow="USER_SRP_AUTH",
                                  AuthParameters=helper.get_auth_params())
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    assert set(challenge["ChallengeParameters"]) == {
        "SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"}
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == claims["sub"]
    proof = helper.process_challenge(challenge["ChallengeParameters"],
                                     helper.get_auth_params())
    first = idp.respond_to_auth_challenge(ClientId=app, ChallengeName="PASSWORD_VERIFIER",
                                          ChallengeResponses=proof)
    assert "AuthenticationResult" in first
    with pytest.raises(ClientError) as replayed:  # a proof answers one challenge only
        idp.respond_to_auth_challenge(ClientId=app, ChallengeName="PASSWORD_VERIFIER",
                                      ChallengeResponses=proof)
    assert replayed.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_srp_refuses_a_wrong_password_and_a_client_without_the_flow(
        emulator: EmulatorHandle) -> None:
    idp, pool, app = _pool(emulator)
    idp.sign_up(ClientId=app, Username="bo@example.com", Password=PASSWORD)
    idp.admin_confirm_sign_up(UserPoolId=pool, Username="bo@example.com")
    with pytest.raises(ClientError) as wrong:
        _srp(idp, pool, app, "bo@example.com", PASSWORD + "x").authenticate_user()
    assert wrong.value.response["Error"] == {"Code": "NotAuthorizedException",
                                             "Message": "Incorrect username or password."}
    plain = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="plain",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    with pytest.raises(ClientError) as disabled:
        _srp(idp, pool, plain, "bo@example.com", PASSWORD).authenticate_user()
    assert disabled.value.response["Error"]["Code"] == "InvalidParameterException"


def test_srp_with_a_temporary_password_asks_for_a_new_one(emulator: EmulatorHandle) -> None:
    idp, pool, app = _pool(emulator)
    idp.admin_create_user(UserPoolId=pool, Username="cy@example.com",
                          TemporaryPassword=PASSWORD, MessageAction="SUPPRESS")
    helper = _srp(idp, pool, app, "cy@example.com", PASSWORD)
    challenge = idp.initiate_auth(ClientId=app, AuthFlow="USER_SRP_AUTH",
                                  AuthParameters=helper.get_auth_params())
    answer = idp.respond_to_auth_challenge(
        ClientId=app, ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=helper.process_challenge(challenge["ChallengeParameters"],
                                                    helper.get_auth_params()))
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and answer["Session"]
    done = idp.respond_to_auth_challenge(
        ClientId=app, ChallengeName="NEW_PASSWORD_REQUIRED", Session=answer["Session"],
        ChallengeResponses={"USERNAME": "cy@example.com", "NEW_PASSWORD": PASSWORD + "2"})
    assert "AuthenticationResult" in done
    # The new password is the one SRP now proves.
    assert "AuthenticationResult" in _srp(idp, pool, app, "cy@example.com",
                                          PASSWORD + "2").authenticate_user()
