"""Lambda behind API Gateway, through real functions: the v1 proxy event compared with AWS's
documented example, proxy answers (and AWS's 502 for malformed ones), non-proxy Lambda with
templates and error selection patterns, stage variables in function names, and the
integration timeout."""

from __future__ import annotations

import base64
import json
from typing import Any

from apigateway_support import Api, lambda_uri, new_api
from lambda_support import create_function

from emulator.testing import EmulatorHandle

# The example input event from AWS's "Set up Lambda proxy integrations" page (REST APIs,
# "Input format of a Lambda function for proxy integration"). Its keys are compared one by one;
# the single-value maps hold the last value of a repeated header or parameter, as AWS sends.
DOCUMENTED_EVENT: dict[str, Any] = {
    "resource": "/my/path",
    "path": "/my/path",
    "httpMethod": "GET",
    "headers": {"header1": "value1", "header2": "value2"},
    "multiValueHeaders": {"header1": ["value1"], "header2": ["value1", "value2"]},
    "queryStringParameters": {"parameter1": "value2", "parameter2": "value"},
    "multiValueQueryStringParameters": {"parameter1": ["value1", "value2"],
                                        "parameter2": ["value"]},
    "requestContext": {
        "accountId": "123456789012",
        "apiId": "id",
        "authorizer": {"claims": None, "scopes": None},
        "domainName": "id.execute-api.us-east-1.amazonaws.com",
        "domainPrefix": "id",
        "extendedRequestId": "request-id",
        "httpMethod": "GET",
        "identity": {
            "accessKey": None, "accountId": None, "caller": None,
            "cognitoAuthenticationProvider": None, "cognitoAuthenticationType": None,
            "cognitoIdentityId": None, "cognitoIdentityPoolId": None, "principalOrgId": None,
            "sourceIp": "IP", "user": None, "userAgent": "user-agent", "userArn": None,
            "clientCert": {"clientCertPem": "CERT_CONTENT", "subjectDN": "www.example.com",
                           "issuerDN": "Example issuer",
                           "serialNumber": "a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1:a1",
                           "validity": {"notBefore": "May 28 12:30:02 2019 GMT",
                                        "notAfter": "Aug  5 09:36:04 2021 GMT"}},
        },
        "path": "/my/path",
        "protocol": "HTTP/1.1",
        "requestId": "id=",
        "requestTime": "04/Mar/2020:19:15:17 +0000",
        "requestTimeEpoch": 1583349317135,
        "resourceId": None,
        "resourcePath": "/my/path",
        "stage": "$default",
    },
    "pathParameters": None,
    "stageVariables": None,
    "body": "Hello from Lambda!",
    "isBase64Encoded": False,
}

ECHO = {"app.py": """
    import json
    def handler(event, context):
        return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
                "body": json.dumps(event)}
"""}


def _proxy_api(emulator: EmulatorHandle, files: dict[str, str], path: str = "/my/path",
               method: str = "ANY", **api_options: Any) -> tuple[Api, str]:
    name = create_function(emulator.client("lambda"), files)
    arn = f"arn:aws:lambda:{emulator.region}:000000000000:function:{name}"
    api = new_api(emulator, **api_options)
    api.method(path, method, {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                              "uri": lambda_uri(emulator.region, arn)})
    return api, name


