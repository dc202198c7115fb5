"""With a state dir, a user pool keeps its signing key, users and refresh tokens across a
restart: tokens issued before it still verify against the pool's JWKS after it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import httpx
import jwt
import pytest
from emulator_process import EmulatorProcess

# Each test kills and restarts a real emulator process (seconds each): the slow profile.
pytestmark = pytest.mark.slow

PASSWORD = "Correct-Horse-9"


def _cognito(url: str) -> Any:
    return boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_keys_users_and_refresh_tokens_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with EmulatorProcess("--state-dir", str(state)) as first:
        first.wait_healthy()
        client = _cognito(first.url)
        pool_id = client.create_user_pool(PoolName="kept")["UserPool"]["Id"]
        client_id = client.create_user_pool_client(
            UserPoolId=pool_id, ClientName="web",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        client.admin_create_user(UserPoolId=pool_id, Username="alice",
                                 MessageAction="SUPPRESS")
        client.admin_set_user_password(UserPoolId=pool_id, Username="alice",
                                       Password=PASSWORD, Permanent=True)
        tokens = client.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id,
            AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})["AuthenticationResult"]
        keys = httpx.get(f"{first.url}/{pool_id}/.well-known/jwks.json").json()
        first.kill()

    with EmulatorProcess("--state-dir", str(state)) as second:
        second.wait_healthy()
        assert httpx.get(f"{second.url}/{pool_id}/.well-known/jwks.json").json() == keys
        public = jwt.PyJWK(keys["keys"][0]).key
        claims = jwt.decode(tokens["IdToken"], public, algorithms=["RS256"],
                            audience=client_id)
        assert claims["cognito:username"] == "alice"
        client = _cognito(second.url)
        assert client.get_user(AccessToken=tokens["AccessToken"])["Username"] == "alice"
        refreshed = client.initiate_auth(
            AuthFlow="REFRESH_TOKEN_AUTH", ClientId=client_id,
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})
        assert "IdToken" in refreshed["AuthenticationResult"]
        assert second.terminate() in (0, -15)
