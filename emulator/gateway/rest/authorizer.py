"""The authorization step of a REST API method: AWS_IAM, a Lambda authorizer (TOKEN or
REQUEST) or a Cognito user pool authorizer, with AWS's answers when the caller is refused.

A Lambda authorizer's answer is cached for ``authorizerResultTtlInSeconds`` under the values of
its identity sources, and the cached policy is evaluated again against each method ARN. What an
authorizer establishes reaches the integration as ``$context.authorizer`` (and the proxy event's
``requestContext.authorizer``) and ``$context.identity``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from emulator.gateway.authorizers import lambda_, policy, sigv4
from emulator.gateway.rest.invocation import GatewayError, Invocation
from emulator.gateway.rest.parameters import resolve
from emulator.gateway.rest.parts import GatewayParts
from emulator.ports import TokenRejected

EXPLICIT_DENY = "User is not authorized to access this resource with an explicit deny"
NOT_ALLOWED = "User is not authorized to access this resource"
EXPIRED = "The incoming token has expired"
DEFAULT_TTL = 300


def unauthorized(message: str = "Unauthorized", log: str | None = None) -> GatewayError:
    return GatewayError("UNAUTHORIZED", 401, message, log=log)


def misconfigured(log: str) -> GatewayError:
    return GatewayError("AUTHORIZER_CONFIGURATION_ERROR", 500, None,
                        log=f"Execution failed due to configuration error: {log}")


def denied(message: str) -> GatewayError:
    return GatewayError("ACCESS_DENIED", 403, message, message_key="Message")


def method_arn(inv: Invocation) -> str:
    deployed = inv.deployed
    return policy.method_arn(deployed.region, deployed.account, deployed.api_id,
                             deployed.stage["stageName"], inv.request.method,
                             inv.request.path)


def _sources(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def identity_values(inv: Invocation, sources: list[str]) -> list[str] | None:
    """The value of each identity source, or None when one is missing or empty."""
    values = []
    for source in sources:
        value = resolve(source, params=inv.params, multi_query=inv.multi_query,
                        multi_headers=inv.multi_headers, request_body=b"",
                        stage_variables=inv.stage_variables, context=inv.context)
        if not value:
            return None
        values.append(value)
    return values


@lru_cache(maxsize=256)
def _expression(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


# -- the Lambda authorizer's events --------------------------------------------------------

def token_event(token: str, arn: str) -> dict[str, Any]:
    return {"type": "TOKEN", "methodArn": arn, "authorizationToken": token}


def request_event(inv: Invocation, arn: str) -> dict[str, Any]:
    """The REQUEST authorizer's event: the request as a proxy integration sees it."""
    assert inv.route is not None
    context = inv.context
    identity = {key: context["identity"][key] for key in (
        "accessKey", "accountId", "caller", "cognitoAuthenticationProvider",
        "cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId",
        "principalOrgId", "sourceIp", "user", "userAgent", "userArn", "clientCert")}
    return {
        "type": "REQUEST",
        "methodArn": arn,
        "resource": inv.route.resource.get("path", "/"),
        "path": inv.request.path,
        "httpMethod": inv.request.method.upper(),
        "headers": {k: v[-1] for k, v in inv.multi_headers.items()},
        "multiValueHeaders": dict(inv.multi_headers),
        "queryStringParameters": {k: v[-1] for k, v in inv.multi_query.items()},
        "multiValueQueryStringParameters": dict(inv.multi_query),
        "pathParameters": dict(inv.route.path_params),
        "stageVariables": dict(inv.stage_variables),
        "requestContext": {
            "resourceId": context["resourceId"], "resourcePath": context["resourcePath"],
            "httpMethod": context["httpMethod"],
            "extendedRequestId": context["extendedRequestId"],
            "requestTime": context["requestTime"], "path": context["path"],
            "accountId": context["accountId"], "protocol": context["protocol"],
            "stage": context["stage"], "domainPrefix": context["domainPrefix"],
            "requestTimeEpoch": context["requestTimeEpoch"],
            "requestId": context["requestId"], "identity": identity,
            "domainName": context["domainName"], "deploymentId": context["deploymentId"],
            "apiId": context["apiId"],
        },
    }


# -- the three kinds -----------------------------------------------------------------------

