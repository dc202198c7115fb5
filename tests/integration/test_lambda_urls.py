"""Function URLs: configs through boto3, requests through httpx with the payload 2.0 event."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from botocore.exceptions import ClientError
from lambda_support import create_function

from emulator.testing import EmulatorHandle

ECHO = {"app.py": """
    import json
    def handler(event, context):
        if event.get("rawPath") == "/fail":
            raise RuntimeError("boom")
        if event.get("rawPath") == "/plain":
            return {"just": "data"}
        return {"statusCode": 201, "headers": {"x-echo": "yes"}, "cookies": ["a=1"],
                "body": json.dumps(event)}
"""}


def test_function_url_config_and_request(emulator: EmulatorHandle) -> None:
    client = emulator.client("lambda")
    name = create_function(client, ECHO)
    created = client.create_function_url_config(FunctionName=name, AuthType="NONE")
    url = created["FunctionUrl"]
    assert "/_aws/lambda-url/" in url and url.endswith("/")
    with pytest.raises(ClientError) as excinfo:
        client.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert excinfo.value.response["Error"]["Code"] == "ResourceConflictException"
    assert client.get_function_url_config(FunctionName=name)["AuthType"] == "NONE"
    path = url.split("/_aws/", 1)[1]
    reply = httpx.post(f"{emulator.endpoint_url}/_aws/{path}items/7?x=1&x=2&y=3",
                       content=b'{"k": 1}', headers={"content-type": "application/json",
                                                     "cookie": "c1=v1; c2=v2"})
    assert reply.status_code == 201
    assert reply.headers["x-echo"] == "yes"
    assert reply.headers["set-cookie"] == "a=1"
    event = reply.json()
    assert event["version"] == "2.0"
    assert event["rawPath"] == "/items/7"
    assert event["rawQueryString"] == "x=1&x=2&y=3"
    assert event["queryStringParameters"] == {"x": "1,2", "y": "3"}
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    assert event["body"] == '{"k": 1}' and event["isBase64Encoded"] is False
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["requestContext"]["routeKey"] == "$default"

    plain = httpx.get(f"{emulator.endpoint_url}/_aws/{path}plain")
    assert (plain.status_code, plain.json()) == (200, {"just": "data"})
    assert httpx.get(f"{emulator.endpoint_url}/_aws/{path}fail").status_code == 502
    binary = httpx.put(f"{emulator.endpoint_url}/_aws/{path}bin", content=b"\x00\x01",
                       headers={"content-type": "application/octet-stream"}).json()
    assert (binary["isBase64Encoded"], base64.b64decode(binary["body"])) == (True, b"\x00\x01")

    url_id = path.split("/")[1]
    port = emulator.endpoint_url.rsplit(":", 1)[1]
    by_host = httpx.get(f"{emulator.endpoint_url}/hello",
                        headers={"host": f"{url_id}.lambda-url.us-east-1.localhost:{port}"})
    assert by_host.status_code == 201 and json.loads(by_host.text)["rawPath"] == "/hello"

    client.delete_function_url_config(FunctionName=name)
    assert httpx.get(f"{emulator.endpoint_url}/_aws/{path}").status_code == 404


def test_a_browser_opening_a_function_url_root_gets_the_function(
        emulator: EmulatorHandle) -> None:
    # The console's redirect is for the emulator's own root, asked after the front door.
    client = emulator.client("lambda")
    name = create_function(client, ECHO)
    url_id = client.create_function_url_config(
        FunctionName=name, AuthType="NONE")["FunctionUrl"].split("/_aws/", 1)[1].split("/")[1]
    port = emulator.endpoint_url.rsplit(":", 1)[1]
    page = httpx.get(f"{emulator.endpoint_url}/", follow_redirects=False, headers={
        "host": f"{url_id}.lambda-url.us-east-1.localhost:{port}", "accept": "text/html"})
    assert page.status_code == 201 and json.loads(page.text)["rawPath"] == "/"
