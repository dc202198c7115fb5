"""HTTP API Lambda proxy integrations through real functions: the events of payload formats
2.0 and 1.0 compared key by key with AWS's documented examples, the 2.0 response inference
rules, cookies, binary bodies, stage variables, and AWS's answers to failing functions."""

from __future__ import annotations

import base64
import json
from typing import Any

from http_api_support import ECHO, HttpApi, new_function, new_http_api

from emulator.testing import EmulatorHandle

# The example events of "Create AWS Lambda proxy integrations for HTTP APIs" (payload format
# structure). requestContext.authentication only appears with mutual TLS, and the 1.0
# identity's clientCert likewise, so those are left out of the key comparison.
DOCUMENTED_V2: dict[str, Any] = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/my/path",
    "rawQueryString": "parameter1=value1&parameter1=value2&parameter2=value",
    "cookies": ["cookie1", "cookie2"],
    "headers": {"header1": "value1", "header2": "value1,value2"},
    "queryStringParameters": {"parameter1": "value1,value2", "parameter2": "value"},
    "requestContext": {
        "accountId": "123456789012",
        "apiId": "api-id",
        "authorizer": {"jwt": {"claims": {"claim1": "value1", "claim2": "value2"},
                               "scopes": ["scope1", "scope2"]}},
        "domainName": "id.execute-api.us-east-1.amazonaws.com",
        "domainPrefix": "id",
        "http": {"method": "POST", "path": "/my/path", "protocol": "HTTP/1.1",
                 "sourceIp": "192.0.2.1", "userAgent": "agent"},
        "requestId": "id",
        "routeKey": "$default",
        "stage": "$default",
        "time": "12/Mar/2020:19:03:58 +0000",
        "timeEpoch": 1583348638390,
    },
    "body": "Hello from Lambda",
    "pathParameters": {"parameter1": "value1"},
    "isBase64Encoded": False,
    "stageVariables": {"stageVariable1": "value1", "stageVariable2": "value2"},
}
DOCUMENTED_V1: dict[str, Any] = {
    "version": "1.0",
    "resource": "/my/path",
    "path": "/my/path",
    "httpMethod": "GET",
    "headers": {"header1": "value1", "header2": "value2"},
    "multiValueHeaders": {"header1": ["value1"], "header2": ["value1", "value2"]},
    "queryStringParameters": {"parameter1": "value2", "parameter2": "value"},
    "multiValueQueryStringParameters": {"parameter1": ["value1", "value2"],
                                        "parameter2": ["value"]},
    "requestContext": {
        "accountId": "123456789012", "apiId": "id",
        "authorizer": {"claims": None, "scopes": None},
        "domainName": "id.execute-api.us-east-1.amazonaws.com", "domainPrefix": "id",
        "extendedRequestId": "request-id", "httpMethod": "GET",
        "identity": {
            "accessKey": None, "accountId": None, "caller": None,
            "cognitoAuthenticationProvider": None, "cognitoAuthenticationType": None,
            "cognitoIdentityId": None, "cognitoIdentityPoolId": None, "principalOrgId": None,
            "sourceIp": "192.0.2.1", "user": None, "userAgent": "user-agent", "userArn": None,
        },
        "path": "/my/path", "protocol": "HTTP/1.1", "requestId": "id=",
        "requestTime": "04/Mar/2020:19:15:17 +0000", "requestTimeEpoch": 1583349317135,
        "resourceId": None, "resourcePath": "/my/path", "stage": "$default",
    },
    "pathParameters": None,
    "stageVariables": None,
    "body": "Hello from Lambda!",
    "isBase64Encoded": False,
}


def _api(emulator: EmulatorHandle, code: str, key: str, version: str = "2.0",
         **stage: Any) -> HttpApi:
    api = new_http_api(emulator)
    api.route(key, api.lambda_integration(new_function(emulator, code), version))
    api.stage(**stage)
    return api


