"""Invoking deployed stages with httpx: the three invoke URLs, routing and precedence,
deployment snapshots, stage variables, method request validation, gateway responses, CORS,
passthrough behaviour, parameter mappings, custom domains and HTTP integrations."""

from __future__ import annotations

import json

import httpx
from apigateway_support import lambda_uri, new_api
from lambda_support import create_function

from emulator.testing import EmulatorHandle


def test_three_invoke_urls_reach_the_stage(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    api.mock("/hello", body='{"stage": "$context.stage", "path": "$context.resourcePath"}')
    api.deploy("dev")
    port = emulator.endpoint_url.rsplit(":", 1)[1]
    by_host = httpx.get(f"{emulator.endpoint_url}/dev/hello",
                        headers={"Host": f"{api.id}.execute-api.localhost:{port}"})
    by_path = api.get("dev", "/hello")
    legacy = httpx.get(f"{emulator.endpoint_url}/restapis/{api.id}/dev/_user_request_/hello")
    for reply in (by_host, by_path, legacy):
        assert reply.status_code == 200
        assert reply.json() == {"stage": "dev", "path": "/hello"}
        assert reply.headers["content-type"] == "application/json"
        assert reply.headers["x-amzn-RequestId"]
    # The control plane keeps its own /restapis paths.
    assert api.client.get_rest_api(restApiId=api.id)["id"] == api.id


def test_unknown_route_stage_and_method_get_missing_authentication_token(
        emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    api.mock("/only")
    api.deploy("dev")
    for reply in (api.get("dev", "/nowhere"), api.get("nostage", "/only"),
                  api.request("POST", "dev", "/only")):
        assert reply.status_code == 403
        assert reply.json() == {"message": "Missing Authentication Token"}
        assert reply.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_routing_precedence_path_parameters_greedy_and_any(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    api.mock("/pets/mine", body='{"route": "literal"}')
    api.mock("/pets/{id}", body='{"route": "variable", "id": "$input.params(\'id\')"}')
    api.mock("/pets/{id}", "DELETE", body='{"route": "delete"}')
    api.mock("/{proxy+}", "ANY", body='{"route": "greedy", "rest": "$input.params(\'proxy\')"}')
    api.deploy("dev")
    assert api.get("dev", "/pets/mine").json() == {"route": "literal"}
    assert api.get("dev", "/pets/42").json() == {"route": "variable", "id": "42"}
    assert api.get("dev", "/pets/a%20b").json() == {"route": "variable", "id": "a b"}
    assert api.request("DELETE", "dev", "/pets/42").json() == {"route": "delete"}
    assert api.request("PUT", "dev", "/pets/42").json() == {"route": "greedy",
                                                           "rest": "pets/42"}
    assert api.get("dev", "/a/b/c").json() == {"route": "greedy", "rest": "a/b/c"}
    assert api.get("dev", "/").status_code == 403  # {proxy+} needs at least one segment


def test_changes_reach_a_stage_only_when_redeployed(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    resource = api.mock("/v", body='{"version": 1}')
    api.deploy("dev")
    api.client.update_integration_response(
        restApiId=api.id, resourceId=resource, httpMethod="GET", statusCode="200",
        patchOperations=[{"op": "replace", "path": "/responseTemplates/application~1json",
                          "value": '{"version": 2}'}])
    api.mock("/new")
    assert api.get("dev", "/v").json() == {"version": 1}
    assert api.get("dev", "/new").status_code == 403
    api.deploy("dev")
    assert api.get("dev", "/v").json() == {"version": 2}
    assert api.get("dev", "/new").status_code == 200


def test_stage_variables_in_templates_and_http_uris(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    api.mock("/color", body='{"color": "$stageVariables.color"}')
    api.deploy("red", variables={"color": "red"})
    api.deploy("blue", variables={"color": "blue"})
    assert api.get("red", "/color").json() == {"color": "red"}
    assert api.get("blue", "/color").json() == {"color": "blue"}
    # An HTTP_PROXY whose host comes from a stage variable, pointing back at this emulator.
    backend = f"{emulator.endpoint_url}/_aws/execute-api/{api.id}"
    api.method("/fwd/{proxy+}", "ANY", {
        "type": "HTTP_PROXY", "integrationHttpMethod": "ANY",
        "uri": "${stageVariables.backend}/{proxy}",
        "requestParameters": {"integration.request.path.proxy": "method.request.path.proxy"}},
        requestParameters={"method.request.path.proxy": True})
    api.deploy("proxy", variables={"backend": backend, "color": "green"})
    forwarded = api.get("proxy", "/fwd/red/color")
    assert forwarded.status_code == 200, (forwarded.text, forwarded.headers)
    assert forwarded.json() == {"color": "red"}


def test_method_request_validation_with_aws_bodies(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    client = api.client
    client.create_model(restApiId=api.id, name="Pet", contentType="application/json",
                        schema=json.dumps({
                            "$schema": "http://json-schema.org/draft-04/schema#",
                            "type": "object", "required": ["name"],
                            "properties": {"name": {"type": "string"},
                                           "age": {"type": "integer", "minimum": 0}}}))
    both = client.create_request_validator(restApiId=api.id, name="all",
                                           validateRequestBody=True,
                                           validateRequestParameters=True)
    api.mock("/pets", "POST", body='{"owner": "$input.params(\'owner\')"}',
             requestValidatorId=both["id"], requestModels={"application/json": "Pet"},
             requestParameters={"method.request.querystring.owner": True,
                                "method.request.header.X-Trace": True})
    client.put_gateway_response(
        restApiId=api.id, responseType="BAD_REQUEST_BODY", statusCode="422",
        responseTemplates={"application/json":
                           '{"error": "$context.error.validationErrorString"}'})
    api.deploy("dev")
    missing = api.request("POST", "dev", "/pets", json={"name": "rex"})
    assert missing.status_code == 400
    assert missing.json() == {"message": "Missing required request parameters: "
                                         "[owner, X-Trace]"}
    assert missing.headers["x-amzn-ErrorType"] == "BadRequestException"
    params = {"owner": "me"}
    headers = {"X-Trace": "1"}
    bad = api.request("POST", "dev", "/pets", params=params, headers=headers, json={"age": -1})
    assert bad.status_code == 422
    error = bad.text  # the validator's quotes are not escaped, as on AWS
    assert 'object has missing required properties (["name"])' in error
    assert "numeric instance is lower than the required minimum" in error
    not_json = api.request("POST", "dev", "/pets", params=params,
                           headers={**headers, "Content-Type": "application/json"},
                           content=b"{nope")
    assert not_json.status_code == 422
    good = api.request("POST", "dev", "/pets", params=params, headers=headers,
                       json={"name": "rex", "age": 3})
    assert good.status_code == 200 and good.json() == {"owner": "me"}


def test_gateway_responses_defaults_and_customised_with_cors(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    client = api.client
    # CORS as AWS users build it: OPTIONS + MOCK with the Access-Control headers mapped.
    resource = api.method("/items", "OPTIONS", {
        "type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}})
    client.put_method_response(restApiId=api.id, resourceId=resource, httpMethod="OPTIONS",
                               statusCode="200", responseParameters={
        "method.response.header.Access-Control-Allow-Origin": False,
        "method.response.header.Access-Control-Allow-Methods": False})
    client.put_integration_response(
        restApiId=api.id, resourceId=resource, httpMethod="OPTIONS", statusCode="200",
        responseParameters={
            "method.response.header.Access-Control-Allow-Origin": "'*'",
            "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'"},
        responseTemplates={"application/json": ""})
    client.put_gateway_response(
        restApiId=api.id, responseType="DEFAULT_4XX",
        responseParameters={"gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
                            "gatewayresponse.header.X-Stage": "stageVariables.name"},
        responseTemplates={"application/json":
                           '{"error": $context.error.messageString, '
                           '"type": "$context.error.responseType"}'})
    client.put_gateway_response(restApiId=api.id, responseType="MISSING_AUTHENTICATION_TOKEN",
                                statusCode="404")
    api.deploy("dev", variables={"name": "dev"})
    preflight = api.request("OPTIONS", "dev", "/items")
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET,OPTIONS"
    missing = api.get("dev", "/elsewhere")
    assert missing.status_code == 404
    assert missing.json() == {"error": "Missing Authentication Token",
                              "type": "MISSING_AUTHENTICATION_TOKEN"}
    assert missing.headers["Access-Control-Allow-Origin"] == "*"
    assert missing.headers["X-Stage"] == "dev"


def test_passthrough_behaviors_and_unsupported_media_type(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    for path, behavior in (("/never", "NEVER"), ("/notemplates", "WHEN_NO_TEMPLATES"),
                           ("/nomatch", "WHEN_NO_MATCH")):
        resource = api.method(path, "POST", {
            "type": "MOCK", "passthroughBehavior": behavior,
            "requestTemplates": {"application/json": '{"statusCode": 200}'}})
        api.client.put_method_response(restApiId=api.id, resourceId=resource,
                                       httpMethod="POST", statusCode="200")
        api.client.put_integration_response(restApiId=api.id, resourceId=resource,
                                            httpMethod="POST", statusCode="200",
                                            responseTemplates={"application/json": "{}"})
    api.deploy("dev")
    xml = {"Content-Type": "application/xml"}
    never = api.request("POST", "dev", "/never", headers=xml, content=b"<a/>")
    assert never.status_code == 415 and never.json() == {"message": "Unsupported Media Type"}
    assert api.request("POST", "dev", "/notemplates", headers=xml,
                       content=b"<a/>").status_code == 415
    # WHEN_NO_MATCH passes the XML through to MOCK, which then has no statusCode: 200.
    assert api.request("POST", "dev", "/nomatch", headers=xml, content=b"<a/>").status_code \
        == 200
    assert api.request("POST", "dev", "/never", json={}).status_code == 200


def test_request_and_response_parameter_mapping_through_http(emulator: EmulatorHandle
                                                             ) -> None:
    backend = new_api(emulator, "backend")
    backend.mock("/echo", body='{"q": "$input.params(\'q\')", '
                               '"h": "$input.params(\'X-Mapped\')", '
                               '"path": "$input.params(\'p\')"}')
    resource = backend.resource("/echo")
    backend.client.update_integration_response(
        restApiId=backend.id, resourceId=resource, httpMethod="GET", statusCode="200",
        patchOperations=[{"op": "add", "path": "/responseParameters/method.response.header.X-Up",
                          "value": "'from-backend'"}])
    backend.client.update_method_response(
        restApiId=backend.id, resourceId=resource, httpMethod="GET", statusCode="200",
        patchOperations=[{"op": "add",
                          "path": "/responseParameters/method.response.header.X-Up",
                          "value": "false"}])
    backend.deploy("b")
    front = new_api(emulator, "front")
    resource = front.method("/call/{p}", "GET", {
        "type": "HTTP", "integrationHttpMethod": "GET",
        "uri": f"{emulator.endpoint_url}/_aws/execute-api/{backend.id}/b/echo",
        "requestParameters": {
            "integration.request.querystring.q": "method.request.path.p",
            "integration.request.header.X-Mapped": "'constant'"}},
        requestParameters={"method.request.path.p": True})
    front.client.put_method_response(restApiId=front.id, resourceId=resource,
                                     httpMethod="GET", statusCode="200")
    front.client.put_integration_response(
        restApiId=front.id, resourceId=resource, httpMethod="GET", statusCode="200",
        responseParameters={"method.response.header.X-Back": "integration.response.header.X-Up",
                            "method.response.header.X-Q": "integration.response.body.q"},
        responseTemplates={"application/json": '{"wrapped": $input.json(\'$\')}'})
    front.client.put_method_response(restApiId=front.id, resourceId=resource,
                                     httpMethod="GET", statusCode="502")
    front.client.put_integration_response(restApiId=front.id, resourceId=resource,
                                          httpMethod="GET", statusCode="502",
                                          selectionPattern="4\\d\\d")
    front.deploy("f")
    reply = front.get("f", "/call/abc")
    assert reply.status_code == 200
    assert reply.json() == {"wrapped": {"q": "abc", "h": "constant", "path": ""}}
    assert reply.headers["X-Back"] == "from-backend"
    assert reply.headers["X-Q"] == "abc"


def test_custom_domain_names_route_by_host_and_base_path(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    api.mock("/hello", body='{"stage": "$context.stage"}')
    api.deploy("v1")
    api.deploy("v2")
    client = api.client
    client.create_domain_name(domainName="shop.example.test")
    client.create_base_path_mapping(domainName="shop.example.test", restApiId=api.id,
                                    basePath="one", stage="v1")
    client.create_base_path_mapping(domainName="shop.example.test", restApiId=api.id)
    host = {"Host": "shop.example.test"}
    assert httpx.get(f"{emulator.endpoint_url}/one/hello",
                     headers=host).json() == {"stage": "v1"}
    # Mapped without a stage: the first path segment names it.
    assert httpx.get(f"{emulator.endpoint_url}/v2/hello",
                     headers=host).json() == {"stage": "v2"}


def test_disabled_default_endpoint_is_forbidden(emulator: EmulatorHandle) -> None:
    api = new_api(emulator, disableExecuteApiEndpoint=True)
    api.mock("/x")
    api.deploy("dev")
    reply = api.get("dev", "/x")
    assert reply.status_code == 403 and reply.json() == {"message": "Forbidden"}


def test_content_handling_conversions_and_binary_media_types(emulator: EmulatorHandle) -> None:
    api = new_api(emulator, binaryMediaTypes=["application/octet-stream"])
    # The converted body goes to an HTTP backend that answers the body it received: a Lambda
    # proxy route of another API.
    name = create_function(emulator.client("lambda"), {"app.py": """
        def handler(event, context):
            return {"statusCode": 200, "body": event["body"] or ""}
    """})
    echo = new_api(emulator, "echo")
    echo.method("/body", "POST", {
        "type": "AWS_PROXY", "integrationHttpMethod": "POST",
        "uri": lambda_uri(emulator.region,
                          f"arn:aws:lambda:{emulator.region}:000000000000:function:{name}")})
    echo.deploy("e")
    target = f"{emulator.endpoint_url}/_aws/execute-api/{echo.id}/e/body"
    for path, handling in (("/text", "CONVERT_TO_TEXT"), ("/binary", "CONVERT_TO_BINARY")):
        resource = api.method(path, "POST", {
            "type": "HTTP", "integrationHttpMethod": "POST", "uri": target,
            "contentHandling": handling, "passthroughBehavior": "WHEN_NO_MATCH",
            "requestParameters": {"integration.request.header.Content-Type":
                                  "'application/json'"}})
        api.client.put_method_response(restApiId=api.id, resourceId=resource,
                                       httpMethod="POST", statusCode="200")
        api.client.put_integration_response(restApiId=api.id, resourceId=resource,
                                            httpMethod="POST", statusCode="200")
    api.deploy("dev")
    as_text = api.request("POST", "dev", "/text", content=b"\x00\x01",
                          headers={"Content-Type": "application/octet-stream"})
    assert as_text.status_code == 200 and as_text.text == "AAE="
    as_binary = api.request("POST", "dev", "/binary", content=b"aGk=",
                            headers={"Content-Type": "text/plain"})
    assert as_binary.status_code == 200 and as_binary.content == b"hi"


def test_response_override_and_template_errors(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    api.mock("/teapot", body='#set($context.responseOverride.status = 418)'
                            '#set($context.responseOverride.header.X-Kind = "tea")'
                            '{"short": "and stout"}')
    api.mock("/broken", body="#foreach($x in $input.path('$')")
    api.deploy("dev")
    teapot = api.get("dev", "/teapot")
    assert teapot.status_code == 418 and teapot.headers["X-Kind"] == "tea"
    assert teapot.json() == {"short": "and stout"}
    broken = api.get("dev", "/broken")
    assert broken.status_code == 500
    assert broken.json() == {"message": "Internal server error"}


def test_escaping_a_missing_value_renders_nothing(emulator: EmulatorHandle) -> None:
    # serverless-patterns apigw-lambda-json-xml-vtl-transformation/template.yaml escapes each
    # tag's value, and one tag has none: its XML element is empty, never a placeholder.
    api = new_api(emulator)
    api.mock("/tags", body="#set($tags = $util.parseJson('[{\"name\": \"a\"}, "
                           "{\"name\": \"b\", \"value\": \"v\"}]'))"
                           "#foreach($t in $tags)<tag name=\"$t.name\">"
                           "$util.escapeJavaScript($t.value)</tag>#end")
    api.deploy("dev")
    assert api.get("dev", "/tags").text == '<tag name="a"></tag><tag name="b">v</tag>'


def test_an_http_integration_reaches_another_api_by_its_aws_name(
        emulator: EmulatorHandle) -> None:
    # serverless-patterns apigw-rest-apigw-rest/api.yaml: a primary API proxies to secondary
    # APIs at https://{api}.execute-api.{region}.amazonaws.com/Prod, as on AWS.
    inner = new_api(emulator)
    inner.mock("/ping", body='{"from": "inner"}')
    inner.deploy("dev")
    outer = new_api(emulator)
    outer.method("/relay", "GET", {
        "type": "HTTP_PROXY", "integrationHttpMethod": "GET",
        "uri": f"https://{inner.id}.execute-api.{emulator.region}.amazonaws.com/dev/ping"})
    outer.deploy("dev")
    reply = outer.get("dev", "/relay")
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"from": "inner"}


def test_odd_requests_get_aws_answers_never_a_500(emulator: EmulatorHandle) -> None:
    api = new_api(emulator)
    api.mock("/{proxy+}", "ANY", body='{"p": "$util.escapeJavaScript($input.params(\'proxy\'))"}')
    api.method("/bad-http", "GET", {"type": "HTTP", "integrationHttpMethod": "GET",
                                    "uri": "http://${stageVariables.nothing}"})
    api.deploy("dev")
    for path in ("/%ZZ", "/a//b", "/" + "x" * 3000, "/%00", "/é/ü", "/a/../b"):
        reply = api.get("dev", path)
        assert reply.status_code == 200, (path, reply.text)
    assert api.get("dev", "/bad-http").json() == {"message": "Internal server error"}
    assert httpx.get(f"{emulator.endpoint_url}/_aws/execute-api/nope").status_code == 403
    assert httpx.get(f"{emulator.endpoint_url}/_aws/execute-api/zzz/dev/x").json() == {
        "message": "Forbidden"}
