"""apigatewayv2 with protocol WEBSOCKET: what AWS accepts and refuses for WebSocket APIs,
routes, route responses, integrations, integration responses, authorizers and deployments."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from websocket_support import RECORDER, new_function, new_recorder, new_websocket_api
from websockets.exceptions import ConnectionClosed

from emulator.testing import EmulatorHandle


def _error(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    error = raised.value.response["Error"]
    return error["Code"], error.get("Message", "")


def test_a_websocket_api(emulator: EmulatorHandle) -> None:
    client = emulator.client("apigatewayv2")
    created = client.create_api(Name="chat", ProtocolType="WEBSOCKET",
                                RouteSelectionExpression="$request.body.action")
    assert created["ProtocolType"] == "WEBSOCKET"
    assert created["RouteSelectionExpression"] == "$request.body.action"
    assert created["ApiEndpoint"].startswith(f"ws://{created['ApiId']}.execute-api.localhost:")
    assert client.get_api(ApiId=created["ApiId"])["ApiEndpoint"] == created["ApiEndpoint"]
    code, message = _error(client.create_api, Name="x", ProtocolType="WEBSOCKET")
    assert code == "BadRequestException" and "RouteSelectionExpression" in message
    code, _ = _error(client.create_api, Name="x", ProtocolType="WEBSOCKET",
                     RouteSelectionExpression="$request.body.a",
                     CorsConfiguration={"AllowOrigins": ["*"]})
    assert code == "BadRequestException"
    code, _ = _error(client.create_api, Name="x", ProtocolType="WEBSOCKET",
                     RouteSelectionExpression="$request.body.a",
                     Target="arn:aws:lambda:us-east-1:000000000000:function:f")
    assert code == "BadRequestException"


def test_routes_and_route_responses(emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator)
    client = api.client
    route = api.route("sendMessage")
    assert client.get_route(ApiId=api.id, RouteId=route)["RouteKey"] == "sendMessage"
    code, message = _error(client.create_route, ApiId=api.id, RouteKey="admin",
                           AuthorizationType="AWS_IAM")
    assert code == "BadRequestException"
    assert message == "Currently, authorization is restricted to the $connect route only"
    api.route("$connect", AuthorizationType="AWS_IAM")
    assert _error(client.create_route, ApiId=api.id, RouteKey="sendMessage")[0] == \
        "ConflictException"
    code, _ = _error(client.create_route_response, ApiId=api.id, RouteId=route,
                     RouteResponseKey="$error")
    assert code == "BadRequestException"
    client.create_route_response(ApiId=api.id, RouteId=route, RouteResponseKey="$default")
    assert _error(client.create_route_response, ApiId=api.id, RouteId=route,
                  RouteResponseKey="$default")[0] == "ConflictException"
    updated = client.update_route(ApiId=api.id, RouteId=route,
                                  RouteResponseSelectionExpression="$default")
    assert updated["RouteResponseSelectionExpression"] == "$default"


def test_integrations_and_integration_responses(emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator)
    client = api.client
    mock = client.create_integration(ApiId=api.id, IntegrationType="MOCK",
                                     RequestTemplates={"$default": '{"statusCode": 200}'})
    assert mock["TimeoutInMillis"] == 29000
    assert mock["PassthroughBehavior"] == "WHEN_NO_MATCH"
    for bad in ({"IntegrationType": "HTTP", "IntegrationUri": "http://example.com"},
                {"IntegrationType": "AWS_PROXY", "IntegrationUri": "not-a-function"},
                {"IntegrationType": "MOCK", "TimeoutInMillis": 30000}):
        assert _error(client.create_integration, ApiId=api.id, **bad)[0] == \
            "BadRequestException", bad
    integration = mock["IntegrationId"]
    for key in ("$default", "/2\\d\\d/"):
        client.create_integration_response(ApiId=api.id, IntegrationId=integration,
                                           IntegrationResponseKey=key)
    for key in ("200", "/[unclosed/"):
        assert _error(client.create_integration_response, ApiId=api.id,
                      IntegrationId=integration, IntegrationResponseKey=key)[0] == \
            "BadRequestException", key
    assert _error(client.create_integration_response, ApiId=api.id, IntegrationId=integration,
                  IntegrationResponseKey="$default")[0] == "ConflictException"
    keys = {r["IntegrationResponseKey"] for r in client.get_integration_responses(
        ApiId=api.id, IntegrationId=integration)["Items"]}
    assert keys == {"$default", "/2\\d\\d/"}


def test_authorizers(emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator)
    client = api.client
    uri = (f"arn:aws:apigateway:{emulator.region}:lambda:path/2015-03-31/functions/"
           f"arn:aws:lambda:{emulator.region}:000000000000:function:auth/invocations")
    created = client.create_authorizer(
        ApiId=api.id, AuthorizerType="REQUEST", Name="auth", AuthorizerUri=uri,
        IdentitySource=["route.request.header.Auth", "route.request.querystring.token"])
    assert created["IdentitySource"] == ["route.request.header.Auth",
                                         "route.request.querystring.token"]
    assert _error(client.create_authorizer, ApiId=api.id, AuthorizerType="REQUEST",
                  Name="http-style", AuthorizerUri=uri,
                  IdentitySource=["$request.header.Auth"])[0] == "BadRequestException"
    assert _error(client.create_authorizer, ApiId=api.id, AuthorizerType="JWT", Name="jwt",
                  IdentitySource=["route.request.header.Auth"],
                  JwtConfiguration={"Issuer": "https://issuer.example"})[0] == \
        "BadRequestException"
    route = api.route("$connect", AuthorizationType="CUSTOM",
                      AuthorizerId=created["AuthorizerId"])
    assert client.get_route(ApiId=api.id, RouteId=route)["AuthorizerId"] == \
        created["AuthorizerId"]


def test_models(emulator: EmulatorHandle) -> None:
    # CreateModel, GetModel(s), UpdateModel, DeleteModel
    # (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-models.html);
    # a route names models in RequestModels.
    api = new_websocket_api(emulator)
    client = api.client
    schema = '{"type": "object", "required": ["orderId"]}'
    created = client.create_model(ApiId=api.id, Name="order", ContentType="application/json",
                                  Schema=schema)
    model_id = created["ModelId"]
    assert client.get_model(ApiId=api.id, ModelId=model_id)["Schema"] == schema
    client.update_model(ApiId=api.id, ModelId=model_id, Description="an order")
    assert [m["Description"] for m in client.get_models(ApiId=api.id)["Items"]] == ["an order"]
    client.delete_model(ApiId=api.id, ModelId=model_id)
    assert _error(client.get_model, ApiId=api.id, ModelId=model_id)[0] == "NotFoundException"
    assert client.get_models(ApiId=api.id)["Items"] == []


def test_a_stage_serves_its_deployment_until_the_next(emulator: EmulatorHandle) -> None:
    recorder = new_recorder(emulator)  # its function records, then echoes the message
    echo = new_function(emulator, RECORDER.replace(
        'return {"statusCode": 200}', 'return {"statusCode": 200, "body": event["body"]}'),
        Environment={"Variables": {"QUEUE_URL": recorder.queue_url}})
    api = new_websocket_api(emulator)
    route = api.route("$default", api.lambda_integration(echo))
    api.stage("live", AutoDeploy=False)
    deployment = api.client.create_deployment(ApiId=api.id)["DeploymentId"]
    api.client.update_stage(ApiId=api.id, StageName="live", DeploymentId=deployment)
    with api.connect("live") as ws:
        api.client.update_route(ApiId=api.id, RouteId=route,
                                RouteResponseSelectionExpression="$default")
        api.client.create_route_response(ApiId=api.id, RouteId=route,
                                         RouteResponseKey="$default")
        ws.send("one way still")  # not deployed yet: no answer comes
        assert recorder.events()[0]["body"] == "one way still"
        api.client.create_deployment(ApiId=api.id, StageName="live")
        ws.send("two way now")
        assert ws.recv(timeout=10) == "two way now"  # the first answer


def _closed_with(ws: Any) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        for _ in range(10):
            ws.recv(timeout=10)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


def test_deleting_a_stage_or_the_api_disconnects_its_clients(emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator)
    api.route("$default", api.integration(IntegrationType="MOCK"))
    api.stage("one")
    api.stage("two")
    with api.connect("one") as first, api.connect("two") as second:
        api.client.delete_stage(ApiId=api.id, StageName="one")
        assert _closed_with(first) == 1001
        api.client.delete_api(ApiId=api.id)
        assert _closed_with(second) == 1001


def test_a_reset_disconnects_every_client(emulator: EmulatorHandle) -> None:
    api = new_websocket_api(emulator)
    api.route("$default", api.integration(IntegrationType="MOCK"))
    api.stage()
    with api.connect() as ws:
        emulator.reset("apigatewayv2")  # from the test's own thread
        assert _closed_with(ws) == 1001