def test_proxy_event_matches_the_documented_example_key_by_key(
        emulator: EmulatorHandle) -> None:
    api, _ = _proxy_api(emulator, ECHO)
    api.deploy("prod", variables={"v": "1"})
    reply = api.get("prod", "/my/path?parameter1=value1&parameter1=value2&parameter2=value",
                     headers=[("header1", "value1"), ("header2", "value1"),
                              ("header2", "value2"), ("User-Agent", "user-agent")])
    assert reply.status_code == 200
    event = reply.json()
    assert set(event) == set(DOCUMENTED_EVENT)
    context = event["requestContext"]
    # Every documented requestContext key, and only the deploymentId besides.
    assert set(context) - set(DOCUMENTED_EVENT["requestContext"]) == {"deploymentId"}
    assert set(DOCUMENTED_EVENT["requestContext"]) <= set(context)
    assert set(context["identity"]) == set(DOCUMENTED_EVENT["requestContext"]["identity"])
    assert set(context["authorizer"]) == {"claims", "scopes"}
    for key in ("resource", "path", "httpMethod", "isBase64Encoded"):
        assert event[key] == DOCUMENTED_EVENT[key], key
    assert event["multiValueHeaders"]["header2"] == ["value1", "value2"]
    assert event["headers"]["header2"] == "value2"  # the last value, as AWS sends
    assert event["multiValueQueryStringParameters"] == \
        DOCUMENTED_EVENT["multiValueQueryStringParameters"]
    assert event["queryStringParameters"] == DOCUMENTED_EVENT["queryStringParameters"]
    assert event["pathParameters"] is None and event["body"] is None
    assert event["stageVariables"] == {"v": "1"}
    assert context["httpMethod"] == "GET" and context["protocol"] == "HTTP/1.1"
    assert context["resourcePath"] == "/my/path" and context["path"] == "/prod/my/path"
    assert context["stage"] == "prod" and context["apiId"] == api.id
    # domainName names the API (the documented example's "id.execute-api.us-east-1.
    # amazonaws.com", domainPrefix its first label): the path form of the invoke URL gets the
    # API's host-form name rather than the emulator's own address.
    assert context["domainName"] == f"{api.id}.execute-api.localhost"
    assert context["domainPrefix"] == api.id
    assert context["accountId"] == "000000000000"
    assert context["identity"]["userAgent"] == "user-agent"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["requestId"] == reply.headers["x-amzn-RequestId"]
    assert isinstance(context["requestTimeEpoch"], int)
    assert context["requestTime"].endswith("+0000")


def test_proxy_event_body_path_parameters_and_binary(emulator: EmulatorHandle) -> None:
    api, _ = _proxy_api(emulator, ECHO, path="/items/{id}", method="POST",
                        binaryMediaTypes=["application/octet-stream"])
    api.deploy("dev")
    text = api.request("POST", "dev", "/items/7", json={"a": 1}).json()
    assert text["pathParameters"] == {"id": "7"} and text["resource"] == "/items/{id}"
    assert json.loads(text["body"]) == {"a": 1} and text["isBase64Encoded"] is False
    binary = api.request("POST", "dev", "/items/8", content=b"\x00\xff",
                         headers={"Content-Type": "application/octet-stream"}).json()
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == b"\x00\xff"


def test_proxy_answers_headers_status_and_base64(emulator: EmulatorHandle) -> None:
    api, _ = _proxy_api(emulator, {"app.py": """
        import base64
        def handler(event, context):
            if event["path"] == "/img":
                return {"statusCode": 200, "isBase64Encoded": True,
                        "headers": {"Content-Type": "image/png"},
                        "body": base64.b64encode(b"\\x89PNG").decode()}
            return {"statusCode": 201, "headers": {"X-One": "1"},
                    "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]}, "body": "made"}
    """}, path="/{proxy+}", binaryMediaTypes=["image/png"])
    api.deploy("dev")
    made = api.get("dev", "/thing")
    assert made.status_code == 201 and made.text == "made"
    assert made.headers["X-One"] == "1"
    assert made.headers.get_list("Set-Cookie") == ["a=1", "b=2"]
    image = api.get("dev", "/img", headers={"Accept": "image/png"})
    assert image.content == b"\x89PNG"


def test_malformed_or_failing_proxy_functions_give_502(emulator: EmulatorHandle) -> None:
    api, _ = _proxy_api(emulator, {"app.py": """
        def handler(event, context):
            kind = event["path"].strip("/")
            if kind == "objectbody":
                return {"statusCode": 200, "body": {"a": 1}}
            if kind == "raise":
                raise ValueError("boom")
            return "just a string"
    """}, path="/{proxy+}")
    api.deploy("dev")
    # (an answer without statusCode is a 200: see test_apigateway_edges.py)
    for path in ("/objectbody", "/raise", "/string"):
        reply = api.get("dev", path)
        assert reply.status_code == 502, path
        assert reply.json() == {"message": "Internal server error"}


