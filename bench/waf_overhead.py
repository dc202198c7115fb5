"""AWS WAF's added latency on an API Gateway call: a MOCK method on a stage a web ACL with 10
rules protects, against the same method on a stage of the same API no web ACL protects, in the
same emulator. Nothing matches the request, so every rule is evaluated (the worst case for an
allowed request), and the rate-based rule counts each call."""

from __future__ import annotations

from typing import Any

import httpx

from bench import servers
from bench.clients import client
from bench.results import Result, summary
from bench.timing import alternate

TARGET = 1.10  # the target: at most 10% over the same call without WAF
NONE = [{"Priority": 0, "Type": "NONE"}]
DECODED = [{"Priority": 0, "Type": "URL_DECODE"}, {"Priority": 1, "Type": "LOWERCASE"}]


class Unavailable(Exception):
    """The emulator cannot answer the setup calls."""


def _byte(search: str, field: dict[str, Any]) -> dict[str, Any]:
    return {"ByteMatchStatement": {"SearchString": search.encode(), "FieldToMatch": field,
                                   "PositionalConstraint": "CONTAINS",
                                   "TextTransformations": DECODED}}


def rules(ip_set_arn: str) -> list[dict[str, Any]]:
    """Ten rules of the kinds real web ACLs hold, none matching the benchmark's request."""
    statements: list[dict[str, Any]] = [
        {"IPSetReferenceStatement": {"ARN": ip_set_arn}},
        {"GeoMatchStatement": {"CountryCodes": ["KP", "IR"]}},
        {"RateBasedStatement": {"Limit": 10_000_000, "AggregateKeyType": "IP"}},
        _byte("wp-admin", {"UriPath": {}}),
        _byte("sqlmap", {"SingleHeader": {"Name": "user-agent"}}),
        {"SqliMatchStatement": {"FieldToMatch": {"AllQueryArguments": {}},
                                "TextTransformations": DECODED}},
        {"XssMatchStatement": {"FieldToMatch": {"Body": {"OversizeHandling": "CONTINUE"}},
                               "TextTransformations": DECODED}},
        {"SizeConstraintStatement": {"FieldToMatch": {"QueryString": {}},
                                     "ComparisonOperator": "GT", "Size": 4096,
                                     "TextTransformations": NONE}},
        {"RegexMatchStatement": {"RegexString": r"(?i)\.(php|asp|jsp)$",
                                 "FieldToMatch": {"UriPath": {}}, "TextTransformations": NONE}},
        {"AndStatement": {"Statements": [
            _byte("POST", {"Method": {}}),
            {"LabelMatchStatement": {"Scope": "NAMESPACE", "Key": "awswaf:managed:"}}]}},
    ]
    return [{"Name": f"rule-{index}", "Priority": index, "Statement": statement,
             "Action": {"Block": {}},
             "VisibilityConfig": {"SampledRequestsEnabled": True,
                                  "CloudWatchMetricsEnabled": True,
                                  "MetricName": f"rule-{index}"}}
            for index, statement in enumerate(statements)]


def _setup(endpoint_url: str) -> tuple[str, str]:
    """The URLs of one MOCK method on the protected stage and on the open one."""
    from botocore.exceptions import ClientError

    gateway, waf = client("apigateway", endpoint_url), client("wafv2", endpoint_url)
    try:
        api = gateway.create_rest_api(name="bench-waf")
    except ClientError as error:
        raise Unavailable(str(error)) from None
    api_id = api["id"]
    resource = gateway.create_resource(restApiId=api_id, parentId=api["rootResourceId"],
                                       pathPart="items")["id"]
    gateway.put_method(restApiId=api_id, resourceId=resource, httpMethod="GET",
                       authorizationType="NONE")
    gateway.put_integration(restApiId=api_id, resourceId=resource, httpMethod="GET",
                            type="MOCK",
                            requestTemplates={"application/json": '{"statusCode": 200}'})
    gateway.put_method_response(restApiId=api_id, resourceId=resource, httpMethod="GET",
                                statusCode="200")
    gateway.put_integration_response(restApiId=api_id, resourceId=resource, httpMethod="GET",
                                     statusCode="200",
                                     responseTemplates={"application/json": '{"ok": true}'})
    for stage in ("guarded", "open"):
        gateway.create_deployment(restApiId=api_id, stageName=stage)
    ip_set = waf.create_ip_set(Name="bench-blocked", Scope="REGIONAL", IPAddressVersion="IPV4",
                               Addresses=["198.51.100.0/24"])["Summary"]["ARN"]
    web_acl = waf.create_web_acl(
        Name="bench-ten-rules", Scope="REGIONAL", DefaultAction={"Allow": {}},
        Rules=rules(ip_set), VisibilityConfig={
            "SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True,
            "MetricName": "bench"})["Summary"]["ARN"]
    waf.associate_web_acl(
        WebACLArn=web_acl,
        ResourceArn=f"arn:aws:apigateway:us-east-1::/restapis/{api_id}/stages/guarded")
    base = f"{endpoint_url}/_aws/execute-api/{api_id}"
    return f"{base}/guarded/items?page=2&sort=name", f"{base}/open/items?page=2&sort=name"


def run(calls: int, warmup: int) -> list[Result]:
    port = servers.free_port()
    with servers.started(servers.emulator_command(port), port) as server, \
            httpx.Client() as http:
        guarded, open_url = _setup(server.endpoint_url)

        def getter(url: str) -> Any:
            def call() -> None:
                reply = http.get(url, headers={"User-Agent": "bench/1.0"})
                if reply.status_code != 200:
                    raise RuntimeError(f"{url} answered {reply.status_code}")
            return call

        alternate(getter(guarded), getter(open_url), warmup)
        got = alternate(getter(guarded), getter(open_url), calls)
    return summary("API Gateway MOCK call behind a 10-rule web ACL vs no web ACL", *got,
                   TARGET, calls)


__all__ = ["Unavailable", "rules", "run"]
