"""AWS_IAM authorization on invoke URLs: calls signed with SigV4 (botocore's signer, as the
AWS SDKs sign) are accepted and the caller fills ``$context.identity``; unsigned, wrongly
signed, tampered and stale calls get API Gateway's 403 answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from apigateway_auth_support import echo_function
from apigateway_support import Api, lambda_uri, new_api
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from emulator.testing import EmulatorHandle


@pytest.fixture(autouse=True, scope="module")
def _forget_apis(emulator: EmulatorHandle) -> Iterator[None]:
    """Leave no APIs, keys or plans behind for the tests that list them."""
    yield
    emulator.reset("apigateway")



def _api(emulator: EmulatorHandle) -> Api:
    emulator.clock.reset()  # clients sign with real time; the emulator checks its own clock
    api = new_api(emulator)
    echo = echo_function(emulator)
    api.method("/{proxy+}", "ANY", {"type": "AWS_PROXY", "integrationHttpMethod": "POST",
                                    "uri": lambda_uri(emulator.region, echo)},
               authorizationType="AWS_IAM")
    api.deploy("dev")
    return api


def _signed(method: str, url: str, *, body: bytes = b"", secret: str = "test",
            access_key: str = "test", region: str = "us-east-1",
            headers: dict[str, str] | None = None) -> dict[str, str]:
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    SigV4Auth(Credentials(access_key, secret), "execute-api", region).add_auth(request)
    return dict(request.headers.items())


def _call(method: str, url: str, headers: dict[str, str], body: bytes = b""
          ) -> httpx.Response:
    return httpx.request(method, url, headers=headers, content=body)


def test_a_signed_call_is_accepted_and_names_the_caller(emulator: EmulatorHandle) -> None:
    api = _api(emulator)
    url = api.url("dev", "/orders/7?b=2&a=1&a=0")
    reply = _call("GET", url, _signed("GET", url))
    assert reply.status_code == 200, reply.text
    identity = reply.json()["requestContext"]["identity"]
    assert identity["accessKey"] == "test" and identity["accountId"] == "000000000000"
    assert identity["caller"] == "000000000000"
    assert identity["userArn"] == "arn:aws:iam::000000000000:root"
    body = json.dumps({"item": "tea"}).encode()
    post = api.url("dev", "/orders")
    headers = _signed("POST", post, body=body, access_key="123456789012",
                      headers={"Content-Type": "application/json"})
    created = _call("POST", post, headers, body)
    assert created.status_code == 200, created.text
    event = created.json()
    assert json.loads(event["body"]) == {"item": "tea"}
    assert event["requestContext"]["identity"]["accountId"] == "123456789012"


def test_the_api_host_form_verifies_too(emulator: EmulatorHandle) -> None:
    api = _api(emulator)
    port = urlsplit(emulator.endpoint_url).port
    host = f"{api.id}.execute-api.localhost:{port}"
    url = f"http://{host}/dev/items"
    headers = {**_signed("GET", url), "Host": host}  # as a resolver for *.localhost would
    reply = httpx.get(f"http://127.0.0.1:{port}/dev/items", headers=headers)
    assert reply.status_code == 200, reply.text


def test_unsigned_and_badly_signed_calls_are_refused(emulator: EmulatorHandle) -> None:
    api = _api(emulator)
    url = api.url("dev", "/orders")
    unsigned = httpx.get(url)
    assert unsigned.status_code == 403
    assert unsigned.json() == {"message": "Missing Authentication Token"}
    assert unsigned.headers["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"
    wrong = _call("GET", url, _signed("GET", url, secret="not-the-secret"))
    assert wrong.status_code == 403
    assert wrong.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    message = wrong.json()["message"]
    assert message.startswith("The request signature we calculated does not match the "
                              "signature you provided.")
    assert "The Canonical String for this request should have been\n'GET\n" in message
    assert "The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n" in message
    body = b'{"amount": 1}'
    tampered = _call("POST", url, _signed("POST", url, body=body), b'{"amount": 1000}')
    assert tampered.status_code == 403
    assert tampered.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    bearer = httpx.get(url, headers={"Authorization": "Bearer abc"})
    assert bearer.status_code == 403
    assert bearer.headers["x-amzn-ErrorType"] == "IncompleteSignatureException"
    assert bearer.json()["message"].endswith("Authorization=Bearer abc")


def test_a_signature_older_than_five_minutes_is_refused(emulator: EmulatorHandle) -> None:
    api = _api(emulator)
    url = api.url("dev", "/orders")
    headers: dict[str, Any] = _signed("GET", url)
    assert _call("GET", url, headers).status_code == 200
    emulator.clock.advance(301)
    stale = _call("GET", url, headers)
    assert stale.status_code == 403
    assert stale.json()["message"].startswith(
        f"Signature expired: {headers['X-Amz-Date']} is now earlier than ")
    emulator.clock.reset()