def test_payload_2_event_matches_the_documented_example_key_by_key(
        emulator: EmulatorHandle) -> None:
    api = _api(emulator, ECHO, "POST /my/{parameter1}",
               StageVariables={"stageVariable1": "value1", "stageVariable2": "value2"})
    reply = api.request(
        "POST", "/my/value1?parameter1=value1&parameter1=value2&parameter2=value",
        content=b"Hello from Lambda",
        headers=[("Header1", "value1"), ("header2", "value1"), ("header2", "value2"),
                 ("Cookie", "cookie1; cookie2"), ("User-Agent", "agent"),
                 ("Content-Type", "text/plain")])
    assert reply.status_code == 200
    event = reply.json()
    assert set(event) == set(DOCUMENTED_V2)
    context = event["requestContext"]
    documented = DOCUMENTED_V2["requestContext"]
    assert set(context) == set(documented) - {"authorizer"}  # no authorizer on this route
    assert set(context["http"]) == set(documented["http"])
    for key in ("version", "rawQueryString", "cookies", "queryStringParameters",
                "isBase64Encoded", "stageVariables"):
        assert event[key] == DOCUMENTED_V2[key], key
    assert event["routeKey"] == context["routeKey"] == "POST /my/{parameter1}"
    assert event["rawPath"] == context["http"]["path"] == "/my/value1"
    assert event["pathParameters"] == DOCUMENTED_V2["pathParameters"]
    assert event["body"] == "Hello from Lambda"
    assert event["headers"]["header1"] == "value1"
    assert event["headers"]["header2"] == "value1,value2"  # joined with commas
    assert "cookie" not in event["headers"]  # cookies travel in "cookies"
    assert all(name == name.lower() for name in event["headers"])
    assert context["http"]["method"] == "POST" and context["http"]["userAgent"] == "agent"
    assert context["stage"] == "$default" and context["apiId"] == api.id
    # AWS's domainName names the API ("id.execute-api.us-east-1.amazonaws.com" in the
    # documented example) and domainPrefix is its first label; the path form of the invoke URL
    # gets the API's host-form name, as the host form itself does.
    assert context["domainName"] == f"{api.id}.execute-api.localhost"
    assert context["domainPrefix"] == api.id
    assert context["requestId"] == reply.headers["apigw-requestid"]
    assert context["time"].endswith(" +0000") and isinstance(context["timeEpoch"], int)
    # API Gateway's own headers, as events AWS delivers carry them (the awsdocs sample
    # https://github.com/awsdocs/aws-lambda-developer-guide/blob/main/sample-apps/nodejs-apig/event-v2.json;
    # serverless-patterns apigw-http-api-lambda/src/app.js answers headers["x-forwarded-for"]).
    headers = event["headers"]
    assert headers["x-forwarded-for"] == context["http"]["sourceIp"]
    assert headers["x-forwarded-proto"] == "http" and headers["x-forwarded-port"].isdigit()
    assert headers["x-amzn-trace-id"].startswith("Root=1-")


def test_payload_2_leaves_out_what_the_request_does_not_have(emulator: EmulatorHandle
                                                             ) -> None:
    api = _api(emulator, ECHO, "GET /plain")
    event = api.get("/plain").json()
    for absent in ("cookies", "queryStringParameters", "pathParameters", "body",
                   "stageVariables"):
        assert absent not in event, absent
    assert event["rawQueryString"] == "" and event["isBase64Encoded"] is False


def test_payload_1_event_matches_the_documented_example_key_by_key(
        emulator: EmulatorHandle) -> None:
    api = _api(emulator, ECHO, "GET /my/path", version="1.0")
    reply = api.get("/my/path?parameter1=value1&parameter1=value2&parameter2=value",
                    headers=[("header1", "value1"), ("header2", "value1"),
                             ("header2", "value2"), ("User-Agent", "user-agent")])
    assert reply.status_code == 200
    event = reply.json()
    assert set(event) == set(DOCUMENTED_V1)
    context = event["requestContext"]
    assert set(context) == set(DOCUMENTED_V1["requestContext"])
    assert set(context["identity"]) == set(DOCUMENTED_V1["requestContext"]["identity"])
    for key in ("version", "resource", "path", "httpMethod", "queryStringParameters",
                "multiValueQueryStringParameters", "pathParameters", "stageVariables",
                "isBase64Encoded"):
        assert event[key] == DOCUMENTED_V1[key], key
    assert event["headers"]["header2"] == "value2"  # the last value
    assert event["multiValueHeaders"]["header2"] == ["value1", "value2"]
    assert context["authorizer"] == {"claims": None, "scopes": None}
    assert context["resourcePath"] == "/my/path" and context["stage"] == "$default"
    assert context["identity"]["userAgent"] == "user-agent"
    assert (context["domainName"], context["domainPrefix"]) == (
        f"{api.id}.execute-api.localhost", api.id)  # not the emulator's own address
    assert event["body"] is None


