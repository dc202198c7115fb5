"""Lambda REQUEST authorizers of HTTP APIs: the identity sources (a missing one is a 401
without calling the function), the authorizer event in payload 1.0 or 2.0, a simple response
(``isAuthorized``) or an IAM policy evaluated against the route ARN (wildcards allowed, Deny
winning), and results cached by identity for ``AuthorizerResultTtlInSeconds`` on the clock."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from emulator.gateway import lambda_answers
from emulator.gateway.authorizers import policy
from emulator.gateway.authorizers.cache import AuthorizerCache
from emulator.gateway.http_api import events
from emulator.gateway.http_api.mapping import Sources, evaluate
from emulator.gateway.http_api.state import HttpApiError, HttpInvocation
from emulator.gateway.mapping import substitute_stage_variables
from emulator.gateway.rest.integrations.lambda_ import FUNCTION_URI
from emulator.ports import Ports


@dataclass
class Decision:
    """What an authorizer answered, kept whole so a cached policy is evaluated again for
    each route it is used on."""

    simple: bool
    authorized: bool = False
    statements: tuple[policy.Statement, ...] = ()
    context: dict[str, Any] = field(default_factory=dict)
    principal_id: str | None = None


def _error(log: str) -> HttpApiError:
    return HttpApiError(500, log=f"Lambda authorizer: {log}")


def policy_allows(statements: tuple[policy.Statement, ...], arn: str) -> bool:
    """Whether the policy allows execute-api:Invoke on ``arn`` (an explicit Deny wins)."""
    return policy.evaluate(statements, arn) == "Allow"


def _identity(inv: HttpInvocation, sources: list[str]) -> list[str] | None:
    found = Sources(headers=inv.lower_headers(), query=inv.multi_query(),
                    path=inv.route_path, path_params=inv.path_params, body=b"",
                    context=inv.context(), stage_variables=inv.stage_variables)
    values = []
    for source in sources:
        value = evaluate(source, found)
        if not value:
            return None
        values.append(value)
    return values


def authorizer_event(inv: HttpInvocation, authorizer: dict[str, Any], identity: list[str]
                     ) -> dict[str, Any]:
    if authorizer.get("AuthorizerPayloadFormatVersion") == "1.0":
        event = events.event_v1(inv)
        del event["body"], event["isBase64Encoded"]
        joined = ",".join(identity)
        return {"version": "1.0", "type": "REQUEST", "methodArn": inv.route_arn(),
                "identitySource": joined, "authorizationToken": joined,
                **{k: v for k, v in event.items() if k != "version"}}
    event = {"version": "2.0", "type": "REQUEST", "routeArn": inv.route_arn(),
             "identitySource": identity, **events.request_v2(inv),
             "requestContext": events.context_v2(inv, with_authorizer=False)}
    if inv.path_params:
        event["pathParameters"] = dict(inv.path_params)
    if inv.stage_variables:
        event["stageVariables"] = inv.stage_variables
    return event


def read_answer(authorizer: dict[str, Any], payload: bytes) -> Decision:
    answer = lambda_answers.answer_object(payload, lambda what: _error(f"the answer is {what}"))
    context = answer.get("context") or {}
    if not isinstance(context, dict):
        raise _error("context must be an object")
    if authorizer.get("EnableSimpleResponses"):
        if not isinstance(answer.get("isAuthorized"), bool):
            raise _error("isAuthorized must be a boolean")
        return Decision(simple=True, authorized=answer["isAuthorized"], context=context)
    if "policyDocument" not in answer:
        raise _error("the answer has no policyDocument")
    principal = answer.get("principalId")
    try:
        statements = policy.parse(answer["policyDocument"])
    except policy.MalformedPolicy as malformed:
        raise _error(f"the policy document is malformed: {malformed}") from None
    return Decision(simple=False, statements=statements, context=context,
                    principal_id=None if principal is None else str(principal))


async def authorize(inv: HttpInvocation, authorizer: dict[str, Any], ports: Ports,
                    cache: AuthorizerCache) -> Decision:
    sources = list(authorizer.get("IdentitySource") or [])
    identity = _identity(inv, sources) if sources else []
    if identity is None:
        raise HttpApiError(401, log="Lambda authorizer: an identity source is missing")
    ttl = int(authorizer.get("AuthorizerResultTtlInSeconds") or 0)
    api_id, stage = inv.deployed.api_id, inv.stage_name
    key = AuthorizerCache.key(str(authorizer.get("AuthorizerId")), identity)
    cached = cache.get(api_id, stage, key) if ttl > 0 and sources else None
    decision = cached if isinstance(cached, Decision) else None
    if decision is None:
        uri = substitute_stage_variables(str(authorizer.get("AuthorizerUri") or ""),
                                         inv.stage_variables)
        match = FUNCTION_URI.search(uri)
        if match is None:
            raise _error(f"invalid authorizer URI {uri}")
        payload = json.dumps(authorizer_event(inv, authorizer, identity)).encode()
        try:
            result = await ports.functions.invoke(
                match["function"], payload, account=inv.deployed.account,
                region=inv.deployed.region)
        except Exception as exc:  # an unknown function, the Lambda service missing...
            raise _error(f"the function could not be invoked: {exc}") from None
        if result.function_error:
            raise _error("the function failed: " + result.payload.decode("utf-8", "replace"))
        decision = read_answer(authorizer, result.payload)
        if ttl > 0 and sources:
            cache.put(api_id, stage, key, ttl, decision)
    allowed = decision.authorized if decision.simple else policy_allows(
        decision.statements, inv.route_arn())
    if not allowed:
        raise HttpApiError(403, log="Lambda authorizer: the request is not authorized")
    return decision


__all__ = ["Decision", "authorize", "authorizer_event", "policy_allows",
           "read_answer"]
