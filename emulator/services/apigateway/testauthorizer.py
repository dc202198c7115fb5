"""TestInvokeAuthorizer: run an authorizer of the current (undeployed) API once with the given
headers, query string and stage variables, and report what it decided."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from typing import Any
from urllib.parse import parse_qsl

from emulator.context import RequestContext
from emulator.gateway.authorizers import lambda_, policy
from emulator.ports import TokenRejected
from emulator.services.apigateway.common import ApiGatewayBase

STAGE = "test-invoke-stage"


def _header(headers: dict[str, list[str]], name: str) -> str | None:
    found = [v for k, vs in headers.items() if k.lower() == name.lower() for v in vs]
    return found[-1] if found else None


def _statement_doc(statement: policy.Statement) -> dict[str, Any]:
    doc = asdict(statement)
    return {"Effect": doc["effect"],
            "NotAction" if doc["not_actions"] else "Action": list(doc["actions"]),
            "NotResource" if doc["not_resources"] else "Resource": list(doc["resources"])}


class TestAuthorizerApi(ApiGatewayBase):
    async def test_invoke_authorizer(self, ctx: RequestContext, *, rest_api_id: str,
                                     authorizer_id: str,
                                     headers: dict[str, str] | None = None,
                                     multi_value_headers: dict[str, list[str]] | None = None,
                                     path_with_query_string: str | None = None,
                                     body: str | None = None,
                                     stage_variables: dict[str, str] | None = None,
                                     **_: Any) -> dict[str, Any]:
        record = self.api_record(ctx, rest_api_id)
        authorizer = record.authorizers.get(authorizer_id)
        if authorizer is None:
            raise self.not_found("Invalid Authorizer identifier specified")
        every: dict[str, list[str]] = {k: [v] for k, v in (headers or {}).items()}
        for key, values in (multi_value_headers or {}).items():
            every.setdefault(key, []).extend(values)
        path, _sep, query = (path_with_query_string or "/").partition("?")
        multi_query: dict[str, list[str]] = {}
        for key, value in parse_qsl(query, keep_blank_values=True):
            multi_query.setdefault(key, []).append(value)
        source = str(authorizer.get("identitySource") or "method.request.header.Authorization")
        started = time.perf_counter()
        log: list[str] = []
        result: dict[str, Any] = {"clientStatus": 200, "authorization": {}, "claims": {}}
        if authorizer.get("type") == "COGNITO_USER_POOLS":
            token = _header(every, source.rsplit(".", 1)[-1]) or ""
            pools = [str(a).rsplit("/", 1)[-1] for a in authorizer.get("providerARNs") or []]
            try:
                claims = self.ports.identity.verify(token.removeprefix("Bearer ").strip(),
                                                    now=self.clock.now(), pool_ids=pools)
                result["claims"] = {k: str(v) for k, v in claims.items()}
            except (TokenRejected, LookupError) as refused:
                result["clientStatus"] = 401
                log.append(f"Unauthorized request: {getattr(refused, 'message', refused)}")
        else:
            arn = policy.method_arn(ctx.region, ctx.account_id, rest_api_id, STAGE, "GET",
                                    path)
            if authorizer.get("type") == "TOKEN":
                event: dict[str, Any] = {"type": "TOKEN", "methodArn": arn,
                                         "authorizationToken": _header(
                                             every, source.rsplit(".", 1)[-1]) or ""}
            else:
                event = {"type": "REQUEST", "methodArn": arn, "resource": path, "path": path,
                         "httpMethod": "GET",
                         "headers": {k: v[-1] for k, v in every.items()},
                         "multiValueHeaders": every,
                         "queryStringParameters": {k: v[-1] for k, v in multi_query.items()},
                         "multiValueQueryStringParameters": multi_query,
                         "pathParameters": {}, "stageVariables": stage_variables or {},
                         "requestContext": {"accountId": ctx.account_id, "apiId": rest_api_id,
                                            "stage": STAGE, "httpMethod": "GET",
                                            "path": f"/{STAGE}{path}", "resourcePath": path}}
            log.append(f"Endpoint request body after transformations: {json.dumps(event)}")
            try:
                invoked = await lambda_.invoke(
                    self.ports, str(authorizer.get("authorizerUri") or ""), event,
                    account=ctx.account_id, region=ctx.region,
                    stage_variables=stage_variables or {})
                answer = lambda_.policy_answer(invoked.answer)
                result["principalId"] = answer.principal_id
                result["policy"] = json.dumps({"Version": "2012-10-17", "Statement": [
                    _statement_doc(s) for s in answer.statements]})
                result["authorization"] = {k: [lambda_.stringify(v)]
                                           for k, v in answer.context.items()}
            except lambda_.Unauthorized:
                result["clientStatus"] = 401
                log.append("Unauthorized request")
            except lambda_.Misconfigured as bad:
                result["clientStatus"] = 500
                log.append(f"Execution failed due to configuration error: {bad.log}")
        result["latency"] = int((time.perf_counter() - started) * 1000)
        result["log"] = "\n".join(log)
        return result


__all__ = ["TestAuthorizerApi"]
