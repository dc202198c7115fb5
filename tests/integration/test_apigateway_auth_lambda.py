"""Lambda authorizers on REST APIs through real functions: allow, explicit and implicit deny,
malformed policies and failing authorizers with AWS's exact answers, the TOKEN and REQUEST
events, identity sources and validation expressions, the authorizer's context in templates and
proxy events, and result caching by TTL on the emulator's clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from apigateway_auth_support import (
    authorizer_function,
    echo_function,
    lambda_authorizer,
    protected_mock,
)
from apigateway_support import Api, lambda_uri, new_api

from emulator.testing import EmulatorHandle


@pytest.fixture(autouse=True, scope="module")
def _forget_apis(emulator: EmulatorHandle) -> Iterator[None]:
    """Leave no APIs, keys or plans behind for the tests that list them."""
    yield
    emulator.reset("apigateway")


EXPLICIT_DENY = {"Message": "User is not authorized to access this resource with an explicit "
                            "deny"}


def _token_api(emulator: EmulatorHandle, **authorizer: Any) -> tuple[Api, str]:
    api = new_api(emulator)
    authorizer_id = lambda_authorizer(api, authorizer_function(emulator), **authorizer)
    protected_mock(api, "/pets/{id}", authorizer_id)
    protected_mock(api, "/owners", authorizer_id)
    api.deploy("dev")
    return api, authorizer_id


def _get(api: Api, path: str, token: str | None, stage: str = "dev") -> httpx.Response:
    headers = {"Authorization": token} if token is not None else {}
    return api.get(stage, path, headers=headers)


def test_allow_passes_principal_and_context_to_the_integration(
        emulator: EmulatorHandle) -> None:
    api, _ = _token_api(emulator)
    reply = _get(api, "/pets/7", "allow")
    assert reply.status_code == 200
    shown = reply.json()
    assert shown["principal"] == "user-allow" and shown["tier"] == "gold"
    assert shown["level"] == "3" and shown["admin"] == "false"  # context values as strings
    assert shown["nonce"]


def test_deny_and_no_matching_allow_answer_403(emulator: EmulatorHandle) -> None:
    api, _ = _token_api(emulator)
    denied = _get(api, "/pets/7", "deny")
    assert denied.status_code == 403 and denied.json() == EXPLICIT_DENY
    assert denied.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    # Allowed on GET /pets/* only: /owners has no matching Allow.
    other = _get(api, "/owners", "pets")
    assert other.status_code == 403
    assert other.json() == {"Message": "User is not authorized to access this resource"}
    assert _get(api, "/pets/1", "pets").status_code == 200
    # An Allow on everything and a Deny on /owners: the Deny wins there.
    assert _get(api, "/owners", "everything-but-owners").json() == EXPLICIT_DENY
    assert _get(api, "/pets/2", "everything-but-owners").status_code == 200


def test_unauthorized_malformed_and_failing_authorizers(emulator: EmulatorHandle) -> None:
    api, _ = _token_api(emulator)
    for token in ("nobody", None, ""):
        reply = _get(api, "/pets/7", token)
        assert reply.status_code == 401, token
        assert reply.json() == {"message": "Unauthorized"}
        assert reply.headers["x-amzn-ErrorType"] == "UnauthorizedException"
    for token in ("malformed", "crash"):
        reply = _get(api, "/pets/7", token)
        assert reply.status_code == 500, token
        assert reply.json() == {"message": None}
        assert reply.headers["x-amzn-ErrorType"] == "AuthorizerConfigurationException"


def test_identity_validation_expression_refuses_without_calling(
        emulator: EmulatorHandle) -> None:
    api, _ = _token_api(emulator, identityValidationExpression="^allow.*$",
                        authorizerResultTtlInSeconds=0)
    assert _get(api, "/pets/7", "allow-1").status_code == 200
    # "deny" would be an explicit deny from the function; the expression stops it first.
    refused = _get(api, "/pets/7", "deny")
    assert refused.status_code == 401 and refused.json() == {"message": "Unauthorized"}


def test_cached_decisions_skip_the_function_until_the_ttl_passes(
        emulator: EmulatorHandle) -> None:
    api, _ = _token_api(emulator, authorizerResultTtlInSeconds=60)
    emulator.clock.freeze()  # the TTL runs out only by the jumps below
    first = _get(api, "/pets/1", "pets:a").json()["nonce"]
    # The whole cached policy answers: another method for the same token is not re-asked.
    assert _get(api, "/pets/2", "pets:a").json()["nonce"] == first
    assert _get(api, "/owners", "pets:a").status_code == 403
    assert _get(api, "/pets/1", "pets:b").json()["nonce"] != first  # another token
    emulator.clock.advance(50)  # real seconds pass too: a busy machine's stay under ten
    assert _get(api, "/pets/1", "pets:a").json()["nonce"] == first
    emulator.clock.advance(11)
    second = _get(api, "/pets/1", "pets:a").json()["nonce"]
    assert second != first
    assert _get(api, "/pets/1", "pets:a").json()["nonce"] == second
    api.client.flush_stage_authorizers_cache(restApiId=api.id, stageName="dev")
    assert _get(api, "/pets/1", "pets:a").json()["nonce"] != second
    emulator.clock.reset()


def test_denials_are_cached_too_and_ttl_zero_turns_caching_off(
        emulator: EmulatorHandle) -> None:
    api, _ = _token_api(emulator, authorizerResultTtlInSeconds=0)
    nonces = {_get(api, "/pets/1", "allow").json()["nonce"] for _ in range(3)}
    assert len(nonces) == 3
    cached, _ = _token_api(emulator)  # the default TTL, 300 seconds
    assert _get(cached, "/pets/1", "deny").status_code == 403
    assert _get(cached, "/pets/1", "deny").json() == EXPLICIT_DENY


def test_request_authorizer_event_and_identity_sources(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    authorizer_id = lambda_authorizer(
        api, authorizer_function(emulator), kind="REQUEST",
        identitySource="method.request.header.x-token, method.request.querystring.tenant",
        authorizerResultTtlInSeconds=0)
    echo = echo_function(emulator)
    api.method("/orders/{id}", "GET", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                       "uri": lambda_uri(emulator.region, echo)},
               authorizationType="CUSTOM", authorizerId=authorizer_id)
    api.deploy("test", variables={"colour": "blue"})
    missing = api.get("test", "/orders/9", headers={"x-token": "event"})
    assert missing.status_code == 401  # the tenant query parameter is an identity source
    reply = api.get("test", "/orders/9?tenant=acme&tenant=beta",
                    headers={"x-token": "event", "User-Agent": "tests"})
    assert reply.status_code == 200
    proxy = reply.json()
    authorizer = proxy["requestContext"]["authorizer"]
    assert authorizer["principalId"] == "user-event"
    assert authorizer["tier"] == "gold" and authorizer["level"] == "3"
    assert isinstance(authorizer["integrationLatency"], int)
    event = json.loads(authorizer["event"])
    assert event["type"] == "REQUEST"
    assert event["methodArn"] == (f"arn:aws:execute-api:{emulator.region}:000000000000:"
                                  f"{api.id}/test/GET/orders/9")
    assert event["resource"] == "/orders/{id}" and event["path"] == "/orders/9"
    assert event["httpMethod"] == "GET"
    assert event["headers"]["x-token"] == "event"
    assert event["queryStringParameters"] == {"tenant": "beta"}
    assert event["multiValueQueryStringParameters"] == {"tenant": ["acme", "beta"]}
    assert event["pathParameters"] == {"id": "9"}
    assert event["stageVariables"] == {"colour": "blue"}
    context = event["requestContext"]
    for key in ("path", "accountId", "resourceId", "stage", "requestId", "identity",
                "resourcePath", "httpMethod", "apiId"):
        assert key in context, key
    assert context["stage"] == "test" and context["apiId"] == api.id
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["identity"]["userAgent"] == "tests"
    assert context["requestId"] == proxy["requestContext"]["requestId"]


def test_token_event_names_the_method_arn(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    authorizer_id = lambda_authorizer(api, authorizer_function(emulator),
                                      authorizerResultTtlInSeconds=0)
    echo = echo_function(emulator)
    api.method("/", "POST", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                             "uri": lambda_uri(emulator.region, echo)},
               authorizationType="CUSTOM", authorizerId=authorizer_id)
    api.deploy("v1")
    reply = api.request("POST", "v1", "/", headers={"Authorization": "event"})
    event = json.loads(reply.json()["requestContext"]["authorizer"]["event"])
    assert event == {"type": "TOKEN", "authorizationToken": "event",
                     "methodArn": f"arn:aws:execute-api:{emulator.region}:000000000000:"
                                  f"{api.id}/v1/POST/"}


def test_customised_gateway_responses_apply_to_authorizer_failures(
        emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    authorizer_id = lambda_authorizer(api, authorizer_function(emulator))
    protected_mock(api, "/pets/{id}", authorizer_id)
    api.client.put_gateway_response(
        restApiId=api.id, responseType="UNAUTHORIZED", statusCode="401",
        responseParameters={"gatewayresponse.header.WWW-Authenticate": "'Bearer'"},
        responseTemplates={"application/json": '{"error": $context.error.messageString}'})
    api.client.put_gateway_response(
        restApiId=api.id, responseType="ACCESS_DENIED",
        responseTemplates={"application/json": '{"why": $context.error.messageString}'})
    api.deploy("dev")
    refused = _get(api, "/pets/1", "nobody")
    assert refused.status_code == 401 and refused.json() == {"error": "Unauthorized"}
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    denied = _get(api, "/pets/1", "deny")
    assert denied.json() == {"why": EXPLICIT_DENY["Message"]}


def test_test_invoke_authorizer_reports_the_decision(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    authorizer_id = lambda_authorizer(api, authorizer_function(emulator))
    allowed = api.client.test_invoke_authorizer(restApiId=api.id, authorizerId=authorizer_id,
                                                headers={"Authorization": "allow"})
    assert allowed["clientStatus"] == 200 and allowed["principalId"] == "user-allow"
    statement = json.loads(allowed["policy"])["Statement"][0]
    assert statement["Effect"] == "Allow" and statement["Action"] == ["execute-api:Invoke"]
    assert allowed["authorization"]["tier"] == ["gold"]
    refused = api.client.test_invoke_authorizer(restApiId=api.id, authorizerId=authorizer_id,
                                                headers={"Authorization": "nobody"})
    assert refused["clientStatus"] == 401
    broken = api.client.test_invoke_authorizer(restApiId=api.id, authorizerId=authorizer_id,
                                               headers={"Authorization": "malformed"})
    assert broken["clientStatus"] == 500
    # TestInvokeMethod runs the method without its authorizer, as the console's test does.
    resource = protected_mock(api, "/pets/{id}", authorizer_id)
    tested = api.client.test_invoke_method(restApiId=api.id, resourceId=resource,
                                           httpMethod="GET", pathWithQueryString="/pets/1")
    assert tested["status"] == 200
