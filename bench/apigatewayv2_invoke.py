"""HTTP APIs against REST APIs: the same trivial in-process function behind an HTTP API
Lambda proxy route (payload 2.0, and 1.0 for context) and behind a REST API AWS_PROXY method,
on one emulator in the same run, calls alternating."""

from __future__ import annotations

import httpx

from bench import servers
from bench.apigateway_invoke import Unavailable, _getter
from bench.clients import ROLE, client, function_zip
from bench.results import Result, median
from bench.timing import alternate

# An HTTP API call does less than a REST one (no method request, templates or stage cache),
# but both spend most of their time invoking the function: at most a tenth slower.
TARGET = 1.1
FUNCTION = """
def handler(event, context):
    return {"statusCode": 200, "body": "ok"}
"""


def _setup(endpoint_url: str) -> tuple[str, str, str]:
    """The invoke URLs of the REST method and of the HTTP API routes (2.0 and 1.0)."""
    from botocore.exceptions import ClientError

    lambdas = client("lambda", endpoint_url)
    rest, http = client("apigateway", endpoint_url), client("apigatewayv2", endpoint_url)
    try:
        arn = lambdas.create_function(
            FunctionName="bench-http-api", Runtime="python3.11", Handler="app.handler",
            Role=ROLE, Code={"ZipFile": function_zip(FUNCTION)},
            Tags={"emulator:executor": "inprocess"})["FunctionArn"]
        api = rest.create_rest_api(name="bench-rest")
        http_api = http.create_api(Name="bench-http", ProtocolType="HTTP")["ApiId"]
    except ClientError as error:
        raise Unavailable(str(error)) from None
    uri = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{arn}/invocations"
    resource = rest.create_resource(restApiId=api["id"], parentId=api["rootResourceId"],
                                    pathPart="call")["id"]
    rest.put_method(restApiId=api["id"], resourceId=resource, httpMethod="GET",
                    authorizationType="NONE")
    rest.put_integration(restApiId=api["id"], resourceId=resource, httpMethod="GET",
                         type="AWS_PROXY", integrationHttpMethod="POST", uri=uri)
    rest.create_deployment(restApiId=api["id"], stageName="bench")
    for version in ("2.0", "1.0"):
        integration = http.create_integration(
            ApiId=http_api, IntegrationType="AWS_PROXY", IntegrationUri=arn,
            PayloadFormatVersion=version)["IntegrationId"]
        http.create_route(ApiId=http_api, RouteKey=f"GET /call{version[0]}",
                          Target=f"integrations/{integration}")
    http.create_stage(ApiId=http_api, StageName="$default", AutoDeploy=True)
    base = f"{endpoint_url}/_aws/execute-api"
    return (f"{base}/{api['id']}/bench/call", f"{base}/{http_api}/call2",
            f"{base}/{http_api}/call1")


def run(calls: int, warmup: int) -> list[Result]:
    port = servers.free_port()
    with (servers.started(servers.emulator_command(port), port) as server,
          httpx.Client() as client):
        rest_url, v2_url, v1_url = _setup(server.endpoint_url)
        rest_call = _getter(client, rest_url)
        results: list[Result] = []
        for label, url, target in (("payload 2.0", v2_url, TARGET),
                                   ("payload 1.0", v1_url, None)):
            ours = _getter(client, url)
            alternate(ours, rest_call, warmup)
            our_times, rest_times = alternate(ours, rest_call, calls)
            results.append(Result(
                f"HTTP API Lambda proxy ({label}) vs REST AWS_PROXY, GET (median)", "s",
                median(our_times), median(rest_times), target, calls))
        return results


__all__ = ["run"]
