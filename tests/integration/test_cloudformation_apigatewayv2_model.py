"""AWS::ApiGatewayV2::Model: a WebSocket API's model from a template, its Schema given as a
JSON object, Ref its ModelId.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-model.html
"""

from __future__ import annotations

import json

from cloudformation_support import create, outputs, stack_name

from emulator.testing import EmulatorHandle


def test_a_model_from_a_template(emulator: EmulatorHandle) -> None:
    cfn = emulator.client("cloudformation")
    schema = {"type": "object", "required": ["customerId"],
              "properties": {"customerId": {"type": "string"}}}
    name = stack_name()
    create(cfn, name, json.dumps({"Resources": {
        "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {
            "Name": "orders", "ProtocolType": "WEBSOCKET",
            "RouteSelectionExpression": "$request.body.action"}},
        "Order": {"Type": "AWS::ApiGatewayV2::Model", "Properties": {
            "ApiId": {"Ref": "Api"}, "Name": "orderModel",
            "ContentType": "application/json", "Schema": schema}}},
        "Outputs": {"Api": {"Value": {"Ref": "Api"}}, "Model": {"Value": {"Ref": "Order"}}}}))
    out = outputs(cfn, name)
    model = emulator.client("apigatewayv2").get_model(ApiId=out["Api"], ModelId=out["Model"])
    assert model["Name"] == "orderModel" and json.loads(model["Schema"]) == schema