def test_non_proxy_lambda_with_templates_and_selection_patterns(
        emulator: EmulatorHandle) -> None:
    name = create_function(emulator.client("lambda"), {"app.py": """
        def handler(event, context):
            if event.get("name") == "missing":
                raise KeyError("NotFound: no pet called missing")
            return {"greeting": "hello " + event["name"], "stage": event["stage"]}
    """})
    arn = f"arn:aws:lambda:{emulator.region}:000000000000:function:{name}"
    api = new_api(emulator)
    resource = api.method("/pets/{name}", "GET", {
        "type": "AWS", "integrationHttpMethod": "POST", "uri": lambda_uri(emulator.region, arn),
        "requestTemplates": {"application/json":
                             '{"name": "$input.params(\'name\')", "stage": "$context.stage"}'}})
    client = api.client
    for code in ("200", "404"):
        client.put_method_response(restApiId=api.id, resourceId=resource, httpMethod="GET",
                                   statusCode=code)
    client.put_integration_response(
        restApiId=api.id, resourceId=resource, httpMethod="GET", statusCode="200",
        responseTemplates={"application/json":
                           '#set($root = $input.path(\'$\'))'
                           '{"message": "$root.greeting", "where": "$root.stage"}'})
    client.put_integration_response(
        restApiId=api.id, resourceId=resource, httpMethod="GET", statusCode="404",
        selectionPattern=".*NotFound.*",
        responseTemplates={"application/json":
                           '{"error": "$input.path(\'$.errorMessage\')"}'})
    api.deploy("dev")
    ok = api.get("dev", "/pets/rex")
    assert ok.status_code == 200 and ok.json() == {"message": "hello rex", "where": "dev"}
    missing = api.get("dev", "/pets/missing")
    assert missing.status_code == 404
    assert "NotFound: no pet called missing" in missing.json()["error"]


def test_stage_variables_choose_the_function(emulator: EmulatorHandle) -> None:
    lambdas = emulator.client("lambda")
    first = create_function(lambdas, {"app.py": """
        def handler(event, context):
            return {"statusCode": 200, "body": "first"}
    """})
    second = create_function(lambdas, {"app.py": """
        def handler(event, context):
            return {"statusCode": 200, "body": "second"}
    """})
    api = new_api(emulator)
    api.method("/who", "GET", {
        "type": "AWS_PROXY", "integrationHttpMethod": "POST",
        "uri": lambda_uri(emulator.region, f"arn:aws:lambda:{emulator.region}:000000000000:"
                                           "function:${stageVariables.fn}")})
    api.deploy("a", variables={"fn": first})
    api.deploy("b", variables={"fn": second})
    assert api.get("a", "/who").text == "first"
    assert api.get("b", "/who").text == "second"
    api.deploy("c", variables={"fn": "does-not-exist"})
    unknown = api.get("c", "/who")
    assert unknown.status_code == 500 and unknown.json() == {"message": "Internal server error"}


def test_integration_timeout_gives_504(emulator: EmulatorHandle) -> None:
    name = create_function(emulator.client("lambda"), {"app.py": """
        import time
        def handler(event, context):
            time.sleep(0.4)
            return {"statusCode": 200, "body": "late"}
    """}, Timeout=5)
    api = new_api(emulator)
    api.method("/slow", "GET", {
        "type": "AWS_PROXY", "integrationHttpMethod": "POST", "timeoutInMillis": 50,
        "uri": lambda_uri(emulator.region,
                          f"arn:aws:lambda:{emulator.region}:000000000000:function:{name}")})
    api.deploy("dev")
    reply = api.get("dev", "/slow")
    assert reply.status_code == 504
    assert reply.json() == {"message": "Endpoint request timed out"}
