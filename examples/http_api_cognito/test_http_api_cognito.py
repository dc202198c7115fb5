"""The tasks API behind a Cognito user pool and a JWT authorizer, called over HTTP with the
tokens Cognito issues."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from deploy_http_api_cognito import ADMIN_SCOPE, Deployed, deploy

from emulator.testing import EmulatorHandle

PASSWORD = "Correct-Horse-9"


@pytest.fixture
def tasks(fresh_emulator: EmulatorHandle) -> tuple[str, Deployed]:
    """The invoke URL base and what was deployed."""
    made = deploy(fresh_emulator.endpoint_url, fresh_emulator.client("cognito-idp"),
                  fresh_emulator.client("apigatewayv2"), fresh_emulator.client("lambda"))
    return f"{fresh_emulator.endpoint_url}/_aws/execute-api/{made.api_id}", made


def _tokens(emulator: EmulatorHandle, made: Deployed, user: str = "ada") -> dict[str, str]:
    cognito = emulator.client("cognito-idp")
    cognito.admin_create_user(UserPoolId=made.pool_id, Username=user,
                              MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=made.pool_id, Username=user,
                                    Password=PASSWORD, Permanent=True)
    result = cognito.initiate_auth(ClientId=made.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                   AuthParameters={"USERNAME": user, "PASSWORD": PASSWORD})
    return dict(result["AuthenticationResult"])


def test_signed_in_users_list_and_only_access_tokens_delete(
        tasks: tuple[str, Deployed], fresh_emulator: EmulatorHandle) -> None:
    base, made = tasks
    tokens = _tokens(fresh_emulator, made)
    by_id = {"Authorization": tokens["IdToken"]}
    by_access = {"Authorization": f"Bearer {tokens['AccessToken']}"}
    listed = httpx.get(f"{base}/tasks", headers=by_id)
    assert listed.status_code == 200 and listed.json() == {"user": "ada", "tasks": ["1", "2"]}
    assert httpx.get(f"{base}/tasks", headers=by_access).json()["user"] == "ada"
    refused = httpx.delete(f"{base}/tasks/1", headers=by_id)  # ID tokens carry no scopes
    assert refused.status_code == 403 and refused.json() == {"message": "Forbidden"}
    deleted = httpx.delete(f"{base}/tasks/1", headers=by_access)
    assert deleted.status_code == 200
    assert deleted.json() == {"deleted": "1", "by": "ada", "scopes": [ADMIN_SCOPE]}


def test_missing_tampered_and_expired_tokens_get_401(
        tasks: tuple[str, Deployed], fresh_emulator: EmulatorHandle) -> None:
    base, made = tasks
    token = _tokens(fresh_emulator, made)["IdToken"]
    head, body, signature = token.split(".")
    tampered = f"{head}.{body}.{signature[:-4]}AAAA"
    for headers in ({}, {"Authorization": tampered}, {"Authorization": "Bearer nonsense"}):
        reply = httpx.get(f"{base}/tasks", headers=headers)
        assert reply.status_code == 401 and reply.json() == {"message": "Unauthorized"}
    assert httpx.get(f"{base}/tasks", headers={"Authorization": token}).status_code == 200
    fresh_emulator.clock.advance(3601)  # Cognito's tokens last an hour
    try:
        expired = httpx.get(f"{base}/tasks", headers={"Authorization": token})
        assert expired.status_code == 401
    finally:
        fresh_emulator.clock.reset()


def test_browsers_get_their_preflight_answered(tasks: tuple[str, Deployed]) -> None:
    base, _ = tasks
    reply = httpx.options(f"{base}/tasks/1", headers={
        "Origin": "https://tasks.example", "Access-Control-Request-Method": "DELETE",
        "Access-Control-Request-Headers": "authorization"})
    assert reply.status_code == 204
    assert reply.headers["access-control-allow-origin"] == "https://tasks.example"
    assert reply.headers["access-control-allow-methods"] == "GET,DELETE"