def test_named_stage_prefix_reaches_raw_path_and_stage_variables(emulator: EmulatorHandle
                                                                 ) -> None:
    api = _api(emulator, ECHO, "GET /items/{id}", StageName="prod",
               StageVariables={"color": "blue"})
    event = api.get("/items/7", stage="prod").json()
    assert event["rawPath"] == "/prod/items/7"
    assert event["requestContext"]["stage"] == "prod"
    assert event["pathParameters"] == {"id": "7"}
    assert event["stageVariables"] == {"color": "blue"}
    assert api.get("/items/7").status_code == 404  # there is no $default stage


def test_binary_and_form_bodies_arrive_base64_encoded(emulator: EmulatorHandle) -> None:
    api = _api(emulator, ECHO, "POST /upload")
    raw = bytes(range(256))
    event = api.request("POST", "/upload", content=raw,
                        headers={"Content-Type": "application/octet-stream"}).json()
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == raw
    form = api.request("POST", "/upload", content=b"a=1&b=2",
                       headers={"Content-Type": "application/x-www-form-urlencoded"}).json()
    assert form["isBase64Encoded"] is True and base64.b64decode(form["body"]) == b"a=1&b=2"
    text = api.request("POST", "/upload", json={"a": 1}).json()
    assert text["isBase64Encoded"] is False and json.loads(text["body"]) == {"a": 1}


INFERRED = """
import json
def handler(event, context):
    kind = event["rawPath"].strip("/")
    if kind == "string":
        return "Hello from Lambda!"
    if kind == "object":
        return {"message": "Hello from Lambda!"}
    if kind == "list":
        return [1, 2]
    if kind == "full":
        return {"statusCode": 201, "headers": {"x-a": "1"}, "cookies": ["s=1", "t=2"],
                "body": "made"}
    if kind == "binary":
        return {"statusCode": 200, "isBase64Encoded": True, "body": "AAEC",
                "headers": {"content-type": "application/octet-stream"}}
    if kind == "malformed":
        return {"statusCode": "abc"}
    raise RuntimeError("boom")
"""


def test_payload_2_response_inference_rules(emulator: EmulatorHandle) -> None:
    api = _api(emulator, INFERRED, "ANY /{kind}")
    string = api.get("/string")
    assert string.status_code == 200 and string.text == "Hello from Lambda!"
    assert string.headers["content-type"] == "application/json"
    obj = api.get("/object")
    assert obj.status_code == 200 and obj.text == '{"message":"Hello from Lambda!"}'
    assert obj.headers["content-type"] == "application/json"
    assert api.get("/list").text == "[1,2]"
    full = api.get("/full")
    assert full.status_code == 201 and full.text == "made" and full.headers["x-a"] == "1"
    assert full.headers.get_list("set-cookie") == ["s=1", "t=2"]
    binary = api.get("/binary")
    assert binary.content == b"\x00\x01\x02"
    for failing in ("/malformed", "/error"):
        reply = api.get(failing)
        assert reply.status_code == 500, failing
        assert reply.json() == {"message": "Internal Server Error"}


def test_payload_1_responses_keep_multi_value_headers(emulator: EmulatorHandle) -> None:
    code = """
def handler(event, context):
    return {"statusCode": 202, "multiValueHeaders": {"x-m": ["a", "b"]},
            "headers": {"x-s": "c"}, "body": "ok"}
"""
    api = _api(emulator, code, "GET /one", version="1.0")
    reply = api.get("/one")
    assert reply.status_code == 202 and reply.text == "ok"
    assert reply.headers.get_list("x-m") == ["a", "b"] and reply.headers["x-s"] == "c"
    not_inferred = _api(emulator, "def handler(e, c):\n    return {'a': 1}\n", "GET /x",
                        version="1.0")
    assert not_inferred.get("/x").status_code == 500  # 1.0 needs a statusCode


def test_unknown_routes_and_the_host_form_of_invoke_urls(emulator: EmulatorHandle) -> None:
    api = _api(emulator, ECHO, "GET /known")
    missing = api.get("/unknown")
    assert missing.status_code == 404 and missing.json() == {"message": "Not Found"}
    import httpx
    reply = httpx.get(f"{emulator.endpoint_url}/known",
                      headers={"Host": f"{api.id}.execute-api.localhost"})
    assert reply.status_code == 200
    assert reply.json()["requestContext"]["domainName"] == f"{api.id}.execute-api.localhost"
    assert reply.json()["requestContext"]["domainPrefix"] == api.id
    explicit = api.get("/known", stage="$default")
    assert explicit.status_code == 200 and explicit.json()["rawPath"] == "/known"
