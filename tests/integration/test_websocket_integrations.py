"""Non-proxy and proxy integrations of WebSocket routes: MOCK, HTTP and HTTP_PROXY backends,
Lambda and SQS without a proxy, with request templates picked by the template selection
expression, integration responses picked by their keys, and the passthrough behavior."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from http_backend import Backend, running_backend
from lambda_support import unique
from websocket_support import WebSocketApi, new_function, new_websocket_api, receive_json

from emulator.testing import EmulatorHandle


@pytest.fixture(scope="module")
def backend() -> Iterator[Backend]:
    with running_backend() as server:
        yield server


def _two_way(api: WebSocketApi, key: str, responses: dict[str, dict[str, Any]] | None = None,
             **integration: Any) -> str:
    integration_id = api.integration(**integration)
    for response_key, options in (responses or {}).items():
        api.client.create_integration_response(
            ApiId=api.id, IntegrationId=integration_id, IntegrationResponseKey=response_key,
            **options)
    api.route(key, integration_id, two_way=True)
    return integration_id


def test_mock_with_request_and_response_templates(emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator)
    _two_way(api, "$default",
             {"$default": {"ResponseTemplates": {"$default": json.dumps(
                 {"connection": "$context.connectionId", "route": "$context.routeKey",
                  "said": "$input.body"})}}},
             IntegrationType="MOCK", TemplateSelectionExpression="\\$default",
             RequestTemplates={"$default": '{"statusCode": 200}'})
    api.stage()
    with api.connect() as ws:
        ws.send("hello")
        answer = receive_json(ws)
    assert answer["route"] == "$default" and answer["connection"]
    assert answer["said"] == ""  # a mock has no body: the template sees an empty one


def _answering_mock(api: WebSocketApi, answer: str, keys: list[str], **route: Any) -> None:
    """A MOCK integration answering ``answer``, and routes for ``keys`` with a route response
    but no route response selection expression."""
    integration_id = api.integration(
        IntegrationType="MOCK", TemplateSelectionExpression="\\$default",
        RequestTemplates={"$default": '{"statusCode": 200}'})
    api.client.create_integration_response(
        ApiId=api.id, IntegrationId=integration_id, IntegrationResponseKey="$default",
        ResponseTemplates={"$default": answer})
    for key in keys:
        route_id = api.route(key, integration_id, **route)
        api.client.create_route_response(ApiId=api.id, RouteId=route_id,
                                         RouteResponseKey="$default")


def test_a_route_response_alone_makes_the_route_two_way(emulator: EmulatorHandle) -> None:
    # "A route response is optional. When defined, it signals to API Gateway that it should
    # return a response to a client upon receiving a WebSocket message"
    # (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-selection-expressions.html):
    # no RouteResponseSelectionExpression is needed.
    api = new_websocket_api(emulator)
    _answering_mock(api, '{"answered": true}', ["$default"])
    api.stage()
    with api.connect() as ws:
        ws.send("hello")
        assert receive_json(ws) == {"answered": True}


def test_a_model_selection_expression_validates_messages(emulator: EmulatorHandle) -> None:
    # A failed validation is refused without calling the backend, with a "Bad request body"
    # answer; no matching model and no $default model fails too
    # (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-request-validation.html).
    api = new_websocket_api(emulator, "$request.body.action")
    api.client.create_model(ApiId=api.id, Name="order", ContentType="application/json",
                            Schema=json.dumps({"type": "object", "required": ["customerId"],
                                               "properties": {"customerId": {"type": "string"}}}))
    _answering_mock(api, '{"accepted": true}', ["sendOrder", "other"],
                    ModelSelectionExpression="$request.body.action",
                    RequestModels={"sendOrder": "order"})
    api.stage()
    with api.connect() as ws:
        ws.send('{"action": "sendOrder", "customerId": "c-1"}')
        assert receive_json(ws) == {"accepted": True}
        ws.send('{"action": "sendOrder", "customerId": 7}')
        refused = receive_json(ws)
        assert refused["message"] == "Invalid request body" and refused["connectionId"]
        ws.send('{"action": "other"}')
        assert receive_json(ws)["message"] == "Invalid request body"


def test_integration_responses_are_selected_by_status(emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator)
    _two_way(api, "$default",
             {"/2\\d\\d/": {"ResponseTemplates": {"$default": '{"result": "ok"}'}},
              "/4\\d\\d/": {"ResponseTemplates": {"$default": '{"result": "bad request"}'}},
              "$default": {"ResponseTemplates": {"$default": '{"result": "other"}'}}},
             IntegrationType="MOCK",
             RequestTemplates={"$default": "{\"statusCode\": $input.json('$.status')}"})
    api.stage()
    with api.connect() as ws:
        for status, result in ((200, "ok"), (404, "bad request"), (500, "other")):
            ws.send(json.dumps({"status": status}))
            assert receive_json(ws) == {"result": result}


def test_without_a_matching_integration_response_the_client_is_told(
        emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator)
    _two_way(api, "$default", {"/2\\d\\d/": {}}, IntegrationType="MOCK",
             RequestTemplates={"$default": '{"statusCode": 500}'})
    api.stage()
    with api.connect() as ws:
        ws.send("x")
        assert receive_json(ws)["message"] == "Internal server error"


def test_templates_are_selected_by_the_template_selection_expression(
        emulator: EmulatorHandle, backend: Backend) -> None:
    api = new_websocket_api(emulator)
    _two_way(api, "$default", {"$default": {}}, IntegrationType="HTTP",
             IntegrationMethod="POST", IntegrationUri=f"{backend.url}/templated",
             TemplateSelectionExpression="${request.body.kind}",
             RequestTemplates={"upper": '{"shout": "$input.path(\'$.text\').toUpperCase()"}',
                               "$default": '{"plain": $input.json(\'$.text\')}'})
    api.stage()
    with api.connect() as ws:
        ws.send(json.dumps({"kind": "upper", "text": "hi"}))
        assert json.loads(receive_json(ws)["body"]) == {"shout": "HI"}
        ws.send(json.dumps({"kind": "other", "text": "hi"}))
        seen = receive_json(ws)  # the backend echoes what it received
        assert seen["path"] == "/templated" and seen["method"] == "POST"
        assert json.loads(seen["body"]) == {"plain": "hi"}


def test_without_a_selection_expression_the_json_template_applies(
        emulator: EmulatorHandle, backend: Backend) -> None:
    # RequestTemplates are keyed by content type (the apigatewayv2 API reference, "The content
    # type value is the key in this map"); with no TemplateSelectionExpression an
    # "application/json" template transforms each message, as serverless-patterns'
    # apigw-websocket-mapping-template-authorizer relies on (its Lambda reads event.body).
    api = new_websocket_api(emulator)
    _two_way(api, "$default", {"$default": {}}, IntegrationType="HTTP",
             IntegrationMethod="POST", IntegrationUri=f"{backend.url}/typed",
             RequestTemplates={"application/json": '{"body": "$util.escapeJavaScript('
                                                   '$input.body)", "route": '
                                                   '"$context.routeKey"}'})
    api.stage()
    with api.connect() as ws:
        ws.send('{"action": "sendmessage"}')
        seen = receive_json(ws)
    assert json.loads(seen["body"]) == {"body": '{"action": "sendmessage"}',
                                        "route": "$default"}


def test_request_templates_see_the_websocket_context_variables(
        emulator: EmulatorHandle, backend: Backend) -> None:
    # The variables of "WebSocket API mapping template reference for API Gateway"
    # (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-mapping-template-reference.html);
    # a message on its way to the integration has the direction "IN", as the requestContext
    # of a Lambda proxy event for a WebSocket message shows.
    names = ["apiId", "connectionId", "connectedAt", "domainName", "eventType",
             "extendedRequestId", "messageDirection", "messageId", "requestId",
             "requestTime", "requestTimeEpoch", "routeKey", "stage", "identity.sourceIp"]
    template = "{" + ", ".join(f'"{name}": "$context.{name}"' for name in names) + "}"
    api = new_websocket_api(emulator)
    _two_way(api, "$default", {"$default": {}}, IntegrationType="HTTP",
             IntegrationMethod="POST", IntegrationUri=f"{backend.url}/context",
             TemplateSelectionExpression="\\$default", RequestTemplates={"$default": template})
    api.stage()
    with api.connect() as ws:
        ws.send("hello")
        seen = json.loads(receive_json(ws)["body"])
    assert seen["messageDirection"] == "IN"
    assert (seen["eventType"], seen["routeKey"], seen["apiId"]) == ("MESSAGE", "$default",
                                                                     api.id)
    assert seen["requestId"] == seen["extendedRequestId"]
    assert all(seen[name] for name in names), seen


def test_http_proxy_passes_the_message_through(emulator: EmulatorHandle,
                                               backend: Backend) -> None:
    api = new_websocket_api(emulator)
    _two_way(api, "$default", IntegrationType="HTTP_PROXY", IntegrationMethod="PUT",
             IntegrationUri=f"{backend.url}/proxy")
    api.stage()
    with api.connect() as ws:
        ws.send('{"raw": true}')
        seen = receive_json(ws)
    assert (seen["method"], seen["path"], seen["body"]) == ("PUT", "/proxy", '{"raw": true}')


LAMBDA = """
def handler(event, context):
    if event.get("fail"):
        raise ValueError("bad input")
    return {"greeting": "hello " + event["name"], "connection": event["connection"]}
