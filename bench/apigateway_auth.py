"""API Gateway access control: a MOCK method behind a Lambda authorizer whose answer is cached,
against the same MOCK method unprotected, on one emulator in the same run. A line for the
uncached authorizer (TTL 0, the function runs on every call) is shown for context."""

from __future__ import annotations

from typing import Any

import httpx

from bench import servers
from bench.apigateway_invoke import Unavailable, _getter
from bench.clients import ROLE, client, function_zip
from bench.results import Result, median
from bench.timing import alternate

# A cache hit evaluates the cached policy against the method ARN: at most a quarter slower.
TARGET = 1.25
AUTHORIZER = """
def handler(event, context):
    return {"principalId": "bench", "policyDocument": {"Version": "2012-10-17", "Statement": [
        {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": event["methodArn"]}]},
        "context": {"tier": "gold"}}
"""
TOKEN = {"Authorization": "bench-token"}


def _setup(endpoint_url: str) -> str:
    """A stage with /open, /cached and /uncached; returns its base URL."""
    from botocore.exceptions import ClientError

    lambdas, gateway = client("lambda", endpoint_url), client("apigateway", endpoint_url)
    try:
        function = lambdas.create_function(
            FunctionName="bench-authorizer", Runtime="python3.11", Handler="app.handler",
            Role=ROLE, Code={"ZipFile": function_zip(AUTHORIZER)},
            Tags={"emulator:executor": "inprocess"})["FunctionArn"]
        api = gateway.create_rest_api(name="bench-auth")
    except ClientError as error:
        raise Unavailable(str(error)) from None
    api_id, root = api["id"], api["rootResourceId"]
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function}/invocations"
    authorizers = {ttl: gateway.create_authorizer(
        restApiId=api_id, name=f"ttl-{ttl}", type="TOKEN", authorizerUri=uri,
        identitySource="method.request.header.Authorization",
        authorizerResultTtlInSeconds=ttl)["id"] for ttl in (0, 3600)}

    def method(part: str, **auth: Any) -> None:
        resource = gateway.create_resource(restApiId=api_id, parentId=root, pathPart=part)["id"]
        gateway.put_method(restApiId=api_id, resourceId=resource, httpMethod="GET",
                           **(auth or {"authorizationType": "NONE"}))
        gateway.put_integration(restApiId=api_id, resourceId=resource, httpMethod="GET",
                                type="MOCK",
                                requestTemplates={"application/json": '{"statusCode": 200}'})
        gateway.put_method_response(restApiId=api_id, resourceId=resource, httpMethod="GET",
                                    statusCode="200")
        gateway.put_integration_response(
            restApiId=api_id, resourceId=resource, httpMethod="GET", statusCode="200",
            responseTemplates={"application/json": '{"ok": true}'})

    method("open")
    method("cached", authorizationType="CUSTOM", authorizerId=authorizers[3600])
    method("uncached", authorizationType="CUSTOM", authorizerId=authorizers[0])
    gateway.create_deployment(restApiId=api_id, stageName="bench")
    return f"{endpoint_url}/_aws/execute-api/{api_id}/bench"


def run(calls: int, warmup: int) -> list[Result]:
    port = servers.free_port()
    with (servers.started(servers.emulator_command(port), port) as server,
          httpx.Client(headers=TOKEN) as client):
        base = _setup(server.endpoint_url)
        open_call = _getter(client, base + "/open")
        results: list[Result] = []
        for label, path, target in (("cached Lambda authorizer", "/cached", TARGET),
                                    ("Lambda authorizer without caching", "/uncached", None)):
            ours = _getter(client, base + path)
            alternate(ours, open_call, warmup)
            our_times, open_times = alternate(ours, open_call, calls)
            results.append(Result(
                f"API Gateway MOCK behind a {label} vs unprotected, GET (median)", "s",
                median(our_times), median(open_times), target, calls))
        return results


__all__ = ["run"]
