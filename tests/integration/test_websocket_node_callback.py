"""A Node.js WebSocket function written for AWS: it stores the connection in DynamoDB and answers
through the callback URL ``https://{domainName}/{stage}`` built from its event, the way the AWS
SDK for JavaScript v2 (which ignores AWS_ENDPOINT_URL) sends requests: ``https.request`` with
the service's own host name, port 443 and that name in its Host header.

- https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html
  (the callback URL is built from ``requestContext.domainName`` and ``stage``)
"""

from __future__ import annotations

import pytest
from lambda_support import ROLE, unique, zip_of
from runtime_functions import need
from websocket_support import WebSocketApi, new_websocket_api, receive_json

from emulator.testing import EmulatorHandle

# What aws-sdk v2's node http client sends: {host, port: 443, headers: {Host, ...}, path}.
HANDLER = """
const https = require("https");
const SIGNED = (service) =>
  `AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/${service}/aws4_request, ` +
  "SignedHeaders=host, Signature=0";
const send = (host, path, headers, body) => new Promise((resolve, reject) => {
  const outgoing = https.request({ host, port: 443, method: "POST", path,
    headers: { Host: host, "Content-Length": Buffer.byteLength(body), ...headers } },
    (reply) => { let text = ""; reply.on("data", (c) => { text += c; });
                 reply.on("end", () => resolve([reply.statusCode, text])); });
  outgoing.on("error", reject);
  outgoing.end(body);
});
exports.handler = async (event) => {
  const { connectionId, domainName, stage } = event.requestContext;
  const dynamodb = "dynamodb.us-east-1.amazonaws.com";
  const stored = await send(dynamodb, "/", { "X-Amz-Target": "DynamoDB_20120810.PutItem",
    "Content-Type": "application/x-amz-json-1.0", Authorization: SIGNED("dynamodb") },
    JSON.stringify({ TableName: process.env.TABLE_NAME,
                     Item: { connectionId: { S: connectionId } } }));
  const data = JSON.stringify({ domainName, stored: stored[0] });
  const path = `/${stage}/@connections/${encodeURIComponent(connectionId)}`;
  const posted = await send(domainName, path, { Authorization: SIGNED("execute-api") }, data);
  return { statusCode: posted[0] === 200 ? 200 : 500, body: "Data sent." };
};
"""


@pytest.fixture(autouse=True)
def _node() -> None:
    need("node")


def _chat(emulator: EmulatorHandle) -> tuple[WebSocketApi, str]:
    table = unique("connections")
    emulator.client("dynamodb").create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "connectionId", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "connectionId", "KeyType": "HASH"}])
    name = unique("sendmessage")
    emulator.client("lambda").create_function(
        FunctionName=name, Runtime="nodejs20.x", Handler="index.handler", Role=ROLE,
        Code={"ZipFile": zip_of({"index.js": HANDLER})}, Timeout=5,
        Environment={"Variables": {"TABLE_NAME": table}})
    api = new_websocket_api(emulator, "$request.body.message")
    arn = f"arn:aws:lambda:{emulator.region}:000000000000:function:{name}"
    api.route("sendmessage", api.lambda_integration(arn))
    api.stage("Prod")
    return api, table


def test_a_path_form_client_gets_a_domain_name_that_names_its_api(
        emulator: EmulatorHandle) -> None:
    api, table = _chat(emulator)
    with api.connect("Prod") as ws:
        ws.send('{"message": "sendmessage", "data": "hello"}')
        answer = receive_json(ws)
    assert answer == {"domainName": f"{api.id}.execute-api.localhost", "stored": 200}
    items = emulator.client("dynamodb").scan(TableName=table)["Items"]
    assert len(items) == 1


def test_a_host_form_client_keeps_the_name_it_used(emulator: EmulatorHandle) -> None:
    api, _ = _chat(emulator)
    with api.connect("Prod", by_host=True) as ws:
        ws.send('{"message": "sendmessage", "data": "hello"}')
        assert receive_json(ws)["domainName"] == f"{api.id}.execute-api.localhost"