async def _lambda(inv: Invocation, parts: GatewayParts, authorizer: dict[str, Any]) -> None:
    kind = authorizer.get("type", "TOKEN")
    sources = _sources(authorizer.get("identitySource"))
    ttl = int(authorizer.get("authorizerResultTtlInSeconds", DEFAULT_TTL) or 0)
    arn = method_arn(inv)
    if kind == "TOKEN":
        values = identity_values(inv, sources[:1] or ["method.request.header.Authorization"])
        if values is None:
            raise unauthorized(log="Unauthorized request: the identity source is missing")
        expression = authorizer.get("identityValidationExpression")
        if expression:
            compiled = _expression(str(expression))
            if compiled is None or compiled.fullmatch(values[0]) is None:
                raise unauthorized(log="The token does not match the identity validation "
                                       "expression")
        event = token_event(values[0], arn)
    else:
        values = identity_values(inv, sources) if sources else []
        if values is None:
            raise unauthorized(log="Unauthorized request: an identity source is missing")
        event = request_event(inv, arn)
    api_id, stage = inv.deployed.api_id, inv.deployed.stage["stageName"]
    key = parts.authorizer_cache.key(str(authorizer.get("id")), values)
    cacheable = ttl > 0 and bool(values)
    cached = parts.authorizer_cache.get(api_id, stage, key) if cacheable else None
    latency = 0
    if cached is not None:
        answer: lambda_.PolicyAnswer = cached
        inv.note("Using valid authorizer policy for principal: %s", answer.principal_id)
    else:
        inv.note("Starting authorizer: %s for request: %s", authorizer.get("id"),
                 inv.request_id)
        try:
            invoked = await lambda_.invoke(
                parts.ports, str(authorizer.get("authorizerUri") or ""), event,
                account=inv.deployed.account, region=inv.deployed.region,
                stage_variables=inv.stage_variables, trace_header=inv.trace_header)
            answer = lambda_.policy_answer(invoked.answer)
        except lambda_.Unauthorized:
            raise unauthorized(log="Unauthorized request: the authorizer refused the "
                                   "caller") from None
        except lambda_.Misconfigured as bad:
            raise misconfigured(bad.log) from None
        latency = invoked.latency_ms
        inv.note("Authorizer result body before parsing: %s", invoked.answer)
        if cacheable:
            parts.authorizer_cache.put(api_id, stage, key, ttl, answer)
    decision = policy.evaluate(answer.statements, arn)
    if decision != "Allow":
        inv.note_error("The client is not authorized to perform this operation.")
        raise denied(EXPLICIT_DENY if decision == "Deny" else NOT_ALLOWED)
    inv.note("Successfully completed authorizer execution")
    inv.context["authorizer"] = {
        "principalId": answer.principal_id, "integrationLatency": latency,
        **{name: lambda_.stringify(value) for name, value in answer.context.items()}}
    inv.usage_identifier_key = answer.usage_identifier_key


def _java_date(epoch: Any) -> str:
    """A time claim as REST APIs hand claims on (Java's ``Date.toString()``)."""
    try:
        moment = datetime.fromtimestamp(float(epoch), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return str(epoch)
    return moment.strftime("%a %b %d %H:%M:%S UTC %Y")


def _claim(name: str, value: Any) -> str:
    if name in ("exp", "iat"):
        return _java_date(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def _cognito(inv: Invocation, parts: GatewayParts, authorizer: dict[str, Any]) -> None:
    sources = _sources(authorizer.get("identitySource")) or [
        "method.request.header.Authorization"]
    values = identity_values(inv, sources[:1])
    if values is None:
        raise unauthorized(log="Unauthorized request: the identity source is missing")
    token = values[0].removeprefix("Bearer ").strip()
    pools = [str(arn).rsplit("/", 1)[-1] for arn in authorizer.get("providerARNs") or []]
    try:
        claims = parts.ports.identity.verify(token, now=parts.clock.now(), pool_ids=pools)
    except LookupError:
        raise misconfigured("Cognito user pools are not available") from None
    except TokenRejected as rejected:
        if rejected.expired:
            raise unauthorized(EXPIRED) from None
        raise unauthorized(log=f"Unauthorized request: {rejected.message}") from None
    scopes: list[str] = list(inv.method.get("authorizationScopes") or [])
    granted: list[str] | None = None
    if scopes:
        granted = str(claims.get("scope") or "").split()
        if claims.get("token_use") != "access" or not set(scopes) & set(granted):
            raise unauthorized(log="Unauthorized request: the token has none of the "
                                   "method's scopes")
    elif claims.get("token_use") != "id":
        raise unauthorized(log="Unauthorized request: the method needs an ID token")
    inv.context["authorizer"] = {
        "claims": {name: _claim(name, value) for name, value in claims.items()},
        "scopes": granted, "principalId": None}


def _iam(inv: Invocation, parts: GatewayParts) -> None:
    try:
        caller = sigv4.verify(inv.request, inv.request.raw_path or inv.request.path,
                              parts.clock.now_datetime())
    except sigv4.SignatureRejected as rejected:
        if rejected.kind == "missing":
            raise GatewayError("MISSING_AUTHENTICATION_TOKEN", 403, rejected.message
                               ) from None
        if rejected.kind == "incomplete":
            raise GatewayError("INVALID_SIGNATURE", 403, rejected.message,
                               error_type="IncompleteSignatureException") from None
        raise GatewayError("INVALID_SIGNATURE", 403, rejected.message) from None
    inv.context["identity"].update(caller.identity())


async def authorize(inv: Invocation, parts: GatewayParts) -> None:
    """Admit the caller by the method's ``authorizationType``, or raise the refusal."""
    kind = inv.method.get("authorizationType") or "NONE"
    if kind == "AWS_IAM":
        _iam(inv, parts)
        return
    if kind not in ("CUSTOM", "COGNITO_USER_POOLS"):
        return
    authorizer = inv.snapshot.authorizers.get(str(inv.method.get("authorizerId") or ""))
    if authorizer is None:
        raise misconfigured("the method's authorizer does not exist")
    if authorizer.get("type") == "COGNITO_USER_POOLS":
        _cognito(inv, parts, authorizer)
    else:
        await _lambda(inv, parts, authorizer)


__all__ = ["authorize", "identity_values", "method_arn", "request_event", "token_event"]