"""


def test_lambda_without_a_proxy(emulator: EmulatorHandle) -> None:
    function = new_function(emulator, LAMBDA)
    api = new_websocket_api(emulator)
    uri = (f"arn:aws:apigateway:{emulator.region}:lambda:path/2015-03-31/functions/"
           f"{function}/invocations")
    _two_way(api, "$default",
             {"$default": {},
              "/bad input/": {"ResponseTemplates": {
                  "$default": '{"error": "$input.path(\'$.errorMessage\')"}'}}},
             IntegrationType="AWS", IntegrationUri=uri, IntegrationMethod="POST",
             RequestTemplates={"$default": '{"name": $input.json(\'$.name\'), '
                                           '"fail": $input.json(\'$.fail\'), '
                                           '"connection": "$context.connectionId"}'})
    api.stage()
    with api.connect() as ws:
        ws.send('{"name": "ada", "fail": false}')
        answer = receive_json(ws)
        assert answer["greeting"] == "hello ada" and answer["connection"]
        ws.send('{"name": "ada", "fail": true}')
        assert receive_json(ws) == {"error": "bad input"}


def test_passthrough_never_refuses_an_unmapped_message(emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator)
    _two_way(api, "$default", {"$default": {}}, IntegrationType="MOCK",
             PassthroughBehavior="NEVER", TemplateSelectionExpression="${request.body.kind}",
             RequestTemplates={"known": '{"statusCode": 200}'})
    api.stage()
    with api.connect() as ws:
        ws.send('{"kind": "unknown"}')
        assert receive_json(ws)["message"] == "Internal server error"


def test_an_sqs_integration_sends_each_message(emulator: EmulatorHandle) -> None:
    sqs = emulator.client("sqs")
    queue_url = sqs.create_queue(QueueName=unique("inbox"))["QueueUrl"]
    account, queue = queue_url.rstrip("/").split("/")[-2:]
    api = new_websocket_api(emulator)
    integration = api.integration(
        IntegrationType="AWS", IntegrationMethod="POST",
        IntegrationUri=f"arn:aws:apigateway:{emulator.region}:sqs:path/{account}/{queue}",
        RequestParameters={
            "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"},
        RequestTemplates={"$default": "Action=SendMessage&MessageBody=$util.urlEncode("
                                      "$input.body)"})
    api.route("$default", integration)
    api.stage()
    with api.connect() as ws:
        ws.send('{"order": 42}')
        messages: list[dict[str, Any]] = []
        for _ in range(10):
            messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1).get(
                "Messages", [])
            if messages:
                break
    assert [m["Body"] for m in messages] == ['{"order": 42}']


def test_an_sqs_integration_sends_query_style_message_attributes(
        emulator: EmulatorHandle) -> None:
    # serverless-patterns apigw-websocket-api-sqs-lambda/template.yaml: the template sends
    # the connection id as MessageAttribute.1.Name/Value.StringValue/Value.DataType, the
    # query API's form (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html),
    # and its function reads messageAttributes.connectionId.stringValue.
    sqs = emulator.client("sqs")
    queue_url = sqs.create_queue(QueueName=unique("attrs") + ".fifo",
                                 Attributes={"FifoQueue": "true"})["QueueUrl"]
    account, queue = queue_url.rstrip("/").split("/")[-2:]
    api = new_websocket_api(emulator)
    integration = api.integration(
        IntegrationType="AWS", IntegrationMethod="POST", PassthroughBehavior="NEVER",
        IntegrationUri=f"arn:aws:apigateway:{emulator.region}:sqs:path/{account}/{queue}",
        RequestParameters={
            "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"},
        TemplateSelectionExpression="\\$default",
        RequestTemplates={"$default": (
            "Action=SendMessage&MessageGroupId=$input.path('$.MessageGroupId')"
            "&MessageDeduplicationId=$context.requestId"
            "&MessageAttribute.1.Name=connectionId"
            "&MessageAttribute.1.Value.StringValue=$context.connectionId"
            "&MessageAttribute.1.Value.DataType=String"
            "&MessageBody=$util.urlEncode($input.json('$'))")})
    api.route("$default", integration)
    api.stage()
    with api.connect() as ws:
        ws.send('{"MessageGroupId": "test", "data": "hello world"}')
        messages: list[dict[str, Any]] = []
        for _ in range(10):
            messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1,
                                           MessageAttributeNames=["All"],
                                           AttributeNames=["All"]).get("Messages", [])
            if messages:
                break
    assert len(messages) == 1
    attribute = messages[0]["MessageAttributes"]["connectionId"]
    assert attribute["DataType"] == "String" and attribute["StringValue"]
    assert messages[0]["Attributes"]["MessageGroupId"] == "test"
    assert json.loads(messages[0]["Body"]) == {"MessageGroupId": "test", "data": "hello world"}
