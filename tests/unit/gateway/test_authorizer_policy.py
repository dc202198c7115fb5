"""The authorizer's IAM policy against method ARNs, the answer it is read from, and the
result cache on a moved clock."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.clock import Clock
from emulator.gateway.authorizers import lambda_, policy
from emulator.gateway.authorizers.cache import AuthorizerCache

ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/7"


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(resource: Any, action: Any = "execute-api:Invoke") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def _deny(resource: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": resource}


@pytest.mark.parametrize("resource, decision", [
    (ARN, "Allow"),
    ("arn:aws:execute-api:us-east-1:123456789012:abc123/*", "Allow"),
    ("arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/pets/*", "Allow"),
    ("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/?", "Allow"),
    ("arn:aws:execute-api:*:*:abc123/*/*/*", "Allow"),
    ("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/POST/*", "None"),
    ("arn:aws:execute-api:us-east-1:123456789012:other/*", "None"),
    ("arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets", "None"),
    (["arn:aws:execute-api:us-east-1:123456789012:abc123/dev/POST/*", ARN], "Allow"),
])
def test_resources_match_with_wildcards(resource: Any, decision: str) -> None:
    assert policy.evaluate(policy.parse(_doc(_allow(resource))), ARN) == decision


def test_explicit_deny_wins_over_any_allow() -> None:
    statements = policy.parse(_doc(_allow("*"), _deny("arn:aws:execute-api:*:*:*/*/GET/pets/*")))
    assert policy.evaluate(statements, ARN) == "Deny"
    other = "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/owners"
    assert policy.evaluate(statements, other) == "Allow"


def test_actions_match_case_insensitively_and_by_wildcard() -> None:
    for action in ("execute-api:*", "*", "EXECUTE-API:invoke", ["s3:Get*", "execute-api:I*"]):
        assert policy.evaluate(policy.parse(_doc(_allow(ARN, action))), ARN) == "Allow"
    assert policy.evaluate(policy.parse(_doc(_allow(ARN, "execute-api:ManageConnections"))),
                           ARN) == "None"


def test_not_resource_and_single_statement_objects() -> None:
    document = {"Statement": {"Effect": "Allow", "Action": "execute-api:Invoke",
                              "NotResource": "arn:aws:execute-api:*:*:*/*/DELETE/*"}}
    assert policy.evaluate(policy.parse(document), ARN) == "Allow"


@pytest.mark.parametrize("document", [
    None, "not json", [], {"Statement": []}, {"Statement": "x"},
    _doc({"Effect": "Maybe", "Action": "*", "Resource": "*"}),
    _doc({"Effect": "Allow", "Resource": "*"}),
    _doc({"Effect": "Allow", "Action": "*"}),
    _doc({"Effect": "Allow", "Action": 7, "Resource": "*"}),
])
def test_malformed_documents_are_refused(document: Any) -> None:
    with pytest.raises(policy.MalformedPolicy):
        policy.parse(document)


def test_method_arn_uses_the_called_path() -> None:
    assert policy.method_arn("us-east-1", "1", "api", "dev", "get", "/pets/7") == \
        "arn:aws:execute-api:us-east-1:1:api/dev/GET/pets/7"
    assert policy.method_arn("us-east-1", "1", "api", "dev", "GET", "/").endswith("dev/GET/")


def test_policy_answers_are_read_and_checked() -> None:
    answer = lambda_.policy_answer({"principalId": "user-1", "policyDocument": _doc(
        _allow("*")), "context": {"n": 1, "b": True, "s": "x"}, "usageIdentifierKey": "k"})
    assert answer.principal_id == "user-1" and answer.usage_identifier_key == "k"
    assert [lambda_.stringify(v) for v in answer.context.values()] == ["1", "true", "x"]
    for bad in ({"policyDocument": _doc(_allow("*"))}, {"principalId": "u"}, [],
                {"principalId": "u", "policyDocument": _doc(_allow("*")),
                 "context": {"nested": {"a": 1}}}):
        with pytest.raises(lambda_.Misconfigured):
            lambda_.policy_answer(bad)


def test_function_of_reads_the_authorizer_uri_with_stage_variables() -> None:
    uri = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
           "arn:aws:lambda:us-east-1:1:function:${stageVariables.fn}/invocations")
    assert lambda_.function_of(uri, {"fn": "auth"}) == "arn:aws:lambda:us-east-1:1:function:auth"
    with pytest.raises(lambda_.Misconfigured):
        lambda_.function_of("arn:aws:s3:::bucket", {})


def test_cache_entries_live_for_their_ttl_on_the_clock() -> None:
    clock = Clock()
    cache = AuthorizerCache(clock)
    key = cache.key("auth1", ["token-a"])
    cache.put("api", "dev", key, 300, "answer")
    assert cache.get("api", "dev", key) == "answer"
    assert cache.get("api", "prod", key) is None
    clock.advance(299)
    assert cache.get("api", "dev", key) == "answer"
    clock.advance(2)
    assert cache.get("api", "dev", key) is None
    cache.put("api", "dev", key, 300, "again")
    cache.flush("api", "dev")
    assert cache.get("api", "dev", key) is None
    cache.put("api", "dev", key, 0, "never kept")
    assert cache.size("api", "dev") == 0
