"""A Python WebSocket function written for AWS: it answers through boto3's
apigatewaymanagementapi client with ``endpoint_url=f"https://{domainName}/{stage}"`` built from
its event, which reaches the emulator from a function's worker process and from a handler
run in-process (whose botocore is the server's: only handler threads are routed).

- https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-how-to-call-websocket-api-connections.html
  (the callback URL is built from ``requestContext.domainName`` and ``stage``)
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from lambda_support import ROLE, unique, zip_of
from websocket_support import new_websocket_api, receive_json

from emulator.runtime.loopback import redirected
from emulator.testing import EmulatorHandle

HANDLER = """
import json
import boto3

def handler(event, context):
    request = event["requestContext"]
    api = boto3.client("apigatewaymanagementapi",
                       endpoint_url=f"https://{request['domainName']}/{request['stage']}")
    api.post_to_connection(ConnectionId=request["connectionId"],
                           Data=json.dumps({"domainName": request["domainName"]}).encode())
    return {"statusCode": 200}
"""


@pytest.mark.parametrize("executor", ["process", "inprocess"])
def test_a_python_function_answers_through_the_https_callback_url(
        emulator: EmulatorHandle, executor: str) -> None:
    name = unique("wspy")
    emulator.client("lambda").create_function(
        FunctionName=name, Runtime="python3.11", Handler="app.handler", Role=ROLE,
        Code={"ZipFile": zip_of({"app.py": HANDLER})}, Timeout=10,
        Tags={"emulator:executor": executor})
    api = new_websocket_api(emulator, "$request.body.action")
    arn = f"arn:aws:lambda:{emulator.region}:000000000000:function:{name}"
    api.route("hello", api.lambda_integration(arn))
    api.stage("prod")
    with api.connect("prod") as ws:
        ws.send('{"action": "hello"}')
        assert receive_json(ws) == {"domainName": f"{api.id}.execute-api.localhost"}


def test_only_https_on_the_default_port_to_the_emulators_names_is_redirected() -> None:
    endpoint = urlsplit("http://127.0.0.1:4599")
    assert redirected("https://abc.execute-api.localhost/prod/@connections/x%3D", endpoint) == (
        "http://127.0.0.1:4599/prod/@connections/x%3D", "abc.execute-api.localhost")
    assert redirected("https://sqs.us-east-1.amazonaws.com:443/", endpoint) == (
        "http://127.0.0.1:4599/", "sqs.us-east-1.amazonaws.com:443")
    assert redirected("https://abc.execute-api.localhost:8443/prod", endpoint) is None
    assert redirected("https://example.com/prod", endpoint) is None
    assert redirected("http://abc.execute-api.localhost/prod", endpoint) is None
